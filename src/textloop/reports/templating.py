"""The Jinja2 environment for report templates, with autoescaping always on.

Reports show user text (labels, run names, raw examples that may contain markup), so every
value is escaped unless a template explicitly inlines trusted markup such as a plot's SVG.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

MISSING = "—"
_BREAK_AFTER = re.compile(r"([_/.-])")


@lru_cache(maxsize=1)
def environment() -> Environment:
    """One shared environment: templates are compiled once per process."""
    env = Environment(loader=PackageLoader("textloop.reports", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = number
    env.filters["pct"] = percent
    env.filters["breakable"] = breakable
    return env


def render(template: str, **values: Any) -> str:
    """Render a template from ``reports/templates`` with ``values``."""
    return environment().get_template(template).render(**values)


def number(value: float | int | None, digits: int = 3) -> str:
    """Fixed decimals for floats, thousands separators for ints, a dash for undefined."""
    if value is None:
        return MISSING
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return f"{value:.{digits}f}"


def percent(value: float | None, digits: int = 1) -> str:
    """A share as a percentage, a dash for undefined."""
    return MISSING if value is None else f"{value:.{digits}%}"


def breakable(text: Any) -> Markup:
    """Escaped text that may wrap after ``_ / . -``, so long label names fit table columns.

    The text is escaped first; the inserted ``<wbr>`` tags cannot land inside an entity
    because escaped entities contain none of those characters.
    """
    return Markup(_BREAK_AFTER.sub(r"\1<wbr>", str(escape(str(text)))))
