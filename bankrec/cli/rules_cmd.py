"""`bankrec rules` (being built)."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    """Register nothing yet; the rules command group is being built."""
    del sub
    _ = argparse
