"""Benchmark: the engine against raw SQLite, measured side by side in the same run.

    python benchmarks/bench.py --cases 100000 [--store sqlite|postgres] [--json OUT]

It builds a synthetic workload of N cases with about 6 events each (report, tasking, follow-up,
completion, reporter update, closure) and measures:

  (a) bulk ingest through the command layer with batched saves, against raw `executemany` of
      the same stored rows in one transaction;
  (b) interactive commands, one per transaction with full pydantic validation, against raw
      single-row transactions;
  (c) a full projection rebuild including view writes, against a warm raw SELECT of all events;
  (d) briefing and year statistics latency at that size;
  (e) peak RSS of a rebuild at N and at 4N, and the rebuild time ratio 4N/N.

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
from tasking.logs import configure_logging
from tasking.time.instants import at_local

AREAS = ["Swanley", "Edenbridge", "Westerham", "Hartley", "Hextable", "Sevenoaks Town"]
CATEGORIES = ["youth-nuisance", "neighbour-nuisance", "noise", "fly-tipping", "drugs"]
START = at_local(dt.date(2017, 4, 3), dt.time(8, 0))


def case_commands(n: int, person: str) -> list:
    """Six commands for case number n; its reference is filled in when the report is saved."""
    received = START + dt.timedelta(minutes=37 * n)
    return [
        ("report", dict(user="coordinator", at=received, source="COUNCIL", channel="phone",
                        category=CATEGORIES[n % len(CATEGORIES)], area=AREAS[n % len(AREAS)],
                        location=f"{n % 500} High Street", occurred_at=received - dt.timedelta(hours=2),
                        reporter=person, summary="Synthetic report")),
        ("task", dict(user="coordinator", at=received + dt.timedelta(hours=1), agency="WARDENS", action="Patrol",
                      due=(received + dt.timedelta(days=7)).date())),
        ("follow-up", dict(user="coordinator", at=received + dt.timedelta(days=1), kind="visit", outcome="Spoke")),
        ("complete", dict(user="coordinator", at=received + dt.timedelta(days=2), tasking="T1", result="Done")),
        ("update", dict(user="coordinator", at=received + dt.timedelta(days=3), channel="phone", note="Told")),
        ("close", dict(user="coordinator", at=received + dt.timedelta(days=4), reason="resolved")),
    ]


KINDS = {"task": RaiseTasking, "follow-up": RecordFollowUp, "complete": CompleteTasking, "update": UpdateReporter,
         "close": CloseCase}


def run_case(app, n: int, person: str) -> None:  # noqa: ANN001
    """Validate and send one case's six commands (validation is part of the measured path)."""
    steps = case_commands(n, person)
    ref = send(app, RecordReport(**steps[0][1]), log_it=False)["case"]
    for kind, fields in steps[1:]:
        send(app, KINDS[kind](case=ref, **fields), log_it=False)


def setup(app) -> str:  # noqa: ANN001
    at = START - dt.timedelta(days=1)
    send(app, InitStore(user="coordinator", at=at, name="Bench", agency="COUNCIL", config_toml=default_config_text()),
         log_it=False)
    return send(app, AddPerson(user="coordinator", at=at, name="Bench Resident"), log_it=False)["person"]


def store_url(kind: str, folder: Path, name: str) -> str:
    if kind == "sqlite":
        return str(folder / f"{name}.db")
    base = os.environ.get("TASKING_TEST_POSTGRES")
    if not base:
        sys.exit("--store postgres needs TASKING_TEST_POSTGRES=postgresql://user:password@host:port/db")
    return f"{base}{'&' if '?' in base else '?'}schema=bench_{name}_{uuid.uuid4().hex[:8]}"


def ingest(store: str, cases: int) -> dict:
    """(a) Bulk ingest through the command layer: validate, decide, save in batches."""
    services = bootstrap(Settings(store=store, views=store + ".views"), create_tables=True, batching=True)
    person = setup(services.app)
    started = time.perf_counter()
    for n in range(cases):
        run_case(services.app, n, person)
    services.app.flush()
    seconds = time.perf_counter() - started
    events = services.app.event_count()
    services.close()
    return {"events": events, "seconds": seconds, "events_per_s": events / seconds}


def stored_rows(store: str) -> list[tuple]:
    with sqlite3.connect(store) as conn:
        return conn.execute("SELECT originator_id, originator_version, topic, state FROM stored_events ORDER BY rowid").fetchall()


def raw_file(folder: Path, name: str) -> sqlite3.Connection:
    path = folder / name
    if path.exists():
        path.unlink()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE stored_events (originator_id TEXT, originator_version INTEGER, topic TEXT, state BLOB, "
                 "PRIMARY KEY (originator_id, originator_version))")
    return conn


def raw_ingest(rows: list[tuple], folder: Path) -> dict:
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
    services = bootstrap(Settings(store=store, views=store + ".views"), create_tables=True)
    person = setup(services.app)
    latencies = []
    before = services.app.event_count()
    started = time.perf_counter()
    for n in range(cases):
        steps = case_commands(n, person)
        t0 = time.perf_counter()
        ref = send(services.app, RecordReport(**steps[0][1]), log_it=False)["case"]
        latencies.append(time.perf_counter() - t0)
        for kind, fields in steps[1:]:
            t0 = time.perf_counter()
            send(services.app, KINDS[kind](case=ref, **fields), log_it=False)
            latencies.append(time.perf_counter() - t0)
    seconds = time.perf_counter() - started
    events = services.app.event_count() - before
    services.close()
    latencies.sort()
    return {"commands": len(latencies), "events": events, "seconds": seconds, "events_per_s": events / seconds,
            "p50_ms": 1000 * latencies[len(latencies) // 2], "p99_ms": 1000 * latencies[int(len(latencies) * 0.99)]}


def raw_single(rows: list[tuple], folder: Path) -> dict:
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
started = time.perf_counter()
applied = views.rebuild(services.app, batch=int(sys.argv[3]))
seconds = time.perf_counter() - started
# Peak RSS of this process image: VmHWM. (ru_maxrss survives execve on Linux, so it would report
# the benchmark parent's size at fork time.)
hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(json.dumps({"events": applied, "seconds": seconds, "events_per_s": applied / seconds, "peak_rss_mb": hwm / 1024}))
"""


def rebuild(store: str, folder: Path, name: str, batch: int = 2000) -> dict:
    """(c)/(e) A full rebuild into a new views file, in a child process so its peak RSS is its own."""
    views = folder / f"{name}-views.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(views) + suffix).unlink(missing_ok=True)
    done = subprocess.run([sys.executable, "-c", REBUILD_CHILD, store, str(views), str(batch)], capture_output=True,
                          text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def raw_select(store: str) -> dict:
    with sqlite3.connect(store) as conn:
        conn.execute("SELECT topic, state FROM stored_events").fetchall()  # warm the cache
        started = time.perf_counter()
        cursor = conn.execute("SELECT topic, state FROM stored_events")
        count = 0
        while chunk := cursor.fetchmany(10000):
            count += len(chunk)
        seconds = time.perf_counter() - started
    return {"events": count, "seconds": seconds, "events_per_s": count / seconds}


def reads(store: str) -> dict:
    """(d) The briefing for a meeting in the middle of the data, and the year's statistics."""
    from tasking.queries.briefing import briefing, meeting_for
    from tasking.queries.stats import resolve_position, year_stats

    services = bootstrap(Settings(store=store, views=store + ".views"))
    db, config = services.views.db, services.app.config
    meeting = meeting_for(config, START + dt.timedelta(days=30), START)
    timings = {}
    for name, call in [("briefing", lambda: briefing(db, config, meeting)),
                       ("year_stats", lambda: year_stats(db, config, 2017, resolve_position(db)))]:
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            call()
            runs.append(time.perf_counter() - started)
        timings[f"{name}_ms"] = 1000 * statistics.median(runs)
    services.close()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10000)
    parser.add_argument("--store", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--interactive-cases", type=int, default=None,
                        help="Cases for (b); default min(N, 2000): a per-transaction run is slow by nature.")
    parser.add_argument("--skip-4n", action="store_true", help="Skip (e) at 4N.")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    configure_logging("warning")
    folder = Path(tempfile.mkdtemp(prefix="tasking-bench-"))
    result: dict = {"cases": args.cases, "store": args.store, "machine": {
        "cpus": os.cpu_count(), "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform()}}
    try:
        store = store_url(args.store, folder, "n")
        result["a_ingest"] = ingest(store, args.cases)
        sqlite_copy = store if args.store == "sqlite" else _copy_to_sqlite(store, folder)
        rows = stored_rows(sqlite_copy)
        result["a_raw"] = raw_ingest(rows, folder)
        result["a_ratio"] = result["a_ingest"]["events_per_s"] / result["a_raw"]["events_per_s"]

        m = args.interactive_cases or min(args.cases, 2000)
        result["b_interactive"] = interactive(store_url(args.store, folder, "interactive"), m)
        result["b_raw"] = raw_single(rows[: result["b_interactive"]["events"]], folder)
        result["b_ratio"] = result["b_interactive"]["events_per_s"] / result["b_raw"]["events_per_s"]

        result["c_rebuild"] = rebuild(store, folder, "n")
        result["c_raw"] = raw_select(sqlite_copy)
        result["c_ratio"] = result["c_rebuild"]["events_per_s"] / result["c_raw"]["events_per_s"]

        result["d_reads"] = reads(store)

        if not args.skip_4n:
            store4 = store_url(args.store, folder, "4n")
            result["e_ingest_4n"] = ingest(store4, 4 * args.cases)
            result["e_rebuild_4n"] = rebuild(store4, folder, "4n")
            result["e_rss_ratio"] = result["e_rebuild_4n"]["peak_rss_mb"] / result["c_rebuild"]["peak_rss_mb"]
            result["e_time_ratio"] = result["e_rebuild_4n"]["seconds"] / result["c_rebuild"]["seconds"]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print_table(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n")


def _copy_to_sqlite(store: str, folder: Path) -> str:
    from tasking.store.migrate import copy_store

    target = str(folder / "copy.db")
    copy_store(bootstrap(Settings(store=store)), bootstrap(Settings(store=target), create_tables=True))
    return target


def print_table(r: dict) -> None:
    rows = [
        ("(a) bulk ingest", f"{r['a_ingest']['events_per_s']:,.0f} ev/s", f"{r['a_raw']['events_per_s']:,.0f} ev/s",
         f"{r['a_ratio']:.3f}x", ">= 0.25x"),
        ("(b) interactive", f"{r['b_interactive']['events_per_s']:,.0f} ev/s, p50 {r['b_interactive']['p50_ms']:.2f} ms, "
         f"p99 {r['b_interactive']['p99_ms']:.2f} ms", f"{r['b_raw']['events_per_s']:,.0f} ev/s", f"{r['b_ratio']:.3f}x",
         ">= 0.6x"),
        ("(c) full rebuild", f"{r['c_rebuild']['events_per_s']:,.0f} ev/s", f"{r['c_raw']['events_per_s']:,.0f} ev/s",
         f"{r['c_ratio']:.3f}x", ">= 0.10x"),
        ("(d) briefing / year stats", f"{r['d_reads']['briefing_ms']:.0f} ms / {r['d_reads']['year_stats_ms']:.0f} ms",
         "", "", ""),
    ]
    if "e_rss_ratio" in r:
        rows.append(("(e) rebuild 4N vs N", f"RSS {r['c_rebuild']['peak_rss_mb']:.0f} -> {r['e_rebuild_4n']['peak_rss_mb']:.0f} MB, "
                     f"time x{r['e_time_ratio']:.2f}", "", f"RSS x{r['e_rss_ratio']:.2f}", "<= 1.25, time <= 4.4"))
    print(f"tasking benchmark: {r['cases']:,} cases on {r['store']}, {r['machine']['cpus']} CPUs, "
          f"Python {r['machine']['python']}, SQLite {r['machine']['sqlite']}")
    width = max(len(row[1]) for row in rows)
    print(f"{'measure':<26} {'tasking':<{width}}  {'raw':<14} {'ratio':<12} target")
    for name, ours, raw, ratio, target in rows:
        print(f"{name:<26} {ours:<{width}}  {raw:<14} {ratio:<12} {target}")


if __name__ == "__main__":
    main()
