"""The pages: sign-in into a session cookie, CSRF on every form, and the case page's writes."""

from __future__ import annotations

import re

from structlog.testing import capture_logs

from tasking.bootstrap import Settings
from tasking.commands import CloseCase, RevokeToken, send
from tasking.time.instants import utcnow
from tasking.web import create_app
from tests.web.conftest import issue
from tests.web.test_api import case_tasked_to_wardens


def csrf(page_text: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page_text).group(1)


def sign_in(web, token: str, target: str = "/my-taskings"):
    form = web.get(f"/sign-in?next={target}")
    return web.post(
        "/sign-in", data={"token": token, "csrf_token": csrf(form.text), "next": target}, follow_redirects=False
    )


def test_a_page_sends_you_to_sign_in_and_back(shared_web) -> None:
    web, desk = shared_web
    services = desk.services
    first = web.get("/briefing/2018-03-05", follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == "/sign-in?next=/briefing/2018-03-05"
    signed = sign_in(web, issue(services, "coordinator"), "/briefing/2018-03-05")
    assert signed.status_code == 303 and signed.headers["location"] == "/briefing/2018-03-05"
    cookie = signed.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "secure" not in cookie
    page = web.get("/briefing/2018-03-05")
    assert "<h1>Daily tasking meeting Monday 05 March 2018 09:00</h1>" in page.text
    assert "OFFICIAL-SENSITIVE" in page.text


def test_secure_cookies_behind_tls(services, people) -> None:
    from fastapi.testclient import TestClient

    app = create_app(
        Settings(store=services.settings.store, views=services.settings.views_path), secret="s", secure_cookies=True
    )
    with TestClient(app, base_url="https://testserver") as client:
        assert "; secure" in sign_in(client, issue(services, "coordinator")).headers["set-cookie"].lower()


def test_a_wrong_token_is_refused_and_logged_without_it(web, services) -> None:
    wrong = issue(services, "sgt.jones")[:-5] + "xxxxx"
    with capture_logs() as logs:
        refused = sign_in(web, wrong)
    assert refused.status_code == 401 and "That token is not valid" in refused.text
    assert [e["via"] for e in logs if e["event"] == "web.sign_in.failed"] == ["page"]
    assert wrong not in str(logs)


def test_a_revoked_token_ends_the_session(shared_web) -> None:
    web, desk = shared_web
    services = desk.services
    sign_in(web, issue(services, "sgt.jones"))
    assert web.get("/my-taskings", follow_redirects=False).status_code == 200
    send(services.app, RevokeToken(user="coordinator", at=utcnow(), login="sgt.jones"))
    assert web.get("/my-taskings", follow_redirects=False).status_code == 303


def test_a_form_without_the_session_s_csrf_token_is_refused(shared_web) -> None:
    web, desk = shared_web
    services = desk.services
    case = case_tasked_to_wardens(desk)
    sign_in(web, issue(services, "coordinator"))
    before = services.app.event_count()
    sent = web.post(f"/cases/{case}/follow-up", data={"kind": "visit", "outcome": "x", "csrf_token": "forged"})
    assert sent.status_code == 403 and "csrf" in sent.text
    assert services.app.event_count() == before


def test_the_case_page_records_a_follow_up_and_shows_it_in_the_timeline(shared_web) -> None:
    web, desk = shared_web
    services = desk.services
    case = case_tasked_to_wardens(desk)
    sign_in(web, issue(services, "warden.grange"))
    page = web.get(f"/cases/{case}")
    for label in ("Kind", "Outcome", "Tasking", "Result", "Channel"):
        assert re.search(rf'<label for="[^"]+">{label}', page.text), label
    done = web.post(
        f"/cases/{case}/follow-up",
        data={"kind": "visit", "outcome": "Spoke to parents", "at": "2018-03-07T16:00", "csrf_token": csrf(page.text)},
    )
    assert done.status_code == 200 and "Follow-up recorded." in done.text
    timeline = done.text.split('id="audit"', 1)[1]
    assert "FollowUpMade" in timeline and "warden.grange (WARDENS)" in timeline and "Spoke to parents" in timeline
    completed = web.post(
        f"/cases/{case}/complete",
        data={"tasking": "T1", "result": "Patrolled", "at": "2018-03-08T22:00", "csrf_token": csrf(page.text)},
    )
    assert "Tasking completed." in completed.text


def test_a_refused_write_shows_why_on_the_case_page(shared_web) -> None:
    web, desk = shared_web
    services = desk.services
    case = desk.report("2018-03-03T08:10")
    sign_in(web, issue(services, "coordinator"))
    page = web.get(f"/cases/{case}")
    desk.send(CloseCase, when="2018-03-05T11:00", case=case, reason="resolved")
    sent = web.post(
        f"/cases/{case}/follow-up",
        data={"kind": "visit", "outcome": "x", "at": "2018-03-06T10:00", "csrf_token": csrf(page.text)},
    )
    assert sent.status_code == 409 and "is closed" in sent.text


def test_my_taskings_feedback_owed_and_the_annual_report(shared_web) -> None:
    web, desk = shared_web
    services = desk.services
    case = case_tasked_to_wardens(desk)
    sign_in(web, issue(services, "warden.grange"))
    assert f'<a href="/cases/{case}">{case}</a>' in web.get("/my-taskings").text
    assert "<h1>Feedback owed" in web.get("/feedback-owed").text
    assert web.get("/reports/2017").status_code == 403  # officers do not read the statistics (issue 12)
    sign_in(web, issue(services, "analyst"))
    report = web.get("/reports/2017")
    assert (
        report.status_code == 200
        and "year-end figures 2017/18" in report.text
        and "data:image/png;base64," in report.text
    )


def test_the_case_page_of_an_anonymous_report_offers_no_reporter_update(shared_web) -> None:
    web, desk = shared_web
    services = desk.services
    named, anonymous = desk.report("2018-03-03T08:10"), desk.report("2018-03-03T08:20", anonymous=True)
    sign_in(web, issue(services, "coordinator"))
    assert "Record a reporter update" in web.get(f"/cases/{named}").text
    assert "Record a reporter update" not in web.get(f"/cases/{anonymous}").text


def test_a_refused_case_form_keeps_what_was_typed_and_says_why_in_plain_words(shared_web) -> None:
    web, desk = shared_web
    services = desk.services
    case = case_tasked_to_wardens(desk)
    sign_in(web, issue(services, "coordinator"))
    page = web.get(f"/cases/{case}")
    bad_kind = web.post(
        f"/cases/{case}/follow-up",
        data={
            "kind": "visitx",
            "outcome": "Spoke to the shop keeper",
            "at": "2018-03-07T16:00",
            "csrf_token": csrf(page.text),
        },
    )
    assert bad_kind.status_code == 422
    reason = bad_kind.text.split("Not recorded: ", 1)[1].split("</p>", 1)[0]
    assert reason.startswith("Kind:") and "Value error" not in reason and "Input should" not in reason
    assert ">Spoke to the shop keeper</textarea>" in bad_kind.text and 'value="2018-03-07T16:00"' in bad_kind.text
    sign_in(web, issue(services, "housing.lee"))
    refused = web.post(
        f"/cases/{case}/update-reporter",
        data={"channel": "letter", "note": "Wrote to them", "csrf_token": csrf(web.get("/my-taskings").text)},
    )
    assert refused.status_code == 403
    reason = (
        refused.text.split("Not recorded: ", 1)[1].split("</p>", 1)[0]
        if "Not recorded: " in refused.text
        else refused.text
    )
    assert "tasking " not in reason and "`" not in reason
