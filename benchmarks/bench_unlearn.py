"""Approximate unlearning on the demo model: every method against retraining from scratch.

    python benchmarks/bench_unlearn.py [--seeds 3] [--steps 60] [--work DIR]

One process, variants one after another:
1. The demo corpus (`expunge.model.demo.build_corpus`): 150 demo records, the demo person's 15
   records 10 times each, 100 held-out records. The "tiny" GPT-2 (1,071,872 parameters)
   trained on it as in `expunge demo model` (seed 0) is the model to unlearn.
2. Reference: the same model retrained from scratch without the person's records, `--seeds`
   times (different seeds).
3. Each method (ga, graddiff, npo, npo-retain, npo-retain on personal-data tokens only) runs
   `--seeds` times from the same trained model (different unlearning seeds).
Per method: wall time of unlearning; forget efficacy (loss on the personal-data tokens,
identifiers extracted from the person's records); utility (retain and held-out perplexity);
over-unlearning (loss change on look-alikes: the person's records about a made-up person);
relearning (identifiers extracted from the other 90% after 10 steps on 10% of the forget
texts) and 4-bit weights; distinguishability from the retrained models: TOFU-style forget quality (KS p-value of
per-example losses, seed 0 vs seed 0) and the per-example epsilon of the best threshold attack
over all seeds (coarse with few models; the value for perfectly separable examples is given).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from _machine import machine_info

from expunge.demo.dataset import write_demo_dataset
from expunge.model.compare import epsilons, example_losses, ks_pvalue
from expunge.model.demo import build_corpus
from expunge.model.deps import use_threads
from expunge.model.evaluate import measure, quantised, relearn_split, relearned
from expunge.model.forget_set import detect_spans
from expunge.model.load import LocalModel, load_model
from expunge.model.tiny import TrainSettings, train_tiny, train_tokenizer
from expunge.model.unlearn import UnlearnSettings, unlearn
from expunge.subject import load_subject

METHODS = [("ga", False), ("graddiff", False), ("npo", False), ("npo-retain", False),
           ("npo-retain", True)]  # fmt: skip
TRAIN = TrainSettings(epochs=20, batch=8, lr=3e-3)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def row(label: str, lm: LocalModel, args: tuple, seconds: float, before_alike: float) -> dict:  # type: ignore[type-arg]
    forget, retain, holdout, subject = args
    m = measure(label, lm, forget, retain, holdout, subject)
    used, rest = relearn_split(forget)  # relearn on 10%, measure recovery on the rest
    re = measure(label, relearned(lm, used, lr=1e-3), rest, retain, holdout, subject)
    q4 = measure(label, quantised(lm, 4), forget, retain, holdout, subject)
    return {
        "method": label, "seconds": round(seconds, 1), "pii_loss": m.forget_span_loss,
        "context_loss": m.forget_context_loss, "extracted": m.extracted, "probed": m.probed,
        "retain_ppl": m.retain_ppl, "holdout_ppl": m.holdout_ppl,
        "alike_delta": round(m.lookalike_loss - before_alike, 3),
        "relearn_extracted": re.extracted, "relearn_probed": re.probed,
        "int4_extracted": q4.extracted,
    }  # fmt: skip


def run(seeds: int, steps: int, work: Path) -> dict:  # type: ignore[type-arg]
    data = work / "demo-data"
    if not (data / "subject.toml").exists():
        write_demo_dataset(data)
    subject = load_subject(data / "subject.toml")
    corpus = build_corpus(data / "dataset", subject)
    forget = detect_spans(corpus.person, subject)
    args = (forget, corpus.retain, corpus.holdout, subject)
    started = time.perf_counter()
    # the tokenizer is learnt without the person, as in the demo: the retrained reference must
    # not hold her identifiers as tokens
    train_tiny(corpus.train, work / "original", "tiny", TRAIN,
               tokenizer=train_tokenizer(corpus.retain))  # fmt: skip
    train_s = time.perf_counter() - started
    log(f"original trained in {train_s:.0f} s")
    original = load_model(work / "original")
    before = measure("before", original, *args)
    rows = [row("before (trained with the person)", original, args, 0.0, before.lookalike_loss)]
    retrained_losses, retrain_s = [], []
    for seed in range(seeds):
        t = time.perf_counter()
        train_tiny(corpus.retain, work / f"retrained-{seed}", "tiny",
                   TrainSettings(TRAIN.epochs, TRAIN.batch, TRAIN.lr, seed=seed),
                   tokenizer=original.tokenizer)  # fmt: skip
        retrain_s.append(time.perf_counter() - t)
        lm = load_model(work / f"retrained-{seed}")
        retrained_losses.append(example_losses(lm, forget))
        if seed == 0:
            rows.append(row("retrain from scratch (reference)", lm, args, retrain_s[0],
                            before.lookalike_loss))  # fmt: skip
        log(f"retrained seed {seed} in {retrain_s[-1]:.0f} s")
    ret = np.array(retrained_losses)
    eps_max = float(epsilons(np.array([[0.0]] * seeds), np.array([[1.0]] * seeds))[0])
    rows[1]["ks_p"] = ks_pvalue(ret[0], ret[0])
    for method, spans in METHODS:
        label = method + (" (PII tokens only)" if spans else "")
        losses, seconds = [], []
        for seed in range(seeds):
            lm = load_model(work / "original")
            result = unlearn(lm, forget, corpus.retain,
                             UnlearnSettings(method, steps=steps, lr=1e-3, only_spans=spans, seed=seed))  # fmt: skip
            seconds.append(result.seconds)
            losses.append(example_losses(lm, forget))
            if seed == 0:
                first = row(label, lm, args, result.seconds, before.lookalike_loss)
        unl = np.array(losses)
        first["seconds"] = round(float(np.mean(seconds)), 1)
        first["ks_p"] = ks_pvalue(unl[0], ret[0])
        eps = epsilons(unl, ret)
        first["eps_mean"] = round(float(eps.mean()), 2)
        first["separable"] = int(np.sum(eps >= eps_max - 1e-9))
        rows.append(first)
        log(f"{label}: {first}")
    return {
        "machine": machine_info(("torch", "transformers")),
        "seeds": seeds, "steps": steps, "train_s": round(train_s, 1),
        "forget_examples": len(forget), "eps_max": round(eps_max, 2), "rows": rows,
        "parameters": original.parameters,
    }  # fmt: skip


def ppl(value: float) -> str:
    return f"{value:.1f}" if value < 1e4 else f"{value:.1e}"


def table(res: dict) -> str:  # type: ignore[type-arg]
    m = res["machine"]
    lines = [
        (
            f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM, Python {m['python']}, "
            f"torch {m['packages']['torch']}, transformers {m['packages']['transformers']}."
        ),
        (
            f"Model: tiny GPT-2, {res['parameters']:,} parameters, trained in {res['train_s']} s. "
            f"{res['forget_examples']} forget examples; {res['seeds']} seeds per method; "
            f"{res['steps']} unlearning steps, lr 1e-3, batch 4."
        ),
        "",
        (
            "| method | s | PII loss ↑ | rest loss | extracted ↓ | retain ppl | held-out ppl | "
            "look-alike Δloss | after relearn ↓ | int4 ↓ | KS p (forget quality) | ε mean "
            f"(max {res['eps_max']}) | separable |"
        ),
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    n = res["forget_examples"]
    for r in res["rows"]:
        ext = f"{r['extracted']}/{r['probed']}"
        lines.append(
            f"| {r['method']} | {r['seconds']} | {r['pii_loss']:.2f} | {r['context_loss']:.2f} | "
            f"{ext} | {ppl(r['retain_ppl'])} | {ppl(r['holdout_ppl'])} | {r['alike_delta']:+.2f} | "
            f"{r['relearn_extracted']}/{r['relearn_probed']} | {r['int4_extracted']}/{r['probed']} | "
            f"{r['ks_p']:.3g} | {r.get('eps_mean', '—')} | "
            f"{str(r['separable']) + '/' + str(n) if 'separable' in r else '—'} |"
            if "ks_p" in r
            else f"| {r['method']} | — | {r['pii_loss']:.2f} | {r['context_loss']:.2f} | {ext} | "
            f"{ppl(r['retain_ppl'])} | {ppl(r['holdout_ppl'])} | {r['alike_delta']:+.2f} | "
            f"{r['relearn_extracted']}/{r['relearn_probed']} | {r['int4_extracted']}/{r['probed']} | — | — | — |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--work", type=Path)
    parser.add_argument("--threads", type=int, help="torch threads (default: the free cores)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--table-from", type=Path, help="print the table of a saved --json")
    args = parser.parse_args()
    if args.table_from:
        print(table(json.loads(args.table_from.read_text())))
        return
    res_threads = use_threads(args.threads)
    with tempfile.TemporaryDirectory() as tmp:
        res = run(args.seeds, args.steps, args.work or Path(tmp))
    res["threads"] = res_threads
    if args.json:
        args.json.write_text(json.dumps(res, indent=2))
    print(table(res))


if __name__ == "__main__":
    main()
