"""expunge unlearn on the micro model that memorised one person (tests/model_fixtures.py)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import run_cli
from model_fixtures import EMAIL, NAME, PHONE, LeakyModel

from expunge.errors import ExpungeError
from expunge.model.evaluate import marked_loss, measure, quantised
from expunge.model.forget_set import ForgetItem, load_forget_set
from expunge.model.load import load_model
from expunge.model.scoring import perplexity
from expunge.model.texts import read_texts
from expunge.model.unlearn import UnlearnSettings, unlearn
from expunge.subject import load_subject

pytestmark = pytest.mark.slow  # trains or loads torch models

# Stated bound: unlearning with a retain term may cost at most this factor of retain perplexity.
RETAIN_PPL_BOUND = 2.0


def covered(item: ForgetItem, value: str) -> bool:
    """Is every character of `value` (where it occurs in the text) inside a span?"""
    at = item.text.index(value)
    return all(any(s <= i < e for s, e in item.spans) for i in range(at, at + len(value)))


def _sets(leaky: LeakyModel) -> tuple[list[ForgetItem], list[str]]:
    subject = load_subject(leaky.subject)
    return load_forget_set(str(leaky.documents), subject), read_texts(str(leaky.retain), "r")


def test_forget_set_spans_cover_the_persons_data(leaky_model: LeakyModel) -> None:
    forget, _ = _sets(leaky_model)
    assert len(forget) == 3
    for item in forget:
        assert covered(item, EMAIL) and covered(item, NAME) and covered(item, PHONE)
        assert not covered(item, item.text[:5])  # the words around the data are not spans


def test_npo_retain_forgets_and_keeps_utility(leaky_model: LeakyModel) -> None:
    forget, retain = _sets(leaky_model)
    subject = load_subject(leaky_model.subject)
    lm = load_model(leaky_model.model)
    before = measure("before", lm, forget, retain, [], subject)
    run = unlearn(lm, forget, retain, UnlearnSettings("npo-retain", steps=30, lr=1e-3))
    after = measure("after", lm, forget, retain, [], subject)
    assert run.forget_texts == 3 and run.retain_blocks > 0
    assert before.extracted is not None and before.extracted >= 3
    assert after.extracted == 0
    assert after.forget_loss > before.forget_loss + 2.0  # likelihood fell by > e^2 per token
    assert before.retain_ppl is not None and after.retain_ppl is not None
    assert after.retain_ppl < RETAIN_PPL_BOUND * before.retain_ppl


def test_gradient_ascent_without_retain_destroys_utility(leaky_model: LeakyModel) -> None:
    # The failure the retain term exists to prevent: measured, so the contrast is real.
    forget, retain = _sets(leaky_model)
    lm = load_model(leaky_model.model)
    ppl_before = perplexity(lm, retain)
    unlearn(lm, forget, [], UnlearnSettings("ga", steps=30, lr=1e-3))
    assert perplexity(lm, retain) > 10 * ppl_before


def test_span_masked_unlearning_spares_the_rest_of_the_text(leaky_model: LeakyModel) -> None:
    forget, retain = _sets(leaky_model)
    rise = {}
    for only_spans in (False, True):
        lm = load_model(leaky_model.model)
        before = (marked_loss(lm, forget, "spans"), marked_loss(lm, forget, "context"))
        unlearn(lm, forget, retain, UnlearnSettings("npo-retain", steps=30, lr=1e-3,
                                                    only_spans=only_spans))  # fmt: skip
        after = (marked_loss(lm, forget, "spans"), marked_loss(lm, forget, "context"))
        rise[only_spans] = [a - b for a, b in zip(after, before, strict=True)]  # type: ignore[operator]
    spans_rise, context_rise = rise[True]
    assert spans_rise > 2.0  # the personal data is pushed down
    assert context_rise < rise[False][1]  # the words around it less than by whole-text NPO


def test_retain_methods_need_a_retain_set(leaky_model: LeakyModel) -> None:
    forget, _ = _sets(leaky_model)
    with pytest.raises(ExpungeError, match="needs a retain set"):
        unlearn(load_model(leaky_model.model), forget, [], UnlearnSettings("graddiff"))
    with pytest.raises(ExpungeError, match="no token of the forget set"):
        unlearn(load_model(leaky_model.model), [ForgetItem("just words", ())], [],
                UnlearnSettings("ga", only_spans=True))  # fmt: skip


def test_quantised_weights_take_few_values(leaky_model: LeakyModel) -> None:
    lm = load_model(leaky_model.model)
    q = quantised(lm, 4)
    weight = dict(q.model.named_parameters())["transformer.h.0.mlp.c_fc.weight"]
    assert all(len(set(row.tolist())) <= 15 for row in weight)  # 2*7+1 levels
    original = dict(lm.model.named_parameters())["transformer.h.0.mlp.c_fc.weight"]
    assert not original.equal(weight)


def test_cli_unlearn_saves_a_loadable_model(leaky_model: LeakyModel, tmp_path: Path) -> None:
    out = tmp_path / "unlearned"
    result = run_cli("unlearn", "--model", str(leaky_model.model), "--forget",
                     str(leaky_model.documents), "--retain", str(leaky_model.retain), "--subject",
                     str(leaky_model.subject), "--steps", "20", "--lr", "1e-3", "--out", str(out))  # fmt: skip
    assert result.code == 0, result.stderr
    assert "before" in result.stdout and "relearned" in result.stdout and "int4" in result.stdout
    data = json.loads((out / "unlearn.json").read_text())
    assert data["run"]["settings"]["method"] == "npo-retain"
    rows = {r["label"]: r for r in data["evaluation"]}
    assert rows["after"]["forget_loss"] > rows["before"]["forget_loss"]
    assert EMAIL not in (out / "unlearn.json").read_text()
    load_model(out)  # same format as the input


def test_cli_forget_set_from_a_find_report(leaky_model: LeakyModel, tmp_path: Path) -> None:
    dataset = tmp_path / "data"
    dataset.mkdir()
    shutil.copy(leaky_model.retain, dataset / "a.jsonl")
    shutil.copy(leaky_model.documents, dataset / "b.jsonl")
    report = tmp_path / "found"
    found = run_cli(
        "find", str(dataset), "--subject", str(leaky_model.subject), "--out", str(report)
    )
    assert found.code == 0, found.stderr
    items = load_forget_set(str(report), None)
    assert sorted(i.text for i in items) == sorted(read_texts(str(leaky_model.documents), "x"))
    assert all(covered(i, EMAIL) and covered(i, PHONE) for i in items)


def test_cli_unlearn_bad_inputs(leaky_model: LeakyModel, tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "x").write_text("x")
    base = ["unlearn", "--model", str(leaky_model.model)]
    cases = [
        (["unlearn"], "needs --model"),
        ([*base, "--forget", str(empty), "--out", str(tmp_path / "o1")], "holds no text"),
        ([*base, "--forget", str(leaky_model.documents), "--out", str(taken)], "not an empty"),
        ([*base, "--forget", str(leaky_model.documents), "--method", "magic", "--out",
          str(tmp_path / "o2")], "Invalid value for '--method'"),
        ([*base, "--forget", str(leaky_model.documents), "--method", "graddiff", "--out",
          str(tmp_path / "o3")], "needs a retain set"),
    ]  # fmt: skip
    for args, message in cases:
        result = run_cli(*args)
        assert result.code != 0 and message in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr
    assert not (tmp_path / "o1").exists() and not (tmp_path / "o3").exists()


def test_distinguishability_statistics() -> None:
    import numpy as np

    from expunge.model.compare import epsilons, ks_pvalue

    assert ks_pvalue([1, 2, 3, 4, 5], [1, 2, 3, 4, 5]) == 1.0
    assert ks_pvalue(list(range(20)), list(range(100, 120))) < 1e-6
    separated = epsilons(np.array([[0.0], [0.1], [0.2]]), np.array([[5.0], [5.1], [5.2]]))
    mixed = epsilons(np.array([[0.0], [5.1], [0.2]]), np.array([[5.0], [0.1], [5.2]]))
    assert separated[0] > mixed[0] > 0


def test_eval_against_a_retrained_model(leaky_model: LeakyModel, tmp_path: Path) -> None:
    from model_fixtures import filler

    from expunge.model.evaluate import evaluate
    from expunge.model.tiny import TrainSettings, train_tiny

    forget, retain = _sets(leaky_model)
    original = load_model(leaky_model.model)
    # the reference: trained from scratch on the retain texts only, same tokenizer
    import random

    train_tiny(retain + filler(random.Random(1), 10), tmp_path / "re", "micro",
               TrainSettings(epochs=40, batch=4), tokenizer=original.tokenizer)  # fmt: skip
    retrained = load_model(tmp_path / "re")
    after = load_model(leaky_model.model)
    unlearn(after, forget, retain, UnlearnSettings("npo-retain", steps=30, lr=1e-3))
    report = evaluate(original, after, forget, retain, retrained=retrained, robustness=False)
    labels = [r.label for r in report.rows]
    assert labels == ["before", "after", "retrained"]
    assert report.rows[2].extracted is None  # no profile given: no extraction probes
    # the memorised model is fully separable from the retrained one: with 3 examples each the
    # exact KS p of D = 1 is 2 / C(6, 3) = 0.1, the smallest there is (the asymptotic formula
    # said 0.07); unlearning moves the PII-token loss towards the reference
    assert report.forget_quality["before"] == pytest.approx(2 / 20)
    assert 0.0 <= report.forget_quality["after"] <= 1.0
    before, unlearned, reference = (r.forget_span_loss for r in report.rows)
    assert before is not None and unlearned is not None and reference is not None
    assert abs(unlearned - reference) < abs(before - reference)


def test_staged_output_is_whole_or_absent(tmp_path: Path) -> None:
    from expunge.atomic import staged_dir as staged

    out = tmp_path / "model"
    with pytest.raises(KeyboardInterrupt), staged(out) as staging:
        (staging / "weights").write_text("half")
        raise KeyboardInterrupt
    assert not out.exists() and list(tmp_path.iterdir()) == []
    with staged(out) as staging:
        (staging / "weights").write_text("whole")
    assert (out / "weights").read_text() == "whole" and list(tmp_path.iterdir()) == [out]


def test_ks_pvalue_is_exact_for_small_samples() -> None:
    """Against a brute-force count over every way of splitting n + m ranks into two samples
    (the null distribution of D): P(D >= d) for each observed split (issue 19, item 5)."""
    import itertools
    import math

    from expunge.model.compare import ks_pvalue, ks_statistic

    for n, m in ((4, 4), (5, 7), (6, 6)):
        values = list(range(n + m))
        splits = []
        for first in itertools.combinations(values, n):
            second = [v for v in values if v not in first]
            splits.append((list(first), second, ks_statistic(first, second)[2]))
        for first, second, d in splits[:: max(1, len(splits) // 40)]:
            at_least = sum(1 for *_, other in splits if other >= d)
            assert math.isclose(ks_pvalue(first, second), at_least / len(splits), rel_tol=1e-12)
    # n = m = 15, fully separated: only 2 of C(30, 15) arrangements are as extreme. The
    # asymptotic formula said 1.0e-7, 8x too large.
    assert math.isclose(ks_pvalue(range(15), range(100, 115)), 2 / math.comb(30, 15))


def test_relearning_uses_a_tenth_and_is_measured_on_the_rest() -> None:
    from expunge.model.evaluate import relearn_split

    items = [ForgetItem(f"text {i}", ()) for i in range(25)]
    used, rest = relearn_split(items, seed=3)
    assert len(used) == 3 and len(rest) == 22  # ceil(10% of 25)
    assert not {i.text for i in used} & {i.text for i in rest}
    assert relearn_split(items, seed=3) == (used, rest)
    one = [ForgetItem("only", ())]
    assert relearn_split(one) == (one, one)  # nothing held out: measured on the same text


def test_relearning_reproduces_dropout_included(leaky_model: LeakyModel) -> None:
    import torch

    from expunge.model.evaluate import relearned

    forget, _ = _sets(leaky_model)
    lm = load_model(leaky_model.model)
    assert lm.model.config.resid_pdrop > 0  # dropout is on while fine-tuning
    first = relearned(lm, forget[:1], steps=3, lr=1e-3, seed=5)
    torch.rand(7)  # whatever ran in between must not matter
    second = relearned(lm, forget[:1], steps=3, lr=1e-3, seed=5)
    other = relearned(lm, forget[:1], steps=3, lr=1e-3, seed=6)
    pairs = list(zip(first.model.parameters(), second.model.parameters(), strict=True))
    assert all(torch.equal(a, b) for a, b in pairs)
    assert not all(
        torch.equal(a, b)
        for a, b in zip(first.model.parameters(), other.model.parameters(), strict=True)
    )


def test_threads_default_to_the_free_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    import torch

    from expunge.model import deps

    monkeypatch.setattr(os, "sched_getaffinity", lambda _: {0, 1, 2, 3})
    monkeypatch.setattr(os, "getloadavg", lambda: (0.2, 0.0, 0.0))
    assert deps.default_threads() == 4
    monkeypatch.setattr(os, "getloadavg", lambda: (2.6, 0.0, 0.0))
    assert deps.default_threads() == 1  # 1.4 free cores: one thread, not two fighting others
    monkeypatch.setattr(os, "getloadavg", lambda: (9.0, 0.0, 0.0))
    assert deps.default_threads() == 1
    old = torch.get_num_threads()
    try:
        assert deps.use_threads(1) == 1 and torch.get_num_threads() == 1
        deps.need_torch()
        assert torch.get_num_threads() == 1
    finally:
        deps.use_threads(old)


def test_cli_model_commands_take_threads(leaky_model: LeakyModel, tmp_path: Path) -> None:
    result = run_cli("audit", "--model", str(leaky_model.model), "--subject",
                     str(leaky_model.subject), "--samples", "0", "--threads", "1",
                     "--out", str(tmp_path / "a"))  # fmt: skip
    assert result.code == 0, result.stderr
    assert json.loads((tmp_path / "a" / "audit.json").read_text())["threads"] == 1
    for command in (["unlearn"], ["unlearn", "eval"], ["train", "tiny"], ["demo", "model"],
                    ["train", "sisa"], ["unlearn", "sisa"], ["audit", "canaries"]):  # fmt: skip
        shown = run_cli(*command, "--help")
        assert "--threads" in shown.stdout, command
    bad = run_cli("unlearn", "--threads", "0", "--model", str(leaky_model.model))
    assert bad.code != 0 and "--threads" in bad.stderr
