"""MkDocs hook: the pages generated from the code at build time, never kept by hand.

A page holds a marker comment and this hook puts the generated Markdown in its place:

- `<!-- generated: permissions table -->`: `tasking.domain.permissions.markdown_table()`, the one
  table the command and query layers enforce;
- `<!-- generated: http reference -->`: the FastAPI app's OpenAPI schema (`create_app().openapi()`,
  on a throwaway store of the default partnership), rendered as Markdown.

The CLI reference is `mkdocs-click`'s walk of `tasking.cli`'s click group; this hook only shows each
command's `Example:` block as code (`on_page_content`).
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import re
import tempfile
import textwrap
from pathlib import Path
from typing import Any

PERMISSIONS = "<!-- generated: permissions table -->"
HTTP = "<!-- generated: http reference -->"
METHODS = ("get", "post", "put", "patch", "delete")


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    if PERMISSIONS in markdown:
        from tasking.domain.permissions import markdown_table

        markdown = markdown.replace(PERMISSIONS, markdown_table())
    if HTTP in markdown:
        markdown = markdown.replace(HTTP, http_reference(openapi_schema()))
    return markdown


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    """The CLI reference (mkdocs-click) prints each command's help as Markdown, which runs the
    lines of its `Example:` block together: show them as the code they are, line by line."""
    if page.file.src_uri != "reference/cli.md":
        return html
    return EXAMPLE.sub(
        lambda found: "<p>Example:</p>\n<pre><code>" + textwrap.dedent(found.group(1)).strip("\n") + "</code></pre>",
        html,
    )


EXAMPLE = re.compile(r"<p>Example:\n(.*?)</p>", re.S)


@functools.cache
def openapi_schema() -> dict[str, Any]:
    """The app's schema, as `/openapi.json` serves it, from a throwaway SQLite store made by
    `tasking init` with the default partnership (so its areas, agencies and categories are enums)."""
    from tasking.bootstrap import Settings
    from tasking.cli import run
    from tasking.web.app import create_app

    with tempfile.TemporaryDirectory() as folder:
        store = str(Path(folder) / "docs.db")
        with contextlib.redirect_stdout(io.StringIO()):  # its "Initialised ..." line is not the build's
            code = run(
                [
                    "--store",
                    store,
                    "--log-level",
                    "error",
                    "init",
                    "--admin",
                    "docs",
                    "--name",
                    "Docs Site",
                    "--agency",
                    "COUNCIL",
                ]
            )
        if code != 0:
            raise RuntimeError(f"tasking init for the HTTP reference failed with exit code {code}")
        app = create_app(Settings(store=store), pool_size=1, secret="docs")
        try:
            return json.loads(json.dumps(app.openapi()))
        finally:
            app.state.pool.close()


def http_reference(schema: dict[str, Any]) -> str:
    """Every operation of the schema: its route, summary, parameters, body and responses."""
    lines: list[str] = [_text(schema.get("info", {}).get("description", "")), ""]
    by_tag: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            if method in METHODS:
                tag = (operation.get("tags") or ["other"])[0]
                by_tag.setdefault(tag, []).append((method.upper(), path, operation))
    for tag, operations in by_tag.items():
        lines += [f"## {tag}", ""]
        for method, path, operation in operations:
            lines += [f"### `{method} {path}`", ""]
            if operation.get("summary"):
                lines += [_text(operation["summary"]), ""]
            if operation.get("description"):
                lines += [operation["description"].strip(), ""]
            parameters = operation.get("parameters", [])
            if parameters:
                lines += ["| parameter | in | required | type | description |", "|---|---|---|---|---|"]
                for parameter in parameters:
                    lines.append(
                        f"| `{parameter['name']}` | {parameter['in']} | "
                        f"{'yes' if parameter.get('required') else 'no'} | "
                        f"{_type(parameter.get('schema', {}))} | "
                        f"{_cell(parameter.get('description') or parameter.get('schema', {}).get('description', ''))} |"
                    )
                lines.append("")
            body = operation.get("requestBody", {}).get("content", {})
            for media, content in body.items():
                lines += [f"Body (`{media}`): {_type(content.get('schema', {}))}", ""]
            responses = operation.get("responses", {})
            if responses:
                lines += ["| status | meaning |", "|---|---|"]
                for status, response in responses.items():
                    lines.append(f"| {status} | {_cell(response.get('description', ''))} |")
                lines.append("")
    schemas = schema.get("components", {}).get("schemas", {})
    if schemas:
        lines += ["## Schemas", ""]
        for name, component in sorted(schemas.items()):
            lines += [f"### {name}", ""]
            if component.get("description"):
                lines += [_text(component["description"]), ""]
            properties = component.get("properties", {})
            required = set(component.get("required", []))
            if properties:
                lines += ["| field | type | required | description |", "|---|---|---|---|"]
                for field, prop in properties.items():
                    lines.append(
                        f"| `{field}` | {_type(prop)} | {'yes' if field in required else 'no'} | "
                        f"{_cell(prop.get('description', ''))} |"
                    )
                lines.append("")
    return "\n".join(lines)


def _type(schema: dict[str, Any]) -> str:
    """A schema's type in a few words: a reference by name, a union with `or`, an enum's values."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#{name.lower()})"
    if "anyOf" in schema:
        return " or ".join(_type(member) for member in schema["anyOf"])
    if "enum" in schema:
        return "one of " + ", ".join(f"`{value}`" for value in schema["enum"])
    kind = schema.get("type", "any")
    if kind == "array":
        return f"list of {_type(schema.get('items', {}))}"
    if schema.get("format"):
        return f"{kind} ({schema['format']})"
    if schema.get("pattern"):
        return f"{kind} matching `{schema['pattern']}`"
    return str(kind)


def _text(text: str) -> str:
    return " ".join(text.split())


def _cell(text: str) -> str:
    return _text(text).replace("|", "\\|")
