"""Reading input files as text, with clear errors for everything that is not text."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .errors import SourceError
from .spans import LineIndex

__all__ = ["MAX_BYTES", "read_source", "decode"]

#: Inputs larger than this are refused rather than read into memory.
MAX_BYTES = 256 * 1024 * 1024


def decode(data: bytes, name: str) -> str:
    """UTF-8 text of ``data``; newlines are kept exactly as they are.

    Raises SourceError, located at the first offending byte, for binary or non-UTF-8 data.
    """
    if b"\x00" in data[:8192] or b"\x00" in data:
        at = data.index(b"\x00")
        line, column = _position(data, at)
        raise SourceError(
            "binary file (NUL byte); expected UTF-8 text", file=name, line=line, column=column
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _position(data, exc.start)
        raise SourceError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
            file=name,
            line=line,
            column=column,
        ) from None


def _position(data: bytes, at: int) -> tuple[int, int]:
    prefix = data[:at].decode("utf-8", errors="replace")
    return LineIndex(prefix).position(len(prefix))


def read_source(path: str | os.PathLike[str], *, max_bytes: int = MAX_BYTES) -> tuple[str, str]:
    """Return ``(name, text)`` for a file path, or for ``-`` (standard input)."""
    name = os.fspath(path)
    if name == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
        name = "<stdin>"
    else:
        p = Path(name)
        try:
            if p.is_dir():
                raise SourceError("is a directory, expected a file", file=name)
            size = p.stat().st_size
            if size > max_bytes:
                raise SourceError(
                    f"file is {size:,} bytes, larger than the limit of {max_bytes:,}", file=name
                )
            data = p.read_bytes()
        except FileNotFoundError:
            raise SourceError("no such file", file=name) from None
        except PermissionError:
            raise SourceError("permission denied", file=name) from None
        except OSError as exc:
            raise SourceError(exc.strerror or str(exc), file=name) from None
    if len(data) > max_bytes:
        raise SourceError(f"input is larger than the limit of {max_bytes:,} bytes", file=name)
    return name, decode(data, name)
