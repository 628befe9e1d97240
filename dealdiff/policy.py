"""User policy rules over term fields, from ``[[policy]]`` tables in a TOML file.

A rule applies to every term for which ``when`` holds, and is broken when ``require``
does not hold; a rule without ``require`` forbids what ``when`` describes. Conditions are
a small language (``grammar/policy.lark``): comparisons ``== != < <= > >=``, ``in``,
``not in``, ``contains``, joined with ``and``, ``or``, ``not`` and parentheses. Literals
are quoted strings, numbers, percentages (``20%``), ISO dates, ISO 8601 periods (``P5Y``),
``none``, ``true``/``false`` and lists (``['rofr', 'rofo']``).

>>> from dealdiff.model import RevenueShare
>>> rule = compile_rule({"id": "max-rate", "when": "type == 'revenue_share'",
...                      "require": "rate <= 20%"}, origin="policy.toml")
>>> rule.violated(RevenueShare(rate=25), ()), rule.violated(RevenueShare(rate=15), ())
(True, False)
"""

from __future__ import annotations

import datetime as dt
import difflib
import enum
import functools
import json
import os
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs
from lark import Lark, Token, Transformer, UnexpectedInput
from lark.exceptions import VisitError

from .checkrules import Severity, check_rules
from .config import read_config_text
from .errors import RulesError
from .grammars import load_grammar
from .model import TERM_CLASSES, Party, Term
from .termfile import PARTY_FIELDS, field_kind
from .values import Period

__all__ = [
    "PolicyRule",
    "Policy",
    "compile_condition",
    "compile_rule",
    "load_policy",
    "policy_from_data",
    "FIELD_KINDS",
]

_Env = tuple[Term, tuple[Party, ...]]
_Expr = Callable[[_Env], Any]
_Pred = Callable[[_Env], bool]

_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_KEYS = {"id", "description", "severity", "message", "when", "require"}
_DAYS = {"D": Decimal(1), "W": Decimal(7), "M": Decimal("30.436875"), "Y": Decimal("365.2425")}


def _field_kinds() -> dict[str, str]:
    kinds: dict[str, str] = {"type": "string", "section": "string"}
    for cls in TERM_CLASSES.values():
        for field in attrs.fields(cls):
            kind = field_kind(cls, field.name)
            if kind is not None and field.name not in ("text", "rule"):
                kinds[field.name] = "number" if kind == "money" else kind
    return kinds


#: The fields a condition can name, with how they compare.
FIELD_KINDS: dict[str, str] = _field_kinds()


@functools.cache
def _parser() -> Lark:
    return load_grammar("policy.lark")


# ---------------------------------------------------------------- values


@attrs.frozen
class _Field:
    name: str


def _plain(value: Any) -> Any:
    """A term value as conditions compare it: enums as strings, periods in days."""
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, Period):
        return value.count * _DAYS[value.unit.value]
    return value


def _names(value: str, parties: Sequence[Party]) -> set[str]:
    """Every name a party value goes by, case-folded: its key, full name and aliases."""
    names = {value.casefold()}
    for party in parties:
        all_names = {party.name, *party.aliases}
        if value in all_names or value.casefold() in {n.casefold() for n in all_names}:
            names |= {n.casefold() for n in all_names}
    return names


def _equal(left: Any, right: Any, parties: Sequence[Party], party_side: bool) -> bool:
    if left is None or right is None:
        return left is None and right is None
    if isinstance(left, str) and isinstance(right, str):
        if party_side:
            return bool(_names(left, parties) & _names(right, parties))
        return left.casefold() == right.casefold()
    if isinstance(left, tuple) and isinstance(right, tuple):
        return {str(v).casefold() for v in left} == {str(v).casefold() for v in right}
    try:
        return bool(left == right)
    except TypeError:  # pragma: no cover - attrs values always compare
        return False


def _order(op: str, left: Any, right: Any) -> bool:
    if left is None or right is None:
        return False
    try:
        if op == "<":
            return bool(left < right)
        if op == "<=":
            return bool(left <= right)
        if op == ">":
            return bool(left > right)
        return bool(left >= right)
    except TypeError:
        return False


def _member(item: Any, container: Any, parties: Sequence[Party], party_side: bool) -> bool:
    if item is None or container is None:
        return False
    if isinstance(container, tuple):
        return any(_equal(item, c, parties, party_side) for c in container)
    if isinstance(container, str) and isinstance(item, str):
        return item.casefold() in container.casefold()
    return False


# ---------------------------------------------------------------- compiling


@attrs.frozen
class _Node:
    """A compiled operand: its evaluator, and the field kind (or literal kind) it yields."""

    run: _Expr
    kind: str
    field: str | None = None


class _Compile(Transformer[Token, Any]):
    def __init__(self, source: str, origin: str) -> None:
        super().__init__()
        self.source = source
        self.origin = origin
        self.fields: list[str] = []

    def _error(self, message: str) -> RulesError:
        return RulesError(f"{message} in condition {self.source!r}", file=self.origin)

    # operands
    def field(self, items: list[Token]) -> _Node:
        name = str(items[0])
        if name not in FIELD_KINDS:
            close = difflib.get_close_matches(name, sorted(FIELD_KINDS), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise self._error(f"unknown field '{name}'{hint}")
        self.fields.append(name)

        def run(env: _Env) -> Any:
            term = env[0]
            if name == "type":
                return term.type.value
            return _plain(getattr(term, name, None))

        return _Node(run, FIELD_KINDS[name], name)

    def _const(self, value: Any, kind: str) -> _Node:
        return _Node(lambda env: value, kind)

    def string(self, items: list[Token]) -> _Node:
        raw = str(items[0])
        body = raw[1:-1].replace("\\'", "'") if raw.startswith("'") else raw[1:-1]
        try:
            value = json.loads('"' + body.replace('"', '\\"') + '"')
        except json.JSONDecodeError:
            raise self._error(f"bad escape in {raw}") from None
        return self._const(value, "string")

    def number(self, items: list[Token]) -> _Node:
        return self._const(Decimal(str(items[0]).replace("_", "")), "number")

    def percent(self, items: list[Token]) -> _Node:
        return self._const(Decimal(str(items[0]).replace("_", "")[:-1]), "number")

    def date(self, items: list[Token]) -> _Node:
        try:
            return self._const(dt.date.fromisoformat(str(items[0])), "date")
        except ValueError:
            raise self._error(f"{items[0]} is not a calendar date") from None

    def period(self, items: list[Token]) -> _Node:
        return self._const(_plain(Period.from_iso(str(items[0]))), "period")

    def none(self, items: list[Token]) -> _Node:
        return self._const(None, "none")

    def true(self, items: list[Token]) -> _Node:
        return self._const(True, "bool")

    def false(self, items: list[Token]) -> _Node:
        return self._const(False, "bool")

    def list_value(self, items: list[_Node | None]) -> _Node:
        nodes = [n for n in items if n is not None]
        return _Node(lambda env: tuple(n.run(env) for n in nodes), "list")

    # operators
    def comp_op(self, items: list[Token]) -> str:
        return " ".join(str(t) for t in items)

    def comparison(self, items: list[Any]) -> _Node:
        left, op, right = items
        if not isinstance(left, _Node) or not isinstance(right, _Node):
            raise self._error(f"'{op}' compares values, not conditions")
        self._check_kinds(left, op, right)
        party_side = left.field in PARTY_FIELDS or right.field in PARTY_FIELDS
        lrun, rrun = left.run, right.run

        def run(env: _Env) -> bool:
            a, b = lrun(env), rrun(env)
            parties = env[1]
            if op == "==":
                return _equal(a, b, parties, party_side)
            if op == "!=":
                return not _equal(a, b, parties, party_side)
            if op == "in":
                return _member(a, b, parties, party_side)
            if op == "not in":
                return a is not None and not _member(a, b, parties, party_side)
            if op == "contains":
                return _member(b, a, parties, party_side)
            return _order(op, a, b)

        return _Node(run, "bool")

    def _check_kinds(self, left: _Node, op: str, right: _Node) -> None:
        ordered = {"number", "percent", "date", "period"}
        if op in ("<", "<=", ">", ">="):
            for node in (left, right):
                if node.kind not in ordered:
                    what = f"field '{node.field}'" if node.field else f"a {node.kind}"
                    raise self._error(f"'{op}' needs numbers, dates or periods, not {what}")
            kinds = {"number" if k == "percent" else k for k in (left.kind, right.kind)}
            if len(kinds) > 1:
                raise self._error(f"'{op}' compares a {left.kind} with a {right.kind}")

    def negation(self, items: list[Any]) -> _Node:
        inner = _as_pred(items[0])
        return _Node(lambda env: not inner(env), "bool")

    def and_test(self, items: list[Any]) -> _Node:
        preds = [_as_pred(i) for i in items]
        return _Node(lambda env: all(p(env) for p in preds), "bool")

    def or_test(self, items: list[Any]) -> _Node:
        preds = [_as_pred(i) for i in items]
        return _Node(lambda env: any(p(env) for p in preds), "bool")


def _as_pred(node: _Node) -> _Pred:
    run = node.run
    if node.kind == "bool":
        return lambda env: bool(run(env))
    # A bare field is true when it is set (`end` means `end != none`).
    return lambda env: run(env) not in (None, (), "", False)


def compile_condition(source: str, *, origin: str = "<policy>") -> tuple[_Pred, tuple[str, ...]]:
    """A predicate over ``(term, parties)``, and the fields the condition names.

    >>> from dealdiff.model import Exclusivity
    >>> pred, fields = compile_condition("status == 'exclusive' and holder != 'Us'")
    >>> pred((Exclusivity(holder="Them"), ())), fields
    (True, ('status', 'holder'))
    """
    try:
        tree = _parser().parse(source)
    except UnexpectedInput as err:
        column = getattr(err, "column", 0) or 0
        token = getattr(err, "token", None)
        if isinstance(token, Token) and token.type == "$END":
            column = len(source.rstrip()) + 1
        caret = " " * max(0, column - 1) + "^"
        raise RulesError(
            f"cannot read the condition at column {column}:\n    {source}\n    {caret}",
            file=origin,
        ) from None
    compiler = _Compile(source, origin)
    try:
        node = compiler.transform(tree)
    except VisitError as err:
        if isinstance(err.orig_exc, RulesError):
            raise err.orig_exc from None
        raise
    if not isinstance(node, _Node):  # pragma: no cover - the grammar yields one node
        raise RulesError(f"cannot compile {source!r}", file=origin)
    return _as_pred(node), tuple(dict.fromkeys(compiler.fields))


# ---------------------------------------------------------------- rules


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "-"


@attrs.frozen(kw_only=True)
class PolicyRule:
    """One ``[[policy]]`` rule, compiled."""

    id: str
    description: str
    severity: Severity
    message: str
    when: str
    require: str | None
    origin: str
    fields: tuple[str, ...]
    _when: _Pred = attrs.field(repr=False, eq=False, alias="when_pred")
    _require: _Pred | None = attrs.field(repr=False, eq=False, alias="require_pred")

    def applies(self, term: Term, parties: Sequence[Party]) -> bool:
        return self._when((term, tuple(parties)))

    def violated(self, term: Term, parties: Sequence[Party]) -> bool:
        """True when ``when`` holds for ``term`` and ``require`` (if any) does not."""
        env = (term, tuple(parties))
        if not self._when(env):
            return False
        return self._require is None or not self._require(env)

    def format(self, term: Term) -> str:
        """The finding message for ``term``: the template filled with its fields."""
        from .serialize import encode_value

        values = _Blank(type=term.type.value, id=self.id)
        for name, value in term.fields().items():
            if value is not None:
                encoded = encode_value(value)
                if name == "rate":
                    encoded = f"{encoded}%"
                values[name] = ", ".join(encoded) if isinstance(encoded, list) else str(encoded)
        return self.message.format_map(values)


def compile_rule(data: Mapping[str, Any], *, origin: str) -> PolicyRule:
    """Compile one ``[[policy]]`` table; raise :class:`RulesError` on any mistake."""
    unknown = set(data) - _KEYS
    if unknown:
        raise RulesError(f"[[policy]] has unknown keys: {', '.join(sorted(unknown))}", file=origin)
    rule_id = data.get("id")
    if not isinstance(rule_id, str) or not rule_id:
        raise RulesError("every [[policy]] needs an id", file=origin)
    if not _ID_RE.match(rule_id):
        raise RulesError(f"policy id {rule_id!r} must be kebab-case", file=origin)
    if rule_id in check_rules():
        raise RulesError(f"policy id {rule_id!r} is a built-in check id", file=origin)
    for key in ("when", "require", "message", "description"):
        if key in data and not isinstance(data[key], str):
            raise RulesError(f"policy {rule_id}: {key} must be a string", file=origin)
    when = data.get("when", "true")
    require = data.get("require")
    if "when" not in data and require is None:
        raise RulesError(f"policy {rule_id}: needs when, require or both", file=origin)
    try:
        severity = Severity(data.get("severity", "error"))
    except ValueError:
        raise RulesError(
            f"policy {rule_id}: severity must be error, warning or info", file=origin
        ) from None
    when_pred, when_fields = compile_condition(when, origin=origin)
    require_pred, require_fields = (
        compile_condition(require, origin=origin) if require is not None else (None, ())
    )
    description = data.get("description", "")
    default_message = f"{description or rule_id}: " + (
        f"requires {require}" if require else f"forbidden: {when}"
    )
    message = data.get("message", default_message)
    try:
        message.format_map(_Blank())
    except (ValueError, IndexError, AttributeError) as exc:
        raise RulesError(f"policy {rule_id}: bad message template: {exc}", file=origin) from None
    return PolicyRule(
        id=rule_id,
        description=description,
        severity=severity,
        message=message,
        when=when,
        require=require,
        origin=origin,
        fields=tuple(dict.fromkeys((*require_fields, *when_fields))),
        when_pred=when_pred,
        require_pred=require_pred,
    )


@attrs.frozen
class Policy:
    """The policy rules in force, in file order."""

    rules: tuple[PolicyRule, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.rules)


def policy_from_data(data: Mapping[str, Any], *, origin: str) -> Policy:
    """The ``[[policy]]`` tables of a parsed TOML document."""
    tables = data.get("policy", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise RulesError("policy must be an array of tables: [[policy]]", file=origin)
    rules = [compile_rule(t, origin=origin) for t in tables]
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise RulesError(f"policy id {rule.id!r} is used twice", file=origin)
        seen.add(rule.id)
    return Policy(tuple(rules))


def load_policy(paths: Iterable[str | os.PathLike[str]]) -> Policy:
    """Policy rules from TOML files (``dealdiff.toml`` or a ``--policy`` file)."""
    rules: list[PolicyRule] = []
    for path in paths:
        name = os.fspath(path)
        raw = read_config_text(name)
        try:
            data = tomllib.loads(raw)
        except tomllib.TOMLDecodeError as exc:
            raise RulesError(f"invalid TOML: {exc}", file=name) from None
        rules.extend(policy_from_data(data, origin=name).rules)
    return Policy(tuple(rules))
