"""The layering rules of DESIGN.md, kept true by walking every import."""

from __future__ import annotations

import ast
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


@pytest.mark.parametrize("folder", ["app/scoring", "app/assessment"])
def test_scorer_and_rulesets_are_pure(folder: str) -> None:
    assert _offending(folder, PURE_FORBIDDEN) == []


def test_exports_use_neither_database_nor_streamlit() -> None:
    assert _offending("app/exports", ("streamlit", "sqlmodel", "sqlalchemy", "db", "app.services")) == []


def test_only_pages_and_ui_import_streamlit() -> None:
    bad = []
    for path in sorted((ROOT / "app").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith(("app/pages/", "app/ui/")):
            continue
        if any(n == "streamlit" or n.startswith("streamlit.") for n in imports_of(path)):
            bad.append(relative)
    assert bad == []


def test_pages_do_not_open_database_sessions() -> None:
    assert _offending("app/pages", ("sqlmodel", "sqlalchemy", "db")) == []
