"""Masked previews: their home is `expunge.anonymize.mask`; the detector's API exports `mask`."""

from __future__ import annotations

from expunge.anonymize.mask import mask

__all__ = ["mask"]
