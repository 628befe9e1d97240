"""Tests for dealdiff.values: phrase parsing, finding values in sentences, and their laws.

Cases live in tests/data/values/ (see its README): add a case by adding a line.
Speed figures: ``python bench/bench_values.py``.
"""

from __future__ import annotations

import datetime as dt
import doctest
import functools
import importlib.resources
import logging
import re
import timeit
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import lark
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dealdiff import values
from dealdiff.values import (
    Money,
    Period,
    PeriodUnit,
    ValueMatch,
    find_values,
    parse_date,
    parse_money,
    parse_percent,
    parse_period,
)

DATA = Path(__file__).parent / "data" / "values"
KINDS = ("money", "percent", "date", "period")
PARSERS: dict[str, Callable[[str], Any]] = {
    "money": parse_money,
    "percent": parse_percent,
    "date": parse_date,
    "period": parse_period,
}


# ---------------------------------------------------------------------------- case files


def expected_value(kind: str, text: str) -> Any:
    """A value written as in tests/data/values/README.md."""
    if text == "None":
        return None
    if kind == "money":
        code, amount = text.split()
        return Money(None if amount == "redacted" else Decimal(amount), code)
    if kind == "percent":
        return Decimal(text)
    if kind == "date":
        return dt.date.fromisoformat(text)
    return Period.from_iso(text)


def load_parse_cases() -> list[Any]:
    cases = []
    for kind in KINDS:
        path = DATA / f"{kind}.txt"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            phrase, _, expected = line.partition(" => ")
            assert expected, f"{path.name}:{number}: no ' => '"
            cases.append(pytest.param(kind, phrase, expected, id=f"{kind}.txt:{number}"))
    return cases


def load_find_cases() -> list[Any]:
    cases = []
    text = (DATA / "find.txt").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    for block in "\n".join(lines).split("\n\n"):
        if not block.strip():
            continue
        marked, *wanted = block.strip("\n").splitlines()
        sentence, spans, pos = "", [], 0
        for m in re.finditer(r"\{\{(.*?)\}\}", marked):
            sentence += marked[pos : m.start()]
            spans.append((len(sentence), len(sentence) + len(m[1])))
            sentence += m[1]
            pos = m.end()
        sentence += marked[pos:]
        expected = []
        for (start, end), line in zip(spans, wanted, strict=True):
            kind, _, value = line.strip().partition(" ")
            expected.append(ValueMatch(kind, start, end, expected_value(kind, value)))
        cases.append(pytest.param(sentence, expected, id=sentence[:40]))
    return cases


PARSE_CASES = load_parse_cases()


@pytest.mark.parametrize(("kind", "phrase", "expected"), PARSE_CASES)
def test_parse_cases(kind: str, phrase: str, expected: str) -> None:
    value = PARSERS[kind](phrase)
    want = expected_value(kind, expected)
    assert value == want
    # Values are canonical: no trailing zeros ("$250,000.00" is USD 250,000).
    assert str(value) == str(want)


@pytest.mark.parametrize(("sentence", "expected"), load_find_cases())
def test_find_cases(sentence: str, expected: list[ValueMatch]) -> None:
    found = find_values(sentence)
    assert [sentence[m.start : m.end] for m in found] == [
        sentence[m.start : m.end] for m in expected
    ]
    assert found == expected
    assert [str(m.value) for m in found] == [str(m.value) for m in expected]


# ---------------------------------------------------------------------------- tables


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Pay $5 million within 30 days.", [("money", 4, 14), ("period", 22, 29)]),
        ("", []),
        ("$5", [("money", 0, 2)]),
        ("(20%)", [("percent", 1, 4)]),
        ("for five (5) years, then 2%", [("period", 4, 18), ("percent", 25, 27)]),
        ("US $ 13 billion and €2.5 million", [("money", 0, 15), ("money", 20, 32)]),
        ("thirty-six months", [("period", 0, 17)]),
        # Inside figures and words a phrase cannot start: "1,250" is not "250".
        ("1,250 days", [("period", 0, 10)]),
        ("$4 millionaire", [("money", 0, 2)]),
    ],
)
def test_find_values_offsets(text: str, expected: list[tuple[str, int, int]]) -> None:
    assert [(m.kind, m.start, m.end) for m in find_values(text)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "the year 2032",  # a year alone is only for parse_date
        "in December 2030",  # so is a month and year
        "payable annually, per annum, each calendar quarter",  # frequencies: parse_period
        "[***]% of Net Sales",  # a redacted percentage has no value
        "4,000 pounds of product",
        "a period of time",
        "Section 12.5 and clause 3",
        "the parties may agree",
        "one of the parties, in one or more instalments",
        "",
        "$",
        "percent",
    ],
)
def test_find_values_skips(text: str) -> None:
    assert find_values(text) == []


@pytest.mark.parametrize(
    ("parse", "text"),
    [
        (parse_money, "$"),
        (parse_money, ""),
        (parse_money, "   "),
        (parse_money, "the sum"),
        (parse_money, "$5 and $6"),
        (parse_percent, "percent"),
        (parse_percent, "20"),
        (parse_percent, "20% and 30%"),
        (parse_date, "the year"),
        (parse_date, "December"),
        (parse_date, "0000"),
        (parse_period, "the year"),
        (parse_period, "forty-five"),
        (parse_period, "5 days and 6 days"),
    ],
)
def test_junk_is_none(parse: Callable[[str], Any], text: str) -> None:
    assert parse(text) is None


def test_parse_strips_surrounding_space() -> None:
    assert parse_money("  $13 billion\n") == Money(Decimal(13 * 10**9), "USD")
    assert parse_period("\tquarterly ") == Period(Decimal(3), PeriodUnit.MONTH)


def test_docstring_examples() -> None:
    result = doctest.testmod(values, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0


# ---------------------------------------------------------------------------- the machinery


def test_grammar_has_no_conflicts(caplog: pytest.LogCaptureFixture) -> None:
    # Lark resolves LALR shift/reduce conflicts silently unless debug is on; a conflict here
    # would mean some phrase silently fails to parse.
    text = importlib.resources.files("dealdiff.grammar").joinpath("values.lark").read_text()
    level = lark.logger.level
    lark.logger.setLevel(logging.DEBUG)
    try:
        with caplog.at_level(logging.DEBUG, logger="lark"):
            lark.Lark(text, parser="lalr", start=list(KINDS), debug=True)
    finally:
        lark.logger.setLevel(level)
    assert not [r.getMessage() for r in caplog.records if "onflict" in r.getMessage()]


@pytest.mark.parametrize(("kind", "phrase", "expected"), PARSE_CASES)
def test_fast_paths_agree_with_grammar(kind: str, phrase: str, expected: str) -> None:
    fast = values._fast_paths()[kind](phrase.strip())
    if fast is None:
        return
    assert fast == values._parse_grammar(kind, phrase.strip())


@given(
    st.integers(0, 10**15),
    st.integers(0, 99),
    st.sampled_from(["$", "US$", "US $ ", "€", "£ ", "C$", "USD ", "EUR", "JPY "]),
)
def test_fast_money_agrees_with_grammar(n: int, cents: int, prefix: str) -> None:
    fast = values._fast_paths()["money"]
    for phrase in (f"{prefix}{n:,}", f"{prefix}{n}", f"{prefix}{n:,}.{cents:02d}", f"{n:,} GBP"):
        value = fast(phrase)
        assert value is not None
        assert value == values._parse_grammar("money", phrase)


@given(st.dates(dt.date(1000, 1, 1)), st.sampled_from(["%Y-%m-%d", "%m/%d/%Y", "%-m/%-d/%Y"]))
def test_fast_date_agrees_with_grammar(date: dt.date, form: str) -> None:
    phrase = date.strftime(form)
    assert values._fast_paths()["date"](phrase) == date
    assert values._parse_grammar("date", phrase) == date


def test_prefix_regex() -> None:
    pattern = re.compile(values._prefix_regex(["a", "jan", "one"]))
    assert pattern.match("January") and pattern.match("ONE") and pattern.match("onerous")
    assert pattern.match("a half") and pattern.match("A")
    assert not pattern.match("and") and not pattern.match("ja") and not pattern.match("the")


# ---------------------------------------------------------------------------- properties


@given(st.integers(min_value=0, max_value=10**18))
def test_money_figures_round_trip(n: int) -> None:
    assert parse_money(f"${n:,}") == Money(Decimal(n), "USD")
    assert parse_money(f"USD {n}") == Money(Decimal(n), "USD")


_ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
    " fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def to_words(n: int, *, british: bool = False) -> str:
    """English words for 1 <= n < 10**12; ``british`` puts "and" after "hundred"."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + (f"-{_ONES[n % 10]}" if n % 10 else "")
    if n < 1000:
        head = f"{_ONES[n // 100]} hundred"
        rest = n % 100
        return head if not rest else f"{head}{' and ' if british else ' '}{to_words(rest)}"
    for scale, name in ((10**9, "billion"), (10**6, "million"), (10**3, "thousand")):
        if n >= scale:
            head = f"{to_words(n // scale, british=british)} {name}"
            rest = n % scale
            return head if not rest else f"{head} {to_words(rest, british=british)}"
    raise AssertionError(n)


def test_to_words() -> None:
    assert to_words(45) == "forty-five"
    assert to_words(250_000, british=True) == "two hundred and fifty thousand"
    assert to_words(10_000_000_000) == "ten billion"


@given(
    st.integers(min_value=1, max_value=10**12 - 1),
    st.booleans(),
    st.sampled_from([str.lower, str.title, str.upper]),
)
def test_word_numbers_round_trip(n: int, british: bool, case: Callable[[str], str]) -> None:
    words = case(to_words(n, british=british))
    assert parse_money(f"{words} dollars") == Money(Decimal(n), "USD")
    assert parse_period(f"{words} days") == Period(Decimal(n), PeriodUnit.DAY)
    assert parse_percent(f"{words} ({n}%)") == Decimal(n)


def check_matches(text: str, found: list[ValueMatch]) -> None:
    end = 0
    for m in found:
        assert m.kind in KINDS
        assert end <= m.start < m.end <= len(text)
        end = m.end
        # Every match is a whole phrase that its parse_* function reads the same way.
        assert PARSERS[m.kind](text[m.start : m.end]) == m.value


@settings(deadline=None)  # the first example builds the parser
@given(st.text())
def test_find_values_on_any_text(text: str) -> None:
    check_matches(text, find_values(text))


# Fragments of value phrases, so that generated texts hit the grammar, its rejections and
# the scan's restarts far more often than random text does.
_FRAGMENTS = [
    "$", "US$", "US $", "USD", "EUR", "€", "£", "¥", "C$", "A$", "[***]", "[*]", "(", ")", "-",
    ",", ".", "%", "percent", "per cent", "of", "and", "a", "period", "day", "days", "years",
    "months", "calendar", "Business", "dollars", "US dollars", "pounds", "sterling", "million",
    "billion", "thousand", "hundred", "one", "one-half", "and one-half", "five", "Twenty",
    "forty-five", "ninety", "twelve", "first", "31st", "day of", "December", "Dec.", "may",
    "2030", "12/31/2030", "2030-12-31", "31", "45", "(45)", "(20%)", "1,250", "12.5", "4m",
    "the", "Licensee", "shall", "pay", "within", "per annum",
]  # fmt: skip
_SEPARATORS = st.sampled_from([" ", "", ", ", "  ", "\n", "-"])
_PHRASE_TEXT = st.lists(
    st.tuples(st.sampled_from(_FRAGMENTS) | st.text(max_size=3), _SEPARATORS), max_size=12
).map(lambda parts: "".join(a + b for a, b in parts))


@settings(max_examples=300, deadline=None)
@given(_PHRASE_TEXT)
def test_find_values_on_phrase_soup(text: str) -> None:
    check_matches(text, find_values(text))


@functools.cache
def unguarded_finder() -> re.Pattern[str]:
    return values._build_finder(guards=False)


@settings(max_examples=300, deadline=None)
@given(_PHRASE_TEXT | st.text())
def test_guards_change_no_match(text: str) -> None:
    unguarded = unguarded_finder()
    assert [m.span() for m in values._finder().finditer(text)] == [
        m.span() for m in unguarded.finditer(text)
    ]


_FOUND_PHRASES = [
    phrase
    for kind, phrase, expected in (case.values for case in PARSE_CASES)
    if expected != "None" and [(m.start, m.end) for m in find_values(phrase)] == [(0, len(phrase))]
]
_FILLER = st.sampled_from(["The Licensee shall pay", "within", "and", "of the", "Fee:", "(i)"])


@given(_FILLER, st.sampled_from(_FOUND_PHRASES), _FILLER, st.sampled_from([".", ";", ",", ""]))
def test_phrases_are_found_in_sentences(left: str, phrase: str, right: str, stop: str) -> None:
    text = f"{left} {phrase}{stop} {right}"
    start = len(left) + 1
    found = find_values(text)
    assert [(m.start, m.end) for m in found] == [(start, start + len(phrase))]
    assert found[0].value == find_values(phrase)[0].value


@pytest.mark.parametrize(
    "text",
    ["[" + "*" * 60, "1" * 50_000, "one " * 1000, "forty-five " * 500 + "days", "$" * 5000],
)
def test_no_runaway_backtracking(text: str) -> None:
    # Earlier versions of the finder backtracked exponentially or quadratically on these.
    started = timeit.default_timer()
    check_matches(text, find_values(text))
    assert timeit.default_timer() - started < 5


# ---------------------------------------------------------------------------- speed


_PLAIN = (
    "Subject to the terms and conditions of this Agreement, the Licensee shall have the "
    "exclusive right to market, distribute and sell the Licensed Products within the Territory "
    "during the Term, provided that the Licensor retains all rights not expressly granted."
)


def bench_values() -> None:
    """Prints timings with same-run baselines (run by bench/bench_values.py, not by pytest)."""

    def best(fn: Callable[[], object], number: int) -> float:
        # Many short repeats: the minimum is robust to other processes on the machine.
        return min(timeit.repeat(fn, number=number, repeat=40)) / number

    values._finder()
    # Baseline for the scan: the cheapest regex that visits each word start.
    starts = re.compile(r"(?<![\w.,/$€£¥-])(?=\d)")
    scan = best(lambda: find_values(_PLAIN), 20)
    floor = best(lambda: starts.findall(_PLAIN), 20)
    print(f"\nfind_values, {len(_PLAIN)} chars, no values: {scan * 1e6:.1f} us")
    print(f"  baseline word-start scan: {floor * 1e6:.1f} us (x{scan / floor:.1f})")

    # Baseline for parsing: a three-token Lark LALR grammar, the cost floor of any Lark parse.
    tiny = lark.Lark('start: "$" /\\d+/ "billion"\n%ignore " "', parser="lalr")
    lark_floor = best(lambda: tiny.parse("$13 billion"), 20)
    print(f"  baseline 3-token Lark parse: {1 / lark_floor:,.0f}/s")
    phrases = [
        (kind, phrase)
        for kind, phrase, expected in (case.values for case in PARSE_CASES)
        if expected != "None"
    ]
    # Each phrase timed alone (uncached: find_values caches repeated phrases).
    parse = values._parse_uncached
    every = sorted(best(functools.partial(parse, k, p), 5) for k, p in phrases)
    grammar = sorted(best(functools.partial(values._parse_grammar, k, p), 5) for k, p in phrases)
    for label, times in (("with fast paths", every), ("grammar only", grammar)):
        print(
            f"{len(phrases)} case phrases, {label}: {len(times) / sum(times):,.0f} phrases/s;"
            f" median {1 / times[len(times) // 2]:,.0f}/s, slowest {1 / times[-1]:,.0f}/s"
        )
    assert scan < 200e-6


@pytest.mark.parametrize("space", ["\u00a0", "\x0c", "\t", "\n"])
def test_currency_symbols_with_any_white_space(space: str) -> None:
    """Found by fuzzing: a form feed or no-break space inside "US $" crashed the parser."""
    assert parse_money(f"US{space}$5 million") == Money(Decimal(5_000_000), "USD")
    assert [m.kind for m in find_values(f"pay US{space}$5 million now")] == ["money"]
