"""`tasking store copy`: every event, in order, into an empty store; the same figures after."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import make_store, run_cli
from tests.helpers.stores import copy_demo


@pytest.fixture(name="demo_source", scope="module")
def fixture_demo_source(tmp_path_factory, demo_template) -> str:
    return copy_demo(demo_template, tmp_path_factory.mktemp("copy"), name="source")


def fingerprint(store: str, views: str, year: int) -> str:
    out = run_cli("--store", store, "stats", "--year", str(year), "--json", env={"TASKING_VIEWS": views}).stdout
    return json.loads(out)["fingerprint"]


def test_a_copy_gives_the_same_fingerprints_and_verifies(demo_source, backend, tmp_path, request) -> None:
    target = make_store(backend, tmp_path, request, name="target")
    done = run_cli("store", "copy", "--from", demo_source, "--to", target)
    assert "Copied" in done.stdout
    target_views = str(tmp_path / "target-views.db")  # new: the copy's views are built from its events
    source_views = str(Path(demo_source).with_suffix(".views.db"))  # the demo's own, copied with it
    for year in (2016, 2017):
        assert fingerprint(target, target_views, year) == fingerprint(demo_source, source_views, year)
    for store, views in ((target, target_views), (demo_source, source_views)):
        assert "match" in run_cli("--store", store, "projections", "verify", env={"TASKING_VIEWS": views}).stdout
        assert run_cli("--store", store, "verify").stdout.startswith("verified: ")  # the copy is chained as it goes
    again = run_cli("store", "copy", "--from", demo_source, "--to", target, check=False)
    assert again.returncode != 0 and "already holds" in again.stderr and "Copying" not in again.stdout
