"""Issue 25: the briefing as people read it (terminal, Markdown, HTML, and the web, which renders
the same sections) says what the JSON says."""

from __future__ import annotations

import datetime as dt
import re

from rich.console import Console

from tasking.queries.reads import briefing_read
from tasking.reporting import render
from tests.conftest import Desk, at


def _brief(desk: Desk, local: str) -> dict:
    return briefing_read(desk.read(), at(local), at(local))


def _every_format(brief: dict) -> dict[str, str]:
    console = Console(record=True, width=200)
    render.print_table(brief, console)
    return {"terminal": console.export_text(), "markdown": render.markdown(brief, printed_at=dt.datetime(2018, 3, 6)),
            "html": re.sub(r"<[^>]+>", "", render.html(brief, printed_at=dt.datetime(2018, 3, 6)))}


def test_repeat_flags_say_where_and_who_in_every_format(desk: Desk) -> None:
    victim = desk.people["victim"]
    for when in ("2018-02-10T10:00", "2018-02-20T10:00", "2018-03-05T10:00"):
        desk.report(when, location="12 Mill Road", area="Swanley", anonymous=True)
    desk.report("2017-12-01T10:00", reporter=victim, location="The Green", area="Hextable")
    desk.report("2018-03-05T11:00", victim=victim, location="The Green", area="Hextable")
    brief = _brief(desk, "2018-03-06T09:00")
    rules = {flag["rule"]: flag for flag in brief["repeat_flags"]}
    assert set(rules) == {"location", "person"}
    for name, text in _every_format(brief).items():
        assert "12 Mill Road, Swanley" in text, name
        assert f"person {victim}" in text, name
