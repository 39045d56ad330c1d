"""Lint and types hold (issue 24): `ruff check` over the tree, and mypy strict on the domain and time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_finds_nothing() -> None:
    """The rules in pyproject.toml hold everywhere; ruff is its own binary, so it runs as one."""
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", str(ROOT)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_tree_is_formatted() -> None:
    """`ruff format` leaves every file as it is: one layout, so diffs show only what changed."""
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", "--no-cache", str(ROOT)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_package_type_checks_strict_on_domain_and_time(tmp_path: Path) -> None:
    """pyproject.toml's [tool.mypy]: the whole package, with --strict's flags on the bottom layers (run as CI runs it)."""
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and "Success" in done.stdout, done.stdout + done.stderr
