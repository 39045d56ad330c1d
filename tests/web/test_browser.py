"""A real browser on the real server: Debian's Chromium, driven by Playwright with the system
executable, against `tasking serve` over the demo district.

It signs in, opens the 5 March 2018 briefing and checks what it shows, records a follow-up through
the case page's form and finds it in the audit timeline, runs axe-core on each page, and saves
screenshots (into `TASKING_SCREENSHOTS` when set, e.g. `docs/`; else into the test's folder).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.conftest import TASKING, run_cli
from tests.helpers.stores import copy_demo
from tests.helpers.wait import answers, wait_until

sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# In CI (.ci/run installs it) a missing browser fails the test rather than skipping it.
pytestmark = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"), reason="Debian's chromium is not installed (.ci/run installs it)"
)
AXE = Path(__file__).parent / "axe" / "axe.min.js"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve_demo(folder: Path, demo_template: Path, **extra_env: str):
    """The demo (the session's copy), a token for the coordinator, and `tasking serve` on a free local
    port; yields the base URL, the token, the env and the log file, and stops the server afterwards."""
    store = copy_demo(demo_template, folder)
    env = {
        "TASKING_STORE": store,
        "TASKING_VIEWS": str(folder / "district.views.db"),
        "TASKING_LOG_FILE": str(folder / "log.jsonl"),
        **extra_env,
    }
    token = run_cli("--user", "coordinator", "users", "token", "coordinator", env=env).stdout.splitlines()[0]
    port = free_port()
    server = subprocess.Popen(
        [TASKING, "serve", "--port", str(port)],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=open(folder / "serve.err", "w"),  # noqa: SIM115
    )
    base = f"http://127.0.0.1:{port}"
    wait_until(
        lambda: answers(f"{base}/health"),
        "tasking serve listening",
        process=server,
        log=(folder / "serve.err").read_text,
    )
    yield {"base": base, "token": token, "env": env, "log": folder / "log.jsonl"}
    server.terminate()
    server.wait(timeout=30)


@pytest.fixture(name="served", scope="module")
def fixture_served(tmp_path_factory, demo_template):
    yield from serve_demo(tmp_path_factory.mktemp("served"), demo_template)


@pytest.fixture(name="page")
def fixture_page(served):
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        yield page
        browser.close()


def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("TASKING_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def axe_findings(page) -> list[dict]:
    """axe-core's violations on the page, WCAG 2.1 A and AA rules. Every rule still runs on every
    node; `resultTypes` only spares axe the details (selectors, HTML) of each node that passes, which
    cost time on a long page such as the demo's case list (axe-core's API, "Performance")."""
    # Through the DevTools protocol, not a <script>: the page's CSP allows no inline script, rightly.
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    return page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                                           resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length}));
    }""")


def test_sign_in_brief_the_morning_and_record_a_follow_up(served, page, tmp_path: Path) -> None:
    base, folder = served["base"], shots(tmp_path)
    expected = json.loads(run_cli("briefing", "--at", "2018-03-05T09:00", "--json", env=served["env"]).stdout)

    # 1. The briefing asks for sign-in first, then comes back to it.
    page.goto(f"{base}/briefing/2018-03-05")
    assert page.url.startswith(f"{base}/sign-in")
    page.get_by_label("API token").fill(served["token"])
    page.get_by_role("button", name="Sign in").click()
    assert page.url == f"{base}/briefing/2018-03-05"

    # 2. The demo's morning: the CLI's title, sections and cases.
    assert page.locator("h1").inner_text() == "Daily tasking meeting Monday 05 March 2018 09:00"
    headings = page.locator("h2").all_inner_texts()
    assert f"New reports ({len(expected['new_reports'])})" in headings
    assert f"Feedback owed ({len(expected['feedback_owed'])})" in headings
    for report in expected["new_reports"]:
        assert page.get_by_role("link", name=report["case"]).first.is_visible()
    page.screenshot(path=str(folder / "web-briefing.png"), full_page=True)
    page.keyboard.press("Tab")  # the keyboard reaches the skip link first
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    briefing_findings = axe_findings(page)

    # 3. A follow-up through the case page's form, on an open case.
    headers = {"Authorization": f"Bearer {served['token']}"}
    open_cases = httpx.get(f"{base}/api/v1/cases", params={"open": "true"}, headers=headers).json()["cases"]
    case = open_cases[-1]["case"]
    page.goto(f"{base}/cases/{case}")
    page.get_by_label("Kind").select_option("visit")
    page.get_by_label("Outcome").fill("Browser test: spoke to the shop manager")
    page.get_by_role("button", name="Record follow-up").click()
    assert page.get_by_role("status").inner_text() == "Follow-up recorded."

    # 4. It is in the audit timeline, by the signed-in user, and in the CLI's audit.
    timeline = page.locator("ol.timeline li").all_inner_texts()
    assert "FollowUpMade" in timeline[-1] and "coordinator (COUNCIL)" in timeline[-1]
    assert "Browser test: spoke to the shop manager" in timeline[-1]
    page.screenshot(path=str(folder / "web-case.png"), full_page=True)
    audit = json.loads(run_cli("audit", case, "--json", env=served["env"]).stdout)
    assert audit["entries"][-1]["details"]["outcome"] == "Browser test: spoke to the shop manager"
    case_findings = axe_findings(page)

    report = {"briefing": briefing_findings, "case": case_findings}
    (folder / "axe-findings.json").write_text(json.dumps(report, indent=2) + "\n")
    serious = [v for found in report.values() for v in found if v["impact"] in ("serious", "critical")]
    assert serious == [], serious


def test_every_page_and_the_docs_work_under_the_strict_csp(served, page) -> None:
    """No CSP violation on the pages, the annual report (its inline style hashed) or /docs (Swagger
    UI from the server's own copy); the pages are not framed."""
    base, violations = served["base"], []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.goto(f"{base}/sign-in")
    page.get_by_label("API token").fill(served["token"])
    page.get_by_role("button", name="Sign in").click()
    for path in ("/briefing/2018-03-05", "/my-taskings", "/feedback-owed", "/cases/CSU-2017-00001", "/reports/2017"):
        response = page.goto(f"{base}{path}")
        assert response.status == 200 and "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert page.locator("img").count() > 0 and page.evaluate("document.images[0].naturalWidth") > 0  # the charts
    page.goto(f"{base}/docs")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "tasking" in page.locator(".swagger-ui .info .title").inner_text()
    assert page.locator(".opblock").count() > 10
    assert violations == []
