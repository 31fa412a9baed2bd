"""`expunge images index` and `expunge images find`: a person's photos in image-text datasets
(extra `[images]`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from expunge.cli.options import (
    CORES,
    EngineOpt,
    ImageFieldOpt,
    ImagesDirOpt,
    OnErrorOpt,
    RayAddressOpt,
    WorkersOpt,
)
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


def need_images_extra() -> None:
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

    need_images_extra()
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
    from expunge.images.report import (
        matched_thumbnails,
        photo_cards,
        render_report,
        thumbnail_uri,
    )
    from expunge.images.search import find_in_dataset, find_in_index

    need_images_extra()
    if dataset is None and index is None:
        raise ExpungeError("give DATASET or --index (with both, the index is searched and the "
                           "dataset gives the report's thumbnails)",
                           "expunge images find --query me.jpg DATASET")  # fmt: skip
    check_threshold(threshold)
    queries = load_queries(query)
    facts = [f"{len(queries)} query photo(s)", f"threshold {threshold}"]
    if index is not None:
        checked = _dataset(dataset, format, images_dir) if dataset is not None else None
        matches = find_in_index(queries, index, threshold, checked)
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
        if found.without_pixels:  # not searched: "no match" must not read as "not there"
            facts.append(f"{found.without_pixels:,} samples without pixels NOT searched "
                         "(give --images-dir for a LAION-style download)")  # fmt: skip
    for m in matches:
        print(f"{m.query} ~ {m.shard} row {m.row} (key {m.key}): distance {m.distance}, "
              f"as {m.transform}; {m.url or 'no url'}")  # fmt: skip
    print(f"{len(matches)} matching image(s) in {source}")
    for fact in facts[2:]:
        print(fact)
    if out is None:
        return
    thumbs = {}
    if dataset is not None:
        wanted: dict[tuple[str, int], list[tuple[int, int, int, int]]] = {
            (m.shard, m.row): [] for m in matches
        }
        thumbs = matched_thumbnails(_dataset(dataset, format, images_dir), wanted, images_dir,
                                    image_field)  # fmt: skip
    shown = [(q.name, thumbnail_uri(p.read_bytes())) for q, p in zip(queries, query, strict=True)]
    page = render_report(source, "images find", shown, photo_cards(matches, thumbs), facts)
    summary = {"tool": "expunge", "command": "images find", "source": source,
               "queries": [q.name for q in queries], "threshold": threshold,
               "matches": len(matches)}  # fmt: skip
    from expunge.images.report import write_outputs

    write_outputs(out, summary, [m.to_json() for m in matches], page)
    print(f"report: {out / 'report.html'}  matches: {out / 'matches.jsonl'}")


@images_app.command(
    "faces",
    epilog="Example: expunge images faces --query selfie.jpg my-photos-dataset/ --out my-faces",
)
def faces_cmd(
    query: Annotated[
        list[Path], typer.Option(help="A photo of your own face, nobody else's (repeatable).")
    ],
    dataset: Annotated[
        str | None,
        typer.Argument(help="The image dataset to search (with --index: checks it is current)."),
    ] = None,
    index: Annotated[
        Path | None, typer.Option(help="Search this face index (from --save-face-index).")
    ] = None,
    save_face_index: Annotated[
        Path | None,
        typer.Option(help="Keep every face of DATASET in this index: biometric data, opt-in."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Write matches.jsonl, summary.json, report.html here.")
    ] = None,
    tolerance: Annotated[
        float, typer.Option(help="Largest embedding distance that counts as your face.")
    ] = 0.6,
    detector: Annotated[str, typer.Option(help="hog (fast, frontal faces) or cnn (slow).")] = "hog",
    format: ImageFormatOpt = "auto",
    images_dir: ImagesDirOpt = None,
    image_field: ImageFieldOpt = None,
    on_error: OnErrorOpt = "stop",
    workers: WorkersOpt = CORES,
    engine: EngineOpt = "local",
    ray_address: RayAddressOpt = None,
) -> None:
    """Find images of DATASET that show your face (opt-in; your face only). Faces found in the
    dataset are compared and discarded, unless you ask to keep them (--save-face-index)."""
    from rich.console import Console

    from expunge.executors import make_executor
    from expunge.images import face_search as fs
    from expunge.images.decode import ImageDecodeError, decode_image
    from expunge.images.faces import FaceModel
    from expunge.images.report import (
        face_cards,
        matched_thumbnails,
        render_report,
        thumbnail_uri,
    )

    need_images_extra()
    if not 0.0 < tolerance <= 1.0:
        raise ExpungeError(
            f"--tolerance {tolerance} is out of range", "use a value in (0, 1]; 0.6 is usual"
        )
    if dataset is None and index is None:
        raise ExpungeError("give DATASET or --index", "expunge images faces --query me.jpg DATASET")
    if dataset is None and save_face_index is not None:
        raise ExpungeError("--save-face-index needs DATASET", "give the dataset to index")
    if index is not None and save_face_index is not None:
        raise ExpungeError("give --index or --save-face-index, not both",
                           "--save-face-index builds or updates an index; --index searches one")  # fmt: skip
    photos = []
    for path in query:
        try:
            photos.append((path.name, decode_image(path.read_bytes(), reduce_to=None)))
        except (OSError, ImageDecodeError) as error:
            raise ExpungeError(
                f"cannot use --query {path}: {error}", "give a JPEG or PNG photo of your face"
            ) from None
    model = FaceModel(detector)  # type: ignore[arg-type]
    embeddings = model.query_embeddings(photos)
    data = _dataset(dataset, format, images_dir) if dataset is not None else None
    executor = make_executor(engine, workers, ray_address)
    if save_face_index is not None:
        assert data is not None
        Console(stderr=True, highlight=False).print(
            f"[yellow]warning:[/] {save_face_index} will hold a face embedding of every person "
            "in the dataset: biometric identifiers (BIPA 740 ILCS 14/15, GDPR Art. 9). Keep it "
            "private (its files are 0600), do not share it, delete it when done.",
            soft_wrap=True,
        )
        built = fs.build_face_index(data, save_face_index, executor, detector,
                                    images_dir=images_dir, image_field=image_field,
                                    on_error=on_error)  # fmt: skip
        print(f"face index: {save_face_index} ({built.faces:,} faces; {len(built.hashed)} "
              f"shards read, {len(built.reused)} unchanged)")  # fmt: skip
        found = fs.search_index(embeddings, save_face_index, tolerance)
        found.skipped = built.skipped
    elif index is not None:
        found = fs.search_index(embeddings, index, tolerance, detector, data)
    else:
        assert data is not None
        found = fs.search_dataset(embeddings, data, executor, tolerance, detector,
                                  images_dir=images_dir, image_field=image_field,
                                  on_error=on_error)  # fmt: skip
    hits = found.hits
    for h in hits:
        print(f"{photos[h.query][0]} ~ {h.shard} row {h.row} (key {h.key}): face at {h.box}, "
              f"distance {h.distance:.3f} ({fs.likelihood(h.distance)}); {h.url or 'no url'}")  # fmt: skip
    source = str(index) if index is not None else str(dataset)
    facts = [f"{len(photos)} query photo(s)", f"tolerance {tolerance}",
             f"{found.images:,} images searched"]  # fmt: skip
    if found.skipped:
        facts.append(f"{len(found.skipped):,} unreadable samples skipped")
    print(f"{len(hits)} face(s) like yours in {source}; " + "; ".join(facts[2:]))
    if out is None:
        return
    wanted: dict[tuple[str, int], list[tuple[int, int, int, int]]] = {}
    for h in hits:
        wanted.setdefault((h.shard, h.row), []).append(h.box)
    thumbs = matched_thumbnails(data, wanted, images_dir, image_field) if data is not None else {}
    cards = face_cards(hits, [name for name, _ in photos], thumbs)
    shown = [
        (name, thumbnail_uri(p.read_bytes())) for (name, _), p in zip(photos, query, strict=True)
    ]
    page = render_report(source, "images faces", shown, cards, facts,
                         "Your face, as searched. The boxes in the matches are the faces found.")  # fmt: skip
    summary = {"tool": "expunge", "command": "images faces", "source": source,
               "queries": [name for name, _ in photos], "tolerance": tolerance,
               "detector": detector, "images": found.images, "matches": len(hits),
               "skipped": len(found.skipped)}  # fmt: skip
    lines = [
        {"query": photos[h.query][0], "distance": h.distance, "likely": h.distance < fs.LIKELY_DISTANCE,
         "box": list(h.box), "shard": h.shard, "row": h.row, "key": h.key, "url": h.url,
         "caption": h.caption}
        for h in hits
    ]  # fmt: skip
    from expunge.images.report import write_outputs

    write_outputs(out, summary, lines, page)
    print(f"report: {out / 'report.html'}  matches: {out / 'matches.jsonl'}")
