"""Term files: the reviewable text format for an agreement's approved terms.

The grammar is ``grammar/terms.lark``. Reading is three steps: Lark parses, a Transformer
turns the tree into plain located nodes (no Lark object leaves this module), and
:func:`read` checks those nodes against the model, collecting every problem with its
line and column. :func:`loads` is the strict library form: it raises the first error.

>>> text = '''
... party Acme = "Acme Inc."
... party Bolt = "Bolt LLC"
... revenue_share { status active  payer Bolt  payee Acme  rate 12.5%  base "Net Sales" }
... '''
>>> agreement = loads(text, source="deal.terms")
>>> agreement.terms[0].rate
Decimal('12.5')
>>> loads(dumps(agreement), source="deal.terms") == agreement
True
"""

from __future__ import annotations

import bisect
import datetime as dt
import difflib
import enum
import functools
import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

import attrs
from lark import Lark, Token, Transformer, UnexpectedCharacters, UnexpectedInput, v_args
from lark.exceptions import UnexpectedToken
from lark.tree import Meta

from .checkrules import check_rules
from .errors import InputError, caret_context, source_lines
from .grammars import load_grammar
from .model import TERM_CLASSES, Agreement, Party, Term
from .spans import Span
from .values import Period

__all__ = [
    "PARTY_FIELDS",
    "Position",
    "Problem",
    "TermFile",
    "looks_like_termfile",
    "read",
    "loads",
    "dumps",
    "field_kind",
]

#: Fields whose value names a party (its short name, full name or an alias).
PARTY_FIELDS = frozenset({"holder", "grantor", "payer", "payee", "committer", "provider"})

_KEYWORDS = frozenset({"agreement", "date", "party", "also"})
_BARE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_PERIODISH = re.compile(r"P\d")
#: Field names are padded to this width so values line up in every block alike.
_PAD = 10


class Position(NamedTuple):
    """Where a node sits in the term file: 1-based line and column, character offsets."""

    line: int
    column: int
    start: int
    end: int


@attrs.frozen(kw_only=True)
class Problem:
    """One thing wrong in a term file, with the check rule id it breaks.

    ``key`` identifies the problem independently of its line (for fingerprints);
    ``term`` is the index of the term it concerns in ``TermFile.agreement.terms``, if any.
    """

    rule: str
    message: str
    line: int
    column: int
    width: int = 1
    key: tuple[str, ...] = ()
    term: int | None = None


@attrs.frozen(kw_only=True)
class TermFile:
    """A read term file: the agreement, every problem found, and where each value sits.

    ``positions[i]`` maps the field names of ``agreement.terms[i]`` to their values'
    positions; ``party_positions`` maps declared party keys to their declarations.
    """

    source: str
    text: str
    agreement: Agreement
    problems: tuple[Problem, ...]
    positions: tuple[dict[str, Position], ...]
    party_positions: dict[str, Position]
    date_position: Position | None = None

    def context(self, problem: Problem) -> str:
        """The problem's line with a caret under it."""
        return caret_context(self.text, problem.line, problem.column, problem.width)


# ---------------------------------------------------------------------------- parsing


@functools.cache
def _parser() -> Lark:
    return load_grammar("terms.lark", propagate_positions=True)


class _Value(NamedTuple):
    kind: str  # string, word, money, percent, number, date_value, period, list
    raw: Any  # token text; for money (currency, number); for list a tuple of _Value
    pos: Position


class _Field(NamedTuple):
    name: str
    name_pos: Position
    value: _Value


class _Block(NamedTuple):
    name: str
    name_pos: Position
    fields: tuple[_Field, ...]
    pos: Position


class _Header(NamedTuple):
    kind: str  # title or date
    raw: str
    pos: Position
    value_pos: Position


class _PartyDecl(NamedTuple):
    key: str | None  # raw token text (a NAME, or a quoted string)
    name: str  # raw quoted string
    aliases: tuple[str, ...]
    pos: Position
    key_pos: Position


def _tpos(token: Token) -> Position:
    return Position(token.line or 1, token.column or 1, token.start_pos or 0, token.end_pos or 0)


def _mpos(meta: Meta) -> Position:
    if meta.empty:
        return Position(1, 1, 0, 0)
    return Position(meta.line, meta.column, meta.start_pos, meta.end_pos)


class _ToNodes(Transformer[Token, list[Any]]):
    """Tree to plain located nodes; method names are the grammar's rule and alias names."""

    def start(self, items: list[Any]) -> list[Any]:
        return items

    @v_args(meta=True)
    def title(self, meta: Meta, items: list[Token]) -> _Header:
        return _Header("title", str(items[0]), _mpos(meta), _tpos(items[0]))

    @v_args(meta=True)
    def date(self, meta: Meta, items: list[Token]) -> _Header:
        return _Header("date", str(items[0]), _mpos(meta), _tpos(items[0]))

    @v_args(meta=True)
    def party(self, meta: Meta, items: list[Any]) -> _PartyDecl:
        first = items[0]
        if len(items) == 1:
            return _PartyDecl(None, str(first), (), _mpos(meta), _tpos(first))
        aliases = tuple(items[2]) if len(items) > 2 else ()
        return _PartyDecl(str(first), str(items[1]), aliases, _mpos(meta), _tpos(first))

    def aliases(self, items: list[Token]) -> list[str]:
        return [str(t) for t in items]

    @v_args(meta=True)
    def term(self, meta: Meta, items: list[Any]) -> _Block:
        name = items[0]
        return _Block(str(name), _tpos(name), tuple(items[1:]), _mpos(meta))

    def field(self, items: list[Any]) -> _Field:
        name, value = items
        return _Field(str(name), _tpos(name), value)

    def _leaf(self, kind: str, items: list[Token]) -> _Value:
        return _Value(kind, str(items[0]), _tpos(items[0]))

    def string(self, items: list[Token]) -> _Value:
        return self._leaf("string", items)

    def word(self, items: list[Token]) -> _Value:
        return self._leaf("word", items)

    def percent(self, items: list[Token]) -> _Value:
        return self._leaf("percent", items)

    def number(self, items: list[Token]) -> _Value:
        return self._leaf("number", items)

    def date_value(self, items: list[Token]) -> _Value:
        return self._leaf("date_value", items)

    def period(self, items: list[Token]) -> _Value:
        return self._leaf("period", items)

    def money(self, items: list[Token]) -> _Value:
        cur, num = items
        pos = _tpos(cur)
        return _Value("money", (str(cur), str(num)), pos._replace(end=num.end_pos or 0))

    @v_args(meta=True)
    def list_value(self, meta: Meta, items: list[_Value | None]) -> _Value:
        return _Value("list", tuple(v for v in items if v is not None), _mpos(meta))


# Syntax errors: examples of broken input, by the message a person should read.
# match_examples() finds the example whose parser state matches the actual error.
_SYNTAX_EXAMPLES: dict[str, list[str]] = {
    "unclosed block: '}' expected": [
        "exclusivity {",
        "exclusivity { status exclusive",
        'exclusivity { territory ["a"]',
    ],
    "'{name}' needs a value": [
        "exclusivity { status }",
        "exclusivity { status",
        "exclusivity { holder\n}",
    ],
    "expected '{' after the term type '{name}'": [
        "exclusivity status exclusive }",
        "exclusivity",
        'exclusivity "x"',
        "exclusivity 20%",
    ],
    "expected a field name or '}'": [
        "exclusivity { 20% }",
        'exclusivity { "status" exclusive }',
        "exclusivity { status exclusive 20% }",
        'exclusivity { status exclusive "x" }',
        "exclusivity { status exclusive { }",
    ],
    'a list is written in brackets, e.g. territory ["Canada", "Mexico"]': [
        'exclusivity { territory "a", "b" }',
        "exclusivity { territory a, b }",
    ],
    "expected ',' or ']' in the list": [
        'exclusivity { territory ["a" "b"] }',
        'exclusivity { territory ["a" }',
        'exclusivity { territory ["a"',
    ],
    'the agreement title is a quoted string, e.g. agreement "Supply Agreement"': [
        "agreement Supply",
        "agreement",
        "agreement 2026-01-01",
    ],
    "the agreement date is an ISO date, e.g. date 2026-01-15": [
        "date January",
        "date",
        'date "2026-01-15"',
        "date 2026",
    ],
    'a party is declared as party Key = "Full Name"': [
        'party = "Acme Inc."',
        "party",
        'party Acme "Acme Inc."',
        "party Acme = Acme",
        "party Acme =",
        "party 20%",
    ],
    'aliases are quoted strings: party Key = "Full Name" also "Alias"': [
        'party Acme = "Acme Inc." also Acme',
        'party Acme = "Acme Inc." also',
        'party Acme = "Acme Inc." also "A",',
    ],
    "expected a term type, 'agreement', 'date' or 'party'": [
        '"exclusivity"',
        "}",
        "20%",
        "{",
        "2026-01-01",
        "[",
    ],
}


def _variants(examples: dict[str, list[str]]) -> dict[str, list[str]]:
    """Each example also after an earlier declaration and, in a block, after an earlier field.

    match_examples() compares whole parser states, stack depth included, and an earlier
    item or field leaves one more entry on the stack.
    """
    out: dict[str, list[str]] = {}
    for label, items in examples.items():
        variants: list[str] = []
        for example in items:
            forms = [example]
            if "{" in example:
                forms.append(example.replace("{", '{ section "1" ', 1))
            variants += forms + ['party P = "p"\n' + form for form in forms]
        out[label] = variants
    return out


_TERMINAL_NAMES = {
    "NAME": "a name",
    "STRING": "a quoted string",
    "NUMBER": "a number",
    "PERCENT": "a percentage",
    "DATE": "a date",
    "PERIOD": "a period",
    "LBRACE": "'{'",
    "RBRACE": "'}'",
    "LSQB": "'['",
    "RSQB": "']'",
    "COMMA": "','",
    "EQUAL": "'='",
    "$END": "the end of the file",
}


@functools.cache
def _syntax_examples() -> dict[str, list[str]]:
    return _variants(_SYNTAX_EXAMPLES)


def _describe_token(token: Token) -> str:
    if token.type == "$END":
        return "end of file"
    return f"{_TERMINAL_NAMES.get(token.type, token.type).split(' ')[-1]} {str(token)!r}"


def _syntax_problem(err: UnexpectedInput, text: str) -> Problem:
    line, column = err.line, err.column
    if line is None or line < 1:
        line, column = 1, 1
    if isinstance(err, UnexpectedCharacters):
        at = err.pos_in_stream or 0
        char = text[at] if at < len(text) else ""
        if char == '"':
            message = 'unterminated string: a string ends with " on the same line'
        elif char == "%":
            message = "unexpected '%': write a percentage without a space, e.g. 20%"
        elif char == "/":
            message = "unexpected '/': write dates as ISO dates, e.g. 2030-12-31"
        else:
            message = f"unexpected character {char!r}"
        key: tuple[str, ...] = ("chars", char)
    elif (
        isinstance(err, UnexpectedToken)
        and err.token.type == "COMMA"
        and text[: err.token.start_pos or 0].rstrip()[-1:].isdigit()
    ):
        message = "unexpected ',': write numbers without separators, e.g. 250000000000 or 250_000"
        key = ("number-comma",)
    else:
        try:
            label = err.match_examples(
                _parser().parse,
                _syntax_examples(),
                token_type_match_fallback=True,
                use_accepts=True,
            )
        except TypeError:
            # lark 1.3 formats a debug message with %d over a ParserState when two
            # examples share a state but not the accepted tokens; match on state alone.
            label = err.match_examples(
                _parser().parse,
                _syntax_examples(),
                token_type_match_fallback=True,
                use_accepts=False,
            )
        name = _word_before(text, err)
        token = getattr(err, "token", None)
        if label is not None:
            message = label.replace("{name}", name)
        else:
            expected = sorted(
                _TERMINAL_NAMES.get(t, repr(t)) for t in getattr(err, "expected", ()) or ()
            )
            found = _describe_token(token) if isinstance(token, Token) else "input"
            message = f"unexpected {found}; expected {' or '.join(expected) or 'something else'}"
        if isinstance(token, Token) and token.type == "$END":
            line, column = _end_position(text)
        key = ("syntax", message)
    lines = source_lines(text)
    src = lines[line - 1].strip() if 0 < line <= len(lines) else ""
    detail = check_rules()["syntax-error"].format(detail=message)
    return Problem(rule="syntax-error", message=detail, line=line, column=column, key=(*key, src))


def _word_before(text: str, err: UnexpectedInput) -> str:
    token = getattr(err, "token", None)
    pos = getattr(token, "start_pos", None)
    if pos is None or getattr(token, "type", "") == "$END":
        pos = len(text)
    words = re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text[:pos])
    return words[-1] if words else ""


def _end_position(text: str) -> tuple[int, int]:
    """Line and column just after the last non-blank character: where '}' was expected."""
    body = text.rstrip()
    line = body.count("\n") + 1
    return line, len(body) - (body.rfind("\n") + 1) + 1


# ---------------------------------------------------------------------------- building


def field_kind(cls: type[Term], name: str) -> str | None:
    """How a field of ``cls`` is written, or None if the type has no such field.

    >>> from dealdiff.model import RevenueShare
    >>> field_kind(RevenueShare, "rate"), field_kind(RevenueShare, "payer")
    ('percent', 'party')
    """
    key = (cls, name)
    if key not in _KINDS:
        _KINDS[key] = _field_kind(cls, name)
    return _KINDS[key]


_KINDS: dict[tuple[type[Term], str], str | None] = {}
#: Where a parsed term's evidence is: never written in a term file.
_LOCATION = frozenset({"span", "spans"})


def _field_kind(cls: type[Term], name: str) -> str | None:
    field = attrs.fields_dict(cls).get(name)
    if field is None or name in _LOCATION:
        return None
    if name in PARTY_FIELDS:
        return "party"
    if name == "rate":
        return "percent"
    if name == "amount":
        return "money"
    if name == "currency":
        return "currency"
    if isinstance(field.converter, type) and issubclass(field.converter, enum.Enum):
        return "enum"
    kind = str(field.type)
    if "Decimal" in kind:
        return "number"
    if "date" in kind:
        return "date"
    if "Period" in kind:
        return "period"
    if "tuple" in kind:
        return "list"
    return "string"


_ENUMS: dict[tuple[type[Term], str], tuple[type[enum.Enum], list[str]]] = {}
_NAMES: dict[type[Term], list[str]] = {}


def _enum_values(cls: type[Term], name: str) -> tuple[type[enum.Enum], list[str]]:
    if (cls, name) not in _ENUMS:
        enum_cls = attrs.fields_dict(cls)[name].converter
        assert isinstance(enum_cls, type) and issubclass(enum_cls, enum.Enum)
        _ENUMS[cls, name] = (enum_cls, [str(m.value) for m in enum_cls])
    return _ENUMS[cls, name]


def _field_names(cls: type[Term]) -> list[str]:
    if cls not in _NAMES:
        _NAMES[cls] = [f.name for f in attrs.fields(cls) if f.name not in _LOCATION]
    return _NAMES[cls]


def _hint(name: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    if not close:
        close = [c for c in choices if c.lower() == name.lower()]
    return f" (did you mean '{close[0]}'?)" if close else ""


_EXPECTED = {
    "string": "a quoted string or a name",
    "party": "a party's short name or a quoted name",
    "currency": "a currency code such as USD",
    "percent": "a percentage such as 20%",
    "money": "an amount such as USD 250000000000",
    "number": "a number such as 10000",
    "date": "an ISO date such as 2030-12-31",
    "period": "an ISO 8601 period such as P5Y",
    "list": 'a list such as ["Canada", "Mexico"]',
}


class _BadValue(Exception):
    """A value of the wrong form; ``rule`` and ``values`` make the message."""

    def __init__(self, rule: str, **values: str) -> None:
        super().__init__(rule)
        self.rule = rule
        self.values = values


def _string(raw: str) -> str:
    if "\\" not in raw:
        return raw[1:-1]
    try:
        value = json.loads(raw, strict=False)
    except json.JSONDecodeError as exc:
        raise _BadValue("invalid-value", detail=f"bad escape in string ({exc.msg})") from None
    return str(value)


def _decimal(raw: str) -> Decimal:
    try:
        return Decimal(raw.replace("_", "").rstrip("%"))
    except InvalidOperation:  # pragma: no cover - the grammar only lets numbers through
        raise _BadValue("invalid-value", detail=f"not a number: {raw}") from None


class _Builder:
    def __init__(self, text: str, source: str) -> None:
        self.text = text
        self.source = source
        self.problems: list[Problem] = []
        self.rules = check_rules()

    def problem(
        self,
        rule: str,
        pos: Position,
        key: tuple[str, ...],
        term: int | None = None,
        /,
        **values: Any,
    ) -> None:
        lines = self.text.split("\n")
        rest = len(lines[pos.line - 1]) - pos.column + 1 if pos.line <= len(lines) else 1
        width = max(1, min(pos.end - pos.start, rest))
        self.problems.append(
            Problem(
                rule=rule,
                message=self.rules[rule].format(**values),
                line=pos.line,
                column=pos.column,
                width=width,
                key=(*key,),
                term=term,
            )
        )

    def got(self, value: _Value) -> str:
        shown = self.text[value.pos.start : value.pos.end]
        return shown if len(shown) <= 40 else shown[:37] + "..."

    def convert(self, cls: type[Term], name: str, kind: str, value: _Value) -> Any:
        """The model value of one field, or raise _BadValue."""
        if kind in ("string", "party", "currency"):
            if value.kind == "string":
                return _string(value.raw)
            if value.kind == "word":
                return value.raw
        elif kind == "enum":
            enum_cls, allowed = _enum_values(cls, name)
            if value.kind not in ("string", "word"):
                raise _BadValue(
                    "invalid-value",
                    detail=f"expected one of: {', '.join(allowed)}, got {self.got(value)}",
                )
            word = _string(value.raw) if value.kind == "string" else value.raw
            if word in allowed:
                return enum_cls(word)
            hint = _hint(word, allowed)
            if name == "status":
                raise _BadValue("invalid-status", value=word, allowed=", ".join(allowed), hint=hint)
            raise _BadValue(
                "invalid-value",
                detail=f"'{word}' is not one of: {', '.join(allowed)}{hint}",
            )
        elif kind == "percent":
            if value.kind == "percent":
                return _decimal(value.raw)
            if value.kind == "number":
                raise _BadValue(
                    "invalid-value",
                    detail=f"write a rate as a percentage, e.g. {value.raw}%",
                )
        elif kind == "money":
            if value.kind == "money":
                currency, number = value.raw
                return (currency, _decimal(number))
            if value.kind == "number":
                return (None, _decimal(value.raw))
        elif kind == "number":
            if value.kind == "number":
                return _decimal(value.raw)
        elif kind == "date":
            if value.kind == "date_value":
                try:
                    return dt.date.fromisoformat(value.raw)
                except ValueError:
                    raise _BadValue(
                        "invalid-value", detail=f"{value.raw} is not a calendar date"
                    ) from None
        elif kind == "period":
            if value.kind == "period":
                return Period.from_iso(value.raw)
        elif kind == "list":
            if value.kind in ("string", "word"):
                return (self.convert(cls, name, "string", value),)
            if value.kind == "list":
                return tuple(self.convert(cls, name, "string", item) for item in value.raw)
        raise _BadValue(
            "invalid-value", detail=f"expected {_EXPECTED[kind]}, got {self.got(value)}"
        )

    def block(self, block: _Block, index: int) -> tuple[Term | None, dict[str, Position]]:
        cls = TERM_CLASSES.get(block.name)
        if cls is None:
            self.problem(
                "unknown-term-type",
                block.name_pos,
                ("type", block.name),
                name=block.name,
                hint=_hint(block.name, sorted(TERM_CLASSES)),
            )
            return None, {}
        kwargs: dict[str, Any] = {}
        seen: dict[str, _Field] = {}
        positions: dict[str, Position] = {}
        names = _field_names(cls)
        for field in block.fields:
            kind = field_kind(cls, field.name)
            key = (block.name, field.name, self.got(field.value))
            if kind is None:
                self.problem(
                    "unknown-field",
                    field.name_pos,
                    key,
                    index,
                    type=block.name,
                    name=field.name,
                    hint=_hint(field.name, names),
                )
                continue
            if field.name in seen:
                self.problem(
                    "duplicate-field",
                    field.name_pos,
                    key,
                    index,
                    type=block.name,
                    name=field.name,
                    first=seen[field.name].name_pos.line,
                )
                continue
            seen[field.name] = field
            try:
                converted = self.convert(cls, field.name, kind, field.value)
            except _BadValue as bad:
                values = dict(bad.values)
                if bad.rule == "invalid-value":
                    values.setdefault("type", block.name)
                    values.setdefault("field", field.name)
                else:
                    values.setdefault("type", block.name)
                self.problem(bad.rule, field.value.pos, key, index, **values)
                continue
            positions[field.name] = field.value.pos
            if kind == "money":
                currency, amount = converted
                kwargs["amount"] = amount
                if currency is not None:
                    if "currency" in kwargs and kwargs["currency"] != currency:
                        self.conflict(block, field.value.pos, key, index, kwargs["currency"])
                        continue
                    kwargs["currency"] = currency
                    positions.setdefault("currency", field.value.pos)
            elif field.name == "currency" and "currency" in kwargs:
                if kwargs["currency"] != converted:
                    self.conflict(block, field.value.pos, key, index, kwargs["currency"])
            else:
                kwargs[field.name] = converted
        pos = block.pos
        span = Span(start=pos.start, end=pos.end, line=pos.line, column=pos.column)
        return cls(span=span, **kwargs), positions

    def conflict(
        self, block: _Block, pos: Position, key: tuple[str, ...], index: int, currency: str
    ) -> None:
        self.problem(
            "invalid-value",
            pos,
            key,
            index,
            type=block.name,
            field="currency",
            detail=f"contradicts the currency of the amount ({currency})",
        )

    def build(self, nodes: list[Any]) -> TermFile:
        title: str | None = None
        date: dt.date | None = None
        date_position: Position | None = None
        first: dict[str, Position] = {}
        parties: list[Party] = []
        party_positions: dict[str, Position] = {}
        terms: list[Term] = []
        positions: list[dict[str, Position]] = []
        for node in nodes:
            if isinstance(node, _Header):
                if node.kind in first:
                    what = "the agreement title" if node.kind == "title" else "the agreement date"
                    self.problem(
                        "duplicate-declaration",
                        node.pos,
                        (node.kind,),
                        what=what,
                        first=first[node.kind].line,
                    )
                    continue
                first[node.kind] = node.pos
                if node.kind == "title":
                    try:
                        title = _string(node.raw)
                    except _BadValue as bad:
                        self.problem(
                            "invalid-value",
                            node.value_pos,
                            ("title",),
                            type="agreement",
                            field="title",
                            **bad.values,
                        )
                else:
                    try:
                        date = dt.date.fromisoformat(node.raw)
                        date_position = node.value_pos
                    except ValueError:
                        self.problem(
                            "invalid-value",
                            node.value_pos,
                            ("date", node.raw),
                            type="agreement",
                            field="date",
                            detail=f"{node.raw} is not a calendar date",
                        )
            elif isinstance(node, _PartyDecl):
                try:
                    name = _string(node.name) if node.name.startswith('"') else node.name
                    aliases = [_string(a) for a in node.aliases]
                    key = node.key
                    if key is not None:
                        aliases.insert(0, _string(key) if key.startswith('"') else key)
                except _BadValue as bad:
                    self.problem(
                        "invalid-value",
                        node.pos,
                        ("party",),
                        type="party",
                        field="name",
                        **bad.values,
                    )
                    continue
                party = Party(name=name, aliases=tuple(aliases))
                if party.key in party_positions:
                    self.problem(
                        "duplicate-declaration",
                        node.key_pos,
                        ("party", party.key),
                        what=f"party '{party.key}'",
                        first=party_positions[party.key].line,
                    )
                    continue
                span = Span(
                    start=node.pos.start,
                    end=node.pos.end,
                    line=node.pos.line,
                    column=node.pos.column,
                )
                parties.append(attrs.evolve(party, span=span))
                party_positions[party.key] = node.key_pos
            else:
                term, where = self.block(node, len(terms))
                if term is not None:
                    terms.append(term)
                    positions.append(where)
        agreement = Agreement(
            source=self.source,
            title=title,
            date=date,
            parties=tuple(parties),
            terms=tuple(terms),
            text=self.text,
        )
        return TermFile(
            source=self.source,
            text=self.text,
            agreement=agreement,
            problems=tuple(self.problems),
            positions=tuple(positions),
            party_positions=party_positions,
            date_position=date_position,
        )


# ---------------------------------------------------------------------------- fast path
#
# Measured (bench/bench_check.py): Lark's LALR parser plus the tree transform cost ~10 ms a
# file here, most of the 5 s budget for 1,000 files. Term files are simple enough for a
# one-regex tokenizer and a recursive-descent reader that yields the same nodes as
# _ToNodes. It accepts only input it fully understands and returns None on anything
# else, so every error still comes from Lark (with match_examples messages).
# tests/test_termfile.py checks that both readers agree on generated and mutated files.

_FAST_TOKEN = re.compile(
    r"""(?:[ \t\f\r\n]|\#[^\n]*)*+  # blanks and comments before the token (possessive)
    (?:(?P<STRING>"(?:[^"\\\n]|\\.)*")
    |(?P<DATE>\d{4}-\d{2}-\d{2}(?![\w.-]))
    |(?P<PERIOD>P\d+(?:\.\d+)?[DWMY](?![A-Za-z0-9_]))
    |(?P<PERCENT>-?\d+(?:_\d+)*(?:\.\d+)?%)
    |(?P<NUMBER>-?\d+(?:_\d+)*(?:\.\d+)?(?![A-Za-z0-9_]))
    |(?P<NAME>[A-Za-z_][A-Za-z0-9_]*)
    |(?P<PUNCT>[{}\[\],=])
    |(?P<END>\Z))""",
    re.X,
)
_VALUE_TOKENS = {
    "STRING": "string",
    "PERCENT": "percent",
    "NUMBER": "number",
    "DATE": "date_value",
    "PERIOD": "period",
}


class _Fail(Exception):
    """The fast reader met something it does not handle; Lark takes over."""


class _FastReader:
    def __init__(self, text: str) -> None:
        self.text = text
        toks: list[tuple[str, str, int, int]] = []
        pos = 0
        match = _FAST_TOKEN.match
        while True:
            m = match(text, pos)
            if m is None:
                raise _Fail
            kind = m.lastgroup
            if kind is None or kind == "END":
                break
            start, pos = m.span(kind)
            value = m.group(kind)
            toks.append((value if kind == "PUNCT" else kind, value, start, pos))
        self.toks = toks
        self.i = 0
        self.lines = [0]
        find = text.find
        at = find("\n")
        while at != -1:
            self.lines.append(at + 1)
            at = find("\n", at + 1)

    def where(self, start: int, end: int) -> Position:
        line = bisect.bisect_right(self.lines, start)
        return Position(line, start - self.lines[line - 1] + 1, start, end)

    def peek(self) -> tuple[str, str, int, int] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self, *kinds: str) -> tuple[str, str, int, int]:
        tok = self.peek()
        if tok is None or tok[0] not in kinds:
            raise _Fail
        self.i += 1
        return tok

    def nodes(self) -> list[Any]:
        out: list[Any] = []
        while self.peek() is not None:
            kind, value, start, end = self.take("NAME")
            if value in ("agreement", "date"):
                arg = self.take("STRING" if value == "agreement" else "DATE")
                out.append(
                    _Header(
                        "title" if value == "agreement" else "date",
                        arg[1],
                        self.where(start, arg[3]),
                        self.where(arg[2], arg[3]),
                    )
                )
            elif value == "party":
                out.append(self.party(start))
            elif value == "also":
                raise _Fail
            else:
                out.append(self.block(value, start, end))
        return out

    def party(self, start: int) -> _PartyDecl:
        key = self.take("NAME", "STRING")
        last = key[3]
        key_pos = self.where(key[2], key[3])
        nxt = self.peek()
        if nxt is None or nxt[0] != "=":
            return _PartyDecl(None, key[1], (), self.where(start, last), key_pos)
        self.i += 1
        name = self.take("STRING")
        last = name[3]
        aliases: list[str] = []
        nxt = self.peek()
        if nxt is not None and nxt[0] == "NAME" and nxt[1] == "also":
            self.i += 1
            alias = self.take("STRING")
            aliases.append(alias[1])
            last = alias[3]
            while (nxt := self.peek()) is not None and nxt[0] == ",":
                self.i += 1
                alias = self.take("STRING")
                aliases.append(alias[1])
                last = alias[3]
        return _PartyDecl(key[1], name[1], tuple(aliases), self.where(start, last), key_pos)

    def block(self, name: str, start: int, end: int) -> _Block:
        self.take("{")
        fields: list[_Field] = []
        while True:
            tok = self.take("NAME", "}")
            if tok[0] == "}":
                return _Block(
                    name, self.where(start, end), tuple(fields), self.where(start, tok[3])
                )
            fields.append(_Field(tok[1], self.where(tok[2], tok[3]), self.value()))

    def value(self) -> _Value:
        kind, value, start, end = self.take(
            "STRING", "NAME", "PERCENT", "NUMBER", "DATE", "PERIOD", "["
        )
        if kind == "NAME":
            nxt = self.peek()
            if nxt is not None and nxt[0] == "NUMBER":
                self.i += 1
                return _Value("money", (value, nxt[1]), self.where(start, nxt[3]))
            return _Value("word", value, self.where(start, end))
        if kind == "[":
            items: list[_Value] = []
            if (nxt := self.peek()) is not None and nxt[0] == "]":
                self.i += 1
                return _Value("list", (), self.where(start, nxt[3]))
            while True:
                items.append(self.value())
                tok = self.take(",", "]")
                if tok[0] == "]":
                    return _Value("list", tuple(items), self.where(start, tok[3]))
                if (nxt := self.peek()) is not None and nxt[0] == "]":
                    self.i += 1
                    return _Value("list", tuple(items), self.where(start, nxt[3]))
        return _Value(_VALUE_TOKENS[kind], value, self.where(start, end))


def _fast_nodes(text: str) -> list[Any] | None:
    """The nodes _ToNodes would give for ``text``, or None to let Lark read it."""
    try:
        return _FastReader(text).nodes()
    except _Fail:
        return None


# ---------------------------------------------------------------------------- public


_FIRST_LINE = re.compile(
    r"(?:agreement\s+\"|date\s+\d{4}-\d\d-\d\d\s*(?:\#|$)"
    r"|party\s+(?:\"(?:[^\"\\]|\\.)*\"|[A-Za-z_]\w*)\s*(?:=|\#|$)|(?:"
    + "|".join(sorted(TERM_CLASSES))
    + r")\s*\{)"
)


def looks_like_termfile(text: str, source: str) -> bool:
    """True when ``text`` (from ``source``) is a term file rather than agreement text.

    A ``.terms`` file is one; otherwise the first line that is not blank or a comment
    must start a declaration (``agreement "``, ``date``, ``party``) or a term block.

    >>> looks_like_termfile('# approved\\nexclusivity { status exclusive }', "-")
    True
    >>> looks_like_termfile("This Agreement is made on 1 May 2026.", "deal.txt")
    False
    """
    if source.endswith(".terms"):
        return True
    for line in source_lines(text.lstrip("\ufeff")):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        return _FIRST_LINE.match(stripped) is not None
    return False


def read(text: str, *, source: str) -> TermFile:
    """Read a term file, collecting every problem instead of stopping at the first.

    >>> tf = read('exclusivty { status exclusive }', source="x.terms")
    >>> [(p.rule, p.message) for p in tf.problems]
    [('unknown-term-type', "unknown term type 'exclusivty' (did you mean 'exclusivity'?)")]
    """
    text = text.removeprefix("\ufeff")
    nodes = _fast_nodes(text)
    if nodes is not None:
        return _Builder(text, source).build(nodes)
    try:
        nodes = _ToNodes().transform(_parser().parse(text))
    except UnexpectedInput:
        return _recover(text, source)
    return _Builder(text, source).build(nodes)


# A line that starts (at column 1) a declaration or a block: where reading resumes after a
# syntax error.
_ITEM_START = re.compile(r"^(?:(?:agreement|date|party)\b|[A-Za-z_][A-Za-z0-9_]*[ \t]*\{)", re.M)


def _shift(node: Any, lines: int, offset: int) -> Any:
    """A node read from a piece of the file, moved to where the piece sits in the file."""
    if isinstance(node, Position):
        return Position(node.line + lines, node.column, node.start + offset, node.end + offset)
    if isinstance(node, tuple) and hasattr(node, "_replace"):
        return type(node)(*(_shift(item, lines, offset) for item in node))
    if isinstance(node, tuple):
        return tuple(_shift(item, lines, offset) for item in node)
    return node


def _recover(text: str, source: str) -> TermFile:
    """Read a file with syntax errors item by item, so one mistake hides nothing else.

    The file is cut where a line starts a declaration or a block; each piece is read on its
    own, a piece that does not parse gives its syntax error, and the others give their terms.
    """
    starts = sorted({0, *(m.start() for m in _ITEM_START.finditer(text))})
    problems: list[Problem] = []
    nodes: list[Any] = []
    for start, end in zip(starts, [*starts[1:], len(text)], strict=True):
        piece = text[start:end]
        lines = text.count("\n", 0, start)
        found = _fast_nodes(piece)
        if found is None:
            try:
                found = _ToNodes().transform(_parser().parse(piece))
            except UnexpectedInput as err:
                problem = _syntax_problem(err, piece)
                problems.append(attrs.evolve(problem, line=problem.line + lines))
                continue
        nodes.extend(_shift(node, lines, start) for node in found)
    tf = _Builder(text, source).build(nodes)
    merged = sorted([*problems, *tf.problems], key=lambda p: (p.line, p.column))
    return attrs.evolve(tf, problems=tuple(merged))


def loads(text: str, *, source: str) -> Agreement:
    """Parse a term file; raise :class:`InputError` (with a caret) on the first error.

    Value checks that need judgement (a rate over 100%, an unknown currency, a party
    never declared) are left to ``dealdiff check``; only the form is enforced here.
    """
    tf = read(text, source=source)
    for problem in tf.problems:
        raise InputError(
            problem.message,
            file=source,
            line=problem.line,
            column=problem.column,
            context=tf.context(problem),
        )
    return tf.agreement


# ---------------------------------------------------------------------------- writing


def _num(value: Decimal) -> str:
    if value == value.to_integral_value() and abs(value) < Decimal(10) ** 40:
        return str(int(value))
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _quote(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _word(value: str) -> str:
    """A bare word where it reads back as the same word, else a quoted string."""
    if _BARE.match(value) and value not in _KEYWORDS and not _PERIODISH.match(value):
        return value
    return _quote(value)


def _period(value: Period) -> str:
    return f"P{_num(value.count)}{value.unit.value}"


def _format_field(term: Term, name: str, value: Any) -> list[tuple[str, str]]:
    kind = field_kind(type(term), name)
    if kind == "money":
        currency = getattr(term, "currency", None)
        if isinstance(currency, str) and _word(currency) == currency:
            return [("amount", f"{currency} {_num(value)}")]
        return [("amount", _num(value))]
    if kind == "currency":
        amount = getattr(term, "amount", None)
        if amount is not None and _word(value) == value:
            return []  # written with the amount
        return [("currency", _word(value))]
    if kind == "enum":
        return [(name, str(getattr(value, "value", value)))]
    if kind == "party":
        return [(name, _word(value))]
    if kind == "percent":
        return [(name, f"{_num(value)}%")]
    if kind == "number":
        return [(name, _num(value))]
    if kind == "date":
        return [(name, value.isoformat())]
    if kind == "period":
        return [(name, _period(value))]
    if kind == "list":
        return [(name, "[" + ", ".join(_quote(v) for v in value) + "]")]
    return [(name, _quote(value))]


def _evidence(term: Term) -> str:
    text = " ".join(term.text.split())
    if len(text) > 96:
        text = text[:93] + "..."
    # Clauses usually start with their own number; say the section only when they do not.
    where = f"§{term.section} " if term.section and not text.startswith(term.section) else ""
    return f"# {where}{text}".rstrip() + "\n"


def _block(term: Term, *, evidence: bool) -> str:
    values = term.fields()
    order = ["status", "kind"] + [n for n in values if n not in ("status", "kind")]
    lines: list[tuple[str, str]] = []
    for name in order:
        value = values.get(name)
        if value is None or value == ():
            continue
        lines.extend(_format_field(term, name, value))
    if term.section:
        lines.append(("section", _quote(term.section)))
    body = "".join(f"  {name.ljust(_PAD - 1)} {value}\n" for name, value in lines)
    head = _evidence(term) if evidence and term.text else ""
    return f"{head}{term.type.value} {{\n{body}}}\n"


def dumps(agreement: Agreement, *, evidence: bool = True) -> str:
    """Write an agreement's terms as a term file.

    With ``evidence``, each block is preceded by a comment quoting the clause it came from
    (trimmed), for reviewers; comments are ignored when the file is read back.

    >>> from dealdiff.model import Exclusivity
    >>> print(dumps(Agreement(source="x", terms=[Exclusivity(holder="Acme")])), end="")
    exclusivity {
      status    exclusive
      holder    Acme
    }
    """
    out: list[str] = []
    if agreement.source and not agreement.source.endswith(".terms") and agreement.text:
        out.append(f"# Terms of {agreement.source}, written by dealdiff parse --format terms.\n")
        out.append("# Review every block against the agreement before approving it.\n")
    if agreement.title is not None:
        out.append(f"agreement {_quote(agreement.title)}\n")
    if agreement.date is not None:
        out.append(f"date {agreement.date.isoformat()}\n")
    for party in agreement.parties:
        if party.aliases:
            line = f"party {_word(party.key)} = {_quote(party.name)}"
            if len(party.aliases) > 1:
                line += " also " + ", ".join(_quote(a) for a in party.aliases[1:])
            out.append(line + "\n")
        else:
            out.append(f"party {_quote(party.name)}\n")
    blocks = [_block(term, evidence=evidence) for term in agreement.terms]
    if out and blocks:
        out.append("\n")
    out.append("\n".join(blocks))
    return "".join(out)
