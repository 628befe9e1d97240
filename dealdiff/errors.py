"""Exceptions and exit codes shared by the library and every command.

Library code raises these; only the CLI turns them into messages and exit codes.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "EXIT_OK",
    "EXIT_FOUND",
    "EXIT_ERROR",
    "DealdiffError",
    "UsageError",
    "InputError",
    "SourceError",
    "RulesError",
    "caret_context",
]

#: Success; for ``diff`` and ``check``: nothing found.
EXIT_OK = 0
#: ``diff`` found term changes, ``check`` found findings at or above ``--fail-on``.
EXIT_FOUND = 1
#: Usage error or unreadable input.
EXIT_ERROR = 2


def source_lines(text: str) -> list[str]:
    """Split ``text`` into the lines that error positions count: only ``\\n`` ends a line.

    ``str.splitlines`` also breaks at form feeds, U+2028 and other separators, which
    parsers and JSON do not count, so line numbers would point at the wrong text.

    >>> source_lines("a\\r\\nb\\u2028c\\n")
    ['a', 'b\\u2028c']
    """
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def caret_context(text: str, line: int, column: int, width: int = 1) -> str:
    """Return the 1-based ``line`` of ``text`` with a caret under ``column``.

    >>> print(caret_context("a = 1\\nb = ?\\n", 2, 5))
    b = ?
        ^
    """
    lines = source_lines(text)
    if not 1 <= line <= len(lines):
        return ""
    src = lines[line - 1]
    # Long lines are cut around the column so the caret stays readable.
    start = 0
    if len(src) > 120:
        start = max(0, column - 60)
        src = src[start : start + 120]
    pad = "".join("\t" if ch == "\t" else " " for ch in src[: max(0, column - 1 - start)])
    return f"{src}\n{pad}{'^' * max(1, width)}"


class DealdiffError(Exception):
    """Base of every error dealdiff raises on purpose."""

    exit_code = EXIT_ERROR

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def render(self) -> str:
        """The message as the CLI prints it (may span several lines)."""
        return self.message


class UsageError(DealdiffError):
    """The call itself is wrong: an unknown format, incompatible options."""


class InputError(DealdiffError):
    """A problem in a user's file, located by file, line and column.

    ``context`` is the offending line with a caret under the column, when known.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str,
        line: int | None = None,
        column: int | None = None,
        context: str = "",
    ) -> None:
        super().__init__(message)
        self.file = file
        self.line = line
        self.column = column
        self.context = context

    @property
    def location(self) -> str:
        loc = self.file
        if self.line is not None:
            loc += f":{self.line}"
            if self.column is not None:
                loc += f":{self.column}"
        return loc

    def render(self) -> str:
        head = f"{self.location}: error: {self.message}"
        return f"{head}\n{self.context}" if self.context else head

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled when a worker process reports it (``--jobs``); the default rebuilds an
        # exception from its ``args`` alone, which lack the keyword fields.
        return (
            _input_error,
            (type(self), self.message, self.file, self.line, self.column, self.context),
        )


def _input_error(
    cls: type[InputError],
    message: str,
    file: str,
    line: int | None,
    column: int | None,
    context: str,
) -> InputError:
    return cls(message, file=file, line=line, column=column, context=context)


class SourceError(InputError):
    """A file cannot be read as text: missing, a directory, binary, not UTF-8, too large."""


class RulesError(InputError):
    """A rules, policy or configuration file is invalid."""
