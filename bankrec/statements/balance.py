"""Opening balance + movements = closing balance, checked per statement.

A statement whose own balances do not add up means lines are missing, duplicated or
mis-signed; importing it anyway would reconcile against wrong data. The check returns the
problems (it does not raise) so a caller can refuse the import, or, when a person said
``--allow-unbalanced``, import and show them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from bankrec.model import Statement


@dataclass(frozen=True, slots=True)
class BalanceProblem:
    """A statement whose balances do not agree with its transactions."""

    source: str  # where the statement starts (file:line)
    statement_id: str
    account: str
    currency: str
    opening: Decimal
    movements: Decimal
    closing: Decimal

    @property
    def difference(self) -> Decimal:
        """What is missing: stated closing minus (opening + movements)."""
        return self.closing - (self.opening + self.movements)

    def __str__(self) -> str:
        name = f"statement {self.statement_id!r}" if self.statement_id else "statement"
        return (
            f"{self.source}: {name} of {self.account} does not balance: opening "
            f"{self.opening} + movements {self.movements} = {self.opening + self.movements}, "
            f"but the closing balance is {self.closing} {self.currency} "
            f"(difference {self.difference})"
        )


def check_statement(statement: Statement) -> BalanceProblem | None:
    """The problem with ``statement``'s balances, or None when they agree or are not stated.

    Only statements stating both an opening and a closing balance can be checked
    (camt.054 notifications and many camt.052 reports state none).
    """
    if statement.opening is None or statement.closing is None:
        return None
    opening = statement.opening.amount
    closing = statement.closing.amount
    movements = statement.movements()
    if opening + movements == closing:
        return None
    return BalanceProblem(
        source=statement.source,
        statement_id=statement.statement_id,
        account=statement.account,
        currency=statement.currency,
        opening=opening,
        movements=movements,
        closing=closing,
    )


def check_balances(statements: Iterable[Statement]) -> list[BalanceProblem]:
    """Every balance problem among ``statements``, in order."""
    return [p for s in statements if (p := check_statement(s)) is not None]
