"""Parsing many files in worker processes gives what one process gives, in order."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import seed_files

from dealdiff import batch
from dealdiff.cli import _parse_one, cli, resolve_rules


def _files(tmp_path: Path) -> list[str]:
    """The seed agreements with an unreadable file and a missing one among them."""
    binary = tmp_path / "scan.pdf"
    binary.write_bytes(b"%PDF-1.4\x00\x01\x02")
    seeds = [str(p) for p in seed_files()]
    return [*seeds[:2], str(binary), *seeds[2:4], str(tmp_path / "gone.txt"), *seeds[4:]]


def _run(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    "options",
    [["-f", "jsonl"], ["-f", "json"], ["-f", "text"], ["-f", "terms"], ["--explain"]],
)
def test_workers_give_the_output_of_one_process(tmp_path: Path, options: list[str]) -> None:
    files = _files(tmp_path)
    code, out, err = _run(["parse", *options, "-j", "1", *files])
    assert code == 2 and "scan.pdf" in err and "gone.txt" in err
    assert out.count("cloud-partnership-2026") >= 1
    assert _run(["parse", *options, "-j", "3", *files]) == (code, out, err)


def test_workers_write_an_output_file_whole(tmp_path: Path) -> None:
    files = [str(p) for p in seed_files()]
    one, many = tmp_path / "one.jsonl", tmp_path / "many.jsonl"
    assert _run(["parse", "-f", "jsonl", "-j", "1", "-o", str(one), *files])[0] == 0
    assert _run(["parse", "-f", "jsonl", "-j", "2", "-o", str(many), *files])[0] == 0
    lines = many.read_text(encoding="utf-8").splitlines()
    assert many.read_bytes() == one.read_bytes() and len(lines) == len(files)


def test_spawned_workers_load_the_same_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where workers cannot be forked they are spawned and load the rules themselves."""
    monkeypatch.setattr(sys, "platform", "darwin")
    files = [str(p) for p in seed_files()][:4]
    rules = resolve_rules(())
    render = functools.partial(_parse_one, fmt="jsonl", explain=False)
    serial = [render(path, rules) for path in files]
    spawned = batch.map_files(render, files, rules, jobs=2, rules_paths=(), resolve=resolve_rules)
    assert list(spawned) == serial and all(ok for ok, _ in serial)


@pytest.mark.parametrize(
    ("jobs", "files", "expected"),
    [
        (4, ["a"] * 10, 4),
        (4, ["a"] * 5, 2),  # at least two files a worker
        (4, ["a"], 1),
        (1, ["a"] * 10, 1),
        (4, ["a", "-", "b", "c"], 1),  # standard input is read here
    ],
)
def test_worker_count(jobs: int, files: list[str], expected: int) -> None:
    assert batch.worker_count(jobs, files) == expected


def test_worker_count_defaults_to_the_usable_cpus() -> None:
    many = ["a"] * 1000
    assert batch.worker_count(0, many) == batch.usable_cpus() >= 1


def test_negative_jobs_is_a_usage_error() -> None:
    code, _, err = _run(["parse", "-j", "-1", str(seed_files()[0])])
    assert code == 2 and "--jobs" in err
