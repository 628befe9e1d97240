"""Normalised values: money, percentages, dates and periods.

Phrases are parsed by the Lark grammar ``grammar/values.lark``; this module holds the
value types and the functions that find and normalise value phrases in a sentence.

Finding is two steps. One compiled regex, assembled from the grammar's own terminals, finds
candidate phrases; each candidate is then parsed by the LALR grammar with an embedded
transformer (digits-only phrases such as ``$250,000`` or ``45 days`` take a plain-Python fast
path that gives the same values). A candidate the grammar rejects is dropped and the scan goes
on from its next character, so a shorter phrase inside it can still be found.

Decisions:

- Words and figures given twice (``twenty percent (20%)``): the figures in parentheses win.
- A bare ``$`` means USD unless the phrase names another currency (``$5 CAD``,
  ``five million Canadian dollars ($5,000,000)``).
- Redacted or blank amounts (``$[***]``) are money with ``amount=None``; a redacted percentage
  (``[***]%``) is not a value at all and is not matched.
- ``parse_date`` reads a year alone (``2032``) or a month and year (``December 2030``) as the
  last day of that year or month; ``find_values`` never reports those (too ambiguous).
- Frequencies (``per annum``, ``quarterly``) parse with ``parse_period`` as the period they
  repeat over, but ``find_values`` reports durations only (``five (5) years``): a rate is not a
  length of time, and "Annual" in a defined term is not a value.
- ``business days`` and ``calendar days`` are both days; bare ``pounds`` is not money (weight).
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import functools
import re
from decimal import Decimal
from collections.abc import Callable
from typing import Any, NamedTuple, TypeAlias, cast

import attrs
from lark import Lark, Token, Transformer
from lark.exceptions import LarkError

__all__ = [
    "Money",
    "Period",
    "PeriodUnit",
    "ValueMatch",
    "find_values",
    "parse_money",
    "parse_percent",
    "parse_date",
    "parse_period",
]


class PeriodUnit(enum.StrEnum):
    DAY = "D"
    WEEK = "W"
    MONTH = "M"
    YEAR = "Y"


@attrs.frozen
class Money:
    """An amount with its ISO 4217 currency; ``amount`` is None where the text redacts it."""

    amount: Decimal | None
    currency: str

    def __str__(self) -> str:
        if self.amount is None:
            return f"{self.currency} [redacted]"
        return f"{self.currency} {self.amount:,}"


@attrs.frozen
class Period:
    """A length of time, e.g. five years; rendered as ISO 8601 (``P5Y``)."""

    count: Decimal
    unit: PeriodUnit

    def iso(self) -> str:
        count = int(self.count) if self.count == self.count.to_integral_value() else self.count
        return f"P{count}{self.unit.value}"

    @classmethod
    def from_iso(cls, text: str) -> Period:
        if len(text) < 3 or text[0] != "P" or text[-1] not in "DWMY":
            raise ValueError(f"not an ISO 8601 period: {text!r}")
        return cls(Decimal(text[1:-1]), PeriodUnit(text[-1]))

    def __str__(self) -> str:
        return self.iso()


@attrs.frozen
class ValueMatch:
    """One value phrase found in a text: ``kind`` is money, percent, date or period."""

    kind: str
    start: int
    end: int
    value: Money | Decimal | dt.date | Period


# ---------------------------------------------------------------------------- public API


def find_values(text: str) -> list[ValueMatch]:
    """Every money, percent, date and period phrase in ``text``, in order, non-overlapping.

    >>> [(m.kind, m.start, m.end) for m in find_values("Pay $5 million within 30 days.")]
    [('money', 4, 14), ('period', 22, 29)]
    """
    search = _finder().search
    found: list[ValueMatch] = []
    pos = 0
    while (m := search(text, pos)) is not None:
        kind = m.lastgroup
        assert kind is not None  # every alternative of the finder is a named group
        start, end = m.span()
        value = _parse(kind, m.group())
        if value is None:
            # Rejected by the grammar: a shorter phrase may still start further in.
            pos = start + 1
            continue
        found.append(ValueMatch(kind=kind, start=start, end=end, value=value))
        pos = end
    return found


def parse_money(text: str) -> Money | None:
    """The money in one whole phrase, or None.

    >>> parse_money("ten billion US dollars (US$10,000,000,000)")
    Money(amount=Decimal('10000000000'), currency='USD')
    """
    value = _parse("money", text.strip())
    return value if isinstance(value, Money) else None


def parse_percent(text: str) -> Decimal | None:
    """The percentage in one whole phrase (20 means 20%), or None.

    >>> parse_percent("twelve and one-half percent (12.5%)")
    Decimal('12.5')
    """
    value = _parse("percent", text.strip())
    return value if isinstance(value, Decimal) else None


def parse_date(text: str) -> dt.date | None:
    """The date in one whole phrase, or None; a year or month alone means its last day.

    >>> parse_date("31st day of December, 2030"), parse_date("2032")
    (datetime.date(2030, 12, 31), datetime.date(2032, 12, 31))
    """
    value = _parse("date", text.strip())
    return value if isinstance(value, dt.date) else None


def parse_period(text: str) -> Period | None:
    """The period in one whole phrase, or None; a frequency gives the period it repeats over.

    >>> str(parse_period("forty-five (45) days")), str(parse_period("quarterly"))
    ('P45D', 'P3M')
    """
    value = _parse("period", text.strip())
    return value if isinstance(value, Period) else None


# ---------------------------------------------------------------------------- parsing

_Value: TypeAlias = Money | Decimal | dt.date | Period

# Value arithmetic must be exact whatever the length of the figures.
_EXACT = decimal.Context(prec=200, traps=[decimal.InvalidOperation, decimal.Overflow])


def _parse(kind: str, phrase: str) -> _Value | None:
    """Parse ``phrase`` as a whole ``kind`` phrase: the fast path, else the grammar."""
    fast = _FAST[kind](phrase)
    if fast is not None:
        return fast
    return _parse_grammar(kind, phrase)


def _parse_grammar(kind: str, phrase: str) -> _Value | None:
    try:
        value = cast(_Value, _parser().parse(phrase, start=kind))
    except (LarkError, ValueError, ArithmeticError):
        # ValueError: an impossible date; ArithmeticError: a figure Decimal refuses.
        return None
    return value


@functools.cache
def _parser() -> Lark:
    return Lark.open_from_package(
        "dealdiff.grammar",
        "values.lark",
        parser="lalr",
        start=["money", "percent", "date", "period"],
        transformer=_ToValue(),
    )


def _canon(d: Decimal) -> Decimal:
    """``d`` without trailing zeros after the point: 1500000.0 → 1500000, 12.50 → 12.5."""
    integral = d.to_integral_value()
    if d == integral:
        return integral
    sign, digits, exponent = d.as_tuple()
    assert isinstance(exponent, int)
    while digits[-1] == 0:
        digits = digits[:-1]
        exponent += 1
    return Decimal((sign, digits, exponent))


def _decimal(figures: str) -> Decimal:
    return Decimal(figures.replace(",", ""))


_SMALL = {
    word: n
    for n, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
        " fifteen sixteen seventeen eighteen nineteen".split()
    )
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fourty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {
    "thousand": Decimal(10**3),
    "k": Decimal(10**3),
    "million": Decimal(10**6),
    "m": Decimal(10**6),
    "mm": Decimal(10**6),
    "mn": Decimal(10**6),
    "billion": Decimal(10**9),
    "b": Decimal(10**9),
    "bn": Decimal(10**9),
}
_FRACTIONS = {"half": Decimal("0.5"), "quarter": Decimal("0.25"), "fourth": Decimal("0.25")}
_ORDINALS = {
    word: n
    for n, word in enumerate(
        "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth"
        " thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth"
        " twentieth".split(),
        start=1,
    )
} | {"thirtieth": 30}
_MONTHS = {
    name: n
    for n, name in enumerate(
        "jan feb mar apr may jun jul aug sep oct nov dec".split(),
        start=1,
    )
}
_SYMBOLS = {
    "$": "USD",
    "US$": "USD",
    "U.S.$": "USD",
    "C$": "CAD",
    "CA$": "CAD",
    "CDN$": "CAD",
    "A$": "AUD",
    "AU$": "AUD",
    "NZ$": "NZD",
    "HK$": "HKD",
    "S$": "SGD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
}
# Checked in order against the lower-cased currency words.
_CURRENCY_WORDS = (
    ("canadian", "CAD"),
    ("australian", "AUD"),
    ("zealand", "NZD"),
    ("hong", "HKD"),
    ("singapore", "SGD"),
    ("dollar", "USD"),
    ("sterling", "GBP"),
    ("pound", "GBP"),
    ("euro", "EUR"),
    ("yen", "JPY"),
    ("franc", "CHF"),
    ("renminbi", "CNY"),
    ("yuan", "CNY"),
)
_UNITS = {
    "day": (1, PeriodUnit.DAY),
    "week": (1, PeriodUnit.WEEK),
    "month": (1, PeriodUnit.MONTH),
    "quarter": (3, PeriodUnit.MONTH),
    "year": (1, PeriodUnit.YEAR),
}
_FREQUENCIES = {
    "annual": Period(Decimal(1), PeriodUnit.YEAR),
    "yearly": Period(Decimal(1), PeriodUnit.YEAR),
    "semiannual": Period(Decimal(6), PeriodUnit.MONTH),
    "quarterly": Period(Decimal(3), PeriodUnit.MONTH),
    "monthly": Period(Decimal(1), PeriodUnit.MONTH),
    "weekly": Period(Decimal(1), PeriodUnit.WEEK),
    "daily": Period(Decimal(1), PeriodUnit.DAY),
}


def _words(text: str) -> str:
    """Lower-case ``text`` with runs of spaces and hyphens as one space."""
    return " ".join(text.lower().replace("-", " ").split())


def _fraction(token: str) -> Decimal:
    # "one-half", "a half", "and one-quarter", "three-quarters" ...
    words = _words(token).split()
    value = _FRACTIONS[words[-1].rstrip("s")]
    return value * 3 if words[-2] == "three" else value


def _unit(token: str) -> tuple[int, PeriodUnit]:
    return _UNITS[token.lower().rstrip("s")]


class _Priced(NamedTuple):
    """One amount with its currency, before glosses are reconciled."""

    amount: Decimal | None
    currency: str
    explicit: bool  # False for a bare "$", which other currencies use too


def _code(token: str) -> str:
    return "CNY" if token == "RMB" else str(token)


def _currency_of_word(token: str) -> str:
    lowered = token.lower()
    for key, code in _CURRENCY_WORDS:
        if key in lowered:
            return code
    raise ValueError(f"unknown currency word {token!r}")


class _ToValue(Transformer[Token, Any]):
    """Turns each rule of ``values.lark`` into plain values; method names are rule names."""

    # -- numbers

    def decimal(self, children: list[Token]) -> Decimal:
        return _decimal(children[0])

    def scale(self, children: list[Token]) -> Decimal:
        return _SCALES[children[0].lower()]

    def scaled(self, children: list[Any]) -> Decimal:
        return _EXACT.multiply(_decimal(children[0]), children[1])

    def words(self, children: list[Any]) -> Decimal:
        if isinstance(children[0], Token):  # a fraction alone: "one-half"
            return _fraction(children[0])
        value = Decimal(children[0])
        return value + _fraction(children[1]) if len(children) == 2 else value

    def wsmall(self, children: list[Token]) -> int:
        words = _words(children[0]).split()
        if words[0] in _TENS:
            return _TENS[words[0]] + (_SMALL[words[1]] if len(words) == 2 else 0)
        return _SMALL[words[0]]

    @staticmethod
    def _group(children: list[Any], factor: int) -> int:
        # [count, SCALE_WORD] or [count, SCALE_WORD, rest]
        rest: int = children[2] if len(children) == 3 else 0
        return int(children[0]) * factor + rest

    def whundred(self, children: list[Any]) -> int:
        return self._group(children, 100)

    def wthousand(self, children: list[Any]) -> int:
        return self._group(children, 10**3)

    def wmillion(self, children: list[Any]) -> int:
        return self._group(children, 10**6)

    def wbillion(self, children: list[Any]) -> int:
        return self._group(children, 10**9)

    # -- money

    def redacted(self, children: list[Token]) -> None:
        return None

    def money_core(self, children: list[Any]) -> _Priced:
        first, *rest = children
        if isinstance(first, Token) and first.type == "CUR_SYM":
            amount = children[1]
            if len(children) == 3:  # "$5 CAD": the code says which dollar
                return _Priced(amount, _code(children[2]), True)
            symbol = first.replace(" ", "")
            return _Priced(amount, _SYMBOLS[symbol], symbol != "$")
        if isinstance(first, Token) and first.type == "CUR_CODE":
            return _Priced(rest[0], _code(first), True)
        label: Token = rest[0]
        if label.type == "CUR_CODE":
            return _Priced(first, _code(label), True)
        return _Priced(first, _currency_of_word(label), True)

    def money(self, children: list[Any]) -> Money:
        if len(children) == 1:
            only: _Priced = children[0]
            return Money(_canon_or_none(only.amount), only.currency)
        words_or_main, gloss, *label = children
        gloss_: _Priced = gloss
        if isinstance(words_or_main, _Priced):
            main = words_or_main
        else:  # "Two Hundred Thousand ($200,000) Dollars"
            currency = _currency_of_word(label[0]) if label else gloss_.currency
            main = _Priced(words_or_main, currency, bool(label))
        amount = gloss_.amount if gloss_.amount is not None else main.amount
        currency = gloss_.currency if gloss_.explicit or not main.explicit else main.currency
        return Money(_canon_or_none(amount), currency)

    # -- percent

    def fraction_of(self, children: list[Any]) -> Decimal:
        return _EXACT.multiply(_fraction(children[0]), children[1])

    def percent(self, children: list[Decimal]) -> Decimal:
        return _canon(children[-1])

    # -- dates

    def day(self, children: list[Token]) -> int:
        token = children[0]
        if token.type == "DAY_NUM":
            return int(token.rstrip("stndrhSTNDRH"))
        words = _words(token).split()
        if words[0] in _TENS:
            return _TENS[words[0]] + (_ORDINALS[words[1]] if len(words) == 2 else 0)
        return _ORDINALS[words[0]]

    def month_day_year(self, children: list[Any]) -> dt.date:
        month, day, year = children
        return dt.date(int(year), _month(month), day)

    def day_month_year(self, children: list[Any]) -> dt.date:
        day, month, year = children
        return dt.date(int(year), _month(month), day)

    def iso_date(self, children: list[Token]) -> dt.date:
        return dt.date.fromisoformat(children[0])

    def us_date(self, children: list[Token]) -> dt.date:
        month, day, year = children[0].split("/")
        return dt.date(int(year), int(month), int(day))

    def month_year(self, children: list[Token]) -> dt.date:
        year, month = int(children[1]), _month(children[0])
        return dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)

    def year_only(self, children: list[Token]) -> dt.date:
        return dt.date(int(children[0]), 12, 31)

    # -- periods

    def count(self, children: list[Decimal]) -> Decimal:
        return children[-1]

    def duration(self, children: list[Any]) -> Period:
        factor, unit = _unit(children[-1])
        return Period(_canon(_EXACT.multiply(children[0], Decimal(factor))), unit)

    def frequency(self, children: list[Token]) -> Period:
        if len(children) == 1 and children[0].type == "FREQUENCY":
            word = _words(children[0]).replace("semi ", "semi")
            if word == "per annum":
                return _FREQUENCIES["annual"]
            return _FREQUENCIES[word.removesuffix("ly") if word.endswith("ally") else word]
        factor, unit = _unit(children[-1])
        return Period(Decimal(factor), unit)


def _canon_or_none(d: Decimal | None) -> Decimal | None:
    return None if d is None else _canon(d)


def _month(token: str) -> int:
    return _MONTHS[token[:3].lower()]


# ---------------------------------------------------------------------------- fast paths

# Each accepts a subset of what the grammar accepts and gives the same value
# (tests/test_values.py::test_fast_paths_agree_with_grammar); they are ~20x cheaper than
# a Lark parse on the commonest phrases.
_FIGURES = r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_FAST_MONEY = re.compile(rf"(?:US\s?|U\.S\.\s?)?\$\s?{_FIGURES}").fullmatch
_FAST_PERCENT = re.compile(rf"{_FIGURES}\s*(?:%|percent)", re.IGNORECASE).fullmatch
_FAST_PERIOD = re.compile(rf"{_FIGURES}\s*(day|week|month|year)s?", re.IGNORECASE).fullmatch
_FAST_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})").fullmatch
_PERIOD_UNITS = {
    "day": PeriodUnit.DAY,
    "week": PeriodUnit.WEEK,
    "month": PeriodUnit.MONTH,
    "year": PeriodUnit.YEAR,
}


def _fast_money(phrase: str) -> Money | None:
    m = _FAST_MONEY(phrase)
    return Money(_canon(_decimal(m[1])), "USD") if m else None


def _fast_percent(phrase: str) -> Decimal | None:
    m = _FAST_PERCENT(phrase)
    return _canon(_decimal(m[1])) if m else None


def _fast_period(phrase: str) -> Period | None:
    m = _FAST_PERIOD(phrase)
    return Period(_canon(_decimal(m[1])), _PERIOD_UNITS[m[2].lower()]) if m else None


def _fast_date(phrase: str) -> dt.date | None:
    m = _FAST_ISO(phrase)
    if m is None:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


_FAST: dict[str, Callable[[str], _Value | None]] = {
    "money": _fast_money,
    "percent": _fast_percent,
    "period": _fast_period,
    "date": _fast_date,
}


# ---------------------------------------------------------------------------- the finder


@functools.cache
def _finder() -> re.Pattern[str]:
    """One regex for every candidate phrase, assembled from the grammar's terminals.

    Each named group (money, percent, period, date) mirrors the start rule of that name,
    minus the forms that are too ambiguous in running text (a year alone, a frequency).
    """
    parser = _parser()

    def t(name: str) -> str:
        return f"(?:{parser.get_terminal(name).pattern.to_regexp()})"

    def ci(pattern: str) -> str:
        return f"(?i:{pattern})"

    word = f"(?:{t('COMPOUND')}|{t('TENS')}|{t('TEEN')}|{t('UNIT')}|{t('HUNDRED')}"
    word += f"|{t('THOUSAND')}|{t('MILLION')}|{t('BILLION')})"
    wnum = f"(?:{t('FRACTION')}|{word}(?:\\s+(?:{t('_AND')}\\s+)?{word})*"
    wnum += f"(?:\\s+{t('AND_FRACTION')})?)"
    scale = f"(?:\\s*(?:{t('THOUSAND')}|{t('MILLION')}|{t('BILLION')})|{t('SCALE_ABBR')})"
    num = f"(?:{t('DECIMAL')}{scale}?|{wnum})"

    amount = f"(?:{t('REDACTED')}|{num})"
    core = (
        f"(?:{t('CUR_SYM')}\\s?{amount}(?:\\s*{t('CUR_CODE')})?"
        f"|{t('CUR_CODE')}\\s?{amount}"
        f"|{amount}\\s*(?:{t('CUR_CODE')}|{t('CUR_WORD')}))"
    )
    money = f"{core}(?:\\s*\\(\\s*{core}\\s*\\))?|{wnum}\\s*\\(\\s*{core}\\s*\\)(?:\\s*{t('CUR_WORD')})?"

    pct = t("_PCT")
    share = f"(?:{t('FRACTION')}\\s+{t('_OF')}\\s+{num}|{num})"
    percent = (
        f"{share}\\s*{pct}(?:\\s*\\(\\s*{share}\\s*{pct}\\s*\\))?"
        f"|{wnum}\\s*\\(\\s*{share}\\s*(?:{pct}\\s*\\)(?:\\s*{pct})?|\\)\\s*{pct})"
    )

    period = (
        f"(?:(?:{t('_A')}\\s+)?{t('_PERIOD')}\\s+{t('_OF')}\\s+)?"
        f"{num}(?:\\s*\\(\\s*{num}\\s*\\))?(?:\\s*-\\s*|\\s*)"
        f"(?:{t('QUALIFIER')}\\s+)*{t('TIME_UNIT')}"
    )

    day = f"(?:{t('DAY_NUM')}|{t('ORDINAL')})"
    date = (
        f"{t('ISO_DATE')}|{t('US_DATE')}"
        f"|{t('MONTH')}\\s*{day}\\s*,?\\s*{t('YEAR')}"
        f"|{day}\\s+(?:(?:{t('_DAY_OF')}|{t('_OF')})\\s+)?{t('MONTH')}\\s*,?\\s*{t('YEAR')}"
    )

    # Never start inside a word or a figure ("1,250", "12/31", "thirty-six"), nor end inside
    # a word ("$4 millionaire" is "$4").
    return re.compile(
        rf"(?<![\w.,/$€£¥-])(?:(?P<money>{money})|(?P<percent>{percent})"
        rf"|(?P<period>{period})|(?P<date>{date}))(?!\w)"
    )
