"""Where the starter rule packs are: the ``rules/`` folder of a bankrec source tree.

The packs (card fees, bank fees, interest, taxes and social charges, in EN/FR/DE wording)
live in the project's top-level ``rules/`` folder, where finance staff and reviewers read
them. Hosts that offer them to users -- the Odoo add-on's "Load starter packs" -- find them
here: ``$BANKREC_RULES_DIR`` when set (e.g. for a wheel install), else ``rules/`` beside
this package in a source or editable install.
"""

from __future__ import annotations

import os
from pathlib import Path

PACK_SUFFIXES = (".rules", ".yaml", ".yml")


def starter_pack_dir() -> Path | None:
    """The folder holding the starter packs, or None when none can be found."""
    env = os.environ.get("BANKREC_RULES_DIR")
    candidates = [Path(env)] if env else []
    candidates.append(Path(__file__).resolve().parent.parent / "rules")
    return next((path for path in candidates if path.is_dir()), None)


def starter_pack_paths() -> list[Path]:
    """The starter pack files in load order (sorted by name, as ``load_rules`` does)."""
    folder = starter_pack_dir()
    if folder is None:
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in PACK_SUFFIXES and p.is_file())
