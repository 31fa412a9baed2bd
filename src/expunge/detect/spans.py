"""Byte-level helpers shared by the confirmers: character classes and boundary checks.

Candidates are confirmed on the UTF-8 scan buffer (offsets map back to characters only for
the few that survive), so these look at single bytes; any byte >= 0x80 counts as a letter,
which keeps a match from starting or ending in the middle of a non-ASCII word.
"""

from __future__ import annotations


def _table(chars: bytes, high: bool = False) -> bytes:
    return bytes(1 if (i in chars or (high and i >= 0x80)) else 0 for i in range(256))


DIGITS = b"0123456789"
LETTERS = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
IS_DIGIT = _table(DIGITS)
IS_ALNUM = _table(DIGITS + LETTERS, high=True)  # non-ASCII letters count as "glued"
IS_ALPHA = _table(LETTERS, high=True)


def prev_byte(buf: bytes, start: int, lo: int) -> int:
    """Byte before `start` inside the record, or 0x0A (a neutral separator) at its start."""
    return buf[start - 1] if start > lo else 0x0A


def next_byte(buf: bytes, end: int, hi: int) -> int:
    """Byte at `end` inside the record, or 0x0A at its end."""
    return buf[end] if end < hi else 0x0A


IS_HEX = _table(DIGITS + b"abcdefABCDEF")


def escape_before(buf: bytes, start: int, lo: int) -> bool:
    """A URL escape ('%20', '%2C', '%3D') ends right before `start`: a separator in URLs,
    query strings and logs, not part of the token that follows."""
    return (
        start - 3 >= lo
        and buf[start - 3] == 0x25
        and IS_HEX[buf[start - 2]] == 1 == IS_HEX[buf[start - 1]]
    )


def alnum_before(buf: bytes, i: int, lo: int) -> bool:
    """A letter or digit of a word ends at `i`: ASCII, or a two-byte UTF-8 letter (é, ж, α).
    Characters of three or four bytes (Chinese, Japanese, Korean, fullwidth punctuation)
    separate: those scripts write '我的电话号是+447700900397' without spaces."""
    if i <= lo:
        return False
    c = buf[i - 1]
    if c < 0x80:
        return IS_ALNUM[c] == 1
    j = i - 1
    while j > lo and 0x80 <= buf[j] < 0xC0 and i - j < 4:
        j -= 1
    return buf[j] < 0xE0


def alnum_after(buf: bytes, i: int, hi: int) -> bool:
    """`alnum_before` for the character that starts at `i`."""
    return i < hi and IS_ALNUM[buf[i]] == 1 and buf[i] < 0xE0


def glued_left(buf: bytes, start: int, lo: int) -> bool:
    """A letter/digit right before: the candidate is part of a bigger token (not when it is
    the end of a URL escape like '%20')."""
    return alnum_before(buf, start, lo) and not escape_before(buf, start, lo)


def glued_right(buf: bytes, end: int, hi: int) -> bool:
    return alnum_after(buf, end, hi)


TRAILING_PUNCT = b".,;:!?)]}'\"*>"


def strip_trailing(buf: bytes, start: int, end: int) -> int:
    """End after dropping sentence punctuation; a ')' stays when the span opened one."""
    while end > start and buf[end - 1] in TRAILING_PUNCT:
        if buf[end - 1] == 0x29 and buf.count(b"(", start, end) > buf.count(b")", start, end - 1):
            break
        end -= 1
    return end
