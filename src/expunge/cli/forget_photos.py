"""The photo side of `expunge forget` and `expunge verify`: which image samples a new version
leaves out (`--query`, `--images-report`, or a registry's removed images), and what is said
about them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from expunge.errors import ExpungeError, OnError

if TYPE_CHECKING:
    from expunge.executors import Executor
    from expunge.forget import Registry
    from expunge.forget.photos import PhotoRemoval
    from expunge.records import Dataset


def photo_removal(
    dataset: str,
    format: str,
    executor: Executor,
    *,
    queries: list[Path],
    images_report: Path | None,
    registry: Registry | None,
    reapplying: bool,
    threshold: int | None,
    images_dir: Path | None,
    image_field: str | None,
    on_error: OnError,
) -> tuple[PhotoRemoval | None, Dataset | None]:
    """The photos to remove and the dataset to write them out of (None, None: no photos)."""
    from expunge.cli.images import need_images_extra
    from expunge.forget.photos import from_queries, from_registry, from_report, open_images
    from expunge.forget.photos import writable as writable_dataset
    from expunge.images.hashing import MATCH_THRESHOLD
    from expunge.images.match import check_threshold

    if queries and images_report is not None:
        raise ExpungeError("give --query or --images-report, not both",
                           "the report already holds what its query photos matched")  # fmt: skip
    stored = registry.photo_hashes() if registry is not None and reapplying else []
    if not queries and images_report is None and not stored:
        if threshold is not None or images_dir is not None or image_field is not None:
            raise ExpungeError("--threshold, --images-dir and --image-field are for photos",
                               "add --query PHOTO or --images-report DIR")  # fmt: skip
        return None, None
    need_images_extra()
    limit = check_threshold(MATCH_THRESHOLD if threshold is None else threshold)
    if images_report is not None and threshold is not None:
        raise ExpungeError("--threshold does not apply to --images-report",
                           "the report's matches are removed as they are")  # fmt: skip
    try:
        source = open_images(dataset, format, images_dir, image_field, on_error)
    except ExpungeError:
        if queries or images_report is not None:
            raise
        assert registry is not None
        if not registry.has_text_removals():
            raise ExpungeError(f"{registry.path} holds only photo removals and {dataset} "
                               "holds no images", "point at an image dataset") from None  # fmt: skip
        print(f"{len(stored)} removed image(s) in the registry not looked for: {dataset} "
              "holds no images")  # fmt: skip
        return None, None
    writable = writable_dataset(source)  # refuses a layout it cannot write, before the search
    if queries:
        removal = from_queries(queries, source, executor, limit)
    elif images_report is not None:
        removal = from_report(images_report, source, executor)
    else:
        removal = from_registry(stored, source, executor, limit)
    if removal.facts.get("images_compared") == 0 and removal.facts.get("samples_without_pixels"):
        unseen = f"{removal.facts['samples_without_pixels']:,} samples have no pixels here"
        if queries or not registry or not registry.has_text_removals():
            raise ExpungeError(f"no image of {dataset} could be compared ({unseen}); nothing "
                               "was written", "give --images-dir for a LAION-style download")  # fmt: skip
        print(f"removed images in the registry not looked for: {unseen}")
        return None, None
    return removal, writable


def print_photo_outcome(manifest: dict[str, Any], registry: Registry | None) -> None:
    photos = manifest.get("photos")
    if not isinstance(photos, dict):
        return
    at = f", threshold {photos['threshold']}" if photos.get("threshold") is not None else ""
    line = f"photos: {photos['samples_removed']} matching sample(s) dropped ({photos['found_with']}{at})"
    if photos.get("hashes_recorded") and registry is not None:
        line += f"; {photos['hashes_recorded']} image hash(es) recorded in {registry.path}"
    print(line)
    if photos.get("samples_without_pixels"):
        print(f"{photos['samples_without_pixels']:,} samples without pixels were NOT searched "
              "(give --images-dir for a LAION-style download)")  # fmt: skip
    if photos.get("unreadable_skipped"):
        print(f"{photos['unreadable_skipped']:,} unreadable samples were skipped, not searched")
