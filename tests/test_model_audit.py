"""expunge audit on a micro model trained here: probes, extraction, membership, canaries."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import run_cli
from model_fixtures import EMAIL, LeakyModel

from expunge.errors import ExpungeError
from expunge.model.audit import run_audit
from expunge.model.canaries import exposure, read_canaries
from expunge.model.generate import Sampling
from expunge.model.load import load_model
from expunge.model.mia import auc
from expunge.model.texts import read_texts
from expunge.subject import load_subject

pytestmark = pytest.mark.slow  # trains or loads torch models


def test_audit_finds_the_memorised_person(leaky_model: LeakyModel) -> None:
    lm = load_model(leaky_model.model)
    report = run_audit(
        lm,
        load_subject(leaky_model.subject),
        read_texts(str(leaky_model.documents), "--documents"),
        read_texts(str(leaky_model.non_members), "--non-members"),
        sampling=Sampling(samples=4),
    )
    assert report.verdict.startswith("leaks")
    extracted = [e for e in report.extraction if e.k is not None]
    assert len(report.extraction) == 6  # 3 documents x (email, phone)
    assert len(extracted) >= 4
    # the email is shown masked, never in full
    blob = json.dumps(report.to_json())
    assert EMAIL not in blob
    assert [m.calibration for m in report.membership] == ["look-alikes", "non-members"]
    for m in report.membership:
        loss = next(s for s in m.scores if s.name == "loss")
        assert loss.auc_documents is not None and loss.auc_documents >= 0.9
        assert loss.flagged >= 2 and m.signal() is not None


def test_an_untrained_person_does_not_leak(leaky_model: LeakyModel, tmp_path: Path) -> None:
    stranger = tmp_path / "stranger.toml"
    stranger.write_text('names = ["Ottoline Ravensworth"]\nemails = ["o.ravensworth@example.com"]\n'
                        'phones = ["+44 20 7946 0777"]\nregion = "GB"\n')  # fmt: skip
    report = run_audit(
        load_model(leaky_model.model), load_subject(stranger), sampling=Sampling(samples=4)
    )
    assert not report.verdict.startswith("leaks")
    assert all(k.greedy_hits == 0 and k.sample_hits == 0 for k in report.kinds)


def test_canary_planted_20_times_is_exposed_and_control_is_not(leaky_model: LeakyModel) -> None:
    canaries = read_canaries(leaky_model.canaries)
    results = {r.repeats: r for r in exposure(load_model(leaky_model.model), canaries, 300)}
    assert results[20].rank == 1 and results[20].extrapolated_bits > 12
    assert results[0].extrapolated_bits < 6


def test_auc_is_rank_based() -> None:
    assert auc([3, 4], [1, 2]) == 1.0
    assert auc([1], [1]) == 0.5
    assert auc([1, 2], [3]) == 0.0
    assert auc([], [1]) is None


def test_cli_audit_writes_json_and_html(leaky_model: LeakyModel, tmp_path: Path) -> None:
    out = tmp_path / "audit"
    result = run_cli("audit", "--model", str(leaky_model.model), "--subject", str(leaky_model.subject),
                     "--documents", str(leaky_model.documents), "--non-members",
                     str(leaky_model.non_members), "--samples", "2", "--out", str(out))  # fmt: skip
    assert result.code == 0, result.stderr
    assert "leaks" in result.stdout
    data = json.loads((out / "audit.json").read_text())
    assert data["verdict"].startswith("leaks")
    page = (out / "audit.html").read_text()
    assert "Content-Security-Policy" in page and EMAIL not in page and "<script" not in page


def test_cli_canaries_insert_then_measure(leaky_model: LeakyModel, tmp_path: Path) -> None:
    made = tmp_path / "c.jsonl"
    planted_file = tmp_path / "planted.jsonl"
    result = run_cli("audit", "canaries", "--insert", "--repeats", "0,3", "--per-repeat", "1",
                     "--out", str(made), "--dataset", str(leaky_model.retain), "--planted",
                     str(planted_file))  # fmt: skip
    assert result.code == 0, result.stderr
    canaries = read_canaries(made)
    lines = planted_file.read_text().splitlines()
    texts = [json.loads(line)["text"] for line in lines]
    assert sum(t == canaries[1].text for t in texts) == 3
    assert all(t != canaries[0].text for t in texts)
    assert len(lines) == len(read_texts(str(leaky_model.retain), "x")) + 3
    measured = run_cli("audit", "canaries", "--model", str(leaky_model.model), "--canaries",
                       str(leaky_model.canaries), "--candidates", "100", "--json")  # fmt: skip
    assert measured.code == 0, measured.stderr
    assert {r["repeats"] for r in json.loads(measured.stdout)} == {0, 20}


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        ("missing", "no such model directory"),
        ("no_config", "no config.json"),
        ("no_tokenizer", "no tokenizer files"),
        ("tokenizer_mismatch", "do not belong together"),
        ("weights_mismatch", "cannot load the model"),
    ],
)
def test_bad_model_directories(
    leaky_model: LeakyModel, tmp_path: Path, breakage: str, message: str
) -> None:
    broken = tmp_path / "m"
    if breakage != "missing":
        shutil.copytree(leaky_model.model, broken)
    if breakage == "no_config":
        (broken / "config.json").unlink()
    elif breakage == "no_tokenizer":
        for name in ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"):
            (broken / name).unlink(missing_ok=True)
    elif breakage == "weights_mismatch":
        config = json.loads((broken / "config.json").read_text())
        config["n_embd"] = 32
        (broken / "config.json").write_text(json.dumps(config))
    elif breakage == "tokenizer_mismatch":
        from transformers import AutoTokenizer

        bigger = AutoTokenizer.from_pretrained(broken)
        bigger.add_tokens([f"extra{i}" for i in range(5000)])
        bigger.save_pretrained(broken)
    with pytest.raises(ExpungeError, match=message):
        load_model(broken)
    result = run_cli("audit", "--model", str(broken), "--subject", str(leaky_model.subject))
    assert result.code == 1 and "Traceback" not in result.stderr and message in result.stderr


def test_cli_bad_inputs(leaky_model: LeakyModel, tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    cases = [
        (["audit"], "needs --model"),
        (["audit", "--model", str(leaky_model.model), "--subject", str(leaky_model.subject),
          "--documents", str(empty)], "holds no text"),
        (["audit", "canaries", "--insert"], "needs --out"),
        (["audit", "canaries", "--insert", "--out", str(tmp_path / "x"), "--repeats", "a"],
         "not a list of numbers"),
        (["audit", "canaries", "--model", str(leaky_model.model), "--canaries",
          str(leaky_model.documents)], "not a canary"),
    ]  # fmt: skip
    for args, message in cases:
        result = run_cli(*args)
        assert result.code != 0 and message in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr


def test_step_by_step_decoding_matches_generate(leaky_model: LeakyModel) -> None:
    # Models without .generate (a SISA ensemble) are decoded step by step: greedy must agree.
    from expunge.model.generate import continue_prompts
    from expunge.model.load import LocalModel

    lm = load_model(leaky_model.model)

    class LogitsOnly:
        def __init__(self, model: object) -> None:
            self.model, self.config = model, lm.model.config

        def parameters(self):  # type: ignore[no-untyped-def]
            return lm.model.parameters()

        def __call__(self, **kwargs):  # type: ignore[no-untyped-def]
            return lm.model(**kwargs)

    bare = LocalModel(lm.path, LogitsOnly(lm.model), lm.tokenizer)
    prompts = ["Club notes. You can reach Jorunn Atterbury at", "The quiet market"]
    ours = continue_prompts(bare, prompts, Sampling(samples=3, max_new_tokens=20))
    theirs = continue_prompts(lm, prompts, Sampling(samples=3, max_new_tokens=20))
    assert [o[0] for o in ours] == [t[0] for t in theirs]
    assert EMAIL in ours[0][0]
    assert all(len(o) == 4 for o in ours)  # greedy + 3 samples each
