"""Build cases.jsonl from solvvy/redact-pii test/redactor.test.ts and test/customRedactor.test.ts
(TestCase(description, [[input, syncOutput, googleDLPOutput?], ...]) tables; the SyncRedactor output is used).
Usage: python3 benchmarks/eval_builders/build_redact_pii.py <git-dir of fetched snapshot> [outdir]   (cases_common.py is next to it)"""

import re
import sys

from cases_common import mkspan, snapshot_from_argv, write

GIT, show = snapshot_from_argv()


ESC = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", '"': '"', "0": "\0"}


def skip_gaps(s, i):
    """The index of the next value: past spaces, commas and // comments."""
    while True:
        while s[i].isspace() or s[i] == ",":
            i += 1
        if not s.startswith("//", i):
            return i
        i = s.index("\n", i)


def parse_value(s, i):
    """Parse a JS array/string literal starting at s[i]; return (value, next_index). Skips // comments."""
    i = skip_gaps(s, i)
    c = s[i]
    if c in "'\"":
        out = []
        i += 1
        while s[i] != c:
            if s[i] == "\\":
                out.append(ESC[s[i + 1]])
                i += 2
            else:
                out.append(s[i])
                i += 1
        return "".join(out), i + 1
    if c == "[":
        items = []
        i += 1
        while True:
            i = skip_gaps(s, i)
            if s[i] == "]":
                return items, i + 1
            v, i = parse_value(s, i)
            items.append(v)
    raise ValueError(s[i : i + 40])


PLACE = [
    "US_SOCIAL_SECURITY_NUMBER",
    "CREDIT_CARD_NUMBER",
    "STREET_ADDRESS",
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "PERSON_NAME",
    "IP_ADDRESS",
    "CREDENTIALS",
    "USERNAME",
    "PASSWORD",
    "ZIPCODE",
    "DIGITS",
    "URL",
]
TYPEMAP = {
    "PERSON_NAME": "person",
    "CREDIT_CARD_NUMBER": "credit_card",
    "US_SOCIAL_SECURITY_NUMBER": "us_ssn",
    "PHONE_NUMBER": "phone",
    "IP_ADDRESS": "ip_address",
    "EMAIL_ADDRESS": "email",
    "STREET_ADDRESS": "street_address",
    "URL": "url",
}
LABELLED = [
    "email",
    "phone",
    "credit_card",
    "ip_address",
    "url",
    "us_ssn",
    "street_address",
    "person",
]
PH = re.compile(r"(?<![A-Za-z_])(" + "|".join(PLACE) + r")(?![A-Za-z_])")


def align(before, after):
    parts, labels, pos = [], [], 0
    for m in PH.finditer(after):
        parts.append(re.escape(after[pos : m.start()]))
        parts.append("(.+?)")
        labels.append(m.group(1))
        pos = m.end()
    parts.append(re.escape(after[pos:]))
    m = re.fullmatch("".join(parts), before, re.DOTALL)
    assert m, (before, after)
    return [(m.start(k + 1), m.end(k + 1), labels[k]) for k in range(len(labels))]


NOTES = {
    "IP_ADDRESS:1234:ABCD:23AF:1111:2222:3333:0000:0000:0000": "value has 9 groups, not a valid IPv6 address; the library's regex matches it anyway",
    "IP_ADDRESS:1234:ABCD:23AF:1111:2222:3333::": "expected span '1234:ABCD:23AF:1111:2222:3333::' (valid IPv6 with '::' suffix); '!' follows",
}
recs = []
for p in ["test/redactor.test.ts", "test/customRedactor.test.ts"]:
    src = show(p)
    for m in re.finditer(r"\n\s*TestCase\(\s*'([^']*)',\s*", src):
        desc = m.group(1)
        rows, _ = parse_value(src, m.end())
        for k, row in enumerate(rows):
            before, after = row[0], row[1]
            spans = [
                mkspan(before, s, e, TYPEMAP.get(l, "other"), l) for s, e, l in align(before, after)
            ]
            r = {
                "id": f"{p}:{desc}[{k}]",
                "text": before,
                "spans": spans,
                "negative": not spans,
                "labelled_types": LABELLED,
            }
            if len(row) > 2 and row[2] != row[1]:
                r["source_google_dlp_expected"] = row[2]
                r["note"] = (
                    "only the SyncRedactor expectation (2nd element) is used; the 3rd element is the optional Google-DLP-composite expectation"
                )
                if not spans:
                    r["note"] += (
                        " (which DOES label a PERSON_NAME here: this negative encodes a known limitation of the sync name heuristic)"
                    )
            if len(spans) == 1 and spans[0]["start"] == 0 and spans[0]["end"] == len(before):
                r["bare"] = True
            for s in spans:
                key = f"{s['source_label']}:{s['value']}"
                if key in NOTES:
                    r["note"] = NOTES[key]
            recs.append(r)
write(recs, sys.argv[2] if len(sys.argv) > 2 else ".")
