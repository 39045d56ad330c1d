"""Issue 25: the briefing as people read it (terminal, Markdown, HTML, and the web, which renders
the same sections) says what the JSON says."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from rich.console import Console

from tasking.cli import run
from tasking.commands import RaiseTasking
from tasking.queries.reads import briefing_read
from tasking.reporting import render
from tests.conftest import Desk, at


def _brief(desk: Desk, local: str) -> dict:
    return briefing_read(desk.read(), at(local), at(local))


def _every_format(brief: dict) -> dict[str, str]:
    console = Console(record=True, width=400)
    render.print_table(brief, console)
    return {
        "terminal": console.export_text(),
        "markdown": render.markdown(brief, printed_at=dt.datetime(2018, 3, 6)),
        "html": re.sub(r"<[^>]+>", "", render.html(brief, printed_at=dt.datetime(2018, 3, 6))),
    }


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


@pytest.mark.parametrize("columns", [80, 100, 120])
def test_terminal_tables_fit_the_terminal_without_breaking_boxes_or_words(
    desk: Desk, store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, columns: int
) -> None:
    categories = ["youth-nuisance", "neighbour-nuisance", "vulnerable-young-person", "mental-health-concern"]
    cases = [
        desk.report(
            f"2018-03-0{3 + n % 2}T1{n % 10}:00",
            category=categories[n % 4],
            location=f"{n} Bradbourne Vale Road",
            summary="Groups gathering by the shops after dark",
        )
        for n in range(8)
    ]
    for case in cases[:4]:
        desk.send(
            RaiseTasking,
            when="2018-03-04T21:00",
            case=case,
            agency="WARDENS",
            action="Environmental visual audit and follow-up",
            due=dt.date(2018, 3, 5),
        )
    monkeypatch.setenv("TASKING_STORE", store)
    monkeypatch.setenv("TASKING_VIEWS", str(tmp_path / "views.db"))
    monkeypatch.setenv("TASKING_USER", "coordinator")
    monkeypatch.setenv("COLUMNS", str(columns))
    for args in (["briefing", "--at", "2018-03-05T09:00"], ["feedback-owed", "--at", "2018-03-05T09:00"]):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert run(args) == 0
        lines = out.getvalue().splitlines()
        assert lines and max(len(line) for line in lines) <= columns, args
        boxed = [line for line in lines if line and line[0] in "┏┃┡│└"]
        assert all(line.rstrip()[-1] in "┓┃┩│┘" for line in boxed), "\n".join(lines)
        words = {word for line in lines for word in re.split(r"[\s│┃]+", line)}
        if args[0] == "briefing":
            assert set(cases) <= words and set(categories) <= words
