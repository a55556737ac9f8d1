"""Evaluate the matcher on generated hard data: precision, coverage, top-1, per case.

``python -m bench.evaluate_matching --seed 1 --transactions 5000`` generates a data set
in memory and matches it in-process; ``--data DIR`` evaluates files written by
``bench.generate_matching`` instead. ``--check`` exits 1 when a target is missed
(precision of reconciled ≥ 99.5 %, reconciled share ≥ 85 %, top-1 of suggestions ≥ 95 %).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bankrec.model import Decision
from bench.generate_matching import (
    HOLDOUT_PROFILE,
    HOLDOUT_SEED,
    HOLDOUT_TRANSACTIONS,
    Dataset,
    add_size_arguments,
    generate,
    load_dataset,
)
from bench.matchgen.cases import ALL_CASE_CLASS, ALL_CASES, CASE_CLASS, CATALOGUE
from bench.matchgen.evaluation import (
    BANDS,
    TARGET_PRECISION,
    TARGET_RECONCILED_SHARE,
    TARGET_TOP1,
    Evaluation,
    Tally,
    evaluate,
    missed_expectation,
    ordered_cases,
)
from bench.matchgen.truth import CLASSES


def load_rules(text: str, console: Console) -> Any:
    """Compile the data set's rules with the rule language, or None if it is unavailable."""
    if not text.strip():
        return None
    try:
        from dsl import compile_rules
    except ImportError:
        console.print("[yellow]dsl.compile_rules is not available: matching without rules")
        return None
    return compile_rules(text, "rules.rules")


def run_matcher(
    data: Dataset, rules: Any, config_path: Path | None, progress: Callable[[int], None] | None
) -> list[Decision]:
    """Call ``bankrec.matching.match`` in-process, exactly as the Odoo module would."""
    import dataclasses

    from bankrec.matching import MatchConfig, match

    config = MatchConfig.from_yaml(config_path) if config_path else MatchConfig()
    if data.own_accounts:  # our journal codes and their IBANs, as the Odoo add-on knows them
        config = dataclasses.replace(
            config, own_accounts=tuple(dict.fromkeys((*config.own_accounts, *data.own_accounts)))
        )
    result = match(
        data.transactions,
        data.items,
        rules=rules,
        config=config,
        known_ibans=data.known_ibans,
        progress=progress,
    )
    return list(result.decisions)


def _pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{value * 100:.2f}%"


def _row(name: str, cls: str, t: Tally) -> list[str]:
    return [
        name,
        cls.replace("should_", ""),
        str(t.lines),
        str(t.reconciled),
        _pct(t.precision),
        f"{t.should_reconcile_done}/{t.should_reconcile}" if t.should_reconcile else "—",
        str(t.suggested),
        _pct(t.top1),
        str(t.unmatched),
        str(t.ignored),
        f"{t.false_matches}/{t.no_counterpart}" if t.no_counterpart else "—",
        _pct(t.expected_share),
    ]


_HEADERS = (
    "case",
    "class",
    "lines",
    "reconciled",
    "precision",
    "reconciled share",
    "suggested",
    "top-1",
    "unmatched",
    "ignored",
    "false matches",
    "as expected",
)


def render(evaluation: Evaluation, console: Console, title: str) -> None:
    """Print the per-case table, the per-class table and the targets."""
    table = Table(title=title)
    for header in _HEADERS:
        table.add_column(header, justify="left" if header in ("case", "class") else "right")
    for case in ordered_cases(evaluation, list(ALL_CASES)):
        table.add_row(*_row(case, evaluation.case_class[case], evaluation.cases[case]))
    table.add_section()
    table.add_row(*_row("overall", "", evaluation.overall), style="bold")
    console.print(table)
    by_class = Table(title="by expected class")
    for header in _HEADERS:
        by_class.add_column(header, justify="left" if header in ("case", "class") else "right")
    for cls in CLASSES:
        if cls in evaluation.classes:
            by_class.add_row(*_row(cls, cls, evaluation.classes[cls]))
    console.print(by_class)
    o = evaluation.overall
    targets = Table(title="targets")
    for header in ("metric", "value", "target", "met"):
        targets.add_column(header)
    for name, value, target in (
        ("precision of reconciled", o.precision, TARGET_PRECISION),
        ("reconciled share (should_reconcile lines)", o.reconciled_share, TARGET_RECONCILED_SHARE),
        ("top-1 accuracy of suggestions", o.top1, TARGET_TOP1),
    ):
        met = value is not None and value >= target
        targets.add_row(
            name, _pct(value), f"≥ {target * 100:.1f}%", "[green]yes" if met else "[red]no"
        )
    targets.add_row(
        "no-counterpart lines given items",
        _pct(o.false_match_share),
        "—",
        f"{o.false_reconciled} reconciled",
    )
    console.print(targets)
    bands = Table(title="calibration: proposals (reconciled or suggested) right, per band")
    for header in ("band", "proposals", "right", "accuracy", "target", "met"):
        bands.add_column(header)
    for name, _low, _high, target in BANDS:
        right, total = evaluation.bands[name]
        value = evaluation.band_accuracy(name)
        met = value is None or value >= target
        bands.add_row(name, str(total), str(right), _pct(value), f"≥ {target * 100:.1f}%",
                      "[green]yes" if met else "[red]no")  # fmt: skip
    console.print(bands)


def show_failures(data: Dataset, decisions: list[Decision], per_case: int,
                  console: Console) -> None:  # fmt: skip
    """Print the lines that did not end as expected: the bank line, the truth, the verdict."""
    txs = {t.id: t for t in data.transactions}
    items = {i.id: i for i in data.items}

    def describe(item_id: str, amount: Decimal) -> str:
        item = items.get(item_id)
        if item is None:
            return f"{item_id} {amount} (unknown item)"
        return f"{item_id} {amount} {item.number} {item.partner!r} residual {item.residual}"

    missed = missed_expectation(decisions, data.truth, per_case)
    for case in [c for c in ALL_CASES if c in missed] + sorted(set(missed) - set(ALL_CASES)):
        console.rule(f"{case}: lines not as expected (up to {per_case})")
        for decision, line in missed[case]:
            tx = txs[decision.transaction_id]
            console.print(
                f"[bold]{tx.id}[/] {tx.amount} {tx.currency} — {decision.status.value} "
                f"{decision.confidence}", markup=True, highlight=False,
            )  # fmt: skip
            fields = f"label: {tx.label} | counterparty: {tx.counterparty} | "
            fields += f"reference: {tx.reference} | iban: {tx.iban}"
            console.print("  " + fields, markup=False, highlight=False)
            for item_id, amount in line.expected:
                console.print("  truth: " + describe(item_id, amount), markup=False)
            if line.transfer_with or line.account:
                console.print(f"  truth: transfer_with={line.transfer_with} "
                              f"account={line.account}", markup=False)  # fmt: skip
            for alloc in decision.allocations:
                console.print("  got:   " + describe(alloc.item_id, alloc.amount), markup=False)
            if decision.transfer_with or decision.account:
                console.print(f"  got:   transfer_with={decision.transfer_with} "
                              f"account={decision.account}", markup=False)  # fmt: skip
            for reason in decision.reasons:
                console.print("  - " + reason, markup=False, highlight=False)


def to_json(evaluation: Evaluation) -> dict[str, Any]:
    """The evaluation as JSON-ready data (ratios as strings, exact)."""

    def tally(t: Tally) -> dict[str, Any]:
        counts = {name: getattr(t, name) for name in t.__slots__}
        ratios = {
            "precision": t.precision,
            "reconciled_share": t.reconciled_share,
            "top1": t.top1,
            "false_match_share": t.false_match_share,
            "expected_share": t.expected_share,
        }
        return {**counts, **{k: None if v is None else str(v) for k, v in ratios.items()}}

    return {
        "overall": tally(evaluation.overall),
        "cases": {c: tally(t) for c, t in evaluation.cases.items()},
        "classes": {c: tally(t) for c, t in evaluation.classes.items()},
        "bands": {name: {"right": r, "proposals": n} for name, (r, n) in evaluation.bands.items()},
        "bins": {
            name: {"right": r, "proposals": n, "confidence_sum": c}
            for name, (r, n, c) in evaluation.bins.items()
        },
        "failures": evaluation.failures(),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.evaluate_matching", description=__doc__.splitlines()[0]
    )
    add_size_arguments(parser)
    parser.add_argument("--data", type=Path, help="evaluate a generated directory instead")
    parser.add_argument("--config", type=Path, help="MatchConfig YAML")
    parser.add_argument("--no-rules", action="store_true", help="match without the rules")
    parser.add_argument("--json", type=Path, help="also write the metrics as JSON")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument(
        "--holdout", action="store_true",
        help=f"the fixed second set: seed {HOLDOUT_SEED}, {HOLDOUT_TRANSACTIONS} transactions, "
        f"profile {HOLDOUT_PROFILE} (overrides --seed/--transactions/--items/--profile)",
    )  # fmt: skip
    parser.add_argument(
        "--show-failures", type=int, default=0, metavar="N",
        help="print up to N lines per case that did not end as expected, with reasons",
    )  # fmt: skip
    args = parser.parse_args(argv)
    console = Console()
    if not console.is_terminal:  # a log file: wide enough that no column is cut
        console = Console(width=170)
    started = time.perf_counter()
    if args.data:
        data = load_dataset(args.data)
        title = f"matching evaluation — {args.data}"
    elif args.holdout:
        data = generate(HOLDOUT_SEED, HOLDOUT_TRANSACTIONS, None, HOLDOUT_PROFILE)
        title = f"matching evaluation — HOLDOUT seed {HOLDOUT_SEED}, profile {HOLDOUT_PROFILE}"
        title += f", {len(data.transactions)} transactions"
    else:
        data = generate(args.seed, args.transactions, args.items, args.profile)
        title = f"matching evaluation — seed {args.seed}, profile {args.profile}"
        title += f", {len(data.transactions)} transactions"
    title += f", {len(data.items)} open items"
    loaded = time.perf_counter()
    rules = None if args.no_rules else load_rules(data.rules_text, console)
    decisions = _match_with_progress(data, rules, args.config, console)
    matched = time.perf_counter()
    evaluation = evaluate(decisions, data.truth)
    render(evaluation, console, title)
    console.print(f"data {loaded - started:.1f} s, match {matched - loaded:.1f} s")
    if args.show_failures:
        show_failures(data, decisions, args.show_failures, console)
    if args.json:
        report = {"set": title, **to_json(evaluation)}
        args.json.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    failures = evaluation.failures()
    for failure in failures:
        console.print(f"[red]target missed: {failure}")
    return 1 if args.check and failures else 0


def _match_with_progress(
    data: Dataset, rules: Any, config: Path | None, console: Console
) -> list[Decision]:
    if not console.is_terminal:
        return run_matcher(data, rules, config, None)
    from rich.progress import Progress

    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("matching", total=len(data.transactions))
        return run_matcher(data, rules, config, lambda done: bar.update(task, completed=done))


assert set(CASE_CLASS) == set(CATALOGUE)
assert set(ALL_CASE_CLASS) == set(ALL_CASES)

if __name__ == "__main__":
    sys.exit(main())
