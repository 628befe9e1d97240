"""The hard cases of the rule language, one file each in tests/data/hard-cases/.

A case is a short agreement written for this project. Its ``#!`` header lines state what
the parser must find: ``#! TYPE STATUS field=value ...`` (a term of that type and status
whose fields have those values; a list is written comma-separated), or
``#! absent TYPE STATUS`` (no such term at all).
The header lines are blanked before parsing, so offsets stay those of the file.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import dealdiff

CASES = sorted((Path(__file__).parent / "data" / "hard-cases").glob("*.txt"))


def _expectations(text: str) -> list[list[str]]:
    return [line[2:].split() for line in text.splitlines() if line.startswith("#!")]


def _same(got: Any, want: str) -> bool:
    value = getattr(got, "value", got)
    if isinstance(value, Decimal):
        return value == Decimal(want)
    if isinstance(value, tuple):  # territory=Canada,Mexico
        return ",".join(map(str, value)) == want
    return str(value) == want


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_hard_case(path: Path) -> None:
    raw = path.read_text("utf-8")
    text = re.sub(r"(?m)^#!.*$", lambda m: " " * len(m.group()), raw)
    terms = dealdiff.parse_text(text).terms
    found = [(t.type.value, str(t.status), t) for t in terms]
    expectations = _expectations(raw)
    assert expectations, f"{path.name} states no expectation"
    for words in expectations:
        if words[0] == "absent":
            ttype, status = words[1], words[2]
            assert not any(ty == ttype and st == status for ty, st, _ in found), found
            continue
        ttype, status, *fields = words
        wanted = dict(f.split("=", 1) for f in fields)
        matches = [t for ty, st, t in found if ty == ttype and st == status]
        assert matches, f"no {ttype} {status} term in {path.name}: {found}"
        assert any(all(_same(getattr(t, k), v) for k, v in wanted.items()) for t in matches), [
            {k: getattr(t, k) for k in wanted} for t in matches
        ]
