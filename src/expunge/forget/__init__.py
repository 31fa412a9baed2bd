"""Forget a person: a new dataset version, a suppression registry, and verification."""

from expunge.forget.registry import Registry
from expunge.forget.run import forget, verify
from expunge.version import redact

__all__ = ["Registry", "forget", "redact", "verify"]
