"""Compact terminal output: verdict lines, then per category a few located sentences with the
cue words in bold (negations underlined)."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from expunge.policy.analyze import CATEGORIES, CATEGORY_TITLES, DocumentAnalysis, Match
from expunge.policy.rules import Cue

SENTENCE_CHARS = 120
QUOTE_CHARS = 100


def shorten(text: str, width: int) -> str:
    """The start of a sentence, cut at a space, with … when cut."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    cut = text.rfind(" ", 0, width)
    return text[: cut if cut > width // 2 else width].rstrip(" ,;:") + "…"


# answer -> style: red where the policy is bad for the reader's privacy, green where good.
_ANSWER_STYLE = {
    ("trains on user content", "yes"): "bold red",
    ("trains on user content", "no"): "bold green",
    ("opt-out for AI training", "yes"): "bold green",
    ("opt-out for AI training", "no"): "bold red",
    ("biometrics", "collected"): "bold red",
    ("biometrics", "no"): "bold green",
    ("shares for AI", "yes"): "bold red",
    ("shares for AI", "no"): "bold green",
}


def print_analysis(console: Console, docs: list[DocumentAnalysis], *, limit: int = 3,
                   show_all: bool = False) -> None:  # fmt: skip
    for number, doc in enumerate(docs):
        if number:
            console.print()
        head = Text(doc.name, style="bold")
        if doc.title and doc.title != doc.path.stem:
            head.append(f" — {doc.title}")
        pages = f", {doc.pages} pages" if doc.pages else ""
        head.append(f"  ({doc.format}{pages}, {doc.sentences} sentences)", style="dim")
        console.print(head)
        quotes = doc.verdict.quotes()
        for question, answer, detail in doc.verdict.lines():
            line = Text(f"  {question:<24} ")
            line.append(answer.replace("_", " "), style=_ANSWER_STYLE.get((question, answer), "yellow"
                        if answer in ("unclear", "no durations stated") else "bold"))  # fmt: skip
            if detail:
                line.append(f"  {detail}", style="dim" if detail.startswith("(") else "")
            console.print(line)
            if quotes.get(question) and answer != "unclear":
                console.print(Text(f"      “{shorten(quotes[question], QUOTE_CHARS)}”",
                                   style="dim italic"))  # fmt: skip
        for category in CATEGORIES:
            found = doc.matches[category]
            if not found:
                continue
            console.print(Text(f"  {CATEGORY_TITLES[category]} ({len(found)})", style="bold cyan"))
            shown = found if show_all else found[:limit]
            for match in shown:
                console.print(_sentence_line(match, full=show_all))
            if len(shown) < len(found):
                console.print(Text(f"    … {len(found) - len(shown)} more (--all shows every one)",
                                   style="dim"))  # fmt: skip


def _sentence_line(match: Match, *, full: bool) -> Text:
    start, end = (0, len(match.text)) if full else window(match.text, match.cues, SENTENCE_CHARS)
    line = Text("    ")
    line.append(match.location, style="dim")
    if match.polarity == "neg":
        line.append(" [denied]", style="green")
    elif match.polarity == "cond":
        line.append(" [only with opt-in/consent]", style="yellow")
    if match.category == "opt_out" and match.ai_related:
        line.append(" [AI]", style="magenta")
    line.append("  ")
    if start > 0:
        line.append("…")
    line.append_text(highlight(match.text, match.cues, start, end))
    if end < len(match.text):
        line.append("…")
    if match.links:
        line.append("\n      → " + ", ".join(match.links), style="blue")
    return line


def window(text: str, cues: tuple[Cue, ...], width: int) -> tuple[int, int]:
    """A slice of at most `width` characters that shows the first cue, cut at spaces."""
    if len(text) <= width:
        return 0, len(text)
    first = min((c.start for c in cues), default=0)
    start = 0 if first < width * 0.6 else max(0, first - width // 3)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start + width // 2 else end
    return start, end


def highlight(text: str, cues: tuple[Cue, ...], start: int, end: int) -> Text:
    out = Text()
    pos = start
    for cue in sorted(cues, key=lambda c: (c.start, -c.end)):
        s, e = max(cue.start, pos), min(cue.end, end)
        if s >= e:
            continue
        out.append(text[pos:s])
        out.append(text[s:e], style="underline green" if cue.kind == "negation" else "bold")
        pos = e
    out.append(text[pos:end])
    return out
