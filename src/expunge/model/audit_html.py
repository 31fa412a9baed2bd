"""The audit report as one offline HTML page a non-expert can read."""

from __future__ import annotations

from expunge.model.audit import (
    CALIBRATION_WORDS,
    KIND_WORDS,
    MEMBERSHIP_SIGNAL_WORDS,
    AuditReport,
)
from expunge.model.mia import SCORE_NAMES, SHORT_NAMES, MembershipReport, ScoreReport
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


def _p(value: float | None) -> str:
    return f"{value:.2g}" if value is not None else "—"


def _membership(report: AuditReport) -> str:
    return "".join(_membership_table(m) for m in report.membership)


def _membership_table(m: MembershipReport) -> str:
    def cell(value: float | None) -> str:
        return f"{value:.2f}" if value is not None else "—"

    signal = m.signal()
    alike = m.calibration == "look-alikes"
    primary = m.primary.name if m.primary else None

    members = m.members > 0

    def row(s: ScoreReport) -> str:
        name = esc(SHORT_NAMES[s.name]) + (
            " <strong>(decides)</strong>" if s.name == primary else ""
        )
        first = (
            f"<td class='n'>{s.rank} of {s.sets}</td><td class='n'>{_p(s.p_higher)}</td>"
            if alike
            else f"<td class='n'>{m.chance(s):.2g}</td>"
        )
        last = f"<td class='n'>{cell(s.auc_members)}</td>" if members else ""
        return (f"<tr><td title='{esc(SCORE_NAMES[s.name])}'>{name}</td>{first}"
                f"<td class='n'>{_rate(s.flagged, m.documents)}</td>"
                f"<td class='n'>{cell(s.auc_documents)}</td>{last}</tr>")  # fmt: skip

    head = (
        "<th class='n'>rank of yours (1 = most like training)</th><th class='n'>p</th>"
        if alike
        else "<th class='n'>chance of that many</th>"
    )
    table = (
        f"<div class='table-wrap'><table><thead><tr><th>score</th>{head}"
        f"<th class='n'>yours above the {m.fpr:.0%} threshold</th>"
        "<th class='n'>AUC: yours vs these texts</th>"
        + ("<th class='n'>AUC: known members vs these</th>" if members else "")
        + f"</tr></thead><tbody>{''.join(row(s) for s in m.scores)}</tbody></table></div>"
    )
    verdict = (f"<p class='note'><span class='{'clean' if signal is None else 'hit'}'>"
               f"{esc(MEMBERSHIP_SIGNAL_WORDS[(m.calibration, signal)])}</span></p>")  # fmt: skip
    how = (
        "Your documents and each made-up person's versions of them are one set each; the sets "
        "are ranked by their mean score, and p is your set's rank over the number of sets. "
        if alike
        else "The chance assumes your documents are independent, which they are not when they "
        "share your identifiers: read it as a lower bound. "
    )
    note = (f"<p class='note'>Calibrated on {fmt_int(m.non_members)} "
            f"{esc(CALIBRATION_WORDS.get(m.calibration, m.calibration))}. {how}Every score is "
            "shown (hover a name for its definition), but the verdict rests on the one marked, "
            "chosen in advance: picking the best afterwards would overstate the signal. AUC 0.5 "
            "is chance, 1.0 perfect separation. "
            f"{esc(m.caveat)}</p>")  # fmt: skip
    title = ("Does the model prefer your real identifiers to made-up ones? (membership)"
             if alike
             else "Was your text in the training data? (membership vs texts not trained on)")  # fmt: skip
    return panel(title, "", table + verdict + note)


def _vocabulary(report: AuditReport) -> str:
    vocab = report.vocabulary
    if not vocab or not vocab["tokens"]:
        return ""
    rows = "".join(
        f"<tr><td>{esc(leak['kind'])}</td><td class='mono'>{esc(leak['masked'])}</td>"
        f"<td class='mono'>{esc(', '.join(t['masked'] for t in leak['tokens']))}</td></tr>"
        for leak in vocab["identifiers"]
    )
    files = ", ".join(f"{f['name']} ({fmt_int(f['entries'])})" for f in vocab["files"])
    table = ("<div class='table-wrap'><table><thead><tr><th>kind</th><th>your identifier</th>"
             f"<th>tokens made from it (masked)</th></tr></thead><tbody>{rows}</tbody></table></div>")  # fmt: skip
    note = (f"<p class='note'>{esc(vocab['summary'])}"
            + (f" Files holding them (entries): {esc(files)}." if files else "")
            + " Unlearning changes the weights, never these files.</p>")  # fmt: skip
    return panel("Does the tokenizer store your identifiers?", "", table + note)


def render_audit(report: AuditReport) -> str:
    leaked = not report.verdict.startswith("no leak")
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
            _vocabulary(report),
            _membership(report),
            _examples(report),
        )
        if part
    )
    return html_document(f"expunge audit — {report.model}", body, EXTRA_CSS)
