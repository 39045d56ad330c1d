"""Render a briefing for people: a terminal table, Markdown, or a printable HTML page."""

from __future__ import annotations

import datetime as dt
import json
from html import escape
from typing import Any

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from tasking.time.instants import LONDON


def json_text(value: Any) -> str:
    """The one JSON form of every read and pack: sorted keys, stable bytes, newline-terminated."""
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def local_text(stamp: str | None, with_date: bool = True, seconds: bool = False) -> str:
    """A stored UTC time as people read it: local, e.g. `Mon 05 Mar 2018 09:00`."""
    if not stamp:
        return ""
    value = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(LONDON)
    clock = "%H:%M:%S" if seconds else "%H:%M"
    return value.strftime(f"%a %d %b %Y {clock}" if with_date else clock)


SECTIONS: list[tuple[str, str, list[tuple[str, Any]]]] = [
    ("new_reports", "New reports", [
        ("Case", "case"), ("Received", lambda r: local_text(r["received_at"])), ("Risk", "risk"),
        ("Repeat", lambda r: "yes" if r["repeat"] else ""), ("Source", "source"), ("Category", "category"),
        ("Area", "area"), ("Location", "location"), ("Summary", "summary"),
    ]),
    ("due_taskings", "Taskings due or overdue", [
        ("Case", "case"), ("Tasking", "tasking"), ("Tasked agency", "tasked_agency"), ("Owner", lambda r: r["owner"] or ""),
        ("Due", "due"), ("Days overdue", "days_overdue"), ("Action", "action"),
    ]),
    ("feedback_owed", "Feedback owed", [
        ("Case", "case"), ("Kind", "kind"), ("Owed since", lambda r: local_text(r["owed_since"])),
        ("Actions", "actions_since_update"), ("Due by", "due_by"), ("Working days overdue", "overdue_days"),
    ]),
    ("repeat_flags", "Repeat flags", [
        ("Case", "case"), ("Rule", "rule"), ("Count", "count"), ("Cases", lambda r: ", ".join(r["cases"])),
        ("Why", lambda r: r["reason"] + (f" - {r['prompt']}" if r.get("prompt") else "")),
    ]),
    ("case_review_alerts", "ASB case review alerts", [("Case", "case"), ("Why", lambda r: r.get("reason", ""))]),
    ("risk_reviews_due", "Risk reviews due", [
        ("Case", "case"), ("Risk", "risk"), ("Last assessed", lambda r: local_text(r["last_assessed"])),
        ("Days overdue", "overdue_days"),
    ]),
]
SECTIONS.append(("possible_duplicates", "Possible duplicates (confirm or dismiss: tasking duplicates)", [
    ("Case", "case"), ("Other", "other"), ("Sources", lambda r: " / ".join(r["sources"])), ("Match", "match"),
    ("Minutes apart", "minutes_apart"), ("Location", lambda r: r["locations"][0]),
]))


def _cell(row: dict[str, Any], getter: Any) -> str:
    value = getter(row) if callable(getter) else row.get(getter)
    return "" if value is None else str(value)


def title(brief: dict[str, Any]) -> str:
    meeting = dt.datetime.fromisoformat(brief["meeting"]).astimezone(LONDON)
    return f"Daily tasking meeting {meeting:%A %d %B %Y %H:%M}"


def window_text(brief: dict[str, Any]) -> str:
    return f"Reports received after {local_text(brief['window']['from'])} up to {local_text(brief['window']['to'])}"


def section_table(key: str, rows: list[dict[str, Any]]) -> Table:
    """One briefing section as a table; `feedback-owed` and `repeats` print the same tables."""
    heading, columns = next((heading, columns) for k, heading, columns in SECTIONS if k == key)
    table = Table(title=f"{heading} ({len(rows)})", title_justify="left", expand=False)
    for name, _ in columns:
        table.add_column(name, overflow="fold", no_wrap=name == "Case")
    for row in rows:
        style = "bold red" if row.get("risk") == "high" else None
        table.add_row(*(_cell(row, getter) for _, getter in columns), style=style)
    return table


def print_table(brief: dict[str, Any], console: Console | None = None) -> None:
    console = console or Console()
    parts: list[Any] = [Text(title(brief), style="bold"), Text(window_text(brief), style="dim")]
    for key, heading, _ in SECTIONS:
        rows = brief.get(key, [])
        parts.append(section_table(key, rows) if rows else Text(f"\n{heading}: none", style="italic"))
    console.print(Group(*parts))


def markdown(brief: dict[str, Any]) -> str:
    lines = [f"# {title(brief)}", "", f"_{window_text(brief)}_", ""]
    for key, heading, columns in SECTIONS:
        rows = brief.get(key, [])
        lines += [f"## {heading} ({len(rows)})", ""]
        if not rows:
            lines += ["None.", ""]
            continue
        lines.append("| " + " | ".join(name for name, _ in columns) + " |")
        lines.append("|" + "---|" * len(columns))
        for row in rows:
            lines.append("| " + " | ".join(_cell(row, g).replace("|", "\\|") for _, g in columns) + " |")
        lines.append("")
    return "\n".join(lines)


_CSS = """
body { font-family: system-ui, sans-serif; margin: 1.5cm; color: #111; }
h1 { font-size: 1.4em; margin-bottom: 0; } .window { color: #555; margin-top: .2em; }
h2 { font-size: 1.1em; border-bottom: 2px solid #333; margin-top: 1.4em; }
table { border-collapse: collapse; width: 100%; font-size: .9em; }
th, td { border: 1px solid #bbb; padding: .25em .4em; text-align: left; vertical-align: top; }
th { background: #eee; } tr.high td { background: #fde2e2; font-weight: bold; }
.none { color: #777; font-style: italic; }
@media print { body { margin: 0; } h2 { page-break-after: avoid; } tr { page-break-inside: avoid; } }
"""


def html(brief: dict[str, Any]) -> str:
    out = [
        "<!doctype html>", '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(title(brief))}</title><style>{_CSS}</style></head><body>",
        f"<h1>{escape(title(brief))}</h1>", f'<p class="window">{escape(window_text(brief))}</p>',
    ]
    for key, heading, columns in SECTIONS:
        rows = brief.get(key, [])
        out.append(f"<h2>{escape(heading)} ({len(rows)})</h2>")
        if not rows:
            out.append('<p class="none">None.</p>')
            continue
        out.append("<table><thead><tr>" + "".join(f"<th>{escape(n)}</th>" for n, _ in columns) + "</tr></thead><tbody>")
        for row in rows:
            css = ' class="high"' if row.get("risk") == "high" else ""
            out.append(f"<tr{css}>" + "".join(f"<td>{escape(_cell(row, g))}</td>" for _, g in columns) + "</tr>")
        out.append("</tbody></table>")
    out.append("</body></html>")
    return "\n".join(out)
