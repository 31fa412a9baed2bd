"""Confirmers for crypto_wallet and secret (Monero is not covered: its 95-char base58 shape
has no literal to anchor on and costs the scan more than it is worth)."""

from __future__ import annotations

import base64
import binascii
import re

from expunge.detect.context import ConfirmContext
from expunge.detect.hits import Hit
from expunge.detect.spans import IS_ALNUM, glued_left, glued_right
from expunge.detect.validators import (
    bech32_segwit_ok,
    btc_base58_ok,
    eth_checksum_state,
    looks_random,
)


def _clean(buf: bytes, s: int, e: int, lo: int, hi: int) -> str | None:
    if glued_left(buf, s, lo) or glued_right(buf, e, hi):
        return None
    return buf[s:e].decode("ascii")


_B58_BACK = re.compile(rb"[1-9A-HJ-NP-Za-km-z]{1,36}")  # on reversed bytes


def btc_legacy(
    buf: bytes, s: int, ends: list[int], lo: int, hi: int, run: ConfirmContext
) -> Hit | None:
    """crypto_wallet BTC P2PKH/P2SH: base58check (version byte + double-SHA256 checksum)."""
    m = _B58_BACK.match(buf[max(lo, ends[-1] - 36) : ends[-1]][::-1])
    if m is None:
        return None
    s = ends[-1] - m.end()
    text = _clean(buf, s, ends[-1], lo, hi)
    if text is None or not btc_base58_ok(text):
        return None
    return ("crypto_wallet", s, ends[-1], 0.95, "base58check")


def btc_bech32(
    buf: bytes, s: int, ends: list[int], lo: int, hi: int, run: ConfirmContext
) -> Hit | None:
    """crypto_wallet BTC segwit bc1...: bech32 (v0) / bech32m (v1+) checksum."""
    text = _clean(buf, s, ends[-1], lo, hi)
    if text is None or not bech32_segwit_ok(text):
        return None
    return ("crypto_wallet", s, ends[-1], 0.95, "bech32")


def eth(buf: bytes, s: int, ends: list[int], lo: int, hi: int, run: ConfirmContext) -> Hit | None:
    """crypto_wallet ETH 0x+40 hex: mixed case must pass EIP-55 (Keccak); single case is
    accepted on the pattern (no checksum exists to check)."""
    s = ends[-1] - 42
    text = _clean(buf, s, ends[-1], lo, hi)
    if text is None:
        return None
    state = eth_checksum_state(text)
    if state == "invalid":
        return None
    if state == "valid":
        return ("crypto_wallet", s, ends[-1], 0.95, "eip55")
    return ("crypto_wallet", s, ends[-1], 0.75, "pattern")


def _token(
    buf: bytes,
    s: int,
    e: int,
    lo: int,
    hi: int,
    body_from: int,
    score: float,
    validator: str,
    min_entropy: float = 3.0,
) -> Hit | None:
    if glued_left(buf, s, lo) or (e < hi and (IS_ALNUM[buf[e]] or buf[e] in b"_-")):
        return None
    body = buf[s + body_from : e].decode("ascii")
    if not looks_random(body, min_entropy):
        return None
    return ("secret", s, e, score, validator)


def aws_key_id(
    buf: bytes, s: int, ends: list[int], lo: int, hi: int, run: ConfirmContext
) -> Hit | None:
    """secret AWS access key id: AKIA/ASIA/... + 16 upper-case base32, not a doc placeholder."""
    return _token(buf, ends[-1] - 20, ends[-1], lo, hi, 4, 0.95, "aws-key-id", 2.5)


_AWS_SECRET_VALUE = re.compile(
    rb"(?:[ _-]?(?:access[ _-]?)?key)?[\s:=\"'`]{1,6}([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])",
    re.IGNORECASE,
)


def aws_secret(
    buf: bytes, s: int, ends: list[int], lo: int, hi: int, run: ConfirmContext
) -> Hit | None:
    """secret AWS secret access key: 40 base64 chars right after an aws/secret key name."""
    e = ends[-1]
    # skip the rest of an identifier like aws_secret_access_key / AWS_SECRET_KEY
    while e < hi and (IS_ALNUM[buf[e]] or buf[e] == 0x5F):
        e += 1
    m = _AWS_SECRET_VALUE.match(buf, e, min(hi, e + 60))
    if m is None:
        return None
    value = m.group(1).decode("ascii")
    if not looks_random(value, 4.0) or value.isalpha() or value.isdigit():
        return None
    return ("secret", m.start(1), m.end(1), 0.95, "aws-secret+context")


def github(
    buf: bytes, s: int, ends: list[int], lo: int, hi: int, run: ConfirmContext
) -> Hit | None:
    """secret GitHub token ghp_/gho_/ghu_/ghs_/ghr_/github_pat_ with a random body."""
    body_from = 11 if buf[s : s + 11] == b"github_pat_" else 4
    return _token(buf, s, ends[-1], lo, hi, body_from, 0.95, "github-token")


def google_api(
    buf: bytes, s: int, ends: list[int], lo: int, hi: int, run: ConfirmContext
) -> Hit | None:
    """secret Google API key: AIza + 35 chars."""
    return _token(buf, ends[-1] - 39, ends[-1], lo, hi, 4, 0.9, "google-api-key")


def slack_token(
    buf: bytes, s: int, ends: list[int], lo: int, hi: int, run: ConfirmContext
) -> Hit | None:
    """secret Slack token xox[abprs]-...; placeholders like xoxb-your-token fail the entropy test."""
    return _token(buf, s, ends[-1], lo, hi, 5, 0.95, "slack-token")


_OPENAI_PREFIXES = (b"sk-proj-", b"sk-svcacct-", b"sk-admin-", b"sk-")


def openai_key(
    buf: bytes, s: int, ends: list[int], lo: int, hi: int, run: ConfirmContext
) -> Hit | None:
    """secret OpenAI-style sk-/sk-proj- key: long and random (sk-XXXX..., sk-your-key fail)."""
    e = ends[-1]
    head = buf[s : s + 12]
    body_from = next(len(p) for p in _OPENAI_PREFIXES if head.startswith(p))
    if e - s - body_from < 20:
        return None
    return _token(buf, s, e, lo, hi, body_from, 0.9, "api-key-entropy", 3.5)


def stripe(
    buf: bytes, s: int, ends: list[int], lo: int, hi: int, run: ConfirmContext
) -> Hit | None:
    """secret Stripe live key sk_live_/rk_live_."""
    return _token(buf, s, ends[-1], lo, hi, 8, 0.95, "stripe-key")


_KEY_END = re.compile(rb"-----END [A-Z0-9 ]{0,40}PRIVATE KEY-----")


def private_key(
    buf: bytes, s: int, ends: list[int], lo: int, hi: int, run: ConfirmContext
) -> Hit | None:
    """secret PEM private key: the BEGIN line, extended to the END line when present."""
    e = ends[-1]
    s = buf.rfind(b"-----BEGIN", max(lo, e - 60), e)
    if buf[e : e + 5] == b"-----":
        e += 5
    m = _KEY_END.search(buf, e, min(hi, e + 16_384))
    body = buf[e : m.start() if m else min(hi, e + 200)]
    if b"..." in body[:80] or _KEY_LINE.search(body) is None:
        return None  # a header alone ('_SK_START = b"-----BEGIN ...'), an elided example
    return ("secret", s, m.end() if m else e, 1.0 if m else 0.9, "pem-block")


# Key material: a line of base64 (PEM wraps at 64; OpenSSH at 70).
_KEY_LINE = re.compile(rb"[A-Za-z0-9+/=]{40,}")


def _b64url_json(part: bytes) -> bytes | None:
    try:
        return base64.urlsafe_b64decode(part + b"=" * (-len(part) % 4))
    except (binascii.Error, ValueError):
        return None


def jwt(buf: bytes, s: int, ends: list[int], lo: int, hi: int, run: ConfirmContext) -> Hit | None:
    """secret JWT: three base64url parts, header and payload decode to JSON objects."""
    e = ends[-1]
    while e > s and buf[e - 1] == 0x2E:
        e -= 1
    if glued_left(buf, s, lo):
        return None
    parts = buf[s:e].split(b".")
    if len(parts) != 3:
        return None
    header, payload = _b64url_json(parts[0]), _b64url_json(parts[1])
    if header is None or payload is None or not header.startswith(b"{") or b'"alg"' not in header:
        return None
    if not payload.lstrip().startswith(b"{"):
        return None
    return ("secret", s, e, 0.95, "jwt")
