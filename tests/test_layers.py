"""The layers hold: no module imports from a layer above its own, and docs/layers.md draws them as they are."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from importlinter import configuration
from importlinter.application.use_cases import lint_imports

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("draw_layers", ROOT / "tools" / "layers.py")
assert _spec and _spec.loader
draw = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(draw)


@pytest.fixture(name="graph", scope="module")
def fixture_graph():  # type: ignore[no-untyped-def]
    return draw.build_graph()


def test_the_import_linter_contract_is_kept(capsys: pytest.CaptureFixture[str]) -> None:
    """The contract `lint-imports` checks in CI, checked here too, so a new upward import fails a test."""
    configuration.configure()
    kept = lint_imports(config_filename=str(ROOT / "pyproject.toml"), cache_dir=None, no_logo=True)
    assert kept, capsys.readouterr().out


def test_every_package_is_in_a_layer(graph) -> None:  # type: ignore[no-untyped-def]
    """A new package must be given a layer, or nothing would check its imports."""
    placed = {name for layer in draw.read_layers() for name in layer}
    packages = {".".join(module.split(".")[:2]) for module in graph.modules if module.count(".") >= 1}
    assert packages - placed <= {"tasking.__main__"}


def test_an_upward_import_is_found(graph) -> None:  # type: ignore[no-untyped-def]
    """The layers are not vacuous: time importing the CLI, or the store the composition root, is caught."""
    layers = draw.read_layers()
    assert not graph.find_illegal_dependencies_for_layers(layers=draw.grimp_layers(layers))
    graph.add_import(importer="tasking.time.instants", imported="tasking.cli")
    graph.add_import(importer="tasking.store.migrate", imported="tasking.bootstrap")
    found = {
        (d.importer, d.imported) for d in graph.find_illegal_dependencies_for_layers(layers=draw.grimp_layers(layers))
    }
    assert {("tasking.time", "tasking.cli"), ("tasking.store", "tasking.bootstrap")} <= found
    assert draw.upward(layers, draw.package_imports(graph, layers)) == [
        ("tasking.store", "tasking.bootstrap"),
        ("tasking.time", "tasking.cli"),
    ]


def test_the_drawing_is_current() -> None:
    """docs/layers.md is what `python tools/layers.py` writes from the code today."""
    assert (ROOT / "docs" / "layers.md").read_text(encoding="utf-8") == draw.current(), (
        "docs/layers.md is out of date: run `python tools/layers.py`"
    )
