"""A load run of the web API: 4 concurrent clients, 2,000 mixed reads and writes, to 127.0.0.1 only.

    python benchmarks/web_load.py [--requests 2000] [--clients 4] [--workers 2] [--json OUT]
    python benchmarks/web_load.py --store /tmp/n100000.db --views /tmp/n100000.db.views --month 2024-03

It builds the demo district into a temporary folder (or uses an existing store: `--store` with
its views, `--views`, and its key files beside it; set `TASKING_CIPHER_KEY` if it is encrypted),
issues a token, starts `tasking serve --workers N` on a free local port, and sends a fixed, seeded
mix from each client: briefings, case pages (`show`), audits, case lists, feedback-owed, and
follow-ups on open cases (about a quarter of the requests, on up to 200 open cases), each write
with its own `Request-Id`. Briefings are read on the days of `--month` (the demo's March 2018 by
default), feedback owed on its 5th. It reports p50, p95 and p99 latency overall and per kind, the
server's CPU time per request (Linux; the machine's load inflates the latencies, not this), and
checks that no write was lost: after the server has stopped, every acknowledged write's request
id is recorded in the store (`writes_lost` counts those that are not), and every acknowledged
follow-up is on its case, once. This is a script run on demand, not a timed test.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from pathlib import Path

import httpx

TASKING = str(Path(sys.executable).with_name("tasking"))
MIX = [("briefing", 3), ("show", 4), ("audit", 3), ("cases", 1), ("feedback-owed", 1), ("follow-up", 4)]


def run(*args: str, env: dict[str, str]) -> str:
    return subprocess.run([TASKING, *args], check=True, capture_output=True, text=True, env=env).stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def server_cpu_s(pid: int) -> float | None:
    """CPU seconds used so far by the server and its workers (Linux /proc; None elsewhere): the
    figure the machine's load does not inflate, unlike the latencies."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        ticks = 0
        for each in [pid, *map(int, children)]:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    except OSError:
        return None
    return ticks / os.sysconf("SC_CLK_TCK")


def unrecorded(store: str, request_ids: list[str]) -> list[str]:
    """The acknowledged writes whose request id the store does not hold (read with the server stopped)."""
    from tasking.bootstrap import Settings, bootstrap

    services = bootstrap(Settings(store=store))
    try:
        return [key for key in request_ids if services.app.find_request(key) is None]
    finally:
        services.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--store", default=None, help="An existing store (default: build the demo).")
    parser.add_argument("--views", default=None, help="The existing store's views (default: beside it).")
    parser.add_argument("--month", default="2018-03", help="YYYY-MM: the briefings' days (default the demo's).")
    parser.add_argument(
        "--kinds",
        default=",".join(kind for kind, _ in MIX),
        help="Comma-separated kinds of the mix to send (default all).",
    )
    parser.add_argument("--json", dest="out", default=None)
    args = parser.parse_args()
    chosen = args.kinds.split(",")
    if unknown := set(chosen) - {kind for kind, _ in MIX}:
        parser.error(f"--kinds: unknown kind {sorted(unknown)[0]}; the kinds are {', '.join(k for k, _ in MIX)}")

    folder = Path(tempfile.mkdtemp(prefix="tasking-load-"))
    store = args.store or str(folder / "district.db")
    env = {
        **os.environ,
        "TASKING_STORE": store,
        "TASKING_LOG_LEVEL": "warning",
        "TASKING_LOG_FILE": str(folder / "log.jsonl"),
    }
    if args.views is not None:
        env["TASKING_VIEWS"] = args.views
    if args.store is None:
        env["TASKING_VIEWS"] = str(folder / "district.views.db")
        print(f"building the demo into {store} ...", flush=True)
        run("demo", env=env)
    token = run("--user", "coordinator", "users", "token", "coordinator", env=env).splitlines()[0]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [TASKING, "serve", "--port", str(port), "--workers", str(args.workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    headers = {"Authorization": f"Bearer {token}"}
    try:
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        cases = httpx.get(f"{base}/api/v1/cases", headers=headers, timeout=120).json()["cases"]
        open_cases = [c["case"] for c in cases if c["status"] == "open"]
        open_cases = sorted(random.Random(0).sample(open_cases, min(200, len(open_cases))))
        if "follow-up" in chosen and not open_cases:
            raise SystemExit(
                "web_load: the store has no open case to record follow-ups on; leave out follow-up (--kinds)"
            )
        every = [c["case"] for c in cases]
        before = {
            case: len(httpx.get(f"{base}/api/v1/cases/{case}", headers=headers, timeout=60).json()["follow_ups"])
            for case in open_cases
        }
        timings: dict[str, list[float]] = defaultdict(list)
        acknowledged: dict[str, int] = defaultdict(int)
        request_ids: list[str] = []
        errors: list[str] = []
        lock = threading.Lock()
        barrier = threading.Barrier(args.clients)
        share = args.requests // args.clients

        def client(n: int) -> None:
            try:
                requests(n)
            except Exception as exc:  # noqa: BLE001 - a client that fails is counted, not silent
                with lock:
                    errors.append(f"client {n} stopped: {type(exc).__name__}: {exc}")

        def requests(n: int) -> None:
            rng = random.Random(n)
            kinds = [kind for kind, weight in MIX if kind in chosen for _ in range(weight)]
            with httpx.Client(base_url=base, headers=headers, timeout=300) as http:
                barrier.wait()
                for i in range(share):
                    kind = rng.choice(kinds)
                    if kind == "briefing":
                        day = f"{args.month}-{rng.randint(1, 28):02d}"
                        call = lambda: http.get("/api/v1/briefing", params={"at": day})  # noqa: E731
                    elif kind == "show":
                        call = lambda: http.get(f"/api/v1/cases/{rng.choice(every)}")  # noqa: E731
                    elif kind == "audit":
                        call = lambda: http.get(f"/api/v1/cases/{rng.choice(every)}/audit")  # noqa: E731
                    elif kind == "cases":
                        call = lambda: http.get("/api/v1/cases", params={"open": "true"})  # noqa: E731
                    elif kind == "feedback-owed":
                        call = lambda: http.get("/api/v1/feedback-owed", params={"at": f"{args.month}-05T09:00"})  # noqa: E731
                    else:
                        case, request = rng.choice(open_cases), str(uuid.uuid4())
                        call = lambda: http.post(  # noqa: E731
                            "/api/v1/commands/record-follow-up",
                            headers={"Request-Id": request},
                            json={"case": case, "kind": "call", "outcome": f"load run {n}-{i}"},
                        )
                    started = time.perf_counter()
                    response = call()
                    elapsed = (time.perf_counter() - started) * 1000
                    with lock:
                        timings[kind].append(elapsed)
                        if response.status_code != 200:
                            errors.append(f"{kind} {response.status_code} {response.text[:200]}")
                        elif kind == "follow-up":
                            acknowledged[case] += 1
                            request_ids.append(request)

        started, cpu_before = time.perf_counter(), server_cpu_s(server.pid)
        threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
        cpu_after = server_cpu_s(server.pid)
        lost = {}
        for case, count in acknowledged.items():
            now = len(httpx.get(f"{base}/api/v1/cases/{case}", headers=headers, timeout=60).json()["follow_ups"])
            if now != before[case] + count:
                lost[case] = {"before": before[case], "acknowledged": count, "found": now}
    finally:
        server.terminate()
        server.wait(timeout=60)
    missing = unrecorded(store, request_ids)
    every_timing = [t for values in timings.values() for t in values]
    result = {
        "requests": len(every_timing),
        "store": args.store or "demo",
        "month": args.month,
        "kinds": chosen,
        "clients": args.clients,
        "workers": args.workers,
        "wall_s": round(wall, 1),
        "requests_per_s": round(len(every_timing) / wall, 1),
        "server_cpu_ms_per_request": (
            round((cpu_after - cpu_before) * 1000 / len(every_timing), 1)
            if cpu_before is not None and cpu_after is not None
            else None
        ),
        "p50_ms": round(percentile(every_timing, 0.50), 1),
        "p95_ms": round(percentile(every_timing, 0.95), 1),
        "p99_ms": round(percentile(every_timing, 0.99), 1),
        "by_kind": {
            kind: {
                "n": len(values),
                "p50_ms": round(percentile(values, 0.5), 1),
                "p95_ms": round(percentile(values, 0.95), 1),
                "p99_ms": round(percentile(values, 0.99), 1),
                "mean_ms": round(statistics.mean(values), 1),
            }
            for kind, values in sorted(timings.items())
        },
        "writes_acknowledged": len(request_ids),
        "writes_lost": len(missing),
        "lost_request_ids": missing[:20],
        "follow_up_mismatches": lost,
        "errors": errors[:20],
        "error_count": len(errors),
        "load_average": os.getloadavg(),
    }
    print(json.dumps(result, indent=2))
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    if missing or lost or errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
