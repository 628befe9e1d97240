"""Entry points of the library: read an agreement from text, JSON or a term file."""

from __future__ import annotations

import json
import os

from .agreement import parse_agreement
from .errors import InputError, caret_context
from .model import Agreement
from .serialize import agreement_from_dict
from .source import read_source

__all__ = ["parse_text", "parse_file", "load", "load_text"]


def parse_text(text: str, *, source: str = "<text>") -> Agreement:
    """Parse agreement text into an :class:`Agreement` with typed terms.

    >>> import dealdiff
    >>> a = dealdiff.parse_text("Licensee shall pay Licensor a royalty of 5% of Net Sales.")
    >>> [t.type.value for t in a.terms]
    ['revenue_share']
    """
    return parse_agreement(text, source=source)


def parse_file(path: str | os.PathLike[str]) -> Agreement:
    """Read and parse one agreement text file (``-`` reads standard input)."""
    name, text = read_source(path)
    return parse_agreement(text, source=name)


def _looks_like_json(text: str) -> bool:
    return text.lstrip("\ufeff \t\r\n").startswith("{")


def load_text(text: str, *, source: str) -> Agreement:
    """An agreement from any input form: agreement text, ``parse`` JSON, or a term file."""
    if _looks_like_json(text):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"invalid JSON: {exc.msg}",
                file=source,
                line=exc.lineno,
                column=exc.colno,
                context=caret_context(text, exc.lineno, exc.colno),
            ) from None
        return agreement_from_dict(data, file=source)
    from . import termfile

    if termfile.looks_like_termfile(text, source):
        return termfile.loads(text, source=source)
    return parse_agreement(text, source=source)


def load(path: str | os.PathLike[str]) -> Agreement:
    """Read any input form from a path (``-`` for standard input); see :func:`load_text`."""
    name, text = read_source(path)
    return load_text(text, source=name)
