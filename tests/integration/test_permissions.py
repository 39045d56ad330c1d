"""The permission matrix: every role × every command and read × restricted and unrestricted cases,
in both directions. Allowed means the permission rules let it through (the command may still
fail a domain rule, e.g. a closed case); refused means `Forbidden`, one refusal recorded apart
from the case, and no event on the case. In-process through `send()` and `Services.read`, on
both backends; `tests/e2e/test_access_cli.py` runs a few through the real CLI."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tasking.bootstrap import Services, Settings, bootstrap
from tasking.commands import (
    AcknowledgeFlag,
    AddPerson,
    AddUser,
    AssessRisk,
    AssignLead,
    CaseReviewAcknowledge,
    CaseReviewApply,
    CaseReviewAssess,
    CaseReviewClose,
    CaseReviewDecide,
    CaseReviewHold,
    CaseReviewRecommend,
    CaseReviewRespond,
    CloseCase,
    CompleteTasking,
    CorrectCase,
    DismissDuplicate,
    ImportReport,
    InitStore,
    IssueBriefing,
    LinkCases,
    MaracDiscuss,
    MaracMeetingsAdd,
    RaiseTasking,
    ReassignTasking,
    RecordFollowUp,
    RecordPoliceMonth,
    RecordReport,
    Refer,
    ReopenCase,
    ReviewCase,
    TfgAction,
    TfgAddCase,
    TfgComplete,
    TfgCompleteAction,
    TfgMeet,
    TfgOpen,
    UpdateReporter,
    UsePower,
    send,
)
from tasking.commands.handlers import COMMAND_HANDLERS
from tasking.commands.privacy import ApplyRetention, ErasePerson, PlaceHold, ReleaseHold
from tasking.commands.chain import SealChain
from tasking.commands.setup import ChangeRole, DeactivateUser
from tasking.commands.tokens import EnrolUser, IssueToken, RedeemEnrolment, RevokeToken
from tasking.commands.open311 import RecordOpen311Report
from tasking.commands.year import (
    ActivityRecord,
    CctvAdd,
    CctvDeploy,
    CctvLink,
    FundingAllocate,
    FundingGrant,
    FundingSpend,
    PactAdd,
    PlanAdd,
    PlanUpdate,
)
from tasking.config import default_config_text
from tasking.domain.case import Case
from tasking.errors import DomainError
from tasking.time.instants import local_date
from tasking.time.meetings import MeetingCalendar
from tasking.domain.permissions import ANY, COMMAND_ACTIONS, NONE, OWN, RULES, Forbidden, scope
from tasking.queries.audit import audit, show
from tasking.queries.briefing import briefing
from tasking.queries.cases import list_cases
from tests.conftest import at, make_store

# role -> the user acting in it; the officers: one of the agency every case involves, one not.
USERS = {
    "coordinator": "coordinator",
    "own-officer": "sgt.jones",
    "other-officer": "warden.grange",
    "analyst": "analyst",
    "admin": "keeper",
    "integration": "fixmystreet",
}
ROLE = {
    "coordinator": "coordinator",
    "own-officer": "officer",
    "other-officer": "officer",
    "analyst": "analyst",
    "admin": "admin",
    "integration": "integration",
}
NOW = "2018-03-05T10:00"
# A partnership whose configuration marks one more category restricted.
CONFIG = default_config_text().replace(
    'hate-incident = { name = "Hate incident", asb_type = "personal" }',
    'hate-incident = { name = "Hate incident", asb_type = "personal", restricted = true }',
)


def _report(category: str = "noise", **over: Any) -> RecordReport:
    fields: dict[str, Any] = dict(
        user="coordinator",
        at=at("2018-03-03T08:00"),
        source="POLICE",
        category=category,
        area="Swanley",
        location="High Street",
        occurred_at=at("2018-03-01T22:00"),
        anonymous=True,
        summary="Loud music",
    )
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
        for login, agency, role in [
            ("sgt.jones", "POLICE", "officer"),
            ("warden.grange", "WARDENS", "officer"),
            ("analyst", "COUNCIL", "analyst"),
            ("keeper", "COUNCIL", "admin"),
            ("temp", "FIRE", "officer"),
            ("fixmystreet", "COUNCIL", "integration"),
        ]:
            send(app, AddUser(user="coordinator", at=when, login=login, name=login.title(), agency=agency, role=role))
        self.person = send(app, AddPerson(user="coordinator", at=when, name="Pat Smith"))["person"]
        self.erasable = send(app, AddPerson(user="coordinator", at=when, name="Jo Bloggs"))["person"]
        self.cases = {
            "plain": send(app, _report())["case"],
            "domestic-abuse": send(app, _report("domestic-abuse"))["case"],
            "vulnerable-adult": send(app, _report("vulnerable-adult"))["case"],
            "vulnerable-young-person": send(app, _report("vulnerable-young-person"))["case"],
            "configured": send(app, _report("hate-incident"))["case"],
            "channel-panel": send(app, _report())["case"],
            "da-marac": send(app, _report())["case"],
        }
        for kind in ("channel-panel", "da-marac"):
            send(app, Refer(user="coordinator", at=at("2018-03-03T09:00"), case=self.cases[kind], to=kind))
        self.other = send(app, _report(source="COUNCIL", location="Low Street"))["case"]
        self.tasking = send(
            app,
            RaiseTasking(
                user="coordinator",
                at=at("2018-03-03T10:00"),
                case=self.cases["plain"],
                agency="POLICE",
                action="Patrol",
                due=dt.date(2018, 3, 9),
            ),
        )["tasking"]
        send(app, MaracMeetingsAdd(user="coordinator", at=at("2018-03-08T10:00")))
        self.review = send(
            app, CaseReviewApply(user="coordinator", at=when, applicant=self.person, cases=(self.cases["plain"],))
        )["review"]
        self.group = send(
            app,
            TfgOpen(
                user="coordinator",
                at=when,
                focus="High Street",
                area="Swanley",
                cases=(self.cases["plain"],),
                reason="Repeat calls",
            ),
        )["group"]
        self.action = send(
            app,
            TfgAction(
                user="coordinator", at=when, group=self.group, agency="POLICE", action="Patrol", due=dt.date(2018, 3, 9)
            ),
        )["action"]
        # the partnership's year (issue 26)
        self.plan = send(
            app,
            PlanAdd(
                user="coordinator",
                at=when,
                year=2017,
                priority="asb",
                action="Patrols",
                lead="POLICE",
                due=dt.date(2018, 3, 31),
            ),
        )["action"]
        self.grant = send(app, FundingGrant(user="coordinator", at=when, funder="PCC", amount="1000", year=2017))[
            "grant"
        ]
        send(
            app,
            FundingAllocate(
                user="coordinator",
                at=when,
                grant=self.grant,
                organisation="CSU",
                project="P",
                half="first",
                amount="10",
            ),
        )
        self.camera = send(app, CctvAdd(user="coordinator", at=when, description="Camera"))["camera"]
        send(
            app,
            CctvDeploy(
                user="coordinator",
                at=when,
                camera=self.camera,
                location="High Street",
                area="Swanley",
                start=dt.date(2018, 3, 1),
                end=dt.date(2018, 3, 2),
                flag="L-1",
            ),
        )
        send(app, PactAdd(user="coordinator", at=when, name="Swanley", area="Swanley"))


def _pack(user: str, when: dt.datetime) -> IssueBriefing:
    """A pack for a real meeting (one per user) whose time has come by `when`."""
    meeting = MeetingCalendar().at_or_before(when - dt.timedelta(days=len(user) % 20))
    return IssueBriefing(
        user=user,
        at=when,
        meeting_day=local_date(meeting).isoformat(),
        meeting=meeting,
        window_from=meeting - dt.timedelta(days=1),
        window_to=meeting,
        digest="sha256:x",
    )


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
        IssueToken: lambda u: IssueToken(
            user=u, **w, login=u, token_hash="sha256:" + "0" * 64, expires_at=when + dt.timedelta(days=30)
        ),
        RevokeToken: lambda u: RevokeToken(user=u, **w, login=u),
        # enrolment (issue 21, 7): a code for another user; redeeming one's own (none pending: a domain refusal)
        EnrolUser: lambda u: EnrolUser(
            user=u, **w, login="temp", code_hash="sha256:" + "1" * 64, expires_at=when + dt.timedelta(days=7)
        ),
        RedeemEnrolment: lambda u: RedeemEnrolment(
            user=u,
            **w,
            login=u,
            code_hash="sha256:" + "2" * 64,
            token_hash="sha256:" + "3" * 64,
            expires_at=when + dt.timedelta(days=30),
        ),
        AddPerson: lambda u: AddPerson(user=u, **w, name="Chris Doe"),
        RecordReport: lambda u: _report(user=u),
        ImportReport: lambda u: ImportReport(
            user=u, **w, report=_report(user=u), system="crm", source_reference=f"row-{u}", digest="sha256:x"
        ),
        LinkCases: lambda u: LinkCases(user=u, **w, case=case, to=s.other, reason="same-problem"),
        RaiseTasking: lambda u: RaiseTasking(
            user=u, **w, case=case, agency="POLICE", action="Visit", due=dt.date(2018, 3, 12)
        ),
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
        IssueBriefing: lambda u: _pack(u, when),
        RecordPoliceMonth: lambda u: RecordPoliceMonth(user=u, **w, month="2018-01", asb=(), crimes={}, files=()),
        RecordOpen311Report: lambda u: RecordOpen311Report(
            user=u,
            **w,
            key=f"fixmystreet:{u}",
            service_code="noise",
            address_string="High Street, Swanley",
            description="Loud",
        ),
        CaseReviewApply: lambda u: CaseReviewApply(user=u, **w, applicant=s.person, cases=(case,)),
        CaseReviewAcknowledge: lambda u: CaseReviewAcknowledge(user=u, **w, review=s.review),
        CaseReviewAssess: lambda u: CaseReviewAssess(user=u, **w, review=s.review),
        CaseReviewDecide: lambda u: CaseReviewDecide(user=u, **w, review=s.review, outcome="review", reason="Met"),
        CaseReviewHold: lambda u: CaseReviewHold(user=u, **w, review=s.review),
        CaseReviewRecommend: lambda u: CaseReviewRecommend(
            user=u, **w, review=s.review, agency="POLICE", action="Patrol", due=dt.date(2018, 3, 20)
        ),
        CaseReviewRespond: lambda u: CaseReviewRespond(user=u, **w, review=s.review, note="Replied"),
        CaseReviewClose: lambda u: CaseReviewClose(user=u, **w, review=s.review),
        TfgOpen: lambda u: TfgOpen(user=u, **w, focus="Park", area="Swanley", cases=(case,), reason="Repeats"),
        TfgAddCase: lambda u: TfgAddCase(user=u, **w, group=s.group, case=case),
        TfgAction: lambda u: TfgAction(
            user=u, **w, group=s.group, agency="POLICE", action="Patrol", due=dt.date(2018, 3, 20)
        ),
        TfgCompleteAction: lambda u: TfgCompleteAction(user=u, **w, group=s.group, action=s.action, result="Done"),
        TfgMeet: lambda u: TfgMeet(user=u, **w, group=s.group, note="Met"),
        TfgComplete: lambda u: TfgComplete(user=u, **w, group=s.group, outcome="Done"),
        MaracMeetingsAdd: lambda u: MaracMeetingsAdd(user=u, at=at(f"2018-04-{2 + len(u) % 20:02d}T10:00")),
        ErasePerson: lambda u: ErasePerson(user=u, **w, person=s.erasable, reason="Asked to be forgotten"),
        ApplyRetention: lambda u: ApplyRetention(
            user=u, **w, subject="person", reference=s.erasable, reason="Six years"
        ),
        PlaceHold: lambda u: PlaceHold(user=u, **w, case=case, reason="Litigation"),
        ReleaseHold: lambda u: ReleaseHold(user=u, **w, case=case, reason="Settled"),
        SealChain: lambda u: SealChain(user=u, **w, reason="Accepted after review"),  # admin: nothing to seal
        MaracDiscuss: lambda u: MaracDiscuss(user=u, **w, case=case, meeting=dt.date(2018, 3, 8), outcome="Discussed"),
        PlanAdd: lambda u: PlanAdd(
            user=u, **w, year=2017, priority="asb", action="More", lead="POLICE", due=dt.date(2018, 3, 31)
        ),
        PlanUpdate: lambda u: PlanUpdate(user=u, **w, action=s.plan, status="on-track"),
        PactAdd: lambda u: PactAdd(user=u, **w, name=f"Panel {u}", area="Swanley"),
        # led by POLICE: the POLICE officer's own activity, not the WARDENS officer's
        ActivityRecord: lambda u: ActivityRecord(
            user=u, **w, kind="operation", areas=("Swanley",), lead="POLICE", outcome="Done", cases=(case,)
        ),
        FundingGrant: lambda u: FundingGrant(user=u, **w, funder="KFRS", amount="5", year=2017),
        FundingAllocate: lambda u: FundingAllocate(
            user=u, **w, grant=s.grant, organisation="CSU", project="P", half="second", amount="1"
        ),
        FundingSpend: lambda u: FundingSpend(user=u, **w, grant=s.grant, allocation="F1", amount="0.01"),
        CctvAdd: lambda u: CctvAdd(user=u, **w, description="Another camera"),
        CctvDeploy: lambda u: CctvDeploy(
            user=u,
            **w,
            camera=s.camera,
            location="Low Street",
            area="Swanley",
            start=dt.date(2018, 3, 1),
            end=dt.date(2018, 3, 2),
            case=case,
        ),
        CctvLink: lambda u: CctvLink(user=u, **w, camera=s.camera, deployment="D1", case=case),
    }


@pytest.fixture(name="matrix_store", scope="module", params=["sqlite", "postgres"])
def fixture_matrix_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp(f"matrix-{request.param}")
    services = bootstrap(
        Settings(store=make_store(request.param, folder, request), views=str(folder / "views.db")), create_tables=True
    )
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


RESTRICTED = [
    "domestic-abuse",
    "vulnerable-adult",
    "vulnerable-young-person",
    "configured",
    "channel-panel",
    "da-marac",
]


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
def test_lists_and_the_briefing_show_restricted_cases_in_outline_to_those_not_involved(
    matrix_store: Store, kind: str
) -> None:
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
            assert rows[case] == {
                "case": case,
                "area": "Swanley",
                "received_at": rows[case]["received_at"],
                "restricted": True,
            }
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


# --- The route matrix (issue 21, Done-when): every read route of the CLI and the API, generated
# from the click tree and the FastAPI routes, for every role, against this store with restricted
# cases. A new route must be added here (with its permission action) or named as public/unchecked.

CANARY = "Canary safeguarding visit"  # the tasking text of a restricted case: only the involved see it
# CLI reads: name -> (action, arguments after the name; {case} {person} {review} {group} {out} filled in)
CLI_READS: dict[str, tuple[str, list[str]]] = {
    "cases": ("cases", ["--json"]),
    "show": ("show", ["{case}", "--json"]),
    "audit": ("audit", ["{case}", "--json"]),
    "briefing": ("briefing", ["--at", "2018-03-05T09:00", "--json"]),
    "briefing issued": ("briefing issued", ["--json"]),
    "feedback-owed": ("feedback-owed", ["--json"]),
    "repeats": ("repeats", ["--json"]),
    "stats": ("stats", ["--year", "2017", "--json"]),
    "export": ("export", ["cases", "--format", "csv", "--out", "{out}"]),
    "person find": ("person find", ["--name", "smith", "--json"]),
    "person show": ("person show", ["{person}", "--json"]),
    "users list": ("users list", ["--json"]),
    "case-review list": ("case-review list", ["--json"]),
    "case-review show": ("case-review list", ["{review}", "--json"]),
    "tfg list": ("tfg list", ["--json"]),
    "tfg show": ("tfg list", ["{group}", "--json"]),
    "marac agenda": ("marac agenda", ["--meeting", "2018-03-08", "--json"]),
    "marac meetings list": ("marac agenda", ["--json"]),
    "duplicates": ("duplicates", ["--json"]),
    "access-log": ("access-log", ["--json"]),
    "export datasette": ("export", ["--out", "{out}"]),
    "plan list": ("plan list", ["--json"]),
    "plan show": ("plan list", ["{plan}", "--json"]),
    "activity list": ("activity list", ["--json"]),
    "pact list": ("activity list", ["--json"]),
    "funding list": ("funding list", ["--year", "2017", "--json"]),
    "cctv list": ("cctv list", ["--json"]),
    "notify list": ("notify list", ["--json"]),
}
# Operations on the outbox, checked as `notify send`: refused (exit 3) or let through to their own work.
CLI_OPERATIONS: dict[str, tuple[str, list[str]]] = {
    "notify send": ("notify send", ["--json"]),
    "notify release": ("notify send", ["tasking:none:T1:raised"]),
}
# Leaves of the click tree that are neither a write (checked by `send`: the write matrix above) nor a
# read of case data, each with why.
CLI_UNCHECKED = {
    "init": "makes a new store and its first coordinator",
    "demo": "makes a new store",
    "projections status": "the disposable views, by whoever runs the service",
    "projections catch-up": "the views",
    "projections rebuild": "the views",
    "projections verify": "the views",
    "verify": "the chain's check: digests and positions only",
    "serve": "the web server: its routes are below",
    "scheduler": "the service's jobs (as `system`)",
    "store copy": "checked as `store copy` (tests/e2e/test_store_copy.py)",
    "users redeem": "the enrolment code is the credential; checked as `users token`",
    **dict.fromkeys(CLI_OPERATIONS, "checked as `notify send`: test_every_outbox_operation_follows_the_table"),
}
CLI_WRITE_ALIASES = {"duplicates confirm": "link", "release": "hold", "users revoke-token": "users token"}
# API and page routes: (method, path template) -> (action or None, the concrete path). None: no case data
# (or the caller's own identity), open to every role with a token; `PUBLIC` need no token at all.
API_READS: dict[tuple[str, str], tuple[str | None, str]] = {
    ("GET", "/api/v1/me"): (None, "/api/v1/me"),
    ("GET", "/api/v1/briefing"): ("briefing", "/api/v1/briefing?at=2018-03-05T09:00"),
    ("GET", "/api/v1/feedback-owed"): ("feedback-owed", "/api/v1/feedback-owed"),
    ("GET", "/api/v1/repeats"): ("repeats", "/api/v1/repeats"),
    ("GET", "/api/v1/cases"): ("cases", "/api/v1/cases"),
    ("GET", "/api/v1/cases/{case}"): ("show", "/api/v1/cases/{case}"),
    ("GET", "/api/v1/cases/{case}/audit"): ("audit", "/api/v1/cases/{case}/audit"),
    ("GET", "/api/v1/taskings"): ("cases", "/api/v1/taskings?agency=POLICE"),
    ("GET", "/api/v1/stats/{year}"): ("stats", "/api/v1/stats/2017"),
    ("GET", "/api/v1/stats/{year}/explain/{figure}"): ("explain", "/api/v1/stats/2017/explain/referrals.da-marac"),
    ("GET", "/api/v1/case-reviews"): ("case-review list", "/api/v1/case-reviews"),
    ("GET", "/api/v1/case-reviews/{review}"): ("case-review list", "/api/v1/case-reviews/{review}"),
    ("GET", "/api/v1/task-and-finish-groups"): ("tfg list", "/api/v1/task-and-finish-groups"),
    ("GET", "/api/v1/task-and-finish-groups/{group}"): ("tfg list", "/api/v1/task-and-finish-groups/{group}"),
    ("GET", "/api/v1/marac/meetings"): ("marac agenda", "/api/v1/marac/meetings"),
    ("GET", "/api/v1/marac/agenda"): ("marac agenda", "/api/v1/marac/agenda?meeting=2018-03-08"),
    ("GET", "/api/v1/users"): ("users list", "/api/v1/users"),
    ("GET", "/api/v1/briefings/issued"): ("briefing issued", "/api/v1/briefings/issued"),
}
# The pages (a session signed in with the role's token): allowed or refused, never a 500, never the canary.
PAGES = {
    ("GET", "/"): "/",
    ("GET", "/briefing"): "/briefing",
    ("GET", "/briefing/{day}"): "/briefing/2018-03-05",
    ("GET", "/cases/{reference}"): "/cases/{case}",
    ("GET", "/my-taskings"): "/my-taskings",
    ("GET", "/feedback-owed"): "/feedback-owed",
    ("GET", "/reports"): "/reports",
    ("GET", "/reports/{year}"): "/reports/2017",
    ("GET", "/cases/new"): "/cases/new",
    # the desk (issue 27, item 3)
    ("GET", "/cases"): "/cases?agency=POLICE",
    ("GET", "/people"): "/people?find=smith",
    ("GET", "/people/{person}"): "/people/{person}",
    ("GET", "/access-log"): "/access-log",
    ("GET", "/users"): "/users",
    ("GET", "/figures"): "/figures",
    ("GET", "/figures/{year}"): "/figures/2017",
    ("GET", "/figures/{year}/explain/{figure}"): "/figures/2017/explain/referrals.da-marac",
    ("GET", "/figures/{year}/export/{kind}.{fmt}"): "/figures/2017/export/cases.csv",
    ("GET", "/case-reviews"): "/case-reviews",
    ("GET", "/case-reviews/{reference}"): "/case-reviews/{review}",
    ("GET", "/task-and-finish-groups"): "/task-and-finish-groups",
    ("GET", "/task-and-finish-groups/{reference}"): "/task-and-finish-groups/{group}",
    ("GET", "/marac"): "/marac",
    ("GET", "/desk/{name}"): "/desk/tfg-open",
}
# The pages' writes (issue 27): each sends a command through the bus, which checks the table; the
# page tests refuse them per role (tests/web/test_pages_intake.py, test_pages_room.py).
PAGE_WRITES = {
    ("POST", "/cases/{reference}/{action}"): "the case page's forms (pages.FORMS)",
    ("POST", "/cases/new"): "report (and person find, person add)",
    ("POST", "/briefing/{day}/{action}"): "the meeting room's row actions (pages_room.ACTIONS), briefing issue",
    ("POST", "/desk/{name}"): "the desk's writes (desk_writes.DESK_WRITES)",
}
PUBLIC = {
    ("GET", "/health"),
    ("GET", "/openapi.json"),
    ("GET", "/docs"),
    ("GET", "/docs/oauth2-redirect"),
    ("GET", "/static"),
    ("GET", "/docs-assets"),
    ("GET", "/sign-in"),
    ("POST", "/sign-in"),
    ("POST", "/sign-out"),
    ("GET", "/sw.js"),
}  # the phone's service worker: code, no data (issue 27)
# Open311 GeoReport v2 (issue 23): its `api_key` is a token. The service list is public; a request's
# details only for the integration that made it (`open311 read`); creating is `open311 report`.
OPEN311: dict[tuple[str, str], tuple[str | None, str]] = {
    ("GET", "/open311/v2/services.json"): (None, "/open311/v2/services.json"),
    ("GET", "/open311/v2/services.xml"): (None, "/open311/v2/services.xml"),
    ("GET", "/open311/v2/requests.json"): ("open311 read", "/open311/v2/requests.json"),
    ("GET", "/open311/v2/requests/{request_id}.json"): ("open311 read", "/open311/v2/requests/{case}.json"),
    ("GET", "/open311/v2/servicerequestupdates.json"): ("open311 read", "/open311/v2/servicerequestupdates.json"),
    ("POST", "/open311/v2/requests.json"): ("open311 report", "/open311/v2/requests.json"),
}
KEY_ONLY = {"/open311/v2/servicerequestupdates.json"}  # FixMyStreet's extension: the integration's key, always
REFUSED_STATUS = (403,)  # a read the table refuses is 403 over HTTP (issue 21, item 13)
# Lists that carry case details but are not yet outlined for the uninvolved: none (issue 21, items 1, 2
# and 6 closed the last); the canary check would skip these.
PENDING_OUTLINE: dict[str, str] = {}


def _routes(routes: list[Any]) -> list[tuple[str, str]]:
    """Every (method, path) the app serves, through included routers."""
    found = []
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            found += _routes(inner.routes)
        else:
            found += [
                (method, route.path)
                for method in sorted(getattr(route, "methods", None) or {"GET"})
                if method != "HEAD"
            ]
    return found


def _fill(text: str, s: Store, out: str = "") -> str:
    return text.format(
        case=s.cases["domestic-abuse"], person=s.person, review=s.review, group=s.group, out=out, plan=s.plan
    )


def _involved(who: str) -> bool:
    return who in ("coordinator", "own-officer")


@pytest.fixture(name="route_store", scope="module")
def fixture_route_store(matrix_store: Store) -> Store:
    """The matrix store, with a tasking of a restricted case whose text is the canary (to POLICE,
    which received every case: no one else becomes involved)."""
    send(
        matrix_store.services.app,
        RaiseTasking(
            user="coordinator",
            at=at("2018-03-03T11:00"),
            case=matrix_store.cases["domestic-abuse"],
            agency="POLICE",
            action=CANARY,
            due=dt.date(2018, 3, 9),
        ),
    )
    return matrix_store


def test_every_cli_command_and_http_route_is_in_the_matrix_or_named() -> None:
    from tasking.web import create_app
    from tests.e2e.test_fuzz_writes import COMMANDS

    for name in COMMANDS:
        if name in CLI_READS or name in CLI_UNCHECKED:
            continue
        action = CLI_WRITE_ALIASES.get(name) or (name if name in RULES else name.split()[0])
        assert action in set(COMMAND_ACTIONS.values()), (
            f"`tasking {name}` is in neither the route matrix nor CLI_UNCHECKED"
        )
    assert {action for action, _ in CLI_READS.values()} <= set(RULES)
    app = create_app(Settings(store="unused.db", views="unused-views.db"), pool_size=1, secret="s")
    for method, path in _routes(app.routes):
        if path.startswith("/api/v1/commands/") and method == "POST":
            continue  # the write commands: the write matrix, through the same bus
        assert (
            (method, path) in API_READS
            or (method, path) in PAGES
            or (method, path) in PUBLIC
            or (method, path) in OPEN311
            or (method, path) in PAGE_WRITES
        ), f"{method} {path} is in neither the route matrix nor PUBLIC"


@pytest.mark.parametrize("who", list(USERS))
def test_every_cli_read_follows_the_table_and_hides_restricted_text(
    route_store: Store, who: str, tmp_path, monkeypatch
) -> None:
    from tests.helpers.cli import invoke

    s = route_store
    monkeypatch.setenv("TASKING_VIEWS", s.services.settings.views_path)
    monkeypatch.setenv("TASKING_LOG_LEVEL", "error")
    for name, (action, args) in CLI_READS.items():
        out = str(tmp_path / f"{name.replace(' ', '-')}.csv")
        code, stdout, stderr = invoke(
            *[
                "--store",
                s.services.settings.store,
                "--user",
                USERS[who],
                *name.split(),
                *[_fill(a, s, out) for a in args],
            ]
        )
        allowed = scope(ROLE[who], action) == ANY or (
            scope(ROLE[who], action) == OWN and (who == "own-officer" or action not in ("show", "audit"))
        )
        assert code == (0 if allowed else 3), (who, name, code, stderr)
        written = Path(out).read_bytes().decode("utf-8", "replace") if Path(out).exists() else ""  # a database too
        if not _involved(who) and name not in PENDING_OUTLINE:
            assert CANARY not in stdout + written, (who, name)


@pytest.fixture(name="route_app", scope="module")
def fixture_route_app(route_store: Store) -> Any:
    """One app over the route store for the module's HTTP tests: each test starts it again in a test
    client of its own (its own cookies), as the app allows (its pool and access log restart)."""
    from tasking.web import create_app

    settings = route_store.services.settings
    return create_app(Settings(store=settings.store, views=settings.views_path), pool_size=1, secret="matrix")


def _signed_web(s: Store, who: str, app: Any) -> tuple[str, Any]:
    """A token of the role's own user (issued by that user) and a new test client of `app` over the store."""
    from fastapi.testclient import TestClient

    from tasking.commands.tokens import expiry, new_token

    login = USERS[who]
    token, digest = new_token(login)
    now = dt.datetime.now(dt.timezone.utc)
    send(s.services.app, IssueToken(user=login, at=now, login=login, token_hash=digest, expires_at=expiry(now, 1)))
    return token, TestClient(app, raise_server_exceptions=False)


@pytest.mark.parametrize("who", list(USERS))
def test_every_http_read_route_follows_the_table_and_hides_restricted_text(
    route_store: Store, route_app: Any, who: str
) -> None:
    s = route_store
    token, web_client = _signed_web(s, who, route_app)
    with web_client as web:
        headers = {"Authorization": f"Bearer {token}"}
        for (_method, template), (action, path) in API_READS.items():
            response = web.get(_fill(path, s), headers=headers)
            allowed = (
                action is None
                or scope(ROLE[who], action) == ANY
                or (scope(ROLE[who], action) == OWN and (who == "own-officer" or action not in ("show", "audit")))
            )
            if allowed:
                assert response.status_code == 200, (who, template, response.text[:200])
            else:  # refused by the table: 403 (422 until issue 21's item 13 lands), the rule named
                assert response.status_code in REFUSED_STATUS and " may not " in response.json()["detail"], (
                    who,
                    template,
                    response.status_code,
                )
            assert web.get(_fill(path, s)).status_code == 401  # no token, no data
            if not _involved(who) and template not in PENDING_OUTLINE:
                assert CANARY not in response.text, (who, template)
        if who == "coordinator":  # the canary is there to be seen by the involved: the check above can fail
            assert CANARY in web.get(_fill("/api/v1/cases/{case}", s), headers=headers).text
        form = web.get("/sign-in").text
        import re

        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
        web.post("/sign-in", data={"token": token, "csrf_token": csrf, "next": "/"}, follow_redirects=False)
        for template, path in PAGES.items():
            response = web.get(_fill(path, s), follow_redirects=False)
            assert response.status_code in (200, 303, 403), (who, template, response.status_code)
            if not _involved(who):
                assert CANARY not in response.text, (who, template)


@pytest.mark.parametrize("who", list(USERS))
def test_every_outbox_operation_follows_the_table(route_store: Store, who: str, monkeypatch) -> None:
    from tests.helpers.cli import invoke

    s = route_store
    monkeypatch.setenv("TASKING_VIEWS", s.services.settings.views_path)
    monkeypatch.delenv("TASKING_SMTP_URL", raising=False)
    for name, (action, args) in CLI_OPERATIONS.items():
        code, _, stderr = invoke("--store", s.services.settings.store, "--user", USERS[who], *name.split(), *args)
        if scope(ROLE[who], action) == ANY:
            assert code != 3, (who, name, stderr)
        else:
            assert code == 3 and " may not " in stderr, (who, name, code, stderr)


@pytest.mark.parametrize("who", list(USERS))
def test_every_open311_route_follows_the_table_and_hides_restricted_text(
    route_store: Store, route_app: Any, who: str
) -> None:
    s = route_store
    token, web_client = _signed_web(s, who, route_app)
    with web_client as web:
        for (method, _), (action, path) in OPEN311.items():
            if method == "POST":  # a report with this role's token as the api_key: only the integration may
                response = web.post(path, data={"api_key": token, "service_code": "nope", "description": "x"})
                if scope(ROLE[who], action or "") == NONE:
                    assert response.status_code == 403 and " may not " in response.text, (who, path, response.text)
                else:  # let through to the form's own checks: an unknown service is GeoReport's 400
                    assert response.status_code == 400, (who, path, response.text)
                continue
            for params in ({}, {"api_key": token}):  # without a key: the public view; with one: only the integration's
                response = web.get(_fill(path, s), params=params)
                if (params and action is not None and scope(ROLE[who], action) == NONE) or (
                    not params and path in KEY_ONLY
                ):
                    assert response.status_code == 403, (who, path, response.status_code)
                else:
                    assert response.status_code in (200, 404), (who, path, response.status_code)
                assert CANARY not in response.text and "domestic" not in response.text, (who, path)
