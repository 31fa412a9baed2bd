"""Which column holds the text, url and id: presets for common dataset layouts.

When `FieldSpec` leaves a field None the readers try these names in order:

    text: text, content, TEXT, caption
    url:  url, URL
    id:   id, key, doc_id, SAMPLEID

which covers, with no options:

    FineWeb / FineWeb-Edu   text, id, url, dump, date, language, ...  (Parquet)
    C4 / mC4                text, url, timestamp                      (JSONL.gz; no id)
    LAION metadata          SAMPLEID, URL, TEXT, WIDTH, HEIGHT, ...   (Parquet)
    Dolma                   id, text, source, added, metadata{...}    (JSONL.gz / .zst)
    RedPajama, The Pile     text, meta{...}                           (JSONL)
    CC3M / img2dataset      caption, url, key                         (Parquet / TSV)

Columnar formats (Parquet, Arrow, CSV) decide once per shard from the schema or header;
JSONL decides per line, because nothing forces every line to have the same keys.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from expunge.errors import InputError
from expunge.records import FieldSpec

from .problems import TEXT_FIELD_FIX

TEXT_KEYS: tuple[str, ...] = ("text", "content", "TEXT", "caption")
URL_KEYS: tuple[str, ...] = ("url", "URL")
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


@dataclass(frozen=True, slots=True)
class Columns:
    """The columns one shard is read from; url and id are None when the shard has none."""

    text: str
    url: str | None
    id: str | None


def list_names(names: Sequence[str], limit: int = 20) -> str:
    shown = ", ".join(repr(name) for name in names[:limit])
    more = len(names) - limit
    return f"{shown}, ... ({more} more)" if more > 0 else (shown or "(none)")


def resolve_columns(names: Sequence[str], fields: FieldSpec, label: str) -> Columns:
    """Pick the text/url/id columns of a shard from its column names.

    A missing text column is an InputError; so is a url or id column the user asked for by
    name. Preset url/id columns are optional.
    """
    present = set(names)
    text = _first_present(key_choices(fields).text, present)
    if text is None:
        asked = (
            f"no column {fields.text!r}"
            if fields.text
            else f"no text column (tried {list_names(TEXT_KEYS)})"
        )
        raise InputError(label, f"{asked}; columns are: {list_names(names)}", TEXT_FIELD_FIX)
    return Columns(
        text=text,
        url=_optional(fields.url, URL_KEYS, present, names, label, "--url-field"),
        id=_optional(fields.id, ID_KEYS, present, names, label, "--id-field"),
    )


def _optional(
    explicit: str | None,
    presets: tuple[str, ...],
    present: set[str],
    names: Sequence[str],
    label: str,
    option: str,
) -> str | None:
    if explicit is None:
        return _first_present(presets, present)
    if explicit not in present:
        raise InputError(
            label,
            f"no column {explicit!r}; columns are: {list_names(names)}",
            f"pass {option} COLUMN",
        )
    return explicit


def _first_present(candidates: tuple[str, ...], present: set[str]) -> str | None:
    for name in candidates:
        if name in present:
            return name
    return None
