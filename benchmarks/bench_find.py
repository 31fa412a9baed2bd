"""Time `expunge find` for one subject and for 10,000 subjects against the JSON read ceiling.

    python benchmarks/bench_find.py --corpus bench-data/corpus --work bench-data/find

The issue's acceptance: on a >= 200 MB corpus, `expunge find --subjects` with 10,000
generated subjects and `--workers 1` reaches at least 50% of the single-core read+parse
ceiling (stdlib `json` over the same files, measured in the same run); `find` with one subject
is reported too. In one run, on this machine:

1. Input: a directory of hard links to the corpus's data shards (`shard-*.jsonl`) plus one
   small shard of planted records: the demo's fictional person (`expunge.demo.SUBJECT`, her
   email and name) and, for a few of the generated subjects, one record each naming them by
   a phone written nationally, an email with a '+tag' (Gmail: without dots), a profile URL.
   `--subjects N` people are generated deterministically with Faker (`generate_subjects`):
   names from 14 locales (accents included, some middle names and nicknames), one or two
   emails (a third at gmail.com), a valid mobile number of their region written as E.164,
   international or national, sometimes a handle and a profile URL.
2. Ceilings: read every shard line by line and parse it with stdlib `json.loads` (the
   acceptance's reference), and with `orjson.loads`, touching the text field.
3. Timed subprocesses (page cache warm, median of --repeat): `expunge find --subject ONE`
   and `expunge find --subjects FILE`, both `--workers 1 -q --out DIR`; the same commands on
   a one-record dataset give the fixed cost (start, loading profiles, compiling databases),
   so the rate of the pass itself is bytes / (wall - fixed). With `--cache` also the 10k
   run with EXPUNGE_CACHE_DIR set (compiled databases loaded from disk, after one run that
   writes them).
4. A child process times the setup steps apart: loading the profiles, building the literal
   plan, compiling the databases.
5. Checks: every planted record is found with strong evidence for the right subject.

MB/s are file bytes / wall seconds. Prints a Markdown section and writes `<work>/results.json`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _machine import expunge_bin
from _machine import machine_info as shared_machine_info

# --------------------------------------------------------------------------------------------
# Subjects
# --------------------------------------------------------------------------------------------

# (Faker locale, phone region): Latin-script names, accents included.
LOCALES = (
    ("en_US", "US"), ("en_GB", "GB"), ("de_DE", "DE"), ("fr_FR", "FR"), ("pt_PT", "PT"),
    ("es_ES", "ES"), ("it_IT", "IT"), ("pl_PL", "PL"), ("nl_NL", "NL"), ("pt_BR", "BR"),
    ("es_MX", "MX"), ("en_AU", "AU"), ("en_IN", "IN"), ("en_CA", "CA"),
)  # fmt: skip
PROFILE_SITES = ("https://x.com/{}", "https://twitter.com/{}", "https://www.instagram.com/{}/",
                 "https://github.com/{}", "https://www.linkedin.com/in/{}")  # fmt: skip
MAIL_DOMAINS = ("example.com", "example.org", "mail.example.net", "post.example.de")
PLANTED_EVERY = 500  # one generated subject in this many gets a planted record


def _phone(rng: random.Random, region: str) -> Any:
    import phonenumbers

    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    digits = str(example.national_number)
    while True:
        tail = "".join(rng.choice("0123456789") for _ in range(6))
        number = phonenumbers.parse(f"+{example.country_code}{digits[:-6]}{tail}", None)
        if phonenumbers.is_valid_number(number):
            return number


def _user(fake: Any, rng: random.Random, first: str, last: str) -> str:
    base = rng.choice((f"{first}.{last}", f"{first[0]}{last}", f"{first}{last}", fake.user_name()))
    base = re.sub(r"[^a-z0-9.]", "", base.lower().encode("ascii", "ignore").decode())
    return (base.strip(".") or "user") + str(rng.randrange(100))


def generate_subjects(n: int, seed: int = 7) -> list[dict[str, Any]]:
    """n subject profiles (the JSON objects `--subjects` reads), the same for the same seed."""
    import phonenumbers
    from faker import Faker

    formats = (phonenumbers.PhoneNumberFormat.E164, phonenumbers.PhoneNumberFormat.INTERNATIONAL,
               phonenumbers.PhoneNumberFormat.NATIONAL)  # fmt: skip
    rng = random.Random(seed)
    fakers = {loc: Faker(loc) for loc, _ in LOCALES}
    for i, fake in enumerate(fakers.values()):
        fake.seed_instance(seed * 1000 + i)
    out: list[dict[str, Any]] = []
    for i in range(n):
        locale, region = LOCALES[i % len(LOCALES)]
        fake = fakers[locale]
        first, last = fake.first_name(), fake.last_name()
        person: dict[str, Any] = {"id": f"s{i:05d}", "names": [f"{first} {last}"], "region": region}
        if rng.random() < 0.2:
            person["names"].append(f"{first} {fake.first_name()} {last}")
        if rng.random() < 0.1:
            person["nicknames"] = [f"{first[:3]} {last}"]
        user = _user(fake, rng, first, last)
        emails = []
        for k in range(rng.choice((1, 1, 2))):
            if rng.random() < 0.33:
                emails.append(f"{user}{k or ''}@gmail.com")
            else:
                emails.append(f"{user.replace('.', '_')}{k or ''}@{rng.choice(MAIL_DOMAINS)}")
        person["emails"] = emails
        person["phones"] = [phonenumbers.format_number(_phone(rng, region), rng.choice(formats))]
        handle = user.replace(".", "_")[:15]
        if rng.random() < 0.3:
            person["handles"] = ["@" + handle]
        if rng.random() < 0.4:
            site = rng.choice(PROFILE_SITES)
            # GitHub user names have no '_'.
            person["urls"] = [site.format(handle.replace("_", "-") if "github" in site else handle)]
        out.append(person)
    return out


def planted_records(subjects: list[dict[str, Any]]) -> list[tuple[str, dict[str, str]]]:
    """(subject id, record) pairs: the demo person, and a few generated subjects each named
    by one identifier written differently from their profile."""
    import phonenumbers

    from expunge.demo import SUBJECT

    out = [
        ("demo", {"id": f"demo-{k}", "text": f"Speakers\n\n{SUBJECT.names[0]} (Berlin) talks "
                  f"about film photography. Contact: {SUBJECT.emails[0]}\n\nTickets at the door."})
        for k in range(3)
    ]  # fmt: skip
    for i in range(0, len(subjects), PLANTED_EVERY):
        person = subjects[i]
        kind = (i // PLANTED_EVERY) % 3
        if kind == 0:
            # National writing where the default --phone-region (US) reads it; elsewhere the
            # 00 international prefix with dots (a national number needs its region hint).
            number = phonenumbers.parse(person["phones"][0], person["region"])
            if person["region"] in ("US", "CA"):
                style = phonenumbers.PhoneNumberFormat.NATIONAL
                written = phonenumbers.format_number(number, style)
            else:
                style = phonenumbers.PhoneNumberFormat.INTERNATIONAL
                written = "00" + phonenumbers.format_number(number, style)[1:].replace(" ", ".")
            text = f"Questions? Call {written} between 9 and 5."
        elif kind == 1:
            local, domain = person["emails"][0].split("@")
            local = local.replace(".", "") if domain == "gmail.com" else local.upper()
            text = f"Newsletter sign-up by {local}+news@{domain} confirmed."
        else:
            text = f"Met {person['names'][0].upper()} at the fair, {person['emails'][-1]}."
        out.append((person["id"], {"id": f"planted-{i}", "text": text}))
    return out


# --------------------------------------------------------------------------------------------
# Input and ceilings
# --------------------------------------------------------------------------------------------


def build_input(corpus: Path, work: Path, n_subjects: int, seed: int) -> dict[str, Any]:
    from expunge.demo import subject_toml

    sources = sorted(corpus.glob("shard-*.jsonl"))
    if not sources:
        sys.exit(f"no {corpus}/shard-*.jsonl: run python benchmarks/make_corpus.py --out {corpus}")
    data = work / "dataset"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    for src in sources:
        try:
            os.link(src, data / src.name)
        except OSError:
            (data / src.name).symlink_to(src.resolve())
    subjects = generate_subjects(n_subjects, seed)
    (work / "subjects.jsonl").write_text(
        "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in subjects), "utf-8"
    )
    (work / "one.toml").write_text(subject_toml(), "utf-8")
    plants = planted_records(subjects)
    (data / "zz-planted.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for _, r in plants), "utf-8"
    )
    tiny = work / "tiny"
    shutil.rmtree(tiny, ignore_errors=True)
    tiny.mkdir()
    # One non-ASCII record, so that every database gets compiled.
    (tiny / "one.jsonl").write_text('{"text": "nothing to see at the café"}\n')
    files = sorted(data.glob("*.jsonl"))
    return {
        "source": str(corpus),
        "shards": len(files),
        "file_bytes": sum(p.stat().st_size for p in files),
        "subjects": n_subjects,
        "seed": seed,
        "planted": [(sid, "zz-planted.jsonl", row) for row, (sid, _) in enumerate(plants)],
    }


def ceiling(files: list[Path], loads: Callable[[bytes], Any]) -> float:
    t0 = time.perf_counter()
    n = 0
    for path in files:
        with path.open("rb") as fh:
            for line in fh:
                n += len(loads(line)["text"]) > 0
    return time.perf_counter() - t0


# --------------------------------------------------------------------------------------------
# Timed runs
# --------------------------------------------------------------------------------------------


def timed(cmd: list[str], env: dict[str, str] | None = None) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stdout}\n{proc.stderr}")
    return wall


def median_of(n: int, run: Callable[[], float]) -> tuple[float, list[float]]:
    walls = [run() for _ in range(n)]
    return statistics.median(walls), walls


def setup_child(subjects: str) -> None:
    """Child process: time loading profiles, the literal plan and the compiles; print JSON."""
    t0 = time.perf_counter()
    from expunge.find.literals import build_plan
    from expunge.find.matcher import SubjectMatcher
    from expunge.subject import load_subject, load_subjects_jsonl

    t1 = time.perf_counter()
    path = Path(subjects)
    profiles = [load_subject(path)] if path.suffix == ".toml" else load_subjects_jsonl(path)
    t2 = time.perf_counter()
    plan = build_plan(profiles)
    t3 = time.perf_counter()
    matcher = SubjectMatcher(profiles)  # plan again + ASCII literal and shape databases
    t4 = time.perf_counter()
    if matcher._wide is not None:  # accented forms: compiled when a non-ASCII record shows up
        matcher._wide.db  # noqa: B018
    t5 = time.perf_counter()
    print(json.dumps({
        "import_s": t1 - t0, "load_s": t2 - t1, "plan_s": t3 - t2,
        "compile_s": (t4 - t3) - (t3 - t2) + (t5 - t4), "accented_compile_s": t5 - t4,
        "literals": len(plan.literals), "regex_patterns": len(plan.patterns),
        "phone_tails": sum(len(v) for v in plan.tails.values()),
    }))  # fmt: skip


def run_all(args: argparse.Namespace, inp: dict[str, Any], runs: Path) -> dict[str, Any]:
    exe, work = expunge_bin(), args.work
    data, tiny = str(work / "dataset"), str(work / "tiny")
    files = sorted((work / "dataset").glob("*.jsonl"))
    res: dict[str, Any] = {}

    print("ceilings (stdlib json, orjson) ...", file=sys.stderr)
    import orjson

    for p in files:  # warm the page cache
        p.read_bytes()
    res["ceiling"] = {
        name: {"seconds": s, "mb_s": inp["file_bytes"] / 1e6 / s}
        for name, s in (
            ("json", min(ceiling(files, json.loads) for _ in range(args.repeat))),
            ("orjson", min(ceiling(files, orjson.loads) for _ in range(args.repeat))),
        )
    }

    variants = [
        ("one", ["--subject", str(work / "one.toml")], None),
        (f"{inp['subjects']}", ["--subjects", str(work / "subjects.jsonl")], None),
    ]
    if args.cache:
        cache = runs / "hs-cache"
        env = dict(os.environ, EXPUNGE_CACHE_DIR=str(cache))
        variants.append((f"{inp['subjects']}, cached DB", variants[1][1], env))
    for label, subject_args, env in variants:
        print(f"timing expunge find ({label}) ...", file=sys.stderr)
        out = runs / "out"

        def run(
            dataset: str, args_: list[str] = subject_args, env_: Any = env, out: Path = out
        ) -> float:
            shutil.rmtree(out, ignore_errors=True)
            return timed([exe, "find", *args_, dataset, "--workers", str(args.workers), "-q",
                          "--out", str(out)], env_)  # fmt: skip

        if env is not None:
            run(tiny)  # writes the cache
        fixed, fixed_walls = median_of(args.repeat, lambda: run(tiny))
        wall, walls = median_of(args.repeat, lambda: run(data))
        rows = [json.loads(x) for x in (out / "findings.jsonl").read_text("utf-8").splitlines()]
        strong = {(r["subject"], r["shard"], r["row"]) for r in rows if r["validator"] == "strong"}
        res[label] = {
            "wall_s": wall,
            "walls": walls,
            "fixed_s": fixed,
            "fixed_walls": fixed_walls,
            "mb_s": inp["file_bytes"] / 1e6 / wall,
            "pass_mb_s": inp["file_bytes"] / 1e6 / max(wall - fixed, 1e-9),
            "findings": len(rows),
            "strong_records": len({(s, r) for _, s, r in strong}),
            "strong": sorted(strong),
        }
    print("setup steps (child process) ...", file=sys.stderr)
    for label, path in (("one", work / "one.toml"), ("many", work / "subjects.jsonl")):
        proc = subprocess.run([sys.executable, __file__, "--_child", str(path)],
                              capture_output=True, text=True, check=True)  # fmt: skip
        res[f"setup_{label}"] = json.loads(proc.stdout.strip().splitlines()[-1])

    many = res[f"{inp['subjects']}"]["strong"]
    planted = {tuple(p) for p in inp["planted"]}
    demo = {p for p in planted if p[0] == "demo"}
    demo_found = {(s, sh, r) for s, sh, r in res["one"]["strong"]}
    res["checks"] = {
        "one_finds_demo_records": {(sh, r) for _, sh, r in demo} <= {(sh, r) for _, sh, r in demo_found},
        "many_finds_each_planted": {p for p in planted if p[0] != "demo"} <= set(many),
        "many_strong_only_planted": {(sh, r) for _, sh, r in many} <= {(sh, r) for _, sh, r in planted},
    }  # fmt: skip
    if args.cache:
        res["checks"]["cache_same_findings"] = (
            res[f"{inp['subjects']}, cached DB"]["strong"] == many
        )
    for label, _, _ in variants:
        res[label].pop("strong")
    return res


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


def markdown(machine: dict[str, Any], inp: dict[str, Any], res: dict[str, Any], args: Any) -> str:
    ceil = res["ceiling"]["json"]["mb_s"]
    n = str(inp["subjects"])
    lines = [
        "## Find benchmark (many subjects, one pass)",
        "",
        (
            f"**Machine:** {machine['cpu']}, {machine['cores']} cores, {machine['ram_gb']} GB RAM, "
            f"{machine['os']}, Python {machine['python']}  "
        ),
        "**Packages:** "
        + ", ".join(f"{k} {v}" for k, v in machine["packages"].items() if v)
        + "  ",
        (
            f"**Input:** {inp['shards']} JSONL shards, {inp['file_bytes'] / 1e6:.1f} MB of files "
            f"(`{inp['source']}` and one shard of {len(inp['planted'])} planted records); "
            f"{inp['subjects']:,} generated subjects (seed {inp['seed']}). `--workers {args.workers}`, page cache "
            f"warm, wall time of a subprocess, median of {args.repeat} runs. MB/s = file bytes / "
            "wall s. *fixed* = the same command on a one-record dataset (start-up, loading "
            "profiles, compiling); *pass* = bytes / (wall − fixed)."
        ),
        "",
        "| run | wall s | MB/s | % of json ceiling | fixed s | pass MB/s | pass % of ceiling |",
        "|---|---:|---:|---:|---:|---:|---:|",
        (
            f"| read+parse ceiling, stdlib `json` | {res['ceiling']['json']['seconds']:.2f} | "
            f"{ceil:.0f} | 100% | | | |"
        ),
        (
            f"| read+parse, `orjson` | {res['ceiling']['orjson']['seconds']:.2f} | "
            f"{res['ceiling']['orjson']['mb_s']:.0f} | "
            f"{100 * res['ceiling']['orjson']['mb_s'] / ceil:.0f}% | | | |"
        ),
    ]
    for label in [k for k in res if k == "one" or k.startswith(n)]:
        r = res[label]
        name = (
            "1 subject (demo)" if label == "one" else f"{label.replace(n, f'{int(n):,}')} subjects"
        )
        lines.append(
            f"| `expunge find`, {name} | {r['wall_s']:.2f} | {r['mb_s']:.0f} | "
            f"{100 * r['mb_s'] / ceil:.0f}% | {r['fixed_s']:.2f} | {r['pass_mb_s']:.0f} | "
            f"{100 * r['pass_mb_s'] / ceil:.0f}% |"
        )
    s = res["setup_many"]
    lines += [
        "",
        (
            f"Setup of {inp['subjects']:,} subjects (child process): loading the profiles "
            f"{s['load_s']:.2f} s, literal plan {s['plan_s']:.2f} s ({s['literals']:,} literals, "
            f"{s['regex_patterns']} regexes, {s['phone_tails']:,} phone tails), compiling "
            f"{s['compile_s']:.2f} s (of which accented forms {s['accented_compile_s']:.2f} s, "
            f"compiled when the first non-ASCII record shows up); one subject: load "
            f"{res['setup_one']['load_s']:.3f} s, plan + compile "
            f"{res['setup_one']['plan_s'] + res['setup_one']['compile_s']:.3f} s."
        ),
        "",
        "Checks: " + ", ".join(f"{k} {'ok' if v else 'FAILED'}" for k, v in res["checks"].items()),
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--_child"]:
        setup_child(argv[1])
        return 0
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=Path("bench-data/corpus"))
    ap.add_argument("--work", type=Path, default=Path("bench-data/find"))
    ap.add_argument("--subjects", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=3, help="runs per variant; median reported")
    ap.add_argument("--workers", type=int, default=1, help="find --workers (the target: 1)")
    ap.add_argument("--cache", action="store_true", help="also time with EXPUNGE_CACHE_DIR")
    ap.add_argument("--json", type=Path, help="results file (default: <work>/results.json)")
    args = ap.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    print(f"building the input under {args.work} ...", file=sys.stderr)
    inp = build_input(args.corpus, args.work, args.subjects, args.seed)
    runs = Path(tempfile.mkdtemp(prefix="runs-", dir=args.work))
    try:
        res = run_all(args, inp, runs)
    finally:
        shutil.rmtree(runs, ignore_errors=True)
    machine = shared_machine_info(("expunge", "orjson", "hyperscan", "phonenumbers", "Faker"))
    md = markdown(machine, inp, res, args)
    ceil = res["ceiling"]["json"]["mb_s"]
    many = res[str(args.subjects)]
    out = {
        "machine": machine,
        "input": inp,
        "repeat": args.repeat,
        "results": res,
        "ratio_many_to_ceiling": many["mb_s"] / ceil,
        "ratio_many_pass_to_ceiling": many["pass_mb_s"] / ceil,
        "ratio_one_to_ceiling": res["one"]["mb_s"] / ceil,
        "target": 0.5,
        "target_met": many["mb_s"] / ceil >= 0.5,
        "markdown": md,
    }
    (args.json or args.work / "results.json").write_text(json.dumps(out, indent=2) + "\n")
    print(md)
    return 0 if all(res["checks"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
