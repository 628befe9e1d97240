"""Accuracy regression gate: fail when a type's paragraph F1 drops below the record.

Usage: python bench/accuracy_gate.py DATA_DIR [--update]

Runs ../shared/tools/cuad_score.py (beside DATA_DIR's parent) on DATA_DIR with
``dealdiff parse --format jsonl`` and compares each type's paragraph-level F1 with
bench/accuracy.json. A drop of more than 0.02 fails; ``--update`` records the new figures.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

TOLERANCE = 0.02
RECORD = Path(__file__).with_name("accuracy.json")


def main(argv: list[str]) -> int:
    if not argv or argv[0].startswith("--"):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    data = Path(argv[0]).resolve()
    scorer = data.parent.parent / "tools" / "cuad_score.py"
    cmd = [
        sys.executable,
        str(scorer),
        str(data),
        "--json",
        "--",
        sys.executable,
        "-m",
        "dealdiff",
        "parse",
        "--format",
        "jsonl",
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    print(proc.stdout, end="")
    if proc.returncode != 0:
        print(proc.stderr[-3000:], file=sys.stderr)
        print(f"accuracy gate: scorer failed with exit {proc.returncode}")
        return 1
    report = next(json.loads(x) for x in proc.stdout.splitlines() if x.startswith("{"))
    if report.get("missing"):
        print(f"accuracy gate: {report['missing']} contracts had no output")
        return 1
    if "--update" in argv:
        RECORD.write_text(
            json.dumps(
                {
                    "paragraph": report["paragraph"],
                    "contract": report["contract"],
                    "mb_per_s": report["mb_per_s"],
                },
                indent=2,
            )
            + "\n"
        )
        print(f"accuracy gate: recorded figures in {RECORD}")
        return 0
    record = json.loads(RECORD.read_text())
    failed = False
    for typ, (_, _, f1) in report["paragraph"].items():
        floor = record["paragraph"][typ][2] - TOLERANCE
        flag = "ok" if f1 >= floor else "DROPPED"
        failed |= f1 < floor
        print(
            f"accuracy gate: {typ:20s} paragraph F1 {f1:.3f} (recorded "
            f"{record['paragraph'][typ][2]:.3f}, floor {floor:.3f}) {flag}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
