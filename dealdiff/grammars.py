"""Loading the Lark grammars of ``grammar/``, with their parse tables cached on disk.

Building an LALR parser means analysing the grammar, which costs a few hundred
milliseconds per process, far more than parsing a short agreement. Lark can save the
analysis and load it again in a few milliseconds; the cache file records a hash of the
grammar and options, so an edited grammar or another Lark version is rebuilt, and a
damaged or unreadable cache file is ignored.

The cache lives in ``$DEALDIFF_CACHE_DIR``, else ``$XDG_CACHE_HOME/dealdiff``, else
``~/.cache/dealdiff``, in a folder only the user can write. ``DEALDIFF_CACHE_DIR=""``
turns it off. When the folder cannot be made, parsing goes on without a cache.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import lark

__all__ = ["cache_dir", "load_grammar"]


def cache_dir() -> Path | None:
    """The folder for cached parse tables, created if need be; None when there is none."""
    chosen = os.environ.get("DEALDIFF_CACHE_DIR")
    if chosen is not None:
        if not chosen:
            return None
        folder = Path(chosen)
    else:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        folder = Path(base) / "dealdiff"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.stat()
    except OSError:
        return None
    # The cache is unpickled: use it only if nobody else can have written it.
    if not stat.S_ISDIR(info.st_mode) or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return None
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return None
    return folder


def load_grammar(name: str, **options: Any) -> lark.Lark:
    """The LALR parser for ``grammar/<name>``, from the cache when it is there."""
    folder = cache_dir()
    if folder is not None:
        options["cache"] = str(folder / f"{Path(name).stem}-lark{lark.__version__}.cache")
    return lark.Lark.open_from_package("dealdiff.grammar", name, parser="lalr", **options)
