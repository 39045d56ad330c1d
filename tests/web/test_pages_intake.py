"""`/cases/new`: a report recorded from the page, with a person found or added on the same page."""

from __future__ import annotations

from urllib.parse import unquote

from tasking.queries.access import access_log
from tasking.queries.audit import show
from tasking.queries.cases import list_cases
from tests.web.conftest import issue
from tests.web.test_pages import csrf, sign_in

REPORT = {
    "source": "COUNCIL",
    "channel": "phone",
    "category": "youth-nuisance",
    "area": "Swanley",
    "location": "Azalea Shops",
    "occurred_at": "2018-03-03T21:30",
    "at": "2018-03-04T08:00",
    "anonymous": "on",
    "risk": "standard",
    "summary": "Groups gathering late, shouting",
}


def test_an_officer_records_a_report_and_lands_on_its_case_page(web, services) -> None:
    sign_in(web, issue(services, "sgt.jones"))
    form = web.get("/cases/new")
    assert form.status_code == 200 and "<h1>Record a report</h1>" in form.text
    assert 'for="r-summary">Summary <span class="hint">(required)</span>' in form.text
    saved = web.post(
        "/cases/new", data={**REPORT, "source": "POLICE", "csrf_token": csrf(form.text)}, follow_redirects=False
    )
    assert saved.status_code == 303, saved.text
    reference = saved.headers["location"].split("?")[0].rsplit("/", 1)[1]
    case = show(services.read(user="coordinator", action="show"), reference)
    assert (case["source"], case["location"], case["feedback"]) == ("POLICE", "Azalea Shops", "anonymous")
    assert case["received_at"] == "2018-03-04T08:00:00Z"  # typed local (GMT in March), stored UTC
    page = web.get(saved.headers["location"])
    assert "Report recorded." in page.text and "sgt.jones (POLICE)" in page.text


def test_the_case_page_says_when_a_new_report_may_duplicate_an_open_one(web, services, desk) -> None:
    first = desk.report("2018-03-03T22:00", source="POLICE", occurred_at=desk_at("2018-03-03T21:00"))
    sign_in(web, issue(services, "coordinator"))
    saved = web.post(
        "/cases/new", data={**REPORT, "csrf_token": csrf(web.get("/cases/new").text)}, follow_redirects=False
    )
    notice = unquote(saved.headers["location"])
    assert f"it may duplicate open report {first}" in notice, notice
    plain = web.post(
        "/cases/new",
        data={**REPORT, "location": "Nowhere Lane", "csrf_token": csrf(web.get("/cases/new").text)},
        follow_redirects=False,
    )
    assert "duplicate" not in unquote(plain.headers["location"])


def test_a_refused_report_keeps_what_was_typed_and_says_why_in_plain_words(web, services) -> None:
    sign_in(web, issue(services, "coordinator"))
    before = services.app.event_count()
    refused = web.post(
        "/cases/new", data={**REPORT, "occurred_at": "2018-03-05T21:30", "csrf_token": csrf(web.get("/cases/new").text)}
    )
    assert refused.status_code == 422
    assert "Not recorded: Occurred: must not be after the report was received" in refused.text
    assert "Value error" not in refused.text and "--" not in refused.text.split("Not recorded:")[1].split("<")[0]
    assert 'value="Azalea Shops"' in refused.text and ">Groups gathering late, shouting</textarea>" in refused.text
    assert 'value="2018-03-05T21:30"' in refused.text
    assert services.app.event_count() == before


def test_the_reporter_is_found_or_added_on_the_same_page(web, services, people) -> None:
    sign_in(web, issue(services, "coordinator"))
    typed = {**REPORT, "anonymous": "", "find": "smith", "csrf_token": csrf(web.get("/cases/new").text)}
    found = web.post("/cases/new", data={**typed, "step": "find"})
    assert found.status_code == 200 and f"<td>{people['resident']}</td><td>Pat Smith</td>" in found.text
    assert 'value="Azalea Shops"' in found.text  # what was typed stays
    log = access_log(services.read(user="coordinator", action="access-log"))
    assert any("search by name" in str(entry) for entry in log["entries"])
    added = web.post(
        "/cases/new", data={**typed, "step": "add", "new_name": "Robin Example", "new_phone": "01322 000000"}
    )
    assert added.status_code == 200 and "added as the reporter" in added.text
    reference = added.text.split("Person ", 1)[1].split(" ", 1)[0]
    assert f'name="reporter" type="text" value="{reference}"' in added.text
    saved = web.post("/cases/new", data={**typed, "reporter": reference}, follow_redirects=False)
    case = saved.headers["location"].split("?")[0].rsplit("/", 1)[1]
    assert show(services.read(user="coordinator", action="show"), case)["reporter"] == reference


def test_only_the_roles_that_may_report_open_the_page(web, services) -> None:
    sign_in(web, issue(services, "analyst"))
    page = web.get("/cases/new")
    assert page.status_code == 403 and "may not" in page.text
    assert 'href="/cases/new"' not in web.get("/feedback-owed").text  # not in the analyst's navigation
    posted = web.post("/cases/new", data={**REPORT, "csrf_token": csrf(web.get("/feedback-owed").text)})
    assert posted.status_code == 403 and "may not" in posted.text
    assert list_cases(services.read(user="coordinator", action="cases"))["cases"] == []  # the refusal alone is recorded
    sign_in(web, issue(services, "warden.grange"))
    assert 'href="/cases/new"' in web.get("/my-taskings").text


def desk_at(text: str):
    from tests.conftest import at

    return at(text)
