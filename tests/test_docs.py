"""The README and the docs/ site say what the code does: every command has help with an example and
is described in the docs; every example names real commands and options, and the walk-throughs
run as written; the site builds strictly, its CLI reference is the click tree, its HTTP reference
the OpenAPI schema and its permission table the code's table; the README's links resolve."""

from __future__ import annotations

import html
import re
import shlex
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from tasking.cli import cli, run
from tests.helpers.stores import copy_demo

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
# The hand-written pages (the generated references hold markers, not text).
PAGES = {
    path.relative_to(ROOT).as_posix(): path.read_text(encoding="utf-8")
    for path in sorted((ROOT / "docs").rglob("*.md"))
}
DOCS = {"README.md": README, **PAGES}


def walk(group: click.Group, prefix: str = "tasking") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in sorted(group.commands.items()):
        path = f"{prefix} {name}"
        found.append((path, command))
        if isinstance(command, click.Group):
            found += walk(command, path)
    return found


COMMANDS = walk(cli)


def test_there_are_commands_to_check() -> None:
    assert len(COMMANDS) > 20


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[p for p, _ in COMMANDS])
def test_command_has_help_with_an_example(path: str, command: click.Command) -> None:
    assert command.help and "Example:" in command.help, f"{path} has no example in its help"
    example = command.help.split("Example:", 1)[1]
    assert "tasking" in example, f"{path}'s example does not show a tasking command"


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[p for p, _ in COMMANDS])
def test_command_is_described_in_the_docs(path: str, command: click.Command) -> None:
    """Described in a hand-written page, not only listed in the generated reference."""
    assert any(re.search(re.escape(path) + r"(?![\w-])", text) for text in PAGES.values()), (
        f"{path} is not in any page of docs/"
    )


def test_the_readme_is_a_front_door() -> None:
    assert len(README.splitlines()) <= 200


def test_quickstart_has_exactly_two_shell_commands() -> None:
    section = README.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    blocks = section.split("```sh")[1:]
    assert len(blocks) == 2
    commands = [block.split("```", 1)[0].strip() for block in blocks]
    assert "tasking demo" in commands[0] and "pip install ." in commands[0]
    assert '".[test]"' in commands[1] and commands[1].endswith("pytest")


# --- the examples ------------------------------------------------------------------------------


def code_blocks(text: str) -> Iterator[str]:
    yield from re.findall(r"```(?:text|sh)\n(.*?)```", text, re.S)


def command_lines(block: str) -> Iterator[list[str]]:
    """Each shell line of a block that runs `tasking` or sets a variable, as words: continuations
    joined, comments dropped (a block's other lines, a proxy's configuration say, are not shell)."""
    for line in block.replace("\\\n", " ").splitlines():
        if not re.match(r"(export |[A-Z_]+=|tasking )", line):
            continue
        words = shlex.split(line, comments=True)
        if words:
            yield words


def without_placeholders(words: list[str]) -> list[str]:
    """Drop the optional parts the docs write in brackets: `[--json]`, `[--area Swanley]`."""
    kept, depth = [], 0
    for word in words:
        opening = depth == 0 and word.startswith("[")
        depth += word.count("[") - word.count("]")
        if not opening and depth == 0 and not word.endswith("]"):
            kept.append(word)
    return kept


def tasking_words(words: list[str]) -> list[str] | None:
    """The arguments after `tasking` on a line that runs it (after `VAR=value` prefixes), else None."""
    rest = words[1:] if words[0] == "export" else words
    while rest and re.fullmatch(r"[A-Z_]+=\S*", rest[0]):
        rest = rest[1:]
    return rest[1:] if rest and rest[0] == "tasking" else None


def example_lines() -> list[tuple[str, list[str]]]:
    found = []
    for name, text in DOCS.items():
        for block in code_blocks(text):
            for words in command_lines(block):
                args = tasking_words(words)
                if args is not None:
                    found.append((name, args))
    return found


EXAMPLES = example_lines()


def test_there_are_examples_to_check() -> None:
    assert len(EXAMPLES) > 100
    assert {name for name, _ in EXAMPLES} >= {
        "README.md",
        "docs/guide/officer.md",
        "docs/guide/warden.md",
        "docs/operations.md",
    }


def _resolve(args: list[str]) -> tuple[list[str], click.Command, list[str]]:
    """The command an example runs (its path), and the words after it."""
    command: click.Command = cli
    path, rest = ["tasking"], list(args)
    root_values = {
        opt for param in cli.params for opt in getattr(param, "opts", []) if not getattr(param, "is_flag", False)
    }
    while rest:
        word = rest[0]
        if word in root_values and command is cli:
            rest = rest[2:]
            continue
        if word.startswith("-") and command is cli:
            rest = rest[1:]
            continue
        if isinstance(command, click.Group) and word in command.commands:
            command = command.commands[word]
            path.append(word)
            rest = rest[1:]
            continue
        break
    return path, command, rest


@pytest.mark.parametrize(("page", "args"), EXAMPLES, ids=[f"{p}: {' '.join(a)[:60]}" for p, a in EXAMPLES])
def test_every_example_names_a_real_command_and_its_real_options(page: str, args: list[str]) -> None:
    path, command, rest = _resolve(args)
    assert len(path) > 1 or args[:1] in (["--help"], ["--version"]), (
        f"{page}: `tasking {' '.join(args)}` names no command"
    )
    if isinstance(command, click.Group) and rest and not rest[0].startswith(("-", "[")):
        pytest.fail(f"{page}: `{' '.join(path)}` has no subcommand {rest[0]!r}")
    known = {
        opt
        for param in [*command.params, *cli.params]
        for opt in [*getattr(param, "opts", []), *getattr(param, "secondary_opts", [])]
    }
    known |= {"--help", "-h", "--version"}
    for word in rest:
        for part in word.strip("[]").split("|"):
            option = part.split("=", 1)[0]
            if option.startswith("--"):
                assert option in known, f"{page}: `{' '.join(path)}` has no option {option}"


def _block(page: str, heading: str) -> str:
    return PAGES[page].split(heading + "\n", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]


def run_as_written(block: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a block's lines as a shell would, in-process through `tasking.cli.run`: `export VAR=x`,
    `VAR=x tasking ...` and `> FILE`; stop at the first line that fails. Returns what it printed."""
    printed = []
    for words in command_lines(block):
        words = without_placeholders(words)
        if words[0] == "export":
            name, _, value = words[1].partition("=")
            monkeypatch.setenv(name, value)
            continue
        env = {}
        while re.fullmatch(r"[A-Z_]+=\S*", words[0]):
            name, _, value = words.pop(0).partition("=")
            env[name] = value
        assert words[0] == "tasking", words
        out = None
        if ">" in words:
            out = words[words.index(">") + 1]
            words = words[: words.index(">")]
        with monkeypatch.context() as scoped:
            for name, value in env.items():
                scoped.setenv(name, value)
            code = run(words[1:])
        captured = capsys.readouterr()
        assert code == 0, f"`{shlex.join(words)}` exited {code}: {captured.err.strip()[-400:]}"
        if out:
            Path(out).write_text(captured.out, encoding="utf-8")
        printed.append(captured.out)
    return "".join(printed)


def test_the_walk_throughs_run_as_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The administrator's set-up, the officer's record and look blocks and the warden's week, run
    in order on a new store, all succeed."""
    monkeypatch.setenv("TASKING_STORE", str(tmp_path / "store.db"))
    monkeypatch.setenv("TASKING_LOG_LEVEL", "warning")
    monkeypatch.delenv("TASKING_USER", raising=False)
    printed = run_as_written(
        "".join(
            [
                _block("docs/guide/administrator.md", "## Set up a store"),
                _block("docs/guide/officer.md", "## Record a case"),
                _block("docs/guide/officer.md", "## Look at cases"),
                _block("docs/guide/warden.md", "## A warden's week"),
            ]
        ),
        capsys,
        monkeypatch,
    )
    assert "CSU-2017-00002" in printed and "Hextable" in printed
    assert "Evening patrol, Azalea Shops" in printed  # the warden sees the wardens' tasking in full


def test_the_readme_morning_runs_on_the_demo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, demo_template: Path
) -> None:
    """The README's morning block, as written, on a copy of the demo that `tasking demo` built for the
    run (the demo's own tests check what it builds; building it again here would only cost time)."""
    monkeypatch.setenv("TASKING_STORE", copy_demo(demo_template, tmp_path, name="demo"))
    monkeypatch.setenv("TASKING_LOG_LEVEL", "warning")
    block = README.split("## A morning, in ten lines", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    printed = run_as_written(block, capsys, monkeypatch)
    assert "CSU-2017-00579" in printed and "OFFICIAL-SENSITIVE" in Path("briefing.html").read_text(encoding="utf-8")


# --- the site ----------------------------------------------------------------------------------


@pytest.fixture(name="site", scope="module")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`mkdocs build --strict`, as CI runs it: a warning (a broken link or anchor) fails the build."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    site = tmp_path_factory.mktemp("site")
    build(load_config(str(ROOT / "mkdocs.yml"), site_dir=str(site), strict=True))
    return site


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def _headings(page: Path) -> list[str]:
    """A page's headings as text, without their permalinks."""
    found = re.findall(r"<h[1-6][^>]*>(.*?)</h[1-6]>", page.read_text(encoding="utf-8"), re.S)
    return [_text(re.sub(r'<a class="headerlink".*?</a>', "", heading, flags=re.S)) for heading in found]


def test_the_cli_reference_is_the_click_tree(site: Path) -> None:
    shown = {heading for heading in _headings(site / "reference/cli/index.html") if heading.startswith("tasking")}
    tree = {"tasking"} | {path for path, _ in COMMANDS}
    assert shown - tree == set(), "the CLI reference names commands that do not exist"
    assert tree - shown == set(), "commands of the click tree missing from the CLI reference"
    page = (site / "reference/cli/index.html").read_text(encoding="utf-8")
    assert page.count("<p>Example:</p>\n<pre><code>") == len(tree)  # every command's example, line by line


def test_the_http_reference_is_the_openapi_schema(site: Path) -> None:
    from tasking.bootstrap import Settings
    from tasking.web.app import create_app

    assert run(["--store", "schema.db", "init", "--admin", "docs", "--name", "Docs Site", "--agency", "COUNCIL"]) == 0
    app = create_app(Settings(store="schema.db"), pool_size=1, secret="test")
    try:
        schema = app.openapi()
    finally:
        app.state.pool.close()
    operations = {f"{method.upper()} {path}" for path, item in schema["paths"].items() for method in item}
    shown = set(_headings(site / "reference/http/index.html"))
    assert operations - shown == set(), "routes missing from the HTTP reference"
    page = (site / "reference/http/index.html").read_text(encoding="utf-8")
    assert "Swanley" in page and "RecordFollowUp" in page  # the configuration's enums and the bodies' schemas


def test_the_permission_table_is_the_code_s_table(site: Path) -> None:
    from tasking.domain.permissions import markdown_table

    page = (site / "reference/permissions/index.html").read_text(encoding="utf-8")
    shown = [
        [_text(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", page, re.S)
    ]
    lines = [line for i, line in enumerate(markdown_table().splitlines()) if i != 1]  # not the |---| line
    expected = [[_text(cell).replace("`", "") for cell in line.strip().strip("|").split(" | ")] for line in lines]
    assert shown == expected


def test_the_readme_links_resolve(site: Path) -> None:
    links = re.findall(r"\]\(([^)\s]+)\)", README)
    assert links
    for link in links:
        if re.match(r"[a-z]+:", link):
            continue
        target, _, anchor = link.partition("#")
        assert (ROOT / target).exists(), f"README links to {target}, which is not in the repository"
        if anchor and target.startswith("docs/") and target.endswith(".md"):
            built = site / target.removeprefix("docs/").removesuffix(".md").removesuffix("index") / "index.html"
            assert f'id="{anchor}"' in built.read_text(encoding="utf-8"), f"README links to a missing heading: {link}"
