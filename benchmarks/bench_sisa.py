"""SISA exact unlearning: training time, per-request unlearning time and the accuracy cost of
sharding, on the "tiny" GPT-2 size.

    python benchmarks/bench_sisa.py [--docs 2000] [--requests 3] [--work DIR]

What it does, in one process, variants run one after another (never in parallel):

1. Generates a corpus of short documents (templated notes, weather lines, timetables, club
   news; 1-3 sentences each) and a held-out set from the same generator with another seed;
   learns one byte-level BPE tokenizer (2,048 tokens) from the training documents and gives it
   to every variant, so perplexities count the same tokens.
2. For S = 1 (one model: unlearning = retraining it, the reference), 4 and 8 shards, R = 4
   slices: `train_sisa` (timed), then `--requests` unlearning requests, each forgetting one
   random training record (the same records for every S), timed by `unlearn_sisa`.
3. Perplexity of the final ensemble (averaged shard probabilities) on the held-out set.

The speed-up is full training time / mean time per request, against the variant's own full
retrain and against the S = 1 training (retraining one model from scratch). "Ideal" is the
expected speed-up with free overheads: a random record sits in slice k (uniform), and retraining
slices k..R costs sum(r = k..R) r / sum(r = 1..R) r of its shard's training, so for R = 4 a
request costs 0.75 / S of a full training.

The "tiny" size has 1,071,872 parameters per shard model with the 2,048-token vocabulary.
torch runs one thread (`--threads`): on a 2-core machine shared with other work, two OpenMP
threads spin against the other processes and ran the same steps many times slower.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _machine import machine_info

_NAMES = ["Ada", "Bram", "Cleo", "Dev", "Esme", "Farid", "Greta", "Hugo", "Ines", "Jonas",
          "Kemal", "Lotte", "Mira", "Nils", "Oona", "Pavel", "Quinn", "Rosa", "Sami", "Tove"]  # fmt: skip
_CITIES = ["Leeds", "Ghent", "Porto", "Turku", "Brno", "Cork", "Lyon", "Graz", "Bergen", "Split"]
_ADJ = ["quiet", "busy", "small", "old", "green", "bright", "long", "cold", "early", "late",
        "narrow", "wide", "new", "empty", "crowded", "dark"]  # fmt: skip
_NOUN = ["market", "garden", "river", "station", "library", "bridge", "harbour", "school",
         "bakery", "museum", "square", "theatre", "park", "clinic", "pool", "hall"]  # fmt: skip
_VERB = ["opened", "closed", "moved", "reopened", "stayed open", "was repaired", "was painted",
         "was crowded", "was quiet", "hosted a fair"]  # fmt: skip
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_WEATHER = ["sunny", "cloudy", "rainy", "windy", "foggy", "snowy", "mild", "stormy"]
_WIND = ["north", "south", "east", "west", "north-west", "south-east"]


def _sentence(rng: random.Random) -> str:
    kind = rng.randrange(5)
    city, day = rng.choice(_CITIES), rng.choice(_DAYS)
    if kind == 0:
        return f"The {rng.choice(_ADJ)} {rng.choice(_NOUN)} in {city} {rng.choice(_VERB)} on {day}."
    if kind == 1:
        temp = rng.randint(-5, 30)
        return (f"Weather for {city} on {day}: {rng.choice(_WEATHER)}, {temp} degrees, wind "
                f"from the {rng.choice(_WIND)}.")  # fmt: skip
    if kind == 2:
        hour, minute = rng.randint(5, 22), rng.choice(["00", "15", "30", "45"])
        return f"The train to {city} leaves at {hour}:{minute} from platform {rng.randint(1, 9)}."
    if kind == 3:
        return (f"{rng.choice(_NAMES)} from {city} will lead the {rng.choice(_ADJ)} walk to the "
                f"{rng.choice(_NOUN)} on {day}.")  # fmt: skip
    return f"{rng.choice(_NAMES)} said the {rng.choice(_NOUN)} was {rng.choice(_ADJ)} again."


def documents(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [f"Note {seed}-{i}. " + " ".join(_sentence(rng) for _ in range(rng.randint(1, 3)))
            for i in range(count)]  # fmt: skip


def updates_per_model(out: Path, tokenizer: Any, block: int, batch: int) -> float:
    """Optimizer steps a shard model takes in all, as `_train_shard` counts them (mean over
    shards): the accuracy cost of sharding at equal epochs is mostly fewer updates per model."""
    import math

    from expunge.model.sisa_store import open_sisa, read_slice
    from expunge.model.tiny import pack

    manifest = open_sisa(out)
    per_slice = manifest.training["epochs_per_slice"]
    counts = []
    for state in manifest.shard_state:
        union: list[str] = []
        total = 0
        for r in range(1, manifest.slices + 1):
            union += read_slice(out / state.dir / f"slice-{r:02d}.jsonl")
            blocks = len(pack(tokenizer, union, block))
            total += max(1, round(math.ceil(blocks / batch) * per_slice))
        counts.append(total)
    return statistics.mean(counts)


def run(args: argparse.Namespace) -> dict[str, Any]:
    import torch

    from expunge.model.sisa import SisaEnsemble, train_sisa, unlearn_sisa
    from expunge.model.tiny import MODEL_SIZES, TrainSettings, new_model, train_tokenizer

    torch.set_num_threads(args.threads)
    work = Path(args.work or tempfile.mkdtemp(prefix="bench-sisa-"))
    work.mkdir(parents=True, exist_ok=True)
    train, held_out = documents(args.docs, 1), documents(args.held_out, 2)
    began = time.perf_counter()
    tokenizer = train_tokenizer(train)
    tokenizer_seconds = time.perf_counter() - began
    tokenizer.save_pretrained(work / "tokenizer")
    params = sum(p.numel() for p in new_model(tokenizer, args.size).parameters())
    forget = random.Random(3).sample(train, args.requests)
    settings = TrainSettings(epochs=args.epochs, batch=16, seed=0)
    rows: list[dict[str, Any]] = []
    for shards in args.shards:
        out = work / f"sisa-S{shards}"
        began = time.perf_counter()
        manifest = train_sisa(train, out, shards, args.slices, args.size, settings,
                              work / "tokenizer", key=bytes(32))  # fmt: skip
        wall = time.perf_counter() - began
        block = MODEL_SIZES[args.size]["n_positions"]
        updates = updates_per_model(out, tokenizer, block, settings.batch)
        requests = []
        for text in forget:
            result = unlearn_sisa(out, [text])
            requests.append({"seconds": result.seconds, "retrained": result.retrained,
                             "full_seconds": result.full_seconds})  # fmt: skip
            print(f"  S={shards}: {result.summary()}", file=sys.stderr)
        ppl = SisaEnsemble(out).perplexity(held_out)
        full = manifest.full_train_seconds()  # sum of the slice steps' recorded times
        rows.append({"shards": shards, "train_wall": wall, "full_train": full,
                     "unlearn": statistics.mean(r["seconds"] for r in requests),
                     "requests": requests, "perplexity": ppl, "updates": updates})  # fmt: skip
        print(f"S={shards}: trained in {wall:.1f} s, perplexity {ppl:.2f}", file=sys.stderr)
    base = rows[0]
    for row in rows:
        row["speedup_own"] = row["full_train"] / row["unlearn"]
        row["speedup_scratch"] = base["full_train"] / row["unlearn"]
    r = args.slices
    ideal_fraction = sum(sum(range(k, r + 1)) for k in range(1, r + 1)) / r / sum(range(1, r + 1))
    return {
        "machine": machine_info(("torch", "transformers", "tokenizers")),
        "work": str(work),
        "threads": args.threads,
        "size": args.size,
        "model": MODEL_SIZES[args.size],
        "parameters": params,
        "vocab": len(tokenizer),
        "docs": args.docs,
        "held_out": args.held_out,
        "train_tokens": sum(len(tokenizer(t)["input_ids"]) + 1 for t in train),
        "tokenizer_seconds": tokenizer_seconds,
        "epochs": args.epochs,
        "slices": r,
        "ideal_fraction": ideal_fraction,
        "rows": rows,
    }


def table(res: dict[str, Any]) -> str:
    m = res["machine"]
    lines = [
        (
            f"Machine: {m['cpu']}, {m['cores']} cores ({m['usable_cores']} usable), {m['ram_gb']} GB "
            f"RAM, Python {m['python']}, torch {m['packages']['torch']}, transformers "
            f"{m['packages']['transformers']}; torch threads: {res['threads']}; variants run "
            "sequentially on a machine shared with other work, so timings are noisy."
        ),
        "",
        (
            f"Model: `{res['size']}` GPT-2 ({res['model']['n_layer']} layers, {res['model']['n_embd']}"
            f"-dim), {res['parameters']:,} parameters per shard model (vocabulary {res['vocab']:,}); "
            f"{res['docs']:,} training documents ({res['train_tokens']:,} tokens), "
            f"{res['held_out']} held-out; {res['epochs']:g} epochs; R = {res['slices']}; "
            f"{len(res['rows'][0]['requests'])} requests per S, one random record each."
        ),
        "",
        (
            "| S | full training (s) | unlearn / request (s) | speed-up vs own full retrain | "
            "speed-up vs S=1 (retrain from scratch) | ideal | updates per model | "
            "held-out perplexity |"
        ),
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    base_ppl = res["rows"][0]["perplexity"]
    for row in res["rows"]:
        ideal = row["shards"] / res["ideal_fraction"]
        change = (row["perplexity"] / base_ppl - 1) * 100
        ppl = f"{row['perplexity']:.2f}" + (f" ({change:+.1f}%)" if row["shards"] > 1 else "")
        lines.append(
            f"| {row['shards']} | {row['full_train']:.1f} | {row['unlearn']:.1f} | "
            f"{row['speedup_own']:.2f}x | {row['speedup_scratch']:.2f}x | {ideal:.2f}x | "
            f"{row['updates']:.0f} | {ppl} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--held-out", type=int, default=200)
    parser.add_argument("--requests", type=int, default=3)
    parser.add_argument(
        "--shards", type=lambda s: [int(x) for x in s.split(",")], default=[1, 4, 8]
    )
    parser.add_argument("--slices", type=int, default=4)
    parser.add_argument("--epochs", type=float, default=3.0)
    parser.add_argument("--size", default="tiny")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--work", help="Directory for the SISA directories (default: a temp dir).")
    parser.add_argument("--json", type=Path, help="Also write the results here.")
    args = parser.parse_args()
    if args.shards[0] != 1:
        parser.error("--shards must start with 1: the single model is the reference")
    res = run(args)
    if args.work is None:
        shutil.rmtree(res["work"], ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(res, indent=1, default=str) + "\n", "utf-8")
    print(table(res))


if __name__ == "__main__":
    main()
