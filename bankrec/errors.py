"""Error types that carry *where* bad input was found.

Bad input must get a clear error and lose nothing: every error names the file and the
line (or XML path / column) and says what was expected, so a finance user can fix the
file without reading a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


class BankrecError(Exception):
    """Base class of every error bankrec reports to a user (never shown as a traceback)."""


@dataclass(frozen=True, slots=True)
class Location:
    """Where in an input something was found: file plus line/column or an XML path."""

    file: str = ""
    line: int | None = None
    column: int | None = None
    path: str = ""  # XML path such as /Document/BkToCstmrStmt/Stmt[2]/Ntry[14]/Amt

    def __str__(self) -> str:
        parts = [self.file or "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        text = ":".join(parts)
        return f"{text} ({self.path})" if self.path else text


class InputError(BankrecError):
    """A user-supplied file is wrong; nothing from it was used."""

    def __init__(self, message: str, location: Location | None = None, expected: str = "") -> None:
        self.message = message
        self.location = location or Location()
        self.expected = expected
        super().__init__(str(self))

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}"
        if self.expected:
            text += f" (expected {self.expected})"
        return text


class StatementError(InputError):
    """A bank statement file cannot be imported; nothing was imported from it."""


class CurrencyMismatchError(BankrecError):
    """Two amounts in different currencies met where only one currency makes sense."""


class OutputError(BankrecError):
    """An output file or folder cannot be written; nothing was written there."""
