"""Subject search: find the records that mention given people, with a confidence per record."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from expunge.find.matcher import FindSubjects, SubjectMatcher

__all__ = ["FindSubjects", "SubjectMatcher"]


def __getattr__(name: str) -> Any:
    # loaded when first used: a scan only needs expunge.find.context (its report's snippets)
    if name in __all__:
        from expunge.find import matcher

        return getattr(matcher, name)
    raise AttributeError(name)
