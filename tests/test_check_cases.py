"""``dealdiff check`` cases as files; add a case by adding a file or a folder.

- ``tests/data/termfiles/invalid/NAME.terms``: the exact text output of
  ``dealdiff check NAME.terms --no-config`` (messages, carets, fingerprints, summary) is in
  ``NAME.expected``; the exit code is 1 when the output has an error, else 0.
- ``tests/data/check/CASE/``: the files of one run, ``case.toml`` with ``args`` (the command
  line after ``dealdiff check``, run inside the folder) and ``exit``, and ``expected.txt``.

``DEALDIFF_UPDATE_GOLDEN=1 pytest tests/test_check_cases.py`` rewrites the expected files;
review the diff before committing it.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DATA

from dealdiff.cli import cli

INVALID = sorted((DATA / "termfiles" / "invalid").glob("*.terms"))
CASES = sorted(p for p in (DATA / "check").iterdir() if (p / "case.toml").is_file())
UPDATE = os.environ.get("DEALDIFF_UPDATE_GOLDEN") == "1"


def _run(folder: Path, args: list[str], monkeypatch: pytest.MonkeyPatch) -> tuple[str, int]:
    monkeypatch.chdir(folder)
    result = CliRunner().invoke(cli, ["check", *args], catch_exceptions=False)
    return result.output, result.exit_code


def _compare(got: str, expected_path: Path) -> None:
    if UPDATE:
        expected_path.write_text(got, encoding="utf-8")
    assert expected_path.is_file(), f"no {expected_path.name}; run with DEALDIFF_UPDATE_GOLDEN=1"
    assert got == expected_path.read_text("utf-8")


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_term_file(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    output, code = _run(path.parent, [path.name, "--no-config"], monkeypatch)
    _compare(output, path.with_suffix(".expected"))
    assert code == (1 if ": error: " in output else 0)


@pytest.mark.parametrize("folder", CASES, ids=lambda p: p.name)
def test_check_case(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case = tomllib.loads((folder / "case.toml").read_text("utf-8"))
    output, code = _run(folder, list(case["args"]), monkeypatch)
    _compare(output, folder / "expected.txt")
    assert code == case["exit"]


def test_every_invalid_file_has_a_finding() -> None:
    for path in INVALID:
        expected = path.with_suffix(".expected").read_text("utf-8")
        assert "[" in expected and "no findings" not in expected, path.name
