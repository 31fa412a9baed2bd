"""Look-alikes found in the documentation and source code of this machine's packages
(benchmarks/bench_technical_text.py, issue 18): each line below is shaped like a real one
(nodejs, gtk-doc, fontTools, cryptography, holidays, Python packaging docs) and names no one."""

from __future__ import annotations

import pytest

from expunge.detect import Detector

NOT_PERSONAL = [
    # npm packages and versions in a changelog, teams, decorators, doc-comment parameters
    "md-dependencies to rollup\\@3.12.0 (Node.js GitHub Bot)",
    "[`@nodejs/collaborators`]: https://github.com/orgs/nodejs/teams/collaborators",
    "#   @pytest.mark.parametrize(('x', 'y'), [(1, 2)])",
    " * than stderr by setting @ctx to this file handle and @handler to NULL.",
    '    ...     "@MMK_R_XGroup" : ["X"],',
    # object identifiers, numbered sections, versions, 'this network'
    '    PRECERT_SIGNED = ObjectIdentifier("2.5.29.27")',
    "see [half-closed] (section 4.2.2.13) for more",
    "upstream V8 is at 5.0.71.47.",
    "Debian Python Policy 0.12.0.0 documentation",
    # a decimal, not a phone
    "YEAR = 365.2587565  # Solar year (365.2587565 days).",
    # a PEM header as a constant, with no key in it
    '_SK_START = b"-----BEGIN OPENSSH PRIVATE KEY-----"\n_SK_END = b"-----END OPENSSH PRIVATE KEY-----"',
    # project pages, public resolvers, an IPv4-mapped private address
    "Usage documentation at: <https://py-pdf.github.io/fpdf2/SVG.html>",
    "Google's `8.8.8.8`, `2001:4860:4860::8844` as fallback",
    'url = httpx.URL("https://[::ffff:192.168.0.1]")',
]


@pytest.mark.parametrize("text", NOT_PERSONAL)
def test_documentation_look_alikes_name_no_one(text: str) -> None:
    assert [(f.type, text[f.start : f.end]) for f in Detector().scan(text)] == []


PERSONAL = [
    ("written by `@progrium <https://github.com/progrium>`_", "@progrium"),
    (
        "Author:\n  `Christoph Gohlke <https://www.lfd.uci.edu/~gohlke/>`_",
        "https://www.lfd.uci.edu/~gohlke/",
    ),
    ('donating on <a href="https://patreon.com/jdoe">Patreon</a>', "https://patreon.com/jdoe"),
]


@pytest.mark.parametrize("text, value", PERSONAL)
def test_people_in_documentation_stay_found(text: str, value: str) -> None:
    assert value in [text[f.start : f.end] for f in Detector().scan(text)]
