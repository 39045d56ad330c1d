"""`benchmarks/bench.py --keep DIR` keeps the N-case store for `web_load.py --store`: the store, its
views and key files moved into a new owner-only folder, with the cipher key in `key` (owner-only)."""

from __future__ import annotations

import importlib.util
import stat
from pathlib import Path

import pytest

BENCH = Path(__file__).parents[2] / "benchmarks" / "bench.py"


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_under_test", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_keep_moves_the_n_store_its_views_and_keys_and_writes_the_cipher_key(tmp_path, monkeypatch) -> None:
    bench = load_bench()
    run = tmp_path / "run"
    run.mkdir()
    names = ["n.db", "n.db.views", "n.kek", "n.keys.db", "interactive.db", "4n.db"]
    for name in names:
        (run / name).write_text(name)
    monkeypatch.setenv("TASKING_CIPHER_KEY", "a-test-key")
    kept = tmp_path / "kept"
    bench.keep(run, kept)
    assert sorted(path.name for path in kept.iterdir()) == ["key", "n.db", "n.db.views", "n.kek", "n.keys.db"]
    assert (kept / "n.db").read_text() == "n.db"
    assert (kept / "key").read_text().strip() == "a-test-key"
    for path in (kept, kept / "key"):
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path
    assert sorted(path.name for path in run.iterdir()) == ["4n.db", "interactive.db"]
    with pytest.raises(FileExistsError):
        bench.keep(run, kept)  # never into a folder that exists
