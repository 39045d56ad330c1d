"""One rule for "does this request want JSON or a page": the error handler and the case forms both ask `wants_json`."""

from __future__ import annotations

import pytest
from starlette.requests import Request

from tasking.web.problems import PROBLEM, wants_json


def _request(accept: str | None) -> Request:
    headers = [] if accept is None else [(b"accept", accept.encode())]
    return Request({"type": "http", "method": "GET", "path": "/", "headers": headers})


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("application/json", True),
        (PROBLEM, True),
        ("application/problem+json, text/html;q=0.5", True),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", False),
        ("*/*", False),
        (None, False),
    ],
)
def test_a_request_wants_json_when_its_accept_names_a_json_type(accept: str | None, expected: bool) -> None:
    assert wants_json(_request(accept)) is expected


def test_the_error_handler_answers_a_browser_with_a_page_and_a_client_with_problem_json(shared_web) -> None:
    """A page that does not exist: HTML for a browser, problem details for a client asking for JSON."""
    web, _ = shared_web
    page = web.get("/no-such-page", headers={"Accept": "text/html"})
    problem = web.get("/no-such-page", headers={"Accept": "application/json"})
    assert page.status_code == problem.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert problem.headers["content-type"] == PROBLEM
    assert problem.json()["status"] == 404
