"""Character spans into a source text, with 1-based line and column."""

from __future__ import annotations

import bisect
import itertools

import attrs

__all__ = ["Span", "LineIndex"]


@attrs.frozen(kw_only=True)
class Span:
    """``text[start:end]`` of the source, starting at ``line``:``column`` (1-based)."""

    start: int
    end: int
    line: int = 1
    column: int = 1

    def to_dict(self) -> dict[str, int]:
        return {"start": self.start, "end": self.end, "line": self.line, "column": self.column}

    @classmethod
    def from_dict(cls, data: dict[str, int]) -> Span:
        return cls(
            start=int(data["start"]),
            end=int(data["end"]),
            line=int(data.get("line", 1)),
            column=int(data.get("column", 1)),
        )


class LineIndex:
    """Maps character offsets of one text to 1-based (line, column), in O(log lines).

    >>> LineIndex("ab\\ncd").position(4)
    (2, 2)
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._starts: list[int] | None = None  # built on first use: most texts need few

    def position(self, offset: int) -> tuple[int, int]:
        starts = self._starts
        if starts is None:
            starts = self._starts = [
                0,
                *itertools.accumulate(len(line) + 1 for line in self._text.split("\n")),
            ][:-1]
        line = bisect.bisect_right(starts, offset)
        return line, offset - starts[line - 1] + 1

    def span(self, start: int, end: int) -> Span:
        line, column = self.position(start)
        return Span(start=start, end=end, line=line, column=column)
