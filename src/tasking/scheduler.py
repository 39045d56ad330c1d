"""The scheduler: briefing packs before each meeting, daily reminders, catch-up, a nightly views
verify and a retention hook.

Jobs are three-line functions; each has a stable id, coalesces missed runs and has a grace time.
`run_once` does what is due at one moment, for cron users and tests.
"""

from __future__ import annotations

import datetime as dt
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import structlog
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from tasking.bootstrap import Services
from tasking.time.meetings import MeetingCalendar, is_working_day
from tasking.reporting.packs import is_issued, issue_pack, write_reminders
from tasking.time.instants import LONDON, local_date, utcnow

log = structlog.get_logger("tasking.scheduler")
REMINDER_TIME = dt.time(7, 45)


class WorkingDayTrigger(CronTrigger):
    """A cron trigger at a local time on Monday to Friday, skipping England and Wales bank holidays."""

    def __init__(self, at: dt.time) -> None:
        super().__init__(day_of_week="mon-fri", hour=at.hour, minute=at.minute, timezone=LONDON)

    def get_next_fire_time(self, previous_fire_time: dt.datetime | None, now: dt.datetime) -> dt.datetime | None:
        fire = super().get_next_fire_time(previous_fire_time, now)
        while fire is not None and not is_working_day(fire.astimezone(LONDON).date()):
            fire = super().get_next_fire_time(fire, fire + dt.timedelta(seconds=1))
        return fire


def pack_time(services: Services) -> dt.time:
    meeting = services.app.config.meeting
    hours, minutes = (int(part) for part in meeting.time.split(":"))
    start = dt.datetime.combine(dt.date(2000, 1, 3), dt.time(hours, minutes)) - dt.timedelta(
        minutes=meeting.briefing_lead_minutes
    )
    return start.time()


def due_pack(services: Services, now: dt.datetime, output: Path, user: str) -> dict[str, Any] | None:
    """Issue today's pack if its time has come and its meeting has not yet passed; warn of a missed one."""
    calendar = MeetingCalendar(services.app.config.meeting.time)
    meeting = calendar.at_or_after(now)
    lead = dt.timedelta(minutes=services.app.config.meeting.briefing_lead_minutes)
    if now >= meeting - lead:
        return issue_pack(services, meeting, output, user, now)
    passed = calendar.at_or_before(now)
    if local_date(passed) == local_date(now) and not is_issued(services, passed):
        log.warning(
            "briefing.missed", meeting=passed.isoformat(), reason="the meeting had passed before the pack was made"
        )
    return None


def due_reminders(services: Services, now: dt.datetime, output: Path) -> dict[str, Any] | None:
    day = local_date(now)
    if is_working_day(day) and now.astimezone(LONDON).time() >= REMINDER_TIME:
        return write_reminders(services, day, output)
    return None


def retention(services: Services, now: dt.datetime, user: str) -> dict[str, Any]:
    """Destroy the free text and people's details past their retention period (`tasking retention run`)."""
    from tasking import retention as rules

    found = rules.run(services, now, user)
    return {"cases": len(found["cases"]), "people": len(found["people"]), "held": len(found["held"])}


def nightly_verify(services: Services, now: dt.datetime) -> dict[str, Any]:
    """Compare the views with a clean rebuild. A failure (rows edited in the views file, say) is logged
    as an error and the views are rebuilt at once, so edited rows are not served; the finding is
    kept and reported in the next pack."""
    from tasking.errors import DomainError
    from tasking.projections import health

    path = services.settings.views_path
    unreadable = None
    try:
        differences = health.verify(services.app, path)
    except DomainError as exc:
        differences, unreadable = [], str(exc)
    if not differences and unreadable is None:
        health.record(path, now.isoformat(), [])
        log.info("views.verify", outcome="ok")
        return {"ok": True, "differences": 0}
    log.error(
        "views.verify",
        outcome="unreadable" if unreadable else "differ",
        differences=len(differences),
        error=unreadable,
        action="rebuilding the views",
    )
    services.open_views().rebuild(services.app)  # an unreadable file is moved aside when opened
    health.record(path, now.isoformat(), differences, unreadable=unreadable, rebuilt=True)
    return {"ok": False, "differences": len(differences), "unreadable": unreadable, "rebuilt": True}


def notify(services: Services, now: dt.datetime) -> dict[str, Any] | None:
    """Send the outbox through TASKING_SMTP_URL (`tasking notify send`); nothing when it is not set."""
    import os

    from tasking.notify.sender import send_due
    from tasking.notify.smtp import Relay

    if not os.environ.get("TASKING_SMTP_URL"):
        return None
    return send_due(services, now, Relay.from_env())


def run_once(services: Services, now: dt.datetime, output: Path, user: str) -> dict[str, Any]:
    """Everything that is due at `now`, once: catch up, the briefing pack, reminders, retention."""
    return {
        "caught_up": services.catch_up(),
        "briefing": due_pack(services, now, output, user),
        "reminders": due_reminders(services, now, output),
        "retention": retention(services, now, user),
    }


def _timed(name: str, job: Callable[[], Any]) -> Callable[[], Any]:
    def run() -> dict[str, Any]:
        started = time.perf_counter()
        result = job()
        return {"job": name, "duration_ms": round((time.perf_counter() - started) * 1000, 1), "result": result}

    return run


def _listener(event: JobExecutionEvent) -> None:
    scheduled = event.scheduled_run_time.isoformat() if event.scheduled_run_time else None
    if event.code == EVENT_JOB_MISSED:
        log.warning("job.missed", job=event.job_id, scheduled=scheduled)
    elif event.exception is not None:
        log.error("job.run", job=event.job_id, scheduled=scheduled, outcome="error", error=repr(event.exception))
    else:
        retval = event.retval or {}
        log.info(
            "job.run",
            job=event.job_id,
            scheduled=scheduled,
            duration_ms=retval.get("duration_ms"),
            outcome="ok",
            result=retval.get("result"),
        )


def build_scheduler(services: Services, output: Path, user: str) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone=LONDON, executors={"default": ThreadPoolExecutor(1)})
    grace = services.app.config.meeting.briefing_lead_minutes * 60
    jobs = [
        (
            "briefing-pack",
            WorkingDayTrigger(pack_time(services)),
            grace,
            lambda: due_pack(services, utcnow(), output, user),
        ),
        (
            "overdue-reminders",
            WorkingDayTrigger(REMINDER_TIME),
            3600,
            lambda: due_reminders(services, utcnow(), output),
        ),
        ("catch-up", IntervalTrigger(minutes=1, timezone=LONDON), 30, services.catch_up),
        ("notify", IntervalTrigger(minutes=1, timezone=LONDON), 30, lambda: notify(services, utcnow())),
        (
            "retention",
            CronTrigger(hour=2, minute=0, timezone=LONDON),
            3600,
            lambda: retention(services, utcnow(), user),
        ),
        (
            "views-verify",
            CronTrigger(hour=3, minute=0, timezone=LONDON),
            3600,
            lambda: nightly_verify(services, utcnow()),
        ),
    ]
    for job_id, trigger, misfire, job in jobs:
        scheduler.add_job(
            _timed(job_id, job),
            trigger,
            id=job_id,
            name=job_id,
            replace_existing=True,
            coalesce=True,
            misfire_grace_time=misfire,
            max_instances=1,
        )
    scheduler.add_listener(_listener, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED)
    return scheduler


def serve(services: Services, output: Path, user: str) -> None:
    """Run until SIGTERM or SIGINT. A pack missed while the machine was off is made at start-up if its
    meeting has not yet passed; otherwise the miss is logged.

    The signal handlers are installed first and only set an event that the main thread waits on, so
    a signal at any moment (even during start-up) ends in the same clean shutdown."""
    stopping = threading.Event()
    received: list[str] = []

    def stop(signum: int, _frame: Any) -> None:
        received.append(signal.Signals(signum).name)
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    scheduler = build_scheduler(services, output, user)
    now = utcnow()
    started = run_once(services, now, output, user)
    next_runs = {job.id: job.trigger.get_next_fire_time(None, now.astimezone(LONDON)) for job in scheduler.get_jobs()}
    scheduler.start()
    log.info(
        "scheduler.started",
        output=str(output),
        user=user,
        briefing=started["briefing"],
        next_runs={job_id: when.isoformat() for job_id, when in next_runs.items() if when},
    )
    while not stopping.wait(1.0):
        pass
    log.info("scheduler.stopping", signal=received[0])
    scheduler.shutdown(wait=True)  # a job that is running finishes first
    log.info("scheduler.stopped", outcome="clean shutdown")
