"""Extraction prompts as an attacker writes them (issue 19, item 1), and what they covered."""

from __future__ import annotations

from pathlib import Path

import pytest
from model_fixtures import LeakyModel

from expunge.find.matcher import SubjectMatcher
from expunge.model import probes
from expunge.model.audit import run_audit
from expunge.model.generate import Sampling
from expunge.model.load import load_model
from expunge.model.texts import read_texts
from expunge.subject import load_subject

pytestmark = pytest.mark.slow  # trains or loads torch models

pytest.importorskip("torch")


def _documents(leaky: LeakyModel) -> list[str]:
    return read_texts(str(leaky.documents), "--documents")


def test_prompts_do_not_end_in_the_space_of_the_identifiers_first_token(
    leaky_model: LeakyModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []
    real = probes.continue_prompts

    def spy(lm, prompts, sampling, greedy_only=False, batch=16):  # type: ignore[no-untyped-def]
        seen.extend(prompts)
        return real(lm, prompts, sampling, greedy_only, batch)

    monkeypatch.setattr(probes, "continue_prompts", spy)
    lm = load_model(leaky_model.model)
    matcher = SubjectMatcher([load_subject(leaky_model.subject)])
    probes.run_extraction(lm, _documents(leaky_model), matcher, Sampling())
    assert seen and not any(p.endswith(" ") for p in seen)


def test_the_fixed_prompt_extracts_at_least_what_the_old_one_did(
    leaky_model: LeakyModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    lm = load_model(leaky_model.model)
    matcher = SubjectMatcher([load_subject(leaky_model.subject)])
    docs = _documents(leaky_model)
    now = probes.run_extraction(lm, docs, matcher, Sampling())
    monkeypatch.setattr(probes, "extraction_prefix", lambda text, start: text[:start])
    before = probes.run_extraction(lm, docs, matcher, Sampling())
    got_now = sum(e.k is not None for e in now)
    got_before = sum(e.k is not None for e in before)
    assert got_now >= got_before and got_now >= len(now) - 1
    # never a longer prefix for the same occurrence
    for a, b in zip(now, before, strict=True):
        assert b.k is None or (a.k is not None and a.k <= b.k)


def test_the_report_says_what_extraction_did_not_cover(
    leaky_model: LeakyModel, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    lm = load_model(leaky_model.model)
    monkeypatch.setattr(probes, "MAX_DOCUMENT_PROBES", 2)
    sampling = Sampling(samples=0, max_new_tokens=lm.context - 20)
    report = run_audit(
        lm, load_subject(leaky_model.subject), _documents(leaky_model), sampling=sampling
    )
    scope = report.extraction_scope
    assert scope.probed == 2 and scope.occurrences == 6
    assert scope.longest_prefix == 19 and scope.lengths[-1] <= 19
    text = " ".join(report.findings)
    assert "Only the first 2 of 6 occurrences were probed" in text
    assert "Prefixes were cut at 16 tokens" in text


def test_a_long_document_never_seen_is_not_a_member(leaky_model: LeakyModel) -> None:
    """zlib and per-byte scores cover exactly the tokens scored (issue 19, item 2): text past
    the model's context used to inflate the zlib score of any long document."""
    import random

    from expunge.model.mia import infer_membership
    from expunge.model.scoring import membership_scores, token_stats

    lm = load_model(leaky_model.model)
    rng = random.Random(3)
    words = [
        "quiet",
        "market",
        "river",
        "stone",
        "garden",
        "paper",
        "light",
        "early",
        "bridge",
        "school",
    ]
    long_doc = " ".join(rng.choice(words) for _ in range(lm.context * 6))
    [stats] = token_stats(lm, [long_doc])
    assert 0 < len(stats.scored) < len(long_doc) // 3
    whole = membership_scores(long_doc, stats)["zlib"]
    [prefix_stats] = token_stats(lm, [stats.scored])
    prefix = membership_scores(stats.scored, prefix_stats)["zlib"]
    assert whole == pytest.approx(prefix, rel=0.1)
    non_members = read_texts(str(leaky_model.non_members), "--non-members")
    report = infer_membership(lm, [long_doc], non_members)
    for score in report.scores:
        if score.name in ("zlib", "zlib_carlini"):
            assert score.flagged == 0, score
