"""The permission matrix: every role × every command and read × restricted and unrestricted cases,
in both directions. Allowed means the permission rules let it through (the command may still
fail a domain rule, e.g. a closed case); refused means `Forbidden`, one refusal recorded apart
from the case, and no event on the case. In-process through `send()` and `Services.read`, on
both backends; `tests/e2e/test_access_cli.py` runs a few through the real CLI."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from tasking.bootstrap import Services, Settings, bootstrap
from tasking.commands import (
    AcknowledgeFlag, AddPerson, AddUser, AssessRisk, AssignLead, CaseReviewAcknowledge, CaseReviewApply,
    CaseReviewAssess, CaseReviewClose, CaseReviewDecide, CaseReviewHold, CaseReviewRecommend, CaseReviewRespond,
    CloseCase, CompleteTasking, CorrectCase, DismissDuplicate, ImportReport, InitStore, IssueBriefing, LinkCases,
    MaracDiscuss, MaracMeetingsAdd, RaiseTasking, ReassignTasking, RecordFollowUp, RecordPoliceMonth, RecordReport,
    Refer, ReopenCase, ReviewCase, TfgAction, TfgAddCase, TfgComplete, TfgCompleteAction, TfgMeet, TfgOpen,
    UpdateReporter, UsePower, send,
)
from tasking.commands.handlers import COMMAND_HANDLERS
from tasking.commands.privacy import ApplyRetention, ErasePerson, PlaceHold, ReleaseHold
from tasking.commands.setup import ChangeRole, DeactivateUser
from tasking.commands.tokens import IssueToken, RevokeToken
from tasking.config import default_config_text
from tasking.domain.case import Case
from tasking.domain.errors import DomainError
from tasking.domain.permissions import ANY, COMMAND_ACTIONS, NONE, OWN, RULES, Forbidden, scope
from tasking.queries.audit import audit, show
from tasking.queries.briefing import briefing
from tasking.queries.cases import list_cases
from tests.conftest import at, make_store

# role -> the user acting in it; the officers: one of the agency every case involves, one not.
USERS = {"coordinator": "coordinator", "own-officer": "sgt.jones", "other-officer": "warden.grange",
         "analyst": "analyst", "admin": "keeper"}
ROLE = {"coordinator": "coordinator", "own-officer": "officer", "other-officer": "officer", "analyst": "analyst",
        "admin": "admin"}
NOW = "2018-03-05T10:00"
# A partnership whose configuration marks one more category restricted.
CONFIG = default_config_text().replace('hate-incident = { name = "Hate incident", asb_type = "personal" }',
                                       'hate-incident = { name = "Hate incident", asb_type = "personal", restricted = true }')


def _report(category: str = "noise", **over: Any) -> RecordReport:
    fields: dict[str, Any] = dict(user="coordinator", at=at("2018-03-03T08:00"), source="POLICE", category=category,
                                  area="Swanley", location="High Street", occurred_at=at("2018-03-01T22:00"),
                                  anonymous=True, summary="Loud music")
    fields.update(over)
    return RecordReport(**fields)


class Store:
    """One store for the whole matrix: the roster, and a case of each kind, all received by POLICE."""

    def __init__(self, services: Services) -> None:
        self.services = services
        app = services.app
        when = at("2018-03-01T08:00")
        assert "restricted = true" in CONFIG
        send(app, InitStore(user="coordinator", at=when, name="Sam Patel", agency="COUNCIL", config_toml=CONFIG))
        for login, agency, role in [("sgt.jones", "POLICE", "officer"), ("warden.grange", "WARDENS", "officer"),
                                    ("analyst", "COUNCIL", "analyst"), ("keeper", "COUNCIL", "admin"),
                                    ("temp", "FIRE", "officer")]:
            send(app, AddUser(user="coordinator", at=when, login=login, name=login.title(), agency=agency, role=role))
        self.person = send(app, AddPerson(user="coordinator", at=when, name="Pat Smith"))["person"]
        self.erasable = send(app, AddPerson(user="coordinator", at=when, name="Jo Bloggs"))["person"]
        self.cases = {"plain": send(app, _report())["case"],
                      "domestic-abuse": send(app, _report("domestic-abuse"))["case"],
                      "vulnerable-adult": send(app, _report("vulnerable-adult"))["case"],
                      "vulnerable-young-person": send(app, _report("vulnerable-young-person"))["case"],
                      "configured": send(app, _report("hate-incident"))["case"],
                      "channel-panel": send(app, _report())["case"],
                      "da-marac": send(app, _report())["case"]}
        for kind in ("channel-panel", "da-marac"):
            send(app, Refer(user="coordinator", at=at("2018-03-03T09:00"), case=self.cases[kind], to=kind))
        self.other = send(app, _report(source="COUNCIL", location="Low Street"))["case"]
        self.tasking = send(app, RaiseTasking(user="coordinator", at=at("2018-03-03T10:00"), case=self.cases["plain"],
                                              agency="POLICE", action="Patrol", due=dt.date(2018, 3, 9)))["tasking"]
        send(app, MaracMeetingsAdd(user="coordinator", at=at("2018-03-08T10:00")))
        self.review = send(app, CaseReviewApply(user="coordinator", at=when, applicant=self.person,
                                                cases=(self.cases["plain"],)))["review"]
        self.group = send(app, TfgOpen(user="coordinator", at=when, focus="High Street", area="Swanley",
                                       cases=(self.cases["plain"],), reason="Repeat calls"))["group"]
        self.action = send(app, TfgAction(user="coordinator", at=when, group=self.group, agency="POLICE",
                                          action="Patrol", due=dt.date(2018, 3, 9)))["action"]


def commands(s: Store, case: str) -> dict[type, Callable[[str], Any]]:
    """A valid command of every kind by `user`, on `case` where it takes one. Taskings go to POLICE
    only and corrections leave the source alone, so no command makes WARDENS involved."""
    when = at(NOW)
    w = dict(at=when)
    return {
        AddUser: lambda u: AddUser(user=u, **w, login=f"new.{u}", name="New", agency="FIRE", role="officer"),
        DeactivateUser: lambda u: DeactivateUser(user=u, **w, login="temp", reason="Left"),
        ChangeRole: lambda u: ChangeRole(user=u, **w, login="temp", role="analyst", reason="Moved"),
        # API tokens (issue 13): one's own, issued then revoked
        IssueToken: lambda u: IssueToken(user=u, **w, login=u, token_hash="sha256:" + "0" * 64,
                                         expires_at=when + dt.timedelta(days=30)),
        RevokeToken: lambda u: RevokeToken(user=u, **w, login=u),
        AddPerson: lambda u: AddPerson(user=u, **w, name="Chris Doe"),
        RecordReport: lambda u: _report(user=u),
        ImportReport: lambda u: ImportReport(user=u, **w, report=_report(user=u), system="crm",
                                             source_reference=f"row-{u}", digest="sha256:x"),
        LinkCases: lambda u: LinkCases(user=u, **w, case=case, to=s.other, reason="same-problem"),
        RaiseTasking: lambda u: RaiseTasking(user=u, **w, case=case, agency="POLICE", action="Visit",
                                             due=dt.date(2018, 3, 12)),
        ReassignTasking: lambda u: ReassignTasking(user=u, **w, case=case, tasking=s.tasking, agency="POLICE"),
        CompleteTasking: lambda u: CompleteTasking(user=u, **w, case=case, tasking=s.tasking, result="Done"),
        RecordFollowUp: lambda u: RecordFollowUp(user=u, **w, case=case, kind="visit", outcome="Moved on"),
        UpdateReporter: lambda u: UpdateReporter(user=u, **w, case=case, channel="phone", note="Told"),
        UsePower: lambda u: UsePower(user=u, **w, case=case, power="CPW"),
        Refer: lambda u: Refer(user=u, **w, case=case, to="mediation"),
        AssessRisk: lambda u: AssessRisk(user=u, **w, case=case, level="medium", reason="Escalating"),
        ReviewCase: lambda u: ReviewCase(user=u, **w, case=case, note="Reviewed"),
        CorrectCase: lambda u: CorrectCase(user=u, **w, case=case, field="location", value="High St", reason="Typo"),
        CloseCase: lambda u: CloseCase(user=u, **w, case=case, reason="resolved", complete_taskings="Done"),
        ReopenCase: lambda u: ReopenCase(user=u, **w, case=case, reason="Again"),
        AssignLead: lambda u: AssignLead(user=u, **w, case=case, lead="sgt.jones"),
        AcknowledgeFlag: lambda u: AcknowledgeFlag(user=u, **w, flag="L-1234ABCD", cases=(case,), note="Seen"),
        DismissDuplicate: lambda u: DismissDuplicate(user=u, **w, case=case, other=s.other, reason="Different"),
        IssueBriefing: lambda u: IssueBriefing(user=u, **w, meeting_day=f"2018-03-{5 + len(u) % 20:02d}",
                                               meeting=when, window_from=when, window_to=when, digest="sha256:x"),
        RecordPoliceMonth: lambda u: RecordPoliceMonth(user=u, **w, month="2018-01", asb=(), crimes={}, files=()),
        CaseReviewApply: lambda u: CaseReviewApply(user=u, **w, applicant=s.person, cases=(case,)),
        CaseReviewAcknowledge: lambda u: CaseReviewAcknowledge(user=u, **w, review=s.review),
        CaseReviewAssess: lambda u: CaseReviewAssess(user=u, **w, review=s.review),
        CaseReviewDecide: lambda u: CaseReviewDecide(user=u, **w, review=s.review, outcome="review", reason="Met"),
        CaseReviewHold: lambda u: CaseReviewHold(user=u, **w, review=s.review),
        CaseReviewRecommend: lambda u: CaseReviewRecommend(user=u, **w, review=s.review, agency="POLICE",
                                                           action="Patrol", due=dt.date(2018, 3, 20)),
        CaseReviewRespond: lambda u: CaseReviewRespond(user=u, **w, review=s.review, note="Replied"),
        CaseReviewClose: lambda u: CaseReviewClose(user=u, **w, review=s.review),
        TfgOpen: lambda u: TfgOpen(user=u, **w, focus="Park", area="Swanley", cases=(case,), reason="Repeats"),
        TfgAddCase: lambda u: TfgAddCase(user=u, **w, group=s.group, case=case),
        TfgAction: lambda u: TfgAction(user=u, **w, group=s.group, agency="POLICE", action="Patrol",
                                       due=dt.date(2018, 3, 20)),
        TfgCompleteAction: lambda u: TfgCompleteAction(user=u, **w, group=s.group, action=s.action, result="Done"),
        TfgMeet: lambda u: TfgMeet(user=u, **w, group=s.group, note="Met"),
        TfgComplete: lambda u: TfgComplete(user=u, **w, group=s.group, outcome="Done"),
        MaracMeetingsAdd: lambda u: MaracMeetingsAdd(user=u, at=at(f"2018-04-{2 + len(u) % 20:02d}T10:00")),
        ErasePerson: lambda u: ErasePerson(user=u, **w, person=s.erasable, reason="Asked to be forgotten"),
        ApplyRetention: lambda u: ApplyRetention(user=u, **w, subject="person", reference=s.erasable, reason="Six years"),
        PlaceHold: lambda u: PlaceHold(user=u, **w, case=case, reason="Litigation"),
        ReleaseHold: lambda u: ReleaseHold(user=u, **w, case=case, reason="Settled"),
        MaracDiscuss: lambda u: MaracDiscuss(user=u, **w, case=case, meeting=dt.date(2018, 3, 8), outcome="Discussed"),
    }


@pytest.fixture(name="matrix_store", scope="module", params=["sqlite", "postgres"])
def fixture_matrix_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp(f"matrix-{request.param}")
    services = bootstrap(Settings(store=make_store(request.param, folder, request), views=str(folder / "views.db")),
                         create_tables=True)
    yield Store(services)
    services.close()


def refusals(services: Services) -> int:
    services.catch_up()
    return services.open_views().db.execute("SELECT COUNT(*) FROM access_log WHERE refused = 1").fetchone()[0]


def expected(who: str, action: str) -> bool:
    """Allowed? Every case of the store is received by POLICE: `own` for the POLICE officer only."""
    found = scope(ROLE[who], action)
    return found == ANY or (found == OWN and who == "own-officer")


def test_every_write_command_has_one_rule_and_the_matrix_covers_it(matrix_store: Store) -> None:
    names = {cls.__name__ for cls in COMMAND_HANDLERS} - {"InitStore"}
    assert names == set(COMMAND_ACTIONS)
    assert set(COMMAND_ACTIONS.values()) <= set(RULES)
    assert set(commands(matrix_store, "X")) == {cls for cls in COMMAND_HANDLERS if cls is not InitStore}


@pytest.mark.parametrize("kind", ["plain", "domestic-abuse"])
@pytest.mark.parametrize("who", list(USERS))
def test_every_write_command_is_allowed_or_refused_by_the_table(matrix_store: Store, who: str, kind: str) -> None:
    s, user = matrix_store, USERS[who]
    app, case = s.services.app, s.cases[kind]
    for command_class, make in commands(s, case).items():
        action = COMMAND_ACTIONS[command_class.__name__]
        command = make(user)
        before_case = app.repository.get(Case.create_id(case)).version
        before, refused_before = app.event_count(), refusals(s.services)
        try:
            send(app, command)
        except Forbidden as exc:
            assert not expected(who, action), (who, action, str(exc))
            assert f"{ROLE[who]} may not use `tasking {action}`" in str(exc) and "\n" not in str(exc)
            assert app.event_count() == before + 1, (who, action)  # the refusal, and nothing else
            assert refusals(s.services) == refused_before + 1
            assert app.repository.get(Case.create_id(case)).version == before_case
            continue
        except DomainError as exc:  # let through, then refused by a domain rule (e.g. already closed)
            assert "may not" not in str(exc)
        assert expected(who, action), (who, action)


READS = [action for action in RULES if action not in set(COMMAND_ACTIONS.values()) | {"store copy"}]


@pytest.mark.parametrize("who", list(USERS))
def test_every_read_is_allowed_or_refused_by_the_table(matrix_store: Store, who: str) -> None:
    services, user = matrix_store.services, USERS[who]
    for action in READS:
        try:
            services.read(user=user, action=action)
        except Forbidden:
            assert scope(ROLE[who], action) == NONE, (who, action)
        else:
            assert scope(ROLE[who], action) != NONE, (who, action)


RESTRICTED = ["domestic-abuse", "vulnerable-adult", "vulnerable-young-person", "configured", "channel-panel",
              "da-marac"]


@pytest.mark.parametrize("kind", ["plain", *RESTRICTED])
@pytest.mark.parametrize("who", list(USERS))
def test_show_and_audit_follow_the_table_and_restrictions(matrix_store: Store, who: str, kind: str) -> None:
    services, case = matrix_store.services, matrix_store.cases[kind]
    for action, query in (("show", show), ("audit", audit)):
        if scope(ROLE[who], action) == NONE:
            with pytest.raises(Forbidden):
                services.read(user=USERS[who], action=action)
            continue
        read = services.read(user=USERS[who], action=action)
        if not expected(who, action):
            before = refusals(services)
            with pytest.raises(Forbidden, match=f"{case} is neither received by nor tasked to"):
                query(read, case)
            assert refusals(services) == before + 1
            continue
        found = query(read, case)  # the coordinator, or the officer of the agency that received it: in full
        assert "restricted" not in found and found["case"] == case


@pytest.mark.parametrize("kind", RESTRICTED)
def test_lists_and_the_briefing_show_restricted_cases_in_outline_to_those_not_involved(matrix_store: Store,
                                                                                      kind: str) -> None:
    services, case = matrix_store.services, matrix_store.cases[kind]
    outline = {"case", "area", "received_at", "restricted"}
    for who in USERS:
        if scope(ROLE[who], "cases") == NONE:
            continue
        row = next(r for r in list_cases(services.read(user=USERS[who], action="cases"))["cases"] if r["case"] == case)
        full = who in ("coordinator", "own-officer")
        assert (set(row) == outline and row["restricted"] is True) != full, (who, row)
        if who in ("analyst", "admin"):
            assert set(row) == outline  # outline only: and no location on any row they list
    plain = matrix_store.cases["plain"]
    for who, full in (("coordinator", True), ("own-officer", True), ("other-officer", False)):
        brief = briefing(services.read(user=USERS[who], action="briefing"), at("2018-03-05T09:00"))
        rows = {r["case"]: r for r in brief["new_reports"]}
        assert ("summary" in rows[case]) == full and ("summary" in rows[plain]), who
        if not full:
            assert rows[case] == {"case": case, "area": "Swanley", "received_at": rows[case]["received_at"],
                                  "restricted": True}
    shared = briefing(services.read(user="coordinator", action="briefing", shared=True), at("2018-03-05T09:00"))
    assert {r["case"]: r for r in shared["new_reports"]}[case].get("restricted") is True  # a pack: every partner


def test_analysts_list_cases_without_the_location(matrix_store: Store) -> None:
    rows = list_cases(matrix_store.services.read(user="analyst", action="cases"))["cases"]
    assert rows and all("location" not in row for row in rows)
    rows = list_cases(matrix_store.services.read(user="sgt.jones", action="cases"))["cases"]
    assert any("location" in row for row in rows)


def test_an_analyst_s_explain_counts_restricted_cases_without_saying_who_or_what(matrix_store: Store) -> None:
    from tasking.queries.access import redact_explained
    from tasking.queries.stats import explain

    for who, hidden in (("analyst", True), ("coordinator", False)):
        read = matrix_store.services.read(user=who, action="explain")
        found = redact_explained(read, explain(read.db, read.config, 2017, read.point.position, "referrals.da-marac"))
        [item] = [i for i in found["items"] if i["case"] == matrix_store.cases["da-marac"]]
        assert found["count"] >= 1 and item.get("restricted", False) is hidden
        assert (item["detail"] is None) is hidden
