"""The frame every expunge HTML report shares: one offline file, strict CSP, inlined CSS."""

from __future__ import annotations

from expunge.report._fmt import esc
from expunge.report._style import CSS

# No scripts, no network: the report is safe to open even though it quotes untrusted text.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'"


def html_document(title: str, body: str, extra_css: str = "") -> str:
    return (
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="color-scheme" content="light">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{esc(title)}</title>\n<style>{CSS}{extra_css}</style>\n</head>\n"
        f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def panel(title: str, head_note: str, content: str, *, long: bool = False) -> str:
    """A titled section; `long` panels may break across printed pages."""
    cls = "panel long" if long else "panel"
    note = f"<p>{head_note}</p>" if head_note else ""
    return (
        f'<section class="{cls}"><div class="panel-head"><h2>{title}</h2>{note}</div>'
        f"{content}</section>"
    )
