"""Phone recall per region: expunge's detector vs phonenumbers.PhoneNumberMatcher, same run.

    python benchmarks/bench_phone_regions.py                 # writes bench-data/phone_regions.json
    python benchmarks/bench_phone_regions.py --json FILE --per-type 3

Numbers come from libphonenumber's metadata (the `phonenumbers` package), which is the oracle:
for each region, `example_number_for_type` for every number type the region has, plus up to
`--per-type` more numbers of the same type made by changing the last three digits (kept only
when phonenumbers says they are valid and of that type), plus a few hand-picked common shapes
(e.g. an Indian 98xxx mobile). Each number is written in the forms people use:

- e164 `+441212345678`, intl `+44 121 234 5678`, intl_00 `0044 121 234 5678`;
- intl_trunk0 `+44 (0)121 234 5678` (regions whose national format starts with the trunk 0);
- national `0121 234 5678` (phonenumbers NATIONAL: Brazil `(11) 96123-4567`, India
  `081234 56789`), and its digit groups joined by dots, dashes or nothing;
- no_trunk `81234 56789`: the national form without its trunk prefix, only where the
  numbering plan lets it go (phonenumbers' own rule: the format's national prefix is optional
  or only brackets the first group), e.g. India, China.

A written form is kept only if `phonenumbers.parse(form, region)` gives the same valid number.
Each form goes into a labelled frame ("Call me on {n} today.") and an unlabelled one ("The
number {n} is listed."). A number counts as found when one phone finding (or matcher match)
covers all its digits. Both tools run with the number's region as hint and with "US" (the
detector's default). Decoys (timestamps, order numbers, ISBN-13s, dates, prices, version
strings, national ids) in the same frames are scanned with every region setting; every phone
finding overlapping one is a false positive.

Peer: `phonenumbers.PhoneNumberMatcher(text, region)` with its default leniency (VALID).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import phonenumbers as pn
from _machine import machine_info
from phonenumbers import PhoneMetadata, PhoneNumberFormat, PhoneNumberType
from phonenumbers.phonenumbermatcher import _is_national_prefix_present_if_required

from expunge.detect import Detector

REGIONS = ("US", "GB", "DE", "FR", "ES", "IT", "NL", "BR", "IN", "CN", "JP", "AU", "MX", "ZA",
           "NG")  # fmt: skip
DEFAULT_REGION = "US"
TYPES = ("FIXED_LINE", "MOBILE", "TOLL_FREE", "PREMIUM_RATE", "SHARED_COST", "VOIP",
         "PERSONAL_NUMBER", "PAGER", "UAN", "VOICEMAIL")  # fmt: skip
# Common shapes the example numbers miss (national significant numbers; kept only if valid).
EXTRA = {
    "US": ["2125550123", "4155552671"],
    "GB": ["2079460958", "7911123456"],
    "DE": ["3012345678", "1701234567"],
    "FR": ["142685300", "612345678"],
    "ES": ["912345678", "678123456"],
    "IT": ["0612345678", "3471234567"],
    "NL": ["201234567", "612345678"],
    "BR": ["11987654321", "2134567890"],
    "IN": ["9876543210", "2223456789"],
    "CN": ["13812345678", "2112345678"],
    "JP": ["9012345678", "667891234"],
    "AU": ["298765432", "412345678"],
    "MX": ["5512345678", "3312345678"],
    "ZA": ["821234567", "215551234"],
    "NG": ["8031234567", "7061234567"],
}
FRAMES = {"label": "Call me on {} today.", "plain": "The number {} is listed."}
FORMS = ("e164", "intl", "intl_00", "intl_trunk0", "national", "national_dots",
         "national_dashes", "national_plain", "no_trunk")  # fmt: skip


# --- numbers and their written forms ---------------------------------------------------------


def numbers_for(region: str, per_type: int) -> list[tuple[str, pn.PhoneNumber]]:
    """(type name, number) for the region: example numbers, variants, common shapes."""
    out: list[tuple[str, pn.PhoneNumber]] = []
    seen: set[str] = set()

    def add(kind: str, num: pn.PhoneNumber) -> bool:
        key = pn.format_number(num, PhoneNumberFormat.E164)
        if key in seen or not pn.is_valid_number(num):
            return False
        seen.add(key)
        out.append((kind, num))
        return True

    for name in TYPES:
        wanted = getattr(PhoneNumberType, name)
        example = pn.example_number_for_type(region, wanted)
        if example is None or pn.number_type(example) != wanted:
            continue
        add(name, example)
        nsn = pn.national_significant_number(example)
        made = 0
        for k in range(1, 60):
            if made >= per_type:
                break
            tail = (int(nsn[-3:]) + k * 137) % 1000
            candidate = pn.parse(f"+{example.country_code}{nsn[:-3]}{tail:03d}")
            if pn.number_type(candidate) == wanted and add(name, candidate):
                made += 1
    cc = pn.country_code_for_region(region)
    for nsn in EXTRA.get(region, ()):
        num = pn.parse(f"+{cc}{nsn}")
        add(pn.PhoneNumberType.to_string(pn.number_type(num)), num)
    return out


def _groups(text: str) -> list[str]:
    return re.findall(r"\d+", text)


def forms_for(num: pn.PhoneNumber, region: str) -> dict[str, str]:
    """Written forms of `num` that phonenumbers reads back as `num` with `region` as hint."""
    md = PhoneMetadata.metadata_for_region(region)
    trunk = md.national_prefix or ""
    e164 = pn.format_number(num, PhoneNumberFormat.E164)
    intl = pn.format_number(num, PhoneNumberFormat.INTERNATIONAL)
    national = pn.format_number(num, PhoneNumberFormat.NATIONAL)
    groups = _groups(national)
    forms = {
        "e164": e164,
        "intl": intl,
        "intl_00": intl.replace("+", "00", 1),
        "national": national,
        "national_dots": ".".join(groups),
        "national_dashes": "-".join(groups),
        "national_plain": "".join(groups),
    }
    starts_with_trunk = bool(trunk) and national.lstrip("(").startswith(trunk)
    if starts_with_trunk and trunk == "0":
        rest = national.replace("(0", "(", 1) if national.startswith("(") else national[1:]
        rest = rest.replace("()", "").lstrip()
        forms["intl_trunk0"] = f"+{num.country_code} (0){rest}"
    if starts_with_trunk:
        bare = national.replace(trunk, "", 1).lstrip(" -")
        bare = bare.replace("()", "").strip()
        try:
            parsed = pn.parse(bare, region, keep_raw_input=True)
        except pn.NumberParseException:
            parsed = None
        if parsed is not None and _is_national_prefix_present_if_required(parsed):
            forms["no_trunk"] = bare
    kept: dict[str, str] = {}
    for name in FORMS:
        text = forms.get(name)
        if text is None or text in kept.values():
            continue
        try:
            back = pn.parse(text, region)
        except pn.NumberParseException:
            continue
        if back.country_code == num.country_code and back.national_number == num.national_number:
            kept[name] = text
    return kept


# --- decoys ----------------------------------------------------------------------------------


def _isbn13(rng: random.Random) -> tuple[str, str]:
    body = rng.choice(("978", "979")) + "".join(str(rng.randrange(10)) for _ in range(9))
    check = (10 - sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(body)) % 10) % 10
    digits = body + str(check)
    group = rng.randint(1, 2)
    pub = rng.randint(2, 5)
    title = 9 - group - pub
    parts = [digits[:3], digits[3 : 3 + group], digits[3 + group : 3 + group + pub],
             digits[3 + group + pub : 12], digits[12]]  # fmt: skip
    assert len(parts[3]) == title
    return digits, rng.choice(("-", " ")).join(parts)


def _cpf(rng: random.Random) -> str:
    d = [rng.randrange(10) for _ in range(9)]
    for n in (10, 11):
        s = sum(v * w for v, w in zip(d, range(n, 1, -1), strict=False)) % 11
        d.append(0 if s < 2 else 11 - s)
    t = "".join(map(str, d))
    return f"{t[:3]}.{t[3:6]}.{t[6:9]}-{t[9:]}"


def decoys(rng: random.Random, per_kind: int) -> dict[str, list[str]]:
    """Strings that look like numbers but are no phones, `per_kind` per kind."""

    def ts() -> str:
        y, mo, d = rng.randint(2000, 2030), rng.randint(1, 12), rng.randint(1, 28)
        h, mi, s = rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59)
        return rng.choice((
            f"{y}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}",
            f"{y}{mo:02}{d:02}{h:02}{mi:02}{s:02}",
            str(rng.randint(1_000_000_000, 1_999_999_999)),
            f"{d:02}.{mo:02}.{y} {h:02}:{mi:02}",
            f"{y}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z",
            str(rng.randint(1_000_000_000_000, 1_999_999_999_999)),  # epoch milliseconds
        ))  # fmt: skip

    def order() -> str:
        return rng.choice((
            f"#{rng.randint(10**8, 10**10 - 1)}",
            f"order {rng.randint(10**8, 10**10 - 1)}",
            f"{rng.randint(100, 999)}-{rng.randint(10**6, 10**7 - 1)}-{rng.randint(10**6, 10**7 - 1)}",
            f"PO-{rng.randint(10**8, 10**9 - 1)}",
            f"Order No. {rng.randint(10**9, 10**10 - 1)}",
            f"INV-{rng.randint(2000, 2030)}-{rng.randint(0, 999999):06d}",
        ))  # fmt: skip

    def isbn() -> str:
        digits, hyphenated = _isbn13(rng)
        return rng.choice((digits, hyphenated, f"ISBN {hyphenated}", f"ISBN-13: {digits}"))

    def date() -> str:
        y, mo, d = rng.randint(1950, 2030), rng.randint(1, 12), rng.randint(1, 28)
        y2, d2 = y + rng.randint(0, 1), rng.randint(1, 28)
        return rng.choice((
            f"{d:02}.{mo:02}.{y}", f"{y}/{mo:02}/{d:02}", f"{mo:02}/{d:02}/{y}",
            f"{d:02}.{mo:02}.{y}-{d2:02}.{mo:02}.{y2}", f"{y}-{mo:02}-{d:02}/{y2}-{mo:02}-{d2:02}",
            f"{d:02} {mo:02} {y} - {d2:02} {mo:02} {y2}", f"{y}{mo:02}{d:02}-{y2}{mo:02}{d2:02}",
        ))  # fmt: skip

    def price() -> str:
        a = rng.randint(10**8, 10**11 - 1)
        c = rng.randint(0, 99)
        return rng.choice((
            f"${a:,}.{c:02}", f"{a:,}".replace(",", ".") + f",{c:02} €",
            f"{a:,}".replace(",", " ") + " EUR", f"{a:,}".replace(",", " ") + f",{c:02} €",
            f"R$ {a:,}".replace(",", ".") + f",{c:02}", f"CHF {a:,}".replace(",", "'"),
        ))  # fmt: skip

    def version() -> str:
        r = rng.randint
        return rng.choice((
            f"{r(1, 20)}.{r(0, 9)}.{r(10000, 29999)}.{r(1, 999)}", f"v{r(1, 9)}.{r(0, 20)}.{r(0, 99)}.{r(100, 9999)}",
            f"{r(3, 6)}.{r(0, 19)}.{r(0, 9)}-{r(10, 200)}-generic", f"build {r(10000, 29999)}.{r(1000, 9999)}",
            f"{r(1, 9)}.{r(0, 9)}.{r(0, 9)}.{r(1000000, 9999999)}",
        ))  # fmt: skip

    def national_id() -> str:
        return rng.choice((
            _cpf(rng), f"{rng.randint(2000, 9999)} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}",
            f"{rng.randint(100, 999)}-{rng.randint(10, 99)}-{rng.randint(1000, 9999)}",
        ))  # fmt: skip

    makers: dict[str, Callable[[], str]] = {
        "timestamp": ts, "order_number": order, "isbn13": isbn, "date": date, "price": price,
        "version": version, "national_id": national_id,
    }  # fmt: skip
    return {kind: [make() for _ in range(per_kind)] for kind, make in makers.items()}


# --- scoring ---------------------------------------------------------------------------------


def digit_span(text: str, start: int, value: str) -> tuple[int, int]:
    """[first digit, last digit + 1) of `value` placed at `start` in `text`."""
    idx = [i for i, ch in enumerate(value) if ch.isdigit()]
    return start + idx[0], start + idx[-1] + 1


def detector_spans(det: Detector, texts: list[str]) -> list[list[tuple[int, int]]]:
    return [
        [(f.start, f.end) for f in found if f.type == "phone"] for found in det.scan_batch(texts)
    ]


def matcher_spans(texts: list[str], region: str) -> list[list[tuple[int, int]]]:
    return [[(m.start, m.end) for m in pn.PhoneNumberMatcher(t, region)] for t in texts]


def covers(spans: Iterable[tuple[int, int]], a: int, b: int) -> bool:
    return any(s <= a and e >= b for s, e in spans)


def overlaps(spans: Iterable[tuple[int, int]], a: int, b: int) -> bool:
    return any(s < b and e > a for s, e in spans)


def run(per_type: int, decoys_per_kind: int, seed: int) -> dict[str, Any]:
    cases: list[dict[str, Any]] = []  # one per (region, number, form, frame)
    for region in REGIONS:
        for kind, num in numbers_for(region, per_type):
            for form, written in forms_for(num, region).items():
                for frame, template in FRAMES.items():
                    text = template.format(written)
                    a, b = digit_span(text, template.index("{}"), written)
                    cases.append({"region": region, "type": kind, "form": form, "frame": frame,
                                  "written": written, "text": text, "digits": (a, b),
                                  "e164": pn.format_number(num, PhoneNumberFormat.E164)})  # fmt: skip
    rng = random.Random(seed)
    decoy_cases = []
    for kind, values in decoys(rng, decoys_per_kind).items():
        for value in values:
            for frame, template in FRAMES.items():
                text = template.format(value)
                start = template.index("{}")
                decoy_cases.append({"kind": kind, "frame": frame, "value": value, "text": text,
                                    "span": (start, start + len(value))})  # fmt: skip

    timing: dict[str, float] = defaultdict(float)
    settings = {"right": None, "US": DEFAULT_REGION}
    by_region: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for c in cases:
        by_region[c["region"]].append(c)
    for region, rows in by_region.items():
        texts = [c["text"] for c in rows]
        for setting, fixed in settings.items():
            hint = fixed or region
            t0 = time.perf_counter()
            det_found = detector_spans(Detector(types=["phone"], phone_region=hint), texts)
            t1 = time.perf_counter()
            pn_found = matcher_spans(texts, hint)
            t2 = time.perf_counter()
            timing["detector_s"] += t1 - t0
            timing["matcher_s"] += t2 - t1
            for c, d_spans, p_spans in zip(rows, det_found, pn_found, strict=True):
                c[f"expunge_{setting}"] = covers(d_spans, *c["digits"])
                c[f"matcher_{setting}"] = covers(p_spans, *c["digits"])

    decoy_texts = [c["text"] for c in decoy_cases]
    fp: dict[str, dict[str, dict[str, Any]]] = {"expunge": {}, "matcher": {}}
    for region in REGIONS:
        t0 = time.perf_counter()
        det_found = detector_spans(Detector(types=["phone"], phone_region=region), decoy_texts)
        t1 = time.perf_counter()
        pn_found = matcher_spans(decoy_texts, region)
        t2 = time.perf_counter()
        timing["detector_s"] += t1 - t0
        timing["matcher_s"] += t2 - t1
        for tool, found in (("expunge", det_found), ("matcher", pn_found)):
            hits = [c for c, spans in zip(decoy_cases, found, strict=True)
                    if overlaps(spans, *c["span"])]  # fmt: skip
            by_kind_frame: dict[str, dict[str, int]] = defaultdict(dict)
            for h in hits:
                frames = by_kind_frame[h["kind"]]
                frames[h["frame"]] = frames.get(h["frame"], 0) + 1
            fp[tool][region] = {
                "false_phones": len(hits),
                "by_kind_frame": dict(sorted(by_kind_frame.items())),
                "examples": sorted({h["value"] for h in hits})[:8],
            }
    return {"cases": cases, "decoy_cases": len(decoy_cases),
            "decoy_counts": dict(_count(c["kind"] for c in decoy_cases)), "fp": fp,
            "timing": dict(timing)}  # fmt: skip


def _count(items: Iterable[str]) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for item in items:
        out[item] += 1
    return dict(out)


def _rate(rows: list[dict[str, Any]], key: str) -> float:
    return sum(bool(r[key]) for r in rows) / len(rows) if rows else float("nan")


KEYS = ("expunge_right", "expunge_US", "matcher_right", "matcher_US")
MAIN_TYPES = ("FIXED_LINE", "MOBILE", "FIXED_LINE_OR_MOBILE")


def _rates(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"cases": len(rows), **{k: round(_rate(rows, k), 3) for k in KEYS}}


def summarise(res: dict[str, Any]) -> dict[str, Any]:
    cases = res["cases"]
    views = {
        "all": lambda c: True,
        "label": lambda c: c["frame"] == "label",
        "plain": lambda c: c["frame"] == "plain",
        "fixed_mobile": lambda c: c["type"] in MAIN_TYPES,
    }
    per_region: dict[str, Any] = {}
    for region in REGIONS:
        rows = [c for c in cases if c["region"] == region]
        per_region[region] = {"numbers": len({c["e164"] for c in rows})}
        for view, keep in views.items():
            per_region[region][view] = _rates([c for c in rows if keep(c)])
    total = {view: _rates([c for c in cases if keep(c)]) for view, keep in views.items()}
    per_form = {
        form: {frame: _rates([c for c in cases if c["form"] == form and c["frame"] == frame])
               for frame in FRAMES}
        for form in FORMS
        if any(c["form"] == form for c in cases)
    }  # fmt: skip
    per_type = {
        kind: _rates([c for c in cases if c["type"] == kind])
        for kind in sorted({c["type"] for c in cases})
    }
    region_form: dict[str, dict[str, Any]] = defaultdict(dict)
    for region in REGIONS:
        for form in FORMS:
            rows = [c for c in cases if c["region"] == region and c["form"] == form]
            if rows:
                region_form[region][form] = _rates(rows)
    misses = [
        {k: c[k] for k in ("region", "type", "form", "frame", "written")}
        for c in cases
        if not c["expunge_right"]
    ]
    return {"total": total, "per_region": per_region, "per_form": per_form,
            "per_type": per_type, "region_form": region_form,
            "expunge_misses_right_region": misses}  # fmt: skip


def _f(x: float) -> str:
    return f"{x:.3f}"


def markdown(summary: dict[str, Any], res: dict[str, Any], info: dict[str, Any]) -> str:
    pkgs = ", ".join(f"{k} {v}" for k, v in info["packages"].items() if v)
    cases = res["cases"]
    n_numbers = len({c["e164"] for c in cases})
    fp = res["fp"]
    lines = [
        f"**Machine:** {info['cpu']}, {info['cores']} cores, Python {info['python']}; {pkgs}  ",
        (
            f"**Input:** {n_numbers} valid numbers in {len(REGIONS)} regions, {len(cases)} "
            "texts (each number in every form phonenumbers reads back as that number, in a "
            f"labelled and an unlabelled frame); {res['decoy_cases']} decoy texts, scanned "
            f"with each region as hint. Detector {res['timing']['detector_s']:.1f} s, "
            f"PhoneNumberMatcher {res['timing']['matcher_s']:.1f} s in total."
        ),
        "",
        (
            "Recall = share of texts where one phone span covers all the number's digits; "
            "*right* = the number's region as hint, *US* = the default hint; *F/M* = fixed "
            "and mobile numbers only. Decoy FP = phone findings on decoys, labelled + "
            "unlabelled frame."
        ),
        "",
        (
            "| region | numbers | texts | expunge right | expunge right, F/M | expunge right, "
            "labelled | expunge US | matcher right | matcher US | decoy FP expunge | decoy FP "
            "matcher |"
        ),
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for region, row in summary["per_region"].items():
        a = row["all"]
        lines.append(
            f"| {region} | {row['numbers']} | {a['cases']} | {_f(a['expunge_right'])} | "
            f"{_f(row['fixed_mobile']['expunge_right'])} | {_f(row['label']['expunge_right'])} | "
            f"{_f(a['expunge_US'])} | {_f(a['matcher_right'])} | {_f(a['matcher_US'])} | "
            f"{fp['expunge'][region]['false_phones']} | {fp['matcher'][region]['false_phones']} |"
        )
    t = summary["total"]
    a = t["all"]
    n_fp = sum(v["false_phones"] for v in fp["expunge"].values())
    m_fp = sum(v["false_phones"] for v in fp["matcher"].values())
    lines.append(
        f"| **all** | {n_numbers} | {a['cases']} | **{_f(a['expunge_right'])}** | "
        f"{_f(t['fixed_mobile']['expunge_right'])} | {_f(t['label']['expunge_right'])} | "
        f"**{_f(a['expunge_US'])}** | **{_f(a['matcher_right'])}** | **{_f(a['matcher_US'])}** "
        f"| {n_fp} | {m_fp} |"
    )
    lines += [
        "",
        (
            "| form | texts | expunge right, labelled / unlabelled | expunge US, labelled / "
            "unlabelled | matcher right | matcher US |"
        ),
        "|---|---:|---:|---:|---:|---:|",
    ]
    for form, row in summary["per_form"].items():
        lab, pla = row["label"], row["plain"]
        both = lab["cases"] + pla["cases"]
        m_right = (lab["matcher_right"] * lab["cases"] + pla["matcher_right"] * pla["cases"]) / both
        m_us = (lab["matcher_US"] * lab["cases"] + pla["matcher_US"] * pla["cases"]) / both
        lines.append(
            f"| {form} | {both} | {_f(lab['expunge_right'])} / {_f(pla['expunge_right'])} | "
            f"{_f(lab['expunge_US'])} / {_f(pla['expunge_US'])} | {_f(m_right)} | {_f(m_us)} |"
        )
    kinds: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for i, tool in enumerate(("expunge", "matcher")):
        for region_fp in fp[tool].values():
            for kind, frames in region_fp["by_kind_frame"].items():
                kinds[kind][2 * i] += frames.get("label", 0)
                kinds[kind][2 * i + 1] += frames.get("plain", 0)
    lines += [
        "",
        (
            f"Decoys: false phones summed over the {len(REGIONS)} region hints (each decoy "
            "text scanned once per hint), labelled / unlabelled frame:"
        ),
        "",
        "| decoy kind | texts per hint | expunge FP | matcher FP |",
        "|---|---:|---:|---:|",
    ]
    for kind, n in res["decoy_counts"].items():
        el, ep, ml, mp = kinds.get(kind, [0, 0, 0, 0])
        lines.append(f"| {kind} | {n} | {el} / {ep} | {ml} / {mp} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--per-type", type=int, default=3, help="derived numbers per number type")
    ap.add_argument("--decoys", type=int, default=40, help="decoys per kind")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", type=Path, default=Path("bench-data/phone_regions.json"))
    ap.add_argument("--misses", type=int, default=40, help="misses to print (right region)")
    args = ap.parse_args()
    t0 = time.perf_counter()
    res = run(args.per_type, args.decoys, args.seed)
    summary = summarise(res)
    info = machine_info(["expunge", "phonenumbers", "hyperscan"])
    md = markdown(summary, res, info)
    print(md)
    misses = summary["expunge_misses_right_region"]
    bare = [m for m in misses if m["form"] == "national_plain" and m["frame"] == "plain"]
    print(
        f"\nexpunge misses with the right region: {len(misses)}, of which {len(bare)} bare "
        "digit runs without a phone word (by design); the others:"
    )
    for m in [m for m in misses if m not in bare][: args.misses]:
        print(f"  {m['region']} {m['type']:<14} {m['form']:<15} {m['frame']:<5} {m['written']}")
    print(f"\nwall {time.perf_counter() - t0:.1f} s")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    cases = [{k: v for k, v in c.items() if k != "digits"} for c in res["cases"]]
    out = {"machine": info, "args": vars(args) | {"json": str(args.json)}, "summary": summary,
           "decoy_fp": res["fp"], "decoy_counts": res["decoy_counts"], "timing": res["timing"],
           "cases": cases, "markdown": md}  # fmt: skip
    args.json.write_text(json.dumps(out, indent=1))
    print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
