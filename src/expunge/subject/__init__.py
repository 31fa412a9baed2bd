"""A person's profile (names, emails, phones, handles, profile URLs, ...) in normal form."""

from expunge.subject.profile import (
    Identifier,
    SubjectProfile,
    load_subject,
    load_subjects_jsonl,
    parse_subject,
)

__all__ = ["Identifier", "SubjectProfile", "load_subject", "load_subjects_jsonl", "parse_subject"]
