"""The desk's case list comes a page at a time, its filters kept from page to page: a district's
years of cases are not one page of thousands of rows."""

from __future__ import annotations

import html
import re

import pytest

from tasking.web import pages_desk
from tests.web.conftest import issue
from tests.web.test_pages import sign_in
from tests.web.test_pages_desk import _listed


def _link(text: str, rel: str) -> str | None:
    found = re.search(rf'<a href="(/cases\?[^"]+)" rel="{rel}">', text)
    return html.unescape(found.group(1)) if found else None


def test_the_case_list_pages_keep_the_filters_and_the_count(
    web, services, desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pages_desk, "CASES_PER_PAGE", 2)
    noise = [desk.report(f"2018-03-0{day}T10:00", category="noise") for day in range(1, 6)]
    desk.report("2018-03-06T10:00")  # another category: filtered out on every page
    sign_in(web, issue(services, "coordinator"))

    first = web.get("/cases?category=noise").text
    assert _listed(first) == noise[:2] and "Cases (5)" in first and "Cases 1 to 2 of 5 (page 1 of 3)" in first
    assert _link(first, "prev") is None
    second = web.get(_link(first, "next")).text
    assert _link(first, "next") == "/cases?category=noise&page=2" and _listed(second) == noise[2:4]
    last = web.get(_link(second, "next")).text
    assert _listed(last) == noise[4:] and _link(last, "next") is None
    assert _link(last, "prev") == "/cases?category=noise&page=2"

    beyond = web.get("/cases?category=noise&page=9")
    assert beyond.status_code == 200 and _listed(beyond.text) == [] and "there are 3 pages" in beyond.text
    assert web.get("/cases?page=0").status_code == 422
