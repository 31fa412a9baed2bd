"""The wording of request letters, follow-ups and complaint drafts, as template files.

The texts live in `expunge/data/templates/` (Jinja2), one file per letter kind, so a lawyer or
translator can review and change them without reading Python; `letters.py` and `tracker.py`
keep only the decisions (which law, addressee, period and paragraphs) and hand them over as a
small typed context. Templates are plain text: no HTML escaping, an undefined variable is an
error (never an empty string in a letter), and a file's final newline is kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from datetime import date
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, TemplateNotFound

from expunge.errors import ExpungeError

PACKAGE = "expunge"
TEMPLATE_DIR = "data/templates"  # inside the package, shipped as package data
_MONTHS = "January February March April May June July August September October November December"


def long_date(day: date) -> str:
    """'2 March 2026': the date as the drafts write it."""
    return f"{day.day} {_MONTHS.split()[day.month - 1]} {day.year}"


@cache
def environment() -> Environment:
    """The one template environment. Loaded through the package (`PackageLoader`), so it
    works from a source tree and from an installed wheel alike."""
    env = Environment(
        loader=PackageLoader(PACKAGE, TEMPLATE_DIR),
        undefined=StrictUndefined,
        autoescape=False,  # letters are text, not HTML
        keep_trailing_newline=True,
        trim_blocks=True,  # a line holding only a {% tag %} leaves nothing behind
        lstrip_blocks=True,
    )
    env.filters["long_date"] = long_date
    return env


def template_names() -> list[str]:
    """Every template shipped, as names `render` accepts ('letters/gdpr/access.j2', ...)."""
    return sorted(name for name in environment().list_templates() if name.endswith(".j2"))


def context_of(context: object) -> dict[str, Any]:
    """A context dataclass as template variables (one level: nested records stay objects, so
    the templates read their attributes)."""
    if is_dataclass(context) and not isinstance(context, type):
        return {f.name: getattr(context, f.name) for f in fields(context)}
    if isinstance(context, Mapping):
        return dict(context)
    raise TypeError(f"a template context is a dataclass or a mapping, not {type(context)!r}")


def render(name: str, context: object) -> str:
    """Template `name` filled from `context` (a dataclass or a mapping)."""
    try:
        template = environment().get_template(name)
    except TemplateNotFound as error:
        raise ExpungeError(
            f"the letter template {name} is missing from the installed package",
            "reinstall expunge",
        ) from error
    return template.render(context_of(context))
