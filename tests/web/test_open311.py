"""Open311 GeoReport v2 for FixMyStreet: read with `georeport` (a client from PyPI) against the real app
served by uvicorn on 127.0.0.1, and created with raw form posts, as FixMyStreet sends them."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import requests
import uvicorn
from georeport import GeoReport

from tasking.bootstrap import Services, Settings
from tasking.commands import AddUser, send
from tasking.commands.case import CloseCase, UpdateReporter
from tasking.queries.briefing import briefing
from tasking.time.instants import utcnow
from tasking.time.meetings import MeetingCalendar
from tasking.web import create_app
from tasking.web.auth import FailedAttempts
from tests.helpers.wait import wait_until
from tests.relay import free_port
from tests.web.conftest import issue

RESIDENT = {"first_name": "Robin", "last_name": "Quartermaine", "email": "robin.q@example.org", "phone": "07700 900777"}


@pytest.fixture(name="served")
def fixture_served(services: Services, people: dict[str, str]) -> Iterator[str]:
    """The app over the test's store, served by uvicorn on a free port; yields its Open311 root."""
    app = create_app(
        Settings(store=services.settings.store, views=services.settings.views_path),
        pool_size=2,
        secret="test-secret",
        attempts=FailedAttempts(limit=50),
    )
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_until(lambda: server.started, "uvicorn started", every=0.02)
    yield f"http://127.0.0.1:{port}/open311/v2"
    server.should_exit = True
    thread.join(timeout=30)


@pytest.fixture(name="api_key")
def fixture_api_key(services: Services) -> str:
    send(
        services.app,
        AddUser(
            user="coordinator",
            at=utcnow(),
            login="fixmystreet",
            name="FixMyStreet",
            agency="COUNCIL",
            role="integration",
        ),
    )
    return issue(services, "fixmystreet")


def post(root: str, api_key: str, **fields: str) -> requests.Response:
    form = {
        "api_key": api_key,
        "service_code": "fly-tipping",
        "lat": "51.3972",
        "long": "0.1731",
        "address_string": "Azalea Drive, Swanley BR8",
        "description": "Mattresses dumped on the verge",
        "attribute[fixmystreet_id]": "4242",
        **RESIDENT,
        **fields,
    }
    return requests.post(f"{root}/requests.json", data=form, timeout=30)


def test_services_are_the_public_categories_and_never_the_restricted(served):
    client = GeoReport(served)
    services = {service["service_code"]: service for service in client.get_service_list()}
    assert services["fly-tipping"]["keywords"] == "public" and services["fly-tipping"]["service_name"] == "Fly tipping"
    assert services["hate-incident"]["keywords"] == "not-public"
    assert not {"domestic-abuse", "vulnerable-adult", "vulnerable-young-person"} & set(services)
    xml = GeoReport(served, output_format="xml").get_service_list()
    assert {service["service_code"] for service in xml} == set(services)


def test_a_report_is_recorded_once_and_appears_in_the_next_briefing(served, api_key, services, desk):
    first = post(served, api_key)
    again = post(served, api_key)
    assert first.status_code == 200 and again.status_code == 200
    [created] = first.json()
    assert again.json() == [created] and created["service_request_id"].startswith("CSU-")
    reference = created["service_request_id"]
    found = desk.read().db.execute("SELECT COUNT(*) FROM open311_requests").fetchone()[0]
    assert found == 1
    case = services.app.get_case(reference)
    # the meeting after it was received, whatever the time of day the test runs (after 09:00 on a
    # working day, "the meeting now" is that morning's, which came before the report)
    brief = briefing(desk.read(), MeetingCalendar(desk.config.meeting.time).at_or_after(case.received_at))
    [item] = [item for item in brief["new_reports"] if item["case"] == reference]
    assert (case.channel, case.area, case.category, case.source) == ("online", "Swanley", "fly-tipping", "COUNCIL")
    reporter = services.app.get_person(case.reporter)
    assert (reporter.name, reporter.email) == ("Robin Quartermaine", "robin.q@example.org")
    by_header = requests.post(
        f"{served}/requests.json",
        headers={"Request-Id": "abc-1"},
        timeout=30,
        data={
            "api_key": api_key,
            "service_code": "noise",
            "address_string": "High Street, Edenbridge",
            "description": "Loud",
        },
    )
    again = requests.post(
        f"{served}/requests.json",
        headers={"Request-Id": "abc-1"},
        timeout=30,
        data={
            "api_key": api_key,
            "service_code": "noise",
            "address_string": "High Street, Edenbridge",
            "description": "Loud",
        },
    )
    assert by_header.json() == again.json() and by_header.json()[0]["service_request_id"] != reference


def test_bad_input_gets_georeport_s_error_list(served, api_key):
    restricted = post(served, api_key, service_code="domestic-abuse", **{"attribute[fixmystreet_id]": "1"})
    assert restricted.status_code == 400
    [error] = restricted.json()
    assert error["code"] == 400 and error["description"].startswith("service_code:")
    nowhere = post(served, api_key, address_string="", lat="", long="", **{"attribute[fixmystreet_id]": "2"})
    assert nowhere.status_code == 400 and nowhere.json()[0]["description"].startswith("lat:")
    unknown_place = post(
        served, api_key, address_string="Somewhere Else", lat="", long="", **{"attribute[fixmystreet_id]": "3"}
    )
    assert unknown_place.json()[0]["description"].startswith("address_string:")
    no_key = post(served, "not-a-token")
    assert no_key.status_code == 403 and no_key.json()[0]["code"] == 403


def test_only_the_integration_role_may_report_and_it_may_do_nothing_else(served, api_key, services):
    officer = issue(services, "sgt.jones")
    refused = post(served, officer)
    assert refused.status_code == 403 and "may not use `tasking open311 report`" in refused.json()[0]["description"]
    cases = requests.get(
        served.replace("/open311/v2", "/api/v1/cases"), headers={"Authorization": f"Bearer {api_key}"}, timeout=30
    )
    assert cases.status_code == 403 and "integration may not use `tasking cases`" in cases.text


def test_reads_show_details_only_to_the_integration_that_made_the_request(served, api_key, services):
    reference = post(served, api_key).json()[0]["service_request_id"]
    public = GeoReport(served).get_service_request(reference)
    assert public["status"] == "open" and public["service_code"] == "fly-tipping"
    assert public["agency_responsible"] == "Sevenoaks District Council"
    for hidden in ("description", "address", "lat", "long", "email", "first_name"):
        assert hidden not in public
    assert "Mattresses" not in requests.get(f"{served}/requests.json", timeout=30).text
    mine = requests.get(f"{served}/requests/{reference}.json", params={"api_key": api_key}, timeout=30).json()[0]
    assert mine["description"] == "Mattresses dumped on the verge" and mine["lat"] == 51.3972
    send(
        services.app,
        AddUser(user="coordinator", at=utcnow(), login="other.fms", name="Other", agency="COUNCIL", role="integration"),
    )
    theirs = requests.get(
        f"{served}/requests/{reference}.json", params={"api_key": issue(services, "other.fms")}, timeout=30
    ).json()[0]
    assert "description" not in theirs
    missing = requests.get(f"{served}/requests/CSU-1999-99999.json", timeout=30)
    assert missing.status_code == 404 and missing.json()[0]["code"] == 404


def test_the_update_and_the_closure_come_back_with_the_public_note_only(served, api_key, services):
    reference = post(served, api_key).json()[0]["service_request_id"]
    now = utcnow()
    send(
        services.app,
        UpdateReporter(
            user="coordinator",
            at=now,
            case=reference,
            channel="email",
            note="Warden saw the van of the tenant at number 9",
            public_note="A warden has visited",
        ),
    )
    send(services.app, UpdateReporter(user="coordinator", at=now, case=reference, channel="phone", note="Called back"))
    send(
        services.app,
        CloseCase(
            user="coordinator",
            at=now,
            case=reference,
            reason="resolved",
            note="Cleared by the contractor, invoice 77",
            public_note="The waste has been cleared",
        ),
    )
    updates = requests.get(f"{served}/servicerequestupdates.json", params={"api_key": api_key}, timeout=30)
    assert updates.status_code == 200
    assert [(u["status"], u["description"]) for u in updates.json()] == [
        ("open", "A warden has visited"),
        ("open", ""),
        ("closed", "The waste has been cleared"),
    ]
    assert "tenant" not in updates.text and "invoice" not in updates.text
    public = GeoReport(served).get_service_request(reference)
    assert public["status"] == "closed" and public["status_notes"] == "The waste has been cleared"
    later = requests.get(
        f"{served}/servicerequestupdates.json",
        timeout=30,
        params={"api_key": api_key, "start_date": "2999-01-01T00:00:00Z"},
    )
    assert later.json() == []
    assert requests.get(f"{served}/servicerequestupdates.json", timeout=30).status_code == 403


def test_the_same_fixmystreet_id_posted_at_once_makes_one_case(served, api_key, desk):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: post(served, api_key, **{"attribute[fixmystreet_id]": "777"}), range(4)))
    assert [answer.status_code for answer in answers] == [200] * 4
    assert len({answer.json()[0]["service_request_id"] for answer in answers}) == 1
    assert desk.read().db.execute("SELECT COUNT(*) FROM activity WHERE kind = 'report'").fetchone()[0] == 1
