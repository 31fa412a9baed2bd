"""Opt-out signals: read every "do not train on this" a site can express, offline, per purpose.

Example::

    site = SiteSignals.from_texts("https://example.com", robots_txt=..., tdmrep_json=...)
    result = assess(PageSignals(url, headers, html), site, agent="GPTBot")
    result.verdict("ai-train"), result.deciding("ai-train")
"""

from expunge.optout.evaluate import PageSignals, SiteSignals, assess, headers_from
from expunge.optout.verdict import PURPOSES, Assessment, Evidence, Problem

__all__ = [
    "PURPOSES",
    "Assessment",
    "Evidence",
    "PageSignals",
    "Problem",
    "SiteSignals",
    "assess",
    "headers_from",
]
