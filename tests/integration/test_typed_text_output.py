"""Typed text is shown, never acted on (issue 21, item 17): control characters in free text are
printed visibly by `show`, `audit` and `cases`, and case text in the Markdown briefing (the
packs' `briefing.md`) is HTML-escaped; the stored text is unchanged. Through `tasking.cli.run`,
in-process, on both backends."""

from __future__ import annotations

import contextlib
import io
import json

import pytest

from tasking.cli import run
from tests.conftest import Desk

SUMMARY = "Loud\x1b[2J\x1b]0;pwned\x07 music\u202e <img src=x onerror=alert(1)> & more"
LOCATION = "High\rStreet\x9b31m"


@pytest.fixture(name="typed")
def fixture_typed(desk: Desk, monkeypatch) -> dict[str, str]:
    monkeypatch.setenv("TASKING_VIEWS", desk.services.settings.views_path)
    monkeypatch.setenv("COLUMNS", "400")  # wide enough that no cell is folded: the escapes are read whole
    case = desk.report("2018-03-02T10:00", summary=SUMMARY, location=LOCATION)
    return {"case": case, "store": desk.services.settings.store}


def cli(typed: dict[str, str], *args: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run(["--store", typed["store"], "--user", "coordinator", *args])
    assert code == 0, err.getvalue()
    return out.getvalue()


@pytest.mark.parametrize("command", [["show"], ["audit"], ["cases"]])
def test_control_characters_are_printed_visibly(typed: dict[str, str], command: list[str]) -> None:
    text = cli(typed, *command, *([typed["case"]] if command != ["cases"] else []))
    for raw in ("\x1b", "\x07", "\u202e", "\r", "\x9b"):
        assert raw not in text, repr(raw)
    assert "\\x0d" in text and ("\\x1b" in text or command == ["cases"])  # `cases` has no summary


def test_the_stored_text_is_unchanged(typed: dict[str, str]) -> None:
    found = json.loads(cli(typed, "show", typed["case"], "--json"))
    assert found["summary"] == SUMMARY and found["location"] == LOCATION


def test_the_markdown_briefing_escapes_html_and_controls(typed: dict[str, str]) -> None:
    text = cli(typed, "briefing", "--at", "2018-03-05T09:00", "--markdown")
    assert "<img" not in text and "&lt;img src=x onerror=alert(1)&gt; &amp; more" in text
    assert "\x1b" not in text and "\\x1b[2J" in text


def test_visible_leaves_ordinary_text_alone() -> None:
    from tasking.reporting.text import visible

    assert visible("Café – 5 flats, £20 ✓") == "Café – 5 flats, £20 ✓"
    assert visible("a\nb\tc\u200bd") == "a\\x0ab\\x09c\\u200bd"


def test_the_agencies_reminders_escape_html_and_controls(desk: Desk, tmp_path) -> None:
    import datetime as dt

    from tasking.commands import RaiseTasking
    from tasking.scheduler import run_once
    from tests.conftest import at

    case = desk.report("2018-03-19T10:00")
    desk.send(
        RaiseTasking,
        when="2018-03-19T11:00",
        case=case,
        agency="WARDENS",
        action="Patrol <b>now</b>\x1b[5m",
        due=dt.date(2018, 3, 21),
    )
    run_once(desk.services, at("2018-03-26T08:30"), tmp_path, "coordinator")
    text = (tmp_path / "2018-03-26" / "reminders" / "WARDENS.md").read_text()
    assert "Patrol &lt;b&gt;now&lt;/b&gt;\\x1b[5m" in text and "<b>" not in text and "\x1b" not in text
