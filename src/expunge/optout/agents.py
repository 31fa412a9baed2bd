"""AI crawlers: who operates them and what for.

The list is ai.robots.txt's robots.json (MIT, bundled with its LICENSE and SOURCE.md under
expunge/data/ai_robots/). Its `function` field is free text, so each agent's purposes come
from our own table, agent_purposes.json in the same folder: ai-train, search, ai-input
(assistants, user-triggered fetches, retrieval for answers) or other.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

PURPOSES = ("ai-train", "genai-train", "search", "ai-input")
AGENT_PURPOSES = ("ai-train", "search", "ai-input", "other")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")  # '[OpenAI](https://...)' -> 'OpenAI'


@dataclass(frozen=True, slots=True)
class Agent:
    name: str  # the robots.txt product token as the operator documents it
    operator: str
    purposes: tuple[str, ...]
    respects_robots: str  # the list's own words: 'Yes', 'No', 'Unclear at this time.'
    function: str

    @property
    def label(self) -> str:
        """'GPTBot (OpenAI, ai-train)' for verdict lines."""
        return f"{self.name} ({self.operator}, {'/'.join(self.purposes)})"


def _data(name: str) -> str:
    return (resources.files("expunge") / "data" / "ai_robots" / name).read_text("utf-8")


@cache
def agents() -> dict[str, Agent]:
    """Every known AI crawler by lower-case product token."""
    listed = json.loads(_data("robots.json"))
    purposes = json.loads(_data("agent_purposes.json"))
    out: dict[str, Agent] = {}
    for name, info in listed.items():
        operator = _LINK.sub(r"\1", str(info.get("operator", ""))).strip() or "unknown"
        if operator.lower().startswith("unclear"):
            operator = "operator unclear"
        chosen = purposes.get(name, {}).get("purposes") or ["other"]
        out[name.lower()] = Agent(
            name,
            operator,
            tuple(p for p in AGENT_PURPOSES if p in chosen),
            str(info.get("respect", "")),
            str(info.get("function", "")),
        )
    return out
