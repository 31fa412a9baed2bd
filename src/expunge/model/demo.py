"""`expunge demo model`: the model side end to end on the demo dataset, on a CPU, in minutes.

Train a tiny GPT-2 on demo records with the planted person's records repeated, audit it,
unlearn the person with NPO + retain, audit again, and compare utility before and after.
"""

from __future__ import annotations

import json
import random
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from expunge.errors import ExpungeError
from expunge.find.matcher import SubjectMatcher
from expunge.model.texts import read_texts
from expunge.subject import SubjectProfile, load_subject

WINDOW = 120  # characters kept either side of the person's first identifier
OTHER_CHARS = 300  # characters kept of every other record
REPEATS = 10  # copies of each of the person's records in training: enough to be memorised


@dataclass
class DemoCorpus:
    train: list[str]
    person: list[str]  # the person's records as trained on (the forget set)
    retain: list[str]  # the other training records
    holdout: list[str]  # records never trained on


def build_corpus(
    dataset: Path, subject: SubjectProfile, others: int = 150, seed: int = 0
) -> DemoCorpus:
    texts = read_texts(str(dataset), "dataset")
    matcher = SubjectMatcher([subject])
    person, rest = [], []
    for text, found in zip(texts, matcher.match_batch(texts), strict=True):
        strong = [f for f in found if f.confidence == "strong" and f.type != "name"]
        if strong:
            at = strong[0].start
            person.append(" ".join(text[max(0, at - WINDOW) : at + WINDOW].split()))
        elif len(text) > 200:
            rest.append(" ".join(text[:OTHER_CHARS].split()))
    if not person:
        raise ExpungeError(f"{dataset}: the demo person is not in it", "regenerate the demo data")
    rng = random.Random(seed)
    rng.shuffle(rest)
    retain, holdout = rest[:others], rest[others : others + 100]
    return DemoCorpus(retain + person * REPEATS, person, retain, holdout)


def _jsonl(path: Path, texts: list[str]) -> None:
    path.write_text(
        "".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts), "utf-8"
    )


def run_model_demo(demo_data: Path, out: Path, say: Callable[[str], None]) -> None:
    from expunge.model.audit import run_audit
    from expunge.model.audit_html import render_audit
    from expunge.model.evaluate import evaluate, relearn_split
    from expunge.model.forget_set import detect_spans
    from expunge.model.generate import Sampling
    from expunge.model.load import load_model
    from expunge.model.tiny import TrainSettings, train_tiny, train_tokenizer
    from expunge.model.unlearn import UnlearnSettings, unlearn

    started = time.perf_counter()
    subject = load_subject(demo_data / "subject.toml")
    corpus = build_corpus(demo_data / "dataset", subject)
    out.mkdir(parents=True, exist_ok=True)
    for name, texts in (
        ("forget", corpus.person),
        ("retain", corpus.retain),
        ("holdout", corpus.holdout),
    ):
        _jsonl(out / f"{name}.jsonl", texts)
    say(
        f"1/4 training a tiny GPT-2 on {len(corpus.train)} texts: {len(corpus.retain)} demo records "
        f"and the demo person's {len(corpus.person)} records, each {REPEATS} times (the "
        "tokenizer is learnt from the other records only)"
    )
    model_dir = out / "model"
    shutil.rmtree(model_dir, ignore_errors=True)
    # The tokenizer is learnt without the person, so a model retrained without her is free of
    # her: one learnt with her would hold her identifiers as tokens (the audit reports them).
    train_tiny(corpus.train, model_dir, "tiny", TrainSettings(epochs=20, batch=8, lr=3e-3),
               tokenizer=train_tokenizer(corpus.retain))  # fmt: skip
    lm = load_model(model_dir)
    say(f"    {lm.parameters:,} parameters, {time.perf_counter() - started:.0f} s")
    sampling = Sampling(samples=5)
    before = run_audit(lm, subject, corpus.person, sampling=sampling)
    (out / "audit-before.html").write_text(render_audit(before), "utf-8")
    say(f"2/4 audit before unlearning: {before.verdict}")
    for line in before.findings:
        say(f"    • {line}")
    forget = detect_spans(corpus.person, subject)
    unlearned = load_model(model_dir)
    settings = UnlearnSettings("npo-retain", steps=60, lr=1e-3)
    run = unlearn(unlearned, forget, corpus.retain, settings)
    target = out / "unlearned"
    shutil.rmtree(target, ignore_errors=True)
    unlearned.model.save_pretrained(target)
    unlearned.tokenizer.save_pretrained(target)
    say(f"3/4 unlearned with NPO + retain in {run.seconds:.0f} s ({run.marked_tokens:,} tokens)")
    after = run_audit(unlearned, subject, corpus.person, sampling=sampling)
    (out / "audit-after.html").write_text(render_audit(after), "utf-8")
    say(f"4/4 audit after unlearning: {after.verdict}")
    for line in after.findings:
        say(f"    • {line}")
    report = evaluate(lm, unlearned, forget, corpus.retain, corpus.holdout, subject,
                      relearn_lr=settings.lr)  # fmt: skip
    from expunge.model.terminal import print_eval

    print_eval(report)
    rows = {row.label: row for row in report.rows}
    back, after_row = rows.get("relearned"), rows.get("after, held-out")
    if back is not None and after_row is not None and back.extracted is not None:
        used, rest = relearn_split(forget)
        verdict = (
            "suppressed, not removed"
            if back.extracted > (after_row.extracted or 0)
            else "they stay out"
        )
        say(
            f"10 fine-tuning steps on {len(used)} of the person's texts bring back {back.extracted} "
            f"of the {back.probed} identifiers in the other {len(rest)} texts (after unlearning: "
            f"{after_row.extracted}): {verdict}."
        )
    say(
        f"reports: {out / 'audit-before.html'}, {out / 'audit-after.html'}; "
        f"{time.perf_counter() - started:.0f} s in all"
    )
