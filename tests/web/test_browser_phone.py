"""The warden's phone and accessibility (issue 27, items 4 and 6), in Debian's Chromium driven by
Playwright against `tasking serve` over the demo district (the `served` fixture of test_browser.py).

A warden at 390 × 844 sees a tasking in My taskings, loses signal, records a follow-up and completes
the tasking, closes the browser and opens it again (a persistent profile: the queue is in
IndexedDB), gets signal back, and both writes are in `tasking audit` exactly once, even when the
phone sends them again. A write the server refuses on sync comes back with its reason; signing out
drops the kept case data. No page a role can open scrolls sideways at 360 px, axe-core's WCAG 2.1
A/AA rules find nothing at desktop and phone widths, and the keyboard reaches every control.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_cli
from tests.web.test_browser import CHROMIUM, axe_findings, fixture_served, sync_api  # noqa: F401 - the fixture

PHONE = {"width": 390, "height": 844}
NARROW = {"width": 360, "height": 800}
DESKTOP = {"width": 1280, "height": 900}
ARGS = ["--no-sandbox", "--disable-dev-shm-usage"]
ROLES = ("coordinator", "warden.grange", "analyst", "admin")  # one user of each role in the demo


@pytest.fixture(name="phone", scope="module")
def fixture_phone(served: dict[str, Any]) -> dict[str, Any]:
    """Tokens for one user of each role, and three new taskings for the wardens on open cases."""
    env = served["env"]
    tokens = {
        login: run_cli("--user", login, "users", "token", login, env=env).stdout.splitlines()[0] for login in ROLES
    }
    cases = [c["case"] for c in json.loads(run_cli("cases", "--open", "--json", env=env).stdout)["cases"]]
    due = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    taskings = {}
    for name, case in (("offline", cases[0]), ("refused", cases[1]), ("kept", cases[2])):  # "kept" stays open
        action = f"Phone test ({name}): patrol and report back"
        found = json.loads(
            run_cli(
                "--user",
                "coordinator",
                "task",
                case,
                "--agency",
                "WARDENS",
                "--owner",
                "warden.grange",
                "--action",
                action,
                "--due",
                due,
                "--json",
                env=env,
            ).stdout
        )
        taskings[name] = {"case": case, "tasking": found["tasking"], "action": action}
    return {**served, "tokens": tokens, "taskings": taskings}


def sign_in(page: Any, base: str, token: str) -> None:
    page.goto(f"{base}/sign-in")
    page.get_by_label("API token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/my-taskings")


def kept_for_the_shift(page: Any) -> None:
    """Waits until the service worker has kept My taskings and its cases (offline.js marks the body)."""
    page.locator("body[data-kept]:not([data-kept='0'])").wait_for(state="attached")  # no eval: the CSP forbids it


def kept_paths(page: Any) -> list[str]:
    return page.evaluate("""async () => {
        if (!(await caches.has('tasking-cases'))) return [];
        const cache = await caches.open('tasking-cases');
        return (await cache.keys()).map(r => new URL(r.url).pathname).filter(p => p !== '/__shift__').sort();
    }""")


def audit_of(served: dict[str, Any], case: str) -> list[dict[str, Any]]:
    return json.loads(run_cli("audit", case, "--json", env=served["env"]).stdout)["entries"]


def launch(playwright: Any, profile: Path, **options: Any) -> Any:
    return playwright.chromium.launch_persistent_context(
        str(profile), executable_path=CHROMIUM, headless=True, args=ARGS, viewport=PHONE, **options
    )


@contextmanager
def warden_phone(phone: dict[str, Any], tmp_path: Path) -> Iterator[tuple[Any, Any]]:
    """The warden signed in on a phone with a fresh profile, My taskings kept for the shift."""
    with sync_api.sync_playwright() as playwright:
        context = launch(playwright, tmp_path / "profile")
        page = context.new_page()
        sign_in(page, phone["base"], phone["tokens"]["warden.grange"])
        kept_for_the_shift(page)
        yield context, page
        context.close()


def test_a_warden_without_signal_records_a_follow_up_and_completes_a_tasking_stored_once(phone, tmp_path) -> None:
    base, tasking = phone["base"], phone["taskings"]["offline"]
    profile = tmp_path / "profile"
    outcome = "Phone test: spoke to the shopkeeper, no further trouble"
    with sync_api.sync_playwright() as playwright:
        context = launch(playwright, profile)
        page = context.pages[0] if context.pages else context.new_page()
        sign_in(page, base, phone["tokens"]["warden.grange"])

        # 1. My taskings shows the tasking; the worker keeps it and its case for the shift.
        row = page.locator("main table tr", has_text=tasking["action"])
        assert row.get_by_role("link", name=tasking["case"]).is_visible()
        kept_for_the_shift(page)
        links = sorted(
            set(
                page.locator("main table a[href^='/cases/']").evaluate_all(
                    "links => links.map(a => a.getAttribute('href'))"
                )
            )
        )
        assert kept_paths(page) == sorted(["/my-taskings", *links])  # only what the server showed this user
        assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]

        # 2. No signal: the case page still opens, and both writes are queued on the phone.
        context.set_offline(True)
        page.get_by_role("link", name=tasking["case"]).first.click()
        page.wait_for_url(f"{base}/cases/{tasking['case']}")
        page.get_by_label("Kind").select_option("visit")
        page.get_by_label("Outcome").fill(outcome)
        page.get_by_role("button", name="Record follow-up").click()
        page.locator("#phone-writes li.write-queued").first.wait_for()
        page.get_by_label("Tasking", exact=True).select_option(tasking["tasking"])
        page.get_by_label("Result").fill("Phone test: patrolled twice, area quiet")
        page.get_by_role("button", name="Complete tasking").click()
        page.locator("#phone-writes li.write-queued").nth(1).wait_for()
        queued = page.locator("#phone-writes li").all_inner_texts()
        assert [text.split(":")[0] for text in queued] == ["Queued", "Queued"], queued
        assert "Follow-up on " + tasking["case"] in queued[0] and "Tasking completion" in queued[1]
        before = audit_of(phone, tasking["case"])
        assert outcome not in json.dumps(before)  # nothing reached the server
        context.close()

        # 3. The browser is opened again, still without signal: the queue survived.
        context = launch(playwright, profile, offline=True)
        page = context.pages[0] if context.pages else context.new_page()
        page.goto(f"{base}/cases/{tasking['case']}")
        page.locator("#phone-writes li.write-queued").nth(1).wait_for()  # the list is drawn from IndexedDB, after load
        assert page.locator("#phone-writes li.write-queued").count() == 2

        # 4. Signal again: both are sent, and the page says so.
        context.set_offline(False)
        page.locator("#phone-writes li.write-sent").nth(1).wait_for()
        sent = page.locator("#phone-writes li").all_inner_texts()
        assert all(text.startswith("Sent: ") for text in sent), sent

        # 5. Sent again (as after a lost answer): the request ids make the server store nothing new.
        page.evaluate("""() => new Promise((resolve, reject) => {
            const opening = indexedDB.open('tasking-phone', 1);
            opening.onsuccess = () => {
                const store = opening.result.transaction('writes', 'readwrite').objectStore('writes');
                store.getAll().onsuccess = (event) => {
                    for (const write of event.target.result) store.put({...write, state: 'queued'});
                    store.transaction.oncomplete = () => resolve();
                };
            };
            opening.onerror = () => reject(opening.error);
        })""")
        page.reload()
        page.locator("#phone-writes li.write-sent").nth(1).wait_for()
        context.close()

    entries = audit_of(phone, tasking["case"])
    follow_ups = [e for e in entries if e["event"] == "FollowUpMade" and e["details"].get("outcome") == outcome]
    completions = [e for e in entries if e["event"] == "TaskingCompleted" and tasking["tasking"] in json.dumps(e)]
    assert len(follow_ups) == 1 and len(completions) == 1, [e["event"] for e in entries[len(before) :]]
    assert follow_ups[0]["user"] == "warden.grange" and completions[0]["user"] == "warden.grange"


def test_a_write_the_server_refuses_on_sync_comes_back_with_its_reason(phone, tmp_path) -> None:
    base, tasking = phone["base"], phone["taskings"]["refused"]
    with warden_phone(phone, tmp_path) as (context, page):
        page.goto(f"{base}/cases/{tasking['case']}")
        context.set_offline(True)
        page.get_by_label("Tasking", exact=True).select_option(tasking["tasking"])
        page.get_by_label("Result").fill("Phone test: done from the phone")
        page.get_by_role("button", name="Complete tasking").click()
        page.locator("#phone-writes li.write-queued").wait_for()
        # Meanwhile the coordinator completes it at the desk.
        run_cli(
            "--user",
            "coordinator",
            "complete",
            tasking["case"],
            tasking["tasking"],
            "--result",
            "Completed at the desk",
            env=phone["env"],
        )
        context.set_offline(False)
        refused = page.locator("#phone-writes li.write-refused")
        refused.wait_for()
        text = refused.inner_text()
        assert text.startswith("Refused: Tasking completion on " + tasking["case"]), text
        assert "The server said: " in text and "complete" in text.split("The server said: ")[1].lower(), text
        refused.get_by_role("button", name="Dismiss").click()  # the user has read it
        page.locator("#phone-writes li").first.wait_for(state="detached")
    completions = [
        e
        for e in audit_of(phone, tasking["case"])
        if e["event"] == "TaskingCompleted" and tasking["tasking"] in json.dumps(e)
    ]
    assert [e["user"] for e in completions] == ["coordinator"]


def test_signing_out_drops_the_kept_case_data(phone, tmp_path) -> None:
    base = phone["base"]
    with warden_phone(phone, tmp_path) as (context, page):
        assert f"/cases/{phone['taskings']['kept']['case']}" in kept_paths(page)
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url(f"{base}/sign-in")
        assert kept_paths(page) == []
        context.set_offline(True)  # and nothing is served from the phone any more
        page.goto(f"{base}/my-taskings")
        assert "Nothing is kept on this phone" in page.locator("main").inner_text()


def test_a_shift_that_has_ended_keeps_nothing(phone, tmp_path) -> None:
    """The worker drops the case data once the shift (from the server's `data-shift-ends`) is over."""
    with warden_phone(phone, tmp_path) as (_, page):
        ended = page.evaluate("""async () => {
            const worker = (await navigator.serviceWorker.ready).active;
            return await new Promise((resolve) => {
                const channel = new MessageChannel();
                channel.port1.onmessage = (event) => resolve(event.data);
                worker.postMessage({type: 'shift', user: document.body.dataset.user, ends: '2000-01-01T00:00:00Z'},
                                   [channel.port2]);
            });
        }""")
        assert ended is None and kept_paths(page) == []


def pages_of(page: Any, base: str) -> list[str]:
    """Every page the signed-in role can open from the navigation, with a case page and an error."""
    links = page.locator("header nav a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    cases = page.locator("main table a[href^='/cases/']").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    return list(
        dict.fromkeys(
            [
                *links,
                "/my-taskings",
                *(cases[:1] or ["/cases/CSU-2017-00001"]),
                "/reports/2017",
                "/cases/CSU-1999-00001",
            ]
        )
    )


# Each page is loaded once, its scroll width checked at every width and axe-core run at the phone's
# and the desktop's (once per page and width: the roles share the templates).
WIDTHS = (NARROW, PHONE, DESKTOP)
AXED = (PHONE, DESKTOP)


def test_no_page_scrolls_sideways_at_360_px_and_axe_finds_nothing_at_either_width(phone) -> None:
    """Every page each role can open: no sideways scrolling at 360, 390 or 1280 px; axe-core at the
    phone's and the desktop's widths (once per page and width: the roles share the templates)."""
    base, findings, checked, statuses = phone["base"], {}, set(), {}
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        for login in ROLES:
            page = browser.new_page(viewport=WIDTHS[0])
            page.set_default_timeout(120_000)  # as wait_until's limit: a loaded machine, not a timed assertion
            sign_in(page, base, phone["tokens"][login])
            visited = pages_of(page, base)
            assert "/my-taskings" in visited  # the annual report only where the role may read the figures
            assert ("/reports" in visited) == (login in ("coordinator", "analyst")), (login, visited)
            for path in ["/sign-in", *visited] if login == ROLES[0] else visited:
                page.set_viewport_size(WIDTHS[0])
                response = page.goto(f"{base}{path}")
                statuses[(login, path)] = response.status
                if path == "/docs":
                    page.locator(".swagger-ui .opblock").first.wait_for()
                for viewport in WIDTHS:
                    page.set_viewport_size(viewport)
                    width = page.evaluate("document.scrollingElement.scrollWidth")
                    assert width <= viewport["width"], (login, path, viewport, width)
                    if viewport in AXED and (path, viewport["width"]) not in checked:
                        checked.add((path, viewport["width"]))
                        findings[f"{path} at {viewport['width']} ({login})"] = axe_findings(page)
            page.close()
        browser.close()
    found = {where: v for where, v in findings.items() if v}
    assert found == {}, found
    assert statuses[("analyst", "/reports/2017")] == 200 and statuses[("warden.grange", "/my-taskings")] == 200
    assert [where for where, status in statuses.items() if status >= 500] == []
    for axed in AXED:  # sign-in, the navigation's pages, a case, a report and an error, at each axed width
        assert len([path for path, width in checked if width == axed["width"]]) >= 9, axed


def test_every_control_on_the_case_page_is_reached_and_used_from_the_keyboard(phone) -> None:
    base, tasking = phone["base"], phone["taskings"]["offline"]
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = browser.new_page(viewport=PHONE)
        sign_in(page, base, phone["tokens"]["warden.grange"])
        page.goto(f"{base}/cases/{tasking['case']}")
        name = """(e) => e.tagName + '|' + (e.id || e.getAttribute('href') || e.textContent.trim())"""
        controls = set(
            page.evaluate(f"""() => [...document.querySelectorAll('a[href], button, input, select, textarea')]
            .filter(e => e.type !== 'hidden' && e.getClientRects().length > 0).map({name})""")
        )
        reached: set[str] = set()
        for _ in range(200):  # a date-time field takes a Tab for each of its parts
            page.keyboard.press("Tab")
            reached.add(page.evaluate(f"({name})(document.activeElement)"))
            if controls <= reached:
                break
        assert controls - reached == set(), sorted(controls - reached)
        # A follow-up from the keyboard alone: the Kind select, the Outcome, the button.
        page.get_by_label("Kind").focus()
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Tab")
        page.keyboard.type("Keyboard test: letter posted")
        for _ in range(10):  # past the When field's parts, to the button
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.textContent") == "Record follow-up":
                break
        assert page.evaluate("document.activeElement.textContent") == "Record follow-up"
        page.keyboard.press("Enter")
        page.wait_for_url(f"{base}/cases/{tasking['case']}?done=*")
        assert page.get_by_role("status").inner_text() == "Follow-up recorded."
        browser.close()
    assert "Keyboard test: letter posted" in json.dumps(audit_of(phone, tasking["case"]))
