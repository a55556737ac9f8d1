"""`bankrec match` (being built)."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    """Register nothing yet; the match command group is being built."""
    del sub
    _ = argparse
