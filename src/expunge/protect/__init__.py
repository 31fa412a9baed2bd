"""Protect what you type and upload: strip image metadata, reversible redaction of text."""
