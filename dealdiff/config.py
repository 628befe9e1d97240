"""Finding ``dealdiff.toml`` and reading its ``[rules]`` table.

::

    [rules]
    paths = ["rules/", "extra/house-rules.toml"]   # relative to this file's folder

The folders and files listed are loaded after the package's rules, before those given
with ``--rules``. Other tables of ``dealdiff.toml`` belong to other commands and are
ignored here.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from .errors import RulesError

__all__ = ["CONFIG_FILE", "find_config", "read_config_text", "rules_paths"]

CONFIG_FILE = "dealdiff.toml"


def read_config_text(path: str | os.PathLike[str]) -> str:
    """The text of a configuration, rules or policy file; RulesError when unreadable."""
    name = os.fspath(path)
    try:
        return Path(name).read_text("utf-8")
    except OSError as exc:
        raise RulesError(exc.strerror or str(exc), file=name) from None
    except UnicodeDecodeError:
        raise RulesError("not UTF-8 text", file=name) from None


def find_config(start: str | os.PathLike[str] = ".") -> Path | None:
    """``dealdiff.toml`` in ``start`` or the nearest parent, stopping at a repository root.

    >>> find_config("/") is None or find_config("/").name == "dealdiff.toml"
    True
    """
    here = Path(start).resolve()
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_FILE
        if candidate.is_file():
            return candidate
        if (folder / ".git").exists():
            return None
    return None


def rules_paths(config: str | os.PathLike[str] | None) -> list[str]:
    """The rule folders and files that ``config``'s ``[rules] paths`` lists, resolved."""
    if config is None:
        return []
    name = os.fspath(config)
    try:
        data = tomllib.loads(read_config_text(name))
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"invalid TOML: {exc}", file=name) from None
    table = data.get("rules", {})
    if not isinstance(table, dict):
        raise RulesError("[rules] must be a table", file=name)
    unknown = set(table) - {"paths"}
    if unknown:
        raise RulesError(f"[rules] has unknown keys: {', '.join(sorted(unknown))}", file=name)
    paths = table.get("paths", [])
    if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
        raise RulesError("[rules] paths must be a list of strings", file=name)
    base = Path(name).parent
    return [os.path.normpath(base / p) for p in paths]
