"""Benchmark: the engine against raw SQLite, measured side by side in the same run.

    python benchmarks/bench.py --cases 100000 [--store sqlite|postgres] [--json OUT]

It builds a synthetic workload of N cases with about 6 events each (report, tasking, follow-up,
completion, reporter update, closure) and measures:

  (a) bulk ingest through the command layer with batched saves, against raw `executemany` of
      the same stored rows in one transaction;
  (b) interactive commands, one per transaction with full pydantic validation, against raw
      single-row transactions;
  (c) a full projection rebuild including view writes, against a warm raw SELECT of all events;
  (d) the briefing, feedback-owed and year statistics at that size (and at 4N), each against a raw
      baseline: the briefing's and feedback-owed's own SELECT statements (traced from a call) run
      and fetched by SQLite alone, so the same sections and rows; year statistics against a raw SQL
      aggregate over the same view rows;
  (e) peak RSS of a rebuild at N and at 4N, and the rebuild time ratio 4N/N.

With `--store postgres` the store is PostgreSQL (TASKING_TEST_POSTGRES): the raw baselines are
`executemany` into a table of the same shape there, single-row transactions there, and a raw
`SELECT` of the stored events there; the views are rebuilt into SQLite as in production.

The write path is measured as it runs in service (issue 22, item 6): every event chained
(`tasking.store.chain`), personal details sealed with the key store, the whole store encrypted
with a fresh `TASKING_CIPHER_KEY` (unless one is set; `--no-cipher` measures without), and every
command in (a) and (b) sent with a request id of its own, so a request record is stored with it
(`--no-request-ids` measures without). The JSON's `with` says which were on.

Raw baselines swing between runs on shared machines, so only ratios within one run mean much.
This is a script run on demand, not a timed test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from tasking.bootstrap import Settings, bootstrap
from tasking.commands import (
    AddPerson,
    CloseCase,
    CompleteTasking,
    InitStore,
    RaiseTasking,
    RecordFollowUp,
    RecordReport,
    UpdateReporter,
    send,
)
from tasking.config import default_config_text
from tasking.files import write_private_text
from tasking.logs import configure_logging
from tasking.time.instants import at_local

AREAS = ["Swanley", "Edenbridge", "Westerham", "Hartley", "Hextable", "Sevenoaks Town"]
CATEGORIES = ["youth-nuisance", "neighbour-nuisance", "noise", "fly-tipping", "drugs"]
START = at_local(dt.date(2017, 4, 3), dt.time(8, 0))


SPAN_CASES = 100_000  # a report every 37 minutes for up to this many cases: about 7 years from START


def spacing(cases: int) -> dt.timedelta:
    """The time between two reports: 37 minutes, or less for a run of more than SPAN_CASES cases, so
    that every history ends within about 7 years of START (a county's retention period; and 4N at
    N = 100,000 at 37 minutes would run 28 years, into the future, which the write path refuses)."""
    return dt.timedelta(minutes=37) * min(1.0, SPAN_CASES / cases)


OWED = "in-flight"  # --owed: who is left owed feedback (see case_commands)


def case_commands(n: int, person: str, step: dt.timedelta = dt.timedelta(minutes=37)) -> list:
    """Six commands for case number n; its reference is filled in when the report is saved.

    With `--owed in-flight` (the default) the closure tells the reporter (`close --reporter-told
    phone`, as the coordinator does), so only the cases still in flight at a read are owed
    feedback, as in a partnership that gives feedback (the seed's district: 95%). With `--owed all`
    (the workload of runs before stop 31) the closure comes after the last update and tells no
    one, so every closed case in history stays owed: the owed list grows with history."""
    received = START + step * n
    told = {"reporter_told": "phone"} if OWED == "in-flight" else {}
    return [
        (
            "report",
            dict(
                user="coordinator",
                at=received,
                source="COUNCIL",
                channel="phone",
                category=CATEGORIES[n % len(CATEGORIES)],
                area=AREAS[n % len(AREAS)],
                location=f"{n % 500} High Street",
                occurred_at=received - dt.timedelta(hours=2),
                reporter=person,
                summary="Synthetic report",
            ),
        ),
        (
            "task",
            dict(
                user="coordinator",
                at=received + dt.timedelta(hours=1),
                agency="WARDENS",
                action="Patrol",
                due=(received + dt.timedelta(days=7)).date(),
            ),
        ),
        ("follow-up", dict(user="coordinator", at=received + dt.timedelta(days=1), kind="visit", outcome="Spoke")),
        ("complete", dict(user="coordinator", at=received + dt.timedelta(days=2), tasking="T1", result="Done")),
        ("update", dict(user="coordinator", at=received + dt.timedelta(days=3), channel="phone", note="Told")),
        ("close", dict(user="coordinator", at=received + dt.timedelta(days=4), reason="resolved", **told)),
    ]


KINDS = {
    "task": RaiseTasking,
    "follow-up": RecordFollowUp,
    "complete": CompleteTasking,
    "update": UpdateReporter,
    "close": CloseCase,
}


REQUEST_IDS = True  # each command of (a) and (b) with a request id, so a request record is stored


def request_id() -> str | None:
    return str(uuid.uuid4()) if REQUEST_IDS else None


def run_case(app, n: int, person: str, step: dt.timedelta) -> None:
    """Validate and send one case's six commands (validation is part of the measured path)."""
    steps = case_commands(n, person, step)
    ref = send(app, RecordReport(**steps[0][1]), log_it=False, request_id=request_id())["case"]
    for kind, fields in steps[1:]:
        send(app, KINDS[kind](case=ref, **fields), log_it=False, request_id=request_id())


def setup(app) -> str:
    at = START - dt.timedelta(days=1)
    send(
        app,
        InitStore(user="coordinator", at=at, name="Bench", agency="COUNCIL", config_toml=default_config_text()),
        log_it=False,
    )
    return send(app, AddPerson(user="coordinator", at=at, name="Bench Resident"), log_it=False)["person"]


def store_url(kind: str, folder: Path, name: str) -> str:
    if kind == "sqlite":
        return str(folder / f"{name}.db")
    base = os.environ.get("TASKING_TEST_POSTGRES")
    if not base:
        sys.exit("--store postgres needs TASKING_TEST_POSTGRES=postgresql://user:password@host:port/db")
    return f"{base}{'&' if '?' in base else '?'}schema=bench_{name}_{uuid.uuid4().hex[:8]}"


VIEWS_FOLDER = Path(tempfile.gettempdir())


def views_for(store: str) -> str:
    """SQLite views next to a SQLite store; in the run's folder for a PostgreSQL one."""
    if store.startswith("postgresql://"):
        return str(VIEWS_FOLDER / f"{store.rsplit('schema=', 1)[1]}.views.db")
    return store + ".views"


def ingest(store: str, cases: int) -> dict:
    """(a) Bulk ingest through the command layer: validate, decide, save in batches."""
    services = bootstrap(Settings(store=store, views=views_for(store)), create_tables=True, batching=True)
    person = setup(services.app)
    started, cpu = time.perf_counter(), time.process_time()
    step = spacing(cases)
    for n in range(cases):
        run_case(services.app, n, person, step)
    services.app.flush()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    events = services.app.event_count()
    services.close()
    # CPU time beside wall time: on a shared machine the wall time is mostly waiting for a core.
    return {
        "events": events,
        "seconds": seconds,
        "events_per_s": events / seconds,
        "cpu_seconds": cpu,
        "cpu_us_per_event": cpu / events * 1e6,
    }


def stored_rows(store: str) -> list[tuple]:
    if store.startswith("postgresql://"):
        with _pg(store) as conn:
            return conn.execute(
                f"SELECT originator_id, originator_version, topic, state FROM {_pg_table(store)} "
                "ORDER BY notification_id"
            ).fetchall()
    with sqlite3.connect(store) as conn:
        return conn.execute(
            "SELECT originator_id, originator_version, topic, state FROM stored_events ORDER BY rowid"
        ).fetchall()


def _pg(store: str):
    import psycopg

    from tasking.bootstrap import postgres_env
    from tasking.store.postgres_args import connect_args

    env = postgres_env(store)
    return psycopg.connect(**connect_args(env), autocommit=True)


def _pg_table(store: str) -> str:
    from tasking.bootstrap import postgres_env

    return f'"{postgres_env(store)["POSTGRES_SCHEMA"]}".tasking_events'


def raw_pg(store: str, name: str):
    """A table of the stored events' shape in the PostgreSQL schema, for the raw baselines."""
    conn = _pg(store)
    table = f'"{store.rsplit("schema=", 1)[1]}".{name}'
    conn.execute(f"DROP TABLE IF EXISTS {table}")
    conn.execute(
        f"CREATE TABLE {table} (originator_id uuid, originator_version bigint, topic text, state bytea, "
        "PRIMARY KEY (originator_id, originator_version))"
    )
    return conn, table


def raw_file(folder: Path, name: str) -> sqlite3.Connection:
    path = folder / name
    if path.exists():
        path.unlink()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(
        "CREATE TABLE stored_events (originator_id TEXT, originator_version INTEGER, topic TEXT, state BLOB, "
        "PRIMARY KEY (originator_id, originator_version))"
    )
    return conn


def raw_ingest(rows: list[tuple], folder: Path, store: str) -> dict:
    if store.startswith("postgresql://"):
        conn, table = raw_pg(store, "raw_bulk")
        started = time.perf_counter()
        with conn.transaction(), conn.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} VALUES (%s, %s, %s, %s)", rows)
        seconds = time.perf_counter() - started
        conn.close()
        return {"events": len(rows), "seconds": seconds, "events_per_s": len(rows) / seconds}
    conn = raw_file(folder, "raw-bulk.db")
    started = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO stored_events VALUES (?, ?, ?, ?)", rows)
    conn.execute("COMMIT")
    seconds = time.perf_counter() - started
    conn.close()
    return {"events": len(rows), "seconds": seconds, "events_per_s": len(rows) / seconds}


def interactive(store: str, cases: int) -> dict:
    """(b) One command per transaction, each validated and retried like the CLI's."""
    services = bootstrap(Settings(store=store, views=views_for(store)), create_tables=True)
    person = setup(services.app)
    latencies = []
    before = services.app.event_count()
    started = time.perf_counter()
    for n in range(cases):
        steps = case_commands(n, person)
        t0 = time.perf_counter()
        ref = send(services.app, RecordReport(**steps[0][1]), log_it=False, request_id=request_id())["case"]
        latencies.append(time.perf_counter() - t0)
        for kind, fields in steps[1:]:
            t0 = time.perf_counter()
            send(services.app, KINDS[kind](case=ref, **fields), log_it=False, request_id=request_id())
            latencies.append(time.perf_counter() - t0)
    seconds = time.perf_counter() - started
    events = services.app.event_count() - before
    services.close()
    latencies.sort()
    return {
        "commands": len(latencies),
        "events": events,
        "seconds": seconds,
        "events_per_s": events / seconds,
        "p50_ms": 1000 * latencies[len(latencies) // 2],
        "p99_ms": 1000 * latencies[int(len(latencies) * 0.99)],
    }


def raw_single(rows: list[tuple], folder: Path, store: str) -> dict:
    if store.startswith("postgresql://"):
        conn, table = raw_pg(store, "raw_single")
        started = time.perf_counter()
        for row in rows:
            with conn.transaction():
                conn.execute(f"INSERT INTO {table} VALUES (%s, %s, %s, %s)", row)
        seconds = time.perf_counter() - started
        conn.close()
        return {"events": len(rows), "seconds": seconds, "events_per_s": len(rows) / seconds}
    conn = raw_file(folder, "raw-single.db")
    started = time.perf_counter()
    for row in rows:
        conn.execute("BEGIN")
        conn.execute("INSERT INTO stored_events VALUES (?, ?, ?, ?)", row)
        conn.execute("COMMIT")
    seconds = time.perf_counter() - started
    conn.close()
    return {"events": len(rows), "seconds": seconds, "events_per_s": len(rows) / seconds}


REBUILD_CHILD = """
import json, sys, time
from tasking.bootstrap import Settings, bootstrap
from tasking.projections.runner import Views
services = bootstrap(Settings(store=sys.argv[1]))
views = Views(sys.argv[2])
started, cpu = time.perf_counter(), time.process_time()
applied = views.rebuild(services.app)
seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
# Peak RSS of this process image: VmHWM. (ru_maxrss survives execve on Linux, so it would report
# the benchmark parent's size at fork time.)
hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(json.dumps({"events": applied, "seconds": seconds, "events_per_s": applied / seconds, "cpu_seconds": cpu,
                  "cpu_us_per_event": cpu / applied * 1e6, "peak_rss_mb": hwm / 1024}))
"""


def rebuild(store: str, folder: Path, name: str) -> dict:
    """(c)/(e) A full rebuild into a new views file, in a child process so its peak RSS is its own."""
    views = Path(views_for(store))  # the views the reads (d) then use
    for suffix in ("", "-wal", "-shm"):
        Path(str(views) + suffix).unlink(missing_ok=True)
    done = subprocess.run(
        [sys.executable, "-c", REBUILD_CHILD, store, str(views)], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def raw_select(store: str) -> dict:
    if store.startswith("postgresql://"):
        with _pg(store) as conn:
            sql = f"SELECT topic, state FROM {_pg_table(store)}"
            conn.execute(sql).fetchall()  # warm the cache
            started = time.perf_counter()
            count = 0
            cursor = conn.execute(sql)
            while chunk := cursor.fetchmany(10000):
                count += len(chunk)
            seconds = time.perf_counter() - started
        return {"events": count, "seconds": seconds, "events_per_s": count / seconds}
    with sqlite3.connect(store) as conn:
        conn.execute("SELECT topic, state FROM stored_events").fetchall()  # warm the cache
        started = time.perf_counter()
        cursor = conn.execute("SELECT topic, state FROM stored_events")
        count = 0
        while chunk := cursor.fetchmany(10000):
            count += len(chunk)
        seconds = time.perf_counter() - started
    return {"events": count, "seconds": seconds, "events_per_s": count / seconds}


RAW_READS = {
    # The figures `tasking stats` prints, by SQLite alone (without incidents, corrections, or the
    # partnership's and escalations' few rows): the reports by category, area, source and month; the
    # counted activity by kind and its breakdowns; and each feedback-asking report's last update and
    # last action by year end (feedback owed and given).
    "year_stats": (
        "SELECT 'report', category, area, source, substr(date, 1, 7), NULL, COUNT(*) FROM activity "
        "WHERE kind = 'report' AND at >= ?1 AND at < ?2 GROUP BY 2, 3, 4, 5 "
        "UNION ALL SELECT kind, tasked_agency, acting_agency, follow_up_kind, power, referral, COUNT(*) FROM activity "
        "WHERE kind IN ('task', 'follow-up', 'update-reporter', 'power', 'refer', 'close') AND at >= ?1 AND at < ?2 "
        "GROUP BY 1, 2, 3, 4, 5, 6 "
        "UNION ALL SELECT 'feedback', reference, MAX(CASE WHEN kind = 'update-reporter' THEN at END), "
        "MAX(CASE WHEN kind != 'update-reporter' THEN at END), NULL, NULL, COUNT(*) FROM activity "
        "WHERE kind IN ('update-reporter', 'follow-up', 'complete', 'power', 'refer', 'close') AND at < ?2 "
        "AND reference IN (SELECT reference FROM activity WHERE kind = 'report' AND at >= ?1 AND at < ?2 "
        "AND feedback IN ('resident', 'report-back')) GROUP BY reference",
        "year",
    ),
}
# The briefing and feedback owed: their raw baseline is their own SELECTs (traced from one call),
# run by SQLite alone and fetched: the same sections and the same rows, without the Python.
TRACED = ("briefing", "feedback_owed")


def traced_selects(db, call) -> list[str]:
    """The SELECT statements a read runs on the views' connection, with their values bound."""
    seen: list[str] = []
    db.conn.set_trace_callback(seen.append)
    try:
        call()
    finally:
        db.conn.set_trace_callback(None)
    return [sql for sql in seen if sql.lstrip().upper().startswith(("SELECT", "WITH"))]


def run_selects(db, statements: list[str]) -> None:
    for sql in statements:
        db.conn.execute(sql).fetchall()


def reads(store: str, cases: int) -> dict:
    """(d) Briefing, feedback-owed and year statistics through the public queries, each against its
    raw floor in the same process and the same views file: for the briefing and feedback owed, the
    very SELECTs the call ran (so the same rows of every section), by SQLite alone.

    The briefing and feedback-owed are read at a meeting 30 days in (as earlier runs did) and at the
    meeting after the last report, with all of history before it: the coordinator's real morning.
    With `--owed all` every case is closed after its reporter's update, so at the last meeting every
    case in history is owed feedback; with `--owed in-flight` (the default) only the cases still in
    flight are."""
    from tasking.queries.briefing import briefing, meeting_for
    from tasking.queries.feedback import feedback_owed
    from tasking.queries.stats import year_stats
    from tasking.time.instants import iso

    services = bootstrap(Settings(store=store, views=views_for(store)))
    read = services.read(user="coordinator")
    db, config = read.db, read.config
    meeting = meeting_for(config, START + dt.timedelta(days=30), START)
    year = START.year
    last = meeting_for(config, START + spacing(cases) * cases + dt.timedelta(days=1), START)
    bounds = {
        "window": (iso(meeting - dt.timedelta(days=7)), iso(meeting)),
        "to": (iso(meeting),),
        "year": (f"{year}-04-01", f"{year + 1}-04-01"),
        "last_window": (iso(last - dt.timedelta(days=7)), iso(last)),
        "last_to": (iso(last),),
    }
    calls = {
        "briefing": lambda: briefing(read, meeting),
        "feedback_owed": lambda: feedback_owed(db, config, read.point.until(meeting)),
        "year_stats": lambda: year_stats(db, config, year, read.point.position),
        "briefing_last": lambda: briefing(read, last),
        "feedback_owed_last": lambda: feedback_owed(db, config, read.point.until(last)),
    }
    timings: dict[str, float] = {}
    for name, call in calls.items():
        timings[f"{name}_ms"] = _median_ms(call)
        if name.removesuffix("_last") in TRACED:
            selects = traced_selects(db, call)
            timings[f"{name}_statements"] = len(selects)
            timings[f"{name}_raw_ms"] = _median_ms(lambda selects=selects: run_selects(db, selects))
        else:
            sql, bound = RAW_READS[name.removesuffix("_last")]
            bound = f"last_{bound}" if name.endswith("_last") else bound
            timings[f"{name}_raw_ms"] = _median_ms(
                lambda sql=sql, bound=bound: db.execute(sql, bounds[bound]).fetchall()
            )
        timings[f"{name}_ratio"] = timings[f"{name}_ms"] / max(timings[f"{name}_raw_ms"], 1e-6)
    services.close()
    return timings


def _median_ms(call, budget_s: float = 0.1, most: int = 200) -> float:
    """The median of at least three calls, and of as many as fit in `budget_s` (at most `most`): a
    read of a tenth of a millisecond, timed three times, is at the mercy of one pause, and a ratio
    of two such medians more so. The engine's call and its raw SQL are timed alike."""
    runs: list[float] = []
    spent = 0.0
    while len(runs) < 3 or (spent < budget_s and len(runs) < most):
        started = time.perf_counter()
        call()
        runs.append(time.perf_counter() - started)
        spent += runs[-1]
    return 1000 * statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10000)
    parser.add_argument("--store", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--interactive-cases",
        type=int,
        default=None,
        help="Cases for (b); default min(N, 2000): a per-transaction run is slow by nature.",
    )
    parser.add_argument("--skip-4n", action="store_true", help="Skip (e) at 4N.")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--no-cipher", action="store_true", help="Without whole-store encryption.")
    parser.add_argument("--no-request-ids", action="store_true", help="Commands without request ids (records).")
    parser.add_argument(
        "--keep",
        type=Path,
        default=None,
        help="A new folder to keep the N-case SQLite store in, with its key files, its views and `key` "
        "(the cipher key), for `web_load.py --store DIR/n.db` (see docs/performance.md).",
    )
    parser.add_argument(
        "--owed",
        choices=["in-flight", "all"],
        default="in-flight",
        help="Who is left owed feedback: the cases in flight (closures tell the reporter), or every case "
        "in history (closures after the last update, as in runs before stop 31).",
    )
    args = parser.parse_args()
    if args.keep is not None and (args.store != "sqlite" or args.keep.exists()):
        parser.error(f"--keep: {args.keep} must be a new folder, and the store SQLite")
    global REQUEST_IDS, OWED
    OWED = args.owed
    REQUEST_IDS = not args.no_request_ids
    if args.no_cipher:
        os.environ.pop("TASKING_CIPHER_KEY", None)
    else:
        import base64

        os.environ.setdefault("TASKING_CIPHER_KEY", base64.b64encode(os.urandom(32)).decode())
    configure_logging("warning")
    folder = Path(tempfile.mkdtemp(prefix="tasking-bench-"))
    global VIEWS_FOLDER
    VIEWS_FOLDER = folder
    result: dict = {
        "cases": args.cases,
        "store": args.store,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
            "platform": platform.platform(),
        },
        "with": {"chain": True, "sealing": True, "cipher": not args.no_cipher, "request_ids": REQUEST_IDS},
        "owed": OWED,
    }
    try:
        store = store_url(args.store, folder, "n")
        result["a_ingest"] = ingest(store, args.cases)
        rows = stored_rows(store)
        result["a_raw"] = raw_ingest(rows, folder, store)
        result["a_ratio"] = result["a_ingest"]["events_per_s"] / result["a_raw"]["events_per_s"]
        _progress(result)

        m = args.interactive_cases or min(args.cases, 2000)
        result["b_interactive"] = interactive(store_url(args.store, folder, "interactive"), m)
        result["b_raw"] = raw_single(rows[: result["b_interactive"]["events"]], folder, store)
        result["b_ratio"] = result["b_interactive"]["events_per_s"] / result["b_raw"]["events_per_s"]
        _progress(result)

        result["c_rebuild"] = rebuild(store, folder, "n")
        result["c_raw"] = raw_select(store)
        result["c_ratio"] = result["c_rebuild"]["events_per_s"] / result["c_raw"]["events_per_s"]
        _progress(result)

        result["d_reads"] = reads(store, args.cases)
        _progress(result)

        if not args.skip_4n:
            store4 = store_url(args.store, folder, "4n")
            result["e_ingest_4n"] = ingest(store4, 4 * args.cases)
            result["e_rebuild_4n"] = rebuild(store4, folder, "4n")
            result["e_rss_ratio"] = result["e_rebuild_4n"]["peak_rss_mb"] / result["c_rebuild"]["peak_rss_mb"]
            result["e_time_ratio"] = result["e_rebuild_4n"]["seconds"] / result["c_rebuild"]["seconds"]
            result["e_reads_4n"] = reads(store4, 4 * args.cases)
            _progress(result)
    finally:
        if args.keep is not None:
            keep(folder, args.keep)
        shutil.rmtree(folder, ignore_errors=True)
    print_table(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n")


def keep(folder: Path, into: Path) -> None:
    """Move the N-case store's files (`n.db`, its views, its KEK and key store) into a new owner-only
    folder, with the cipher key in `key` (owner-only): `export TASKING_CIPHER_KEY=$(cat DIR/key)`."""
    into.mkdir(mode=0o700, parents=True)
    for path in sorted(folder.glob("n.*")):
        shutil.move(path, into / path.name)
    if key := os.environ.get("TASKING_CIPHER_KEY"):
        write_private_text(into / "key", key + "\n")
    print(f"kept the {into / 'n.db'} store, its views and keys", file=sys.stderr)


def _progress(result: dict) -> None:
    """Each stage's figures on stderr as soon as it ends: a long run that fails keeps what it measured."""
    print(json.dumps({k: v for k, v in result.items() if k != "machine"}, sort_keys=True), file=sys.stderr, flush=True)


def print_table(r: dict) -> None:
    rows = [
        (
            "(a) bulk ingest",
            f"{r['a_ingest']['events_per_s']:,.0f} ev/s",
            f"{r['a_raw']['events_per_s']:,.0f} ev/s",
            f"{r['a_ratio']:.3f}x",
            ">= 0.20x",
        ),
        (
            "(b) interactive",
            f"{r['b_interactive']['events_per_s']:,.0f} ev/s, p50 {r['b_interactive']['p50_ms']:.2f} ms, "
            f"p99 {r['b_interactive']['p99_ms']:.2f} ms",
            f"{r['b_raw']['events_per_s']:,.0f} ev/s",
            f"{r['b_ratio']:.3f}x",
            ">= 0.35x",
        ),
        (
            "(c) full rebuild",
            f"{r['c_rebuild']['events_per_s']:,.0f} ev/s",
            f"{r['c_raw']['events_per_s']:,.0f} ev/s",
            f"{r['c_ratio']:.3f}x",
            ">= 0.10x",
        ),
    ]
    for size, reads_at in (("N", r["d_reads"]), ("4N", r.get("e_reads_4n"))):
        for name in (
            ("briefing", "feedback_owed", "year_stats", "briefing_last", "feedback_owed_last") if reads_at else ()
        ):
            rows.append(
                (
                    f"(d) {name} at {size}",
                    f"{reads_at[name + '_ms']:.1f} ms",
                    f"{reads_at[name + '_raw_ms']:.1f} ms",
                    f"{reads_at[name + '_ratio']:.1f}x the raw time",
                    "<= 10x" if name == "year_stats" else "",
                )
            )
    if "e_rss_ratio" in r:
        rows.append(
            (
                "(e) rebuild 4N vs N",
                f"RSS {r['c_rebuild']['peak_rss_mb']:.0f} -> {r['e_rebuild_4n']['peak_rss_mb']:.0f} MB, "
                f"time x{r['e_time_ratio']:.2f}",
                "",
                f"RSS x{r['e_rss_ratio']:.2f}",
                "<= 1.1, time <= 4.4",
            )
        )
    print(
        f"tasking benchmark: {r['cases']:,} cases on {r['store']}, {r['machine']['cpus']} CPUs, "
        f"Python {r['machine']['python']}, SQLite {r['machine']['sqlite']}"
    )
    width = max(len(row[1]) for row in rows)
    print(f"{'measure':<26} {'tasking':<{width}}  {'raw':<14} {'ratio':<12} target")
    for name, ours, raw, ratio, target in rows:
        print(f"{name:<26} {ours:<{width}}  {raw:<14} {ratio:<12} {target}")


if __name__ == "__main__":
    main()
