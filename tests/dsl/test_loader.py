"""Loading files and folders: every problem of every file, nothing loaded from a broken set."""

from __future__ import annotations

from pathlib import Path

import pytest

from dsl import RuleFileError, load_rules


def messages(paths: list[str]) -> list[str]:
    with pytest.raises(RuleFileError) as info:
        load_rules(paths)
    return [f"{d.file}:{d.line}:{d.column}: {d.message}" for d in info.value.diagnostics]


def test_errors_of_all_files_are_collected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("a.rules").write_text("label contains 'x' => ignor\n")
    Path("ok.rules").write_text("label contains 'x' => ignore\n")
    Path("b.yaml").write_text("rules:\n  - \"amount contains 'x' => ignore\"\n")
    assert messages(["a.rules", "ok.rules", "b.yaml"]) == [
        "a.rules:1:23: unknown action 'ignor'",
        "b.yaml:2:13: 'contains' does not work on amount, which is a number",
    ]


def test_unreadable_and_unknown_inputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("latin1.rules").write_bytes("label contains 'é' => ignore\n".encode("latin-1"))
    Path("notes.txt").write_text("hello\n")
    Path("empty").mkdir()
    found = messages(["latin1.rules", "notes.txt", "missing.rules", "empty"])
    assert found[0].startswith("latin1.rules:1:1: not UTF-8 text")
    assert found[1:] == [
        "notes.txt:1:1: not a rules file",
        "missing.rules:1:1: no such file or folder",
        "empty:1:1: folder holds no rule files",
    ]


def test_folder_files_sorted_and_crlf_and_bom(tmp_path: Path) -> None:
    folder = tmp_path / "pack"
    folder.mkdir()
    (folder / "20-b.yaml").write_text("rules:\n  - \"label contains 'x' => party B\"\n")
    (folder / "10-a.rules").write_bytes(b"\xef\xbb\xbf# a\r\nlabel contains 'x' => party A\r\n")
    (folder / "README.md").write_text("not a rule file\n")
    ruleset = load_rules([folder])
    assert [r.location for r in ruleset.rules] == [
        f"{folder}/10-a.rules:2",
        f"{folder}/20-b.yaml:2",
    ]
    assert ruleset.evaluate({"label": "x"}).party == "A"
