"""The .json metadata and .txt caption that come with an image (WebDataset members,
img2dataset folder output): one parser, so both layouts read them alike."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import orjson

from .samples import small_meta

URL_FIELDS = ("url", "URL")
CAPTION_FIELDS = ("caption", "TEXT", "text")


class BadSample(Exception):
    """Why one sample is a bad row; the reader reports it with the sample's row and key."""


@dataclass(frozen=True, slots=True)
class Metadata:
    url: str | None
    caption: str | None  # a caption field of the json; a .txt caption wins over it
    meta: dict[str, object]


def parse_metadata(data: bytes, shown: str) -> Metadata:
    """The url, caption and small fields of a .json sidecar (`shown`: its name as a message
    shows it); BadSample when it is not a JSON object."""
    try:
        parsed = orjson.loads(data)
    except orjson.JSONDecodeError:
        raise BadSample(f"metadata {shown} is not valid JSON") from None
    if not isinstance(parsed, dict):
        raise BadSample(f"metadata {shown} does not hold a JSON object")
    values = cast(dict[str, object], parsed)
    return Metadata(
        _first_string(values, URL_FIELDS),
        _first_string(values, CAPTION_FIELDS),
        small_meta(values, frozenset(URL_FIELDS)),
    )


def decode_caption(data: bytes, shown: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise BadSample(f"caption {shown} is not valid UTF-8") from None


def _first_string(values: dict[str, object], names: tuple[str, ...]) -> str | None:
    for name in names:
        value = values.get(name)
        if isinstance(value, str):
            return value
    return None
