"""What `expunge images find --out DIR` writes: matches.jsonl, summary.json and report.html.

The report shows a thumbnail of each query photo and of each image that matched it, and
nothing else from the dataset: never a gallery of other people's pictures. Thumbnails are
re-read from the dataset (only the matched shards, only the matched rows), decoded with the
same bounded decoder, and embedded as data: URIs (the page's CSP allows nothing else).
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from pathlib import Path

import orjson

from expunge.atomic import write_atomic
from expunge.errors import ErrorPolicy
from expunge.records import Dataset
from expunge.report._fmt import esc
from expunge.report.page import html_document, panel

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


def thumbnail_uri(data: bytes) -> str:
    """A small JPEG of the image as a data: URI ('' when it cannot be decoded)."""
    from .decode import ImageDecodeError, decode_image

    try:
        image = decode_image(data, reduce_to=THUMB_PIXELS)
    except ImageDecodeError:
        return ""
    image.thumbnail((THUMB_PIXELS, THUMB_PIXELS))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def matched_thumbnails(
    dataset: Dataset,
    matches: Sequence[ImageMatch],
    images_dir: Path | None = None,
    image_field: str | None = None,
) -> dict[tuple[str, int], str]:
    """(shard, row) -> thumbnail of every matched image, reading only the matched shards."""
    from .readers import read_samples

    wanted: dict[str, set[int]] = {}
    for m in matches:
        wanted.setdefault(m.shard, set()).add(m.row)
    thumbs: dict[tuple[str, int], str] = {}
    for shard in dataset.shards:
        rows = wanted.get(shard.label)
        if not rows:
            continue
        for sample in read_samples(shard, ErrorPolicy("skip"), images_dir, image_field=image_field):
            row = sample.location.row
            if row in rows and sample.data is not None:
                thumbs[(shard.label, row)] = thumbnail_uri(sample.data)
                if len(thumbs) == sum(len(r) for r in wanted.values()):
                    return thumbs
    return thumbs


def _card(image_uri: str, lines: Sequence[tuple[str, str]]) -> str:
    img = f'<img src="{esc(image_uri)}" alt="">' if image_uri else '<p class="none">(no pixels)</p>'
    text = "".join(f'<div><span class="k">{esc(k)}</span> <span class="u">{esc(v)}</span></div>'
                   for k, v in lines)  # fmt: skip
    return f'<div class="card">{img}{text}</div>'


def render_report(
    title: str,
    queries: Sequence[tuple[str, str]],
    matches: Sequence[ImageMatch],
    thumbs: dict[tuple[str, int], str],
    facts: Sequence[str],
) -> str:
    """`queries`: (file name, thumbnail URI) of each query photo."""
    query_cards = "".join(_card(uri, [("query", name)]) for name, uri in queries)
    body = [
        (
            f'<header class="top"><div><div class="brand">expunge · images find</div>'
            f'<h1 class="mono">{esc(title)}</h1></div>'
            f'<div class="when">{" · ".join(esc(f) for f in facts)}</div></header>'
        ),
        panel(
            "Your photos",
            "The query photos, as searched (with their rotations and mirror images).",
            f'<div class="grid">{query_cards}</div>',
        ),
    ]
    if matches:
        cards = "".join(
            _card(thumbs.get((m.shard, m.row), ""), [
                ("matches", f"{m.query} ({m.transform})"),
                ("distance", f"{m.distance} (confirmed at {m.confirm_distance})"),
                ("where", f"{m.shard} row {m.row}, key {m.key}"),
                ("url", m.url or "—"),
                ("caption", m.caption or "—"),
            ])
            for m in matches
        )  # fmt: skip
        note = (f"{len(matches)} image(s) of the dataset match your photos. Only these are "
                "shown; no other picture of the dataset is put in this page.")  # fmt: skip
        body.append(panel("Matches", note, f'<div class="grid">{cards}</div>', long=True))
    else:
        body.append(panel("Matches", "No image of the dataset matches your photos.", ""))
    return html_document(f"expunge images find — {title}", "\n".join(body), EXTRA_CSS)


def write_outputs(out: Path, summary: dict[str, object], matches: Sequence[ImageMatch],
                  page: str) -> None:  # fmt: skip
    """Written 0600: the matches locate the person's own photos."""
    out.mkdir(parents=True, exist_ok=True)
    lines = b"".join(orjson.dumps(m.to_json()) + b"\n" for m in matches)
    write_atomic(out / "matches.jsonl", lines, private=True)
    write_atomic(out / "summary.json", orjson.dumps(summary, option=orjson.OPT_INDENT_2) + b"\n",
                 private=True)  # fmt: skip
    write_atomic(out / "report.html", page.encode("utf-8"), private=True)
