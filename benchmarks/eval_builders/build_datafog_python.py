"""Build cases.jsonl from DataFog/datafog-python tests.
Usage: python3 benchmarks/eval_builders/build_datafog_python.py <git-dir of fetched snapshot> [outdir]   (cases_common.py is next to it)"""

import ast
import json
import re
import sys

from cases_common import mkspan, snapshot_from_argv, write

GIT, show = snapshot_from_argv()


TYPEMAP = {
    "EMAIL": "email",
    "PHONE": "phone",
    "SSN": "us_ssn",
    "CREDIT_CARD": "credit_card",
    "IP_ADDRESS": "ip_address",
    "DE_IBAN": "iban",
    "PERSON": "person",
    "ADDRESS": "street_address",
    "DATE": "other",
    "ZIP_CODE": "other",
    "ORGANIZATION": "other",
    "LOCATION": "other",
    "DE_VAT_ID": "other",
}
STRUCT = ["email", "phone", "us_ssn", "credit_card", "ip_address", "iban"]
ALL = [
    "email",
    "phone",
    "us_ssn",
    "credit_card",
    "ip_address",
    "iban",
    "person",
    "street_address",
]
LABELLED = {
    "structured_pii": STRUCT,
    "unstructured_pii": ["person", "street_address"],
    "mixed_pii": ALL,
    "edge_cases": ALL,
    "negative_cases": ALL,
}
MOJIBAKE = re.compile(
    r"\?\?|[A-Za-z]\?[A-Za-z]|[A-Za-z]\? \?[A-Za-z]"
)  # non-ASCII chars stored as '?' in the repo file
recs = []
dropped = []
for name in [
    "structured_pii",
    "mixed_pii",
    "unstructured_pii",
    "edge_cases",
    "negative_cases",
]:
    p = f"tests/corpus/{name}.json"
    for case in json.loads(show(p)):
        text = case["input"]
        if text == "":
            dropped.append((case["id"], "empty input"))
            continue
        if MOJIBAKE.search(text):
            dropped.append((case["id"], "non-ASCII text stored as '?' (mojibake) in repo"))
            continue
        spans = []
        for e in case["expected_entities"]:
            assert text[e["start"] : e["end"]] == e["text"], (case["id"], e)
            spans.append(mkspan(text, e["start"], e["end"], TYPEMAP[e["type"]], e["type"]))
        r = {
            "id": f"{p}:{case['id']}",
            "text": text,
            "spans": spans,
            "negative": not spans,
            "labelled_types": LABELLED[name],
        }
        if case.get("locales"):
            r["source_locales"] = case["locales"]
        if case.get("note"):
            r["source_note"] = case["note"]
        recs.append(r)


# --- tests/test_regex_annotator.py : parametrized single-value tests, text built by the test's f-string ---
def parametrize_cases(src, funcname):
    for node in ast.walk(ast.parse(src)):
        if isinstance(node, ast.FunctionDef) and node.name == funcname:
            for d in node.decorator_list:
                if isinstance(d, ast.Call) and getattr(d.func, "attr", "") == "parametrize":
                    return ast.literal_eval(d.args[1])
    raise KeyError(funcname)


p = "tests/test_regex_annotator.py"
src = show(p)
PARAM = [
    ("test_email_regex", "Email: {}", "email", "EMAIL"),
    ("test_phone_regex", "Phone: {}", "phone", "PHONE"),
    ("test_ssn_regex", "SSN: {}", "us_ssn", "SSN"),
    ("test_credit_card_regex", "Credit card: {}", "credit_card", "CREDIT_CARD"),
    ("test_ip_address_regex", "IP: {}", "ip_address", "IP_ADDRESS"),
]
for fn, tmpl, typ, lab in PARAM:
    assert ('f"' + tmpl.replace("{}", "{")).split("{")[0] in src.replace("'", '"'), (
        fn,
        tmpl,
    )
    for i, c in enumerate(parametrize_cases(src, fn)):
        value, should = c[0], c[1]
        text = tmpl.format(value)
        st = len(tmpl.split("{}")[0])
        r = {
            "id": f"{p}:{fn}[{i}]",
            "text": text,
            "labelled_types": [typ],
            "templated": True,
        }
        if should:
            r["spans"] = [mkspan(text, st, st + len(value), typ, lab)]
            r["negative"] = False
        else:
            r["spans"] = []
            r["negative"] = True
            r["negative_types"] = [typ]
            r["note"] = f"test only asserts the full value {value!r} is not returned as {lab}"
        recs.append(r)
# fixture sample_text + expected_annotations (regex labels only; 'John Doe' and '123 Main St' are not labelled)
sample = (
    "Contact John Doe at john.doe@example.com or call (555) 123-4567. "
    "His SSN is 123-45-6789 and credit card 4111111111111111. "
    "He lives at 123 Main St, New York, NY 10001. "
    "His IP address is 192.168.1.1 and his birthday is 01/01/1980."
)
assert '"Contact John Doe at john.doe@example.com or call (555) 123-4567. "' in src
exp = [
    ("EMAIL", "john.doe@example.com"),
    ("PHONE", "(555) 123-4567"),
    ("SSN", "123-45-6789"),
    ("CREDIT_CARD", "4111111111111111"),
    ("IP_ADDRESS", "192.168.1.1"),
    ("DOB", "01/01/1980"),
    ("ZIP", "10001"),
]
spans = []
for lab, v in exp:
    st = sample.index(v)
    spans.append(mkspan(sample, st, st + len(v), TYPEMAP.get(lab, "other"), lab))
recs.append(
    {
        "id": f"{p}:fixture sample_text/expected_annotations",
        "text": sample,
        "spans": sorted(spans, key=lambda s: s["start"]),
        "negative": False,
        "labelled_types": ["email", "phone", "us_ssn", "credit_card", "ip_address"],
        "note": "fixture pair; the regex annotator has no PERSON/ADDRESS labels, so 'John Doe' and '123 Main St' are unlabelled",
    }
)
t = "Contact John at john@example.com or 555-123-4567. SSN: 123-45-6789."
assert t in src
recs.append(
    {
        "id": f"{p}:test_annotation_result_format",
        "text": t,
        "negative": False,
        "labelled_types": ["email", "phone", "us_ssn"],
        "spans": [
            mkspan(t, t.index(v), t.index(v) + len(v), ty, lab)
            for v, ty, lab in [
                ("john@example.com", "email", "EMAIL"),
                ("555-123-4567", "phone", "PHONE"),
                ("123-45-6789", "us_ssn", "SSN"),
            ]
        ],
    }
)
for j, t in enumerate(
    [
        "Reference DE 123456789 was issued.",
        "Reference DE-123456789 was issued.",
        "Reference DE123456789 was issued.",
    ]
):
    assert t in src
    st = t.index("123456789")
    recs.append(
        {
            "id": f"{p}:test_ssn_detection_keeps_v44_behavior_for_country_prefixed_digits[{j}]",
            "text": t,
            "negative": False,
            "labelled_types": ["us_ssn"],
            "spans": [mkspan(t, st, st + 9, "us_ssn", "SSN")],
            "note": "regression test: default (no-locale) regex annotator must label the 9-digit run as SSN; with German locale it is a DE_VAT_ID instead",
        }
    )

# --- tests/test_de_pii_regex.py : DE_IBAN cases only (other DE_* labels skipped) ---
p = "tests/test_de_pii_regex.py"
src = show(p)
for i, (lab, text, value) in enumerate(
    parametrize_cases(src, "test_german_regex_cases_require_german_locale_or_explicit_entity_type")
):
    if lab != "DE_IBAN":
        continue
    st = text.index(value)
    recs.append(
        {
            "id": f"{p}:test_german_regex_cases_require_german_locale_or_explicit_entity_type[{i}]",
            "text": text,
            "negative": False,
            "labelled_types": ["iban"],
            "spans": [mkspan(text, st, st + len(value), "iban", lab)],
            "source_locales": ["de"],
            "note": "expected only with locales=['de'] or explicit DE_IBAN; the default annotator must NOT return it",
        }
    )
for i, (lab, text) in enumerate(parametrize_cases(src, "test_german_regex_false_positive_guards")):
    if lab != "DE_IBAN":
        continue
    recs.append(
        {
            "id": f"{p}:test_german_regex_false_positive_guards[{i}]",
            "text": text,
            "negative": True,
            "spans": [],
            "labelled_types": ["iban"],
            "negative_types": ["iban"],
            "source_locales": ["de"],
            "note": "invalid IBAN (wrong length / non-digit); test asserts no DE_IBAN match",
        }
    )
print("dropped:", dropped)
write(recs, sys.argv[2] if len(sys.argv) > 2 else ".")
