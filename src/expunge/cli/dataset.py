"""Dataset commands: scan, find, index build, forget, verify, subject check."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from expunge.cli.options import (
    CORES,
    DatasetArg,
    EngineOpt,
    ForgetMode,
    FormatOpt,
    IdFieldOpt,
    ImageFieldOpt,
    ImagesDirOpt,
    OnErrorOpt,
    PatternsOpt,
    PhoneRegionOpt,
    QueryPhotoOpt,
    QuietOpt,
    RayAddressOpt,
    SampleOpt,
    SubjectOpt,
    SubjectsOpt,
    TextFieldOpt,
    ThresholdOpt,
    WorkersOpt,
)
from expunge.errors import ExpungeError

if TYPE_CHECKING:
    from expunge.detect import EntityType
    from expunge.scan import ScanConfig
    from expunge.subject import SubjectProfile

dataset_app = typer.Typer()  # its commands are mounted at the top level
err_console = Console(stderr=True, highlight=False)


def _parse_types(
    types: str | None, ner: bool, custom: tuple[EntityType, ...] = ()
) -> tuple[str, ...] | None:
    from expunge.detect import ENTITY_TYPES

    if not types:
        return None
    known = ENTITY_TYPES + tuple(c.name for c in custom)
    wanted = tuple(dict.fromkeys(t.strip() for t in types.split(",") if t.strip()))
    unknown = [t for t in wanted if t not in known]
    if unknown:
        raise ExpungeError(
            f"unknown type(s) in --types: {', '.join(unknown)}",
            "choose from: " + ", ".join(known),
        )
    if "person" in wanted and not ner:
        raise ExpungeError("--types person needs the NER stage", "add --ner (needs expunge[ner])")
    return wanted


@dataset_app.command(
    epilog="Example: expunge scan demo-data/dataset --out demo-out --workers 2",
)
def scan(
    dataset: DatasetArg,
    format: FormatOpt = "auto",
    text_field: TextFieldOpt = None,
    url_field: Annotated[
        str | None, typer.Option(help="Column/key holding the source URL (nested: a.b).")
    ] = None,
    id_field: IdFieldOpt = None,
    workers: WorkersOpt = CORES,
    engine: EngineOpt = "local",
    ray_address: RayAddressOpt = None,
    types: Annotated[
        str | None,
        typer.Option(help="Comma-separated entity types (default: every personal-data type)."),
    ] = None,
    all_types: Annotated[
        bool,
        typer.Option("--all", help="Also report technical look-alikes (namespace URLs)."),
    ] = False,
    phone_region: PhoneRegionOpt = "US",
    min_score: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Drop findings below this.")
    ] = 0.5,
    ner: Annotated[
        bool, typer.Option("--ner", help="Also find names with spaCy (expunge[ner]).")
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Write findings.jsonl, summary.json, report.html here; re-runs are incremental."
        ),
    ] = None,
    on_error: OnErrorOpt = "stop",
    quiet: QuietOpt = False,
    sample: SampleOpt = 1.0,
    patterns: PatternsOpt = None,
) -> None:
    """Scan a dataset for personal data: counts per type, exact locations, HTML report."""
    from expunge.records import FieldSpec
    from expunge.scan import ScanConfig

    if ner:
        from expunge.detect.ner import check_ner_available

        check_ner_available()
    if phone_region.upper() != phone_region or len(phone_region) != 2:
        raise ExpungeError(
            f"--phone-region {phone_region!r} is not a region code", "use e.g. US, GB, DE"
        )
    custom: tuple[EntityType, ...] = ()
    if patterns:
        from expunge.detect import load_patterns  # YAML is read only for --patterns

        custom = load_patterns(patterns)
    if all_types and types:
        raise ExpungeError("give --types or --all, not both", "--all is every type there is")
    if all_types:
        from expunge.detect import ENTITY_TYPES

        types = ",".join(t for t in ENTITY_TYPES if t != "person" or ner)
    config = ScanConfig(
        fields=FieldSpec(text=text_field, url=url_field, id=id_field),
        types=_parse_types(types, ner, custom),
        phone_region=phone_region,
        min_score=min_score,
        on_error=on_error,
        ner=ner,
        sample=sample,
        patterns=custom,
    )
    _run_over_dataset(dataset, format, config, engine, workers, ray_address, out, quiet)


def _run_over_dataset(
    dataset: str,
    format: str,
    config: ScanConfig,
    engine: str,
    workers: int,
    ray_address: str | None,
    out: Path | None,
    quiet: bool,
) -> None:
    """Shared by scan and find: same readers, executors, outputs; only the steps differ."""
    from expunge.executors import make_executor
    from expunge.io import open_dataset
    from expunge.report.terminal import ScanProgress, print_scan_summary
    from expunge.scan import run_scan

    data = open_dataset(dataset, format)
    executor = make_executor(engine, workers, ray_address)
    console = Console(stderr=True)
    if quiet or not console.is_terminal:
        outcome = run_scan(data, config, executor, out, live_progress=False)
    else:
        with ScanProgress(console) as progress:
            outcome = run_scan(data, config, executor, out, progress.hooks())
    print_scan_summary(Console(highlight=False), outcome.summary)
    if out is not None:
        print(f"report: {out / 'report.html'}")
        print(f"findings: {out / 'findings.jsonl'}  summary: {out / 'summary.json'}")


@dataset_app.command(
    epilog="Example: expunge find --subject demo-data/subject.toml demo-data/dataset --out find-out",
)
def find(
    dataset: Annotated[
        str | None, typer.Argument(help="A file, a directory or a glob (checked against --index).")
    ] = None,
    index: Annotated[
        Path | None, typer.Option(help="Answer from an index built by `expunge index build`.")
    ] = None,
    subject: Annotated[
        list[Path] | None, typer.Option(help="A profile file (.toml/.json/.yaml); repeatable.")
    ] = None,
    subjects: Annotated[
        Path | None, typer.Option(help="JSON Lines file: one profile object per line.")
    ] = None,
    format: FormatOpt = "auto",
    text_field: TextFieldOpt = None,
    id_field: IdFieldOpt = None,
    workers: WorkersOpt = CORES,
    engine: EngineOpt = "local",
    ray_address: RayAddressOpt = None,
    phone_region: PhoneRegionOpt = "US",
    out: Annotated[
        Path | None,
        typer.Option(help="Write findings.jsonl (with 'subject'), summary.json, report.html."),
    ] = None,
    on_error: OnErrorOpt = "stop",
    quiet: QuietOpt = False,
    show_values: Annotated[
        bool, typer.Option("--show-values", help="Context snippets unmasked (your own data only).")
    ] = False,
    sample: SampleOpt = 1.0,
) -> None:
    """Find the records that mention given people: one pass, however many subjects."""
    from expunge.records import FieldSpec
    from expunge.scan import ScanConfig

    profiles = _profiles(subject, subjects, phone_region)
    if not profiles:
        raise ExpungeError(
            "no subject given", "pass --subject me.toml or --subjects requests.jsonl"
        )
    if index is not None:
        if sample < 1.0:
            raise ExpungeError("--sample does not apply to --index", "a lookup reads no records")
        _find_in_index(index, profiles, dataset, out)
        return
    if dataset is None:
        raise ExpungeError("no dataset given", "pass DATASET, or --index IDX")
    config = ScanConfig(
        fields=FieldSpec(text=text_field, id=id_field),
        phone_region=phone_region,
        on_error=on_error,
        subjects=tuple(profiles),
        show_values=show_values,
        sample=sample,
        raw=True,  # as forget and verify: markup, headers and every field of a record
    )
    _run_over_dataset(dataset, format, config, engine, workers, ray_address, out, quiet)


def _find_in_index(
    index: Path, profiles: list[SubjectProfile], dataset: str | None, out: Path | None
) -> None:
    import time

    from expunge.index import lookup

    started = time.perf_counter()
    matches = lookup(index, profiles, dataset_spec=dataset)
    took = (time.perf_counter() - started) * 1000
    strong = [m for m in matches if m.confidence == "strong"]
    print(
        f"{len(strong)} records with strong evidence, {len(matches) - len(strong)} weaker, "
        f"for {len(profiles)} subject(s) from index {index} in {took:,.0f} ms"
        + ("" if dataset else " (dataset not checked against the index: pass DATASET)")
    )
    for m in strong[:20]:
        print(f"  {m.subject}  {m.shard}  row {m.row}  ({', '.join(m.kinds)})")
    if out is not None:
        from expunge.index.candidates import write_matches

        print(f"matches: {write_matches(out, matches)}")


index_app = typer.Typer(help="An on-disk index of keyed identifier hashes.", no_args_is_help=True)
dataset_app.add_typer(index_app, name="index")


@index_app.command(
    "build", epilog="Example: expunge index build demo-data/dataset --out demo-index"
)
def index_build(
    dataset: DatasetArg,
    out: Annotated[
        Path, typer.Option(help="Index directory (re-runs add new/changed shards only).")
    ],
    format: FormatOpt = "auto",
    text_field: TextFieldOpt = None,
    id_field: IdFieldOpt = None,
    workers: WorkersOpt = CORES,
    engine: EngineOpt = "local",
    ray_address: RayAddressOpt = None,
    on_error: OnErrorOpt = "stop",
) -> None:
    """Index every email, phone, profile URL, handle and word of a dataset as keyed hashes."""
    from expunge.executors import make_executor
    from expunge.index import build_index
    from expunge.records import FieldSpec

    stats = build_index(
        dataset,
        out,
        FieldSpec(text=text_field, id=id_field),
        format=format,
        workers=workers,
        on_error=on_error,
        executor=make_executor(engine, workers, ray_address),
    )
    print(
        f"index {out}: {stats.shards} shards ({len(stats.built)} indexed now, {len(stats.reused)} "
        f"unchanged, {len(stats.removed)} removed); {stats.records:,} records, "
        f"{stats.entries:,} keyed hashes, {stats.seconds:.1f} s ({stats.mb_per_s:.1f} MB/s); "
        f"{stats.disk_bytes / 1e6:,.1f} MB on disk ({stats.merged_bytes / 1e6:,.1f} MB merged)"
    )


def _profiles(
    subject: list[Path] | None, subjects: Path | None, phone_region: str = "US"
) -> list[SubjectProfile]:
    """Profiles from the files; `phone_region` reads national phone numbers of profiles
    that give no region of their own."""
    from expunge.subject import load_subject, load_subjects_jsonl

    region = _region(phone_region)
    profiles = [load_subject(p, region) for p in subject or []]
    if subjects is not None:
        profiles += load_subjects_jsonl(subjects, region)
    return profiles


def _region(phone_region: str) -> str:
    from expunge.detect.phone import check_phone_region

    return check_phone_region(phone_region)


@dataset_app.command(
    epilog="Example: expunge forget --subject demo-data/subject.toml demo-data/dataset "
    "--out demo-v2 --mode redact --request-id R-1 --registry demo-registry",
)
def forget(
    dataset: DatasetArg,
    out: Annotated[Path, typer.Option(help="Directory for the new version (must not exist).")],
    subject: SubjectOpt = None,
    subjects: SubjectsOpt = None,
    mode: Annotated[
        ForgetMode, typer.Option(help="drop the records, or redact the matched spans.")
    ] = "drop",
    request_id: Annotated[str, typer.Option(help="Your reference for this removal.")] = "",
    registry: Annotated[
        Path | None,
        typer.Option(help="Suppression registry to record the removal in (keyed hashes only)."),
    ] = None,
    index: Annotated[
        Path | None,
        typer.Option(
            help="Index of DATASET (expunge index build): only the shards and rows it names "
            "are searched; it must be up to date."
        ),
    ] = None,
    format: FormatOpt = "auto",
    text_field: TextFieldOpt = None,
    query: QueryPhotoOpt = None,
    images_report: Annotated[
        Path | None,
        typer.Option(help="Remove the images an `images find` / `images faces` --out names."),
    ] = None,
    threshold: ThresholdOpt = None,
    images_dir: ImagesDirOpt = None,
    image_field: ImageFieldOpt = None,
    on_error: OnErrorOpt = "stop",
    workers: WorkersOpt = CORES,
    engine: EngineOpt = "local",
    ray_address: RayAddressOpt = None,
    phone_region: PhoneRegionOpt = "US",
) -> None:
    """Write a new version of DATASET without the subjects' records (or with them redacted)
    and without the samples showing your photos (--query, --images-report)."""
    from expunge.cli.forget_photos import photo_removal, print_photo_outcome
    from expunge.executors import make_executor
    from expunge.forget import Registry
    from expunge.forget import forget as run_forget
    from expunge.io import open_dataset
    from expunge.records import FieldSpec

    profiles = _profiles(subject, subjects, phone_region)
    if not profiles and registry is None and not query and images_report is None:
        raise ExpungeError(
            "no subject given",
            "pass --subject me.toml, --subjects requests.jsonl, --query photo.jpg or --registry REG",
        )
    if index is not None and not profiles:
        raise ExpungeError(
            "--index needs --subject or --subjects", "re-apply a registry without --index"
        )
    reapplying = not profiles and not query and images_report is None
    if registry is not None and reapplying and not (registry / "secret.key").exists():
        raise ExpungeError(f"{registry} is not an expunge registry", "check the --registry path")
    executor = make_executor(engine, workers, ray_address)
    the_registry = Registry(registry) if registry else None
    photos, image_data = photo_removal(
        dataset, format, executor, queries=query or [], images_report=images_report,
        registry=the_registry, reapplying=reapplying,
        threshold=threshold, images_dir=images_dir, image_field=image_field, on_error=on_error,
    )  # fmt: skip
    data = image_data if image_data is not None else open_dataset(dataset, format)
    candidates = checksums = None
    if index is not None:
        from expunge.index.candidates import strong_rows

        candidates, checksums = strong_rows(index, profiles, dataset)
    manifest = run_forget(
        data,
        profiles,
        out,
        executor,
        photos=photos,
        fields=FieldSpec(text=text_field),
        mode=mode,
        request_id=request_id,
        registry=the_registry,
        phone_region=phone_region,
        candidates=candidates,
        known_checksums=checksums,
        found_with="full scan" if index is None else f"index {index}",
    )
    t = manifest["totals"]
    print(
        f"new version: {out} ({t['shards']} shards, {t['rewritten']} rewritten, the rest linked); "
        f"{t['records_dropped']} records dropped, {t['records_redacted']} redacted "
        f"({t['spans_redacted']} spans); manifest: {out / 'manifest.json'}"
    )
    print_photo_outcome(manifest, the_registry)
    for name in manifest.get("carried_with_matches", []):
        err_console.print(
            f"[yellow]warning:[/] {escape(name)} (not data: linked from the parent as it is) "
            "still names a subject; edit the parent's copy and run forget again "
            "(verify fails until then)"
        )


@dataset_app.command(epilog="Example: expunge verify demo-v2 --subject demo-data/subject.toml")
def verify(
    version: Annotated[Path, typer.Argument(help="A version written by expunge forget.")],
    subject: SubjectOpt = None,
    subjects: SubjectsOpt = None,
    registry: Annotated[
        Path | None,
        typer.Option(help="Also check every removal recorded in this suppression registry."),
    ] = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Also write the certificate here.")
    ] = None,
    query: QueryPhotoOpt = None,
    threshold: Annotated[
        int | None,
        typer.Option(help="PDQ distance for photos (default: the one the removal used)."),
    ] = None,
    images_dir: ImagesDirOpt = None,
    image_field: ImageFieldOpt = None,
    workers: WorkersOpt = CORES,
    phone_region: PhoneRegionOpt = "US",
) -> None:
    """Check every file of a version and that the subjects (and photos) are gone from its
    stored bytes; exit 1 if not."""

    from expunge.executors import make_executor
    from expunge.forget import Registry
    from expunge.forget import verify as run_verify
    from expunge.forget.run import PhotoCheck

    if registry is not None and not (registry / "secret.key").exists():
        raise ExpungeError(f"{registry} is not an expunge registry", "check the --registry path")
    if query:
        from expunge.cli.images import need_images_extra

        need_images_extra()
    report = run_verify(
        version,
        make_executor("local", workers),
        _profiles(subject, subjects, phone_region),
        phone_region,
        Registry(registry) if registry is not None else None,
        PhotoCheck(tuple(query or ()), threshold, images_dir, image_field),
    )
    if json_out is not None:
        from expunge.atomic import write_json_atomic

        write_json_atomic(json_out, report)
    _print_certificate(version, report)
    if report["result"] != "pass":
        raise typer.Exit(1)


def _print_certificate(version: Path, report: dict[str, object]) -> None:
    r: dict[str, Any] = dict(report)
    searched = r["searched"]["kinds"]
    forms = ", ".join(
        f"{kind} {v['identifiers']}"
        + (f" ({v['forms']} written forms)" if v["forms"] > v["identifiers"] else "")
        for kind, v in sorted(searched.items())
    )
    raw = r["raw_bytes"]
    print(
        f"removal certificate for {version}: {r['result'].upper()}\n"
        f"  request ids: {', '.join(r['request_ids']) or '-'}\n"
        f"  files checked against the manifest: {r['files_checked']} "
        f"({r['shards_checked']} data shards), problems: {len(r['shards_bad'])}\n"
        f"  subjects checked: {r['subjects_checked']}"
        + (f"; registry removals checked: {r['registry_removals_checked']}" if r["registry_removals_checked"] else "")
        + (f"\n  searched: {forms}" if forms else "")
        + (f"; phone regions: {', '.join(r['searched']['phone_regions'])}" if r["searched"]["phone_regions"] else "")
        + f"\n  stored bytes searched (markup, headers, every field): {', '.join(raw['covered_formats']) or '-'}"
        + (f"; text column only: {', '.join(raw['text_only_formats'])}" if raw["text_only_formats"] else "")
        + "".join(f"\n  not searched for identifiers in {f}: {what}" for f, what in raw.get("not_searched", {}).items())
        + f"\n  strong matches remaining: {r['strong_matches_remaining']}"
        f"; records that only name a subject (not a failure): {r['weak_mentions_remaining']}"
    )  # fmt: skip
    photos = r.get("photos")
    if photos and "note" in photos:
        print(f"  photos: {photos['note']}; removed images in the registry not looked for")
    elif photos and photos.get("not_searched"):
        print(f"  photos: NOT searched: {photos['not_searched']}")
    elif photos:
        print(
            f"  photos: {photos['photos_checked']} query photo(s) and "
            f"{photos['registry_photos_checked']} removed image(s) looked for at PDQ distance "
            f"<= {photos['threshold']} in {photos['images_compared']:,} images; matches "
            f"remaining: {photos['matches_remaining']}"
            + (f"; {photos['samples_without_pixels']:,} samples without pixels NOT searched"
               if photos["samples_without_pixels"] else "")
            + (f"; {photos['unreadable_skipped']:,} unreadable images NOT searched"
               if photos["unreadable_skipped"] else "")
        )  # fmt: skip
        for place in photos["remaining_in"]:
            print(f"  {place['file']}: {place['images']} image(s) still look like the photos")
    for bad in r["shards_bad"]:
        print(f"  {bad['file']}: {bad['problem']}")
    if r.get("carried_not_searched"):
        names = r["carried_not_searched"]
        print(
            f"  not searched (carried, not text or over 64 MB): {len(names)} file(s): "
            + ", ".join(names[:5])
            + (" ..." if len(names) > 5 else "")
        )
    for place in r["remaining_in"]:
        print(f"  {place['file']}: {place['records']} record(s) still hold a subject")


subject_app = typer.Typer(
    help="A person's profile: the identifiers expunge looks for.", no_args_is_help=True
)
dataset_app.add_typer(subject_app, name="subject")


@subject_app.command("check", epilog="Example: expunge subject check demo-data/subject.toml")
def subject_check(
    profile: Annotated[Path, typer.Argument(help="Profile file: .toml, .json or .yaml.")],
) -> None:
    """Validate a profile and print its identifiers in normal form (and the name variants)."""
    from rich.table import Table
    from rich.text import Text

    from expunge.subject import load_subject

    subject = load_subject(profile)
    table = Table(
        title=f"subject {subject.id} (phone region {subject.region})", title_justify="left"
    )
    table.add_column("kind")
    table.add_column("normal form (what is matched)", overflow="fold")
    table.add_column("from", overflow="fold")
    seen: dict[tuple[str, str], list[str]] = {}
    for ident in subject.identifiers:
        seen.setdefault((ident.kind, ident.key), []).append(ident.given)
    for (kind, key), given in seen.items():
        table.add_row(kind, Text(key), Text("; ".join(dict.fromkeys(given))))
    console = Console(highlight=False)
    console.print(table)
    console.print(f"{len(seen)} identifiers; the profile is valid.")
