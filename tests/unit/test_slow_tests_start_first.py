"""The suite's own scheduling (tests/helpers/schedule.py): under xdist the known-slow groups start at
the heads of the workers' first blocks, balanced, a module's tests kept together, none lost."""

from __future__ import annotations

from dataclasses import dataclass

from tests.helpers import schedule

PHONE = "tests/web/test_browser_phone.py"
WIDTHS = f"{PHONE}::test_no_page_scrolls_sideways_at_360_px_and_axe_finds_nothing_at_either_width"
PROPERTY = "tests/integration/test_projection_property.py::test_incremental_catch_up_equals_a_full_rebuild"


@dataclass
class Item:
    nodeid: str


def collection() -> list[Item]:
    fast = [Item(f"tests/unit/test_a{i}.py::test_{i}") for i in range(40)]
    return [
        *fast[:20],
        Item(f"{PHONE}::test_a_warden_offline"),
        Item(WIDTHS),
        Item(f"{PHONE}::test_keyboard"),
        Item("tests/web/test_browser_morning.py::test_the_morning"),
        Item(f"{PROPERTY}[sqlite]"),
        Item(f"{PROPERTY}[postgres]"),
        *fast[20:],
        Item("tests/e2e/test_faults.py::test_kill[sqlite]"),
        Item("tests/e2e/test_faults.py::test_kill[postgres]"),
    ]


def test_the_slow_groups_head_both_blocks_and_no_test_is_lost() -> None:
    items = collection()
    arranged = schedule.arrange(items, 2)  # type: ignore[arg-type]
    assert sorted(i.nodeid for i in arranged) == sorted(i.nodeid for i in items)
    first, second = arranged[: len(items) // 2], arranged[len(items) // 2 :]
    # the longest group, a whole module (its module-scoped server built once), heads the first block
    assert [i.nodeid for i in first[:3]] == [f"{PHONE}::test_a_warden_offline", WIDTHS, f"{PHONE}::test_keyboard"]
    assert second[0].nodeid == "tests/web/test_browser_morning.py::test_the_morning"  # the next longest
    assert [i.nodeid for i in second[1:3]] == [
        "tests/e2e/test_faults.py::test_kill[sqlite]",
        "tests/e2e/test_faults.py::test_kill[postgres]",
    ]
    # a module's two named tests go to different blocks where the loads allow
    assert f"{PROPERTY}[sqlite]" in [i.nodeid for i in first[:4]]
    assert f"{PROPERTY}[postgres]" in [i.nodeid for i in second[:4]]
    for block in (first, second):  # every slow test ahead of the block's fast ones
        slow = [bool(schedule.group_of(i.nodeid)) for i in block]
        assert slow == sorted(slow, reverse=True) and any(slow)
    for block in (first, second):  # a module's groups side by side in a block
        modules = [i.nodeid.split("::")[0] for i in block if schedule.group_of(i.nodeid)]
        assert modules == sorted(modules, key=modules.index)


def test_the_fast_tests_keep_their_order_and_a_group_is_a_module_or_a_named_test() -> None:
    items = collection()
    fast = [i for i in items if not schedule.group_of(i.nodeid)]
    assert [i for i in schedule.arrange(items, 2) if not schedule.group_of(i.nodeid)] == fast  # type: ignore[arg-type]
    assert schedule.group_of("tests/e2e/test_faults.py::test_kill[sqlite]") == "tests/e2e/test_faults.py"
    assert schedule.group_of(f"{PROPERTY}[sqlite]") == f"{PROPERTY}[sqlite]"
    assert schedule.group_of(WIDTHS) == PHONE
    assert schedule.group_of("tests/e2e/test_faults.pyc::x") is None
