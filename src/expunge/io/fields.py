"""Which column holds the text, url and id: presets for common dataset layouts.

When `FieldSpec` leaves a field None the readers try these names in order:

    text: text, content, TEXT, caption
    url:  url, URL, metadata.url
    id:   id, key, doc_id, SAMPLEID

which covers, with no options:

    FineWeb / FineWeb-Edu   text, id, url, dump, date, language, ...  (Parquet)
    C4 / mC4                text, url, timestamp                      (JSONL.gz; no id)
    LAION metadata          SAMPLEID, URL, TEXT, WIDTH, HEIGHT, ...   (Parquet)
    Dolma                   id, text, source, added, metadata{url...} (JSONL.gz / .zst)
    RedPajama, The Pile     text, meta{...}                           (JSONL)
    CC3M / img2dataset      caption, url, key                         (Parquet / TSV)

A dotted name (`metadata.url`, `--text-field a.b`) is a field nested in a JSON object or a
Parquet/Arrow struct column; a key or column literally named `a.b` wins over the nesting. CSV
headers are flat, so there it is only ever a literal header name.

Columnar formats (Parquet, Arrow, CSV) decide once per shard from the schema or header;
JSONL decides per line, because nothing forces every line to have the same keys. A url or id
field named by the user must exist: in the schema or header, or in at least one JSONL record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from expunge.errors import InputError
from expunge.records import FieldSpec

from .problems import TEXT_FIELD_FIX

TEXT_KEYS: tuple[str, ...] = ("text", "content", "TEXT", "caption")
URL_KEYS: tuple[str, ...] = ("url", "URL", "metadata.url")  # metadata.url: Dolma
ID_KEYS: tuple[str, ...] = ("id", "key", "doc_id", "SAMPLEID")


@dataclass(frozen=True, slots=True)
class KeyChoices:
    """Names to try, in order, for each field (a single name when the user chose one)."""

    text: tuple[str, ...]
    url: tuple[str, ...]
    id: tuple[str, ...]


def key_choices(fields: FieldSpec) -> KeyChoices:
    return KeyChoices(
        text=(fields.text,) if fields.text else TEXT_KEYS,
        url=(fields.url,) if fields.url else URL_KEYS,
        id=(fields.id,) if fields.id else ID_KEYS,
    )


NESTED_FIX = "check the field name; a nested field is written as a.b"


def nested_path(name: str) -> tuple[str, ...] | None:
    """('metadata', 'url') for 'metadata.url'; None for a plain name (or one like 'a..b')."""
    if "." not in name:
        return None
    parts = tuple(name.split("."))
    return parts if all(parts) else None


Nested = tuple[tuple[str, tuple[str, ...]], ...]  # (dotted name, its path of keys)


class FastLookups(NamedTuple):
    """One field's names ordered for the JSONL hot loop: `first` with one dict.get (None,
    which no JSON key equals, when the first name is dotted), then the other plain keys, then
    the dotted names. `gate`, when set, is a key a record must have for the dotted names to
    be worth a look: with presets most records have none of them, and the look costs a call."""

    first: str | None
    plain: tuple[str, ...]
    nested: Nested
    gate: str | None


def fast_lookups(names: tuple[str, ...]) -> FastLookups:
    plain = tuple(name for name in names if nested_path(name) is None)
    nested = tuple((name, path) for name in names if (path := nested_path(name)) is not None)
    if not plain or plain[0] != names[0]:  # the user named a dotted field: always look
        return FastLookups(None, plain, nested, None)
    heads = {path[0] for _, path in nested}
    gate = heads.pop() if len(heads) == 1 else None
    return FastLookups(plain[0], plain[1:], nested, gate)


def get_nested(obj: dict[str, object], nested: Nested, default: object) -> object:
    """The first of the dotted fields a record has: a key literally named 'a.b', else the
    value at the path of nested objects; default when there is none. (Behind a preset's gate
    a literal 'metadata.url' key is seen only in records that also have 'metadata'.)"""
    for name, path in nested:
        value = obj.get(name, default)
        if value is not default:
            return value
        value = obj
        for key in path:
            if type(value) is not dict:
                break
            value = value.get(key, default)
            if value is default:
                break
        else:
            return value
    return default


_ABSENT = object()


def has_field(obj: dict[str, object], name: str) -> bool:
    """Whether a record has the field at all (a null value counts as present)."""
    path = nested_path(name)
    if path is None:
        return name in obj
    return get_nested(obj, ((name, path),), _ABSENT) is not _ABSENT


@dataclass(frozen=True, slots=True)
class Columns:
    """The columns one shard is read from; url and id are None when the shard has none.

    Each is a top-level column (what is read, validated or rewritten); a field nested in a
    struct column adds the path of struct fields below it.
    """

    text: str
    url: str | None
    id: str | None
    text_path: tuple[str, ...] = ()
    url_path: tuple[str, ...] = ()
    id_path: tuple[str, ...] = ()


# Finds a field by name: (top-level column, path below it), or None when there is none.
FieldFinder = Callable[[str], "tuple[str, tuple[str, ...]] | None"]


def list_names(names: Sequence[str], limit: int = 20) -> str:
    shown = ", ".join(repr(name) for name in names[:limit])
    more = len(names) - limit
    return f"{shown}, ... ({more} more)" if more > 0 else (shown or "(none)")


def resolve_columns(
    names: Sequence[str], fields: FieldSpec, label: str, find: FieldFinder | None = None
) -> Columns:
    """Pick the text/url/id columns of a shard from its column names.

    A missing text column is an InputError; so is a url or id column the user asked for by
    name. Preset url/id columns are optional. `find` resolves a name to a column and a nested
    path (Arrow schemas); by default only literal column names match (CSV headers).
    """
    find = find or _literal_finder(names)
    text = _first_found(key_choices(fields).text, find)
    if text is None:
        asked = (
            f"no column {fields.text!r}"
            if fields.text
            else f"no text column (tried {list_names(TEXT_KEYS)})"
        )
        raise InputError(label, f"{asked}; columns are: {list_names(names)}", TEXT_FIELD_FIX)
    url = _optional(fields.url, URL_KEYS, find, names, label, "--url-field")
    doc_id = _optional(fields.id, ID_KEYS, find, names, label, "--id-field")
    return Columns(
        text=text[0],
        url=None if url is None else url[0],
        id=None if doc_id is None else doc_id[0],
        text_path=text[1],
        url_path=() if url is None else url[1],
        id_path=() if doc_id is None else doc_id[1],
    )


def _literal_finder(names: Sequence[str]) -> FieldFinder:
    present = set(names)
    return lambda name: (name, ()) if name in present else None


def _optional(
    explicit: str | None,
    presets: tuple[str, ...],
    find: FieldFinder,
    names: Sequence[str],
    label: str,
    option: str,
) -> tuple[str, tuple[str, ...]] | None:
    if explicit is None:
        return _first_found(presets, find)
    found = find(explicit)
    if found is None:
        raise InputError(
            label,
            f"no column {explicit!r}; columns are: {list_names(names)}",
            f"pass {option} COLUMN ({NESTED_FIX})",
        )
    return found


def _first_found(
    candidates: tuple[str, ...], find: FieldFinder
) -> tuple[str, tuple[str, ...]] | None:
    for name in candidates:
        found = find(name)
        if found is not None:
            return found
    return None


def string_values(value: object, text: str) -> Iterator[str]:
    """Every string in a parsed JSON value or Arrow row, depth first, with the record's text
    left out once (it is read as the text already)."""
    stack = [value]
    skipped = False
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if item == text and not skipped:
                skipped = True
                continue
            yield item
        elif isinstance(item, dict):
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))
