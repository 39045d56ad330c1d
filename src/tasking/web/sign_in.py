"""Signing in and out: a token turned into a session cookie (and the session ended), and `/`."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tasking.commands.tokens import token_hash
from tasking.time.instants import utcnow
from tasking.web.api_desk import client_of
from tasking.web.auth import authenticate, check_csrf, end_session, new_csrf_token, new_session_id
from tasking.web.page_session import csrf_of, safe_next, templates
from tasking.web.problems import Problem

router = APIRouter(include_in_schema=False)


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_form(request: Request, next: str | None = None) -> Response:
    return templates.TemplateResponse(
        request, "sign_in.html", {"user": None, "csrf": csrf_of(request), "next": safe_next(next), "error": None}
    )


@router.post("/sign-in", response_class=HTMLResponse)
def sign_in(
    request: Request, token: str = Form("", max_length=400), csrf_token: str = Form(""), next: str = Form("/")
) -> Response:
    check_csrf(request.session, csrf_token)
    try:
        with request.app.state.pool.borrow() as services:
            user = authenticate(services.app, token.strip(), client_of(request), request.app.state.attempts, via="page")
    except Problem as problem:
        if problem.status not in (401, 429):
            raise
        return templates.TemplateResponse(
            request,
            "sign_in.html",
            {
                "user": None,
                "csrf": csrf_of(request),
                "next": safe_next(next),
                "error": problem.detail
                if problem.status == 429
                else "That token is not valid (unknown, revoked or expired).",
            },
            status_code=problem.status,
            headers=problem.headers,
        )
    request.session.clear()
    request.session.update(
        {
            "login": user.login,
            "token_hash": token_hash(token.strip()),
            "csrf": new_csrf_token(),
            "sid": new_session_id(),
            "since": utcnow().isoformat(),
        }
    )
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/sign-out")
def sign_out(request: Request, csrf_token: str = Form("")) -> Response:
    check_csrf(request.session, csrf_token)
    with request.app.state.pool.borrow() as services:
        end_session(services.app, request.session)  # ended on the server, not only in this browser
    request.session.clear()
    return RedirectResponse("/sign-in", status_code=303)


@router.get("/")
def home() -> Response:
    return RedirectResponse("/my-taskings", status_code=303)
