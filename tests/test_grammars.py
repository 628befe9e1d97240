"""The on-disk cache of parse tables: used when safe, never changes a result."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dealdiff.grammars import cache_dir

SEED = Path(__file__).resolve().parents[1] / "seeds" / "cloud-partnership-2026.txt"


def parse_with_cache(folder: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DEALDIFF_CACHE_DIR": folder}
    return subprocess.run(
        [sys.executable, "-m", "dealdiff", "parse", "--format", "json", str(SEED)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_cache_is_written_then_read_with_the_same_result(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    without = parse_with_cache("")
    first = parse_with_cache(str(folder))
    names = sorted(p.name for p in folder.iterdir())
    assert any(n.startswith("values-") for n in names)
    assert any(n.startswith("pattern-") for n in names)
    assert any(n.startswith("patterns-") and n.endswith(".json") for n in names)
    second = parse_with_cache(str(folder))
    assert without.returncode == first.returncode == second.returncode == 0
    assert first.stdout == second.stdout == without.stdout
    assert first.stderr == second.stderr == ""


@pytest.mark.parametrize("damage", ["replaced", "truncated"])
def test_damaged_cache_is_ignored(tmp_path: Path, damage: str) -> None:
    folder = tmp_path / "cache"
    good = parse_with_cache(str(folder))
    for path in folder.iterdir():
        data = path.read_bytes()
        # A truncated file keeps its valid hash line, so the unpickling itself fails.
        path.write_bytes(b"not a cache\n" if damage == "replaced" else data[: len(data) // 2])
    again = parse_with_cache(str(folder))
    assert (again.returncode, again.stdout, again.stderr) == (0, good.stdout, "")


def test_empty_setting_turns_the_cache_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEALDIFF_CACHE_DIR", "")
    assert cache_dir() is None


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_folder_others_can_write_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setenv("DEALDIFF_CACHE_DIR", str(shared))
    assert cache_dir() is None
    monkeypatch.setenv("DEALDIFF_CACHE_DIR", str(tmp_path / "mine"))
    assert cache_dir() == tmp_path / "mine"


def test_unusable_folder_means_no_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", "utf-8")
    monkeypatch.setenv("DEALDIFF_CACHE_DIR", str(blocker / "cache"))
    assert cache_dir() is None
    result = parse_with_cache(str(blocker / "cache"))
    assert result.returncode == 0 and result.stderr == ""


def test_compiled_patterns_from_the_cache_are_the_ones_compiled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second load reads every pattern from the file the first one wrote."""
    from dealdiff.patterns import CompiledPatterns, compile_pattern

    monkeypatch.setenv("DEALDIFF_CACHE_DIR", str(tmp_path))
    known = frozenset({"PAY", "PERCENT", "CAP"})
    sources = ['PAY ~3 PERCENT "of" (net | gross)', "payer:(CAP+) PAY", '"first" refusal']
    first = CompiledPatterns(known, {})
    made = [first.compile(s) for s in sources]
    first.save()
    (written,) = tmp_path.glob("patterns-*.json")
    again = CompiledPatterns(known, {})
    assert not again.added and set(again.entries) == set(sources)
    assert (
        [again.compile(s) for s in sources]
        == made
        == [compile_pattern(s, known, {}) for s in sources]
    )
    assert not again.added
    # Other classes or macros compile differently: another file.
    other = CompiledPatterns(known | {"NUM"}, {})
    assert other.entries == {} and other.path != written


@pytest.mark.parametrize(
    "content", ['{"x": [1, 2, 3]}', "[1, 2]", '{"x": ["a", ["r"], [[1]]]}', "{", ""]
)
def test_a_compiled_patterns_file_of_the_wrong_shape_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str
) -> None:
    from dealdiff.patterns import CompiledPatterns

    monkeypatch.setenv("DEALDIFF_CACHE_DIR", str(tmp_path))
    memo = CompiledPatterns(frozenset({"PAY"}), {})
    assert memo.path is not None
    memo.path.write_text(content, "utf-8")
    assert CompiledPatterns(frozenset({"PAY"}), {}).entries == {}
