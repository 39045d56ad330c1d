"""The ASB case review threshold: which reports are qualifying complaints (a pure function)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tasking.domain.qualifying import Application, Complaint, IncidentLink, Rules, assess, months_after, months_text
from tasking.time.instants import LONDON, UTC, parse_datetime

APPLICANT = "PER-00001"
NOW = dt.datetime(2026, 1, 1, tzinfo=UTC)  # everything below was recorded before this


def t(text: str) -> dt.datetime:
    return parse_datetime(text, "at")


def complaint(case: str, received: str, occurred: str | None = None, **over: object) -> Complaint:
    fields: dict[str, object] = dict(
        case=case,
        asb=True,
        reporter=APPLICANT,
        victim=None,
        received_at=t(received),
        occurred_at=t(occurred) if occurred else t(received) - dt.timedelta(hours=2),
        recorded_at=NOW - dt.timedelta(days=1),
        place="Swanley|azalea shops",
        hate=False,
    )
    fields.update(over)
    return Complaint(**fields)  # type: ignore[arg-type]


def run(
    complaints: list[Complaint],
    applied: str = "2018-03-01T10:00",
    rules: Rules = Rules(),
    links: list[IncidentLink] = (),
    at: str | None = None,
    cases: frozenset[str] = frozenset(),
    recorded_by: dt.datetime = NOW,
):
    application = Application(applicant=APPLICANT, received_at=t(applied), cases=cases)
    return assess(application, complaints, list(links), rules, at=t(at or applied), recorded_by=recorded_by)


def link(a: str, b: str, when: str = "2018-02-01T09:00") -> IncidentLink:
    return IncidentLink(case=a, to=b, at=t(when), recorded_at=NOW - dt.timedelta(days=1))


# --- one test at a time, with its reason in the words -------------------------------------


@pytest.mark.parametrize(
    ("over", "reason"),
    [
        ({}, None),
        ({"asb": False}, "not an ASB category"),
        ({"occurred_at": t("2017-12-01T21:00")}, "received more than one month after the behaviour"),
        ({"received_at": t("2018-03-02T09:00")}, "received after the application"),
        (
            {"received_at": t("2017-08-01T09:00"), "occurred_at": t("2017-07-31T21:00")},
            "received more than six months before the application",
        ),
    ],
    ids=["qualifies", "not-asb", "late-report", "after-application", "too-old"],
)
def test_each_test_excludes_with_its_reason(over: dict[str, object], reason: str | None) -> None:
    one = complaint("CSU-2017-00001", "2018-02-10T09:00", **over)
    result = run([one], at="2018-03-05T10:00")
    if reason is None:
        assert result.qualifying == ["CSU-2017-00001"] and result.excluded == []
    else:
        assert result.qualifying == [] and result.excluded == [{"case": "CSU-2017-00001", "reason": reason}]


@pytest.mark.parametrize(
    ("person", "named", "considered"),
    [
        ({"reporter": APPLICANT}, False, True),
        ({"reporter": None, "victim": APPLICANT}, False, True),
        ({"reporter": "PER-00009"}, True, True),
        ({"reporter": "PER-00009"}, False, False),
    ],
    ids=["reporter", "victim", "named-case", "someone-else"],
)
def test_the_applicant_is_reporter_or_victim_or_the_application_names_the_case(
    person: dict[str, object], named: bool, considered: bool
) -> None:
    one = complaint("CSU-2017-00001", "2018-02-10T09:00", **person)
    result = run([one], cases=frozenset({"CSU-2017-00001"}) if named else frozenset())
    assert result.qualifying == (["CSU-2017-00001"] if considered else [])
    assert result.excluded == []  # a report that is not the applicant's is not considered at all


# --- boundaries in local time, across clock changes ---------------------------------------------------


@pytest.mark.parametrize(
    ("occurred", "received", "counts"),
    [
        # Spring forward (26 March 2017): one month after 21:30 GMT is 21:30 BST, i.e. 20:30 UTC.
        ("2017-03-20T21:30", "2017-04-20T21:30", True),
        ("2017-03-20T21:30", "2017-04-20T21:31", False),  # a UTC month would still allow this (until 22:30 BST)
        # Fall back (29 October 2017): one month after 21:30 BST is 21:30 GMT, i.e. 21:30 UTC.
        ("2017-10-20T21:30", "2017-11-20T21:30", True),
        ("2017-10-20T21:29", "2017-11-20T21:00", True),  # a UTC month would refuse this (ends 20:29 GMT)
        ("2017-10-20T21:30", "2017-11-20T21:31", False),
        # Month ends are clipped: 31 January + one month is 28 February.
        ("2018-01-31T20:00", "2018-02-28T20:00", True),
        ("2018-01-31T20:00", "2018-02-28T20:01", False),
    ],
    ids=[
        "spring-edge",
        "spring-past",
        "autumn-edge",
        "autumn-utc-would-refuse",
        "autumn-past",
        "clip-edge",
        "clip-past",
    ],
)
def test_one_month_after_the_behaviour_is_counted_in_local_time(occurred: str, received: str, counts: bool) -> None:
    one = complaint("CSU-2017-00001", received, occurred)
    applied = (dt.date.fromisoformat(received[:10]) + dt.timedelta(days=10)).isoformat() + "T10:00"
    result = run([one], applied=applied)
    assert result.qualifying == (["CSU-2017-00001"] if counts else [])
    if not counts:
        assert result.excluded[0]["reason"] == "received more than one month after the behaviour"


@pytest.mark.parametrize(
    ("applied", "received", "counts"),
    [
        # Application in BST (1 May 2017 10:00 = 09:00 UTC); six months before is 1 November 2016 10:00 GMT (10:00 UTC).
        ("2017-05-01T10:00", "2016-11-01T10:00", True),
        ("2017-05-01T10:00", "2016-11-01T09:30", False),  # a UTC reckoning (09:00 UTC) would count this
        # Application in GMT (1 December 2017 10:00); six months before is 1 June 2017 10:00 BST (09:00 UTC).
        ("2017-12-01T10:00", "2017-06-01T10:00", True),
        ("2017-12-01T10:00", "2017-06-01T09:59", False),
        ("2017-12-01T10:00", "2017-12-01T10:00", True),  # the application's own moment counts
    ],
    ids=["bst-edge", "bst-utc-would-count", "gmt-edge", "gmt-past", "same-moment"],
)
def test_six_months_before_the_application_is_counted_in_local_time(applied: str, received: str, counts: bool) -> None:
    one = complaint("CSU-2017-00001", received)
    result = run([one], applied=applied)
    assert result.qualifying == (["CSU-2017-00001"] if counts else [])
    if not counts:
        assert result.excluded[0]["reason"] == "received more than six months before the application"


# --- incidents, thresholds and local rules ---------------------------------------------------------------


def test_one_incident_reported_to_two_agencies_counts_once() -> None:
    council = complaint("CSU-2017-00012", "2018-02-01T08:00")
    police = complaint("CSU-2017-00013", "2018-02-01T09:00", reporter=None, victim=APPLICANT)
    other = complaint("CSU-2017-00020", "2018-02-10T08:00")
    result = run([police, council, other], links=[link("CSU-2017-00013", "CSU-2017-00012")])
    assert result.qualifying == ["CSU-2017-00012", "CSU-2017-00020"]
    assert result.excluded == [{"case": "CSU-2017-00013", "reason": "same incident as CSU-2017-00012"}]
    assert not result.threshold_met


def test_an_incident_linked_through_a_third_report_still_counts_once() -> None:
    first = complaint("CSU-2017-00001", "2018-02-01T08:00")
    last = complaint("CSU-2017-00003", "2018-02-01T10:00")
    result = run(
        [first, last], links=[link("CSU-2017-00001", "CSU-2017-00002"), link("CSU-2017-00002", "CSU-2017-00003")]
    )
    assert result.qualifying == ["CSU-2017-00001"]


def test_a_link_made_after_the_assessment_does_not_merge_incidents() -> None:
    a, b = complaint("CSU-2017-00001", "2018-02-01T08:00"), complaint("CSU-2017-00002", "2018-02-01T09:00")
    result = run(
        [a, b], links=[link("CSU-2017-00001", "CSU-2017-00002", when="2018-03-10T09:00")], at="2018-03-05T10:00"
    )
    assert result.qualifying == ["CSU-2017-00001", "CSU-2017-00002"]


THREE = [complaint(f"CSU-2017-0000{n}", f"2018-02-0{n}T09:00") for n in (1, 2, 3)]


@pytest.mark.parametrize(
    ("threshold", "count", "met"), [(3, 3, True), (3, 2, False), (2, 2, True), (1, 1, True), (2, 1, False)]
)
def test_the_threshold_and_a_lowered_threshold(threshold: int, count: int, met: bool) -> None:
    result = run(THREE[:count], rules=Rules(threshold=threshold))
    assert result.threshold_met is met
    assert result.rules_applied[0] == f"threshold: {threshold} qualifying complaint{'s' if threshold != 1 else ''}"
    assert result.met_by == (result.rules_applied[:1] if met else [])


@pytest.mark.parametrize(("rule_on", "hate", "met"), [(True, True, True), (False, True, False), (True, False, False)])
def test_local_rule_a_single_qualifying_hate_incident(rule_on: bool, hate: bool, met: bool) -> None:
    result = run([complaint("CSU-2017-00001", "2018-02-01T09:00", hate=hate)], rules=Rules(hate_incident=rule_on))
    assert result.threshold_met is met
    assert ("local: a single qualifying hate incident" in result.rules_applied) is rule_on


def test_local_rule_a_hate_incident_must_itself_qualify() -> None:
    late = complaint("CSU-2017-00001", "2018-02-01T09:00", occurred="2017-12-01T09:00", hate=True)
    assert not run([late], rules=Rules(hate_incident=True)).threshold_met


def _neighbours(count: int, place: str = "Swanley|azalea shops") -> list[Complaint]:
    return [
        complaint(f"CSU-2017-001{n:02d}", f"2018-02-{n + 1:02d}T09:00", reporter=f"PER-001{n:02d}", place=place)
        for n in range(count)
    ]


@pytest.mark.parametrize(("rule", "others", "met"), [(3, 2, True), (3, 1, False), (0, 5, False), (4, 2, False)])
def test_local_rule_different_complainants_about_the_same_location(rule: int, others: int, met: bool) -> None:
    mine = complaint("CSU-2017-00001", "2018-02-20T09:00")
    result = run([mine, *_neighbours(others)], rules=Rules(different_complainants=rule))
    assert result.threshold_met is met
    assert result.qualifying == [
        "CSU-2017-00001"
    ]  # the neighbours' reports support the rule, they are not the applicant's
    if rule:
        assert f"local: {rule} different complainants about the same location in six months" in result.rules_applied


def test_local_rule_complainants_elsewhere_do_not_count() -> None:
    mine = complaint("CSU-2017-00001", "2018-02-20T09:00")
    result = run([mine, *_neighbours(4, place="Swanley|high street")], rules=Rules(different_complainants=3))
    assert not result.threshold_met


# --- the record as it stood at the assessment -------------------------------------------------------------


def test_a_complaint_recorded_after_the_assessment_does_not_change_it() -> None:
    late = complaint("CSU-2017-00004", "2018-02-04T09:00", recorded_at=NOW + dt.timedelta(seconds=1))
    assert run([*THREE[:2], late], rules=Rules(threshold=3)) == run(THREE[:2], rules=Rules(threshold=3))


def test_a_report_received_after_the_assessment_moment_is_not_seen() -> None:
    after = complaint("CSU-2017-00004", "2018-03-06T09:00")
    assert run([*THREE, after], at="2018-03-05T10:00").excluded == []


# --- properties ---------------------------------------------------------------------------------------------

START = dt.datetime(2016, 1, 1, tzinfo=UTC)
instants = st.integers(min_value=0, max_value=3 * 365 * 24 * 3600).map(lambda s: START + dt.timedelta(seconds=s))


@st.composite
def records(draw: st.DrawFn) -> tuple[list[Complaint], list[IncidentLink], Application, Rules]:
    applied = draw(instants)
    count = draw(st.integers(min_value=0, max_value=8))
    complaints = []
    for n in range(count):
        received = applied - dt.timedelta(seconds=draw(st.integers(min_value=-30 * 86400, max_value=240 * 86400)))
        occurred = received - dt.timedelta(seconds=draw(st.integers(min_value=0, max_value=45 * 86400)))
        complaints.append(
            Complaint(
                case=f"CSU-2017-{n:05d}",
                asb=draw(st.booleans()),
                reporter=draw(st.sampled_from([APPLICANT, "PER-00002", "PER-00003", None])),
                victim=draw(st.sampled_from([APPLICANT, None])),
                occurred_at=occurred,
                received_at=received,
                recorded_at=NOW - dt.timedelta(days=1),
                place=draw(st.sampled_from(["a|x", "a|y"])),
                hate=draw(st.booleans()),
            )
        )
    links = []
    if count >= 2:
        for a, b in draw(st.lists(st.tuples(st.integers(0, count - 1), st.integers(0, count - 1)), max_size=3)):
            links.append(
                IncidentLink(
                    case=f"CSU-2017-{a:05d}", to=f"CSU-2017-{b:05d}", at=applied, recorded_at=NOW - dt.timedelta(days=1)
                )
            )
    rules = Rules(
        threshold=draw(st.integers(1, 4)),
        different_complainants=draw(st.sampled_from([0, 2, 3])),
        hate_incident=draw(st.booleans()),
    )
    return complaints, links, Application(applicant=APPLICANT, received_at=applied), rules


@settings(max_examples=300, deadline=None)
@given(records(), st.data())
def test_property_a_later_recorded_complaint_never_changes_the_assessment(record, data) -> None:
    complaints, links, application, rules = record
    before = assess(application, complaints, links, rules, at=application.received_at, recorded_by=NOW)
    received = application.received_at - dt.timedelta(days=data.draw(st.integers(0, 100)))
    late = Complaint(
        case="CSU-2017-99999",
        asb=True,
        reporter=APPLICANT,
        victim=None,
        occurred_at=received - dt.timedelta(hours=1),
        received_at=received,
        recorded_at=NOW + dt.timedelta(seconds=data.draw(st.integers(1, 10**7))),
        place="a|x",
    )
    extra_link = IncidentLink(
        case="CSU-2017-99999",
        to="CSU-2017-00000",
        at=application.received_at,
        recorded_at=NOW + dt.timedelta(seconds=1),
    )
    after = assess(
        application, [*complaints, late], [*links, extra_link], rules, at=application.received_at, recorded_by=NOW
    )
    assert after == before


@settings(max_examples=300, deadline=None)
@given(records())
def test_property_every_report_of_the_applicant_is_counted_or_excluded_with_a_reason(record) -> None:
    complaints, links, application, rules = record
    result = assess(application, complaints, links, rules, at=application.received_at, recorded_by=NOW)
    mine = {
        c.case for c in complaints if APPLICANT in (c.reporter, c.victim) and c.received_at <= application.received_at
    }
    excluded = [item["case"] for item in result.excluded]
    assert sorted(result.qualifying + excluded) == sorted(mine)
    assert len(set(result.qualifying + excluded)) == len(result.qualifying) + len(excluded)
    assert all(item["reason"] for item in result.excluded)
    if len(result.qualifying) >= rules.threshold:
        assert result.threshold_met


@settings(max_examples=300, deadline=None)
@given(records())
def test_property_a_second_agencys_report_of_a_counted_incident_changes_nothing_counted(record) -> None:
    complaints, links, application, rules = record
    before = assess(application, complaints, links, rules, at=application.received_at, recorded_by=NOW)
    if not before.qualifying:
        return
    counted = next(c for c in complaints if c.case == before.qualifying[0])
    copy = Complaint(
        case="CSU-2017-88888",
        asb=True,
        reporter=None,
        victim=APPLICANT,
        occurred_at=counted.occurred_at,
        received_at=counted.received_at + dt.timedelta(minutes=5),
        recorded_at=counted.recorded_at,
        place=counted.place,
        hate=counted.hate,
    )
    copy_link = IncidentLink(
        case=copy.case, to=counted.case, at=application.received_at, recorded_at=counted.recorded_at
    )
    after = assess(
        application, [*complaints, copy], [*links, copy_link], rules, at=application.received_at, recorded_by=NOW
    )
    if copy.received_at <= application.received_at:
        assert after.qualifying == before.qualifying
        assert {"case": copy.case, "reason": f"same incident as {counted.case}"} in after.excluded
    assert after.threshold_met == before.threshold_met


@settings(max_examples=300, deadline=None)
@given(instants, st.integers(1, 6))
def test_property_the_month_boundary_is_the_same_local_wall_clock_time(occurred: dt.datetime, months: int) -> None:
    edge = months_after(occurred, months)
    here, there = occurred.astimezone(LONDON), edge.astimezone(LONDON)
    if here.hour not in (1, 2):  # 01:00-02:00 does not exist on the spring-forward day
        assert (there.hour, there.minute, there.second) == (here.hour, here.minute, here.second)
    rules = Rules(complaint_within_months=months, application_within_months=months + 1)
    application = Application(applicant=APPLICANT, received_at=edge + dt.timedelta(days=1))
    on_edge = Complaint(
        case="A",
        asb=True,
        reporter=APPLICANT,
        victim=None,
        occurred_at=occurred,
        received_at=edge,
        recorded_at=NOW - dt.timedelta(days=1),
    )
    past = Complaint(
        case="B",
        asb=True,
        reporter=APPLICANT,
        victim=None,
        occurred_at=occurred,
        received_at=edge + dt.timedelta(seconds=1),
        recorded_at=NOW - dt.timedelta(days=1),
    )
    result = assess(application, [on_edge, past], [], rules, at=application.received_at, recorded_by=NOW)
    assert result.qualifying == ["A"]
    assert result.excluded == [{"case": "B", "reason": f"received more than {months_text(months)} after the behaviour"}]
