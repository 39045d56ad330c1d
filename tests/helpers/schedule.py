"""The longest tests first, on every worker (issue 24, 7). pytest-xdist's `worksteal` hands each
worker a contiguous block of the collection (the first half to one worker, the second to the other)
and a worker that runs out steals from the end of the other's block. A long test collected late
therefore starts late and runs alone at the end while the other core idles. So, under xdist, the
known-slow groups below are placed at the heads of the workers' blocks, longest first, each to the
block with the least slow time so far (apart from its module's other groups where it can be); every other test keeps its order. A group is a module, or a
single test named here: a module's tests stay together so its module-scoped fixtures are built once
per worker. The seconds are CI's (.ci/run's slowest durations): a stale figure only costs speed."""

from __future__ import annotations

import pytest

# nodeid prefix -> seconds in CI (call plus setup); the longest matching prefix names an item's group.
SLOW = {
    "tests/web/test_browser_phone.py": 120,  # one group: its module-scoped server is built once
    "tests/web/test_browser_morning.py": 60,
    "tests/integration/test_projection_property.py::test_incremental_catch_up_equals_a_full_rebuild[postgres]": 36,
    "tests/integration/test_projection_property.py::test_incremental_catch_up_equals_a_full_rebuild[sqlite]": 20,
    "tests/e2e/test_faults.py": 50,
    "tests/e2e/test_store_copy.py": 36,
    "tests/web/test_schema.py": 30,
    "tests/e2e/test_concurrency.py": 15,
    "tests/integration/test_escalation_projection_property.py": 18,
    "tests/integration/test_bitemporal_property.py": 25,
    "tests/test_lint.py": 15,
    "tests/web/test_browser.py": 15,
    "tests/e2e/test_partner_import.py": 12,
    "tests/e2e/test_projections_cli.py": 15,
    "tests/e2e/test_demo_and_stats.py": 25,
    "tests/e2e/test_data_out.py": 20,
}


def group_of(nodeid: str) -> str | None:
    """The longest SLOW prefix of `nodeid` (a module's prefix must end at its `.py`)."""
    found = [p for p in SLOW if nodeid == p or nodeid.startswith(p + ("::" if p.endswith(".py") else ""))]
    return max(found, key=len, default=None)


def block_sizes(count: int, workers: int) -> list[int]:
    """How xdist's worksteal first splits `count` tests among `workers` idle workers."""
    sizes, left = [], count
    for i in range(workers):
        sizes.append(left // (workers - i))
        left -= sizes[-1]
    return sizes


def arrange(items: list[pytest.Item], workers: int) -> list[pytest.Item]:
    """`items` with the slow groups at the heads of `workers` blocks (longest first, balanced)."""
    groups: dict[str, list[pytest.Item]] = {}
    rest = []
    for item in items:
        name = group_of(item.nodeid)
        (groups.setdefault(name, []) if name else rest).append(item)
    heads: list[list[str]] = [[] for _ in range(workers)]
    loads = [0.0] * workers
    for name in sorted(groups, key=lambda g: (-SLOW[g], g)):
        module = name.split("::")[0]  # a module's split tests (the browser's widths) go to different workers
        apart = [b for b in range(workers) if all(n.split("::")[0] != module for n in heads[b])] or range(workers)
        least = min(apart, key=lambda b: loads[b])
        heads[least].append(name)
        loads[least] += SLOW[name]
    arranged: list[pytest.Item] = []
    for size, names in zip(block_sizes(len(items), workers), heads, strict=True):
        first = {}  # a module's groups side by side: its module-scoped fixtures are built once
        for name in names:
            first.setdefault(name.split("::")[0], len(first))
        names.sort(key=lambda name: first[name.split("::")[0]])
        block = [item for name in names for item in groups[name]]
        take = max(0, size - len(block))
        arranged += block + rest[:take]
        rest = rest[take:]
    return arranged + rest


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    workerinput = getattr(config, "workerinput", None)  # only in an xdist worker
    if workerinput and workerinput.get("workercount", 1) > 1:
        items[:] = arrange(items, int(workerinput["workercount"]))
