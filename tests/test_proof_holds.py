"""Issue 12: the removal proof holds on people from several countries, raw WARC bytes, stray
files, Hugging Face datasets, and agrees across find / index / forget / registry."""

from __future__ import annotations

import io
import json
import unicodedata
from pathlib import Path

import pytest
from conftest import run_cli
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from expunge.find.matcher import SubjectMatcher
from expunge.subject import parse_subject

PEOPLE = [
    {"id": "ana", "names": ["Ana Souza"], "phones": ["(11) 98765-4321"], "region": "BR"},
    {"id": "ravi", "names": ["Ravi Kumar"], "phones": ["98765 43210"], "region": "IN"},
    {"id": "jonas", "names": ["Jonas Weber"], "phones": ["030 901820"], "region": "DE"},
    {"id": "amelia", "names": ["Amelia Hart"], "phones": ["020 7946 0958"], "region": "GB"},
    {"id": "wang", "names": ["Wang Xiaoming"], "emails": ["xm.wang@example.cn"], "country": "cn"},
    {"id": "layla", "names": ["محمد الرشيد"], "handles": ["@layla_r"]},
]
# (text, subject id strong in it or None)
TEXTS = [
    ("Fale com a Ana: (11) 98765-4321.", "ana"),
    ("Ana's mobile +55 11 98765 4321", "ana"),
    ("WhatsApp: 5511987654321", "ana"),
    ("Ana ligou de (11) 98765-4322 ontem.", None),  # one digit off
    ("Call Ravi on 98765 43210 after six", "ravi"),
    ("Ravi: 098765 43210", "ravi"),
    ("Ravi +91-98765-43210", "ravi"),
    ("Ravi 98765 43211", None),
    ("Büro Jonas Weber: 030 901820", "jonas"),
    ("Tel. +49 (0)30 901820", "jonas"),
    ("Tel. 0049 30 901820", "jonas"),
    ("Amelia: +44 (0)20 7946 0958", "amelia"),
    ("Amelia on 020 7946 0958", "amelia"),
    ("Xiaoming Wang wrote: xm.wang@example.cn", "wang"),
    ("mail xm.wang@example.cn.evil.org", None),
    ("follow @layla_r", None),  # a handle alone is medium
    ("follow @layla_r2 or x.com/layla_r2", None),
    ("محمد الرشيد on https://x.com/layla_r", "layla"),  # name + handle's profile page
    ("مُحَمَّد الرَّشِيد @layla_r", "layla"),  # harakat
    ("مـحـمـد الرشيد @layla_r", "layla"),  # tatweel
    ("محمد الرشيد wrote as @layla_r.today", "layla"),  # '@layla_r' then a dot: find's word
]


def _subjects(default_region: str = "US") -> list:
    return [parse_subject(p, p["id"], default_region=default_region) for p in PEOPLE]


def test_phones_and_names_match_in_the_subjects_own_terms() -> None:
    matcher = SubjectMatcher(_subjects())
    for (text, want), found in zip(TEXTS, matcher.match_batch([t for t, _ in TEXTS])):
        strong = {f.subject for f in found if f.confidence == "strong"}
        assert strong == ({want} if want else set()), (text, found)


def test_the_run_region_does_not_change_what_is_found() -> None:
    texts = [t for t, _ in TEXTS]
    us = SubjectMatcher(_subjects("US")).match_batch(texts)
    fr = SubjectMatcher(_subjects("FR")).match_batch(texts)
    assert us == fr


def test_nfd_and_fullwidth_names_are_found_where_they_are() -> None:
    matcher = SubjectMatcher([parse_subject({"names": ["José Müller"]}, "x")])
    nfd = unicodedata.normalize("NFD", "Hola José Müller, qué tal")
    [found] = matcher.match_batch([nfd])
    assert [nfd[f.start : f.end] for f in found] == [unicodedata.normalize("NFD", "José Müller")]


def test_name_order_both_ways_for_family_first_names() -> None:
    matcher = SubjectMatcher([parse_subject({"names": ["Nagy László"], "emails": ["l@n.hu"]}, "x")])
    [found] = matcher.match_batch(["László Nagy wrote to l@n.hu"])
    assert {f.type for f in found} == {"name", "email"}


def test_arabic_joined_and_split_forms() -> None:
    matcher = SubjectMatcher([parse_subject({"names": ["Abdullah Al Rashid"]}, "x")])
    texts = ["Abd Allah al-Rashid", "Abdallah Alrashid", "Abdullah Al Rashed"]
    assert [bool(f) for f in matcher.match_batch(texts)] == [True, True, False]


def test_a_free_string_of_two_characters_is_refused(tmp_path: Path) -> None:
    (tmp_path / "p.toml").write_text('names = ["Ana Lima"]\nstrings = ["AB"]\n')
    result = run_cli("subject", "check", str(tmp_path / "p.toml"))
    assert result.code == 1 and "shorter than 3" in result.stderr


# ------------------------------------------------------------------ datasets end to end


def _rows() -> list[dict]:
    rows = [
        {"id": f"r{i}", "text": t, "meta": {"title": "page", "author": "staff"}}
        for i, (t, _) in enumerate(TEXTS)
    ]
    rows.append(
        {
            "id": "hidden",
            "text": "A quiet page.",
            "meta": {"title": "x", "author": "xm.wang@example.cn"},
        }
    )
    return rows


def _jsonl(path: Path) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in _rows()), "utf-8")


def _write(data: Path, fmt: str) -> None:
    """The same rows in one format; the 'hidden' row names its person only outside the text."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    data.mkdir()
    rows = _rows()
    if fmt == "jsonl":
        _jsonl(data / "data.jsonl")
    elif fmt == "parquet":
        pq.write_table(pa.Table.from_pylist(rows), data / "data.parquet")
    elif fmt == "csv":
        import csv

        with open(data / "data.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "text", "author"])
            writer.writerows([[r["id"], r["text"], r["meta"]["author"]] for r in rows])
    elif fmt == "warc":
        pages = [
            (f"https://a.example/{r['id']}",
             f'<meta name="author" content="{r["meta"]["author"]}"><p>{r["text"]}</p>'.encode(), [])
            for r in rows
        ]  # fmt: skip
        _warc(data / "data.warc", pages)
    else:  # hf
        datasets = pytest.importorskip("datasets")
        datasets.Dataset.from_list(rows).save_to_disk(str(data))


def _wang_setup(tmp_path: Path) -> tuple[Path, Path]:
    """A JSON Lines dataset of TEXTS and the profile of the person with the email."""
    data = tmp_path / "data"
    data.mkdir()
    _jsonl(data / "data.jsonl")
    return data, _profile(tmp_path, 4)


def _profile(tmp_path: Path, person: int) -> Path:
    path = tmp_path / f"{PEOPLE[person]['id']}.json"
    path.write_text(json.dumps(PEOPLE[person], ensure_ascii=False))
    return path


def _subjects_file(path: Path) -> Path:
    path.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in PEOPLE), "utf-8")
    return path


def _kept_ids(version: Path) -> set[str]:
    from expunge.errors import ErrorPolicy
    from expunge.io import open_dataset, read_shard
    from expunge.records import FieldSpec

    shards = open_dataset(str(version)).shards
    return {
        str(r.id) if s.format != "warc" else str(r.url).rsplit("/", 1)[-1]
        for s in shards
        for r in read_shard(s, FieldSpec(), ErrorPolicy("stop"))
    }


@pytest.mark.parametrize("fmt", ["jsonl", "parquet", "csv", "hf", "warc"])
def test_forget_index_registry_and_find_agree(tmp_path: Path, fmt: str) -> None:
    data = tmp_path / "data"
    _write(data, fmt)
    subjects = _subjects_file(tmp_path / "people.jsonl")
    reg = tmp_path / "reg"
    args = ["--subjects", str(subjects), str(data)]
    assert run_cli("forget", *args, "--out", str(tmp_path / "a"), "--registry", str(reg)).code == 0
    assert run_cli("index", "build", str(data), "--out", str(tmp_path / "idx")).code == 0
    assert (
        run_cli(
            "forget", *args, "--out", str(tmp_path / "b"), "--index", str(tmp_path / "idx")
        ).code
        == 0
    )
    assert (
        run_cli("forget", "--registry", str(reg), str(data), "--out", str(tmp_path / "c")).code == 0
    )
    dropped = {f"r{i}" for i, (_, want) in enumerate(TEXTS) if want} | {"hidden"}
    everything = {f"r{i}" for i in range(len(TEXTS))} | {"hidden"}
    for version in ("a", "b", "c"):
        assert _kept_ids(tmp_path / version) == everything - dropped, version


def test_redact_drops_a_record_whose_match_is_outside_its_text(tmp_path: Path) -> None:
    data, profile = _wang_setup(tmp_path)
    out = tmp_path / "v"
    result = run_cli(
        "forget", "--subject", str(profile), str(data), "--out", str(out), "--mode", "redact"
    )
    assert result.code == 0, result.stderr
    [shard] = json.loads((out / "manifest.json").read_text())["shards"]
    assert shard["dropped_outside_text"] == 1 and shard["redacted_rows"] == 1
    assert "hidden" not in _kept_ids(out)


def _warc(path: Path, pages: list[tuple[str, bytes, list[tuple[str, str]]]]) -> None:
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=False)
        for url, html, headers in pages:
            http = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html"), *headers], protocol="HTTP/1.1"
            )
            writer.write_record(
                writer.create_warc_record(
                    url, "response", payload=io.BytesIO(html), http_headers=http
                )
            )


def test_warc_forget_and_verify_search_markup_and_headers(tmp_path: Path) -> None:
    email = "xm.wang@example.cn"
    pages = [
        ("https://a.example/1", f"<p>Hello</p><script>var c='{email}';</script>".encode(), []),
        ("https://a.example/2", f'<p>Hi</p><a href="mailto:{email}">mail</a>'.encode(), []),
        ("https://a.example/3", f'<meta name="author" content="{email}"><p>Hey</p>'.encode(), []),
        ("https://a.example/4", b"<p>Plain page</p>", [("X-Contact", email)]),
        ("https://a.example/5", b"<p>xm.wang&#64;example.cn</p>", []),
        ("https://a.example/6", b"<p>Nobody here</p>", []),
    ]
    data = tmp_path / "crawl"
    data.mkdir()
    _warc(data / "c.warc", pages)
    profile = _profile(tmp_path, 4)
    out = tmp_path / "v"
    assert run_cli("forget", "--subject", str(profile), str(data), "--out", str(out)).code == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["totals"]["records_dropped"] == 5
    assert email.encode() not in (out / "c.warc").read_bytes()
    assert run_cli("verify", str(out), "--subject", str(profile)).code == 0
    # The proof can fail: a version made without this person still holds them in markup.
    other = _profile(tmp_path, 1)
    assert (
        run_cli("forget", "--subject", str(other), str(data), "--out", str(tmp_path / "w")).code
        == 0
    )
    check = run_cli("verify", str(tmp_path / "w"), "--subject", str(profile))
    assert check.code == 1 and "strong matches remaining: 5" in check.stdout


def test_verify_fails_on_a_file_added_to_the_version(tmp_path: Path) -> None:
    data, profile = _wang_setup(tmp_path)
    out = tmp_path / "v"
    assert run_cli("forget", "--subject", str(profile), str(data), "--out", str(out)).code == 0
    assert run_cli("verify", str(out), "--subject", str(profile)).code == 0
    (out / "extra.jsonl").write_text(json.dumps({"text": "xm.wang@example.cn"}) + "\n")
    check = run_cli("verify", str(out), "--subject", str(profile))
    assert check.code == 1 and "extra.jsonl: not in the manifest" in check.stdout


def test_a_dataset_card_holding_the_person_fails_verify(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    _jsonl(data / "data.jsonl")
    (data / "README.md").write_text("Contact the curator: xm.wang@example.cn\n")
    profile = _profile(tmp_path, 4)
    out = tmp_path / "v"
    made = run_cli("forget", "--subject", str(profile), str(data), "--out", str(out))
    assert made.code == 0 and "warning: README.md" in made.stderr
    assert (out / "README.md").exists()
    check = run_cli("verify", str(out), "--subject", str(profile))
    assert check.code == 1 and "README.md" in check.stdout


def test_hugging_face_dataset_dict_round_trip(tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    texts = [t for t, _ in TEXTS]
    dd = datasets.DatasetDict(
        {
            "train": datasets.Dataset.from_dict({"text": texts}),
            "test": datasets.Dataset.from_dict({"text": ["Nothing personal.", texts[0]]}),
        }
    )
    source = tmp_path / "hf"
    dd.save_to_disk(str(source))
    (source / "README.md").write_text("---\nlicense: cc0-1.0\n---\n# demo\n")
    (source / ".gitattributes").write_text("*.arrow filter=lfs\n")
    subjects = _subjects_file(tmp_path / "people.jsonl")
    out = tmp_path / "v"
    result = run_cli("forget", "--subjects", str(subjects), str(source), "--out", str(out))
    assert result.code == 0, result.stderr
    assert (out / "README.md").exists() and (out / ".gitattributes").exists()
    loaded = datasets.load_from_disk(str(out))
    kept = [t for t, want in TEXTS if not want]
    assert loaded["train"]["text"] == kept
    assert loaded["test"]["text"] == ["Nothing personal."]
    assert run_cli("verify", str(out), "--subjects", str(subjects)).code == 0


def test_a_warc_that_does_not_start_with_a_record_is_an_error(tmp_path: Path) -> None:
    """Found on the way: warcio "reads" a file starting with blank lines as one record of no
    type and stops, so such a WARC was an empty shard and verify could pass on it."""
    good = tmp_path / "good.warc"
    _warc(good, [("https://a.example/1", b"<p>xm.wang@example.cn</p>", [])])
    bad = tmp_path / "d"
    bad.mkdir()
    (bad / "c.warc").write_bytes(b"\r\n\r\n" + good.read_bytes())
    result = run_cli("scan", str(bad))
    assert result.code == 1 and "c.warc" in result.stderr and "Traceback" not in result.stderr


def test_find_context_stays_inside_the_text_or_the_stored_material(tmp_path: Path) -> None:
    data = tmp_path / "d"
    data.mkdir()
    _warc(
        data / "c.warc",
        [
            (
                "https://a.example/1",
                b'<meta name="author" content="xm.wang@example.cn"><p>Wang here</p>',
                [],
            )
        ],
    )
    profile = _profile(tmp_path, 4)
    assert (
        run_cli("find", "--subject", str(profile), str(data), "--out", str(tmp_path / "f")).code
        == 0
    )
    lines = [json.loads(x) for x in (tmp_path / "f" / "findings.jsonl").read_text().splitlines()]
    assert lines and all("WARC/1.0" not in x["context"] for x in lines if x.get("in") != "stored")
    assert any(x.get("in") == "stored" and x["type"] == "email" for x in lines)


def test_a_full_disk_is_one_line_and_the_same_command_finishes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import errno
    import sys

    from expunge import cli
    from expunge.io import rewrite

    data = tmp_path / "data"
    data.mkdir()
    _jsonl(data / "data.jsonl")
    before = (data / "data.jsonl").read_bytes()
    profile = _profile(tmp_path, 4)
    out = tmp_path / "v"
    argv = [
        "expunge",
        "forget",
        "--subject",
        str(profile),
        str(data),
        "--out",
        str(out),
        "--workers",
        "1",
    ]

    def full(*args: object, **kwargs: object) -> object:
        raise OSError(errno.ENOSPC, "No space left on device", str(out / "data.jsonl.tmp"))

    monkeypatch.setattr(rewrite, "rewrite_shard", full)
    monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(SystemExit) as stopped:
        cli.main()
    err = capsys.readouterr().err
    assert stopped.value.code == 1 and "No space left on device" in err and "Traceback" not in err
    assert not (out / "manifest.json").exists() and (data / "data.jsonl").read_bytes() == before
    monkeypatch.undo()
    assert run_cli("forget", "--subject", str(profile), str(data), "--out", str(out)).code == 0
    assert (out / "manifest.json").exists()


def test_forget_and_verify_with_a_nested_text_field(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    data = tmp_path / "d"
    data.mkdir()
    rows = [
        {"doc": {"body": "Write to xm.wang@example.cn now", "lang": "en"}, "id": "1"},
        {"doc": {"body": "Nothing here", "lang": "en"}, "id": "2"},
        {"doc": None, "id": "3"},
    ]
    pq.write_table(pa.Table.from_pylist(rows), data / "d.parquet")
    profile = _profile(tmp_path, 4)
    out = tmp_path / "v"
    args = ["--subject", str(profile), str(data), "--text-field", "doc.body", "--mode", "redact"]
    assert run_cli("forget", *args, "--out", str(out)).code == 0
    assert pq.read_table(out / "d.parquet").to_pylist() == [
        {"doc": {"body": "Write to [EMAIL] now", "lang": "en"}, "id": "1"},
        *rows[1:],
    ]
    check = run_cli("verify", str(out), "--subject", str(profile))  # fields from the manifest
    assert check.code == 0, check.stdout + check.stderr


def test_a_hub_layout_version_loads_with_load_dataset(tmp_path: Path) -> None:
    """A Hub-style repository (dataset card with configs + Parquet under data/): the version
    keeps the card and loads with `datasets.load_dataset` like the parent."""
    datasets = pytest.importorskip("datasets")
    import pyarrow as pa
    import pyarrow.parquet as pq

    source = tmp_path / "repo"
    (source / "data").mkdir(parents=True)
    rows = [{"text": t} for t, _ in TEXTS]
    pq.write_table(pa.Table.from_pylist(rows), source / "data" / "train-00000-of-00001.parquet")
    (source / "README.md").write_text(
        "---\nconfigs:\n- config_name: default\n  data_files:\n  - split: train\n"
        "    path: data/train-*.parquet\n---\n# A card\n"
    )
    subjects = _subjects_file(tmp_path / "people.jsonl")
    out = tmp_path / "v"
    assert run_cli("forget", "--subjects", str(subjects), str(source), "--out", str(out)).code == 0
    loaded = datasets.load_dataset(str(out), split="train", cache_dir=str(tmp_path / "cache"))
    assert loaded["text"] == [t for t, want in TEXTS if not want]
    assert (out / "README.md").read_text() == (source / "README.md").read_text()


def test_a_registry_written_before_phone_forms_still_reapplies(tmp_path: Path) -> None:
    """Schema-1 logs hold E.164 digests of phones: found again where the country code is
    written; the national form needs the removal recorded again (README says so)."""
    from expunge.forget.registry import Registry

    reg = Registry(tmp_path / "reg")
    old = {"schema": 1, "time": "2026-01-01T00:00:00+00:00", "request_id": "R-0",
           "mode": "drop", "dataset": "x", "subject": reg.digest("subject-id", "jonas"),
           "identifiers": [{"kind": "phone", "hmac": reg.digest("phone", "+4930901820")}]}  # fmt: skip
    (tmp_path / "reg" / "removals.jsonl").write_text(json.dumps(old) + "\n")
    data = tmp_path / "d"
    data.mkdir()
    rows = [{"id": "a", "text": "Tel. +49 30 901820"}, {"id": "b", "text": "Tel. 0049 30 901820"},
            {"id": "c", "text": "Tel. 030 901820"}]  # fmt: skip
    (data / "d.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "v"
    assert (
        run_cli("forget", "--registry", str(tmp_path / "reg"), str(data), "--out", str(out)).code
        == 0
    )
    assert _kept_ids(out) == {"c"}


def test_version_control_is_not_carried_and_binary_files_are_named(tmp_path: Path) -> None:
    data, profile = _wang_setup(tmp_path)
    (data / ".git" / "objects").mkdir(parents=True)
    (data / ".git" / "objects" / "ab").write_bytes(b"xm.wang@example.cn, an old revision")
    (data / "cover.png").write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe binary")
    out = tmp_path / "v"
    assert run_cli("forget", "--subject", str(profile), str(data), "--out", str(out)).code == 0
    assert not (out / ".git").exists() and (out / "cover.png").exists()
    check = run_cli("verify", str(out), "--subject", str(profile))
    assert check.code == 0 and "not searched (carried, not text" in check.stdout
    assert "cover.png" in check.stdout


def test_image_bytes_are_not_read_as_stored_text(tmp_path: Path) -> None:
    """Stored strings of a Parquet row: an image struct {bytes, path} gives its path only."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from expunge.errors import ErrorPolicy
    from expunge.io.raw import read_raw
    from expunge.records import FieldSpec, Shard

    pixels = b"xm.wang@example.cn" + bytes(range(256))  # bytes that happen to spell an email
    rows = [{"image": {"bytes": pixels, "path": "photos/xm.wang@example.cn.jpg"}, "text": "a cat"}]
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "d.parquet")
    [record] = read_raw(
        Shard(str(tmp_path / "d.parquet"), "parquet", "d.parquet"), FieldSpec(), ErrorPolicy()
    )
    assert record.text == "a cat\n\nphotos/xm.wang@example.cn.jpg"
