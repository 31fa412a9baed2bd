"""The small dataset the web page tests serve: one person in three records, their markup
hostile, and someone else beside them."""

from __future__ import annotations

import json
from pathlib import Path

NAME = "Amara Okafor"
EMAIL = "amara.okafor@example.net"
PHONE = "+44 20 7946 0123"
RECORDS = [
    f'Contact "><img src=x onerror=alert(1)> at {EMAIL} <script>alert("x")</script>',
    f"Contact {NAME} at {EMAIL} tonight.",
    f"Call {NAME} on {PHONE} about the garden.",
    f"{NAME} was at the meeting.",
    "Jane Roe (jane.roe@example.com) wrote the minutes.",
    "Nothing personal in this one.",
]


def write_dataset(root: Path) -> Path:
    data = root / "data"
    data.mkdir()
    for shard in range(2):
        with open(data / f"part-{shard}.jsonl", "w", encoding="utf-8") as out:
            out.writelines(
                json.dumps({"id": f"{shard}-{n}", "text": text}) + "\n"
                for n, text in enumerate(RECORDS if shard == 0 else RECORDS[2:])
            )
    return data
