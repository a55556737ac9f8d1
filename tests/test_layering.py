"""The dependency direction is part of the design: dsl <- core <- connectors / CLI <- addon.

These tests read the import statements of every module (without importing them) so a
wrong-way import fails the suite before it becomes a tangle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _modules(package: str, exclude: str = "") -> list[Path]:
    files = sorted((ROOT / package).rglob("*.py"))
    return [f for f in files if not exclude or exclude not in f.parts]


@pytest.mark.parametrize("path", _modules("dsl"), ids=str)
def test_dsl_imports_nothing_of_ours(path: Path) -> None:
    assert not _imports(path) & {"bankrec", "connectors", "odoo"}


@pytest.mark.parametrize("path", _modules("bankrec", exclude="cli"), ids=str)
def test_core_never_imports_connectors_cli_or_odoo(path: Path) -> None:
    imports = _imports(path)
    assert not imports & {"connectors", "odoo"}
    source = path.read_text(encoding="utf-8")
    assert "bankrec.cli" not in source


@pytest.mark.parametrize("path", _modules("connectors"), ids=str)
def test_connectors_never_import_odoo_or_cli(path: Path) -> None:
    assert "odoo" not in _imports(path)
    assert "bankrec.cli" not in path.read_text(encoding="utf-8")


def test_layering_catches_a_wrong_way_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from connectors.odoo import client\nimport odoo\n")
    assert _imports(bad) == {"connectors", "odoo"}
