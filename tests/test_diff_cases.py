"""Diff cases as data: each folder of ``tests/data/diff`` is one case.

A case folder holds ``old.txt``, ``new.txt`` (or ``old_file``/``new_file`` in
``expected.json``, paths from the repository root) and ``expected.json``:

- ``changes``: the changes a correct tool reports, as in ``diff --format json`` minus spans.
  Each entry lists only the keys that matter; an ``old``/``new`` object (an added or removed
  term) matches when its keys agree, lists match as sets. Every expected change must match
  one reported change, and nothing else may be reported.
- ``summary``: the counts.
- ``unchanged_types`` (optional): term types that must be found, unchanged, on both sides.
- ``also_accepted`` (optional): other ``{"changes", "summary"}`` outcomes that are also right.

A case fails for a parser gap (the parser extracts wrong terms) is marked in
``PARSER_GAPS`` with a strict xfail naming the gap, so it turns red once the parser is fixed.
To add a case, add a folder.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import dealdiff
from dealdiff.cli import cli
from dealdiff.diff import result_to_dict

ROOT = Path(__file__).resolve().parents[1]
CASES = Path(__file__).resolve().parent / "data" / "diff"

#: Cases that fail because the parser extracts the wrong terms, and what it must extract.
PARSER_GAPS: dict[str, str] = {}


def case_dirs() -> list[Path]:
    return sorted(p for p in CASES.iterdir() if (p / "expected.json").is_file())


def sides(case: Path, expected: dict[str, Any]) -> tuple[Path, Path]:
    old = ROOT / expected["old_file"] if "old_file" in expected else case / "old.txt"
    new = ROOT / expected["new_file"] if "new_file" in expected else case / "new.txt"
    return old, new


def matches(want: Any, got: Any) -> bool:
    if isinstance(want, dict):
        return isinstance(got, dict) and all(
            k in got and matches(v, got[k]) for k, v in want.items()
        )
    if isinstance(want, list):
        return isinstance(got, list) and sorted(map(json.dumps, want)) == sorted(
            map(json.dumps, got)
        )
    return bool(want == got)


def mismatch(outcome: dict[str, Any], got: dict[str, Any]) -> str | None:
    """None when ``got`` is ``outcome``; else what differs."""
    left = list(got["changes"])
    for want in outcome["changes"]:
        hit = next((c for c in left if matches(want, c)), None)
        if hit is None:
            return f"missing {json.dumps(want)}"
        left.remove(hit)
    if left:
        extra = [{k: c[k] for k in ("change", "type", "field", "old", "new")} for c in left]
        return f"unexpected {json.dumps(extra, default=str)}"
    if got["summary"] != outcome["summary"]:
        return f"summary {got['summary']} != {outcome['summary']}"
    return None


def params() -> list[Any]:
    out = []
    for case in case_dirs():
        marks = []
        if case.name in PARSER_GAPS:
            marks.append(pytest.mark.xfail(strict=True, reason=PARSER_GAPS[case.name]))
        out.append(pytest.param(case, id=case.name, marks=marks))
    return out


@pytest.mark.parametrize("case", params())
def test_case(case: Path) -> None:
    expected = json.loads((case / "expected.json").read_text("utf-8"))
    old_path, new_path = sides(case, expected)
    result = dealdiff.diff(dealdiff.load(old_path), dealdiff.load(new_path))
    got = result_to_dict(result)
    outcomes = [expected, *expected.get("also_accepted", [])]
    problems = [mismatch(o, got) for o in outcomes]
    assert None in problems, "; or ".join(p for p in problems if p)
    unchanged = [a.type.value for a, _ in result.unchanged]
    for type_name in expected.get("unchanged_types", []):
        assert type_name in unchanged, f"{type_name} not found unchanged on both sides"
        unchanged.remove(type_name)
    # The command agrees with the library, and exits like diff(1).
    run = CliRunner().invoke(cli, ["diff", str(old_path), str(new_path), "-f", "json"])
    assert run.exit_code == (1 if got["changes"] else 0)
    assert json.loads(run.output)["changes"] == json.loads(json.dumps(got["changes"]))


def test_every_case_folder_is_complete() -> None:
    for case in CASES.iterdir():
        if not case.is_dir() or case.name == "golden":
            continue
        expected = case / "expected.json"
        assert expected.is_file(), f"{case.name}: no expected.json"
        data = json.loads(expected.read_text("utf-8"))
        for path in sides(case, data):
            assert path.is_file(), f"{case.name}: no {path}"
        assert set(data) <= {
            "changes",
            "summary",
            "unchanged_types",
            "also_accepted",
            "old_file",
            "new_file",
        }


def test_identical_files_give_the_same_terms() -> None:
    old = dealdiff.load(CASES / "identical" / "old.txt")
    new = dealdiff.load(CASES / "identical" / "new.txt")
    assert old.terms == new.terms
    assert dealdiff.diff(old, new).changes == ()
