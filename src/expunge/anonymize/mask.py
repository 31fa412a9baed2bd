"""Masked previews of found values for reports: enough to recognise, never the value.

The `Mask` operator (operators.py) applies them to spans; `expunge.detect.mask` re-exports
`mask`, which the detector package's API has always offered."""

from __future__ import annotations


def _first(value: str) -> str:
    return (value[:1] or "*") + "***"


def _keep_last_digits(value: str, keep: int, skip_prefix: int = 0) -> str:
    """Replace every digit with '*' except the last `keep` ones and the first `skip_prefix`
    characters; separators stay so the shape is recognisable."""
    total = sum(ch.isdigit() for ch in value)
    seen = 0
    out = []
    for i, ch in enumerate(value):
        if ch.isdigit():
            seen += 1
            if i >= skip_prefix and seen <= total - keep:
                out.append("*")
                continue
        out.append(ch)
    return "".join(out)


def _email(value: str) -> str:
    local, _, domain = value.rpartition("@")
    if not local or "." not in domain:
        return _first(value)
    host, _, tld = domain.rpartition(".")
    return f"{_first(local)}@{_first(host)}.{tld}"


def _phone(value: str) -> str:
    prefix = 0
    if value.startswith("+"):  # keep the country code: '+1 ***-***-4567'
        prefix = 1
        while prefix < len(value) and value[prefix].isdigit() and prefix <= 3:
            prefix += 1
    return _keep_last_digits(value, 4, prefix)


def _card(value: str) -> str:
    if not value.isdigit():  # keep the written grouping: '**** ****** *0005' for Amex
        return _keep_last_digits(value, 4)
    masked = "*" * (len(value) - 4) + value[-4:]
    head = len(masked) % 4 or 4  # group from the right: '**** **** **** 1111'
    return " ".join([masked[:head]] + [masked[i : i + 4] for i in range(head, len(masked), 4)])


def _iban(value: str) -> str:
    compact = value.replace(" ", "")
    return f"{compact[:2]}** **** ... {compact[-4:]}" if len(compact) > 8 else _first(value)


def _ip(value: str) -> str:
    if value.count(".") == 3 and ":" not in value:
        a, b, _, _ = value.split(".")
        return f"{a}.{b}.*.*"
    groups = value.split(":")
    return ":".join(groups[:2]) + ":*" if len(groups) > 2 else _first(value)


_MASKERS = {
    "email": _email,
    "phone": _phone,
    "credit_card": _card,
    "iban": _iban,
    "ip_address": _ip,
}


def mask(type: str, value: str) -> str:
    """A preview like 'j***@e***.com', '+1 ***-***-4567', '**** **** **** 1111',
    'DE** **** ... 3000', '192.168.*.*'; other types show the first character and '***'."""
    masked = _MASKERS.get(type, _first)(value)
    if masked != value:
        return masked
    return "[masked]" if value != "[masked]" else "***"
