"""The one way HTML is written: Jinja2 templates in `tasking/reporting/templates/`.

The CLI's `briefing --html`, the briefing packs and the annual report (`stats --html`, and the
web's `/reports/{year}`) render them here; the web's own templates are loaded beside them
(`tasking.web.pages`), so a page may extend or import these. Autoescape is on, so a value
written without a filter is escaped; the `h` filter escapes as the printed pages always have
(`html.escape`: `&#x27;` and `&quot;`), so a pack reprinted at its position is the same bytes.
"""

from __future__ import annotations

import functools
import re
from html import escape
from typing import Any

import jinja2
from markupsafe import Markup

LOADER = jinja2.PackageLoader("tasking.reporting", "templates")
_HYPHENATED = re.compile(r"\b\w+(?:-\w+)+")


def h(value: Any) -> Markup:
    """Text escaped for HTML, quotes included, in the standard library's spelling."""
    return Markup(escape(str(value)))  # noqa: S704 - escaped on this line


def ref_parts(text: str) -> list[tuple[str, bool]]:
    """Text cut around its references (`CSU-2017-00042`, `PER-00001`) and codes (`youth-nuisance`),
    each marked True, so that a printed page never breaks them at their hyphens (`refs_whole`)."""
    parts, start = [], 0
    for match in _HYPHENATED.finditer(text):
        parts += [(text[start : match.start()], False), (match.group(0), True)]
        start = match.end()
    return [*parts, (text[start:], False)]


@functools.cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=LOADER,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["h"] = h
    env.globals["ref_parts"] = ref_parts
    return env


def share_with(env: jinja2.Environment) -> None:
    """Let another environment (the web's) load these templates after its own, with the `h` filter."""
    env.loader = jinja2.ChoiceLoader([loader for loader in (env.loader, LOADER) if loader is not None])
    env.filters["h"] = h
    env.globals["ref_parts"] = ref_parts


def render(template: str, **context: Any) -> str:
    """The named template, rendered with `context`."""
    return environment().get_template(template).render(**context)
