"""Reliability plot of the matcher's confidence: how often a proposal at N is right.

A confidence is only useful if it means what it says: of the lines given 70–89, about
that share should be right. ``python -m bench.evaluate_matching ... --json FILE`` counts
the proposals (reconciled or suggested lines) per confidence bin and how many were right;
this script draws those counts for one or more evaluation sets against the diagonal
(perfect calibration), with the number of proposals per bin as bars, and writes a PNG.

    python -m bench.evaluate_matching --seed 1 --transactions 5000 --json /tmp/std.json
    python -m bench.evaluate_matching --seed 1 --transactions 5000 --profile zoo \\
        --json /tmp/zoo.json
    python -m bench.evaluate_matching --holdout --json /tmp/holdout.json
    python -m bench.plot_calibration standard=/tmp/std.json zoo=/tmp/zoo.json \\
        holdout=/tmp/holdout.json -o docs/calibration.png

matplotlib is a bench-only tool, not a dependency of bankrec: ``pip install matplotlib``
into the environment you run this from. It is imported only when the plot is drawn.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class Bin:
    """Proposals whose confidence fell in one bin, and how many were right."""

    name: str
    proposals: int
    right: int
    mean_confidence: float  # for drawing only; the counts themselves stay exact integers

    @property
    def accuracy(self) -> float:
        return self.right / self.proposals if self.proposals else 0.0


def read_bins(report: dict[str, Any]) -> list[Bin]:
    """The bins of an ``evaluate_matching --json`` report (its bands when it has no bins)."""
    if "bins" in report:
        return [
            Bin(name, b["proposals"], b["right"],
                b["confidence_sum"] / b["proposals"] if b["proposals"] else 0.0)
            for name, b in report["bins"].items()
        ]  # fmt: skip
    bins = []
    for name, b in report["bands"].items():  # older reports: the band's middle
        low, _, high = name.partition("-")
        middle = (int(low) + int(high or low)) / 2
        bins.append(Bin(name, b["proposals"], b["right"], middle))
    return bins


def _centre(name: str) -> float:
    """The middle of a bin named ``50-59`` (or ``100``)."""
    low, _, high = name.partition("-")
    return (int(low) + int(high or low)) / 2


def _set(argument: str) -> tuple[str, Path]:
    label, sep, path = argument.partition("=")
    if not sep:
        return Path(argument).stem, Path(argument)
    return label, Path(path)


def plot(sets: Sequence[tuple[str, list[Bin]]], out: Path) -> None:
    """Draw the reliability diagram of ``sets`` into ``out`` (PNG)."""
    import matplotlib

    matplotlib.use("Agg")  # no display needed
    import matplotlib.pyplot as plt

    fig, (top, bottom) = plt.subplots(
        2, 1, figsize=(7, 7), sharex=True, gridspec_kw={"height_ratios": [3, 1]}
    )
    top.plot([50, 100], [50, 100], linestyle="--", color="grey", label="perfect calibration")
    markers = "osD^v"
    width = 3 / max(1, len(sets))
    for k, (label, bins) in enumerate(sets):
        shown = [b for b in bins if b.proposals]
        xs = [b.mean_confidence for b in shown]
        top.plot(xs, [100 * b.accuracy for b in shown], marker=markers[k % len(markers)],
                 label=label)  # fmt: skip
        offset = (k - (len(sets) - 1) / 2) * width
        bottom.bar([_centre(b.name) + offset for b in shown], [b.proposals for b in shown],
                   width=width, label=label)  # fmt: skip
    for low in (70, 90):  # the band edges of docs/matching.md
        top.axvline(low, color="lightgrey", linewidth=0.8)
        bottom.axvline(low, color="lightgrey", linewidth=0.8)
    top.set_ylim(45, 102)
    top.set_ylabel("proposals right (%)")
    top.set_title("bankrec matcher: confidence vs. share of proposals right")
    top.legend(loc="lower right")
    bottom.set_yscale("log")
    bottom.set_ylabel("proposals")
    bottom.set_xlabel("confidence (points: mean of the bin; bars: proposals per bin)")
    bottom.set_xlim(48, 103)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)
    plt.close(fig)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.plot_calibration", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "reports", nargs="+", metavar="LABEL=FILE",
        help="evaluate_matching --json outputs, each optionally labelled (holdout=h.json)",
    )  # fmt: skip
    parser.add_argument("-o", "--output", type=Path, default=Path("docs/calibration.png"))
    args = parser.parse_args(argv)
    sets = []
    for argument in args.reports:
        label, path = _set(argument)
        sets.append((label, read_bins(json.loads(path.read_text(encoding="utf-8")))))
    for label, bins in sets:
        row = ", ".join(f"{b.name}: {b.right}/{b.proposals}" for b in bins if b.proposals)
        print(f"{label}: {row}")
    plot(sets, args.output)
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
