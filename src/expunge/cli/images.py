"""`expunge images index` and `expunge images find`: a person's photos in image-text datasets
(extra `[images]`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from expunge.cli.options import CORES, EngineOpt, OnErrorOpt, RayAddressOpt, WorkersOpt
from expunge.errors import ExpungeError

images_app = typer.Typer(
    help="Photos in image-text datasets: index a dataset, find your photos (extra [images]).",
    no_args_is_help=True,
)

ImageFormatOpt = Annotated[
    str,
    typer.Option(
        "--format",
        help="auto | webdataset | image-parquet | image-hf | laion | image-folder",
    ),
]
ImagesDirOpt = Annotated[
    Path | None,
    typer.Option(help="Local img2dataset download holding the pixels of a LAION-style dataset."),
]
ImageFieldOpt = Annotated[
    str | None, typer.Option(help="Column holding the images (found by type when not given).")
]


def _need_images_extra() -> None:
    try:
        import pdqhash  # noqa: F401
        import PIL  # noqa: F401
    except ImportError:
        raise ExpungeError("image search needs the images extra",
                           "pip install 'expunge[images]'") from None  # fmt: skip


def _dataset(spec: str, format: str, images_dir: Path | None):  # type: ignore[no-untyped-def]
    from expunge.images.readers import open_image_dataset

    return open_image_dataset(spec, format, images_dir)


@images_app.command(
    "index", epilog="Example: expunge images index demo-data/images/dataset --out demo-images-index"
)
def index_cmd(
    dataset: Annotated[str, typer.Argument(help="An image dataset: tar shards, Parquet, ...")],
    out: Annotated[Path, typer.Option(help="Index directory (re-runs hash new/changed shards).")],
    format: ImageFormatOpt = "auto",
    images_dir: ImagesDirOpt = None,
    image_field: ImageFieldOpt = None,
    on_error: OnErrorOpt = "stop",
    workers: WorkersOpt = CORES,
    engine: EngineOpt = "local",
    ray_address: RayAddressOpt = None,
) -> None:
    """Hash every image of DATASET (PDQ + a confirming hash) into a searchable index."""
    import time

    from expunge.executors import make_executor
    from expunge.images.search import build_image_index

    _need_images_extra()
    started = time.perf_counter()
    data = _dataset(dataset, format, images_dir)
    report = build_image_index(
        data, out, make_executor(engine, workers, ray_address), images_dir=images_dir,
        image_field=image_field, on_error=on_error,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    print(f"index: {out} ({report.images:,} images in {report.shards} shards; "
          f"{len(report.hashed)} hashed, {len(report.reused)} unchanged; {seconds:.1f} s)")  # fmt: skip
    if report.without_pixels:
        print(f"{report.without_pixels:,} samples have no pixels in the dataset (give "
              "--images-dir for a LAION-style download)")  # fmt: skip
    if report.skipped:
        first = report.skipped[0]
        print(f"{len(report.skipped):,} unreadable samples skipped; first: {first.shard} "
              f"{first.where}: {first.reason}")  # fmt: skip


@images_app.command(
    "find",
    epilog="Example: expunge images find --query demo-data/images/queries/me-1.jpg "
    "demo-data/images/dataset --out demo-images-find",
)
def find_cmd(
    query: Annotated[list[Path], typer.Option(help="A photo of yours to look for (repeatable).")],
    dataset: Annotated[
        str | None,
        typer.Argument(help="The image dataset (with --index: only for the thumbnails)."),
    ] = None,
    index: Annotated[Path | None, typer.Option(help="Search this `images index` instead.")] = None,
    out: Annotated[
        Path | None, typer.Option(help="Write matches.jsonl, summary.json, report.html here.")
    ] = None,
    threshold: Annotated[
        int, typer.Option(help="Largest PDQ distance that counts as a match (Meta's: 31).")
    ] = 31,
    format: ImageFormatOpt = "auto",
    images_dir: ImagesDirOpt = None,
    image_field: ImageFieldOpt = None,
    on_error: OnErrorOpt = "stop",
    workers: WorkersOpt = CORES,
    engine: EngineOpt = "local",
    ray_address: RayAddressOpt = None,
) -> None:
    """Find your photos in DATASET (or its --index), also rotated, mirrored, resized or
    re-encoded."""
    from expunge.executors import make_executor
    from expunge.images.match import check_threshold, load_queries
    from expunge.images.report import matched_thumbnails, render_report, thumbnail_uri
    from expunge.images.search import find_in_dataset, find_in_index

    _need_images_extra()
    if dataset is None and index is None:
        raise ExpungeError("give DATASET or --index (with both, the index is searched and the "
                           "dataset gives the report's thumbnails)",
                           "expunge images find --query me.jpg DATASET")  # fmt: skip
    check_threshold(threshold)
    queries = load_queries(query)
    facts = [f"{len(queries)} query photo(s)", f"threshold {threshold}"]
    if index is not None:
        matches = find_in_index(queries, index, threshold)
        source = str(index)
    else:
        assert dataset is not None
        data = _dataset(dataset, format, images_dir)
        found = find_in_dataset(
            queries, data, make_executor(engine, workers, ray_address), threshold,
            images_dir=images_dir, image_field=image_field, on_error=on_error,
        )  # fmt: skip
        matches, source = found.matches, dataset
        facts.append(f"{found.images:,} images compared")
        if found.skipped:
            facts.append(f"{len(found.skipped):,} unreadable samples skipped")
    for m in matches:
        print(f"{m.query} ~ {m.shard} row {m.row} (key {m.key}): distance {m.distance}, "
              f"as {m.transform}; {m.url or 'no url'}")  # fmt: skip
    print(f"{len(matches)} matching image(s) in {source}")
    if out is None:
        return
    thumbs = {}
    if dataset is not None:
        thumbs = matched_thumbnails(_dataset(dataset, format, images_dir), matches, images_dir,
                                    image_field)  # fmt: skip
    shown = [(q.name, thumbnail_uri(p.read_bytes())) for q, p in zip(queries, query, strict=True)]
    page = render_report(source, shown, matches, thumbs, facts)
    summary = {"tool": "expunge", "command": "images find", "source": source,
               "queries": [q.name for q in queries], "threshold": threshold,
               "matches": len(matches)}  # fmt: skip
    from expunge.images.report import write_outputs

    write_outputs(out, summary, matches, page)
    print(f"report: {out / 'report.html'}  matches: {out / 'matches.jsonl'}")
