"""Fuzzing every write command through the real entry point, in process, on both backends.

The write commands are read from the click tree itself: every command that is not listed in
`READS` (with the reason it writes no event) is fuzzed, so a new command is fuzzed the day it is
added. Each option gets arbitrary text, or a value built for its kind (dates, date-times,
references that exist, choices). Each run either succeeds (exit 0) or fails with one line on
stderr and exit code 1, 2 or 3, never a traceback or an internal error, and a failure writes
nothing: the store's event count and the views' dump are unchanged.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from hypothesis import HealthCheck, given, settings
from eventsourcing.utils import get_topic
from hypothesis import strategies as st

from tasking.bootstrap import Settings, bootstrap
from tasking.cli import cli
from tasking.domain.access import AccessRefusal
from tests.conftest import make_store
from tests.helpers.cli import invoke

# Commands that record no event, each with why. Everything else in the tree is a write and is fuzzed.
READS = {
    "audit": "read",
    "briefing": "read",
    "briefing issued": "read",
    "cases": "read",
    "feedback-owed": "read",
    "repeats": "read",
    "show": "read",
    "person find": "read",
    "person show": "read",
    "users list": "read",
    "case-review list": "read",
    "case-review show": "read",
    "tfg list": "read",
    "tfg show": "read",
    "marac agenda": "read",
    "marac meetings list": "read",
    "duplicates": "read",
    "export": "read (writes a file)",
    "stats": "read (writes files)",
    "projections status": "views only",
    "projections catch-up": "views only",
    "projections rebuild": "views only",
    "projections verify": "views only",
    "verify": "read",
    "access-log": "read",
    "serve": "a long-running web server (tests/web)",
    "scheduler": "a long-running process; its jobs send `briefing issue` (fuzzed) and catch-up",
    "demo": "fills a new store with a fixed plan; --replace deletes files (tests/e2e/test_demo_and_stats.py)",
    "store copy": "copies into a second, empty store (tests/e2e/test_store_copy.py)",
    "plan list": "read",
    "plan show": "read",
    "activity list": "read",
    "pact list": "read",
    "funding list": "read",
    "cctv list": "read",
}
REFERENCES = {
    "case": ["CSU-2017-00001", "CSU-2017-00002", "csu-2017-00003"],
    "other": ["CSU-2017-00002"],
    "cases": ["CSU-2017-00001"],
    "to": ["CSU-2017-00002"],
    "tasking": ["T1", "t1"],
    "review": ["CR-2017-001"],
    "group": ["TFG-2017-01"],
    "flag": ["P-00000000"],
    "agency": ["POLICE", "wardens"],
    "source": ["COUNCIL"],
    "area": ["Swanley", "hextable"],
    "category": ["noise", "youth-nuisance"],
    "reporter": ["PER-00001"],
    "victim": ["PER-00002"],
    "applicant": ["PER-00001"],
    "on_behalf_of": ["PER-00002"],
    "lead": ["sgt.jones"],
    "owner": ["sgt.jones"],
    "login": ["new.user"],
    "admin": ["coordinator"],
    "action": ["A1"],
}
USERS = ["coordinator", "sgt.jones", "analyst", "nobody"]
EXAMPLES = int(os.environ.get("TASKING_FUZZ_EXAMPLES", "3"))  # per command and backend: fixed and small in CI


def leaves(command: click.Command, path: tuple[str, ...] = ()) -> Iterator[tuple[str, click.Command]]:
    if isinstance(command, click.Group):
        if path and command.invoke_without_command:
            yield " ".join(path), command
        for name, sub in sorted(command.commands.items()):
            yield from leaves(sub, (*path, name))
    else:
        yield " ".join(path), command


COMMANDS = dict(leaves(cli))
WRITES = sorted(name for name in COMMANDS if name not in READS)

TEXT = st.text(max_size=30)
LOCAL = st.datetimes(min_value=dt.datetime(1999, 1, 1), max_value=dt.datetime(2030, 1, 1))


def value_for(param: click.Parameter, folder: Path) -> st.SearchStrategy:
    """Arbitrary text, or a value shaped for the parameter's kind."""
    kind, name = param.type, param.name or ""
    if isinstance(kind, click.Choice):
        shaped = st.sampled_from([str(c) for c in kind.choices])
    elif type(kind).__name__ == "DateTimeType":
        shaped = LOCAL.map(lambda d: d.strftime("%Y-%m-%dT%H:%M"))
    elif type(kind).__name__ == "DateType" or name in ("meeting", "review_at"):
        shaped = LOCAL.map(lambda d: d.date().isoformat())
    elif isinstance(kind, (click.types.IntParamType, click.types.FloatParamType)):
        shaped = st.one_of(st.integers(-(10**6), 10**6).map(str), st.floats().map(str))
    elif isinstance(kind, click.Path):
        return st.one_of(st.just(str(folder / "missing.csv")), TEXT.map(lambda text: _file(folder, text)))
    elif name in REFERENCES:
        shaped = st.sampled_from(REFERENCES[name])
    else:
        return TEXT
    return st.one_of(shaped, shaped, TEXT)


def _file(folder: Path, text: str) -> str:
    path = folder / f"input-{abs(hash(text)) % 10**9}.csv"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return str(path)


def arguments(command: click.Command, folder: Path) -> st.SearchStrategy:
    """A command line for `command`: its arguments, then any of its options (required ones always)."""
    parts = []
    for param in command.params:
        if param.name in ("request_id", "user") or getattr(param, "hidden", False):
            continue
        if isinstance(param, click.Argument):
            one = value_for(param, folder).map(lambda v: [v])
            parts.append(st.lists(value_for(param, folder), min_size=1, max_size=2) if param.nargs == -1 else one)
            continue
        flag = param.opts[0]  # type: ignore[attr-defined]
        if getattr(param, "is_flag", False):
            given_ = st.just([flag])
        else:
            given_ = value_for(param, folder).map(lambda v, f=flag: [f, v])
        parts.append(given_ if param.required else st.one_of(st.just([]), given_))
    return st.tuples(*parts).map(lambda found: [item for part in found for item in part])


@pytest.fixture(name="fuzz_store", scope="module", params=["sqlite", "postgres"])
def fixture_fuzz_store(request, tmp_path_factory) -> Iterator[dict]:  # type: ignore[type-arg]
    """A store with a roster, people, three cases (one tasked), a case review, a group and a meeting."""
    folder = tmp_path_factory.mktemp(f"fuzz-{request.param}")
    store = make_store(request.param, folder, request)
    views = str(folder / "views.db")
    env = {"TASKING_VIEWS": views, "TASKING_LOG_LEVEL": "error"}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    setup = [
        ["init", "--admin", "coordinator", "--name", "Sam Patel", "--agency", "COUNCIL"],
        ["users", "add", "sgt.jones", "--name", "Alex Jones", "--agency", "POLICE", "--role", "officer"],
        ["users", "add", "analyst", "--name", "Ann Lyst", "--agency", "COUNCIL", "--role", "analyst"],
        ["person", "add", "--name", "Pat Smith"],
        ["person", "add", "--name", "Chris Doe"],
        *[
            [
                "report",
                "--source",
                "COUNCIL",
                "--category",
                "noise",
                "--area",
                "Swanley",
                "--location",
                "High St",
                "--occurred",
                f"2018-03-0{n}T09:00",
                "--received",
                f"2018-03-0{n}T10:00",
                "--reporter",
                "PER-00001",
                "--summary",
                "Loud music",
            ]
            for n in (2, 3, 4)
        ],
        [
            "task",
            "CSU-2017-00001",
            "--agency",
            "WARDENS",
            "--action",
            "Patrol",
            "--due",
            "2018-03-09",
            "--at",
            "2018-03-05T09:30",
        ],
        ["case-review", "apply", "--applicant", "PER-00001", "--received", "2018-03-05T10:00"],
        [
            "tfg",
            "open",
            "--focus",
            "Shops",
            "--area",
            "Swanley",
            "--case",
            "CSU-2017-00001",
            "--reason",
            "Repeats",
            "--at",
            "2018-03-05T11:00",
        ],
        [
            "tfg",
            "action",
            "TFG-2017-01",
            "--agency",
            "WARDENS",
            "--action",
            "Patrols",
            "--due",
            "2018-04-01",
            "--at",
            "2018-03-05T11:10",
        ],
        ["marac", "meetings", "add", "--at", "2018-03-20T10:00"],
    ]
    for args in setup:
        code, _, err = invoke("--store", store, "--user", "coordinator", *args)
        assert code == 0, (args, err)
    watcher = bootstrap(Settings(store=store, views=views))  # one connection for every snapshot
    yield {"store": store, "views": views, "folder": str(folder), "services": watcher}
    watcher.close()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def test_every_command_is_fuzzed_or_named_as_a_read() -> None:
    """A new command is fuzzed unless it is added to READS with its reason; READS names only real commands."""
    assert set(READS) <= set(COMMANDS), set(READS) - set(COMMANDS)
    retry_safe = {name for name, command in COMMANDS.items() if any(p.name == "request_id" for p in command.params)}
    assert retry_safe <= set(WRITES) and len(WRITES) >= 40
    assert {"report", "init", "import", "context import-police-uk", "briefing issue", "marac discuss"} <= set(WRITES)


# A refused attempt (exit 3) is recorded, as one event of its own and never on the case (issue 12):
# its row shows in the `log` and `access_log` views and nowhere else.
REFUSAL_TOPIC = get_topic(AccessRefusal.Recorded)
REFUSAL_VIEWS = ("log", "access_log")


def snapshot(found: dict) -> tuple[int, dict]:  # type: ignore[type-arg]
    services = found["services"]
    services.catch_up()
    return services.app.event_count(), services.open_views().dump()


def assert_wrote_nothing(found: dict, before: tuple[int, dict], code: int, what: str) -> None:  # type: ignore[type-arg]
    """Nothing written, except, for a refusal, the one record of that refusal."""
    count, views = snapshot(found)
    added = found["services"].app.recorder.select_notifications(before[0] + 1, 10, inclusive_of_start=True)
    topics = [n.topic for n in added]
    assert topics == ([REFUSAL_TOPIC] if code == 3 else []), f"{what} wrote {topics}"
    assert count == before[0] + len(topics)
    skip = REFUSAL_VIEWS if code == 3 else ()
    assert {t: r for t, r in views.items() if t not in skip} == {t: r for t, r in before[1].items() if t not in skip}, (
        f"{what} changed the views"
    )


@pytest.mark.parametrize("name", WRITES)
def test_a_write_succeeds_or_fails_in_one_line_writing_nothing(fuzz_store, name: str) -> None:
    command, folder = COMMANDS[name], Path(fuzz_store["folder"])

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.function_scoped_fixture,
            HealthCheck.filter_too_much,
            HealthCheck.data_too_large,
        ],
    )
    @given(args=arguments(command, folder), user=st.sampled_from(USERS))
    def check(args: list[str], user: str) -> None:
        before = snapshot(fuzz_store)
        code, _, err = invoke("--store", fuzz_store["store"], "--user", user, *name.split(), *args)
        if code == 0:
            return
        lines = err.strip().splitlines()
        assert code in (1, 2, 3), (code, err)
        assert len(lines) == 1 and lines[0].startswith(("Error: ", "Aborted.")), err
        assert "Traceback" not in err and "internal error" not in err, err
        assert_wrote_nothing(fuzz_store, before, code, f"{name} {args} failed ({lines[0]}) but")

    check()
