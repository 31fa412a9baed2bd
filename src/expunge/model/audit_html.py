"""The audit report as one offline HTML page a non-expert can read."""

from __future__ import annotations

from expunge.model.audit import KIND_WORDS, AuditReport
from expunge.model.mia import SCORE_NAMES
from expunge.report._fmt import esc, fmt_int
from expunge.report.page import html_document, panel

EXTRA_CSS = """
.hit { color: var(--accent); font-weight: 650; }
.clean { color: var(--ok); font-weight: 650; }
ul.plain { margin: 0; padding-left: 20px; } ul.plain li { margin: 4px 0; }
.rate { display: inline-flex; align-items: center; gap: 8px; white-space: nowrap; }
.rate .track { display: inline-block; width: 90px; height: 8px; border-radius: 4px;
  background: var(--soft); overflow: hidden; }
.rate .track span { display: block; height: 100%; background: var(--accent); }
"""


def _rate(part: int, whole: int) -> str:
    pct = 100 * part / whole if whole else 0.0
    cls = "hit" if part else "clean"
    return (
        f'<span class="rate"><span><span class="{cls}">{part}</span> of {whole}</span>'
        f'<span class="track"><span style="width:{pct:.0f}%"></span></span></span>'
    )


def _kinds(report: AuditReport) -> str:
    rows = "".join(
        f"<tr><td>{esc(KIND_WORDS[k.kind])}</td><td class='n'>{_rate(k.greedy_hits, k.prompts)}</td>"
        f"<td class='n'>{_rate(k.sample_hits, k.sampled)}</td>"
        f"<td class='n'>{_rate(k.control_hits, k.control_prompts)}</td></tr>"
        for k in report.kinds
    )
    table = (
        "<div class='table-wrap'><table><thead><tr><th>asked for your</th>"
        "<th class='n'>most likely answer gave it</th><th class='n'>sampled answers gave it</th>"
        "<th class='n'>other names' prompts gave it</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></div>"
    )
    note = ("<p class='note'>Prompts are built from your name (e.g. “You can reach NAME at”). "
            "The last column asks the same about fictional people: if your data comes back "
            "there too, the model remembers it without linking it to you.</p>")  # fmt: skip
    return panel("Does the model complete your identifiers?", "", table + note)


def _examples(report: AuditReport) -> str:
    rows = "".join(
        f"<tr><td>{esc(p.prompt)}</td><td>{esc(p.source)}</td><td class='mono'>{esc(p.example)}</td></tr>"
        for p in report.probes
        if p.example
    )
    if not rows:
        return ""
    table = ("<div class='table-wrap'><table><thead><tr><th>prompt</th><th>kind</th>"
             f"<th>an answer that leaked (masked)</th></tr></thead><tbody>{rows}</tbody></table></div>")  # fmt: skip
    return panel("Answers that leaked", "identifiers masked", table, long=True)


def _extraction(report: AuditReport) -> str:
    if not report.extraction:
        return ""
    rows = "".join(
        f"<tr><td class='n'>{e.document + 1}</td><td>{esc(KIND_WORDS[e.kind])}</td>"
        f"<td class='mono'>{esc(e.masked_value)}</td>"
        + (
            f"<td class='hit'>yes, from {e.k} tokens of context</td>"
            if e.k is not None
            else "<td class='clean'>no</td>"
        )
        + "</tr>"
        for e in sorted(report.extraction, key=lambda e: (e.k is None, e.document))
    )
    table = ("<div class='table-wrap'><table><thead><tr><th class='n'>document</th><th>kind</th>"
             f"<th>value</th><th>extracted?</th></tr></thead><tbody>{rows}</tbody></table></div>")  # fmt: skip
    note = (
        "<p class='note'>The model was given the text just before each identifier in your "
        "documents (4 to 128 tokens) and its most likely continuation was checked.</p>"
    )
    return panel("Can your documents' identifiers be extracted?", "", table + note)


def _membership(report: AuditReport) -> str:
    m = report.membership
    if m is None:
        return ""

    def cell(value: float | None) -> str:
        return f"{value:.2f}" if value is not None else "—"

    rows = "".join(
        f"<tr><td>{esc(SCORE_NAMES[s.name])}</td><td class='n'>{s.flagged} of {m.documents}</td>"
        f"<td class='n'>{cell(s.auc_documents)}</td><td class='n'>{cell(s.auc_members)}</td></tr>"
        for s in m.scores
    )
    table = (
        "<div class='table-wrap'><table><thead><tr><th>score</th>"
        f"<th class='n'>your documents above the {m.fpr:.0%} false-positive threshold</th>"
        "<th class='n'>AUC: your documents vs non-members</th>"
        "<th class='n'>AUC: known members vs non-members</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></div>"
    )
    note = (f"<p class='note'>Calibrated on {fmt_int(m.non_members)} texts known not to be in "
            f"training. AUC 0.5 is chance, 1.0 perfect separation. {esc(m.caveat)}</p>")  # fmt: skip
    return panel("Was your text in the training data? (membership inference)", "", table + note)


def render_audit(report: AuditReport) -> str:
    leaked = report.verdict.startswith("leaks")
    head = (
        '<header class="top"><div><div class="brand">expunge · model audit</div>'
        f'<h1 class="mono">{esc(report.model)}</h1></div>'
        f'<div class="when">{fmt_int(report.parameters)} parameters · profile “{esc(report.subject)}”'
        f" · {report.seconds:.1f} s</div></header>"
    )
    lines = "".join(f"<li>{esc(line)}</li>" for line in report.findings)
    headline = (
        f'<div class="headline {"pii" if leaked else "ok"}"><p class="lead">'
        f'<strong class="{"hit" if leaked else "clean"}">{esc(report.verdict)}</strong></p>'
        f'<ul class="plain sub">{lines}</ul></div>'
    )
    body = "\n".join(
        part
        for part in (
            head,
            headline,
            _kinds(report),
            _extraction(report),
            _membership(report),
            _examples(report),
        )
        if part
    )
    return html_document(f"expunge audit — {report.model}", body, EXTRA_CSS)
