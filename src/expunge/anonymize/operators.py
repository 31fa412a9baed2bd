"""What replaces a span: a masked preview, a typed placeholder, or a numbered one from a vault.

An operator is any callable (span, covered text) -> replacement (`replace.Operator`); these are
the project's three. The look-alike rewrite of the model evaluation passes its own
(`model/lookalikes.py`)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Protocol

from expunge.anonymize.mask import mask
from expunge.anonymize.spans import Span


class Mask:
    """A preview that is enough to recognise a value, never the value: `mask(type, value)`.
    Reports, find's context snippets and the audit's examples."""

    def __call__(self, span: Span, value: str) -> str:
        return mask(span.type, value)


class Placeholder:
    """One placeholder per type ('[EMAIL]'), `default` for types the table lacks: what
    `forget --mode redact` writes into a dataset, where no one restores it."""

    def __init__(self, labels: Mapping[str, str], default: str = "[REDACTED]") -> None:
        self.labels = labels
        self.default = default

    def __call__(self, span: Span, value: str) -> str:
        return self.labels.get(span.type, self.default)


class PlaceholderVault(Protocol):
    """What `Numbered` needs of a vault (`protect.vault.Vault` is one)."""

    def assign(
        self, label: str, key: str, value: str, reserved: Collection[str] = ()
    ) -> tuple[str, bool]: ...


class Numbered:
    """'[LABEL_N]' from a vault, `label` being the span's type: one number per normal form
    `key(label, value)`, so every spelling of one value gets the same placeholder for as long as
    the vault lives, and `reserved` placeholders (ones the text already holds) are skipped.
    `new` records, per call, whether the vault had to make the placeholder (expunge redact)."""

    def __init__(
        self,
        vault: PlaceholderVault,
        key: Callable[[str, str], str],
        reserved: Collection[str] = (),
    ) -> None:
        self.vault = vault
        self.key = key
        self.reserved = reserved
        self.new: list[bool] = []

    def __call__(self, span: Span, value: str) -> str:
        placeholder, new = self.vault.assign(
            span.type, self.key(span.type, value), value, self.reserved
        )
        self.new.append(new)
        return placeholder
