"""Field accuracy on CUAD development paragraphs labelled by hand for this project.

Usage: python bench/field_accuracy.py [DATA_DIR] [--wrong]

tests/data/fields/labels.jsonl holds, for each paragraph, the contract name, its offsets
and the expected type and fields (status, holder / grantor, payer / payee, committer /
provider, kind, rate, amount, currency): no contract text. Rows marked ``"sample": "random"``
were drawn at random (seeded) from the gold positive paragraphs, so that the sample is not
only the paragraphs the rules were written against. The contracts are read from
DATA_DIR (default ../shared/data/cuad-dev) at run time. For each paragraph where a positive
term of the expected type overlaps it (the type is right), every expected field is compared
with the first such term; the figure is the share of fields that are right.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

from dealdiff.agreement import parse_agreement
from dealdiff.evaluate import scored_type

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "tests" / "data" / "fields" / "labels.jsonl"


def same(got: object, want: str) -> bool:
    value = getattr(got, "value", got)
    if value is None:
        return False
    if isinstance(value, Decimal):
        return value == Decimal(want)
    return str(value).strip().lower() == want.strip().lower()


def main(argv: list[str]) -> int:
    positional = [a for a in argv if not a.startswith("--")]
    data = Path(positional[0]) if positional else ROOT.parent / "shared" / "data" / "cuad-dev"
    rows = [json.loads(line) for line in LABELS.read_text("utf-8").splitlines() if line]
    cache: dict[str, object] = {}
    right, total, typed = Counter[str](), Counter[str](), 0
    wrong: list[str] = []
    for row in rows:
        name = row["contract"]
        if name not in cache:
            text = (data / "contracts" / f"{name}.txt").read_text("utf-8")
            cache[name] = parse_agreement(text, source=name)
        agreement = cache[name]
        terms = [
            t
            for t in agreement.terms  # type: ignore[attr-defined]
            if not t.negative
            and scored_type(t.type.value) == row["type"]
            and any(s.start < row["end"] and s.end > row["start"] for s in t.pieces)
        ]
        if not terms:
            continue
        typed += 1
        term = terms[0]
        for field, want in row["expected"].items():
            total[field] += 1
            if same(getattr(term, field, None), want):
                right[field] += 1
            else:
                wrong.append(
                    f"{name}:{row['start']} {row['type']}.{field}: "
                    f"want {want!r}, got {getattr(term, field, None)!r}"
                )
    print(f"{len(rows)} labelled paragraphs, {typed} with the type right")
    for field in sorted(total):
        share = right[field] / total[field]
        print(f"  {field:10s} {right[field]:3d} / {total[field]:3d}  {share:.0%}")
    all_right, all_total = sum(right.values()), sum(total.values())
    print(f"field accuracy: {all_right} / {all_total} = {all_right / max(all_total, 1):.1%}")
    if "--wrong" in argv:
        print("\n".join(wrong))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
