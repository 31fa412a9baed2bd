"""Subject search: find the records that mention given people, with a confidence per record."""

from expunge.find.matcher import FindSubjects, SubjectMatcher

__all__ = ["FindSubjects", "SubjectMatcher"]
