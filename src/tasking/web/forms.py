"""What every page form shares: a write from typed fields through the API's own command path, the
reason for a refusal in words a browser user reads, and the navigation the permission rule allows.

- A form write is `send_command` (as the API and the CLI send): the command's own pydantic model
  checks the fields; times typed without a zone are Europe/London (`parse_datetime`).
- A refusal keeps the typed fields (`Refused.typed`) and says why without pydantic's "Value error, "
  prefix and without CLI commands (`tasking ...`, `--option`).
- The navigation lists a page only when the signed-in role's scope for its action is not `-`.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from tasking.commands.base import Command
from tasking.domain.permissions import NONE, scope
from tasking.errors import DomainError
from tasking.time.instants import parse_datetime
from tasking.web.api_commands import body_model, send_command
from tasking.web.problems import Problem, problem_for

# A form's datetime fields: typed local (`datetime-local`), parsed as the CLI parses --at.
TIMES = ("at", "occurred_at")

# (href, label, the permission action that opens it); None: every signed-in user.
NAVIGATION: tuple[tuple[str, str, str | None], ...] = (
    ("/briefing", "Briefing", "briefing"),
    ("/cases/new", "New report", "report"),
    ("/cases", "Cases", "cases"),
    ("/my-taskings", "My taskings", None),
    ("/feedback-owed", "Feedback owed", "feedback-owed"),
    ("/people", "People", "person find"),
    ("/figures", "Figures", "stats"),
    ("/reports", "Annual report", "stats"),
    ("/case-reviews", "Case reviews", "case-review list"),
    ("/task-and-finish-groups", "Task and Finish", "tfg list"),
    ("/marac", "Community MARAC", "marac agenda"),
    ("/access-log", "Access log", "access-log"),
    ("/users", "Users", "users list"),
    ("/docs", "API", None),
)


def may(role: str, action: str) -> bool:
    """The one permission rule: the role's scope for the action is `any` or `own`."""
    return scope(role, action) != NONE


def navigation(role: str) -> list[tuple[str, str]]:
    return [(href, label) for href, label, action in NAVIGATION if action is None or may(role, action)]


class Refused(Exception):
    """A write the store or the rules refused: the status, the plain reason, and what was typed."""

    def __init__(self, status: int, reason: str, typed: dict[str, Any]) -> None:
        super().__init__(reason)
        self.status, self.reason, self.typed = status, reason, typed


_LABELS = {
    "csrf": "the form's security check (csrf)",
    "occurred_at": "occurred",
    "at": "when",
    "to": "other case",
    "lat": "latitude",
    "lon": "longitude",
}


def plain(problem: Problem) -> str:
    """A problem's detail in a browser user's words: no "Value error, ", no CLI commands or options."""
    text = problem.detail
    text = re.sub(r"\bValue error, ", "", text)
    text = re.sub(r"`tasking ([^`]+)`", r"\1", text)
    text = re.sub(r"\s*\(?(?:see|use|run) `?tasking [^;)]*\)?", "", text)
    text = re.sub(r"--([a-z][a-z-]*)", lambda m: m.group(1).replace("-", " "), text)
    text = text.replace("Field required", "this field is required").replace("Input should be", "choose")
    field, _, rest = text.partition(": ")
    if rest and re.fullmatch(r"[a-z_]+", field):
        text = f"{_LABELS.get(field, field.replace('_', ' '))}: {rest}"
    return text[:1].upper() + text[1:]


def typed_fields(form: dict[str, Any]) -> dict[str, str]:
    """The form's fields as typed (trimmed), without the CSRF token and the empty ones."""
    return {k: str(v).strip() for k, v in form.items() if k != "csrf_token" and str(v).strip()}


def form_write(
    desk: Any,
    command_class: type[Command],
    fields: dict[str, Any],
    typed: dict[str, str],
    request_id: str | None = None,
) -> dict[str, Any]:
    """Send `command_class` built from `fields` as the signed-in user; `Refused` (with `typed`) when
    the model, a rule or the permission table refuses it. Not-found and store errors propagate."""
    try:
        values = dict(fields)
        for name in TIMES:
            if isinstance(values.get(name), str):
                values[name] = parse_datetime(values[name], name)
        body = body_model(command_class)(**values)
        return send_command(desk, command_class, body, request_id=request_id)
    except (ValidationError, DomainError, Problem) as exc:
        problem = problem_for(exc)
        if problem.status >= 500:
            raise
        raise Refused(problem.status, plain(problem), typed) from None


_STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d)?(?:Z|\+00:00)$")


def shown(value: Any) -> str:
    """A value of a query's plain data as a page shows it: stored UTC times local, lists joined."""
    from tasking.reporting.text import local_text

    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(shown(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {shown(v)}" for k, v in value.items() if v not in (None, "", [], {}))
    if isinstance(value, str) and _STAMP.match(value):
        return local_text(value)
    return str(value)
