"""The command line as a new user meets it: one-line errors with the documented exit codes,
no tracebacks, output folders created, a closed pipe ends quietly, progress on a terminal only.

These run the installed ``bankrec`` console script in a subprocess, as a user would: a
traceback, an exit status or a stray byte on stderr is exactly what is under test.
"""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STATEMENT = ROOT / "samples" / "statement.csv"
OPEN_ITEMS = ROOT / "samples" / "open_items.csv"
CAMT = ROOT / "tests" / "fixtures" / "camt" / "camt053_v02_ch.xml"
HEADER = "id,date,amount,currency,label,counterparty,iban,reference,account\n"


def bankrec(
    *args: str | Path, cwd: Path | None = None, **kw: object
) -> subprocess.CompletedProcess:
    """Run the console script (the module of the same interpreter, so no PATH is needed)."""
    return subprocess.run(
        [sys.executable, "-m", "bankrec.cli.main", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
        **kw,  # type: ignore[arg-type]
    )


def one_line_error(result: subprocess.CompletedProcess, status: int = 2) -> str:
    """Assert the command failed with ``status`` and one ``bankrec: error:`` line; return it."""
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == status, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("bankrec: error: "), lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def big_statement(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A canonical statement far larger than a pipe's buffer (64 KiB)."""
    path = tmp_path_factory.mktemp("big") / "big.csv"
    rows = [
        f"T{i},2026-11-{1 + i % 28:02d},{i % 900 + 10}.25,EUR,PAYMENT {i} FA-2026-{i:05d},"
        f"CUSTOMER {i % 97},,,\n"
        for i in range(5000)
    ]
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def _run_into_closed_pipe(*args: str | Path) -> subprocess.CompletedProcess:
    """Run with stdout on a pipe whose reader is already gone (as after ``| head -2``)."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "bankrec.cli.main", *map(str, args)],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    finally:
        os.close(write_end)
    return proc


def test_import_into_a_closed_pipe_ends_quietly(big_statement: Path) -> None:
    result = _run_into_closed_pipe("import", "--to", "csv", big_statement)
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr, result.stderr
    assert result.returncode == 0


def test_match_into_a_closed_pipe_ends_quietly() -> None:
    result = _run_into_closed_pipe(
        "match", "--statement", STATEMENT, "--open-items", OPEN_ITEMS, "-q"
    )
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr, result.stderr
    assert result.returncode == 0


def test_output_into_a_folder_is_one_line(tmp_path: Path) -> None:
    line = one_line_error(bankrec("import", "--to", "csv", "-o", tmp_path, CAMT))
    assert str(tmp_path) in line and "it is a folder" in line


def test_import_creates_the_output_folder(tmp_path: Path) -> None:
    target = tmp_path / "new" / "deeper" / "x.csv"
    result = bankrec("import", "-o", target, CAMT)
    assert result.returncode == 0, result.stderr
    assert target.read_text(encoding="utf-8").startswith(HEADER.split("\n")[0])


def test_unwritable_json_target_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    target = blocker / "out" / "o.json"
    result = bankrec(
        "match", "--statement", STATEMENT, "--open-items", OPEN_ITEMS, "--json", target, "-q"
    )
    line = one_line_error(result)
    assert "cannot create folder" in line and str(blocker) in line
    assert not list(tmp_path.glob("**/o.json"))


def test_import_writes_csv_to_stdout_by_default() -> None:
    result = bankrec("import", CAMT, "-q")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("id,date,amount,currency")
    assert result.stderr == ""  # --quiet: no summary


def test_import_takes_the_format_from_the_output_extension(tmp_path: Path) -> None:
    result = bankrec("import", "-o", tmp_path / "st.JSON", CAMT)
    assert result.returncode == 0, result.stderr
    data = json.loads((tmp_path / "st.JSON").read_text(encoding="utf-8"))
    assert data["summary"]["transactions"] == len(data["transactions"]) > 0
    assert "imported" in result.stderr and " s\n" in result.stderr  # summary with elapsed time


def test_an_unknown_output_extension_needs_to(tmp_path: Path) -> None:
    line = one_line_error(bankrec("import", "-o", tmp_path / "st.txt", CAMT))
    assert "--to" in line and "st.txt" in line
    assert not (tmp_path / "st.txt").exists()


def test_a_missing_input_file_is_one_line_with_status_2(tmp_path: Path) -> None:
    line = one_line_error(
        bankrec("match", "--statement", tmp_path / "nope.csv", "--open-items", OPEN_ITEMS)
    )
    assert "nope.csv" in line


@pytest.mark.parametrize(
    ("args", "status"),
    [
        (["rules", "check", "rules/"], 0),
        (["rules", "check", "{bad}"], 2),
        (["rules", "check", "{failing}"], 1),
        (["match", "--statement", STATEMENT, "--open-items", OPEN_ITEMS, "-q"], 0),
        (["match", "--statement", STATEMENT, "--open-items", OPEN_ITEMS, "-q",
          "--fail-on-review"], 1),
        (["match", "--statement", OPEN_ITEMS, "--open-items", OPEN_ITEMS, "-q"], 2),
        (["import", "--nope", CAMT], 2),
    ],
)  # fmt: skip
def test_exit_codes_are_the_same_everywhere(tmp_path: Path, args: list, status: int) -> None:
    """0 done, 1 findings asked for, 2 bad input or usage (the README's table)."""
    (tmp_path / "bad.rules").write_text("label contains 'x' => ignor\n", encoding="utf-8")
    (tmp_path / "failing.yaml").write_text(
        "rules:\n  - rule: label contains 'FEE' => ignore\n"
        "    examples:\n      - {label: 'no such word', expect: {ignore: true}}\n",
        encoding="utf-8",
    )
    filled = [str(a).format(bad=tmp_path / "bad.rules", failing=tmp_path / "failing.yaml")
              for a in args]  # fmt: skip
    result = bankrec(*filled, cwd=ROOT)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == status, result.stderr


def _stderr_on_a_terminal(*args: str | Path) -> str:
    primary, secondary = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bankrec.cli.main", *map(str, args)],
        stdout=subprocess.DEVNULL,
        stderr=secondary,
    )
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # EIO once the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(primary)
    assert proc.wait() == 0
    return b"".join(chunks).decode("utf-8", "replace")


def test_match_shows_a_progress_bar_on_a_terminal(big_statement: Path) -> None:
    shown = _stderr_on_a_terminal("match", "--statement", big_statement, "--open-items", OPEN_ITEMS)
    assert "\x1b[" in shown  # drawn with terminal control codes
    assert "matching" in shown and "5000/5000" in shown
    assert "bankrec: matched 5,000 lines" in shown


def test_match_is_silent_in_a_pipe_but_for_its_summary(big_statement: Path) -> None:
    result = bankrec("match", "--statement", big_statement, "--open-items", OPEN_ITEMS)
    assert result.returncode == 0
    assert "\x1b[" not in result.stderr and "\r" not in result.stderr
    assert result.stderr.startswith("bankrec: matched 5,000 lines against 25 open items")
    assert len(result.stderr.splitlines()) == 1  # the run is shorter than the log interval


def test_quiet_silences_progress_on_a_terminal_too(big_statement: Path) -> None:
    shown = _stderr_on_a_terminal(
        "match", "--statement", big_statement, "--open-items", OPEN_ITEMS, "--quiet"
    )
    assert shown == ""


def test_import_reports_entries_dated_by_their_statement(tmp_path: Path) -> None:
    undated = ROOT / "tests" / "fixtures" / "camt" / "camt053_v08_undated_entries.xml"
    result = bankrec("import", "-o", tmp_path / "st.json", undated)
    assert result.returncode == 0, result.stderr
    warned = [ln for ln in result.stderr.splitlines() if ln.startswith("bankrec: warning:")]
    assert warned and all("took the statement's" in ln for ln in warned)
    data = json.loads((tmp_path / "st.json").read_text(encoding="utf-8"))
    dated_by_statement = [t for t in data["transactions"] if t["warnings"]]
    assert len(dated_by_statement) == len(warned)
    assert all(t["amount"].count(".") == 1 and len(t["amount"].split(".")[1]) == 2
               for t in data["transactions"])  # fmt: skip


def test_output_files_get_the_usual_permissions(tmp_path: Path) -> None:
    """Written atomically through a temporary file, yet readable like any new file."""
    target = tmp_path / "st.csv"
    assert bankrec("import", "-o", target, CAMT, "-q").returncode == 0
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask


@pytest.mark.parametrize(
    "fixture", ["camt/camt053_v02_ch.xml", "mt940/german-dk.sta"]
)  # fmt: skip
def test_streaming_readers_report_the_bytes_they_read(fixture: str) -> None:
    """What the import's progress bar shows for a large file: bytes read, up to its size."""
    from bankrec.statements.registry import read_statements
    from bankrec.statements.textfile import read_progress

    path = ROOT / "tests" / "fixtures" / fixture
    seen: list[int] = []
    with read_progress(seen.append):
        statements = read_statements(path)
    assert statements and seen
    assert max(seen) == path.stat().st_size  # every byte, whichever pass read it
    assert read_statements(path) == statements  # the same statements, counted or not
