"""Normalised values: money, percentages, dates and periods.

Phrases are parsed by the Lark grammar ``grammar/values.lark``; this module holds the
value types and the functions that find and normalise value phrases in a sentence.

Finding is two steps. One compiled regex, assembled from the grammar's own terminals, finds
candidate phrases; each candidate is then parsed by the LALR grammar with an embedded
transformer (digits-only phrases such as ``$250,000`` or ``45 days`` take a plain-Python fast
path that gives the same values). A candidate the grammar rejects is dropped and the scan goes
on from its next character, so a shorter phrase inside it can still be found.

Decisions:

- A number given in words and in figures (``twenty percent (20%)``, ``30 (thirty) days``):
  the figures are the value.
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
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any, NamedTuple, TypeAlias, cast

import attrs
from lark import Lark, Token, Transformer
from lark.exceptions import LarkError

from .grammars import load_grammar

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
        kind = _KINDS[m.lastindex or 0]
        assert kind is not None  # every branch of the finder ends in a kind's group
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

# Value arithmetic (only multiplication) is exact whatever the length of the figures.
_EXACT = decimal.Context(prec=decimal.MAX_PREC, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN)


def _parse(kind: str, phrase: str) -> _Value | None:
    """Parse ``phrase`` as a whole ``kind`` phrase, or None."""
    # Contracts repeat their phrases ("thirty (30) days") and values are immutable, so short
    # phrases are cached; long ones are not worth the memory.
    if len(phrase) <= 200:
        return _parse_cached(kind, phrase)
    return _parse_uncached(kind, phrase)


def _parse_uncached(kind: str, phrase: str) -> _Value | None:
    """The fast path, else the grammar."""
    fast = _fast_paths()[kind](phrase)
    if fast is not None:
        return fast
    return _parse_grammar(kind, phrase)


_parse_cached = functools.lru_cache(maxsize=4096)(_parse_uncached)


def _parse_grammar(kind: str, phrase: str) -> _Value | None:
    try:
        return cast(_Value, _parser().parse(phrase, start=kind))
    except (LarkError, ValueError, ArithmeticError):
        # ValueError: an impossible date or number; ArithmeticError: figures Decimal refuses.
        return None


@functools.cache
def _parser() -> Lark:
    return load_grammar(
        "values.lark",
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


def _words(text: str) -> list[str]:
    """The lower-cased words of ``text``, hyphens counting as spaces."""
    return text.lower().replace("-", " ").split()


_SMALL = {
    word: n
    for n, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
        " fifteen sixteen seventeen eighteen nineteen".split()
    )
} | {"twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60}
_SMALL |= {"seventy": 70, "eighty": 80, "ninety": 90}
_SCALES = {
    "thousand": 10**3,
    "k": 10**3,
    "million": 10**6,
    "m": 10**6,
    "mm": 10**6,
    "mn": 10**6,
    "billion": 10**9,
    "b": 10**9,
    "bn": 10**9,
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
    name: n for n, name in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)
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
    "per annum": _UNITS["year"],
    "annual": _UNITS["year"],
    "yearly": _UNITS["year"],
    "semiannual": (6, PeriodUnit.MONTH),
    "quarterly": _UNITS["quarter"],
    "monthly": _UNITS["month"],
    "weekly": _UNITS["week"],
    "daily": _UNITS["day"],
}


class _Spelled(NamedTuple):
    """A number spelled out in words; figures beside it, if any, are the value."""

    value: Decimal


# A number as the rules hand it over: a token with figures (DECIMAL, "(45)", "(20%)"), a
# REDACTED token, a Decimal from ``scaled`` (figures too), or a number in words.
_Number = Token | Decimal | _Spelled


class _Priced(NamedTuple):
    """One amount with its currency, before a gloss in parentheses is reconciled."""

    amount: Decimal | None
    currency: str
    explicit: bool  # False for a bare "$", which other dollars use too
    figures: bool  # False for an amount in words


def _value(item: _Number) -> Decimal | None:
    if isinstance(item, _Spelled):
        return item.value
    if isinstance(item, Token):
        if item.type == "REDACTED":
            return None
        return _decimal(item.strip("()% \t\r\n"))  # DECIMAL, "(45)" or "(20%)"
    return item


def _figures_win(numbers: list[_Number]) -> Decimal:
    """The value of a number given twice ("thirty (30)", "20% (twenty percent)")."""
    figures = [n for n in numbers if not isinstance(n, _Spelled)]
    value = _value((figures or numbers)[-1])
    assert value is not None  # only money admits a redaction, and it does not come here
    return value


def _small(token: str) -> int:
    return sum(_SMALL[word] for word in _words(token))


def _fraction(token: str) -> Decimal:
    # "one-half", "a half", "and one-quarter", "three-quarters" ...
    *head, last = _words(token)
    value = _FRACTIONS[last.rstrip("s")]
    return value * 3 if head[-1] == "three" else value


def _code(token: str) -> str:
    return "CNY" if token == "RMB" else str(token)


def _currency_of_word(token: str) -> str:
    lowered = token.lower()
    return next(code for key, code in _CURRENCY_WORDS if key in lowered)


def _month(token: str) -> int:
    return _MONTHS[token[:3].lower()]


def _period(count: Decimal, unit_token: str) -> Period:
    factor, unit = _UNITS[unit_token.lower().rstrip("s")]
    return Period(_canon(_EXACT.multiply(count, Decimal(factor))), unit)


class _ToValue(Transformer[Token, Any]):
    """Turns each rule of ``values.lark`` into a value; method names are rule names.

    Embedded in the LALR parser, so no tree is built; children are tokens or the values
    returned for sub-rules.
    """

    def wgroup(self, children: list[Token]) -> int:
        value = _small(children[0])
        if len(children) >= 2:  # SMALL HUNDRED (SMALL)?
            value = value * 100 + (_small(children[2]) if len(children) == 3 else 0)
        return value

    def words(self, children: list[Any]) -> _Spelled:
        first = children[0]
        if isinstance(first, Token):  # a fraction alone: "one-half"
            return _Spelled(_fraction(first))
        # Word numbers stay under 10**12, well inside Decimal's default precision.
        total, group, fraction, last_scale = Decimal(0), 0, Decimal(0), 10**12
        for item in children:
            if isinstance(item, int):
                group = item
            elif item.type == "AND_FRACTION":
                fraction = _fraction(item)
            else:
                scale = _SCALES[item.lower()]
                if group == 0 or scale >= last_scale:  # "million thousand", "thousand million"
                    raise ValueError(f"scale out of order: {item!r}")
                total += (group + fraction) * scale
                group, fraction, last_scale = 0, Decimal(0), scale
        return _Spelled(total + group + fraction)

    def scaled(self, children: list[Token]) -> Decimal:
        return _EXACT.multiply(_decimal(children[0]), Decimal(_SCALES[children[1].lower()]))

    def money_core(self, children: list[Any]) -> _Priced:
        first = children[0]
        if isinstance(first, Token) and first.type == "CUR_SYM":
            number, *after = children[1:]
            symbol = "".join(first.split())  # "US $", "US\xa0$": any white space
            if after:  # "$5 CAD": the code says which dollar
                return _priced(number, _code(after[0]), True)
            return _priced(number, _SYMBOLS[symbol], symbol != "$")
        if isinstance(first, Token) and first.type == "CUR_CODE":
            return _priced(children[1], _code(first), True)
        label: Token = children[1]
        code = _code(label) if label.type == "CUR_CODE" else _currency_of_word(label)
        return _priced(first, code, True)

    def money(self, children: list[Any]) -> Money:
        main, *rest = children
        if rest:
            gloss, *label = rest
            if isinstance(main, _Spelled):  # "Two Hundred Thousand ($200,000) Dollars"
                currency = _currency_of_word(label[0]) if label else gloss.currency
                main = _Priced(main.value, currency, bool(label), False)
            given = [p for p in (gloss, main) if p.amount is not None] or [main]
            amount = next((p for p in given if p.figures), given[0]).amount
            # A bare "$" gloss takes the currency the words name ("Canadian dollars ($5)").
            currency = gloss.currency if gloss.explicit or not main.explicit else main.currency
            main = _Priced(amount, currency, True, True)
        return Money(None if main.amount is None else _canon(main.amount), main.currency)

    def fraction_of(self, children: list[Any]) -> _Spelled:
        return _Spelled(_EXACT.multiply(_fraction(children[0]), _figures_win(children[1:])))

    def percent(self, children: list[_Number]) -> Decimal:
        return _canon(_figures_win(children))

    def fraction_share(self, children: list[Token]) -> Decimal:
        # As elsewhere, figures given beside the words are the value: "one-third (33.3%)".
        words, *gloss = children
        if gloss and gloss[0].type == "PERCENT_GLOSS":
            figures: list[_Number] = [gloss[0]]
            return _canon(_figures_win(figures))
        if gloss:  # "(1/2)"
            numerator, denominator = re.findall(r"\d", gloss[0])
            share = Decimal(numerator) / Decimal(denominator)
        elif words.type == "THIRDS":
            share = Decimal(2 if words.lower().startswith("two") else 1) / 3
        else:
            share = _fraction(words)
        return _canon((share * 100).quantize(Decimal("0.01")))

    def basis_points(self, children: list[_Number]) -> Decimal:
        last = children[-1]
        if isinstance(last, Token) and last.type == "PERCENT_GLOSS":
            return _canon(_figures_win([last]))  # "25 basis points (0.25%)": the percentage
        return _canon(_EXACT.divide(_figures_win(children), Decimal(100)))

    def date(self, children: list[Token]) -> dt.date:
        types = [child.type for child in children]
        if types == ["MONTH", "DAY", "YEAR"]:
            return dt.date(int(children[2]), _month(children[0]), _day(children[1]))
        if types == ["DAY", "MONTH", "YEAR"]:
            return dt.date(int(children[2]), _month(children[1]), _day(children[0]))
        if types == ["ISO_DATE"]:
            return dt.date.fromisoformat(children[0])
        if types == ["US_DATE"]:
            m, d, y = children[0].split("/")
            return dt.date(int(y), int(m), int(d))
        if types == ["MONTH", "YEAR"]:
            year, month = int(children[1]), _month(children[0])
            return dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
        return dt.date(int(children[0]), 12, 31)

    def period(self, children: list[Any]) -> Period:
        first = children[0]
        if isinstance(first, Token) and first.type == "FREQUENCY":
            word = " ".join(_words(first)).replace("semi ", "semi")
            factor, unit = _FREQUENCIES[word[:-2] if word.endswith("ally") else word]
            return Period(Decimal(factor), unit)
        if isinstance(first, Token) and first.type in ("QUALIFIER", "TIME_UNIT"):
            return _period(Decimal(1), children[-1])  # "per year", "each calendar quarter"
        # A count, maybe restated ("(45)", "(thirty)"), then qualifiers and the unit.
        counts = [c for c in children if not (isinstance(c, Token) and c.type in _UNIT_TYPES)]
        return _period(_figures_win(counts), children[-1])


_UNIT_TYPES = ("QUALIFIER", "TIME_UNIT")


def _priced(number: _Number, currency: str, explicit: bool) -> _Priced:
    return _Priced(_value(number), currency, explicit, not isinstance(number, _Spelled))


def _day(token: str) -> int:
    if token[0].isdigit():
        return int(token.rstrip("stndrhSTNDRH"))
    return sum(_ORDINALS.get(word) or _SMALL[word] for word in _words(token))


# ---------------------------------------------------------------------------- fast paths


def _terminal(name: str) -> str:
    """The regex of a grammar terminal, grouped, with its flags inline."""
    return f"(?:{_parser().get_terminal(name).pattern.to_regexp()})"


class _FastPaths:
    """Plain-regex parsers for the commonest phrases that have figures only.

    Each accepts a subset of what the grammar accepts, is built from the grammar's own
    terminals, and gives the same value (tests/test_values.py checks this on every case and
    on generated figures). A Lark parse costs tens of microseconds; these cost one or two.
    """

    def __init__(self) -> None:
        t = _terminal
        n = f"({t('DECIMAL')})"
        self._money = re.compile(
            f"({t('CUR_SYM')})\\s?{n}|({t('CUR_CODE')})\\s?{n}|{n}\\s?({t('CUR_CODE')})"
        ).fullmatch
        self._percent = re.compile(f"{n}\\s*{t('_PCT')}").fullmatch
        self._period = re.compile(f"{n}\\s*({t('TIME_UNIT')})").fullmatch
        self._date = re.compile(f"({t('ISO_DATE')})|({t('US_DATE')})").fullmatch

    def money(self, phrase: str) -> Money | None:
        m = self._money(phrase)
        if m is None:
            return None
        symbol, figures1, code1, figures2, figures3, code2 = m.groups()
        if symbol is not None:
            return Money(_canon(_decimal(figures1)), _SYMBOLS["".join(symbol.split())])
        if code1 is not None:
            return Money(_canon(_decimal(figures2)), _code(code1))
        return Money(_canon(_decimal(figures3)), _code(code2))

    def percent(self, phrase: str) -> Decimal | None:
        m = self._percent(phrase)
        return _canon(_decimal(m[1])) if m else None

    def period(self, phrase: str) -> Period | None:
        m = self._period(phrase)
        return _period(_decimal(m[1]), m[2]) if m else None

    def date(self, phrase: str) -> dt.date | None:
        m = self._date(phrase)
        if m is None:
            return None
        try:
            if m[1] is not None:
                return dt.date.fromisoformat(m[1])
            month, day, year = m[2].split("/")
            return dt.date(int(year), int(month), int(day))
        except ValueError:
            return None


@functools.cache
def _fast_paths() -> dict[str, Callable[[str], _Value | None]]:
    fast = _FastPaths()
    return {"money": fast.money, "percent": fast.percent, "period": fast.period, "date": fast.date}


# ---------------------------------------------------------------------------- the finder

# Terminals a candidate phrase can start with, spelled in words (figures and symbols are
# handled apart); the finder's first guard is derived from them.
_LEADING_WORD_TERMINALS = ("SMALL", "FRACTION", "THIRDS", "_A", "_PERIOD", "MONTH", "DAY")


@functools.cache
def _finder() -> re.Pattern[str]:
    return _build_finder(guards=True)


def _build_finder(*, guards: bool) -> re.Pattern[str]:
    """One regex for every candidate phrase, assembled from the grammar's terminals.

    Each branch (money, percent, period, date) mirrors the start rule of that name, minus
    the forms too ambiguous in running text (a year alone, a frequency).

    ``guards`` adds lookaheads that change speed only, never matches (a test checks): one in
    front of everything that gives up at once on a word no phrase starts with, which is most
    words, and one in front of each spelled-out part so that, say, "December" is not tried
    as a number by every branch in turn.
    """
    t = _terminal

    def first_words(*names: str) -> str:
        runs = _letter_runs(_parser().get_terminal(name).pattern.value for name in names)
        return _prefix_regex(runs)

    def ahead(pattern: str) -> str:
        return f"(?={pattern})" if guards else ""

    word = f"(?:{t('SMALL')}|{t('HUNDRED')}|{t('SCALE_WORD')})"
    # Atomic and bounded, so that a run of number words ("one one one ...") is read once per
    # start, not backtracked through by every branch. A word that starts a fraction is left
    # to AND_FRACTION ("twelve and one-half").
    wnum = (
        f"{ahead(first_words('SMALL', 'FRACTION'))}(?>{t('FRACTION')}"
        f"|{t('SMALL')}(?:\\s+(?:{t('_AND')}\\s+)?(?!{t('FRACTION')}){word}){{0,15}}"
        f"(?:\\s+{t('AND_FRACTION')}(?:\\s+{t('SCALE_WORD')})?)?)"
    )
    figures = t("DECIMAL")
    # "$3bn", "USD 250 bn": a scale abbreviation after a space only when it cannot be a word.
    spaced_abbr = r"[^\S\n]+(?:bn|mn|mm)\b"
    num = f"(?:{figures}(?:\\s*{t('SCALE_WORD')}|{t('SCALE_ABBR')}|{spaced_abbr})?|{wnum})"
    lpar, rpar = r"\s*\(\s*", r"\s*\)"

    amount = f"(?:{t('REDACTED')}|{num})"
    core = (
        f"(?:{t('CUR_SYM')}\\s?{amount}(?:\\s*{t('CUR_CODE')})?"
        f"|{t('CUR_CODE')}\\s?{amount}"
        f"|{amount}\\s*(?:{t('CUR_CODE')}|{t('CUR_WORD')}))"
    )
    money = f"{core}(?:{lpar}{core}{rpar})?|{wnum}{lpar}{core}{rpar}(?:\\s*{t('CUR_WORD')})?"

    # Restatements: "(45)", "(20%)", "(thirty)", "(twenty percent)".
    pct, pct_gloss, gloss = t("_PCT"), t("PERCENT_GLOSS"), t("FIGURES_GLOSS")
    share = f"(?:{t('FRACTION')}\\s+{t('_OF')}\\s+{num}|{num})"
    # "one-half (1/2) of", "two-thirds of": a fraction is a share only before "of".
    fraction_share = (
        f"(?:{t('FRACTION')}(?:\\s*{t('SHARE_GLOSS')})?"
        f"|{t('THIRDS')}(?:\\s*(?:{t('SHARE_GLOSS')}|{pct_gloss}))?)(?=\\s+{t('_OF')})"
    )
    percent = (
        f"{share}\\s*{pct}(?:\\s*(?:{pct_gloss}|\\(\\s*{wnum}\\s*{pct}{rpar}))?"
        f"|{wnum}\\s*(?:{pct_gloss}(?:\\s*{pct})?|{gloss}\\s*{pct})"
        f"|{figures}{lpar}{wnum}{rpar}\\s*{pct}"
        f"|{num}(?:\\s*{gloss}|{lpar}{wnum}{rpar})?\\s*{t('_BPS')}(?:\\s*{pct_gloss})?"
        f"|{fraction_share}"
    )

    intro = f"{ahead(first_words('_A', '_PERIOD'))}(?:{t('_A')}\\s+)?{t('_PERIOD')}\\s+{t('_OF')}"
    period = (
        f"(?:{intro}\\s+)?"
        f"(?:(?:{figures}|{wnum})(?:\\s*{gloss})?|{figures}{lpar}{wnum}{rpar})"
        f"(?:\\s*-\\s*|\\s*)(?:{t('QUALIFIER')}\\s+){{0,3}}{t('TIME_UNIT')}"
    )

    month = ahead(first_words("MONTH")) + t("MONTH")
    day = ahead(f"\\d|{first_words('DAY')}") + t("DAY")
    year = t("YEAR")
    date = (
        f"{t('ISO_DATE')}|{t('US_DATE')}|{month}\\s*{day}\\s*,?\\s*{year}"
        f"|{day}\\s+(?:(?:{t('_DAY_OF')}|{t('_OF')})\\s+)?{month}\\s*,?\\s*{year}"
    )

    start = ahead(
        f"[\\d$€£¥\\[]|\\.\\d|{t('CUR_SYM')}|{t('CUR_CODE')}"
        f"|{first_words(*_LEADING_WORD_TERMINALS)}"
    )
    # Never start inside a word or a figure ("1,250", "12/31", "thirty-six"), nor end inside
    # a word ("$4 millionaire" is "$4").
    # Each branch ends in an empty group that names its kind (``_KINDS[m.lastindex]``): a
    # group around a whole branch would make the engine save it at every backtracking point,
    # which doubles the cost of a scan.
    return re.compile(
        rf"(?<![\w.,/$€£¥-]){start}"
        rf"(?:(?:{money})()|(?:{percent})()|(?:{period})()|(?:{date})())(?!\w)"
    )


# The kind of a finder match, by the index of the empty group that ends its branch.
_KINDS = (None, "money", "percent", "period", "date")


def _letter_runs(patterns: Iterable[str]) -> set[str]:
    """Every run of letters in the regex sources, lower-cased.

    A superset of the words a match can start with, provided alternatives are spelled out
    (``one|two``, ``jan(?:uary)?``) and not letter by letter (``[Oo]ne``).
    """
    runs: set[str] = set()
    for pattern in patterns:
        pattern = re.sub(r"\\.|\[(?:\\.|[^\]])*\]|\(\?(?:[a-zA-Z-]*:|<?[=!])", " ", pattern)
        runs.update(run.lower() for run in re.findall(r"[A-Za-z]+", pattern))
    return runs


def _prefix_regex(words: Iterable[str]) -> str:
    """A case-insensitive regex for text that starts with one of ``words``.

    Words under three letters ("a") must be whole words; longer ones may start a longer
    word ("jan" covers "January"). Letters are spelled ``[jJ]``: Python's regex engine skips
    a failing alternative faster on a character set than on a case-folded literal.
    """
    tree: dict[str, Any] = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = len(word) < 3  # end of a word: must it end the text's word too?

    def emit(node: dict[str, Any]) -> str:
        if node.get("") is False:
            return ""  # a long word ends here: any continuation will do
        alternatives = [
            f"[{char}{char.upper()}]{emit(child)}" for char, child in sorted(node.items()) if char
        ]
        if "" in node:
            alternatives.append("(?![A-Za-z])")
        return alternatives[0] if len(alternatives) == 1 else f"(?:{'|'.join(alternatives)})"

    return emit(tree)
