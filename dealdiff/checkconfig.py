"""``dealdiff.toml``: the settings of ``dealdiff check``, its policy and its file pairings.

::

    [check]
    fail-on = "error"            # error, warning or info
    drift-severity = "error"     # severity of every drift finding
    ignore = ".dealdiffignore"   # the ignore file

    [check.severity]             # per-rule overrides of the built-in severities
    amount-without-currency = "error"

    [[pair]]                     # an agreement and its approved term file
    agreement = "contracts/cloud.txt"
    terms = "approved/cloud.terms"

    [[policy]]                   # see dealdiff.policy
    id = "max-revenue-share"
    when = "type == 'revenue_share'"
    require = "rate <= 20%"

Paths are relative to the folder of the config file.

>>> cfg = config_from_text('[check]\\nfail-on = "warning"\\n', "dealdiff.toml")
>>> cfg.fail_on
<Severity.WARNING: 'warning'>
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from . import config
from .checkrules import Severity, check_rules
from .errors import RulesError
from .policy import Policy, policy_from_data

__all__ = ["Pair", "CheckConfig", "CONFIG_FILE", "find_config", "load_config", "config_from_text"]

CONFIG_FILE = config.CONFIG_FILE
_CHECK_KEYS = {"fail-on", "drift-severity", "ignore", "severity"}


@attrs.frozen
class Pair:
    """An agreement (text, JSON or term file) and the term file that approves it."""

    agreement: str
    terms: str


@attrs.frozen(kw_only=True)
class CheckConfig:
    """Settings read from ``dealdiff.toml``; defaults when there is none."""

    path: str | None = None
    fail_on: Severity | None = None
    drift_severity: Severity | None = None
    ignore: str | None = None
    severity: Mapping[str, Severity] = attrs.field(factory=dict)
    pairs: tuple[Pair, ...] = ()
    policy: Policy = Policy()


def _severity(value: Any, what: str, origin: str) -> Severity:
    try:
        return Severity(value)
    except ValueError:
        raise RulesError(
            f"{what} must be error, warning or info, not {value!r}", file=origin
        ) from None


def config_from_text(text: str, origin: str) -> CheckConfig:
    """Parse a ``dealdiff.toml``; paths in it are resolved against its folder."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"invalid TOML: {exc}", file=origin) from None
    base = Path(origin).parent
    section = data.get("check", {})
    if not isinstance(section, dict):
        raise RulesError("[check] must be a table", file=origin)
    unknown = set(section) - _CHECK_KEYS
    if unknown:
        raise RulesError(f"[check] has unknown keys: {', '.join(sorted(unknown))}", file=origin)
    overrides: dict[str, Severity] = {}
    for rule_id, value in (section.get("severity") or {}).items():
        if rule_id not in check_rules():
            raise RulesError(f"[check.severity]: unknown check id {rule_id!r}", file=origin)
        overrides[rule_id] = _severity(value, f"[check.severity] {rule_id}", origin)
    pairs: list[Pair] = []
    for table in data.get("pair", []):
        if not isinstance(table, dict) or set(table) != {"agreement", "terms"}:
            raise RulesError(
                'each [[pair]] needs exactly agreement = "..." and terms = "..."', file=origin
            )
        pairs.append(
            Pair(
                os.path.normpath(base / table["agreement"]), os.path.normpath(base / table["terms"])
            )
        )
    ignore = section.get("ignore")
    return CheckConfig(
        path=origin,
        fail_on=_severity(section["fail-on"], "fail-on", origin) if "fail-on" in section else None,
        drift_severity=(
            _severity(section["drift-severity"], "drift-severity", origin)
            if "drift-severity" in section
            else None
        ),
        ignore=os.path.normpath(base / ignore) if isinstance(ignore, str) else None,
        severity=overrides,
        pairs=tuple(pairs),
        policy=policy_from_data(data, origin=origin),
    )


def find_config(start: str | os.PathLike[str] = ".") -> str | None:
    """``dealdiff.toml`` in ``start`` or the nearest parent, relative to the working folder."""
    found = config.find_config(start)
    return os.path.relpath(found) if found is not None else None


def load_config(path: str | os.PathLike[str] | None) -> CheckConfig:
    """Read the config at ``path``; None gives the defaults."""
    if path is None:
        return CheckConfig()
    name = os.fspath(path)
    return config_from_text(config.read_config_text(name), name)
