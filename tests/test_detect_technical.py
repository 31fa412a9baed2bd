"""Technical look-alikes (issue 18): namespace, schema, standards and licence URLs name no one.
They are reported only when asked for, under their own label, and a record holding only them
does not count as holding personal data."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_cli

from expunge.detect import Detector

PAGE = (
    '<html xmlns="http://www.w3.org/1999/xhtml"><svg xmlns="http://www.w3.org/2000/svg"/>'
    "Licensed under https://www.apache.org/licenses/LICENSE-2.0 ; see RFC "
    "https://datatracker.ietf.org/doc/html/rfc9110 and https://schema.org/Person</html>"
)


def _found(text: str, types: list[str] | None = None) -> list[tuple[str, str]]:
    return [(f.type, text[f.start : f.end]) for f in Detector(types=types).scan(text)]


def test_not_reported_by_default_and_labelled_when_asked() -> None:
    assert _found(PAGE) == []
    technical = _found(PAGE, ["url_technical"])
    assert [t for t, _ in technical] == ["url_technical"] * 5
    assert ("url_technical", "https://www.apache.org/licenses/LICENSE-2.0") in technical


def test_people_pages_on_the_same_hosts_stay_urls() -> None:
    text = "home https://www.gnu.org/people/jdoe.html and https://www.apache.org/~jdoe/ too"
    assert [t for t, _ in _found(text)] == ["url", "url"]


def test_the_personal_data_share_leaves_technical_records_out(tmp_path: Path) -> None:
    data = tmp_path / "d.jsonl"
    rows = [PAGE, "mail jane.roe@example.com", "nothing here"]
    data.write_text("".join(json.dumps({"text": t}) + "\n" for t in rows))
    for extra, technical in (([], None), (["--all"], 5)):
        out = tmp_path / ("all" if extra else "default")
        assert run_cli("scan", str(data), "--out", str(out), "-q", *extra).code == 0
        summary = json.loads((out / "summary.json").read_text())
        assert summary["totals"]["records_with_pii"] == 1  # the email's record only
        assert summary["by_type"].get("url_technical", {}).get("findings") == technical
    both = run_cli("scan", str(data), "--all", "--types", "email")
    assert both.code == 1 and "not both" in both.stderr
