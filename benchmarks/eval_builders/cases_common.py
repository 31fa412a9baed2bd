"""What the builders share: spans checked against their text, the git reader, the writer."""

import collections
import json
import os
import subprocess
import sys

TYPES = {
    "email",
    "phone",
    "credit_card",
    "iban",
    "ip_address",
    "url",
    "us_ssn",
    "street_address",
    "person",
    "other",
}


def mkspan(text, start, end, typ, source_label=None, **extra):
    assert typ in TYPES, typ
    s = {"start": start, "end": end, "type": typ, "value": text[start:end]}
    if source_label is not None:
        s["source_label"] = source_label
    if typ == "credit_card":
        s["luhn_valid"] = luhn(s["value"])
    if typ == "iban":
        s["iban_checksum_valid"] = iban_ok(s["value"])
    s.update(extra)
    return s


def validate(recs):
    ids = set()
    for r in recs:
        assert r["id"] not in ids, r["id"]
        ids.add(r["id"])
        t = r["text"]
        assert isinstance(r["negative"], bool)
        if r["negative"]:
            assert r["spans"] == [], r["id"]
        for s in r["spans"]:
            assert 0 <= s["start"] < s["end"] <= len(t), (r["id"], s)
            assert t[s["start"] : s["end"]] == s["value"], (r["id"], s)
            assert s["type"] in TYPES
        if r.get("bare"):
            assert len(r["spans"]) <= 1
            if r["spans"]:
                assert r["spans"][0]["start"] == 0 and r["spans"][0]["end"] == len(t), r["id"]
        assert "labelled_types" in r


def write(recs, outdir):
    validate(recs)
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "cases.jsonl"), "w", encoding="utf-8") as f:
        f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in recs)
    c = collections.Counter(s["type"] for r in recs for s in r["spans"])
    neg = sum(r["negative"] for r in recs)
    bare = sum(bool(r.get("bare")) for r in recs)
    print(
        outdir,
        "records",
        len(recs),
        "negative",
        neg,
        "bare",
        bare,
        "spans",
        dict(sorted(c.items())),
    )
    return c


def find_seq(text, value, frm=0, ci=False):
    T = text.lower() if ci else text
    V = value.lower() if ci else value
    i = T.find(V, frm)
    if i < 0:
        i = T.find(V)
    return i


def luhn(v):
    d = [int(c) for c in v if c.isdigit()]
    if len(d) < 12:
        return False
    tot = 0
    for i, x in enumerate(reversed(d)):
        if i % 2:
            x *= 2
            x -= 9 if x > 9 else 0
        tot += x
    return tot % 10 == 0


def iban_ok(v):
    v = "".join(v.split()).upper()
    if len(v) < 15 or not v[:2].isalpha() or not v.isalnum():
        return False
    r = v[4:] + v[:4]
    return int("".join(str(int(c, 36)) for c in r)) % 97 == 1


def git_show(git_dir, path, encoding="utf-8"):
    """A file of the repository snapshot at HEAD, as text."""
    return subprocess.run(
        ["git", "--git-dir", git_dir, "show", "HEAD:" + path], capture_output=True, check=True
    ).stdout.decode(encoding)


def git_files(git_dir, folder):
    """The paths of the files under `folder` in the snapshot at HEAD."""
    listed = subprocess.run(
        ["git", "--git-dir", git_dir, "ls-tree", "-r", "HEAD", "--name-only", folder],
        capture_output=True,
        text=True,
        check=True,
    )
    return listed.stdout.split()


def snapshot_from_argv(encoding="utf-8"):
    """The snapshot named by the builder's first argument: (git dir, reader of its files)."""
    git_dir = sys.argv[1]
    return git_dir, lambda path: git_show(git_dir, path, encoding)
