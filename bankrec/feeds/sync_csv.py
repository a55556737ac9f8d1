"""The canonical-CSV folder sink: one new file per account and sync, each transaction once.

``bankrec feed sync --to-dir DIR`` writes ``DIR/<account>_<UTC time>.csv`` (``<account>``
is the IBAN, else ``<provider>-<account id>``) holding only the transactions no earlier
file of that account in ``DIR`` holds -- the files themselves are the record of what was
delivered, so the sync is exactly-once whatever the state file says:

* a sync that fails while fetching writes nothing;
* a file appears complete or not at all (written beside its name, flushed, renamed), so a
  crash while writing leaves no half file (only a hidden temporary one, removed next time);
* a crash after the file was written but before the state was saved makes the next sync
  start earlier, fetch those days again and find every id already in the folder.

Two syncs into one folder at once take turns (an exclusive lock on ``DIR/.bankrec-feed.lock``),
so neither misses the file the other is writing. A sync that finds nothing new writes no
file.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import fcntl
import os
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from bankrec.errors import OutputError
from bankrec.feeds.errors import FeedError
from bankrec.feeds.files import os_reason, write_atomically
from bankrec.feeds.provider import Connection, FeedAccount
from bankrec.feeds.sync import Delivery
from bankrec.model import Transaction
from bankrec.statements.canonical import write_statement_csv

LOCK_NAME = ".bankrec-feed.lock"
_UNSAFE = re.compile(r"[^A-Za-z0-9-]+")  # no "_": it separates the stem from the time


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_FILE_MODE = 0o666 & ~_umask()  # what an ordinary new file gets (mkstemp makes 0600)


def account_slug(connection: Connection, account: FeedAccount) -> str:
    """The file-name stem of an account: its IBAN, else ``<provider>-<account id>``."""
    raw = account.iban.replace(" ", "").upper() or f"{connection.provider}-{account.id}"
    return _UNSAFE.sub("-", raw).strip("-") or "account"


class CsvDirectorySink:
    """Delivers transactions as canonical CSV files in ``directory`` (see the module)."""

    def __init__(
        self,
        directory: Path,
        *,
        now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        write: Callable[[Sequence[Transaction], Path], None] | None = None,
    ) -> None:
        self.directory = directory
        self._now = now
        self._write = write or write_csv_atomically

    def deliver(
        self, connection: Connection, account: FeedAccount, transactions: Sequence[Transaction]
    ) -> Delivery:
        """Write the transactions no earlier file of the account holds; return the counts."""
        slug = account_slug(connection, account)
        with self._locked():
            known = self.known_ids(slug)
            new: dict[str, Transaction] = {}
            for tx in transactions:
                if tx.id not in known:
                    new.setdefault(tx.id, tx)
            if not new:
                return Delivery(0, len(transactions), "")
            target = self._new_file(slug)
            self._write(list(new.values()), target)
        return Delivery(len(new), len(transactions) - len(new), str(target))

    def account_files(self, slug: str) -> list[Path]:
        """The account's files in the folder, oldest first (names sort by time)."""
        if not self.directory.is_dir():
            return []
        return sorted(p for p in self.directory.glob(f"{slug}_*.csv") if p.is_file())

    def known_ids(self, slug: str) -> set[str]:
        """Every transaction id the account's files in the folder hold."""
        ids: set[str] = set()
        for path in self.account_files(slug):
            ids.update(read_ids(path))
        return ids

    def _new_file(self, slug: str) -> Path:
        stamp = self._now().astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        target = self.directory / f"{slug}_{stamp}.csv"
        n = 2
        while target.exists():
            target = self.directory / f"{slug}_{stamp}_{n}.csv"
            n += 1
        return target

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            handle = open(self.directory / LOCK_NAME, "a+")  # noqa: SIM115 - held below
        except OSError as exc:
            raise OutputError(_os_text(exc, self.directory)) from None
        with handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                _remove_leftovers(self.directory)
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def read_ids(path: Path) -> list[str]:
    """The ``id`` column of a canonical CSV file (a damaged file is an error naming it:
    guessing would deliver its transactions a second time)."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None or "id" not in header:
                raise FeedError(
                    f"{path}: not a canonical statement CSV (no 'id' column); move it out "
                    "of the sync folder"
                )
            column = header.index("id")
            return [row[column] for row in reader if len(row) > column and row[column]]
    except OSError as exc:
        raise OutputError(_os_text(exc, path, verb="read")) from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise FeedError(f"{path}: cannot be read as CSV ({exc}); move it out of the sync "
                        "folder") from None  # fmt: skip


def write_csv_atomically(transactions: Sequence[Transaction], target: Path) -> None:
    """Write canonical CSV to ``target``: a hidden temporary file, flushed to disk, then
    renamed, so ``target`` exists only complete."""
    write_atomically(
        target,
        lambda handle: write_statement_csv(transactions, handle),
        mode=_FILE_MODE,
        error=lambda exc: OutputError(_os_text(exc, target)),
    )


def _remove_leftovers(directory: Path) -> None:
    """Temporary files of a sync that crashed while writing (never complete, never read)."""
    for leftover in directory.glob(".*.csv.*.tmp"):
        with contextlib.suppress(OSError):
            leftover.unlink()


def _os_text(exc: OSError, path: Path, *, verb: str = "write") -> str:
    return f"cannot {verb} {path}: {os_reason(exc)}"
