"""The layering rules of DESIGN.md, kept true by walking every import."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PURE_FORBIDDEN = (
    "streamlit",
    "sqlmodel",
    "sqlalchemy",
    "pandas",
    "db",
    "app.services",
    "app.ui",
    "app.pages",
)


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _offending(folder: str, forbidden: tuple[str, ...]) -> list[str]:
    bad = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        for name in imports_of(path):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                bad.append(f"{path.relative_to(ROOT)} imports {name}")
    return bad


PURE_PACKAGES = ["app/scoring", "app/assessment", "app/notify", "app/credibility", "app/inspection"]


@pytest.mark.parametrize("folder", PURE_PACKAGES)
def test_pure_packages_are_pure(folder: str) -> None:
    """The scorer, the rule sets, the reminder rules, the credibility checks and the inspection
    priority: no Streamlit, no database, no services. Numpy and Pillow are allowed (the vectorised
    scorer, a photo's check)."""
    assert _offending(folder, PURE_FORBIDDEN) == []


def test_ui_does_not_reach_the_database() -> None:
    """The ui asks the services; it never opens a session nor builds a query itself. It may name a
    table's class for its fields (`db.models`), not the engine or the migrations."""
    assert _offending("app/ui", ("sqlmodel", "sqlalchemy", "db.engine", "db.migrate", "db.migrations")) == []


def test_exports_use_neither_database_nor_streamlit() -> None:
    assert _offending("app/exports", ("streamlit", "sqlmodel", "sqlalchemy", "db", "app.services")) == []


def test_only_pages_and_ui_import_streamlit() -> None:
    bad = []
    for path in sorted((ROOT / "app").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith(("app/pages/", "app/ui/")) or relative == "app/serve.py":
            continue  # app/serve.py starts Streamlit's server: the process's entry, like streamlit_app.py
        if any(n == "streamlit" or n.startswith("streamlit.") for n in imports_of(path)):
            bad.append(relative)
    assert bad == []


def test_every_table_goes_through_data_table() -> None:
    """Streamlit's "Download as CSV" writes what a table holds: only `app.ui.grid.data_table`, which
    makes text cells spreadsheet-safe, may call st.dataframe."""
    bad = []
    for path in sorted((ROOT / "app").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and node.attr == "dataframe"
                and isinstance(node.value, ast.Name)
                and node.value.id == "st"
                and path.relative_to(ROOT).as_posix() != "app/ui/grid.py"
            ):
                bad.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert bad == []


def test_pages_do_not_open_database_sessions() -> None:
    assert _offending("app/pages", ("sqlmodel", "sqlalchemy", "db")) == []


def _import_graph() -> dict[str, set[str]]:
    """Every import between the project's modules, at module level or inside a function (an
    import hidden in a function is still a dependency)."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    modules: dict[str, Path] = {}
    for folder in ("app", "db", "seed"):
        for path in (root / folder).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(root).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            modules[name] = path
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [f"{node.module}.{alias.name}" for alias in node.names] + [node.module]
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name and not name.startswith(target + "."):
                    graph[name].add(target)
    return graph


def test_no_import_circles() -> None:
    graph = _import_graph()
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert cycles == []


def test_every_page_is_thin() -> None:
    """Pages are widgets in, one service call, render out (DESIGN.md): at most 80 lines; the
    pieces live in app/ui."""
    from pathlib import Path

    pages = Path(__file__).resolve().parents[1] / "app" / "pages"
    long = {p.name: n for p in pages.glob("*.py") if (n := len(p.read_text("utf-8").splitlines())) > 80}
    assert long == {}


STATUS_LITERAL = re.compile(
    r"""(?:status|reason)\w*\)?\s*(?:==|!=|=)\s*["'](\w+)["']|(?:status|reason)\w*\)?(?:\.in_\(|\s+in\s+)\(\s*["'](\w+)["']"""
)


def test_statuses_and_reasons_are_named_by_their_enum() -> None:
    """A stored status or reason is written `Status.draft`, `MessageStatus.sent`… (app/vocabulary),
    never as a bare string a typo would silently miss. `not_started` is the portal's word for a
    round with no row at all, not a stored status; SQL text (a partial index's WHERE) is SQL."""
    bad = []
    for folder in ("app", "db", "seed"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if "text(" in line:
                    continue
                for found in STATUS_LITERAL.finditer(line):
                    word = found.group(1) or found.group(2)
                    if word != "not_started":
                        bad.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert bad == []


def test_every_audited_action_has_words_in_both_languages() -> None:
    """Issue 26: the audit page showed raw action codes. Every action the code records by a
    constant name has an entry `audit.action.<code>` (both languages: strings.yaml's own check);
    the names built at run time are listed here by hand."""
    import ast

    from app.i18n import strings

    recorded = {
        "user.activate",
        "user.deactivate",
        "assessment.approve",
        "assessment.return",
        "company.name_accept",
        "company.name_refuse",
        "export.chairman.pdf",
        "export.company.pdf",
        "export.overview.xlsx",
        "export.registry.xlsx",
        "export.visits.xlsx",
        "export.visits.pdf",
    }
    for path in (ROOT / "app").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("record", "record_many")
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "audit"
                and len(node.args) >= 3
                and isinstance(node.args[2], ast.Constant)
            ):
                recorded.add(str(node.args[2].value))
    assert len(recorded) > 30
    assert sorted(c for c in recorded if f"audit.action.{c}" not in strings()) == []
