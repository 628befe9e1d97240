"""Severity rules for term changes, kept as data in ``rules/severity.toml``.

Each rule has a stable kebab-case id, a severity (``major``, ``minor``, ``info``), a one-sentence
message template and conditions on the change; the first rule whose conditions hold rates it.

>>> rules = default_severities()
>>> rule = rules.rate(Facts(change="changed", type="exclusivity", field="status",
...                         old="exclusive", new="non_exclusive"))
>>> rule.id, rule.severity.value
('exclusivity-lost', 'major')
"""

from __future__ import annotations

import enum
import functools
import os
import re
import string
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from .errors import RulesError
from .model import TERM_CLASSES
from .ruleset import package_text, user_rule_files

__all__ = [
    "Severity",
    "Facts",
    "SeverityRule",
    "SeverityRules",
    "PLACEHOLDERS",
    "UNRATED",
    "change_percent",
    "load_severities",
    "default_severities",
]

_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_RULE_KEYS = frozenset(
    {
        "id",
        "severity",
        "description",
        "message",
        "change",
        "terms",
        "field",
        "old",
        "new",
        "status",
        "min_change_percent",
        "restated",
    }
)
_CHANGES = frozenset({"added", "removed", "changed"})
#: The placeholders a message template may use.
PLACEHOLDERS = frozenset(
    {"term", "type", "field", "old", "new", "status", "change_pct", "direction", "added", "removed"}
)


@functools.total_ordering
class Severity(enum.Enum):
    """How much a change matters; ordered ``info < minor < major``.

    >>> Severity.MAJOR > Severity.MINOR > Severity.INFO
    True
    """

    INFO = "info"
    MINOR = "minor"
    MAJOR = "major"

    @property
    def rank(self) -> int:
        return _RANK[self.value]

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank < other.rank

    def __str__(self) -> str:
        return self.value


_RANK = {"info": 0, "minor": 1, "major": 2}


@attrs.frozen(kw_only=True)
class Facts:
    """What a severity rule may look at: the kind of change, the term type, and the values.

    For ``changed``, ``field``, ``old`` and ``new`` are that field's values; for ``added`` and
    ``removed``, ``status`` is the term's status.
    """

    change: str
    type: str
    field: str | None = None
    old: Any = None
    new: Any = None
    status: str | None = None
    #: For ``added`` / ``removed``: the other version states a term with the same fields (a
    #: clause that restated a term came or went).
    restated: bool = False


def _plain(value: Any) -> str:
    return str(value.value) if isinstance(value, enum.Enum) else str(value)


def _shown(value: Any) -> str:
    """A field value as an ``old``/``new`` condition names it: ``-`` when it is absent."""
    return "-" if value is None or value == () else _plain(value)


def change_percent(old: Any, new: Any) -> Decimal | None:
    """``new`` relative to ``old`` in percent; None when not both numbers or ``old`` is zero.

    >>> change_percent(Decimal(10), Decimal(250))
    Decimal('2400')
    """
    if not isinstance(old, Decimal | int) or not isinstance(new, Decimal | int):
        return None
    if old == 0:
        return None
    return (Decimal(new) - Decimal(old)) / abs(Decimal(old)) * 100


@attrs.frozen(kw_only=True)
class SeverityRule:
    """One rule: conditions (None = any), the severity it gives and its message template."""

    id: str
    severity: Severity
    message: str
    description: str = ""
    change: frozenset[str] | None = None
    terms: frozenset[str] | None = None
    fields: frozenset[str] | None = None
    old: frozenset[str] | None = None
    new: frozenset[str] | None = None
    status: frozenset[str] | None = None
    min_change_percent: Decimal | None = None
    restated: bool | None = None
    origin: str = "<rules>"

    def matches(self, facts: Facts) -> bool:
        """True when every condition of the rule holds for ``facts``."""
        if self.change is not None and facts.change not in self.change:
            return False
        if self.terms is not None and facts.type not in self.terms:
            return False
        if self.fields is not None and facts.field not in self.fields:
            return False
        if self.status is not None and (
            facts.status is None or _plain(facts.status) not in self.status
        ):
            return False
        if self.old is not None and _shown(facts.old) not in self.old:
            return False
        if self.new is not None and _shown(facts.new) not in self.new:
            return False
        if self.restated is not None and facts.restated != self.restated:
            return False
        if self.min_change_percent is not None:
            pct = change_percent(facts.old, facts.new)
            # A value that appears, disappears or moves off zero counts as a large move.
            if pct is not None and abs(pct) <= self.min_change_percent:
                return False
        return True

    def render(self, values: Mapping[str, str]) -> str:
        """The message with ``values`` filled in; a missing placeholder renders as ``-``."""
        return string.Formatter().vformat(self.message, (), _Defaulting(values))


class _Defaulting(dict[str, str]):
    def __init__(self, values: Mapping[str, str]) -> None:
        super().__init__(values)

    def __missing__(self, key: str) -> str:
        return "-"


#: What rates a change that no rule matches (only possible with user rules that replace
#: built-in ones with narrower conditions).
UNRATED = SeverityRule(
    id="unrated",
    severity=Severity.MINOR,
    message="The {field} of {term} changed: {old} → {new}.",
    description="no severity rule matched this change",
    origin="<built-in>",
)


@attrs.frozen
class SeverityRules:
    """An ordered rule set; :meth:`rate` returns the first rule that matches."""

    rules: tuple[SeverityRule, ...]

    def rate(self, facts: Facts) -> SeverityRule:
        for rule in self.rules:
            if rule.matches(facts):
                return rule
        return UNRATED

    def __iter__(self) -> Iterator[SeverityRule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)


def _line_of(raw: str, needle: str) -> int | None:
    at = raw.find(needle)
    return raw.count("\n", 0, at) + 1 if at >= 0 else None


#: The pseudo-field of a change in the figures of a clause that no field of its term holds:
#: the second tier of a royalty, a cap, a threshold.
FIGURES = "figures"


def _all_fields() -> frozenset[str]:
    names: set[str] = set()
    for cls in TERM_CLASSES.values():
        names.update(f.name for f in attrs.fields(cls) if f.eq)
    names.add(FIGURES)
    return frozenset(names)


def _string_set(
    value: Any, key: str, fail: Any, allowed: frozenset[str] | None = None
) -> frozenset[str]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(isinstance(i, str) for i in items):
        raise fail(f"{key!r} must be a string or a non-empty list of strings")
    if allowed is not None:
        for item in items:
            if item not in allowed:
                known = ", ".join(sorted(allowed))
                raise fail(f"{key} {item!r} is not one of: {known}")
    return frozenset(items)


def _parse_rule(entry: Any, origin: str, raw: str) -> SeverityRule:
    def fail(message: str, needle: str | None = None) -> RulesError:
        return RulesError(message, file=origin, line=_line_of(raw, needle) if needle else None)

    if not isinstance(entry, dict):
        raise fail("each [[severity]] entry must be a table", "[[severity]]")
    rid = entry.get("id")
    if not isinstance(rid, str) or not _ID_RE.match(rid):
        raise fail(f"severity rule id {rid!r}: a stable kebab-case id is required", str(rid))
    needle = f'"{rid}"'

    def rule_fail(message: str) -> RulesError:
        return fail(f"{rid}: {message}", needle)

    unknown = set(entry) - _RULE_KEYS
    if unknown:
        raise rule_fail(f"unknown key {sorted(unknown)[0]!r}")
    try:
        severity = Severity(entry.get("severity"))
    except ValueError:
        raise rule_fail("'severity' must be one of major, minor, info") from None
    message = entry.get("message")
    if not isinstance(message, str) or not message.strip():
        raise rule_fail("a 'message' template is required")
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(message) if name is not None}
    except ValueError as exc:
        raise rule_fail(f"message: {exc}") from None
    bad = names - PLACEHOLDERS
    if bad:
        known = ", ".join(sorted(PLACEHOLDERS))
        raise rule_fail(f"message: unknown placeholder {{{sorted(bad)[0]}}} (known: {known})")
    sets: dict[str, frozenset[str] | None] = {}
    allowed: dict[str, frozenset[str] | None] = {
        "change": _CHANGES,
        "terms": frozenset(str(t) for t in TERM_CLASSES),
        "field": _all_fields(),
        "old": None,
        "new": None,
        "status": None,
    }
    for key, choices in allowed.items():
        sets[key] = _string_set(entry[key], key, rule_fail, choices) if key in entry else None
    threshold = entry.get("min_change_percent")
    if threshold is not None and (
        isinstance(threshold, bool) or not isinstance(threshold, int | float) or threshold < 0
    ):
        raise rule_fail("'min_change_percent' must be a number >= 0")
    restated = entry.get("restated")
    if restated is not None and not isinstance(restated, bool):
        raise rule_fail("'restated' must be true or false")
    return SeverityRule(
        id=rid,
        severity=severity,
        message=message,
        description=str(entry.get("description", "")),
        change=sets["change"],
        terms=sets["terms"],
        fields=sets["field"],
        old=sets["old"],
        new=sets["new"],
        status=sets["status"],
        min_change_percent=None if threshold is None else Decimal(str(threshold)),
        restated=restated,
        origin=origin,
    )


def _parse_file(origin: str, raw: str) -> list[SeverityRule]:
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        line, col = (int(m.group(1)), int(m.group(2))) if m else (None, None)
        raise RulesError(
            f"invalid TOML: {str(exc).split(' (at')[0]}", file=origin, line=line, column=col
        ) from None
    if "severity" not in data:
        return []  # a classification or policy file: not ours
    unknown = set(data) - {"severity"}
    if unknown:
        key = sorted(unknown)[0]
        raise RulesError(
            f"unknown key {key!r} in a severity rules file (keep severity rules in a file "
            "of their own)",
            file=origin,
            line=_line_of(raw, key),
        )
    entries = data["severity"]
    if not isinstance(entries, list):
        raise RulesError("'severity' must be an array of tables: [[severity]]", file=origin)
    rules = [_parse_rule(entry, origin, raw) for entry in entries]
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise RulesError(
                f"duplicate severity rule id {rule.id!r}",
                file=origin,
                line=_line_of(raw[raw.find(f'"{rule.id}"') + 1 :], f'"{rule.id}"'),
            )
        seen.add(rule.id)
    return rules


def load_severities(
    extra: Sequence[str | os.PathLike[str]] = (), *, builtin: bool = True
) -> SeverityRules:
    """The package's ``rules/severity.toml``, then the severity rules of ``extra`` folders.

    A user rule with a built-in id replaces it in place; a user rule with a new id is tried
    before every built-in rule, so it can make an exception to them.
    """
    rules: list[SeverityRule] = []
    if builtin:
        rules = _parse_file("rules/severity.toml", package_text("severity.toml"))
    first: list[SeverityRule] = []
    for origin, raw in user_rule_files(extra):
        for rule in _parse_file(origin, raw):
            at = next((i for i, r in enumerate(rules) if r.id == rule.id), None)
            if at is not None:
                rules[at] = rule
                continue
            at = next((i for i, r in enumerate(first) if r.id == rule.id), None)
            if at is not None:
                first[at] = rule
            else:
                first.append(rule)
    return SeverityRules(tuple(first + rules))


@functools.cache
def default_severities() -> SeverityRules:
    """The package's severity rules, loaded once per process."""
    return load_severities()
