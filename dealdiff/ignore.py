"""Ignore files: suppress findings by fingerprint, each with a reason and an optional expiry.

One entry a line; ``#`` starts a comment line::

    # fingerprint       expires     reason
    3f2a9c1d7e4b5a60    2026-12-31  Legal approved the 25% rate until renegotiation (LEGAL-142)
    77aa01bc9d3e2f10                Reseller exclusivity is intended (board minute 2026-03)

An entry past its expiry date no longer suppresses anything and is itself reported, so a
temporary exception cannot quietly become permanent.

>>> entries, problems = parse_ignore("3f2a9c1d7e4b5a60 2026-12-31 approved by legal\\n", "x")
>>> entries[0].reason, entries[0].expires, problems
('approved by legal', datetime.date(2026, 12, 31), [])
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import attrs

from .errors import source_lines
from .source import read_source

__all__ = ["IgnoreEntry", "IgnoreProblem", "parse_ignore", "load_ignore", "DEFAULT_IGNORE_FILE"]

#: Looked for in the working directory when no --ignore is given.
DEFAULT_IGNORE_FILE = ".dealdiffignore"

_FINGERPRINT = re.compile(r"[0-9a-f]{16}\Z")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


@attrs.frozen(kw_only=True)
class IgnoreEntry:
    """One suppression: which finding, why, until when, and where it is written."""

    fingerprint: str
    reason: str
    expires: dt.date | None
    file: str
    line: int

    def expired(self, today: dt.date) -> bool:
        """True from the day after ``expires``: an entry is good through its expiry date."""
        return self.expires is not None and today > self.expires


@attrs.frozen(kw_only=True)
class IgnoreProblem:
    """A line of the ignore file that cannot be used."""

    message: str
    file: str
    line: int
    column: int


def parse_ignore(text: str, source: str) -> tuple[list[IgnoreEntry], list[IgnoreProblem]]:
    """Entries of an ignore file, and the lines that could not be read."""
    entries: list[IgnoreEntry] = []
    problems: list[IgnoreProblem] = []
    for number, line in enumerate(source_lines(text), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        column = len(line) - len(line.lstrip()) + 1
        parts = stripped.split(None, 2)
        fingerprint = parts[0].lower()
        if not _FINGERPRINT.match(fingerprint):
            problems.append(
                IgnoreProblem(
                    message=f"'{parts[0]}' is not a fingerprint (16 hex digits, as shown by "
                    "dealdiff check)",
                    file=source,
                    line=number,
                    column=column,
                )
            )
            continue
        rest = parts[1:]
        expires: dt.date | None = None
        if rest and _DATE.match(rest[0]):
            try:
                expires = dt.date.fromisoformat(rest[0])
            except ValueError:
                problems.append(
                    IgnoreProblem(
                        message=f"{rest[0]} is not a calendar date",
                        file=source,
                        line=number,
                        column=line.index(rest[0]) + 1,
                    )
                )
                continue
            rest = rest[1:]
        reason = " ".join(rest).strip()
        if not reason:
            problems.append(
                IgnoreProblem(
                    message="an ignore entry needs a reason after the fingerprint (and date)",
                    file=source,
                    line=number,
                    column=len(line.rstrip()) + 1,
                )
            )
            continue
        entries.append(
            IgnoreEntry(
                fingerprint=fingerprint, reason=reason, expires=expires, file=source, line=number
            )
        )
    return entries, problems


def load_ignore(
    path: str | os.PathLike[str] | None,
) -> tuple[list[IgnoreEntry], list[IgnoreProblem]]:
    """Read ``path``, or ``.dealdiffignore`` in the working directory if there is one.

    A named file that does not exist is an error; a missing default file is not.
    """
    if path is None:
        if not Path(DEFAULT_IGNORE_FILE).is_file():
            return [], []
        path = DEFAULT_IGNORE_FILE
    name, text = read_source(path)
    return parse_ignore(text, name)
