"""Build cases.jsonl from microsoft/Recognizers-Text Specs/Sequence/*/{IpAddress,URL,Email,PhoneNumber}Model.json.
Usage: python3 benchmarks/eval_builders/build_recognizers_text_sequence.py <git-dir of fetched snapshot>   (cases_common.py is next to it)"""

import json
import sys

from cases_common import find_seq, git_files, mkspan, snapshot_from_argv, write

GIT, show = snapshot_from_argv("utf-8-sig")
files = git_files(GIT, "Specs/Sequence")
MODEL = {
    "IpAddressModel.json": ("ip_address", "ip"),
    "URLModel.json": ("url", "url"),
    "EmailModel.json": ("email", "email"),
    "PhoneNumberModel.json": ("phone", "phonenumber"),
}
recs = []
issues = []
for p in sorted(files):
    base = p.split("/")[-1]
    if base not in MODEL:
        continue
    typ, tn = MODEL[base]
    lang = p.split("/")[2]
    data = json.loads(show(p))
    for i, case in enumerate(data):
        text = case["Input"]
        spans = []
        pos = 0
        for e in case.get("Results", []):
            assert e["TypeName"] == tn, (p, i, e)
            if "Start" in e:
                st, en = e["Start"], e["End"] + 1  # Recognizers-Text End is inclusive
            else:
                st = find_seq(text, e["Text"], pos, ci=True)  # resolved Text may be lower-cased
                assert st >= 0, (p, i, e["Text"])
                en = st + len(e["Text"])
            extra = {}
            if text[st:en].lower() != e["Text"].lower():
                issues.append((p, i, e["Text"], text[st:en]))
                # source Start/End off by one (e.g. Hindi #4 End covers a trailing space): trust Text at Start
                assert text[st : st + len(e["Text"])].lower() == e["Text"].lower()
                en = st + len(e["Text"])
                extra["offset_fixed"] = f"source End={e['End']} (inclusive) corrected to match Text"

            if text[st:en] != e["Text"]:
                extra["source_text"] = e["Text"]
            sub = (e.get("Resolution") or {}).get("type")
            if sub:
                extra["source_subtype"] = sub
            spans.append(mkspan(text, st, en, typ, e["TypeName"], **extra))
            pos = en
        r = {
            "id": f"{p}:{i}",
            "text": text,
            "spans": spans,
            "negative": not spans,
            "labelled_types": [typ],
            "lang": lang,
        }
        if len(spans) == 1 and spans[0]["start"] == 0 and spans[0]["end"] == len(text):
            r["bare"] = True
        for k in ("NotSupported", "NotSupportedByDesign", "NotSupportedBy", "Comment"):
            if k in case:
                r["source_" + k] = case[k]
        recs.append(r)
print("text mismatches (case-insensitive):", issues)
write(recs, sys.argv[2] if len(sys.argv) > 2 else ".")
