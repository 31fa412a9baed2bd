"""WARC and WET reader, and HTML to text."""

from __future__ import annotations

import gzip
import io
import zlib
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from expunge.errors import ErrorPolicy, InputError
from expunge.io import read_shard
from expunge.io.html_text import html_to_text
from expunge.records import FieldSpec, Record, Shard

PAGE = (
    b"<html><head><title>Contact page</title><style>body{color:red}</style>"
    b"<script>var secret = 'SCRIPT-ONLY-TOKEN';</script></head>"
    b"<body><div>Write to <b>maria@example.org</b>\n   today</div>"
    b"<p>Second   paragraph</p><noscript>NOSCRIPT-TOKEN</noscript><ul><li>one</li><li>two</li></ul>"
    b"</body></html>"
)


def _response(
    writer: WARCWriter, uri: str, body: bytes, content_type: str, kind: str = "response"
) -> None:
    http = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
    record = writer.create_warc_record(uri, kind, payload=io.BytesIO(body), http_headers=http)
    writer.write_record(record)


def _warc_bytes(compress: bool) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=compress)
    writer.write_record(writer.create_warcinfo_record("test.warc", {"software": "tests"}))
    request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "example.com")], is_http_request=True)
    writer.write_record(
        writer.create_warc_record("https://example.com/", "request", http_headers=request)
    )
    _response(writer, "https://example.com/", PAGE, "text/html; charset=utf-8")
    _response(writer, "https://example.com/logo.png", b"\x89PNG\r\n\x1a\nbinary", "image/png")
    _response(writer, "https://example.com/robots.txt", b"User-agent: *\nDisallow:", "text/plain")
    latin = "<p>Café Müller</p>".encode("latin-1")
    _response(writer, "https://example.de/", latin, "text/html; charset=ISO-8859-1")
    return buffer.getvalue()


def _read(path: Path, fmt: str = "warc", policy: ErrorPolicy | None = None) -> list[Record]:
    return list(read_shard(Shard(str(path), fmt, path.name), FieldSpec(), policy or ErrorPolicy()))


def test_html_to_text_keeps_visible_text_only() -> None:
    text = html_to_text(PAGE.decode())
    assert text == "Contact page\nWrite to maria@example.org today\nSecond paragraph\none\ntwo"
    assert "SCRIPT-ONLY-TOKEN" not in text and "color:red" not in text
    assert "NOSCRIPT-TOKEN" not in text
    assert html_to_text("") == ""
    assert html_to_text("no tags at all") == "no tags at all"
    assert html_to_text("A<DIV CLASS=x>B</DIV>C<br/>D") == "A\nB\nC\nD"  # upper case too
    assert html_to_text("<p>x</p>  \n <div> </div><td>y</td>") == "x\ny"
    # Block tags in an attribute, a comment or a script add no text and no lines.
    assert html_to_text('<img alt="<p>">one<!-- <div> --> two<script>"<p>"</script>') == "one two"


@pytest.mark.parametrize("compress", [False, True])
def test_warc_yields_html_and_plain_responses_only(tmp_path: Path, compress: bool) -> None:
    data = _warc_bytes(compress)
    path = tmp_path / ("crawl.warc.gz" if compress else "crawl.warc")
    path.write_bytes(data)
    records = _read(path)
    assert [r.url for r in records] == [
        "https://example.com/",
        "https://example.com/robots.txt",
        "https://example.de/",
    ]
    assert [r.location.row for r in records] == [0, 1, 2]
    assert records[0].text.splitlines()[1] == "Write to maria@example.org today"
    assert "SCRIPT-ONLY-TOKEN" not in records[0].text
    assert records[1].text == "User-agent: *\nDisallow:"
    assert records[2].text == "Café Müller"  # charset from the Content-Type header
    assert all(r.id and r.id.startswith("<urn:uuid:") for r in records)

    for record in records:  # each offset is where that WARC record (or gzip member) starts
        offset = record.location.offset
        assert offset is not None and offset > 0
        head = data[offset:]
        if compress:
            head = zlib.decompressobj(wbits=31).decompress(head[:65536])
        assert head.startswith(b"WARC/1.")
        assert f"WARC-Target-URI: {record.url}".encode() in head[:2000]


def test_wet_conversion_records_are_read_as_they_are(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    writer.write_record(writer.create_warcinfo_record("test.warc.wet.gz", {"software": "t"}))
    for i, text in enumerate(["Plain   text one\nline two", "Zweiter Text: Grüße"]):
        record = writer.create_warc_record(
            f"https://site.example/{i}",
            "conversion",
            payload=io.BytesIO(text.encode()),
            warc_headers_dict={"Content-Type": "text/plain"},
        )
        writer.write_record(record)
    path = tmp_path / "CC-MAIN-x.warc.wet.gz"
    path.write_bytes(buffer.getvalue())
    records = _read(path, "wet")
    assert [r.text for r in records] == ["Plain   text one\nline two", "Zweiter Text: Grüße"]
    assert [r.url for r in records] == ["https://site.example/0", "https://site.example/1"]
    assert [r.location.row for r in records] == [0, 1]


def test_truncated_warc_gz(tmp_path: Path) -> None:
    data = _warc_bytes(compress=True)
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(data[: len(data) - 200])  # inside the last gzip member
    with pytest.raises(InputError) as caught:
        _read(path)
    assert str(caught.value).startswith("cut.warc.gz: offset ")
    assert "truncated or corrupt WARC data" in str(caught.value)

    policy = ErrorPolicy("skip")
    records = _read(path, policy=policy)
    assert [r.url for r in records] == ["https://example.com/", "https://example.com/robots.txt"]
    assert len(policy.skipped) == 1


def test_truncated_plain_warc(tmp_path: Path) -> None:
    data = _warc_bytes(compress=False)
    path = tmp_path / "cut.warc"
    path.write_bytes(data[: len(data) - 40])
    with pytest.raises(InputError, match=r"cut\.warc: offset \d+: truncated or corrupt WARC"):
        _read(path)


def test_garbage_warc_is_an_input_error_without_echoing_content(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "junk.warc"
    path.write_bytes(b"SECRET-CONTENT not a warc at all\r\n" * 20)
    with pytest.raises(InputError) as caught:
        _read(path)
    assert str(caught.value).startswith("junk.warc: offset 0: truncated or corrupt WARC data")
    assert "SECRET-CONTENT" not in str(caught.value)
    assert "SECRET-CONTENT" not in capfd.readouterr().err


def test_bad_content_length_is_reported_without_printing_content(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    data = _warc_bytes(compress=False)
    # Shorten the declared length of the HTML response so bytes of it follow "the end".
    start = data.index(b"WARC-Type: response")
    length_at = data.index(b"Content-Length: ", start) + len(b"Content-Length: ")
    length_end = data.index(b"\r\n", length_at)
    declared = int(data[length_at:length_end])
    data = data[:length_at] + str(declared - 30).encode() + data[length_end:]
    path = tmp_path / "badlength.warc"
    path.write_bytes(data)
    with pytest.raises(InputError, match="truncated or corrupt WARC data"):
        _read(path)
    assert "</body>" not in capfd.readouterr().err  # warcio would print the stray bytes


def test_whole_file_gzip_warc_gets_a_recompress_fix(tmp_path: Path) -> None:
    path = tmp_path / "single.warc.gz"
    path.write_bytes(gzip.compress(_warc_bytes(compress=False)))
    with pytest.raises(InputError) as caught:
        _read(path)
    assert "warcio recompress" in caught.value.fix


def test_empty_warc_yields_nothing(tmp_path: Path) -> None:
    path = tmp_path / "empty.warc.gz"
    path.write_bytes(b"")
    assert _read(path) == []


def test_warcio_does_not_log_urls(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=False)
    _response(writer, "https://example.com/private name", b"<p>hi</p>", "text/html")
    path = tmp_path / "spaces.warc"
    path.write_bytes(buffer.getvalue())
    records = _read(path)
    assert [r.text for r in records] == ["hi"]
    assert records[0].url is not None and "private" in records[0].url
    assert not any("private" in message for message in caplog.messages)
