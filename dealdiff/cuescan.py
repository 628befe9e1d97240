"""The whole-text cue scan: where in a text any term type's cue words occur.

A single alternation of all cues runs at a few MB/s in Python's ``re``: at every
position it tries every branch. Instead each cue is anchored on its longest literal run
(``royalt``, ``refusal``, ``least``), found with ``str.find`` at memory speed, and the
full cue is then matched in a small window around each hit. The text is lower-cased
once; cues are written in lower case.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from re import _parser as sre_parse  # the regex parser, public as sre_parse until 3.11
from typing import Generic, TypeVar

__all__ = ["CueScanner", "anchor_of"]

T = TypeVar("T")

#: How far before its anchor a cue's match may start (and after it, end).
WINDOW = 80
_LEADING_B = re.compile(r"^\\b")
_RARE = frozenset("%*$§#[]")


def anchor_of(pattern: str) -> str:
    """The rarest literal run at the top level of ``pattern`` ('' when there is none):
    the longest, where a symbol counts as three letters.

    >>> anchor_of(r"at\\s+least\\b")
    'least'
    """
    try:
        parsed = sre_parse.parse(pattern)
    except re.error:
        return ""
    best = run = ""
    for op, arg in parsed:
        if str(op) == "LITERAL":
            run += chr(arg)
            if _rarity(run) > _rarity(best):
                best = run
        else:
            run = ""
    return best


def _rarity(run: str) -> int:
    """How few places ``str.find`` will stop at for ``run``: its length, and a symbol such
    as ``%`` or ``*`` counts as three letters (rare in prose, unlike a short word)."""
    return len(run) + 2 * sum(1 for ch in run if ch in _RARE)


class CueScanner(Generic[T]):
    """Finds every cue hit in a lower-cased text, tagged with the cue's ``T`` (its type)."""

    def __init__(self, cues: Sequence[tuple[str, T]]) -> None:
        self.anchored: list[tuple[str, re.Pattern[str], bool, T]] = []
        loose: list[str] = []
        #: Cues with no literal to anchor on, matched by one regex over the whole text.
        self.unanchored: list[str] = []
        self.loose_tags: list[tuple[re.Pattern[str], bool, T]] = []
        for cue, tag in cues:
            bounded = cue.startswith("\\b")
            body = _LEADING_B.sub("", cue)
            anchor = anchor_of(body)
            if _rarity(anchor) >= 3:
                self.anchored.append((anchor, re.compile(body), bounded, tag))
            else:
                loose.append(body)
                self.unanchored.append(cue)
                self.loose_tags.append((re.compile(body), bounded, tag))
        self.loose = re.compile("|".join(loose)) if loose else None

    def hits(self, lowered: str) -> list[tuple[int, T]]:
        """``(start, tag)`` of every cue match, by start."""
        found: set[tuple[int, int]] = set()
        tags: list[T] = []
        out: list[tuple[int, T]] = []
        for index, (anchor, regex, bounded, tag) in enumerate(self.anchored):
            tags.append(tag)
            find = lowered.find
            at = find(anchor)
            size = len(anchor)
            last_end = -1
            while at != -1:
                if at >= last_end:
                    lo = max(0, at - WINDOW)
                    for m in regex.finditer(lowered, lo, at + size + WINDOW):
                        if m.start() <= at < m.end() and not (
                            bounded and m.start() > 0 and lowered[m.start() - 1].isalnum()
                        ):
                            if (m.start(), index) not in found:
                                found.add((m.start(), index))
                                out.append((m.start(), tag))
                            last_end = m.end()
                            break
                at = find(anchor, at + 1)
        if self.loose is not None:
            for m in self.loose.finditer(lowered):
                for regex, bounded, tag in self.loose_tags:
                    if regex.match(lowered, m.start()) and not (
                        bounded and m.start() > 0 and lowered[m.start() - 1].isalnum()
                    ):
                        out.append((m.start(), tag))
        out.sort(key=lambda hit: hit[0])
        return out
