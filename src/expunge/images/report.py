"""What `expunge images find --out DIR` writes: matches.jsonl, summary.json and report.html.

The report shows a thumbnail of each query photo and of each image that matched it, and
nothing else from the dataset: never a gallery of other people's pictures. Thumbnails are
re-read from the dataset (only the matched shards, only the matched rows), decoded with the
same bounded decoder, and embedded as data: URIs (the page's CSP allows nothing else).
"""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping, Sequence
from pathlib import Path

import orjson

from expunge.atomic import write_atomic
from expunge.errors import ErrorPolicy
from expunge.records import Dataset
from expunge.report._fmt import esc
from expunge.report.page import html_document, panel

from .jobs import FaceHit
from .match import ImageMatch

THUMB_PIXELS = 160

EXTRA_CSS = """
.grid{display:flex;flex-wrap:wrap;gap:14px}
.card{border:1px solid #d0d7de;border-radius:6px;padding:8px;width:200px;font-size:12px}
.card img{display:block;max-width:180px;max-height:180px;margin:0 auto 6px}
.card .k{color:#57606a}
.card .u{overflow-wrap:anywhere}
.none{color:#57606a}
"""


Card = tuple[str, Sequence[tuple[str, str]]]  # (thumbnail data: URI or "", (label, value) lines)
Box = tuple[int, int, int, int]


def thumbnail_uri(data: bytes, boxes: Sequence[Box] = ()) -> str:
    """A small JPEG of the image as a data: URI ('' when it cannot be decoded), with each
    face box (in the image's full-size pixels) outlined."""
    from PIL import ImageDraw

    from .decode import ImageDecodeError, decode_image

    try:
        image = decode_image(data, reduce_to=None if boxes else THUMB_PIXELS)
    except ImageDecodeError:
        return ""
    scale = THUMB_PIXELS / max(image.size)
    image.thumbnail((THUMB_PIXELS, THUMB_PIXELS))
    if boxes:
        draw = ImageDraw.Draw(image)
        for box in boxes:
            shown = [round(v * min(scale, 1.0)) for v in box]
            draw.rectangle(shown, outline=(255, 200, 0), width=2)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def matched_thumbnails(
    dataset: Dataset,
    wanted: Mapping[tuple[str, int], Sequence[Box]],
    images_dir: Path | None = None,
    image_field: str | None = None,
) -> dict[tuple[str, int], str]:
    """(shard, row) -> thumbnail of every matched image (with its face boxes outlined, for
    face matches), reading only the matched shards."""
    from .readers import read_samples

    rows_of: dict[str, set[int]] = {}
    for shard_label, row in wanted:
        rows_of.setdefault(shard_label, set()).add(row)
    thumbs: dict[tuple[str, int], str] = {}
    for shard in dataset.shards:
        rows = rows_of.get(shard.label)
        if not rows:
            continue
        for sample in read_samples(shard, ErrorPolicy("skip"), images_dir, image_field=image_field):
            at = (shard.label, sample.location.row)
            if sample.location.row in rows and sample.data is not None:
                thumbs[at] = thumbnail_uri(sample.data, wanted[at])
                if len(thumbs) == len(wanted):
                    return thumbs
    return thumbs


def _card(image_uri: str, lines: Sequence[tuple[str, str]]) -> str:
    img = f'<img src="{esc(image_uri)}" alt="">' if image_uri else '<p class="none">(no pixels)</p>'
    text = "".join(f'<div><span class="k">{esc(k)}</span> <span class="u">{esc(v)}</span></div>'
                   for k, v in lines)  # fmt: skip
    return f'<div class="card">{img}{text}</div>'


def _place(m: ImageMatch | FaceHit) -> list[tuple[str, str]]:
    return [("where", f"{m.shard} row {m.row}, key {m.key}"), ("url", m.url or "—"),
            ("caption", m.caption or "—")]  # fmt: skip


def photo_cards(matches: Sequence[ImageMatch], thumbs: Mapping[tuple[str, int], str]) -> list[Card]:
    return [
        (thumbs.get((m.shard, m.row), ""), [
            ("matches", f"{m.query} ({m.transform})"),
            ("distance", f"{m.distance} (confirmed at {m.confirm_distance})"),
            *_place(m),
        ])
        for m in matches
    ]  # fmt: skip


def face_cards(
    hits: Sequence[FaceHit], names: Sequence[str], thumbs: Mapping[tuple[str, int], str]
) -> list[Card]:
    from .face_search import likelihood

    return [
        (thumbs.get((h.shard, h.row), ""), [
            ("face like", names[h.query]),
            ("distance", f"{h.distance:.3f}: {likelihood(h.distance)}"),
            *_place(h),
        ])
        for h in hits
    ]  # fmt: skip


def render_report(
    title: str,
    command: str,
    queries: Sequence[tuple[str, str]],
    cards: Sequence[Card],
    facts: Sequence[str],
    searched_as: str = (
        "The query photos, as searched (with their rotations, mirror images and square framings)."
    ),
) -> str:
    """`queries`: (file name, thumbnail URI) of each query photo; `cards`: one per match."""
    query_cards = "".join(_card(uri, [("query", name)]) for name, uri in queries)
    body = [
        (
            f'<header class="top"><div><div class="brand">expunge · {esc(command)}</div>'
            f'<h1 class="mono">{esc(title)}</h1></div>'
            f'<div class="when">{" · ".join(esc(f) for f in facts)}</div></header>'
        ),
        panel("Your photos", searched_as, f'<div class="grid">{query_cards}</div>'),
    ]
    if cards:
        shown = "".join(_card(uri, lines) for uri, lines in cards)
        note = (f"{len(cards)} match(es) in the dataset. Only these are shown; no other "
                "picture of the dataset is put in this page. A version without them: expunge "
                "forget --images-report THIS-FOLDER DATASET --out NEW-VERSION")  # fmt: skip
        body.append(panel("Matches", note, f'<div class="grid">{shown}</div>', long=True))
    else:
        body.append(panel("Matches", "Nothing in the dataset matches your photos.", ""))
    return html_document(f"expunge {command} — {title}", "\n".join(body), EXTRA_CSS)


def write_outputs(out: Path, summary: dict[str, object], lines: Sequence[dict[str, object]],
                  page: str) -> None:  # fmt: skip
    """Written 0600: the matches locate the person's own photos."""
    out.mkdir(parents=True, exist_ok=True)
    data = b"".join(orjson.dumps(line) + b"\n" for line in lines)
    write_atomic(out / "matches.jsonl", data, private=True)
    write_atomic(out / "summary.json", orjson.dumps(summary, option=orjson.OPT_INDENT_2) + b"\n",
                 private=True)  # fmt: skip
    write_atomic(out / "report.html", page.encode("utf-8"), private=True)
