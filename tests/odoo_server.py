"""A throw-away local Odoo 17 server for the integration tests and the benchmark.

It runs ``odoo-bin`` from the kit named by ``ODOO_PYTHON`` / ``ODOO_PATH`` / ``ODOO_CONF``
(``.ci/run`` sets them) as a subprocess: it creates a fresh database with ``account`` and
demo data, serves it on a free port bound to 127.0.0.1, and drops it afterwards. It never
imports Odoo; it only starts it, so the connector stays an external client.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Sequence
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


@dataclass(frozen=True)
class ModuleTestResult:
    """Counts from Odoo's ``N failed, M error(s) of T tests`` line (``None``: no such line)."""

    failed: int | None
    errors: int | None
    total: int | None
    log: str

    @classmethod
    def parse(cls, text: str) -> ModuleTestResult:
        found = re.findall(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests", text)
        if not found:
            return cls(None, None, None, text)
        failed, errors, total = (int(x) for x in found[-1])
        return cls(failed, errors, total, text)


ROOT = Path(__file__).resolve().parent.parent
# Odoo's own pins are kept as they are, except python-stdnum: bankrec needs 2.2 (Belgian
# structured communications, stdnum.be.ogm_vcs); Odoo 17 pins 1.19 and runs on 2.2.
KIT_UPGRADES = ("python-stdnum",)


def install_bankrec(kit: OdooKit, log: Path) -> None:
    """Install bankrec (editable, from this checkout) into the kit's Python, keeping every
    package Odoo pinned, so the add-ons can import it; what the README tells administrators
    to do, run here for the tests. A few seconds when everything is in place already."""
    frozen = subprocess.run(
        [str(kit.python), "-m", "pip", "freeze", "--exclude-editable"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    constraints = log.with_suffix(".constraints.txt")
    constraints.write_text(
        "\n".join(ln for ln in frozen if not ln.lower().startswith(KIT_UPGRADES)) + "\n"
    )
    with log.open("ab") as out:
        result = subprocess.run(
            [str(kit.python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             "-c", str(constraints), "python-stdnum>=2.2", "-e", str(ROOT)],
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
        )  # fmt: skip
    if result.returncode != 0:
        raise ConnectorError(f"installing bankrec into Odoo's Python failed; see {log}")


def install_pinned_wheels(kit: OdooKit, requirements: Path, log: Path) -> tuple[int, str]:
    """``pip install --no-deps --require-hashes -r requirements`` with the kit's Python (Odoo
    add-on wheels from PyPI, like OCA's; ``--no-deps``: the kit provides Odoo itself). Its
    exit status and output; the output is appended to ``log``."""
    result = subprocess.run(
        [str(kit.python), "-m", "pip", "install", "--disable-pip-version-check",
         "--no-deps", "--require-hashes", "-r", str(requirements)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=600,
        check=False,
    )  # fmt: skip
    with log.open("ab") as out:
        out.write(result.stdout)
    return result.returncode, result.stdout.decode("utf-8", "replace")


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

    def __init__(
        self,
        kit: OdooKit,
        *,
        db: str | None = None,
        log: Path | None = None,
        template: str | None = None,
        addons: Sequence[Path] = (),
        install: Sequence[str] = (),
        demo: bool = True,
    ) -> None:
        """``template``: copy that database (``createdb -T``) instead of installing
        ``account``; ``addons``: extra addons folders; ``install``: modules to install on
        top (e.g. the bankrec add-on)."""
        self.kit = kit
        self.db = db or f"bankrec_test_{uuid.uuid4().hex[:10]}"
        self.template = template
        self.addons = tuple(addons)
        self.install = tuple(install)
        self.demo = demo
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

    def _odoo_bin(self, *args: str) -> list[str]:
        if not self.addons:
            return self.kit.odoo_bin(*args)
        paths = [_conf_value(self.kit.conf, "addons_path"), *(str(a) for a in self.addons)]
        return self.kit.odoo_bin("--addons-path", ",".join(p for p in paths if p), *args)

    def create_database(self, timeout: float = 600) -> None:
        """``-i account`` with demo data on a new database (about 45 s), or a copy of
        ``template``; then the ``install`` modules."""
        if self.template:
            self._created = True
            copy_database(self.kit, self.template, self.db)
            modules = list(self.install)
        else:
            modules = ["account", *self.install]
        if not modules:
            return
        with self.log.open("ab") as log:
            result = subprocess.run(
                self._odoo_bin(
                    "-d",
                    self.db,
                    "-i",
                    ",".join(modules),
                    *(() if self.demo else ("--without-demo=all",)),
                    "--stop-after-init",
                ),
                stdout=log,
                stderr=subprocess.STDOUT,
                timeout=timeout,
                check=False,
            )
        self._created = True
        if result.returncode != 0:
            raise ConnectorError(f"creating Odoo database {self.db} failed; see {self.log}")

    def run_module_tests(self, module: str, timeout: float = 900) -> ModuleTestResult:
        """Run a module's own Odoo tests on this database (``-u module --test-enable``);
        call it while the server is stopped. The counts come from Odoo's result line."""
        _status, text = self._run_logged(
            ("-u", module, "--test-enable", "--test-tags", f"/{module}", "--stop-after-init",
             "--http-port", str(self.port)),
            timeout,
        )  # fmt: skip
        return ModuleTestResult.parse(text)

    def update(self, module: str, timeout: float = 600) -> tuple[int, str]:
        """``-u module`` on this database (server stopped); Odoo's exit status and log."""
        return self._run_logged(("-u", module, "--stop-after-init"), timeout)

    def install_module(self, module: str, timeout: float = 600) -> tuple[int, str]:
        """``-i module`` on this database (server stopped); Odoo's exit status and log."""
        return self._run_logged(("-i", module, "--stop-after-init"), timeout)

    def shell(self, script: str) -> subprocess.CompletedProcess[str]:
        """Run the Python ``script`` in ``odoo-bin shell`` on this database (``env`` is
        bound there), server stopped; its output is returned, not logged."""
        base = self._odoo_bin("-d", self.db, "--no-http")  # python odoo-bin -c CONF ...
        return subprocess.run(
            [base[0], base[1], "shell", *base[2:]],  # the subcommand comes first
            input=script,
            capture_output=True,
            text=True,
            check=False,
        )

    def _run_logged(self, args: Sequence[str], timeout: float) -> tuple[int, str]:
        """``odoo-bin -d DB *args`` to completion, its output appended to the log; its exit
        status and what it wrote."""
        start = self.log.stat().st_size if self.log.exists() else 0
        with self.log.open("ab") as log:
            result = subprocess.run(
                self._odoo_bin("-d", self.db, *args),
                stdout=log,
                stderr=subprocess.STDOUT,
                timeout=timeout,
                check=False,
            )
        with self.log.open("rb") as log:
            log.seek(start)
            return result.returncode, log.read().decode("utf-8", "replace")

    def log_text(self) -> str:
        """Everything Odoo wrote for this database so far."""
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    def start(self, timeout: float = 120, extra_args: Sequence[str] = ()) -> None:
        """Serve the database on 127.0.0.1 and wait until /web/login answers;
        ``extra_args`` go to ``odoo-bin`` as they are (``--workers 2``, say)."""
        self._log_file = self.log.open("ab")
        self._proc = subprocess.Popen(
            self._odoo_bin(
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
                *extra_args,
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
        drop_database(self.kit, self.db)
        self._created = False

    def close(self) -> None:
        self.stop()
        self.drop_database()


def database_exists(name: str) -> bool:
    """Whether PostgreSQL has a database of that name (``psql -l``)."""
    psql = shutil.which("psql")
    if not psql:
        return False
    out = subprocess.run(
        [psql, "-lqtA", "-F", "|"], capture_output=True, text=True, timeout=60, check=False
    ).stdout
    return any(row.split("|", 1)[0] == name for row in out.splitlines())


def copy_database(kit: OdooKit, source: str, target: str) -> None:
    """``createdb -T source target`` plus the filestore: a seeded database in seconds."""
    createdb = shutil.which("createdb")
    if not createdb:
        raise ConnectorError("createdb not found: PostgreSQL client tools are needed")
    result = subprocess.run(
        [createdb, "-T", source, target], capture_output=True, text=True, timeout=600, check=False
    )
    if result.returncode != 0:
        raise ConnectorError(f"copying database {source} failed: {result.stderr.strip()}")
    data_dir = _conf_value(kit.conf, "data_dir")
    if data_dir and (Path(data_dir) / "filestore" / source).is_dir():
        shutil.copytree(
            Path(data_dir) / "filestore" / source, Path(data_dir) / "filestore" / target
        )


def drop_database(kit: OdooKit, name: str) -> None:
    """``dropdb --if-exists`` and the database's filestore."""
    dropdb = shutil.which("dropdb")
    if dropdb:
        subprocess.run([dropdb, "--if-exists", name], capture_output=True, timeout=120, check=False)
    data_dir = _conf_value(kit.conf, "data_dir")
    if data_dir:
        shutil.rmtree(Path(data_dir) / "filestore" / name, ignore_errors=True)


def _conf_value(conf: Path, key: str) -> str:
    for line in conf.read_text(encoding="utf-8").splitlines():
        name, _, value = line.partition("=")
        if name.strip() == key:
            return value.strip()
    return ""
