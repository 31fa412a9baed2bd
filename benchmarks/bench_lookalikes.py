"""Membership calibration on models that never saw the person: look-alikes vs other texts.

    python benchmarks/bench_lookalikes.py [--real bench-data/real-model/base] [--people 12]
                                          [--threads 1] [--json FILE]

A membership test that flags people a model never saw is worse than none. For `--people`
fictional people drawn with Faker from several countries (never trained on by either model),
each with 15 documents written from the demo person's documents (her values swapped for
theirs), the audit's two membership tests are run: the default look-alike calibration
(`audit.lookalike_membership`) and, beside it, other demo records as non-members (the
calibration used before). Reported per
model: the loss AUC "their documents vs these texts" (0.5 = chance), the share of people
whose verdict says "remembers" (false positives, wanted: about 5 % or less), and the same for
the demo person on the model trained with her (the true positive).

Models: the tiny GPT-2 of `expunge demo model` (trained here, with the demo person) and, with
`--real`, a real pretrained model directory (e.g. SmolLM2-135M saved by
bench_real_model.py), which never saw any of them.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
import unicodedata
from pathlib import Path
from typing import Any

from _machine import machine_info

from expunge.model.deps import use_threads
from expunge.model.mia import SIGNAL_LEVEL

LOCALES = ("en_GB", "en_US", "de_DE", "fr_FR", "es_ES", "it_IT", "pl_PL", "nl_NL", "sv_SE",
           "pt_BR", "tr_TR", "cs_CZ")  # fmt: skip


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def ascii_user(text: str) -> str:
    """A user name as people write them: lower case, ASCII letters."""
    text = text.lower().translate(str.maketrans({"ł": "l", "ø": "o", "ß": "ss", "đ": "d",
                                                 "ı": "i", "æ": "ae", " ": "", "'": ""}))  # fmt: skip
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def strangers(count: int, seed: int) -> list[dict[str, str]]:
    from faker import Faker

    out = []
    for i in range(count):
        locale = LOCALES[i % len(LOCALES)]
        fake = Faker(locale)
        fake.seed_instance(seed + i)
        first, last = fake.first_name(), fake.last_name()
        user = ascii_user(f"{first}.{last}")
        out.append({"locale": locale, "country": locale[-2:].lower(), "name": f"{first} {last}",
                    "email": f"{user}@example.org", "handle": f"@{user.replace('.', '_')[:15]}",
                    "phone": fake.phone_number(),
                    "profile": f"https://www.instagram.com/{user.replace('.', '_')[:15]}"})  # fmt: skip
    return out


def swapped(docs: list[str], found: list[list[Any]], person: dict[str, str]) -> list[str]:
    """The demo person's documents with each of her values replaced by `person`'s."""
    by_type = {"email": "email", "phone": "phone", "handle": "handle", "name": "name",
               "profile": "profile"}  # fmt: skip
    out = []
    for text, hits in zip(docs, found, strict=True):
        for f in sorted(hits, key=lambda f: -f.start):
            kind = by_type.get(f.type)
            if kind:
                text = text[: f.start] + person[kind] + text[f.end :]
        out.append(text)
    return out


def load_profile(path: Path, person: dict[str, str]) -> Any:
    """The person's profile; without the phone when Faker wrote one its country's plan rejects."""
    from expunge.errors import ExpungeError
    from expunge.subject import load_subject

    lines = [f"names = [{json.dumps(person['name'])}]", f"emails = [{json.dumps(person['email'])}]",
             f"handles = [{json.dumps(person['handle'])}]",
             f"urls = [{json.dumps(person['profile'])}]",
             f"country = {json.dumps(person['country'])}",
             f"region = {json.dumps(person['country'].upper())}"]  # fmt: skip
    for phone in ([f"phones = [{json.dumps(person['phone'])}]"], []):
        path.write_text("\n".join(lines + phone) + "\n", "utf-8")
        try:
            return load_subject(path)
        except ExpungeError:
            continue
    raise SystemExit(f"{path}: profile rejected")


def audit_people(lm: Any, label: str, base_docs: list[str], base_found: list[list[Any]],
                 people: list[dict[str, str]], non_members: list[str], work: Path) -> dict[str, Any]:  # fmt: skip
    """The audit's two membership tests for each person (probes and extraction are left out:
    they do not decide this and take minutes per person on a real model)."""
    from expunge.model.audit import lookalike_membership
    from expunge.model.mia import infer_membership

    rows = []
    for i, person in enumerate(people):
        subject = load_profile(work / f"p{i}.toml", person)
        docs = swapped(base_docs, base_found, person)
        started = time.perf_counter()
        alike = lookalike_membership(lm, subject, docs)
        others = infer_membership(lm, docs, non_members)
        assert alike is not None and alike.primary and others.primary
        rows.append({
            "locale": person["locale"],
            "lookalike_auc": alike.primary.auc_documents,
            "lookalike_rank": alike.primary.rank,
            "lookalike_signal": alike.signal(),
            "nonmember_auc": others.primary.auc_documents,
            "nonmember_signal": others.signal(),
            "seconds": round(time.perf_counter() - started, 1),
        })  # fmt: skip
        log(f"{label} {person['locale']}: {rows[-1]}")
    return {"model": label, "people": rows}


def summary(res: dict[str, Any]) -> dict[str, Any]:
    rows = res["people"]

    def share(key: str) -> float:
        if key == "lookalike_signal":  # the library's rule, from the rank of 40 sets
            return sum(r["lookalike_rank"] / 40 < SIGNAL_LEVEL for r in rows) / len(rows)
        return sum(r[key] == "higher" for r in rows) / len(rows)

    return {
        "model": res["model"],
        "people": len(rows),
        "lookalike_auc_median": round(statistics.median(r["lookalike_auc"] for r in rows), 2),
        "lookalike_auc_range": [
            round(min(r["lookalike_auc"] for r in rows), 2),
            round(max(r["lookalike_auc"] for r in rows), 2),
        ],
        "lookalike_flagged": share("lookalike_signal"),
        "nonmember_auc_median": round(statistics.median(r["nonmember_auc"] for r in rows), 2),
        "nonmember_auc_range": [
            round(min(r["nonmember_auc"] for r in rows), 2),
            round(max(r["nonmember_auc"] for r in rows), 2),
        ],
        "nonmember_flagged": share("nonmember_signal"),
        "remembers_verdicts": sum(r["lookalike_rank"] / 40 < SIGNAL_LEVEL for r in rows),
        # (the audit's verdict rests on the look-alike test, so it says "remembers" exactly then)
        "seconds_per_person": round(statistics.mean(r["seconds"] for r in rows), 1),
    }


def run(people_count: int, real: Path | None, work: Path) -> dict[str, Any]:
    from expunge.demo.dataset import write_demo_dataset
    from expunge.find.matcher import SubjectMatcher
    from expunge.model.audit import lookalike_membership
    from expunge.model.demo import build_corpus
    from expunge.model.load import load_model
    from expunge.model.tiny import TrainSettings, train_tiny, train_tokenizer
    from expunge.subject import load_subject

    data = work / "demo-data"
    if not (data / "subject.toml").exists():
        write_demo_dataset(data)
    subject = load_subject(data / "subject.toml")
    corpus = build_corpus(data / "dataset", subject)
    found = SubjectMatcher([subject]).match_batch(corpus.person)
    people = strangers(people_count, seed=11)
    tiny_dir = work / "tiny"
    if not (tiny_dir / "config.json").exists():
        started = time.perf_counter()
        train_tiny(corpus.train, tiny_dir, "tiny", TrainSettings(epochs=20, batch=8, lr=3e-3),
                   tokenizer=train_tokenizer(corpus.retain))  # fmt: skip
        log(f"tiny model trained in {time.perf_counter() - started:.0f} s")
    results = []
    models = [("tiny GPT-2 (demo, trained with the demo person)", tiny_dir)]
    if real is not None:
        models.append((f"{real.name} (real pretrained, never saw anyone here)", real))
    for label, path in models:
        lm = load_model(path)
        res = audit_people(lm, label, corpus.person, found, people, corpus.holdout, work)
        own = lookalike_membership(lm, subject, corpus.person)
        assert own is not None and own.primary is not None
        res["demo_person"] = {"lookalike_rank": own.primary.rank,
                              "lookalike_auc": own.primary.auc_documents,
                              "lookalike_signal": own.signal()}  # fmt: skip
        res["summary"] = summary(res)
        results.append(res)
    return {"machine": machine_info(("torch", "transformers", "faker")), "models": results}


def table(res: dict[str, Any]) -> str:
    m = res["machine"]
    lines = [
        (
            f"Machine: {m['cpu']}, {m['cores']} cores, Python {m['python']}, torch "
            f"{m['packages']['torch']}."
        ),
        "",
        (
            "| model | people never seen | loss AUC vs look-alikes: median (range) | flagged by "
            "look-alikes | loss AUC vs other records: median (range) | flagged by other records "
            "| 'remembers' verdicts | demo person: look-alike rank of 40 | s per person |"
        ),
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in res["models"]:
        s, own = r["summary"], r["demo_person"]
        lines.append(
            f"| {r['model']} | {s['people']} | {s['lookalike_auc_median']} "
            f"({s['lookalike_auc_range'][0]}–{s['lookalike_auc_range'][1]}) | "
            f"{s['lookalike_flagged']:.0%} | {s['nonmember_auc_median']} "
            f"({s['nonmember_auc_range'][0]}–{s['nonmember_auc_range'][1]}) | "
            f"{s['nonmember_flagged']:.0%} | {s['remembers_verdicts']} | "
            f"{own['lookalike_rank']} (AUC {own['lookalike_auc']:.2f}) | {s['seconds_per_person']} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=12)
    parser.add_argument("--real", type=Path, help="a real pretrained model directory")
    parser.add_argument("--work", type=Path)
    parser.add_argument("--threads", type=int)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--table-from", type=Path, help="print the table of a saved --json")
    args = parser.parse_args()
    if args.table_from:
        res = json.loads(args.table_from.read_text())
        for model in res["models"]:
            model["summary"] = summary(model)
        print(table(res))
        return
    use_threads(args.threads)
    random.seed(0)
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        res = run(args.people, args.real, work)
    if args.json:
        args.json.write_text(json.dumps(res, indent=2))
    print(table(res))


if __name__ == "__main__":
    main()
