"""Benchmark: value phrases (money, percentages, dates, periods) against Lark's floor.

Usage: python bench/bench_values.py

Times find_values on a sentence without values against the cheapest regex scan, and the
parse of every case phrase in tests/data/values against a three-token Lark parse, in the
same run (best of many short repeats).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from test_values import bench_values  # noqa: E402

if __name__ == "__main__":
    bench_values()
