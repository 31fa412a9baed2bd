"""Privacy-policy analysis: which clauses say what about AI training, collected metadata,
biometrics, opt-outs, retention and sharing for AI.

`extract` reads a policy (HTML, text, Markdown, PDF) into located blocks, `sentences` splits
blocks into sentences, `rules` holds the explainable pattern rules, `analyze` applies them and
reaches a verdict per document, `report_html` renders the self-contained report.
"""

from expunge.policy.analyze import (
    CATEGORIES,
    DocumentAnalysis,
    Match,
    Verdict,
    analyze_path,
    analyze_text,
    policy_files,
)

__all__ = [
    "CATEGORIES",
    "DocumentAnalysis",
    "Match",
    "Verdict",
    "analyze_path",
    "analyze_text",
    "policy_files",
]
