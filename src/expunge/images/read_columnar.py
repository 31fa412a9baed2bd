"""Image datasets in Arrow columns: Parquet with embedded images ("image-parquet"), Hugging
Face `save_to_disk` Arrow with an `Image` feature ("image-hf") and LAION-style metadata
Parquet whose pixels are elsewhere ("laion").

Columns, chosen once per shard from the schema:
- image: the column `image_field` names, else the first struct column with a binary `bytes`
  field (how Hugging Face stores `Image`: `{bytes, path}`), else a binary column named
  image / img / jpg / jpeg / png / webp. A null cell (or null `bytes`) is a sample without
  pixels (data None); the struct's `path` goes to meta["path"].
- caption: text, caption, TEXT; url: url, URL; key: key, id, SAMPLEID, else the row number.
- meta: every other top-level column of numbers, booleans or short strings.
Rows are numbered with `expunge.io.columnar.numbered_batches`, as the text readers number
them; Parquet is read in batches of about 32 MB of the columns used, Arrow as memory-mapped
batches, and each image's bytes are copied out one row at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from expunge.errors import ErrorPolicy, InputError
from expunge.io.arrow import arrow_batches, open_arrow
from expunge.io.columnar import ARROW_ERRORS, numbered_batches
from expunge.io.parquet import rows_per_batch
from expunge.io.problems import brief
from expunge.records import Location, Shard

from .read_formats import ReadOptions
from .samples import MAX_IMAGE_BYTES, ImageSample, small_meta

CAPTION_COLUMNS = ("text", "caption", "TEXT")
URL_COLUMNS = ("url", "URL")
KEY_COLUMNS = ("key", "id", "SAMPLEID")
_BINARY_IMAGE_NAMES = ("image", "img", "jpg", "jpeg", "png", "webp")
IMAGE_FIELD_FIX = "pass --image-field COLUMN naming the column that holds the images"

_READ_BUFFER = 8 << 20
_INVALID = object()  # a caption that is not valid UTF-8


@dataclass(frozen=True, slots=True)
class ColumnPlan:
    """Which columns a shard's samples come from."""

    image: str | None
    image_is_struct: bool
    caption: str | None
    url: str | None
    key: str | None
    meta: tuple[str, ...]

    @property
    def names(self) -> list[str]:
        used = (self.image, self.caption, self.url, self.key, *self.meta)
        return list(dict.fromkeys(name for name in used if name is not None))


def _is_binary(kind: pa.DataType) -> bool:
    return bool(
        pa.types.is_binary(kind)
        or pa.types.is_large_binary(kind)
        or pa.types.is_fixed_size_binary(kind)
        or pa.types.is_binary_view(kind)
    )


def _is_string(kind: pa.DataType) -> bool:
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return bool(
        pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_string_view(kind)
    )


def _is_image_struct(kind: pa.DataType) -> bool:
    if not pa.types.is_struct(kind):
        return False
    at = kind.get_field_index("bytes")
    return at >= 0 and _is_binary(kind.field(at).type)


def image_column(schema: pa.Schema, image_field: str | None = None) -> str | None:
    """The column holding images (see the module doc), or None. A named column that is
    missing or holds no images is an error naming what it holds, raised as ValueError for
    the caller to word (it knows the file)."""
    if image_field is not None:
        at = schema.get_field_index(image_field)
        if at < 0:
            raise ValueError(f"has no column {image_field!r}")
        kind = schema.field(at).type
        if not (_is_image_struct(kind) or _is_binary(kind)):
            raise ValueError(
                f"column {image_field!r} holds {kind}, not images (a struct with binary "
                "'bytes', or binary)"
            )
        return image_field
    for column in schema:
        if _is_image_struct(column.type):
            return str(column.name)
    for name in _BINARY_IMAGE_NAMES:
        at = schema.get_field_index(name)
        if at >= 0 and _is_binary(schema.field(at).type):
            return name
    return None


def _first_string_column(schema: pa.Schema, names: tuple[str, ...]) -> str | None:
    for name in names:
        at = schema.get_field_index(name)
        if at >= 0 and _is_string(schema.field(at).type):
            return name
    return None


def url_column(schema: pa.Schema) -> str | None:
    return _first_string_column(schema, URL_COLUMNS)


def _is_meta_type(kind: pa.DataType) -> bool:
    return bool(
        pa.types.is_integer(kind)
        or pa.types.is_floating(kind)
        or pa.types.is_boolean(kind)
        or _is_string(kind)
    )


def plan_columns(
    schema: pa.Schema, label: str, image_field: str | None, *, pixels: bool
) -> ColumnPlan:
    """The columns to read; `pixels` says the format needs an image column (laion needs a
    url column instead). What is missing is one InputError naming the file."""
    try:
        image = image_column(schema, image_field) if pixels or image_field else None
    except ValueError as exc:
        raise InputError(label, str(exc), IMAGE_FIELD_FIX) from None
    url = url_column(schema)
    if pixels and image is None:
        raise InputError(label, f"no image column among {_names(schema)}", IMAGE_FIELD_FIX)
    if not pixels and url is None:
        raise InputError(
            label,
            f"no URL column (url or URL) among {_names(schema)}",
            "LAION-style metadata needs a url column; pass --format for another layout",
        )
    caption = _first_string_column(schema, CAPTION_COLUMNS)
    key = next((name for name in KEY_COLUMNS if schema.get_field_index(name) >= 0), None)
    taken = {image, caption, url, key}
    meta = tuple(
        str(column.name)
        for column in schema
        if column.name not in taken and _is_meta_type(column.type)
    )
    image_is_struct = image is not None and _is_image_struct(schema.field(image).type)
    return ColumnPlan(image, image_is_struct, caption, url, key, meta)


def _names(schema: pa.Schema, limit: int = 12) -> str:
    names = [repr(name) for name in schema.names[:limit]]
    more = len(schema.names) - limit
    return ", ".join(names) + (f" and {more} more" if more > 0 else "") if names else "(none)"


# ---- rows to samples ---------------------------------------------------------------------


class _Pixels:
    """Per-row access to a batch's image bytes without copying the whole batch to Python."""

    def __init__(self, batch: pa.RecordBatch, plan: ColumnPlan) -> None:
        self.paths: list[Any] = [None] * batch.num_rows
        if plan.image is None:
            self.data: pa.Array | None = None
            self.sizes: list[Any] = [None] * batch.num_rows
            return
        column = batch.column(plan.image)
        if plan.image_is_struct:
            if column.type.get_field_index("path") >= 0:
                paths = pc.struct_field(column, ["path"])
                if _is_string(paths.type):
                    self.paths = _strings(paths, repair=True)
            column = pc.struct_field(column, ["bytes"])  # null where the struct is null
        self.data = column
        self.sizes = pc.binary_length(column).to_pylist()

    def get(self, index: int) -> bytes | None:
        assert self.data is not None
        value: bytes | None = self.data[index].as_py()
        return value


def columnar_samples(
    batches: Iterable[pa.RecordBatch],
    plan: ColumnPlan,
    shard: Shard,
    errors: ErrorPolicy,
    kind: str,
    validate: bool,
) -> Iterator[tuple[int, ImageSample | str]]:
    """(row, sample or why the row is bad) for every row; pixels of image columns only
    (laion rows come out with data None, for `read_laion` to fill)."""
    label = shard.label
    checked = plan.names if validate else ()
    for start, batch in numbered_batches(batches, label, kind, errors, checked):
        try:
            pixels = _Pixels(batch, plan)
            captions = _optional(batch, plan.caption, repair=False)
            urls = _optional(batch, plan.url, repair=True)
            keys = _optional(batch, plan.key, repair=True)
            metas = {name: batch.column(name).to_pylist() for name in plan.meta}
        except ARROW_ERRORS as exc:
            errors.bad_row(label, f"row {start}", f"unreadable {kind} batch: {brief(exc)}")
            return
        for index in range(batch.num_rows):
            row = start + index
            caption = captions[index]
            size = pixels.sizes[index]
            if caption is _INVALID:
                yield row, "caption is not valid UTF-8"
                continue
            if size is not None and size > MAX_IMAGE_BYTES:
                limit = MAX_IMAGE_BYTES >> 20
                yield row, f"image is {size / (1 << 20):.1f} MB, over the {limit} MB limit"
                continue
            meta = small_meta({name: values[index] for name, values in metas.items()})
            if pixels.paths[index] is not None:
                meta["path"] = pixels.paths[index]
            key = keys[index]
            yield (
                row,
                ImageSample(
                    Location(label, row),
                    str(key) if key is not None else str(row),
                    urls[index],
                    caption,
                    pixels.get(index) if size is not None else None,
                    meta,
                ),
            )


def _optional(batch: pa.RecordBatch, name: str | None, repair: bool) -> list[Any]:
    if name is None:
        return [None] * batch.num_rows
    array = batch.column(name)
    if _is_string(array.type):
        return _strings(array, repair)
    return [None if value is None else str(value) for value in array.to_pylist()]


def _strings(array: pa.Array, repair: bool) -> list[Any]:
    """Python strings; a value that is not UTF-8 is repaired (urls, keys: only reported) or
    marked _INVALID (captions: searched, so a bad one is a bad row). pyarrow fails a whole
    batch on one bad value, so only then is it decoded value by value."""
    try:
        values: list[Any] = array.to_pylist()
        return values
    except UnicodeDecodeError:
        pass
    if pa.types.is_dictionary(array.type):
        array = array.dictionary_decode()
    raw: list[bytes | None] = array.cast(pa.large_binary()).to_pylist()
    return [None if value is None else _decode(value, repair) for value in raw]


def _decode(value: bytes, repair: bool) -> object:
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("utf-8", "replace") if repair else _INVALID


def emit(
    rows: Iterable[tuple[int, ImageSample | str]], label: str, errors: ErrorPolicy
) -> Iterator[ImageSample]:
    for row, sample in rows:
        if isinstance(sample, str):
            errors.bad_row(label, f"row {row}", sample)
        else:
            yield sample


# ---- Parquet and Arrow files --------------------------------------------------------------


def open_parquet(shard: Shard, errors: ErrorPolicy) -> pq.ParquetFile | None:
    """The file with its footer read, or None after reporting it unreadable."""
    try:
        return pq.ParquetFile(shard.path, buffer_size=_READ_BUFFER, pre_buffer=False)
    except FileNotFoundError:
        raise InputError(shard.label, "no such file or directory", "check the path") from None
    except ARROW_ERRORS as exc:
        errors.bad_row(
            shard.label,
            "footer",
            f"not a readable Parquet file: {brief(exc)}",
            "re-download the file; if it is not Parquet, pass --format",
        )
        return None


def parquet_rows(
    shard: Shard, errors: ErrorPolicy, image_field: str | None, *, pixels: bool
) -> Iterator[tuple[int, ImageSample | str]]:
    parquet = open_parquet(shard, errors)
    if parquet is None:
        return
    with parquet:
        try:
            plan = plan_columns(parquet.schema_arrow, shard.label, image_field, pixels=pixels)
            rows = rows_per_batch(parquet, plan.names, min_rows=1)  # one image can be MBs
            batches = parquet.iter_batches(batch_size=rows, columns=plan.names)
        except ARROW_ERRORS as exc:
            errors.bad_row(shard.label, "footer", f"not a readable Parquet file: {brief(exc)}")
            return
        yield from columnar_samples(batches, plan, shard, errors, "Parquet", validate=False)


def read_image_parquet(
    shard: Shard, errors: ErrorPolicy, options: ReadOptions
) -> Iterator[ImageSample]:
    rows = parquet_rows(shard, errors, options.image_field, pixels=True)
    yield from emit(rows, shard.label, errors)


def read_image_hf(shard: Shard, errors: ErrorPolicy, options: ReadOptions) -> Iterator[ImageSample]:
    label = shard.label
    with open_arrow(shard) as source:
        try:
            schema, batches, _ = arrow_batches(source)
        except ARROW_ERRORS as exc:
            errors.bad_row(
                label,
                "header",
                f"not a readable Arrow IPC file: {brief(exc)}",
                "re-save the dataset with save_to_disk; if it is not Arrow, pass --format",
            )
            return
        plan = plan_columns(schema, label, options.image_field, pixels=True)
        # validate: Arrow data is used as stored, and a bad offset would read outside the map
        rows = columnar_samples(batches, plan, shard, errors, "Arrow", validate=True)
        yield from emit(rows, label, errors)


def parquet_schema(path: Path | str) -> pa.Schema:
    """The Arrow schema of a Parquet file from its footer; raises ARROW_ERRORS."""
    return pq.read_schema(path)


def arrow_schema(path: Path | str) -> pa.Schema:
    """The schema of an Arrow IPC file or stream; raises ARROW_ERRORS."""
    with pa.memory_map(str(path), "r") as source:
        schema, _, _ = arrow_batches(source)
        return schema
