"""How the diff behaves on real contracts: edits that change nothing, and edits that change a term.

Usage: python bench/diff_real.py [DATA_DIR] [--limit N]

DATA_DIR defaults to ../shared/data/cuad-dev (its contracts/ folder is read at run time;
nothing of it is copied into the repository). For every contract it makes edited copies
and diffs each against the original:

* no-op edits, which must report nothing: section numbers shifted by one ("3.2" -> "4.2",
  at the start of a line and where the text cites them, "Section 3.2" -> "Section 4.2"),
  runs of spaces collapsed, one paragraph moved elsewhere, every "shall" made "will",
  straight quotes made curly, every page number on a line of its own ("7", "- 7 -",
  "Page 7") made one higher, as when a page is added before it;
* term edits, made inside the evidence of one term found in the original, which must be
  reported on that term's type: "exclusive" -> "non-exclusive" in an exclusive term
  (expected: a status change), the first percentage of a revenue share with a rate raised
  by 3 (a rate change), the first dollar amount of a commitment with an amount made larger
  (an amount change), and the whole evidence of a positive term deleted (expected: the term
  removed, as a term or, when another clause still states it, as a restatement; it stays
  unreported when a fuller term of the same type remains, as a mere reference would, or
  when another sentence of the same clause states it with the same fields).

Prints, per edit, how many were reported as the expected field change, as a term added or
removed instead, or not at all; and for no-op edits, on how many contracts anything was
reported. Exit status 1 when a no-op edit reported a change.
"""

from __future__ import annotations

import random
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import dealdiff
from dealdiff.diff import diff
from dealdiff.model import Agreement, Term

DEFAULT = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "cuad-dev"

_SECTION = re.compile(
    r"(?m)(^\s*|\b(?:Sections?|Articles?|Clauses?)\s+)(\d{1,2})\.(\d{1,2})\b", re.I
)
_SPACES = re.compile(r"[ \t]{2,}")
_PAGE_LINE = re.compile(r"(?m)^([^\S\n]*(?:-[^\S\n]*|Page[^\S\n]+)?)(\d{1,3})([^\S\n]*-?[^\S\n]*)$")
_SHALL = re.compile(r"\bshall\b")
_QUOTED = re.compile(r'"([^"\n]{0,80})"')
_EXCLUSIVE = re.compile(r"\bexclusive\b")
_NON_EXCLUSIVE = re.compile(r"non-?\s*exclusive", re.I)
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*(?:%|percent)")
_DOLLARS = re.compile(r"\$\s?(\d[\d,]*)")


def renumber(text: str, rnd: random.Random) -> str:
    return _SECTION.sub(lambda m: f"{m[1]}{int(m[2]) + 1}.{m[3]}", text)


def collapse_spaces(text: str, rnd: random.Random) -> str:
    return _SPACES.sub(" ", text)


def shift_pages(text: str, rnd: random.Random) -> str:
    return _PAGE_LINE.sub(lambda m: f"{m[1]}{int(m[2]) + 1}{m[3]}", text)


def move_paragraph(text: str, rnd: random.Random) -> str:
    paragraphs = text.split("\n\n")
    if len(paragraphs) < 4:
        return text
    moved = paragraphs.pop(rnd.randrange(1, len(paragraphs)))
    paragraphs.insert(rnd.randrange(1, len(paragraphs)), moved)
    return "\n\n".join(paragraphs)


def shall_to_will(text: str, rnd: random.Random) -> str:
    return _SHALL.sub("will", text)


def curly_quotes(text: str, rnd: random.Random) -> str:
    return _QUOTED.sub("\u201c\\1\u201d", text)


NO_OP: dict[str, Callable[[str, random.Random], str]] = {
    "renumber sections": renumber,
    "collapse spaces": collapse_spaces,
    "page numbers shifted": shift_pages,
    "move a paragraph": move_paragraph,
    '"shall" -> "will"': shall_to_will,
    "straight -> curly quotes": curly_quotes,
}


def term_edits(term: Term, evidence: str) -> list[tuple[str, str, str]]:
    """``(edit name, edited evidence, field expected to change)`` for one term."""
    out: list[tuple[str, str, str]] = []
    kind = term.type.value
    if kind == "exclusivity" and str(term.status) == "exclusive":
        m = _EXCLUSIVE.search(evidence)
        if m and not _NON_EXCLUSIVE.search(evidence):
            edited = evidence[: m.start()] + "non-exclusive" + evidence[m.end() :]
            out.append(("exclusive -> non-exclusive", edited, "status"))
    if kind == "revenue_share" and getattr(term, "rate", None) is not None:
        m = _PERCENT.search(evidence)
        if m:
            raised = str(int(float(m[1])) + 3)
            out.append(
                (
                    "revenue rate raised",
                    evidence[: m.start(1)] + raised + evidence[m.end(1) :],
                    "rate",
                )
            )
    if kind in ("minimum_commitment", "cloud_commitment") and getattr(term, "amount", None):
        m = _DOLLARS.search(evidence)
        if m:
            larger = "9" + m[1]
            out.append(
                (
                    "commitment amount raised",
                    evidence[: m.start(1)] + larger + evidence[m.end(1) :],
                    "amount",
                )
            )
    if not term.negative:
        out.append(("clause deleted", "", "-"))
    return out


def main(argv: list[str]) -> int:
    positional = [
        a
        for i, a in enumerate(argv)
        if not a.startswith("--") and (i == 0 or argv[i - 1] != "--limit")
    ]
    data = Path(positional[0]) if positional else DEFAULT
    folder = data / "contracts" if (data / "contracts").is_dir() else data
    files = sorted(folder.glob("*.txt"))
    if "--limit" in argv:
        files = files[: int(argv[argv.index("--limit") + 1])]
    if not files:
        print(
            f"usage: python bench/diff_real.py [DATA_DIR] [--limit N]  (no contracts in {folder})"
        )
        return 2
    rnd = random.Random(7)
    noop_edited: Counter[str] = Counter()
    noop_reported: Counter[str] = Counter()
    outcome: Counter[tuple[str, str]] = Counter()
    started = time.process_time()
    for path in files:
        text = path.read_text("utf-8")
        original: Agreement = dealdiff.parse_text(text, source=path.name)
        for name, edit in NO_OP.items():
            edited = edit(text, rnd)
            if edited == text:
                continue
            noop_edited[name] += 1
            if diff(original, dealdiff.parse_text(edited, source=path.name)).changes:
                noop_reported[name] += 1
        for term in original.terms:
            if term.span is None:
                continue
            start, end = term.pieces[0].start, term.pieces[-1].end  # page numbers and all
            for name, evidence, field in term_edits(term, text[start:end]):
                edited = text[:start] + evidence + text[end:]
                changes = diff(original, dealdiff.parse_text(edited, source=path.name)).changes
                mine = [c for c in changes if c.type == term.type.value]
                if any(c.field == field for c in mine):
                    outcome[(name, "field change")] += 1
                elif mine:
                    outcome[(name, "added/removed")] += 1
                else:
                    outcome[(name, "not reported")] += 1
    seconds = time.process_time() - started
    print(f"{len(files)} contracts from {folder}")
    print(f"{'no-op edit':28s} {'contracts edited':>16s} {'with a change reported':>24s}")
    for name in NO_OP:
        print(f"{name:28s} {noop_edited[name]:16d} {noop_reported[name]:24d}")
    print(f"{'term edit':28s} {'field change':>14s} {'added/removed':>14s} {'not reported':>14s}")
    for name in (
        "exclusive -> non-exclusive",
        "revenue rate raised",
        "commitment amount raised",
        "clause deleted",
    ):
        row = [outcome[(name, k)] for k in ("field change", "added/removed", "not reported")]
        print(f"{name:28s} {row[0]:14d} {row[1]:14d} {row[2]:14d}")
    print(f"{seconds:.1f} s CPU")
    return 1 if sum(noop_reported.values()) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
