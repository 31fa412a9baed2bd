"""Self-contained HTML report for `expunge policy analyze`.

Same look and the same safety rules as the scan report (expunge.report.html): inline CSS, no
script, a Content-Security-Policy that loads nothing, and every string that comes from a policy
(sentences, headings, titles, file names, link targets) goes through `esc`. Only http(s) and
mailto targets become links; anything else is shown as text.
"""

from __future__ import annotations

from datetime import UTC, datetime

from expunge import __version__
from expunge.policy.analyze import CATEGORIES, CATEGORY_TITLES, DocumentAnalysis, Match
from expunge.policy.lexicon import BIPA_NAMES
from expunge.policy.rules import Cue
from expunge.report._fmt import esc
from expunge.report._style import CSS

__all__ = ["render_policy_report"]

_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'"

CATEGORY_HELP = {
    "ai_training": "Sentences on using your content, inputs or personal data to train, fine-tune, "
    "develop or improve AI / machine-learning models (including denials).",
    "metadata": "Data collected about you or your device: identifiers, IP address, location, "
    "browser, logs, cookies, account and payment data.",
    "biometrics": "Face geometry, voiceprints, fingerprints, iris scans and other biometric "
    "identifiers, and the Illinois BIPA §15 duties.",
    "opt_out": "Ways to opt out, withdraw consent, object or switch a setting off, and opt-in or "
    "consent requirements.",
    "retention": "How long data is kept, and when it is deleted or destroyed.",
    "ai_sharing": "Sharing, selling or licensing data to others for AI or machine-learning "
    "purposes.",
}

# (question, answer) -> badge class: bad for the reader's privacy, good, or neutral.
_BADGE = {
    ("trains on user content", "yes"): "bad", ("trains on user content", "no"): "good",
    ("trains on user content", "unclear"): "warn",
    ("opt-out for AI training", "yes"): "good", ("opt-out for AI training", "no"): "bad",
    ("biometrics", "collected"): "bad", ("biometrics", "no"): "good",
    ("shares for AI", "yes"): "bad", ("shares for AI", "no"): "good",
}  # fmt: skip

_EXTRA_CSS = """
.intro { color: var(--muted); margin: 0 0 16px; max-width: 60em; }
.overview td.doc a { color: var(--fg); font-weight: 600; }
.verdicts { display: grid; grid-template-columns: repeat(auto-fit, minmax(165px, 1fr));
  gap: 10px; margin: 4px 0 6px; }
.vcard { border: 1px solid var(--line); border-radius: 10px; padding: 10px 14px 12px;
  background: #fbfcfd; min-width: 0; }
.vcard .q { font-size: 12px; font-weight: 650; letter-spacing: .05em; text-transform: uppercase;
  color: var(--muted); }
.vcard .a { margin-top: 6px; }
.vcard .d { font-size: 13px; color: var(--muted); margin-top: 6px; overflow-wrap: anywhere; }
.vcard .d a { color: #1f4f99; }
.vcard q.quote { display: block; font-style: italic; color: var(--fg); }
.answer { display: inline-block; font-weight: 700; font-size: 15px; padding: 2px 12px;
  border-radius: 999px; background: var(--soft); color: var(--fg); }
.answer.bad { background: #fde7e5; color: #a1170d; }
.answer.good { background: #e3f4e8; color: #136b32; }
.answer.warn { background: var(--warn-bg); color: var(--warn-fg); }
.durations { font-weight: 650; font-size: 15px; }
.answer.small { font-size: 12.5px; padding: 1px 9px; }
.cat { margin-top: 22px; }
.cat .help { color: var(--muted); font-size: 13px; margin: 0 0 8px; }
ol.sents { list-style: none; margin: 0; padding: 0; border: 1px solid var(--line);
  border-radius: 8px; }
ol.sents li { padding: 9px 12px; border-bottom: 1px solid var(--line); }
ol.sents li:last-child { border-bottom: 0; }
ol.sents li:nth-child(even) { background: #fafbfc; }
.loc { font-family: var(--mono); font-size: 12px; color: var(--muted); overflow-wrap: anywhere; }
.sent { margin: 3px 0 0; overflow-wrap: anywhere; }
mark { background: #fff1b8; color: inherit; border-radius: 3px; padding: 0 2px; }
mark.neg { background: #d3f0dc; text-decoration: underline; }
.tag { display: inline-block; font-family: var(--sans); font-size: 11px; font-weight: 650;
  padding: 0 7px; border-radius: 999px; margin-left: 6px; vertical-align: 1px; }
.tag.neg { background: #e3f4e8; color: #136b32; }
.tag.cond { background: var(--warn-bg); color: var(--warn-fg); }
.tag.ai { background: #efe5fb; color: #5b2a99; }
.tag.dur { background: #e6eefc; color: #1f4f99; }
.cues { font-size: 12px; color: var(--faint); margin-top: 2px; }
.links { margin: 8px 0 0; font-size: 13px; }
.links ul { margin: 4px 0 0; padding-left: 18px; }
.links li { overflow-wrap: anywhere; }
.links a { color: #1f4f99; }
.none { color: var(--faint); font-size: 13.5px; margin: 0; }
"""


def render_policy_report(docs: list[DocumentAnalysis]) -> str:
    """One complete, offline HTML page for the analysed policies."""
    title = docs[0].name if len(docs) == 1 else f"{len(docs)} privacy policies"
    parts = [_header(title), _intro()]
    if len(docs) > 1:
        parts.append(_overview(docs))
    parts += [_document(number, doc) for number, doc in enumerate(docs, 1)]
    parts.append(_footer())
    return (
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="color-scheme" content="light">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{esc('expunge policy analysis — ' + title)}</title>\n"
        f"<style>{CSS}{_EXTRA_CSS}</style>\n</head>\n"
        f"<body>\n<main>\n{''.join(parts)}\n</main>\n</body>\n</html>\n"
    )


def _header(title: str) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        '<header class="top"><div><div class="brand">expunge · privacy-policy analysis</div>'
        f'<h1 class="mono">{esc(title)}</h1></div><div class="when">generated {when}</div>'
        "</header>"
    )


def _intro() -> str:
    return (
        '<p class="intro">What these policies say about AI training, the data collected about '
        "you, biometrics, opting out, how long data is kept and sharing for AI. The answers come "
        "from word patterns, not from a lawyer: each one names the sentence it rests on, and the "
        "words that triggered it are highlighted, so you can check.</p>"
    )


def _answer(question: str, answer: str, *, small: bool = False) -> str:
    cls = _BADGE.get((question, answer), "")
    size = " small" if small else ""
    return f'<span class="answer {cls}{size}">{esc(answer.replace("_", " "))}</span>'


def _overview(docs: list[DocumentAnalysis]) -> str:
    rows = []
    for number, doc in enumerate(docs, 1):
        cells = [f'<td class="doc"><a href="#doc-{number}">{esc(doc.name)}</a></td>']
        for question, answer, _ in doc.verdict.lines():
            if question == "retention":
                cells.append(f"<td>{esc(answer)}</td>")
            else:
                cells.append(f"<td>{_answer(question, answer, small=True)}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    head = "".join(f"<th>{h}</th>" for h in ("Policy", "Trains on your content",
                                              "AI opt-out", "Biometrics", "Shares for AI",
                                              "Retention"))  # fmt: skip
    return (
        '<section class="panel"><div class="panel-head"><h2>Overview</h2></div>'
        f'<div class="table-wrap"><table class="overview"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div></section>"
    )


def _document(number: int, doc: DocumentAnalysis) -> str:
    pages = f" · {doc.pages} pages" if doc.pages else ""
    facts = f"{esc(doc.path)} · {esc(doc.format)}{pages} · {doc.sentences} sentences"
    heading = doc.title or doc.name
    cards = "".join(_verdict_card(q, a, d, doc) for q, a, d in doc.verdict.lines())
    body = f'<div class="verdicts">{cards}</div>'
    body += "".join(_category(category, doc.matches[category]) for category in CATEGORIES)
    return (
        f'<section class="panel long" id="doc-{number}"><div class="panel-head">'
        f'<h2>{esc(heading)}</h2><p class="mono">{facts}</p></div>{body}</section>'
    )


def _verdict_card(question: str, answer: str, detail: str, doc: DocumentAnalysis) -> str:
    verdict = doc.verdict
    key = {"trains on user content": "trains_on_user_content",
           "opt-out for AI training": "ai_opt_out", "biometrics": "biometrics",
           "shares for AI": "shares_for_ai", "retention": "retention"}[question]  # fmt: skip
    lines = []
    if question == "opt-out for AI training" and verdict.opt_out_links:
        lines.append("Where: " + ", ".join(_link(u) for u in verdict.opt_out_links))
    if question == "biometrics" and answer == "collected":
        present = ", ".join(f"({e}) {BIPA_NAMES[e]}" for e in verdict.bipa_present) or "none"
        missing = ", ".join(f"({e}) {BIPA_NAMES[e]}" for e in verdict.bipa_missing) or "none"
        lines.append(f"Illinois BIPA §15 duties stated: {present}. Not found: {missing}.")
    if key in verdict.evidence:
        lines.append("Based on " + esc(verdict.evidence[key]))
        if verdict.evidence_text.get(key):
            lines.append(f'<q class="quote">{esc(verdict.evidence_text[key])}</q>')
    elif question != "retention":
        lines.append("No sentence on this was found.")
    value = (
        f'<span class="durations">{esc(answer)}</span>' if question == "retention"
        else _answer(question, answer)
    )  # fmt: skip
    details = "".join(f'<div class="d">{line}</div>' for line in lines)
    return (
        f'<div class="vcard"><div class="q">{esc(question)}</div><div class="a">{value}</div>'
        f"{details}</div>"
    )


def _category(category: str, matches: list[Match]) -> str:
    count = f"{len(matches)} sentence{'s' if len(matches) != 1 else ''}"
    head = (
        f'<div class="group-head"><h3>{esc(CATEGORY_TITLES[category])}</h3>'
        f'<code>{category}</code><span class="count">{count}</span></div>'
        f'<p class="help">{esc(CATEGORY_HELP[category])}</p>'
    )
    if not matches:
        return f'<div class="cat">{head}<p class="none">No sentences found.</p></div>'
    items = "".join(_sentence(m) for m in matches)
    links = list(dict.fromkeys(u for m in matches for u in m.links))
    link_list = ""
    if links:
        link_list = (
            '<div class="links"><strong>Links and settings named here</strong><ul>'
            + "".join(f"<li>{_link(u)}</li>" for u in links)
            + "</ul></div>"
        )
    return f'<div class="cat">{head}<ol class="sents">{items}</ol>{link_list}</div>'


def _sentence(match: Match) -> str:
    tags = []
    if match.polarity == "neg":
        tags.append('<span class="tag neg">denied</span>')
    elif match.polarity == "cond":
        tags.append('<span class="tag cond">only with opt-in / consent</span>')
    if match.category == "opt_out" and match.ai_related:
        tags.append('<span class="tag ai">about AI</span>')
    if match.category == "opt_out" and match.opt_in_only:
        tags.append('<span class="tag cond">opt-in / consent</span>')
    for duration in match.durations:
        tags.append(f'<span class="tag dur">{esc(duration)}</span>')
    if match.bipa:
        tags.append(f'<span class="tag ai">BIPA ({esc(", ".join(match.bipa))})</span>')
    cues = ", ".join(esc(w) for w in match.cue_words())
    return (
        f'<li><div class="loc">{esc(match.location)}{"".join(tags)}</div>'
        f'<p class="sent">{_marked(match.text, match.cues)}</p>'
        f'<div class="cues">matched: {cues}</div></li>'
    )


def _marked(text: str, cues: tuple[Cue, ...]) -> str:
    out = []
    pos = 0
    for cue in sorted(cues, key=lambda c: (c.start, -c.end)):
        start = max(cue.start, pos)
        if start >= cue.end:
            continue
        out.append(esc(text[pos:start]))
        cls = ' class="neg"' if cue.kind == "negation" else ""
        out.append(f"<mark{cls}>{esc(text[start : cue.end])}</mark>")
        pos = cue.end
    out.append(esc(text[pos:]))
    return "".join(out)


def _link(target: str) -> str:
    lowered = target.lower()
    if lowered.startswith(("http://", "https://", "mailto:")):
        shown = target[7:] if lowered.startswith("mailto:") else target
        return f'<a href="{esc(target)}" rel="noopener noreferrer">{esc(shown)}</a>'
    if lowered.startswith("www."):
        return f'<a href="https://{esc(target)}" rel="noopener noreferrer">{esc(target)}</a>'
    return f"<code>{esc(target)}</code>"


def _footer() -> str:
    return (
        f"<footer><p>Generated by expunge {esc(__version__)} (policy analyze). The rules are "
        "word patterns: a missing answer means no matching sentence was found, not that the "
        "policy is silent.</p><p>This page is self-contained and loads nothing from the "
        "network.</p></footer>"
    )
