"""A timeline of the run, for measuring the suite (issue 24, 7): with `TASKING_TEST_TIMELINE=<file>`
each phase of each test (setup, call, teardown) appends one JSON line with its worker, start and
stop (epoch seconds), so the idle time of each worker and a long test started late can be seen.
`python -m tests.helpers.timeline <file>` summarises it. Without the variable it does nothing."""

from __future__ import annotations

import json
import os
import sys
from collections import defaultdict

import pytest


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    path = os.environ.get("TASKING_TEST_TIMELINE")
    if not path or hasattr(report, "node"):  # xdist's controller hears each worker's reports again
        return
    line = {
        "test": report.nodeid,
        "when": report.when,
        "worker": os.environ.get("PYTEST_XDIST_WORKER", "main"),
        "start": report.start,
        "stop": report.stop,
    }
    with open(path, "a", encoding="utf-8") as timeline:
        timeline.write(json.dumps(line) + "\n")


def summary(lines: list[dict]) -> str:
    """Per worker: first start, last stop, busy seconds; per file: setup and call totals."""
    begin = min(line["start"] for line in lines)
    out = []
    workers: dict[str, list[dict]] = defaultdict(list)
    for line in lines:
        workers[line["worker"]].append(line)
    for worker, own in sorted(workers.items()):
        busy = sum(line["stop"] - line["start"] for line in own)
        last = max(line["stop"] for line in own) - begin
        out.append(f"{worker}: busy {busy:.0f} s, last test ends at {last:.0f} s")
    files: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for line in lines:
        files[line["test"].split("::")[0]][line["when"]] += line["stop"] - line["start"]
    ranked = sorted(files.items(), key=lambda item: -sum(item[1].values()))
    for name, phases in ranked[:40]:
        total = sum(phases.values())
        out.append(f"{total:7.1f} s  setup {phases['setup']:6.1f}  call {phases['call']:6.1f}  {name}")
    late = sorted((line for line in lines if line["when"] == "call"), key=lambda line: -line["stop"])[:10]
    for line in late:
        took = line["stop"] - line["start"]
        out.append(f"ends {line['stop'] - begin:5.0f} s  took {took:5.1f} s  {line['worker']}  {line['test']}")
    return "\n".join(out)


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as found:
        print(summary([json.loads(line) for line in found]))
