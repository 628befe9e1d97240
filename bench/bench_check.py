"""Benchmark: ``dealdiff check`` over a folder of 1,000 generated term files.

Run from the repository root::

    python bench/bench_check.py            # 1,000 files, 3 runs
    python bench/bench_check.py --files 5000 --runs 1

Each generated file declares an agreement, a date, two parties and five terms (one of each
type); one file in ten has mistakes (a rate over 100%, an unknown currency, an undeclared
party), so the run exercises the finding paths too. The target is under 5 s for the whole
command, process start-up included. Baselines measured in the same run: reading the files
and parsing them with the Lark grammar alone (the floor for any checker built on it), and
``python -c "import dealdiff"`` (process start-up).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

__all__ = ["generate", "main"]

_CURRENCIES = ["USD", "EUR", "GBP", "JPY", "CHF"]
_TERRITORIES = ["United States", "Canada", "Mexico", "Germany", "Japan", "worldwide"]


def _file(rng: random.Random, index: int, broken: bool) -> str:
    a, b = f"Party{index}A", f"Party{index}B"
    currency = "XXQ" if broken else rng.choice(_CURRENCIES)
    rate = rng.choice(["12.5", "20", "7", "30"]) if not broken else "140"
    payee = "Stranger" if broken else a
    territory = ", ".join(f'"{t}"' for t in rng.sample(_TERRITORIES, 2))
    kind = rng.choice(["rofr", "rofn", "option"])
    return f"""# Generated agreement {index}
agreement "Generated Agreement {index}"
date 2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}
party {a} = "{a} Holdings Inc."
party {b} = "{b} Trading Ltd"

exclusivity {{
  status    {rng.choice(["exclusive", "non_exclusive"])}
  holder    {b}
  grantor   {a}
  subject   "the Products"
  territory [{territory}]
  section   "2.1"
}}

revenue_share {{
  status    active
  payer     {b}
  payee     {payee}
  rate      {rate}%
  base      "Net Sales"
  end       2030-12-31
}}

priority_access {{ status granted  kind {kind}  holder {b}  grantor {a}  subject "New Products" }}

cloud_commitment {{
  status    committed
  committer {b}
  provider  {a}
  amount    {currency} {rng.randint(1, 900) * 1_000_000}
  period    P{rng.randint(1, 8)}Y
}}

minimum_commitment {{
  status    committed
  committer {b}
  provider  {a}
  quantity  {rng.randint(1, 100) * 100}
  unit      "units"
  period    P3M
}}
"""


def generate(folder: Path, count: int, *, seed: int = 1) -> None:
    """Write ``count`` term files into ``folder`` (one in ten with findings)."""
    rng = random.Random(seed)
    for index in range(count):
        (folder / f"agreement-{index:05d}.terms").write_text(
            _file(rng, index, broken=index % 10 == 0), encoding="utf-8"
        )


def _time(fn: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def _dealdiff() -> list[str]:
    exe = shutil.which("dealdiff")
    return [exe] if exe else [sys.executable, "-m", "dealdiff"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)

    from dealdiff.check import check
    from dealdiff.termfile import _parser

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        generate(folder, args.files)
        size = sum(p.stat().st_size for p in folder.iterdir())
        command = [*_dealdiff(), "check", str(folder), "--no-config", "--format", "json"]

        def cli() -> None:
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            if done.returncode not in (0, 1):
                raise SystemExit(done.stderr)

        def startup() -> None:
            subprocess.run([sys.executable, "-c", "import dealdiff"], check=True)

        def parse_only() -> None:
            lark = _parser()
            for path in sorted(folder.iterdir()):
                lark.parse(path.read_text("utf-8"))

        result = check([folder], config=False)
        cli_times = _time(cli, args.runs)
        lib_times = _time(lambda: check([folder], config=False), args.runs)
        parse_times = _time(parse_only, args.runs)
        start_times = _time(startup, args.runs)

    best = min(cli_times)
    print(
        f"machine: {platform.platform()}, {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    print(
        f"input:   {args.files} term files, {size / 1024:.0f} KiB, "
        f"{len(result.findings)} findings ({result.summary()})"
    )
    print(f"command: {' '.join(command[:-5])} check DIR --no-config --format json")
    rows = [
        ("dealdiff check (CLI, whole process)", cli_times),
        ("dealdiff.check() in process", lib_times),
        ("baseline: read + Lark parse only", parse_times),
        ("baseline: python -c 'import dealdiff'", start_times),
    ]
    for name, times in rows:
        print(f"  {name:40s} best {min(times):6.3f} s  median {statistics.median(times):6.3f} s")
    print(
        f"ratio check()/parse-only: {min(lib_times) / min(parse_times):.2f}x; "
        f"per file: {min(lib_times) / args.files * 1000:.2f} ms"
    )
    target = 5.0
    print(f"target < {target:.0f} s: {'met' if best < target else 'MISSED'} ({best:.2f} s)")
    return 0 if best < target else 1


if __name__ == "__main__":
    raise SystemExit(main())
