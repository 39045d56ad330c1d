"""Render a briefing for people: a terminal table, Markdown, or a printable HTML page."""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from html import escape
from typing import Any

from markupsafe import Markup
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from tasking.reporting import jinja
from tasking.time.instants import LONDON, local_time


def visible(text: str) -> str:
    """Text typed by a user, safe to print on a terminal: control and format characters (escape
    sequences, carriage returns, line breaks, bidi overrides, zero-width characters) are shown as
    escapes (`\\x1b`, `\\u202e`) instead of acting; the stored text is unchanged."""
    return "".join(_escape_char(c) if unicodedata.category(c) in ("Cc", "Cf") else c for c in text)


def _escape_char(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def markdown_text(text: str) -> str:
    """Typed text in a Markdown file: control characters visible, HTML escaped (a viewer renders raw HTML)."""
    return escape(visible(text), quote=False)


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


_UTC_STAMP = re.compile(r"\b\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d)?(?:Z|\+00:00)")


def local_stamps(text: str) -> str:
    """Text for people with every stored UTC time in it (`2017-04-24T09:00:00Z`) shown as local time."""
    return _UTC_STAMP.sub(lambda m: local_text(m.group(0)), text)


DEFAULT_MARKING = "OFFICIAL-SENSITIVE"


def page_mark(brief: dict[str, Any], marking: str = DEFAULT_MARKING, printed_at: dt.datetime | None = None) -> str:
    """What every printed page carries: the protective marking, the meeting and its window, the print time."""
    printed = f" · Printed {local_time(printed_at)}" if printed_at is not None else ""
    return f"{marking} · {title(brief)} · {window_text(brief)}{printed}"


def day_text(day: str | None) -> str:
    """A date as people read it: `Mon 05 Mar 2018`."""
    return dt.date.fromisoformat(day).strftime("%a %d %b %Y") if day else ""


def _flag_subject(flag: dict[str, Any]) -> str:
    """A repeat flag's place (location, area) or person (their reference), as the JSON has it."""
    if flag["rule"] == "location":
        return f"{flag['location']}, {flag['area']}"
    return f"person {flag['person']}"


SECTIONS: list[tuple[str, str, list[tuple[str, Any]]]] = [
    (
        "new_reports",
        "New reports",
        [
            ("Case", "case"),
            ("Received", lambda r: local_text(r["received_at"])),
            ("Risk", "risk"),
            ("Repeat", lambda r: "yes" if r["repeat"] else ""),
            ("Status", "status"),
            ("Lead", "lead"),
            ("Source", "source"),
            ("Category", "category"),
            ("Area", "area"),
            ("Location", "location"),
            ("Summary", "summary"),
        ],
    ),
    (
        "due_taskings",
        "Taskings due or overdue",
        [
            ("Case", "case"),
            ("Tasking", "tasking"),
            ("Tasked agency", "tasked_agency"),
            ("Owner", lambda r: r["owner"] or ""),
            ("Due", lambda r: day_text(r["due"])),
            ("Days overdue", "days_overdue"),
            ("Action", "action"),
        ],
    ),
    (
        "tasked_at_previous_meeting",
        "Tasked at the previous meeting",
        [
            ("Case", "case"),
            ("Tasking", "tasking"),
            ("Tasked agency", "tasked_agency"),
            ("Owner", "owner"),
            ("Raised", lambda r: local_text(r["raised_at"])),
            ("Due", lambda r: day_text(r["due"])),
            ("Status", "status"),
            ("Action", "action"),
        ],
    ),
    (
        "open_taskings_not_yet_due",
        "Open taskings not yet due, by agency and owner",
        [
            ("Tasked agency", "tasked_agency"),
            ("Owner", "owner"),
            ("Case", "case"),
            ("Tasking", "tasking"),
            ("Due", lambda r: day_text(r["due"])),
            ("Action", "action"),
        ],
    ),
    (
        "feedback_owed",
        "Feedback owed",
        [
            ("Case", "case"),
            ("Kind", "kind"),
            ("Owed since", lambda r: local_text(r["owed_since"])),
            ("Actions", "actions_since_update"),
            ("Due by", lambda r: day_text(r["due_by"])),
            ("Working days overdue", "overdue_days"),
        ],
    ),
    (
        "repeat_flags",
        "Repeat flags",
        [
            ("Flag", "flag"),
            ("Case", "case"),
            ("Rule", "rule"),
            ("Where or who", lambda r: _flag_subject(r)),
            ("Count", "count"),
            ("Cases", lambda r: ", ".join(r["cases"])),
            ("Why", lambda r: r["reason"] + (f" - {r['prompt']}" if r.get("prompt") else "")),
        ],
    ),
    (
        "case_review_alerts",
        "ASB case review alerts",
        [
            ("Person", "person"),
            ("Review", lambda r: r.get("review", "")),
            ("Cases", lambda r: ", ".join(r["cases"])),
            ("Why", lambda r: r.get("reason", "") + (f" - {r['prompt']}" if r.get("prompt") else "")),
        ],
    ),
    (
        "risk_reviews_due",
        "Risk reviews due",
        [
            ("Case", "case"),
            ("Risk", "risk"),
            ("Last assessed", lambda r: local_text(r["last_assessed"])),
            ("Days since", "days_since_review"),
            ("Days overdue", "overdue_days"),
        ],
    ),
]
SECTIONS.append(
    (
        "possible_duplicates",
        "Possible duplicates (confirm or dismiss: tasking duplicates)",
        [
            ("Case", "case"),
            ("Other", "other"),
            ("Sources", lambda r: " / ".join(r["sources"])),
            ("Match", "match"),
            ("Minutes apart", "minutes_apart"),
            ("Location", lambda r: r["locations"][0]),
        ],
    )
)
SECTIONS += [  # the partnership's year (issue 26)
    (
        "activities_today",
        "Partnership activities today",
        [("Activity", "activity"), ("Kind", "kind"), ("Areas", lambda r: ", ".join(r["areas"])), ("Lead", "lead")],
    ),
    (
        "activities_this_week",
        "Partnership activities this week",
        [
            ("Activity", "activity"),
            ("Day", lambda r: day_text(r["day"])),
            ("Kind", "kind"),
            ("Areas", lambda r: ", ".join(r["areas"])),
            ("Lead", "lead"),
        ],
    ),
    (
        "cameras_due_to_move",
        "Mobile CCTV due to move",
        [
            ("Camera", "camera"),
            ("Deployment", "deployment"),
            ("Location", "location"),
            ("Area", "area"),
            ("Until", lambda r: day_text(r["to"])),
            ("Days left", "days_left"),
        ],
    ),
]


def _cell(row: dict[str, Any], getter: Any) -> str:
    if row.get("restricted"):  # a restricted case's outline: reference, area, received date only
        try:
            value = getter(row) if callable(getter) else row.get(getter)
        except (KeyError, TypeError, IndexError):
            value = "restricted"
        return "" if value is None else visible(str(value))
    value = getter(row) if callable(getter) else row.get(getter)
    return "" if value is None else visible(str(value))


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
    cells = [[_cell(row, getter) for _, getter in columns] for row in rows]
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
        style = "bold red" if row.get("risk") == "high" else None
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
            lines.append("| " + " | ".join(markdown_text(_cell(row, g)).replace("|", "\\|") for _, g in columns) + " |")
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
        cell=_cell,
        title=title(brief),
        window=window_text(brief),
        mark=page_mark(brief, marking, printed_at),
        css=Markup(_CSS + _page_css(brief, marking, printed_at)),  # noqa: S704 - _css_string escapes
    )


# --- a case, for people -------------------------------------------------------------------------

_STORY_LINES = [
    ("follow_ups", "Follow-ups", lambda r: f"{r['follow_up_kind']}: {r['text']}"),
    ("reporter_updates", "Reporter updates", lambda r: f"{r['update_channel']}: {r['text']}"),
    ("powers", "Powers used", lambda r: r["power"]),
    ("referrals", "Referrals", lambda r: r["referral"]),
    ("risk_history", "Risk history", lambda r: r["risk"] + (f" ({r['text']})" if r.get("text") else "")),
    ("corrections", "Corrections", lambda r: f"{r['field']} to {r['value']} ({r['text']})"),
    ("leads", "Lead officers", lambda r: r["lead"]),
    ("closures", "Closures", lambda r: r["close_reason"] + (f" ({r['text']})" if r.get("text") else "")),
    ("reopenings", "Reopenings", lambda r: r["text"]),
    (
        "reassignments",
        "Reassignments",
        lambda r: f"{r['tasking']} to {r['tasked_agency']}" + (f" ({r['owner']})" if r.get("owner") else ""),
    ),
]


def case_text(case: dict[str, Any]) -> str:
    """`tasking show` for people: the case's whole story, local times, and nothing printed as None."""
    if case.get("restricted") and "status" not in case:  # the outline of a restricted case
        return (
            f"{case['case']} (restricted: shown in full only to coordinators and agencies involved)\n"
            f"  area:      {case['area']}\n  received:  {local_text(case['received_at'])}"
        )

    def line(label: str, value: Any) -> str:
        return f"{label:>14}: {value}"

    status = case["status"] + (f" ({case['closed_reason']})" if case.get("closed_reason") else "")
    reporter = case["reporter"] or ("none (anonymous)" if case["feedback"] == "anonymous" else "none")
    gone = case.get("erased", [])
    reporter += " [erased]" if "reporter" in gone else ""
    lines = [
        line("case", case["case"]),
        line("status", status),
        line("lead officer", case.get("lead") or "not assigned"),
        line("received", local_text(case["received_at"])),
        line("occurred", local_text(case["occurred_at"])),
        line("source", f"{case['source']} by {case['channel']}"),
        line("category", case["category"]),
        line("area", case["area"]),
        line("location", case["location"]),
        line("risk", case["risk"]),
        line("reporter", f"{reporter}; feedback: {case['feedback']}"),
    ]
    if case.get("victim"):
        lines.append(line("victim", case["victim"] + (" [erased]" if "victim" in gone else "")))
    lines.append(line("summary", case["summary"]))
    lines.append("")
    lines.append(f"Taskings ({len(case['taskings'])})")
    for t in case["taskings"]:
        done = f", completed {local_text(t['completed_at'])}: {t['result']}" if t.get("completed_at") else ""
        owner = f" ({t['owner']})" if t.get("owner") else ""
        lines.append(
            f"  {t['tasking']} {t['tasked_agency']}{owner} {t['status']}, due {day_text(t['due'])}, raised "
            f"{local_text(t['raised_at'])}: {t['action']}{done}"
        )
    lines.append(f"Links ({len(case['links'])})")
    lines += [f"  {link['to']} ({link['reason']})" for link in case["links"]]
    for key, heading, describe in _STORY_LINES:
        rows = case.get(key, [])
        lines.append(f"{heading} ({len(rows)})")
        lines += [f"  {local_text(r['at'])} {r['user']} ({r['agency']}): {describe(r)}" for r in rows]
    return "\n".join(visible(line) for line in lines)
