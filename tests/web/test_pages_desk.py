"""The desk: the case list and its filters, people, the access log, users, the figures with their
drill-down and exports, and the case review, Task and Finish and MARAC pages with their writes."""

from __future__ import annotations

import csv
import io
import re

from tasking.commands import AssignLead, RaiseTasking
from tasking.queries.access import access_log
from tasking.queries.audit import show
from tests.web.conftest import issue
from tests.web.test_pages import csrf, sign_in

NAV = re.compile(r'<nav aria-label="Main">(.*?)</nav>', re.S)


def _listed(text: str) -> list[str]:
    return re.findall(r'<td><a href="/cases/([^"]+)">', text)


def test_the_case_list_filters_by_what_the_list_shows_and_by_agency_lead_and_dates(web, services, desk) -> None:
    shops = desk.report("2018-03-03T08:10")
    elm = desk.report("2018-03-04T10:00", location="Elm Road", category="noise", area="Edenbridge", source="POLICE")
    desk.send(RaiseTasking, when="2018-03-05T09:30", case=shops, agency="WARDENS", action="Patrol", due="2018-03-09")
    desk.send(AssignLead, when="2018-03-05T09:30", case=elm, lead="sgt.jones")
    sign_in(web, issue(services, "coordinator"))
    assert _listed(web.get("/cases").text) == [shops, elm]
    assert _listed(web.get("/cases?category=noise").text) == [elm]
    assert _listed(web.get("/cases?area=Edenbridge").text) == [elm]
    assert _listed(web.get("/cases?agency=WARDENS").text) == [shops]
    assert _listed(web.get("/cases?agency=POLICE").text) == [elm]
    assert _listed(web.get("/cases?lead=sgt.jones").text) == [elm]
    assert _listed(web.get("/cases?received_from=2018-03-04").text) == [elm]
    assert _listed(web.get("/cases?received_to=2018-03-03&open=on").text) == [shops]
    bad = web.get("/cases?received_from=2018-02-30")
    assert bad.status_code == 422 and "Value error" not in bad.text


def test_people_the_access_log_and_users_are_for_the_roles_the_table_allows(web, services, desk, people) -> None:
    sign_in(web, issue(services, "coordinator"))
    found = web.get("/people?find=smith")
    assert f'<a href="/people/{people["resident"]}">' in found.text and "Pat Smith" in found.text
    assert "smith" not in str(access_log(services.read(user="coordinator", action="access-log"))).lower()
    assert "search by name" in web.get("/access-log").text
    roster = web.get("/users")
    assert roster.status_code == 200 and "warden.grange" in roster.text and 'href="/desk/revoke-token"' in roster.text
    nav = NAV.search(roster.text).group(1)
    assert all(f'href="{h}"' in nav for h in ("/briefing", "/cases/new", "/access-log", "/users", "/case-reviews"))
    sign_in(web, issue(services, "warden.grange"))
    nav = NAV.search(web.get("/my-taskings").text).group(1)
    assert 'href="/people"' in nav and 'href="/access-log"' not in nav and 'href="/users"' not in nav
    assert 'href="/figures"' not in nav
    for page in ("/access-log", "/users", "/figures/2017", "/case-reviews", "/desk/add-user"):
        assert web.get(page).status_code == 403, page
    sign_in(web, issue(services, "analyst"))
    nav = NAV.search(web.get("/figures/2017").text).group(1)
    assert 'href="/figures"' in nav and 'href="/briefing"' not in nav and 'href="/people"' not in nav
    assert web.get("/people?find=smith").status_code == 403


def test_an_analyst_drills_into_a_figure_and_downloads_an_export(web, services, desk) -> None:
    case = desk.report("2018-03-03T08:10")
    desk.send(RaiseTasking, when="2018-03-05T09:30", case=case, agency="WARDENS", action="Patrol", due="2018-03-09")
    sign_in(web, issue(services, "analyst"))
    figures = web.get("/figures/2017")
    assert figures.status_code == 200 and "2017/18" in figures.text
    assert '<a href="/figures/2017/explain/taskings">taskings</a></td><td>1</td>' in figures.text
    explained = web.get("/figures/2017/explain/taskings")
    assert explained.status_code == 200 and case in explained.text and "TaskingRaised" in explained.text
    assert web.get("/figures/2017/explain/no-such-figure").status_code in (404, 422)
    download = web.get("/figures/2017/export/cases.csv")
    assert download.status_code == 200 and download.headers["content-type"].startswith("text/csv")
    assert download.headers["content-disposition"] == 'attachment; filename="cases-2017.csv"'
    rows = list(csv.DictReader(io.StringIO(download.text)))
    assert [r["case"] for r in rows] == [case] and "resident" in rows[0].values()


def test_the_case_review_group_and_marac_pages_write_through_their_commands(web, services, desk, people) -> None:
    case = desk.report("2018-03-03T08:10")
    sign_in(web, issue(services, "coordinator"))
    form = web.get("/desk/case-review-apply")
    assert form.status_code == 200 and 'for="w-applicant">Applicant <span class="hint">(required)</span>' in form.text
    refused = web.post(
        "/desk/case-review-apply",
        data={
            "applicant": people["resident"],
            "cases": "CSU-1999-99999",
            "at": "2018-03-06T10:00",
            "csrf_token": csrf(form.text),
        },
    )
    assert refused.status_code in (404, 409, 422) and "Not recorded:" in refused.text
    assert 'value="CSU-1999-99999"' in refused.text
    applied = web.post(
        "/desk/case-review-apply",
        data={
            "applicant": people["resident"],
            "cases": case,
            "at": "2018-03-06T10:00",
            "csrf_token": csrf(form.text),
            "next": "/case-reviews",
        },
        follow_redirects=False,
    )
    assert applied.status_code == 303 and applied.headers["location"].startswith("/case-reviews?done=")
    listing = web.get("/case-reviews")
    review = re.search(r'<a href="/case-reviews/([^"]+)">', listing.text).group(1)
    page = web.get(f"/case-reviews/{review}")
    assert page.status_code == 200 and f'href="/desk/case-review-acknowledge?review={review}"' in page.text
    opened = web.post(
        "/desk/tfg-open",
        data={
            "focus": "Azalea Shops",
            "area": "Swanley",
            "cases": case,
            "reason": "Repeat calls",
            "at": "2018-03-06T10:00",
            "csrf_token": csrf(form.text),
        },
        follow_redirects=False,
    )
    assert opened.status_code == 303, opened.text[:400]
    group = re.search(r'<a href="/task-and-finish-groups/([^"]+)">', web.get("/task-and-finish-groups").text).group(1)
    assert "Azalea Shops" in web.get(f"/task-and-finish-groups/{group}").text
    met = web.post(
        "/desk/marac-meetings-add",
        data={"at": "2018-03-08T10:00", "csrf_token": csrf(form.text)},
        follow_redirects=False,
    )
    assert met.status_code == 303
    assert web.get("/marac").status_code == 200
    assert show(services.read(user="coordinator", action="show"), case)["case"] == case
