"""The morning in a real browser (Debian's Chromium, Playwright) against `tasking serve` over the demo
district: an officer records a report at /cases/new; the coordinator runs the 5 March 2018 meeting
from the briefing (tasks the wardens from the report's row, links it to its duplicate, closes
another case, issues the pack); an analyst opens the figures, drills into one and downloads an
export. Each step checks what the page shows and that the write is in `tasking audit`; axe-core
checks each of these pages; the navigation shows each role only what it may open.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.web.test_browser import CHROMIUM, axe_findings, serve_demo, shots, sync_api

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")
DAY = "2018-03-05"
DUPLICATED = "CSU-2017-00623"  # WARDENS, fly-tipping, The Row, New Ash Green, occurred 1 March 05:11; open
OTHER = "CSU-2017-00627"  # the morning's other new report


@pytest.fixture(name="morning", scope="module")
def fixture_morning(tmp_path_factory, demo_template):
    folder = tmp_path_factory.mktemp("morning")
    yield from serve_demo(folder, demo_template, TASKING_PACKS=str(folder / "packs"))


def _token(env: dict[str, str], login: str) -> str:
    return run_cli("--user", login, "users", "token", login, env=env).stdout.splitlines()[0]


def _audit(env: dict[str, str], case: str) -> list[dict]:
    return json.loads(run_cli("audit", case, "--json", env=env).stdout)["entries"]


def _signed_in(browser, base: str, token: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.goto(f"{base}/sign-in")
    page.get_by_label("API token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    return page


def _nav(page) -> list[str]:
    return page.locator('nav[aria-label="Main"] a').all_inner_texts()


def test_the_morning_from_intake_to_the_pack_to_the_figures(morning, tmp_path: Path) -> None:
    base, env, folder = morning["base"], morning["env"], shots(tmp_path)
    findings: dict[str, list[dict]] = {}
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )

        # 1. An officer records a report at /cases/new: a possible duplicate of a council report.
        officer = _signed_in(browser, base, _token(env, "pcso.fry"))
        assert "New report" in _nav(officer) and "Users" not in _nav(officer) and "Figures" not in _nav(officer)
        officer.goto(f"{base}/cases/new")
        findings["intake"] = axe_findings(officer)
        officer.get_by_label("Received by (agency)").select_option("POLICE")
        officer.get_by_label("Category").select_option("fly-tipping")
        officer.get_by_label("Area").select_option("New Ash Green")
        officer.get_by_label("Location").fill("The Row")
        officer.get_by_label("Occurred").fill("2018-03-01T06:00")
        officer.locator("#r-at").fill("2018-03-05T08:30")
        officer.get_by_label("Anonymous: the reporter gave no details").check()
        officer.get_by_label("Summary").fill("Mattresses dumped by the garages")
        officer.get_by_role("button", name="Record report").click()
        new = re.search(r"/cases/(CSU-\d{4}-\d{5})", officer.url).group(1)
        notice = officer.get_by_role("status").inner_text()
        assert notice.startswith("Report recorded") and "may duplicate an open report" in notice
        assert _audit(env, new)[0]["user"] == "pcso.fry"
        officer.context.close()

        # 2. The coordinator runs the meeting from the briefing, row by row.
        room = _signed_in(browser, base, morning["token"])
        assert {"Briefing", "New report", "Cases", "Users", "Access log"} <= set(_nav(room))
        room.goto(f"{base}/briefing/{DAY}")
        row = room.locator(f"#row-{new}")
        assert row.is_visible() and "The Row" in row.inner_text()
        room.get_by_text(f"Actions for {new}").click()
        task = room.locator(f'form[action="/briefing/{DAY}/task"]').filter(has=room.locator(f'input[value="{new}"]'))
        task.get_by_label(re.compile("^Agency")).select_option("WARDENS")
        task.get_by_label(re.compile("^Action")).fill("Clear the tipping and check the garages")
        task.get_by_label(re.compile("^Due")).fill("2018-03-09")
        task.get_by_text("At another time").click()
        task.get_by_label(re.compile("^When")).fill("2018-03-05T09:20")
        room.screenshot(path=str(folder / "web-meeting-room.png"), full_page=True)
        findings["briefing"] = axe_findings(room)
        task.get_by_role("button", name="Task").click()
        assert room.url.endswith(f"#row-{new}")
        assert room.get_by_role("status").inner_text() == f"Tasked: {new} T1."
        assert any(e["event"] == "TaskingRaised" and e["user"] == "coordinator" for e in _audit(env, new))

        # ... links it to the report it duplicates (the pair's row) ...
        pair = room.locator(f"#dup-{DUPLICATED}-{new}")
        assert pair.is_visible()
        confirm = room.locator(f'form[action="/briefing/{DAY}/confirm"]').filter(
            has=room.locator(f'input[value="{new}"]')
        )
        confirm.get_by_text("At another time").click()
        confirm.get_by_label(re.compile("^When")).fill("2018-03-05T09:25")
        confirm.get_by_role("button", name="Confirm: one incident").click()
        assert room.url.endswith(f"#dup-{DUPLICATED}-{new}"), room.locator(".error").all_inner_texts()
        assert "Confirmed as one incident" in room.get_by_role("status").inner_text()
        linked = [e for e in _audit(env, DUPLICATED) if e["event"] == "Linked"]
        assert (
            linked and linked[-1]["details"].get("to") == new and linked[-1]["details"].get("reason") == "same-incident"
        )

        # ... closes another case ...
        room.get_by_text(f"Actions for {OTHER}").click()
        close = room.locator(f'form[action="/briefing/{DAY}/close"]').filter(
            has=room.locator(f'input[value="{OTHER}"]')
        )
        close.get_by_label(re.compile("^Reason")).select_option("referred-elsewhere")
        close.get_by_text("At another time").click()
        close.get_by_label(re.compile("^When")).fill("2018-03-05T09:30")
        close.get_by_role("button", name="Close case").click()
        assert "Closed" in room.get_by_role("status").inner_text()
        assert any(e["event"] == "Closed" for e in _audit(env, OTHER))

        # ... and issues the day's pack.
        room.get_by_role("button", name="Issue the day's pack").click()
        assert room.get_by_role("status").inner_text() == "Pack issued."
        assert "has been issued" in room.locator("#issue").inner_text()
        issued = json.loads(run_cli("briefing", "issued", "--json", env=env).stdout)["briefings"]
        assert [b["meeting_day"] for b in issued] == [DAY]
        assert (Path(env["TASKING_PACKS"]) / DAY / "briefing.html").exists()
        room.context.close()

        # 3. An analyst opens the figures, drills into one and downloads an export.
        analyst = _signed_in(browser, base, _token(env, "analyst"))
        assert "Figures" in _nav(analyst) and "Briefing" not in _nav(analyst) and "New report" not in _nav(analyst)
        analyst.goto(f"{base}/figures")
        analyst.get_by_label("Financial year").fill("2017")
        analyst.get_by_role("button", name="Open the year").click()
        assert analyst.url.endswith("/figures/2017") and "2017/18" in analyst.locator("h1").inner_text()
        findings["figures"] = axe_findings(analyst)
        analyst.get_by_role("link", name="taskings", exact=True).click()
        assert analyst.locator("h1").inner_text().startswith("taskings 2017/18")
        findings["explain"] = axe_findings(analyst)
        analyst.go_back()
        with analyst.expect_download() as download_info:
            analyst.locator('a[href="/figures/2017/export/cases.csv"]').click()
        saved = tmp_path / "cases-2017.csv"
        download_info.value.save_as(saved)
        lines = saved.read_text(encoding="utf-8").splitlines()
        assert lines[0].startswith("case,") and any(line.startswith(new + ",") for line in lines[1:])
        analyst.goto(f"{base}/cases")
        findings["cases"] = axe_findings(analyst)
        browser.close()

    (folder / "axe-findings-morning.json").write_text(json.dumps(findings, indent=2) + "\n")
    serious = {name: [v for v in found if v["impact"] in ("serious", "critical")] for name, found in findings.items()}
    assert all(not v for v in serious.values()), serious
