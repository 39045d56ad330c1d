"""The phone's server side (issue 27, item 4), in-process: the service worker at the root scope, the
manifest and its icons, the shift the signed-in pages announce, and the case forms answering the
offline queue in JSON, stored once per request id. The browser side is tests/web/test_browser_phone.py."""

from __future__ import annotations

import datetime as dt
import json
import re
import struct

import pytest

from tasking.errors import DomainError
from tests.web.conftest import issue
from tests.web.test_api import case_tasked_to_wardens
from tests.web.test_pages import csrf, sign_in


def test_the_service_worker_is_served_from_the_root_never_stale_under_the_strict_csp(shared_web) -> None:
    web, _ = shared_web
    found = web.get("/sw.js")
    assert found.status_code == 200 and found.headers["content-type"].startswith("text/javascript")
    assert found.headers["cache-control"] == "no-cache" and found.headers["service-worker-allowed"] == "/"
    assert "script-src 'self';" in found.headers["content-security-policy"]
    assert "caches" in found.text and "tasking-cases" in found.text


def test_the_app_is_installable_a_manifest_with_png_icons_of_192_and_512(shared_web) -> None:
    web, _ = shared_web
    found = web.get("/static/manifest.webmanifest")
    assert found.status_code == 200 and found.headers["content-type"] == "application/manifest+json"
    manifest = found.json()
    assert manifest["start_url"] == "/my-taskings" and manifest["scope"] == "/" and manifest["display"] == "standalone"
    sizes = set()
    for icon in manifest["icons"]:
        image = web.get(icon["src"])
        assert image.status_code == 200 and image.headers["content-type"] == icon["type"]
        if icon["type"] == "image/png":
            width, height = struct.unpack(">II", image.content[16:24])  # the PNG's IHDR
            assert f"{width}x{height}" == icon["sizes"]
            sizes.add(width)
    assert {192, 512} <= sizes


def test_a_signed_in_page_hooks_the_phone_and_names_the_shift_s_end(shared_web) -> None:
    web, desk = shared_web
    services = desk.services
    before = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    sign_in(web, issue(services, "warden.grange"))
    page = web.get("/my-taskings").text
    assert '<script src="/static/offline.js" defer></script>' in page and 'rel="manifest"' in page
    assert "<script>" not in page  # no inline script
    ends = dt.datetime.fromisoformat(re.search(r'data-shift-ends="([^"]+)"', page).group(1).replace("Z", "+00:00"))
    assert before + dt.timedelta(hours=12) <= ends <= dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=12)
    assert 'data-user="warden.grange"' in page
    signed_out = web.get("/sign-in").text
    assert "offline.js" not in signed_out and "data-shift-ends" not in signed_out


def test_the_shift_is_a_setting_and_bad_input_is_refused_naming_it(monkeypatch) -> None:
    from tasking.web.phone import shift_hours

    assert shift_hours("") == 12 and shift_hours("8.5") == 8.5 and shift_hours("0") == 0
    monkeypatch.setenv("TASKING_SHIFT_HOURS", "10")
    assert shift_hours() == 10
    for bad in ("twelve", "25", "-1", "nan"):
        with pytest.raises(DomainError) as refused:
            shift_hours(bad)
        assert str(refused.value).startswith("shift-hours: TASKING_SHIFT_HOURS must be a number of hours from 0 to 24")


def test_the_offline_queue_s_write_is_answered_in_json_and_stored_once_per_request_id(shared_web) -> None:
    web, desk = shared_web
    services = desk.services
    case = case_tasked_to_wardens(desk)
    sign_in(web, issue(services, "warden.grange"))
    token = csrf(web.get(f"/cases/{case}").text)
    form = {
        "kind": "visit",
        "outcome": "Queued on the phone",
        "at": "2018-03-07T16:00:00Z",
        "request_id": "phone-1",
        "csrf_token": token,
    }
    for _ in range(2):  # sent twice, as after an answer lost on a bad signal
        sent = web.post(f"/cases/{case}/follow-up", data=form, headers={"Accept": "application/json"})
        assert sent.status_code == 200 and sent.json()["done"] == "Follow-up recorded", sent.text
    timeline = web.get(
        f"/api/v1/cases/{case}/audit", headers={"Authorization": f"Bearer {issue(services, 'warden.grange')}"}
    )
    assert [e["details"].get("outcome") for e in timeline.json()["entries"]].count("Queued on the phone") == 1
    refused = web.post(
        f"/cases/{case}/complete",
        data={"tasking": "T9", "result": "x", "request_id": "phone-2", "csrf_token": token},
        headers={"Accept": "application/json"},
    )
    assert refused.status_code in (404, 409, 422) and refused.headers["content-type"] == "application/problem+json"
    assert "T9" in json.loads(refused.text)["detail"]
