"""The dependency direction is part of the design: dsl <- core <- connectors / CLI <- addon.

Every package and module of the project sits on a floor (:data:`FLOORS`); a module may
import only from floors strictly below its own (or from inside its own unit). These tests
read the import statements of every module (without importing them), so a wrong-way import
fails the suite before it becomes a tangle, and a new package that nobody placed on a floor
fails too. Nothing but ``addon/`` imports Odoo.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OURS = {"dsl", "bankrec", "connectors", "bench", "tests", "addon"}

# unit -> floor; a unit is a top-level package, or a module / sub-package of ``bankrec``
FLOORS = {
    "bankrec": 0,  # the package face: a version string, imports nothing
    "bankrec.errors": 0,
    "bankrec.starter_packs": 0,  # where the starter rule packs are (imports nothing)
    "dsl": 0,  # the rule language stands alone
    "bankrec.model": 1,
    "bankrec.money": 1,
    "bankrec.csvfields": 2,
    "bankrec.statements": 3,  # files in
    "bankrec.feeds": 4,  # bank feeds in: aggregator clients, normalised like the importers
    "bankrec.open_items": 3,
    "bankrec.matching": 3,  # the pure matcher: plain data in, decisions out
    "bankrec.results": 4,  # match outputs (JSON, CSV, HTML) and the JSON reader
    "bankrec.learning": 5,
    "connectors": 5,  # ERPs over RPC
    "bankrec.cli": 6,  # the only part of bankrec above the connectors
    "bench": 7,
    "addon": 7,  # Odoo add-ons: the only place that imports odoo
}
PACKAGES = ("dsl", "bankrec", "connectors", "bench", "addon")


def unit_of(module: str) -> str:
    """``bankrec.matching.engine`` -> ``bankrec.matching``; ``connectors.x`` -> ``connectors``."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "bankrec" and len(parts) > 1 else parts[0]


def _imports(path: Path) -> set[str]:
    """Absolute imports of a file, as dotted module names."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))


def _imported_units(path: Path) -> set[str]:
    """Units of ours (and ``odoo``) that a file imports, its own unit left out."""
    own = unit_of(_module_name(path))
    units = set()
    for name in _imports(path):
        top = name.split(".")[0]
        if top in OURS or top == "odoo":
            unit = unit_of(name)
            if unit not in FLOORS and top == "bankrec":
                unit = unit_of(".".join(name.split(".")[:-1]))  # ``from bankrec import x``
            units.add(unit)
    return units - {own}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_module_imports_only_from_lower_floors(path: Path) -> None:
    own = unit_of(_module_name(path))
    assert own in FLOORS, f"{own} is on no floor: place it in FLOORS"
    for unit in _imported_units(path):
        if unit == "odoo":
            assert own == "addon", "nothing but addon/ imports Odoo"
            continue
        assert unit != "tests" or own == "bench", f"{own} imports the test suite"
        if unit == "tests":
            continue
        assert unit in FLOORS, f"{unit} is on no floor: place it in FLOORS"
        assert FLOORS[unit] < FLOORS[own], (
            f"{own} (floor {FLOORS[own]}) imports {unit} (floor {FLOORS[unit]}): wrong way"
        )


def test_every_floor_names_something_that_exists() -> None:
    units = {unit_of(_module_name(p)) for p in MODULES}
    assert set(FLOORS) == units


def test_layering_catches_a_wrong_way_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from connectors.odoo import client\nimport odoo\nfrom bankrec import cli\n")
    assert _imports(bad) >= {"connectors.odoo", "odoo", "bankrec.cli"}
    assert unit_of("bankrec.cli.main") == "bankrec.cli"
    assert FLOORS[unit_of("connectors.odoo.sync")] > FLOORS[unit_of("bankrec.matching.engine")]
