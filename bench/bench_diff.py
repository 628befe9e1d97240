"""Benchmark: ``dealdiff diff`` against a word-level text redline of the same pair.

Builds two versions of a ~115 KB contract from the seeds (all six, twice over, so the text is
realistic contract prose) with about twenty edits of the kind a negotiation makes (rates,
amounts, terms, territory, exclusivity), then times, in one process and on the same pair:

- dealdiff end to end: parse both texts and diff them (what ``dealdiff diff a b`` does after
  start-up; the grammars are built once beforehand, as in a long-running process);
- dealdiff diff only: ``dealdiff.diff(old, new)`` on the two parsed agreements;
- the baseline: a word-level redline of the two texts with the ``redlines`` package when
  installed (``pip install '.[bench]'``), and ``difflib.SequenceMatcher`` over words always.

Run: ``python bench/bench_diff.py [--repeat N]``. Not a test: numbers depend on the machine,
which is printed with them.
"""

from __future__ import annotations

import argparse
import difflib
import os
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import dealdiff

__all__ = ["build_pair", "main"]

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
TARGET_BYTES = 115_000

#: (pattern, replacement): edits applied to every occurrence in the new version.
EDITS = [
    ("twenty percent (20%)", "twelve and one-half percent (12.5%)"),
    ("the exclusive cloud provider", "a non-exclusive cloud provider"),
    ("US$10,000,000,000", "US$25,000,000,000"),
    ("ten billion US dollars", "twenty-five billion US dollars"),
    ("Canada and Mexico", "Canada"),
    ("GBP 4,000,000", "GBP 5,000,000"),
    ("twelve and one-half percent (12.5%)", "ten percent (10%)"),
    ("December 31, 2030", "December 31, 2032"),
    ("EUR 2,500,000", "EUR 3,000,000"),
    ("forty-five (45) days", "sixty (60) days"),
]


def build_pair() -> tuple[str, str, int]:
    """Two versions of one long contract, and how many edits separate them."""
    seeds = [p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    old = ""
    while len(old.encode("utf-8")) < TARGET_BYTES:
        old += "\n\n".join(seeds) + "\n\n"
    old = old.encode("utf-8")[:TARGET_BYTES].decode("utf-8", "ignore")
    old = old[: old.rfind("\n\n")] + "\n"
    new, edits = old, 0
    for pattern, replacement in EDITS:
        # At most twice per edit: once in each copy of the seeds.
        edits += min(new.count(pattern), 2)
        new = new.replace(pattern, replacement, 2)
    return old, new, edits


def timed(func: Callable[[], object], repeat: int) -> float:
    """The median wall time of ``repeat`` calls, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement (median)")
    args = parser.parse_args()

    old_text, new_text, edits = build_pair()
    dealdiff.parse_text("Licensee shall pay Licensor a royalty of 5% of Net Sales.")  # warm-up
    old, new = dealdiff.parse_text(old_text), dealdiff.parse_text(new_text)
    result = dealdiff.diff(old, new)

    def end_to_end() -> object:
        return dealdiff.diff(dealdiff.parse_text(old_text), dealdiff.parse_text(new_text))

    words_old, words_new = old_text.split(), new_text.split()

    def difflib_words() -> object:
        matcher = difflib.SequenceMatcher(None, words_old, words_new, autojunk=False)
        return matcher.get_opcodes()

    rows: list[tuple[str, float]] = [
        ("dealdiff: parse both + diff", timed(end_to_end, args.repeat)),
        ("dealdiff: diff only (parsed)", timed(lambda: dealdiff.diff(old, new), args.repeat)),
        ("difflib word redline", timed(difflib_words, args.repeat)),
    ]
    try:
        from redlines import Redlines
    except ImportError:
        print("redlines not installed: pip install '.[bench]' (difflib baseline only)")
    else:
        rows.append(
            (
                "redlines word redline",
                timed(lambda: Redlines(old_text, new_text).output_markdown, args.repeat),
            )
        )

    print(
        f"machine: {platform.machine()} {platform.processor() or ''} ".strip()
        + f", {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.system()}"
    )
    print(
        "input: the six seeds repeated"
        f" -> old {len(old_text.encode()):,} B, new {len(new_text.encode()):,} B, {edits} edits;"
        f" {len(old.terms)} / {len(new.terms)} terms; {len(result.changes)} changes found"
    )
    print(f"median of {args.repeat} runs each")
    base = {name: t for name, t in rows}
    for name, seconds in rows:
        print(f"  {name:<32} {seconds * 1000:10.1f} ms")
    for baseline in ("redlines word redline", "difflib word redline"):
        if baseline in base:
            for name in ("dealdiff: parse both + diff", "dealdiff: diff only (parsed)"):
                ratio = base[baseline] / base[name]
                print(f"  {baseline} / {name}: {ratio:.2f}x")


if __name__ == "__main__":
    main()
