"""Protect what you type and upload: strip image metadata (and, later, reversible redaction)."""
