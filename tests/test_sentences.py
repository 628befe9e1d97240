"""One-sentence clauses in many drafting styles, one file per theme in tests/data/sentences/.

Each line is ``EXPECT | sentence``. ``EXPECT`` is a comma-separated list of ``type:status``
(a term of that type and status must be found; ``cloud_commitment`` counts as
``minimum_commitment``) or ``-type`` (no term of that type whose status claims it applies:
non-exclusive, ceased, revoked and released terms are allowed). A line marked ``? `` is a
known gap: the parser does not read it as stated yet, and the test fails once it does, so
that the mark is removed. Every sentence is parsed as clause 4.1 of an agreement between
Alder Co. ("Supplier") and Birch Inc. ("Customer"), or of the preamble a file names on a
line ``#! preamble: ...``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import dealdiff
from dealdiff.model import NEGATIVE_STATUSES

FOLDER = Path(__file__).parent / "data" / "sentences"
PREAMBLE = 'This Agreement is made between Alder Co. ("Supplier") and Birch Inc. ("Customer").\n\n'


def _cases() -> list[tuple[str, bool, str, str, str]]:
    out = []
    for path in sorted(FOLDER.glob("*.txt")):
        preamble = PREAMBLE
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if line.startswith("#! preamble: "):
                preamble = line.removeprefix("#! preamble: ").strip() + "\n\n"
                continue
            if not line.strip() or line.startswith("#"):
                continue
            gap = line.startswith("? ")
            expect, sentence = line.removeprefix("? ").split(" | ", 1)
            out.append((f"{path.stem}:{number}", gap, expect, sentence, preamble))
    return out


CASES = _cases()


def _holds(expect: str, sentence: str, preamble: str) -> bool:
    terms = dealdiff.parse_text(f"{preamble}4.1 {sentence}\n").terms
    found = {
        (t.type.value.replace("cloud_commitment", "minimum_commitment"), str(t.status))
        for t in terms
    }
    for want in (w.strip() for w in expect.split(",")):
        if want.startswith("-"):
            if any(ty == want[1:] and st not in NEGATIVE_STATUSES for ty, st in found):
                return False
        elif tuple(want.split(":")) not in found:
            return False
    return True


def test_the_sentence_files_are_many_and_mostly_read() -> None:
    gaps = sum(case[1] for case in CASES)
    assert len(CASES) >= 300
    assert gaps <= len(CASES) // 10, f"{gaps} known gaps of {len(CASES)}"


@pytest.mark.parametrize(
    ("where", "gap", "expect", "sentence", "preamble"), CASES, ids=[c[0] for c in CASES]
)
def test_sentence(where: str, gap: bool, expect: str, sentence: str, preamble: str) -> None:
    holds = _holds(expect, sentence, preamble)
    if gap:
        assert not holds, f"{where} is now read as stated: remove its '? ' mark"
    else:
        assert holds, f"{where}: expected {expect}"
