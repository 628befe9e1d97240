"""Term files: reading, writing, the round trip, and no crash on any input."""

from __future__ import annotations

import datetime as dt
import string
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from conftest import DATA, SEEDS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dealdiff
from dealdiff import termfile
from dealdiff.errors import InputError
from dealdiff.model import (
    TERM_CLASSES,
    Agreement,
    Exclusivity,
    Party,
    Term,
)
from dealdiff.values import Period, PeriodUnit

VALID = sorted((DATA / "termfiles" / "valid").glob("*.terms"))
SEED_TERMS = sorted(SEEDS.glob("*.terms"))


# ---------------------------------------------------------------- files


@pytest.mark.parametrize("path", VALID + SEED_TERMS, ids=lambda p: p.name)
def test_valid_file_reads_without_problems_and_round_trips(path: Path) -> None:
    text = path.read_text("utf-8")
    tf = termfile.read(text, source=path.name)
    assert tf.problems == ()
    again = termfile.loads(termfile.dumps(tf.agreement), source=path.name)
    assert again == tf.agreement


def test_every_field_file_sets_every_field_of_the_model() -> None:
    agreement = termfile.loads(
        (DATA / "termfiles" / "valid" / "every-field.terms").read_text("utf-8"),
        source="every-field.terms",
    )
    assert agreement.title == 'Master "Omnibus" Agreement'
    assert agreement.parties[0] == Party(name="Acme Inc.", aliases=("Acme", "the Company", "ACME"))
    assert agreement.parties[2] == Party(name="Solo Partners LLP")
    set_fields: dict[str, set[str]] = {}
    for term in agreement.terms:
        names = {k for k, v in term.fields().items() if v not in (None, ())}
        names |= {k for k in ("section", "rule", "text") if getattr(term, k)}
        set_fields.setdefault(term.type.value, set()).update(names)
    for name, cls in TERM_CLASSES.items():
        wanted = {f.name for f in attrs.fields(cls)} - {"span", "spans"}
        if name == "cloud_commitment":
            wanted -= {"quantity", "unit", "section", "rule", "text"}
        elif name == "minimum_commitment":
            wanted -= {"subject", "end", "section", "rule", "text"}
        elif name != "exclusivity":
            wanted -= {"section", "rule", "text"}
        assert wanted <= set_fields[name], name
    rs = agreement.terms[1]
    assert rs.rate == Decimal("12.5") and rs.end == dt.date(2030, 12, 31)
    cc = agreement.terms[3]
    assert (cc.amount, cc.currency, cc.period) == (  # type: ignore[attr-defined]
        Decimal("250000000000"),
        "USD",
        Period(Decimal(8), PeriodUnit.YEAR),
    )


def test_terms_are_located_in_the_term_file() -> None:
    tf = termfile.read('\n\nexclusivity {\n  holder "A"\n}\n', source="x.terms")
    span = tf.agreement.terms[0].span
    assert span is not None and (span.line, span.column) == (3, 1)
    assert tf.text[span.start : span.end].startswith("exclusivity {")
    assert tf.positions[0]["holder"].line == 4


def test_loads_raises_the_first_problem_with_a_caret() -> None:
    with pytest.raises(InputError) as info:
        termfile.loads("exclusivity {\n  stauts exclusive\n}\n", source="x.terms")
    assert info.value.render() == (
        "x.terms:2:3: error: exclusivity has no field 'stauts' (did you mean 'status'?)\n"
        "  stauts exclusive\n"
        "  ^^^^^^"
    )


def test_load_dispatches_term_files(tmp_path: Path) -> None:
    path = tmp_path / "approved.terms"
    path.write_text("revenue_share { rate 5% }\n", encoding="utf-8")
    assert dealdiff.load(path).terms[0].rate == Decimal(5)  # type: ignore[attr-defined]
    # Detected by content too, whatever the extension.
    assert dealdiff.load_text("# terms\nrevenue_share { rate 5% }\n", source="x.txt").terms


@pytest.mark.parametrize(
    ("text", "source", "expected"),
    [
        ("", "a.terms", True),
        ('agreement "X"\n', "a.txt", True),
        ('# comment\n\nparty Acme = "Acme Inc."\n', "-", True),
        ("date 2026-01-15\n", "-", True),
        ("cloud_commitment {\n", "-", True),
        ("exclusivity\n{", "-", False),
        ("AGREEMENT\nThis agreement is made between ...", "deal.txt", False),
        ("The party of the first part", "deal.txt", False),
        ("", "deal.txt", False),
    ],
)
def test_looks_like_termfile(text: str, source: str, expected: bool) -> None:
    assert termfile.looks_like_termfile(text, source) is expected


def test_dumps_writes_the_documented_layout() -> None:
    from dealdiff.model import CloudCommitment, Exclusivity, RevenueShare

    agreement = Agreement(
        source="deal.terms",
        title="Cloud Partnership Agreement",
        date=dt.date(2026, 1, 15),
        parties=(
            Party(name="Microsoft Corporation", aliases=("Microsoft",)),
            Party(name="OpenAI OpCo, L.L.C.", aliases=("OpenAI",)),
        ),
        terms=(
            Exclusivity(status="non_exclusive", holder="Microsoft", territory=("worldwide",)),
            RevenueShare(status="ceased", payer="OpenAI", payee="Microsoft", rate=20),
            CloudCommitment(
                committer="OpenAI",
                provider="Microsoft",
                amount=Decimal(250_000_000_000),
                currency="USD",
                period=Period(Decimal(8), PeriodUnit.YEAR),
                section="5.1",
            ),
        ),
    )
    assert termfile.dumps(agreement) == (
        'agreement "Cloud Partnership Agreement"\n'
        "date 2026-01-15\n"
        'party Microsoft = "Microsoft Corporation"\n'
        'party OpenAI = "OpenAI OpCo, L.L.C."\n'
        "\n"
        "exclusivity {\n"
        "  status    non_exclusive\n"
        "  holder    Microsoft\n"
        '  territory ["worldwide"]\n'
        "}\n"
        "\n"
        "revenue_share {\n"
        "  status    ceased\n"
        "  payer     OpenAI\n"
        "  payee     Microsoft\n"
        "  rate      20%\n"
        "}\n"
        "\n"
        "cloud_commitment {\n"
        "  status    committed\n"
        "  committer OpenAI\n"
        "  provider  Microsoft\n"
        "  amount    USD 250000000000\n"
        "  period    P8Y\n"
        '  section   "5.1"\n'
        "}\n"
    )


# ---------------------------------------------------------------- round trip

_text = st.text(
    st.characters(blacklist_categories=("Cs",)),
    max_size=30,
)
_word_or_text = st.one_of(st.text(string.ascii_letters + "_", min_size=1, max_size=12), _text)
_decimal = st.decimals(allow_nan=False, allow_infinity=False, places=None).filter(
    lambda d: abs(d.adjusted()) < 60
)
_period = st.builds(
    Period,
    st.decimals(min_value=Decimal("0.001"), max_value=Decimal(10_000), places=3),
    st.sampled_from(list(PeriodUnit)),
)


def _value_for(cls: type[Term], name: str) -> st.SearchStrategy[Any]:
    kind = termfile.field_kind(cls, name)
    if kind == "enum":
        converter = attrs.fields_dict(cls)[name].converter
        assert isinstance(converter, type)
        return st.sampled_from(list(converter))  # type: ignore[call-overload]
    if kind in ("percent", "number", "money"):
        return st.none() | _decimal
    if kind == "currency":
        return st.none() | st.sampled_from(["USD", "EUR", "GBP"]) | _word_or_text
    if kind == "date":
        return st.none() | st.dates()
    if kind == "period":
        return st.none() | _period
    if kind == "list":
        return st.lists(_text, max_size=3).map(tuple)
    return st.none() | _word_or_text


@st.composite
def _terms(draw: st.DrawFn) -> Term:
    cls = draw(st.sampled_from(list(TERM_CLASSES.values())))
    kwargs = {
        f.name: draw(_value_for(cls, f.name))
        for f in attrs.fields(cls)
        if f.name not in ("span", "text", "rule")
    }
    kwargs = {k: v for k, v in kwargs.items() if v is not None}
    return cls(**kwargs)


_parties = st.lists(
    st.builds(Party, name=_word_or_text, aliases=st.lists(_word_or_text, max_size=3).map(tuple)),
    max_size=4,
    unique_by=lambda p: p.key,
)
_agreements = st.builds(
    Agreement,
    source=st.just("generated.terms"),
    title=st.none() | _text,
    date=st.none() | st.dates(),
    parties=_parties,
    terms=st.lists(_terms(), max_size=5),
)


@given(_agreements)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_round_trip(agreement: Agreement) -> None:
    text = termfile.dumps(agreement)
    tf = termfile.read(text, source=agreement.source)
    assert tf.problems == (), (text, tf.problems)
    assert tf.agreement == agreement
    assert termfile.looks_like_termfile(text, "-") or not agreement.terms and not text.strip()


# ---------------------------------------------------------------- never crash

_SAMPLE = (DATA / "termfiles" / "valid" / "every-field.terms").read_text("utf-8")
_ALPHABET = string.printable + '{}[]"%#=,é€\u2028\x00'


@st.composite
def _mutated(draw: st.DrawFn) -> str:
    text = _SAMPLE
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from(["insert", "delete", "replace"]))
        piece = draw(st.text(_ALPHABET, min_size=1, max_size=4))
        if op == "insert":
            text = text[:at] + piece + text[at:]
        elif op == "delete":
            text = text[:at] + text[at + len(piece) :]
        else:
            text = text[:at] + piece + text[at + len(piece) :]
    return text


@given(st.one_of(_mutated(), st.text(_ALPHABET, max_size=200), st.text(max_size=100)))
@settings(max_examples=300, deadline=None)
def test_read_never_raises(text: str) -> None:
    tf = termfile.read(text, source="fuzz.terms")
    for problem in tf.problems:
        assert problem.line >= 1 and problem.column >= 1
        assert problem.message
    if not tf.problems:
        # What reads cleanly writes back to the same terms.
        assert termfile.loads(termfile.dumps(tf.agreement), source="fuzz.terms") == tf.agreement
    else:
        with pytest.raises(InputError):
            termfile.loads(text, source="fuzz.terms")


def _lark_nodes(text: str) -> list[object] | None:
    from lark import UnexpectedInput

    try:
        tree = termfile._parser().parse(text)
    except UnexpectedInput:
        return None
    return termfile._ToNodes().transform(tree)  # type: ignore[no-any-return]


@given(st.one_of(_mutated(), st.text(_ALPHABET, max_size=200), _agreements.map(termfile.dumps)))
@settings(max_examples=300, deadline=None)
def test_fast_reader_agrees_with_the_grammar(text: str) -> None:
    """The fast path reads only what the Lark grammar reads, into the same nodes."""
    fast = termfile._fast_nodes(text)
    if fast is not None:
        assert fast == _lark_nodes(text)


def test_fast_reader_handles_the_valid_files() -> None:
    for path in VALID:
        text = path.read_text("utf-8")
        assert termfile._fast_nodes(text) == _lark_nodes(text), path.name


def test_party_without_short_name_may_be_a_bare_word() -> None:
    agreement = termfile.loads("party Acme\n", source="x.terms")
    assert agreement.parties[0].name == "Acme" and agreement.parties[0].key == "Acme"


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name)
def test_parse_format_terms_reads_back_to_the_same_terms(path: Path) -> None:
    """What `dealdiff parse X --format terms` writes is what the parser found in X."""
    parsed = dealdiff.parse_file(path)
    again = termfile.loads(termfile.dumps(parsed), source=parsed.source)
    assert again.terms == parsed.terms
    assert (again.title, again.date, again.parties) == (parsed.title, parsed.date, parsed.parties)
    assert [t.section for t in again.terms] == [t.section for t in parsed.terms]


def test_caret_line_counts_only_newlines() -> None:
    # U+2028 and form feeds are not line breaks for the grammar, so the context
    # shown must be the line the error's number names.
    text = 'revenue_share {\n  rate 5%\n  payer "a\u2028b"\n  stauts x\n}\n'
    with pytest.raises(InputError) as info:
        termfile.loads(text, source="x.terms")
    assert info.value.line == 4
    assert info.value.render().splitlines()[1] == "  stauts x"


@pytest.mark.parametrize("line", ['party "\\""', 'party "Acme \\"Cloud\\" Inc." = Acme'])
def test_a_party_name_with_escaped_quotes_starts_a_term_file(line: str) -> None:
    """Found by the round-trip property: a quoted name holding \\" was not recognised."""
    assert termfile.looks_like_termfile(line + "\n", "-")


def test_a_long_field_name_is_written_apart_from_its_value() -> None:
    agreement = Agreement(
        source="x.terms",
        terms=(Exclusivity(holder="Acme", exceptions=("inference workloads",)),),
    )
    text = termfile.dumps(agreement)
    assert '  exceptions ["inference workloads"]\n' in text
    assert "  holder    Acme\n" in text
