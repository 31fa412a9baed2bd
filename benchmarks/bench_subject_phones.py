"""A person's own phone number, found however a text writes it: `expunge find` per region.

    python benchmarks/bench_subject_phones.py          # writes bench-data/subject_phones.json

The numbers and written forms are those of bench_phone_regions.py (libphonenumber metadata as
the oracle, 15 regions, every number type, forms: E.164, international, 00, +CC (0), national
with spaces / dots / dashes / nothing, national without trunk prefix where allowed), plus two
frames a detector finds hard: the number glued to a date ("2024-01-15 {n}") and inside a
WhatsApp link ("wa.me/{digits}"). Each number is one subject (profile: the number in E.164,
no region), searched in every form in one `SubjectMatcher` run of all subjects together: the
situation of `expunge find --subjects` with people from many countries.

Measured: recall (a strong phone finding of that subject covering the number), and look-alikes
that must NOT match: the same written form with the last digit changed (a neighbour's number)
and the number inside a longer digit string.

"Before" is the rule expunge used until this change, replayed on the same texts: the detector's
phone candidates (run region US) parsed with the subject's region and compared in E.164.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import phonenumbers as pn
from _machine import machine_info
from bench_phone_regions import REGIONS, forms_for, numbers_for
from phonenumbers import PhoneNumberFormat

from expunge.detect import Detector
from expunge.find.matcher import SubjectMatcher
from expunge.subject import parse_subject
from expunge.subject.normalize import phone_key

FRAMES = {
    "label": "Call me on {} today.",
    "plain": "The number {} is listed.",
    "after_date": "Updated 2024-01-15 {} by the clerk.",
}


def _changed_last_digit(text: str) -> str:
    for i in range(len(text) - 1, -1, -1):
        if text[i].isdigit():
            return text[:i] + str((int(text[i]) + 1) % 10) + text[i + 1 :]
    return text


def run(per_type: int) -> dict[str, Any]:
    subjects = []
    cases: list[dict[str, Any]] = []
    for region in REGIONS:
        for _, num in numbers_for(region, per_type):
            e164 = pn.format_number(num, PhoneNumberFormat.E164)
            sid = f"{region}-{len(subjects)}"
            subjects.append(parse_subject({"id": sid, "phones": [e164]}, sid))
            for form, written in forms_for(num, region).items():
                for frame, template in FRAMES.items():
                    cases.append({"region": region, "subject": sid, "e164": e164, "form": form,
                                  "frame": frame, "text": template.format(written),
                                  "lookalike": template.format(_changed_last_digit(written)),
                                  "longer": template.format(written + "7")})  # fmt: skip
            digits = e164.lstrip("+")
            cases.append({"region": region, "subject": sid, "e164": e164, "form": "wa.me",
                          "frame": "link", "text": f"Chat: https://wa.me/{digits}",
                          "lookalike": f"Chat: https://wa.me/{_changed_last_digit(digits)}",
                          "longer": f"Chat: https://wa.me/{digits}7"})  # fmt: skip
    matcher = SubjectMatcher(subjects)
    started = time.perf_counter()
    found = matcher.match_batch([c["text"] for c in cases])
    lookalikes = matcher.match_batch([c["lookalike"] for c in cases])
    longer = matcher.match_batch([c["longer"] for c in cases])
    seconds = time.perf_counter() - started
    detector = Detector(types=["phone"], phone_region="US")
    candidates = detector.scan_batch([c["text"] for c in cases])
    for case, hits, fake, long, cands in zip(
        cases, found, lookalikes, longer, candidates, strict=True
    ):
        case["found"] = any(f.subject == case["subject"] and f.type == "phone" for f in hits)
        # Another subject's number may be written that way too (+1 800 123 4567 and the
        # Spanish 800 123 456 + '7'): only the subject's own match is a false one here.
        case["lookalike_matched"] = any(f.subject == case["subject"] for f in fake)
        case["longer_matched"] = any(f.subject == case["subject"] for f in long)
        before = False
        for cand in cands:
            value = case["text"][cand.start : cand.end]
            if phone_key(value, case["region"]) == case["e164"]:
                before = True
        case["found_before"] = before
    return {"cases": cases, "subjects": len(subjects), "seconds": seconds}


def summarise(res: dict[str, Any]) -> dict[str, Any]:
    per_region: dict[str, dict[str, Any]] = {}
    for region in REGIONS:
        rows = [c for c in res["cases"] if c["region"] == region]
        per_region[region] = {
            "cases": len(rows),
            "recall": sum(c["found"] for c in rows) / len(rows),
            "recall_before": sum(c["found_before"] for c in rows) / len(rows),
            "lookalikes_matched": sum(c["lookalike_matched"] for c in rows),
            "longer_matched": sum(c["longer_matched"] for c in rows),
        }
    rows = res["cases"]
    per_region["all"] = {
        "cases": len(rows),
        "recall": sum(c["found"] for c in rows) / len(rows),
        "recall_before": sum(c["found_before"] for c in rows) / len(rows),
        "lookalikes_matched": sum(c["lookalike_matched"] for c in rows),
        "longer_matched": sum(c["longer_matched"] for c in rows),
    }
    return per_region


def markdown(summary: dict[str, Any], res: dict[str, Any], info: dict[str, Any]) -> str:
    lines = [
        (
            f"Machine: {info.get('cpu', '?')}; {info.get('packages', '')}. {res['subjects']} subjects "
            f"(one per number), {len(res['cases'])} texts; one SubjectMatcher over all subjects: "
            f"{res['seconds'] * 1000:.0f} ms for the texts, look-alikes and longer numbers."
        ),
        "",
        (
            "| region | texts | recall before (detector, US run) | recall now | look-alikes matched "
            "| longer numbers matched |"
        ),
        "|---|---|---|---|---|---|",
    ]
    for region, row in summary.items():
        name = f"**{region}**" if region == "all" else region
        lines.append(
            f"| {name} | {row['cases']} | {row['recall_before']:.3f} | {row['recall']:.3f} "
            f"| {row['lookalikes_matched']} | {row['longer_matched']} |"
        )
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--per-type", type=int, default=3)
    ap.add_argument("--json", type=Path, default=Path("bench-data/subject_phones.json"))
    args = ap.parse_args()
    res = run(args.per_type)
    summary = summarise(res)
    info = machine_info(["expunge", "phonenumbers", "hyperscan"])
    md = markdown(summary, res, info)
    print(md)
    misses = [c for c in res["cases"] if not c["found"]]
    print(f"\nmisses: {len(misses)}")
    for c in misses[:30]:
        print(f"  {c['region']} {c['form']:<15} {c['frame']:<10} {c['text']}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"machine": info, "summary": summary, "markdown": md,
                                     "cases": res["cases"]}, indent=1))  # fmt: skip
    print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
