"""Replacing spans of a text: one overlap rule and one function, with an operator per use.

    anonymize(text, spans, Mask())                    # previews: 'j***@e***.com' (find, audit)
    anonymize(text, spans, Placeholder(labels))       # typed: '[EMAIL]' (forget --mode redact)
    anonymize(text, spans, Numbered(vault, key))      # '[EMAIL_1]', kept in a vault (redact)

The overlap rule is `spans.resolve`; the operators are in `operators.py`, the masked previews
in `mask.py`.
"""

from expunge.anonymize.mask import mask
from expunge.anonymize.operators import Mask, Numbered, Placeholder, PlaceholderVault
from expunge.anonymize.replace import Anonymized, Operator, Replaced, anonymize
from expunge.anonymize.spans import Span, resolve

__all__ = [
    "Anonymized",
    "Mask",
    "Numbered",
    "Operator",
    "Placeholder",
    "PlaceholderVault",
    "Replaced",
    "Span",
    "anonymize",
    "mask",
    "resolve",
]
