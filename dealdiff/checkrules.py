"""The rule set of ``dealdiff check`` (``rules/checks.toml``) and severities.

Rules are data: a stable id, a default severity, a category and a message template.

>>> rule = check_rules()["rate-out-of-range"]
>>> rule.severity, rule.format(value="120")
(<Severity.ERROR: 'error'>, 'rate 120% is outside 0% to 100%')
"""

from __future__ import annotations

import enum
import functools
import re
import string
import tomllib
from typing import Any

import attrs

from .errors import RulesError
from .ruleset import package_text

__all__ = ["Severity", "CheckRule", "check_rules", "currencies", "CATEGORIES"]

CATEGORIES = ("validation", "policy", "drift", "suppression")
_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class Severity(enum.StrEnum):
    """How bad a finding is; ordered: ``info < warning < error``."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


@attrs.frozen(kw_only=True)
class CheckRule:
    """One built-in check: ``message`` is a ``str.format`` template."""

    id: str
    severity: Severity
    category: str
    summary: str
    message: str

    def fields(self) -> tuple[str, ...]:
        """The names the message template needs."""
        return tuple(
            name for _, name, _, _ in string.Formatter().parse(self.message) if name is not None
        )

    def format(self, **values: Any) -> str:
        """The message for one finding."""
        return self.message.format(**values)


def _load(raw: str, origin: str) -> dict[str, CheckRule]:
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(str(exc), file=origin) from None
    out: dict[str, CheckRule] = {}
    for entry in data.get("check", []):
        try:
            rule = CheckRule(
                id=entry["id"],
                severity=Severity(entry["severity"]),
                category=entry["category"],
                summary=entry["summary"],
                message=entry["message"],
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise RulesError(f"bad [[check]] entry {entry!r}: {exc}", file=origin) from None
        if not _ID_RE.match(rule.id) or rule.id in out or rule.category not in CATEGORIES:
            raise RulesError(f"bad or repeated check id {rule.id!r}", file=origin)
        out[rule.id] = rule
    return out


@functools.cache
def check_rules() -> dict[str, CheckRule]:
    """The built-in check rules by id, read once from the package's ``checks.toml``."""
    return _load(package_text("checks.toml"), "rules/checks.toml")


@functools.cache
def currencies() -> frozenset[str]:
    """ISO 4217 alphabetic codes, from the package's ``currencies.toml``."""
    return frozenset(tomllib.loads(package_text("currencies.toml"))["currencies"]["codes"])
