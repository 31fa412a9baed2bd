"""Entity types users add to the detector: a regex or a word list, a score, context words and
a check (Presidio's open recognizer registry, at expunge's speed).

Each custom type becomes one more expression in the detector's single hyperscan database, so
a scan with custom types is still one pass per batch; its candidates go to a `CustomConfirm`
like the built-ins go to theirs, and its findings flow like any other type's. A scan without
custom types compiles and runs exactly the built-in database.

    from expunge.detect import Detector, EntityType
    staff = EntityType("employee_id", regex=r"\\bEMP-\\d{6}\\b", context=("employee",))
    Detector(custom=[staff]).scan("employee EMP-123456")  # [Finding('employee_id', 9, 19, ...)]
"""

from __future__ import annotations

import hashlib
import marshal
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from numbers import Real

import hyperscan

from expunge.detect.context import ConfirmContext, context_word
from expunge.detect.entities import ENTITY_TYPES
from expunge.detect.hits import Hit
from expunge.detect.named_validators import NAMED_VALIDATORS, Check
from expunge.detect.patterns import PatternSpec
from expunge.detect.spans import IS_ALNUM
from expunge.errors import ExpungeError

DEFAULT_SCORE = 0.8
CONTEXT_BOOST = 0.15  # a context word near a match: score + this, unless context_score says
NAME_RULE = re.compile(r"[a-z][a-z0-9_]{0,39}")
HYPERSCAN_SYNTAX = "https://intel.github.io/hyperscan/dev-reference/compilation.html"

Validator = str | Callable[[str], bool]


class PatternError(ExpungeError):
    """A custom entity type that cannot be used; `problem` is the message without the name,
    for a loader that names the file and entry itself."""

    def __init__(self, name: str, problem: str, fix: str) -> None:
        super().__init__(f"custom type {name!r}: {problem}" if name else problem, fix)
        self.problem = problem


@dataclass(frozen=True, slots=True)
class EntityType:
    """A type of personal data the built-ins do not know.

    Exactly one of `regex` (hyperscan syntax: PCRE without back-references or look-around;
    `^`/`$` match at line ends) or `literals` (matched as whole words; `caseless` for any
    case). `validator`: a built-in check by name (NAMED_VALIDATORS) or, from Python, a
    function of the matched text returning True for a real match (a module-level function
    when the scan runs in worker processes). A context word within 40 bytes before or
    24 after a match sets its score to `context_score` (default: score + 0.15, at most 1)."""

    name: str
    regex: str | None = None
    literals: tuple[str, ...] = ()
    caseless: bool = False
    score: float = DEFAULT_SCORE
    context: tuple[str, ...] = ()
    context_score: float | None = None
    validator: Validator | None = None

    def __post_init__(self) -> None:
        # lists are accepted and kept as tuples: the type stays hashable and comparable
        object.__setattr__(self, "literals", _strings(self.name, "literals", self.literals))
        object.__setattr__(self, "context", _strings(self.name, "context", self.context))
        _check(self)

    @property
    def validator_name(self) -> str:
        """What findings of this type say confirmed them."""
        if self.validator is None:
            return "pattern"
        if isinstance(self.validator, str):
            return self.validator
        return getattr(self.validator, "__name__", "custom")

    def key(self) -> str:
        """Everything that decides this type's findings, stable across processes and runs:
        part of an incremental scan's settings fingerprint (a Python validator by its
        module, name and code, so editing it voids old results)."""
        check = self.validator
        described: object = check
        if callable(check):
            code = getattr(check, "__code__", None)
            body = hashlib.sha256(marshal.dumps(code)).hexdigest()[:16] if code else repr(check)
            described = (getattr(check, "__module__", ""), getattr(check, "__qualname__", ""), body)
        fields = (self.name, self.regex, self.literals, self.caseless, self.score, self.context,
                  self.context_score, described)  # fmt: skip
        return repr(fields)


def _strings(name: str, key: str, value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise PatternError(name, f"{key} must be a list of strings", f"write {key}: [a, b]")
    items = tuple(value)
    if not all(isinstance(item, str) and item for item in items):
        raise PatternError(name, f"{key} must hold non-empty strings", f"write {key}: [a, b]")
    return items


def _score(name: str, key: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, Real) or not 0.0 < float(value) <= 1.0:
        raise PatternError(name, f"{key} {value!r} is not a number in (0, 1]", "e.g. 0.8")


def _check(entity: EntityType) -> None:
    name = entity.name
    if not isinstance(name, str) or NAME_RULE.fullmatch(name) is None:
        raise PatternError(
            "",
            f"name {name!r} is not a valid type name",
            "use lower-case letters, digits and _, starting with a letter: employee_id",
        )
    if name in ENTITY_TYPES:
        raise PatternError(
            name, "is a built-in type", "choose another name; built-in: " + ", ".join(ENTITY_TYPES)
        )
    if entity.regex is not None and entity.literals:
        raise PatternError(name, "has both regex and literals", "keep one: a type is either")
    if entity.regex is None and not entity.literals:
        raise PatternError(
            name, "has neither regex nor literals", "add regex: '...' or literals: [a, b]"
        )
    if entity.regex is not None and (not isinstance(entity.regex, str) or not entity.regex):
        raise PatternError(name, "regex must be a non-empty string", "quote it: regex: 'EMP-\\d+'")
    if not isinstance(entity.caseless, bool):
        raise PatternError(
            name, f"caseless {entity.caseless!r} is not true or false", "write caseless: true"
        )
    _score(name, "score", entity.score)
    if entity.context_score is not None:
        _score(name, "context_score", entity.context_score)
        if not entity.context:
            raise PatternError(name, "context_score without context words", "add context: [...]")
    for word in entity.context:
        if context_word(word) is None:
            raise PatternError(
                name,
                f"context word {word!r} is not one word",
                "give single words of letters and digits; they match in any case",
            )
    check = entity.validator
    if (
        check is not None
        and not callable(check)
        and not (isinstance(check, str) and check in NAMED_VALIDATORS)
    ):
        raise PatternError(
            name, f"unknown validator {check!r}", "use one of: " + ", ".join(NAMED_VALIDATORS)
        )
    expressions = _expressions(entity)
    try:
        hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK).compile(
            expressions=[e for e, _ in expressions],
            ids=list(range(len(expressions))),
            elements=len(expressions),
            flags=[f for _, f in expressions],
        )
    except hyperscan.error as error:
        reason = str(error).rstrip(".")
        if "matches empty buffer" in reason:  # hyperscan's own wording names a C flag
            reason = "it can match an empty string"
        raise PatternError(
            name,
            f"hyperscan rejects the regex: {reason}",
            "write it in hyperscan's PCRE subset, without back-references or look-around, "
            f"and matching at least one character: {HYPERSCAN_SYNTAX}",
        ) from None


def _escaped(literal: str) -> bytes:
    """A literal as hyperscan expression bytes: ASCII punctuation as \\xHH, letters as they are."""
    out = bytearray()
    for ch in literal:
        if ch.isascii() and not ch.isalnum():
            out += b"\\x%02x" % ord(ch)
        else:
            out += ch.encode("utf-8")
    return bytes(out)


def _expressions(entity: EntityType) -> list[tuple[bytes, int]]:
    """The hyperscan expressions and flags of a custom type: its regex, or one per literal (an
    alternation of thousands would pass hyperscan's length limit). Start of match is always
    wanted (custom confirmers need the span); non-ASCII patterns are read as UTF-8 (and fold
    case beyond ASCII when caseless), so a class like [äö] means characters, not bytes."""
    base = hyperscan.HS_FLAG_SOM_LEFTMOST | hyperscan.HS_FLAG_MULTILINE
    if entity.caseless:
        base |= hyperscan.HS_FLAG_CASELESS
    unicode = hyperscan.HS_FLAG_UTF8 | (hyperscan.HS_FLAG_UCP if entity.caseless else 0)
    if entity.regex is not None:
        sources = [(entity.regex, entity.regex.encode("utf-8"))]
    else:
        sources = [(literal, _escaped(literal)) for literal in dict.fromkeys(entity.literals)]
    return [(expression, base | (0 if text.isascii() else unicode)) for text, expression in sources]


class CustomConfirm:
    """Confirms one custom type's candidates: the longest end inside the record (for a word
    list, at a word's end), whole words for literals, the validator, the context words."""

    __slots__ = ("_check", "_context_score", "_literal", "_name", "_score", "_validator", "_words")

    def __init__(self, entity: EntityType) -> None:
        self._name = entity.name
        self._score = float(entity.score)
        self._literal = bool(entity.literals)
        self._words = frozenset(w for w in map(context_word, entity.context) if w is not None)
        self._context_score = (
            float(entity.context_score)
            if entity.context_score is not None
            else min(1.0, self._score + CONTEXT_BOOST)
        )
        self._validator = entity.validator_name
        self._check: Check | None = _as_check(entity.validator)

    def __call__(
        self, buf: bytes, start: int, ends: list[int], lo: int, hi: int, scan: ConfirmContext
    ) -> Hit | None:
        if start < lo:  # began in the record before: no match spans two records
            return None
        literal = self._literal
        if literal and IS_ALNUM[buf[start]] and start > lo and IS_ALNUM[buf[start - 1]]:
            return None  # a word list matches whole words: not 'Bluebird' in 'TheBluebird'
        end = -1
        for e in reversed(ends):
            if e > hi:
                continue
            if literal and e < hi and IS_ALNUM[buf[e - 1]] and IS_ALNUM[buf[e]]:
                continue
            end = e
            break
        if end <= start:
            return None
        check = self._check
        if check is not None and not check(buf[start:end].decode("utf-8", "replace"), scan.region):
            return None
        score = self._score
        if self._words and scan.near_words(self._words, start, end, lo, hi):
            score = self._context_score
        return (self._name, start, end, score, self._validator)


def _as_check(validator: Validator | None) -> Check | None:
    if validator is None:
        return None
    if isinstance(validator, str):
        return NAMED_VALIDATORS[validator]
    function = validator
    return lambda text, region: bool(function(text))


def custom_specs(custom: tuple[EntityType, ...]) -> tuple[tuple[PatternSpec, int], ...]:
    """Each custom type's patterns (grouped like multi-end patterns: every end hyperscan
    reports for a start goes to one confirm call) with their hyperscan flags."""
    specs = []
    for entity in custom:
        confirm = CustomConfirm(entity)
        for expression, flags in _expressions(entity):
            spec = PatternSpec(
                entity.name, (entity.name,), expression, confirm, term=0, multi_end=True
            )
            specs.append((spec, flags))
    return tuple(specs)


def check_custom(custom: Iterable[EntityType]) -> tuple[EntityType, ...]:
    """The custom types as a tuple; an error for anything that is not an EntityType or for a
    name given twice."""
    types = tuple(custom)
    seen: set[str] = set()
    for entity in types:
        if not isinstance(entity, EntityType):
            raise TypeError(f"custom types must be EntityType, not {type(entity).__name__}")
        if entity.name in seen:
            raise PatternError(entity.name, "is declared twice", "keep one declaration")
        seen.add(entity.name)
    return types
