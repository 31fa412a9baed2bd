"""Custom entity types (issue 15 §3): from Python or a YAML file, compiled into the detector's
one hyperscan database, their findings flowing like the built-ins', and every mistake in a
patterns file one error line naming the file and the entry."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import orjson
import pytest
from conftest import EMAIL, run_cli

from expunge.detect import NAMED_VALIDATORS, Detector, EntityType, load_patterns
from expunge.errors import ExpungeError, InputError

PATTERNS = """\
types:
  - name: employee_id
    regex: '\\bEMP-\\d{6}\\b'
    score: 0.7
    context: [employee, staff]
  - name: project_codename
    literals: [Bluebird, Nightjar]
    caseless: true
"""


def _luhn_check_digit(body: str) -> str:
    """The digit that makes body + digit pass Luhn (written here, not taken from expunge)."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


MEMBER_OK = "MEM" + "4071234" + _luhn_check_digit("4071234")
MEMBER_BAD = "MEM" + "4071234" + str((int(_luhn_check_digit("4071234")) + 1) % 10)


def _dataset(root: Path) -> Path:
    """Two JSON Lines shards: employee ids (some near a context word), code names in any
    case, member numbers (one passes Luhn), and the usual email."""
    root.mkdir()
    for shard in range(2):
        lines = []
        for row in range(6):
            text = f"Note {shard}-{row}: nothing much."
            if row % 2 == 0:
                text += f" Ticket by EMP-{shard}0000{row} today."
            if row == 1:
                text += " Our staff member EMP-123456 joined."
            if row == 3:
                text += " Work on NIGHTJAR and bluebird continues; Bluebirds are birds."
            if row == 4:
                text += f" Write to {EMAIL}. Members {MEMBER_OK} and {MEMBER_BAD}."
            lines.append(json.dumps({"id": f"{shard}-{row}", "text": text}))
        (root / f"part-{shard}.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    return root


def _findings(out: Path) -> list[dict]:
    return [orjson.loads(line) for line in (out / "findings.jsonl").read_bytes().splitlines()]


def _texts(root: Path) -> dict[tuple[str, int], str]:
    return {
        (path.name, row): json.loads(line)["text"]
        for path in root.glob("*.jsonl")
        for row, line in enumerate(path.read_text("utf-8").splitlines())
    }


def test_a_patterns_file_adds_types_to_a_scan(tmp_path: Path) -> None:
    data = _dataset(tmp_path / "data")
    patterns = tmp_path / "mine.yaml"
    patterns.write_text(PATTERNS, "utf-8")
    out = tmp_path / "out"
    # two workers: the patterns travel to the worker processes inside ScanConfig
    result = run_cli("scan", str(data), "--patterns", str(patterns), "--out", str(out),
                     "--workers", "2", "-q")  # fmt: skip
    assert result.code == 0, result.stderr
    texts = _texts(data)
    found = [(f["type"], texts[(f["shard"], f["row"])][f["start"] : f["end"]], f["score"],
              f["validator"]) for f in _findings(out)]  # fmt: skip
    employee = [f for f in found if f[0] == "employee_id"]
    assert ("employee_id", "EMP-123456", 0.85, "pattern") in employee  # 'staff' nearby: +0.15
    assert ("employee_id", "EMP-000000", 0.7, "pattern") in employee
    assert len(employee) == 2 * 3 + 2
    codenames = sorted(f[1] for f in found if f[0] == "project_codename")
    # caseless, whole words only: 'Bluebirds' is not the code name
    assert codenames == ["NIGHTJAR", "NIGHTJAR", "bluebird", "bluebird"]
    assert ("email", EMAIL) in {(t, v) for t, v, _, _ in found}  # the built-ins still run
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert summary["by_type"]["employee_id"] == {"findings": 8, "records": 8}
    assert summary["by_type"]["project_codename"] == {"findings": 4, "records": 2}
    assert summary["types_scanned"][-2:] == ["employee_id", "project_codename"]
    # values stay out of the report, as for the built-in types
    html = (out / "report.html").read_text("utf-8")
    assert "EMP-123456" not in html and "NIGHTJAR" not in html


def test_types_takes_custom_names(tmp_path: Path) -> None:
    data = _dataset(tmp_path / "data")
    patterns = tmp_path / "mine.yaml"
    patterns.write_text(PATTERNS, "utf-8")
    out = tmp_path / "out"
    result = run_cli("scan", str(data), "--patterns", str(patterns), "--types", "employee_id",
                     "--out", str(out), "--workers", "1", "-q")  # fmt: skip
    assert result.code == 0, result.stderr
    assert {f["type"] for f in _findings(out)} == {"employee_id"}
    # a custom name without its file is an unknown type
    result = run_cli("scan", str(data), "--types", "employee_id", "-q")
    assert result.code == 1 and "unknown type(s) in --types: employee_id" in result.stderr


def test_a_named_validator_confirms(tmp_path: Path) -> None:
    data = _dataset(tmp_path / "data")
    patterns = tmp_path / "members.yaml"
    patterns.write_text(
        "types:\n  - name: member_no\n    regex: '\\bMEM\\d{8}\\b'\n    validator: luhn\n", "utf-8"
    )
    out = tmp_path / "out"
    result = run_cli("scan", str(data), "--patterns", str(patterns), "--out", str(out),
                     "--workers", "1", "-q")  # fmt: skip
    assert result.code == 0, result.stderr
    texts = _texts(data)
    members = [(texts[(f["shard"], f["row"])][f["start"] : f["end"]], f["validator"])
               for f in _findings(out) if f["type"] == "member_no"]  # fmt: skip
    assert members == [(MEMBER_OK, "luhn"), (MEMBER_OK, "luhn")]  # MEMBER_BAD fails Luhn


def test_every_named_validator_is_a_real_check() -> None:
    cases = {
        "luhn": ("4111 1111 1111 1111", "4111 1111 1111 1112"),
        "credit_card": ("4111-1111-1111-1111", "9111-1111-1111-1115"),
        "iban": ("DE89 3704 0044 0532 0130 00", "DE88 3704 0044 0532 0130 00"),
        "us_ssn": ("123-45-6780", "666-45-6789"),
        "phone": ("+44 20 7946 0958", "+44 20 0000"),
        "ip_address": ("192.168.1.20", "192.168.1.300"),
        "bitcoin": ("1BoatSLRHtKNngkdXEeobR76b53LETtpyT", "1BoatSLRHtKNngkdXEeobR76b53LETtpyX"),
        "ethereum": ("0x52908400098527886E0F7030069857D2E4169EE7",
                     "0x52908400098527886e0F7030069857D2E4169EE7"),
        "entropy": ("q8ZfL2vR9xKw4NtB7mYc", "your-api-key-here"),
    }  # fmt: skip
    assert set(cases) == set(NAMED_VALIDATORS)
    for name, (good, bad) in cases.items():
        check = NAMED_VALIDATORS[name]
        assert check(good, "US"), (name, good)
        assert not check(bad, "US"), (name, bad)


def test_a_python_function_validates_and_names_the_findings() -> None:
    def even_ticket(text: str) -> bool:
        return int(text[-1]) % 2 == 0

    det = Detector(custom=[EntityType("ticket", regex=r"\bT-\d{4}\b", validator=even_ticket)])
    found = [(f.type, f.start, f.end, f.validator) for f in det.scan("T-1234 and T-1235")]
    assert found == [("ticket", 0, 6, "even_ticket")]


def test_context_words_set_the_score() -> None:
    staff = EntityType(
        "employee_id", regex=r"\bE\d{5}\b", score=0.4, context=["Employee"], context_score=0.9
    )
    det = Detector(custom=[staff])
    assert [f.score for f in det.scan("employee E12345")] == [0.9]
    assert det.scan("order E12345") == []  # 0.4 is under the default min_score
    assert [f.score for f in Detector(custom=[staff], min_score=0.3).scan("E12345")] == [0.4]


def test_offsets_are_characters_with_non_ascii_literals() -> None:
    det = Detector(custom=[EntityType("dessert", literals=["Éclair", "crème brûlée"],
                                      caseless=True)])  # fmt: skip
    text = "Ünïcode: ÉCLAIR, éclair and Crème Brûlée; éclairs no."
    found = [text[f.start : f.end] for f in det.scan(text)]
    assert found == ["ÉCLAIR", "éclair", "Crème Brûlée"]


def test_a_match_never_spans_two_records() -> None:
    det = Detector(types=["spanner"], custom=[EntityType("spanner", regex=r"Q[^,]*Z")])
    texts = ["say Q here", "and Z there QbZ", "QaZ then Z", "Q"]
    # hyperscan's leftmost start for 'QbZ' is the Q of the first record: the record is read
    # again alone, so each text gets what scanning it by itself gives
    batch = det.scan_batch(texts)
    assert batch == [det.scan(t) for t in texts]
    assert [[t[f.start : f.end] for f in found] for t, found in zip(texts, batch)] == [
        [],
        ["QbZ"],
        ["QaZ then Z"],
        [],
    ]


def test_custom_types_do_not_change_the_built_in_findings() -> None:
    text = (
        f"Write to {EMAIL} or +44 20 7946 0958, card 4111 1111 1111 1111, "
        "IBAN DE89 3704 0044 0532 0130 00, server 10.20.30.40, born 3 May 1980."
    )
    plain = Detector().scan(text)
    never = EntityType("never", regex=r"\bZZQQZZ\d{3}\b")
    with_custom = Detector(custom=[never]).scan(text)
    assert plain and with_custom == plain


def test_a_built_in_name_or_a_rejected_regex_is_refused() -> None:
    with pytest.raises(ExpungeError, match="'email': is a built-in type"):
        EntityType("email", regex="x@y")
    with pytest.raises(ExpungeError, match="hyperscan rejects the regex: Back-references"):
        EntityType("twice", regex=r"(ab)\1")
    with pytest.raises(ExpungeError, match="declared twice"):
        Detector(custom=[EntityType("a1", regex="ab"), EntityType("a1", literals=["x"])])
    with pytest.raises(ValueError, match="unknown entity type"):
        Detector(types=["nope"], custom=[EntityType("a1", regex="ab")])


BAD_FILES = [
    ("types:\n  - name: a1\n    regx: ab\n", "entry 1 'a1' (line 2): unknown key 'regx'"),
    ("types:\n  - regex: ab\n", "entry 1 (line 2): no name"),
    ("types:\n  - name: a1\n    regex: ab\n    literals: [x]\n", "has both regex and literals"),
    ("types:\n  - name: a1\n", "entry 1 'a1' (line 2): has neither regex nor literals"),
    ("types:\n  - name: a1\n    regex: ab\n    score: 1.5\n", "score 1.5 is not a number"),
    ("types:\n  - name: a1\n    regex: ab\n    score: high\n", "score 'high' is not a number"),
    ("types:\n  - name: a1\n    regex: ab\n    validator: mod11\n", "unknown validator 'mod11'"),
    ("types:\n  - name: a1\n    literals: Bluebird\n", "literals must be a list of strings"),
    ("types:\n  - name: a1\n    literals: [x]\n    caseless: maybe\n", "caseless 'maybe'"),
    ("types:\n  - name: a1\n    regex: ab\n    context: [e-mail]\n", "'e-mail' is not one word"),
    ("types:\n  - name: a1\n    regex: ab\n    context_score: 0.9\n", "context_score without"),
    ("types:\n  - name: Bad-Name\n    regex: ab\n", "name 'Bad-Name' is not a valid type name"),
    ("types:\n  - name: phone\n    regex: ab\n", "entry 1 'phone' (line 2): is a built-in type"),
    ("types:\n  - name: a1\n    regex: '(?<=x)ab'\n", "hyperscan rejects the regex"),
    ("types:\n  - name: a1\n    regex: 'a*'\n", "it can match an empty string"),
    ("types:\n  - name: a1\n    regex: ab\n  - name: a1\n    literals: [x]\n",
     "entry 2 'a1' (line 4): type 'a1' is already declared"),
    ("types:\n  - name: a1\n    regex: ab\n    regex: cd\n", "line 4: key 'regex' given twice"),
    ("types:\n  - name: a1\n    regex: [ab\n", "not valid YAML"),
    ("type:\n  - name: a1\n", "no types"),
    ("types: []\n", "types must be a non-empty list"),
    ("types:\n  - a1\n", "entry 1 (line 2): an entry must be a mapping"),
    ("types:\n  - name: a1\n    regex: ab\nextra: 1\n", "unknown top-level key 'extra'"),
]  # fmt: skip


@pytest.mark.parametrize(("content", "message"), BAD_FILES, ids=[m for _, m in BAD_FILES])
def test_a_bad_patterns_file_is_one_error_line(
    content: str, message: str, mini_dataset: Path, tmp_path: Path
) -> None:
    patterns = tmp_path / "bad.yaml"
    patterns.write_text(content, "utf-8")
    out = tmp_path / "out"
    result = run_cli("scan", str(mini_dataset), "--patterns", str(patterns), "--out", str(out))
    assert result.code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {patterns}: "), result.stderr
    assert message in lines[0]
    assert lines[0].endswith(")")  # and the fix, in brackets
    assert not out.exists()  # nothing written


def test_a_missing_patterns_file_is_named(mini_dataset: Path, tmp_path: Path) -> None:
    result = run_cli("scan", str(mini_dataset), "--patterns", str(tmp_path / "nope.yaml"))
    assert result.code == 1
    assert result.stderr.strip() == (
        f"error: {tmp_path / 'nope.yaml'}: no such patterns file (check the --patterns path)"
    )


def test_names_are_unique_across_files(tmp_path: Path) -> None:
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text("types:\n  - name: a1\n    regex: ab\n", "utf-8")
    second.write_text("types:\n  - name: b1\n    regex: cd\n  - name: a1\n    regex: ef\n")
    assert [t.name for t in load_patterns([first])] == ["a1"]
    with pytest.raises(InputError, match=r"b\.yaml: entry 2 'a1' \(line 4\): .*a\.yaml: entry 1"):
        load_patterns([first, second])


def test_changed_patterns_void_an_incremental_scan(tmp_path: Path) -> None:
    data = _dataset(tmp_path / "data")
    patterns = tmp_path / "mine.yaml"
    patterns.write_text(PATTERNS, "utf-8")
    out = tmp_path / "out"
    args = ("scan", str(data), "--patterns", str(patterns), "--out", str(out), "-q",
            "--workers", "1")  # fmt: skip

    def reused() -> int:
        return json.loads((out / "summary.json").read_text("utf-8"))["totals"]["shards_reused"]

    assert run_cli(*args).code == 0 and reused() == 0
    assert run_cli(*args).code == 0 and reused() == 2  # same file: nothing re-read
    patterns.write_text(PATTERNS.replace("score: 0.7", "score: 0.6"), "utf-8")
    assert run_cli(*args).code == 0 and reused() == 0  # the content changed, not the name
    scores = {f["score"] for f in _findings(out) if f["type"] == "employee_id"}
    assert scores == {0.6, 0.75}
    # without the file the types are gone and so are the old results
    assert run_cli("scan", str(data), "--out", str(out), "-q", "--workers", "1").code == 0
    assert reused() == 0 and not any(f["type"] == "employee_id" for f in _findings(out))


def test_a_scan_fingerprint_follows_settings_patterns_and_rules(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Old results are void when a setting, a custom type or the detection code changes."""
    from expunge import __version__
    from expunge.scan import ScanConfig, task

    config = ScanConfig(types=("email",), phone_region="GB")
    rules = task._rules_digest()
    before = hashlib.sha256(repr((config, __version__, rules)).encode()).hexdigest()[:16]
    assert config.fingerprint() == before
    monkeypatch.setattr(task, "_rules_digest", lambda: "other rules")
    assert config.fingerprint() != before  # the detection code changed: read again
    monkeypatch.undo()
    mine = ScanConfig(types=("email",), phone_region="GB",
                      patterns=(EntityType("a1", regex="ab"),))  # fmt: skip
    other = ScanConfig(types=("email",), phone_region="GB",
                       patterns=(EntityType("a1", regex="ac"),))  # fmt: skip
    assert len({config.fingerprint(), mine.fingerprint(), other.fingerprint()}) == 3


def test_the_readme_patterns_example_loads(tmp_path: Path) -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text("utf-8")
    section = readme.split("**Your own types (`--patterns`).**", 1)[1]
    example = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "my-types.yaml"
    path.write_text(example, "utf-8")
    types = load_patterns(path)
    assert [t.name for t in types] == ["employee_id", "project_codename", "member_card"]
    card = "MC" + "40712345678" + _luhn_check_digit("40712345678")
    found = Detector(custom=types).scan(f"staff EMP-123456, Bluebird, {card}")
    assert [(f.type, f.score, f.validator) for f in found] == [
        ("employee_id", 0.85, "pattern"),
        ("project_codename", 0.8, "pattern"),
        ("member_card", 0.8, "luhn"),
    ]
