"""A throw-away local Odoo 17 server for the integration tests and the benchmark.

It runs ``odoo-bin`` from the kit named by ``ODOO_PYTHON`` / ``ODOO_PATH`` / ``ODOO_CONF``
(``.ci/run`` sets them) as a subprocess: it creates a fresh database with ``account`` and
demo data, serves it on a free port bound to 127.0.0.1, and drops it afterwards. It never
imports Odoo; it only starts it, so the connector stays an external client.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from connectors.odoo.errors import ConnectorError
from connectors.odoo.transport import XmlRpcTransport

KIT_SETTINGS = ("ODOO_PYTHON", "ODOO_PATH", "ODOO_CONF")
ADMIN_LOGIN = "admin"
ADMIN_PASSWORD = "admin"  # the demo database's admin password


@dataclass(frozen=True)
class OdooKit:
    """Where an Odoo 17 source tree, its Python and its configuration are."""

    python: Path
    path: Path
    conf: Path

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> OdooKit:
        """The kit named by the environment; raise ConnectorError naming what is missing."""
        env = dict(os.environ) if env is None else env
        missing = missing_settings(env)
        if missing:
            raise ConnectorError(f"no Odoo 17 configured: set {', '.join(missing)}")
        return cls(Path(env["ODOO_PYTHON"]), Path(env["ODOO_PATH"]), Path(env["ODOO_CONF"]))

    def odoo_bin(self, *args: str) -> list[str]:
        return [str(self.python), str(self.path / "odoo-bin"), "-c", str(self.conf), *args]


def missing_settings(env: dict[str, str] | None = None) -> list[str]:
    """Which of ODOO_PYTHON / ODOO_PATH / ODOO_CONF are unset or point at nothing."""
    env = dict(os.environ) if env is None else env
    missing = []
    for name in KIT_SETTINGS:
        value = env.get(name, "")
        if not value or not Path(value).exists():
            missing.append(name if not value else f"{name} ({value} does not exist)")
    return missing


def free_port() -> int:
    """A TCP port nobody listens on right now, on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class LocalOdoo:
    """One fresh database served by one ``odoo-bin`` process; use as a context manager."""

    def __init__(self, kit: OdooKit, *, db: str | None = None, log: Path | None = None) -> None:
        self.kit = kit
        self.db = db or f"bankrec_test_{uuid.uuid4().hex[:10]}"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log or Path(f"/tmp/{self.db}.log")
        self._proc: subprocess.Popen[bytes] | None = None
        self._log_file: IO[bytes] | None = None
        self._created = False

    def __enter__(self) -> LocalOdoo:
        try:
            self.create_database()
            self.start()
            self.make_admin_accountant()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def create_database(self, timeout: float = 600) -> None:
        """``-i account`` with demo data on a new database (about 45 s)."""
        with self.log.open("ab") as log:
            result = subprocess.run(
                self.kit.odoo_bin("-d", self.db, "-i", "account", "--stop-after-init"),
                stdout=log,
                stderr=subprocess.STDOUT,
                timeout=timeout,
                check=False,
            )
        self._created = True
        if result.returncode != 0:
            raise ConnectorError(f"creating Odoo database {self.db} failed; see {self.log}")

    def start(self, timeout: float = 120) -> None:
        """Serve the database on 127.0.0.1 and wait until /web/login answers."""
        self._log_file = self.log.open("ab")
        self._proc = subprocess.Popen(
            self.kit.odoo_bin(
                "-d",
                self.db,
                "--http-interface",
                "127.0.0.1",
                "--http-port",
                str(self.port),
                "--db-filter",
                f"^{self.db}$",
                "--max-cron-threads",
                "0",
            ),
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise ConnectorError(f"odoo-bin exited at start; see {self.log}")
            try:
                with urllib.request.urlopen(f"{self.url}/web/login", timeout=5) as resp:
                    if resp.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.3)
        raise ConnectorError(f"Odoo did not answer /web/login within {timeout:.0f} s")

    def transport(self, protocol: str = "xmlrpc", **kw: Any) -> Any:
        """A logged-in admin transport for this server."""
        from connectors.odoo.transport import PROTOCOLS

        t = PROTOCOLS[protocol](self.url, self.db, ADMIN_LOGIN, ADMIN_PASSWORD, **kw)
        t.authenticate()
        return t

    def make_admin_accountant(self) -> None:
        """Give admin ``account.group_account_user``: creating statement lines needs it."""
        t = XmlRpcTransport(self.url, self.db, ADMIN_LOGIN, ADMIN_PASSWORD)
        t.authenticate()
        ref = t.execute_kw(
            "ir.model.data",
            "search_read",
            [[("module", "=", "account"), ("name", "=", "group_account_user")]],
            {"fields": ["res_id"]},
        )
        t.execute_kw("res.users", "write", [[t.uid], {"groups_id": [(4, ref[0]["res_id"])]}])

    def stop(self) -> None:
        """Stop the server (SIGTERM to its process group, SIGKILL after 15 s)."""
        if self._proc is not None and self._proc.poll() is None:
            os.killpg(self._proc.pid, signal.SIGTERM)
            try:
                self._proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self._proc.pid, signal.SIGKILL)
                self._proc.wait(timeout=15)
        self._proc = None
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    def drop_database(self) -> None:
        """Drop the database and its filestore (``dropdb``; Odoo is stopped first)."""
        if not self._created:
            return
        dropdb = shutil.which("dropdb")
        if dropdb:
            subprocess.run(
                [dropdb, "--if-exists", self.db], capture_output=True, timeout=120, check=False
            )
        data_dir = _conf_value(self.kit.conf, "data_dir")
        if data_dir:
            shutil.rmtree(Path(data_dir) / "filestore" / self.db, ignore_errors=True)
        self._created = False

    def close(self) -> None:
        self.stop()
        self.drop_database()


def _conf_value(conf: Path, key: str) -> str:
    for line in conf.read_text(encoding="utf-8").splitlines():
        name, _, value = line.partition("=")
        if name.strip() == key:
            return value.strip()
    return ""
