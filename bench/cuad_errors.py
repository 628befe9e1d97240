"""Where the rules go wrong on the CUAD development contracts, split by filing company.

Usage: python bench/cuad_errors.py [DATA_DIR] [--type T] [--fp] [--fn] [--half A|B]
                                   [--rules DIR] [--width N] [--no-errors] [--by-rule]

Reads DATA_DIR (default ../shared/data/cuad-dev) at run time only: nothing of it is
copied into the repository. The contracts are split into two halves by filing company
(the "group" of answers.jsonl, hashed), so that rules tuned on half A can be checked on
half B, which stands in for held-out contracts from other companies. Prints the score
table for all contracts and for each half, then the false positives and false negatives
with the rule that made the wrong term, or what the rules made of a missed paragraph.
"""

from __future__ import annotations

import json
import sys
import zlib
from pathlib import Path

from dealdiff.evaluate import evaluate, load_labels, render_errors, render_report, render_rules
from dealdiff.ruleset import RuleSet, default_rules, load_rules

DEFAULT = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "cuad-dev"


def half_of(group: str) -> str:
    """A or B, stable across runs and machines."""
    return "A" if zlib.crc32(group.encode("utf-8")) % 2 == 0 else "B"


def halves(data: Path) -> dict[str, str]:
    """Contract path -> half, from answers.jsonl's filing-company groups."""
    out: dict[str, str] = {}
    with open(data / "answers.jsonl", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            out[str(data / "contracts" / f"{row['contract']}.txt")] = half_of(row["group"])
    return out


def _resolve(paths: tuple[str, ...]) -> RuleSet:
    """The rules of ``paths``, or the package's; module-level so workers can call it."""
    return load_rules(list(paths)) if paths else default_rules()


def option(argv: list[str], name: str) -> str | None:
    return argv[argv.index(name) + 1] if name in argv else None


def main(argv: list[str]) -> int:
    positional = [
        a
        for i, a in enumerate(argv)
        if not a.startswith("--")
        and (i == 0 or argv[i - 1] not in ("--type", "--half", "--rules", "--width"))
    ]
    data = Path(positional[0]) if positional else DEFAULT
    rules_dir = option(argv, "--rules")
    rules_paths = (rules_dir,) if rules_dir else ()
    rules = _resolve(rules_paths)
    labels = load_labels(data / "labels.jsonl")
    side = halves(data)
    labels = labels.subset(lambda c: c in side)
    report = evaluate(labels, rules, jobs=0, rules_paths=rules_paths, resolve=_resolve)
    print("all contracts")
    print(render_report(report), end="")
    for h in ("A", "B"):
        part = report.restrict(lambda c, h=h: side.get(c) == h)
        print(f"half {h} (tune on A, check on B)")
        print(render_report(part).rsplit("\n", 2)[0])
    only_type, only_half = option(argv, "--type"), option(argv, "--half")
    if "--by-rule" in argv:
        print(f"rules on half {only_half or 'A and B'}")
        print(
            render_rules(report.restrict(lambda c: only_half is None or side.get(c) == only_half)),
            end="",
        )
    if "--no-errors" in argv:
        return 0
    kinds = {k for k in ("fp", "fn") if f"--{k}" in argv} or {"fp", "fn"}
    chosen = report.restrict(lambda c: only_half is None or side.get(c) == only_half)
    misses = tuple(
        m for m in chosen.misses if m.kind in kinds and (only_type is None or m.type == only_type)
    )
    width = int(option(argv, "--width") or 400)
    text = render_errors(
        type(report)(report.paragraph, report.contract, misses, 0, 0, 0.0), width=width
    )
    print(text.replace(str(data / "contracts") + "/", ""), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
