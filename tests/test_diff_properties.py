"""Laws of the diff (hypothesis): diff(a, a) is empty; diff(a, b) mirrors diff(b, a); the
order of terms, and the order of a seed's sections, does not matter."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

import dealdiff
from dealdiff.diff import ChangeKind, DiffResult, diff
from dealdiff.model import (
    Agreement,
    CloudCommitment,
    Exclusivity,
    MinimumCommitment,
    PriorityAccess,
    RevenueShare,
    Term,
)
from dealdiff.serialize import encode_value

SEEDS = Path(__file__).resolve().parents[1] / "seeds"

parties = st.sampled_from(["Acme", "Zenith", "Licensor", "Licensee", None])
subjects = st.sampled_from(["Products", "the Software", "cloud services", "New Model", None])
places = st.lists(st.sampled_from(["Canada", "Mexico", "Germany", "France"]), max_size=3)
rates = st.one_of(st.none(), st.decimals(min_value=0, max_value=60, places=1))
amounts = st.one_of(st.none(), st.integers(min_value=0, max_value=10**12).map(Decimal))
dates = st.one_of(st.none(), st.dates(dt.date(2020, 1, 1), dt.date(2040, 12, 31)))

terms: st.SearchStrategy[Term] = st.one_of(
    st.builds(
        Exclusivity,
        status=st.sampled_from(["exclusive", "non_exclusive"]),
        holder=parties,
        subject=subjects,
        territory=places.map(tuple),
    ),
    st.builds(
        RevenueShare,
        status=st.sampled_from(["active", "ceased"]),
        payer=parties,
        payee=parties,
        rate=rates,
        end=dates,
    ),
    st.builds(
        PriorityAccess,
        status=st.sampled_from(["granted", "revoked"]),
        kind=st.sampled_from(["priority", "rofr", "rofn"]),
        holder=parties,
        subject=subjects,
    ),
    st.builds(
        CloudCommitment,
        committer=parties,
        provider=parties,
        amount=amounts,
        currency=st.sampled_from(["USD", "EUR", None]),
    ),
    st.builds(MinimumCommitment, committer=parties, amount=amounts, currency=st.just("USD")),
)
term_lists = st.lists(terms, max_size=6)


def agreement(items: list[Term]) -> Agreement:
    return Agreement(source="generated", terms=tuple(items))


def key(value: Any) -> str:
    if isinstance(value, Term):
        value = {
            "type": value.type.value,
            **{k: encode_value(v) for k, v in value.fields().items()},
        }
    else:
        value = encode_value(value)
    return json.dumps(value, sort_keys=True)


def changes(result: DiffResult, *, mirrored: bool = False) -> list[tuple[str, ...]]:
    swap = {ChangeKind.ADDED: "removed", ChangeKind.REMOVED: "added", ChangeKind.CHANGED: "changed"}
    out = []
    for c in result.changes:
        kind = swap[c.kind] if mirrored else c.kind.value
        old, new = (c.new, c.old) if mirrored else (c.old, c.new)
        out.append((kind, c.type, c.field or "", key(old), key(new)))
    return sorted(out)


@settings(max_examples=200, deadline=None)
@given(term_lists)
def test_diff_with_itself_is_empty(items: list[Term]) -> None:
    result = diff(agreement(items), agreement(items))
    assert result.changes == ()
    assert result.summary() == {"added": 0, "removed": 0, "changed": 0}


@settings(max_examples=300, deadline=None)
@given(term_lists, term_lists)
def test_diff_mirrors_when_sides_swap(a: list[Term], b: list[Term]) -> None:
    forward = diff(agreement(a), agreement(b))
    backward = diff(agreement(b), agreement(a))
    assert changes(forward) == changes(backward, mirrored=True)
    fs, bs = forward.summary(), backward.summary()
    assert (fs["added"], fs["removed"], fs["changed"]) == (
        bs["removed"],
        bs["added"],
        bs["changed"],
    )


@settings(max_examples=200, deadline=None)
@given(term_lists, term_lists, st.randoms(use_true_random=False))
def test_term_order_does_not_matter(a: list[Term], b: list[Term], rnd: Any) -> None:
    shuffled = list(b)
    rnd.shuffle(shuffled)
    assert changes(diff(agreement(a), agreement(b))) == changes(
        diff(agreement(a), agreement(shuffled))
    )


def test_order_does_not_pick_which_of_two_equal_terms_pairs() -> None:
    """Found by the property above: two terms equal but for the order of their territories
    ("Mexico, Canada" and "Canada, Mexico") paired in the order they were given."""
    a = [Exclusivity(status="exclusive", holder="Zenith", subject="Products")]
    twins = [
        Exclusivity(status="non_exclusive", holder="Zenith", territory=("Mexico", "Canada")),
        Exclusivity(status="non_exclusive", holder="Zenith", territory=("Canada", "Mexico")),
    ]
    assert changes(diff(agreement(a), agreement(twins))) == changes(
        diff(agreement(a), agreement(twins[::-1]))
    )


@settings(max_examples=200, deadline=None)
@given(term_lists.filter(bool), st.data())
def test_restating_a_term_is_an_info_change(items: list[Term], data: Any) -> None:
    # a clause that says again what another clause says adds no term to the deal: at most
    # one info-level "restatement" change, never a change to a term
    again = data.draw(st.sampled_from(items))
    restated = [*items, attrs.evolve(again, section="12.4", text="as stated above")]
    for result in (
        diff(agreement(items), agreement(restated)),
        diff(agreement(restated), agreement(items)),
    ):
        assert len(result.changes) <= 1
        assert all(c.restated and c.severity.value == "info" for c in result.changes)


@settings(max_examples=100, deadline=None)
@given(term_lists)
def test_moving_clauses_is_no_change(items: list[Term]) -> None:
    moved = [attrs.evolve(t, section=f"{i}.9", text=f"reworded {i}") for i, t in enumerate(items)]
    assert diff(agreement(items), agreement(moved[::-1])).changes == ()


def split_sections(text: str) -> tuple[str, list[str], str]:
    """The text before ARTICLE 2, the articles 2..n, and what follows the last article."""
    starts = [m.start() for m in re.finditer(r"^ARTICLE \d+ ", text, re.M)]
    tail_at = text.index("IN WITNESS WHEREOF") if "IN WITNESS WHEREOF" in text else len(text)
    head = text[: starts[1]]
    bodies = [text[s:e] for s, e in zip(starts[1:], [*starts[2:], tail_at], strict=True)]
    return head, bodies, text[tail_at:]


@settings(max_examples=8, deadline=None)
@given(st.sampled_from(["cloud-partnership-2019.txt", "cloud-partnership-2026.txt"]), st.randoms())
def test_shuffling_the_sections_of_a_seed_gives_no_change(name: str, rnd: Any) -> None:
    text = (SEEDS / name).read_text("utf-8")
    head, bodies, tail = split_sections(text)
    assert len(bodies) >= 4
    shuffled = list(bodies)
    rnd.shuffle(shuffled)
    shuffled = [b if b.endswith("\n\n") else b + "\n\n" for b in shuffled]
    original = dealdiff.parse_text(text, source=name)
    reordered = dealdiff.parse_text(head + "".join(shuffled) + tail, source=name)
    result = diff(original, reordered)
    assert result.changes == (), [c.summary for c in result.changes]
    assert len(result.unchanged) >= 3
