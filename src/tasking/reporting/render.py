"""Render a briefing for people: a terminal table, Markdown, or a printable HTML page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from markupsafe import Markup
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from tasking.reporting import jinja
from tasking.reporting.sections import SECTIONS, cell
from tasking.reporting.text import local_text, markdown_text
from tasking.time.instants import LONDON, local_time

DEFAULT_MARKING = "OFFICIAL-SENSITIVE"


def page_mark(brief: dict[str, Any], marking: str = DEFAULT_MARKING, printed_at: dt.datetime | None = None) -> str:
    """What every printed page carries: the protective marking, the meeting and its window, the print time."""
    printed = f" · Printed {local_time(printed_at)}" if printed_at is not None else ""
    return f"{marking} · {title(brief)} · {window_text(brief)}{printed}"


def title(brief: dict[str, Any]) -> str:
    meeting = dt.datetime.fromisoformat(brief["meeting"]).astimezone(LONDON)
    return f"Daily tasking meeting {meeting:%A %d %B %Y %H:%M}"


def window_text(brief: dict[str, Any]) -> str:
    """The window, and why it is longer than usual when it is (a missed day, a historic pack)."""
    window = brief["window"]
    why = f" ({window['why']})" if window.get("why") else ""
    return f"Reports received after {local_text(window['from'])}{why} up to {local_text(window['to'])}"


def _longest_word(texts: list[str]) -> int:
    return max((len(word) for text in texts for word in text.split()), default=1)


def section_table(key: str, rows: list[dict[str, Any]], width: int | None = None) -> Table | Group:
    """One briefing section as a table; `feedback-owed` and `repeats` print the same tables.

    Every column is at least as wide as its longest word, so no word or reference is split; when
    that cannot fit `width` (a narrow terminal), each row is printed as a block of `name: value`
    lines instead, so no box is broken either."""
    heading, columns = next((heading, columns) for k, heading, columns in SECTIONS if k == key)
    cells = [[cell(row, getter) for _, getter in columns] for row in rows]
    minimums = [_longest_word([name] + [line[i] for line in cells]) for i, (name, _) in enumerate(columns)]
    if width is not None and sum(minimums) + 3 * len(columns) + 1 > width:  # first leave out empty columns
        kept = [i for i in range(len(columns)) if any(line[i] for line in cells)]
        columns, minimums = [columns[i] for i in kept], [minimums[i] for i in kept]
        cells = [[line[i] for i in kept] for line in cells]
    if width is not None and sum(minimums) + 3 * len(columns) + 1 > width:
        return _section_blocks(f"{heading} ({len(rows)})", columns, rows, cells)
    table = Table(title=f"{heading} ({len(rows)})", title_justify="left", expand=False)
    widths = _fitted_widths(
        [[name] + [line[i] for line in cells] for i, (name, _) in enumerate(columns)], minimums, width
    )
    for (name, _), fitted in zip(columns, widths, strict=True):
        table.add_column(name, overflow="fold", no_wrap=name == "Case", width=fitted)
    for row, line in zip(rows, cells, strict=True):  # text, never markup
        table.add_row(*(Text(cell) for cell in line), style="bold red" if row.get("risk") == "high" else None)
    return table


def _fitted_widths(texts: list[list[str]], minimums: list[int], width: int | None) -> list[int | None]:
    """Column widths that fit `width`: each column its natural width if all fit, else its longest
    word plus a share of the room left in proportion to what it would like more."""
    natural = [max(len(text) for text in column) for column in texts]
    room = (width or 0) - 3 * len(texts) - 1
    if width is None or sum(natural) <= room:
        return [None] * len(texts)
    spare, wants = room - sum(minimums), [n - m for n, m in zip(natural, minimums, strict=True)]
    return [minimum + spare * want // max(sum(wants), 1) for minimum, want in zip(minimums, wants, strict=True)]


def _section_blocks(
    title_text: str, columns: list[tuple[str, Any]], rows: list[dict[str, Any]], cells: list[list[str]]
) -> Group:
    """A section for a narrow terminal: a block per row, a `name: value` line per filled cell."""
    parts: list[Any] = [Text(title_text, style="italic")]
    for row, line in zip(rows, cells, strict=True):
        style = "bold red" if row.get("risk") == "high" else ""
        parts.append(Text(""))
        parts += [
            Text(f"{name}: {value}", style=style) for (name, _), value in zip(columns, line, strict=True) if value
        ]
    return Group(*parts)


def print_table(brief: dict[str, Any], console: Console | None = None) -> None:
    console = console or Console()
    parts: list[Any] = [Text(title(brief), style="bold"), Text(window_text(brief), style="dim")]
    for key, heading, _ in SECTIONS:
        rows = brief.get(key, [])
        parts.append(section_table(key, rows, console.width) if rows else Text(f"\n{heading}: none", style="italic"))
    console.print(Group(*parts))


def markdown(brief: dict[str, Any], marking: str = DEFAULT_MARKING, printed_at: dt.datetime | None = None) -> str:
    mark = page_mark(brief, marking, printed_at)
    lines = [f"**{mark}**", "", f"# {title(brief)}", "", f"_{window_text(brief)}_", ""]
    for key, heading, columns in SECTIONS:
        rows = brief.get(key, [])
        lines += [f"## {heading} ({len(rows)})", ""]
        if not rows:
            lines += ["None.", ""]
            continue
        lines.append("| " + " | ".join(name for name, _ in columns) + " |")
        lines.append("|" + "---|" * len(columns))
        for row in rows:
            # case text is HTML-escaped: a Markdown viewer renders raw HTML
            lines.append("| " + " | ".join(markdown_text(cell(row, g)).replace("|", "\\|") for _, g in columns) + " |")
        lines.append("")
    lines += [f"**{mark}**", ""]
    return "\n".join(lines)


_CSS = """
body { font-family: system-ui, sans-serif; margin: 1.5cm; color: #111; }
h1 { font-size: 1.4em; margin-bottom: 0; } .window { color: #555; margin-top: .2em; }
h2 { font-size: 1.1em; border-bottom: 2px solid #333; margin-top: 1.4em; break-after: avoid; page-break-after: avoid; }
table { border-collapse: collapse; width: 100%; font-size: .9em; }
thead { display: table-header-group; } tr { break-inside: avoid; page-break-inside: avoid; }
th, td { border: 1px solid #bbb; padding: .25em .4em; text-align: left; vertical-align: top; overflow-wrap: break-word; }
.ref { white-space: nowrap; }
th { background: #eee; } tr.high td { background: #fde2e2; font-weight: bold; }
.none { color: #777; font-style: italic; }
.mark { font-size: .75em; color: #222; padding: .2em 0; }
.mark.top { font-weight: bold; border-bottom: 1px solid #999; } .mark.bottom { border-top: 1px solid #999; margin-top: 2em; }
@media print {
  body { margin: 0; font-size: 10pt; }
  .mark { display: none; }
}
"""


def _css_string(text: str) -> str:
    """Text as a CSS string literal: quotes, backslashes, line breaks and `<` escaped, so a marking
    can neither end the string nor the style element."""
    return '"' + "".join(c if c.isalnum() or c in " .,:;-()/·'" else f"\\{ord(c):x} " for c in text) + '"'


def _page_css(brief: dict[str, Any], marking: str, printed_at: dt.datetime | None) -> str:
    """Each printed page's marks in its margins (CSS paged media margin boxes), never over the
    content: the marking and the meeting at the top; the window, the print time and the page at the foot."""
    top = _css_string(f"{marking} · {title(brief)}")
    printed = f" · Printed {local_time(printed_at)}" if printed_at is not None else ""
    foot = _css_string(f"{window_text(brief)}{printed}")
    box = "font-family: system-ui, sans-serif; font-size: 8pt; color: #222;"
    return (
        f"@page {{ size: A4 landscape; margin: 1.6cm 1.2cm;"
        f" @top-left {{ content: {top}; {box} font-weight: bold; vertical-align: bottom;"
        f" border-bottom: 1px solid #999; }}"
        f" @bottom-left {{ content: {foot}; {box} vertical-align: top; border-top: 1px solid #999; }}"
        f' @bottom-right {{ content: "Page " counter(page) " of " counter(pages); {box}'
        f" vertical-align: top; border-top: 1px solid #999; }} }}"
    )


def html(brief: dict[str, Any], marking: str = DEFAULT_MARKING, printed_at: dt.datetime | None = None) -> str:
    """A printable page. On screen the marks head and foot the page; printed, each page carries the
    protective marking, the meeting and its window, and the print time in its margins, where they
    cannot cover a row or a heading. The template is `templates/briefing.html`."""
    return jinja.render(
        "briefing.html",
        brief=brief,
        sections=SECTIONS,
        cell=cell,
        title=title(brief),
        window=window_text(brief),
        mark=page_mark(brief, marking, printed_at),
        css=Markup(_CSS + _page_css(brief, marking, printed_at)),  # noqa: S704 - _css_string escapes
    )
