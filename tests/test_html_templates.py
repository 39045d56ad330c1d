"""One way to render HTML: the reporting layer's Jinja2 templates, shared by the CLI, the packs, the
annual report and the web pages."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import tasking.reporting
from tasking.reporting import jinja

REPORTING = Path(tasking.reporting.__file__).parent
TAG = re.compile(r"<(?:/?[a-zA-Z][a-zA-Z0-9]*)(?:\s[^<>]*)?>")


def _strings(tree: ast.AST) -> list[tuple[int, str]]:
    """Every string constant and f-string part, docstrings left out."""
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def test_the_reporting_layer_writes_no_html_in_python() -> None:
    """Every tag the briefing, the packs and the annual report print is in a template."""
    found = [
        f"{path.name}:{line}: {TAG.search(text).group(0)}"  # type: ignore[union-attr]
        for path in sorted(REPORTING.glob("*.py"))
        for line, text in _strings(ast.parse(path.read_text(encoding="utf-8")))
        if TAG.search(text)
    ]
    assert found == []


def test_a_reference_is_kept_whole_and_typed_text_escaped() -> None:
    """The printed briefing's cells: typed text escaped as it always was, references never broken."""
    page = jinja.environment().from_string('{% from "_tables.html" import refs_whole %}{{ refs_whole(text) }}')
    assert (
        page.render(text='O\'Neil <b>"x" & CSU-2017-00042')
        == 'O&#x27;Neil &lt;b&gt;&quot;x&quot; &amp; <span class="ref">CSU-2017-00042</span>'
    )
    assert jinja.ref_parts("a PER-00001") == [("a ", False), ("PER-00001", True), ("", False)]


def test_the_web_pages_can_use_the_reporting_templates() -> None:
    """The web's templates load the reporting layer's after their own, so a page may import them."""
    from tasking.web.page_session import templates

    page = templates.env.from_string('{% from "_tables.html" import table %}{{ table(["Area"], [["<Swanley>"]]) }}')
    assert page.render() == '<table><tr><th>Area</th></tr><tr><td data-label="Area">&lt;Swanley&gt;</td></tr></table>'
