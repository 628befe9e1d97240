"""The term-level diff: pairing, field comparison, severity rules, renderers and the command.

Most tests build agreements from terms, or diff reviewed ``parse`` JSON snapshots, so they do
not depend on how well the parser reads a text; ``test_diff_cases.py`` covers text inputs.
Regenerate the goldens with ``DEALDIFF_UPDATE_GOLDEN=1 pytest tests/test_diff.py``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import string
import tomllib
from decimal import Decimal
from itertools import product
from pathlib import Path
from typing import Any

import attrs
import pytest
from click.testing import CliRunner
from schema_lite import schema_errors

import dealdiff
from dealdiff.cli import cli
from dealdiff.diff import (
    FIGURES,
    Change,
    ChangeKind,
    DiffResult,
    change_to_dict,
    diff,
    identity_key,
    normalise_text,
    result_to_dict,
)
from dealdiff.errors import RulesError
from dealdiff.model import (
    NEGATIVE_STATUSES,
    TERM_CLASSES,
    Agreement,
    CloudCommitment,
    Exclusivity,
    MinimumCommitment,
    Party,
    PriorityAccess,
    RevenueShare,
    Term,
)
from dealdiff.render_diff import mark_words, render_json, render_markdown, render_text, word_diff
from dealdiff.serialize import agreement_to_dict
from dealdiff.severity import (
    PLACEHOLDERS,
    Facts,
    Severity,
    default_severities,
    load_severities,
)
from dealdiff.spans import Span
from dealdiff.values import Period, PeriodUnit

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data" / "diff"
GOLDEN = DATA / "golden"
SCHEMA = json.loads((ROOT / "dealdiff" / "schemas" / "diff.schema.json").read_text("utf-8"))
SEVERITY_TOML = ROOT / "rules" / "severity.toml"
UPDATE = os.environ.get("DEALDIFF_UPDATE_GOLDEN") == "1"
OLD_SNAPSHOT = GOLDEN / "cloud-partnership-2019.reviewed.json"
NEW_SNAPSHOT = GOLDEN / "cloud-partnership-2026.reviewed.json"


def agreement(*terms: Term, source: str = "v") -> Agreement:
    return Agreement(source=source, terms=tuple(terms))


def at(term: Term, start: int, section: str | None = None, text: str = "") -> Term:
    return attrs.evolve(
        term, span=Span(start=start, end=start + 10, line=start + 1), section=section, text=text
    )


def brief(result: DiffResult) -> list[tuple[str, str, str | None, Any, Any]]:
    return [
        (c.kind.value, c.type, c.field, c.old if c.field else None, c.new if c.field else None)
        for c in result.changes
    ]


def validate(doc: Any) -> list[str]:
    return list(schema_errors(doc, SCHEMA, SCHEMA))


def test_the_validator_catches_what_the_schema_forbids() -> None:
    good = result_to_dict(diff(agreement(), agreement(RevenueShare(rate=5))))
    assert validate(good) == []
    bad = json.loads(json.dumps(good))
    bad["changes"][0]["severity"] = "huge"
    bad["changes"][0]["old"] = {"type": "revenue_share", "status": "active"}
    del bad["summary"]["added"]
    errors = validate(bad)
    assert any("severity" in e for e in errors)
    assert any(".old" in e for e in errors)
    assert any("missing 'added'" in e for e in errors)


# ---------------------------------------------------------------- pairing


def test_identical_agreements_have_no_changes() -> None:
    terms = (
        Exclusivity(holder="Acme", subject="Products", territory=("Ontario",)),
        RevenueShare(payer="A", payee="B", rate=Decimal("12.5"), base="Net Sales"),
    )
    result = diff(agreement(*terms), agreement(*terms))
    assert result.changes == ()
    assert len(result.unchanged) == 2
    assert result.summary() == {"added": 0, "removed": 0, "changed": 0}
    assert result.max_severity is None


def test_status_flip_is_a_change_on_status_not_removed_and_added() -> None:
    old = agreement(at(Exclusivity(status="exclusive", holder="Microsoft"), 5, "2.1"))
    new = agreement(at(Exclusivity(status="non_exclusive", holder="Microsoft"), 9, "2.1"))
    result = diff(old, new)
    assert brief(result) == [("changed", "exclusivity", "status", "exclusive", "non_exclusive")]
    change = result.changes[0]
    assert change.severity is Severity.MAJOR
    assert change.rule == "exclusivity-lost"
    assert change.old_span == Span(start=5, end=15, line=6)
    assert change.new_span == Span(start=9, end=19, line=10)


def test_pairing_ignores_position_section_and_wording() -> None:
    a = Exclusivity(holder="Licensee", subject="the Software", territory=("Germany",))
    b = RevenueShare(payer="Licensee", payee="Licensor", rate=15, base="Net Revenue")
    old = agreement(at(a, 10, "2.1", "one wording"), at(b, 50, "3.1", "another"))
    new = agreement(
        at(b, 5, "2.1", "reworded"), at(attrs.evolve(a, subject="THE  software"), 80, "4.1")
    )
    result = diff(old, new)
    assert result.changes == ()
    assert {a_.type.value for a_, _ in result.unchanged} == {"exclusivity", "revenue_share"}


def test_two_exclusivities_over_different_subjects_are_not_confused() -> None:
    cloud = Exclusivity(holder="Microsoft", subject="cloud services")
    models = Exclusivity(holder="Microsoft", subject="model licensing")
    old = agreement(cloud, models)
    new = agreement(attrs.evolve(models, status="non_exclusive"), cloud)
    result = diff(old, new)
    assert brief(result) == [("changed", "exclusivity", "status", "exclusive", "non_exclusive")]
    assert result.changes[0].old_term == models


def test_a_reworded_subject_still_pairs_when_everything_else_agrees() -> None:
    old = agreement(PriorityAccess(kind="rofr", holder="Distributor", subject="new products"))
    new = agreement(
        PriorityAccess(kind="rofr", holder="Distributor", subject="new beverage products")
    )
    assert brief(diff(old, new)) == [
        ("changed", "priority_access", "subject", "new products", "new beverage products")
    ]


def test_a_right_that_changes_kind_and_loses_its_subject_still_pairs() -> None:
    # "a right of first refusal on new models" -> "a right of first offer": the holder
    # agrees, the kind changed, and the subject is unknown on one side, not different.
    old = agreement(PriorityAccess(kind="rofr", holder="Northwind", subject="new models"))
    new = agreement(PriorityAccess(kind="rofo", holder="Northwind"))
    assert brief(diff(old, new)) == [
        ("changed", "priority_access", "kind", "rofr", "rofo"),
        ("changed", "priority_access", "subject", "new models", None),
    ]


def test_a_figure_no_field_holds_is_still_reported() -> None:
    # The second tier of a royalty is in no field; its rate moving must not go unseen.
    old = agreement(
        at(
            RevenueShare(payer="Cobalt", payee="Arbor", rate=8, base="Net Sales"),
            10,
            "4.1",
            "a royalty of 8% of Net Sales up to $2,000,000 a year, and 6% above that amount",
        )
    )
    new = agreement(
        at(
            RevenueShare(payer="Cobalt", payee="Arbor", rate=8, base="Net Sales"),
            10,
            "4.1",
            "a royalty of eight percent (8%) of Net Sales up to US$2,000,000 a year, and 4% above",
        )
    )
    result = diff(old, new)
    assert brief(result) == [
        (
            "changed",
            "revenue_share",
            "figures",
            ["8%", "USD 2,000,000", "6%"],
            ["8%", "USD 2,000,000", "4%"],
        )
    ]
    (change,) = result.changes
    assert change.rule == "clause-figures-changed"
    assert change.severity is Severity.MAJOR


def test_the_same_figures_written_otherwise_are_no_change() -> None:
    term = RevenueShare(payer="Cobalt", payee="Arbor", rate=8)
    old = agreement(at(term, 10, "4.1", "a royalty of 8% of sales above $2,000,000"))
    new = agreement(
        at(term, 10, "4.1", "royalties of eight percent (8%) on sales over US$2,000,000")
    )
    assert diff(old, new).changes == ()


def with_parties(source: str, *parties: tuple[str, str], terms: tuple[Term, ...]) -> Agreement:
    """An agreement of ``terms`` whose parties are given as (name, short name)."""
    return Agreement(
        source=source,
        parties=tuple(Party(name=name, aliases=(key,)) for name, key in parties),
        terms=terms,
    )


def test_a_party_given_a_new_short_name_is_the_same_party() -> None:
    # "Vellum Data, Inc." ("Vellum") became "Vellum Data, Inc." ("Partner"): a rewording.
    old = with_parties(
        "a",
        ("Stratus LLC", "Stratus"),
        ("Vellum Data, Inc.", "Vellum"),
        terms=(RevenueShare(payer="Vellum", payee="Stratus", rate=12),),
    )
    new = with_parties(
        "b",
        ("Stratus LLC", "Stratus"),
        ("Vellum Data,  Inc.", "Partner"),
        terms=(RevenueShare(payer="Partner", payee="Stratus", rate=8),),
    )
    result = diff(old, new)
    assert brief(result) == [("changed", "revenue_share", "rate", 12, 8)]
    assert result.changes[0].new_term is not None
    assert result.changes[0].new_term.payer == "Partner"  # shown as the new version writes it


def test_a_new_party_under_an_old_short_name_is_another_party() -> None:
    old = with_parties(
        "a",
        ("Vellum Data, Inc.", "Vellum"),
        terms=(RevenueShare(payer="Vellum", payee="Stratus", rate=12),),
    )
    new = with_parties(
        "b",
        ("Quill Systems Ltd.", "Quill"),
        terms=(RevenueShare(payer="Quill", payee="Stratus", rate=12),),
    )
    assert ("changed", "revenue_share", "payer", "Vellum", "Quill") in brief(diff(old, new))


def test_a_negative_statement_with_parties_unknown_pairs_with_the_right_it_ends() -> None:
    old = agreement(RevenueShare(payer="OpenAI", payee="Microsoft", rate=20, base="Net Revenue"))
    new = agreement(RevenueShare(status="ceased"))
    result = diff(old, new)
    # The rate that goes with the status is folded into the status change.
    assert brief(result) == [("changed", "revenue_share", "status", "active", "ceased")]
    assert result.changes[0].rule == "revenue-share-stopped"


def test_unrelated_terms_of_one_type_are_removed_and_added() -> None:
    old = agreement(Exclusivity(holder="Acme", subject="trucks", territory=("France",)))
    new = agreement(Exclusivity(holder="Zenith", subject="software", territory=("Japan",)))
    assert [c.kind for c in diff(old, new).changes] == [ChangeKind.ADDED, ChangeKind.REMOVED]


def test_a_negative_term_without_counterpart_is_added_with_its_rule() -> None:
    result = diff(agreement(), agreement(Exclusivity(status="non_exclusive", holder="Acme")))
    (change,) = result.changes
    assert change.kind is ChangeKind.ADDED
    assert change.rule == "disclaimer-added"
    assert change.severity is Severity.MINOR


def test_a_restatement_that_comes_or_goes_is_an_info_change() -> None:
    term = RevenueShare(payer="A", payee="B", rate=10)
    old = agreement(at(term, 100, "3.1"), at(term, 200, "3.4"))
    (change,) = diff(old, agreement(at(term, 7, "9"))).changes
    assert (change.kind, change.restated, change.severity) == (
        ChangeKind.REMOVED,
        True,
        Severity.INFO,
    )
    assert change.rule == "term-restatement-removed"
    assert change.old_term is not None and change.old_term.section == "3.4"
    (back,) = diff(agreement(at(term, 7, "9")), old).changes
    assert (back.kind, back.rule) == (ChangeKind.ADDED, "term-restatement-added")
    # A clause that refers to a fuller term, with less detail, is the same term: no change.
    restated = agreement(at(term, 100, "3.1"), at(RevenueShare(payer="A"), 200, "3.2"))
    assert diff(restated, agreement(term)).changes == ()
    assert diff(agreement(term), restated).changes == ()
    # A term that is gone from every clause is removed, not restated.
    (gone,) = diff(agreement(term), agreement()).changes
    assert (gone.restated, gone.severity) == (False, Severity.MAJOR)


def test_a_right_that_ends_takes_its_values_with_it() -> None:
    # "a right of first refusal on any compute capacity Parallax seeks" against "Nimbus no
    # longer has a right of first refusal on Parallax's compute": the right was revoked; how
    # the new clause names its subject is no second change.
    old = agreement(
        PriorityAccess(status="granted", kind="rofr", holder="Nimbus", subject="compute capacity")
    )
    new = agreement(
        PriorityAccess(status="revoked", kind="rofr", holder="Nimbus", subject="compute")
    )
    (change,) = diff(old, new).changes
    assert (change.field, change.old.value, change.new.value) == ("status", "granted", "revoked")
    (back,) = diff(new, old).changes
    assert back.field == "status"


def test_a_term_said_twice_in_one_clause_is_one_term() -> None:
    # "Northwind shall be a non-exclusive provider. Lumen may procure such services from
    # any other provider." says one thing twice: one change, not a change and an addition.
    exclusive = Exclusivity(status="exclusive")
    open_ = Exclusivity(status="non_exclusive")
    old = agreement(at(exclusive, 100, "3.1"))
    new = agreement(at(open_, 100, "3.1"), at(open_, 180, "3.1"))
    (change,) = diff(old, new).changes
    assert (change.kind, change.field) == (ChangeKind.CHANGED, "status")
    (back,) = diff(new, old).changes
    assert (back.kind, back.field) == (ChangeKind.CHANGED, "status")
    # Said once or twice in the same clause, it is the same term: no change.
    assert diff(agreement(at(open_, 100, "3.1")), new).changes == ()
    assert diff(new, agreement(at(open_, 100, "3.1"))).changes == ()
    # Without numbered sections, the clause is the line: two sentences of one bullet.
    second = attrs.evolve(open_, span=Span(start=140, end=150, line=101))
    bullet = agreement(at(open_, 100), second)
    (flip,) = diff(agreement(at(exclusive, 100)), bullet).changes
    assert (flip.kind, flip.field) == (ChangeKind.CHANGED, "status")
    # Said again in another clause, it is a restatement that came.
    elsewhere = agreement(at(open_, 100, "3.1"), at(open_, 900, "9"))
    (again,) = diff(agreement(at(open_, 100, "3.1")), elsewhere).changes
    assert (again.kind, again.restated) == (ChangeKind.ADDED, True)


_TWO_LICENCES = (
    'This Licence Agreement is made between Harlow Labs Inc. ("Harlow") and Quill Pharma Ltd'
    ' ("Quill").\n\n2.1 Harlow hereby grants to Quill an {first} license under the Harlow'
    " Patents to develop the Compound in the Field.\n\n2.2 Harlow hereby grants to Quill an"
    " {second} license under the Harlow Know-How to make the Compound in the Territory.\n"
)


def test_one_of_two_like_clauses_changing_is_seen() -> None:
    # Both clauses make the same term; when one of them turns non-exclusive the deal changed,
    # even though the new version still has an exclusive licence to the same party.
    old = dealdiff.parse_text(_TWO_LICENCES.format(first="exclusive", second="exclusive"))
    new = dealdiff.parse_text(_TWO_LICENCES.format(first="exclusive", second="non-exclusive"))
    assert [t.status.value for t in old.terms] == ["exclusive", "exclusive"]
    (change,) = diff(old, new).changes
    assert (change.kind, change.field, change.old.value, change.new.value) == (
        ChangeKind.CHANGED,
        "status",
        "exclusive",
        "non_exclusive",
    )
    # the change points at clause 2.2 on both sides, not at the clause that stayed
    assert change.old_term is not None and change.new_term is not None
    assert change.old_term.text.startswith("2.2") and change.new_term.text.startswith("2.2")
    (back,) = diff(new, old).changes
    assert (back.old.value, back.new.value) == ("non_exclusive", "exclusive")


def test_like_clauses_pair_with_their_own_rewording() -> None:
    old = dealdiff.parse_text(_TWO_LICENCES.format(first="exclusive", second="exclusive"))
    moved = _TWO_LICENCES.format(first="exclusive", second="non-exclusive").split("\n\n")
    moved[1], moved[2] = moved[2].replace("2.2", "2.1"), moved[1].replace("2.1", "2.2")
    new = dealdiff.parse_text("\n\n".join(moved))
    (change,) = diff(old, new).changes
    assert change.old_term is not None and change.new_term is not None
    assert "Know-How" in change.old_term.text and "Know-How" in change.new_term.text


def test_money_compares_by_value_and_currency() -> None:
    a = CloudCommitment(committer="X", amount=Decimal("250E9"), currency="USD")
    b = CloudCommitment(committer="X", amount=Decimal("250000000000.00"), currency="USD")
    assert diff(agreement(a), agreement(b)).changes == ()
    c = attrs.evolve(b, currency="EUR")
    (change,) = diff(agreement(a), agreement(c)).changes
    assert (change.field, change.rule, change.severity) == (
        "currency",
        "commitment-currency-changed",
        Severity.MAJOR,
    )


def test_rates_compare_by_value_and_periods_by_length() -> None:
    a = RevenueShare(payer="X", rate=Decimal("20"))
    assert (
        diff(agreement(a), agreement(RevenueShare(payer="X", rate=Decimal("20.00")))).changes == ()
    )
    five_years = MinimumCommitment(committer="X", period=Period(Decimal(5), PeriodUnit.YEAR))
    sixty_months = MinimumCommitment(committer="X", period=Period(Decimal(60), PeriodUnit.MONTH))
    assert diff(agreement(five_years), agreement(sixty_months)).changes == ()


def test_territory_compares_as_a_set() -> None:
    a = Exclusivity(holder="D", territory=("United States", "Canada", "Mexico"))
    b = Exclusivity(holder="D", territory=("Mexico", "the United States", "canada"))
    assert diff(agreement(a), agreement(b)).changes == ()
    c = Exclusivity(holder="D", territory=("United States",))
    (change,) = diff(agreement(a), agreement(c)).changes
    assert (change.field, change.old, change.new) == ("territory", a.territory, c.territory)
    assert change.rule == "exclusivity-territory-changed"
    assert change_to_dict(change)["old"] == ["United States", "Canada", "Mexico"]


def test_normalisation_of_identity() -> None:
    assert normalise_text("  The   Exclusive  Territory.") == "exclusive territory"
    assert identity_key(Exclusivity(holder="ACME", subject="a  Product")) == identity_key(
        Exclusivity(holder="acme", subject="product")
    )


@pytest.mark.parametrize(
    ("old", "new", "rule", "severity"),
    [
        (1000, 1050, "commitment-amount-moved", Severity.MINOR),
        (1000, 1100, "commitment-amount-moved", Severity.MINOR),
        (1000, 1101, "commitment-amount-moved-major", Severity.MAJOR),
        (1000, 500, "commitment-amount-moved-major", Severity.MAJOR),
        (None, 500, "commitment-amount-moved-major", Severity.MAJOR),
    ],
)
def test_commitment_amount_threshold(
    old: int | None, new: int, rule: str, severity: Severity
) -> None:
    a = MinimumCommitment(committer="B", provider="S", amount=old, currency="USD")
    b = MinimumCommitment(committer="B", provider="S", amount=new, currency="USD")
    (change,) = diff(agreement(a), agreement(b)).changes
    assert (change.rule, change.severity) == (rule, severity)


def test_summary_sentences() -> None:
    old = agreement(
        RevenueShare(payer="Licensee", payee="Licensor", rate=20, end=dt.date(2028, 12, 31))
    )
    new = agreement(
        RevenueShare(
            payer="Licensee", payee="Licensor", rate=Decimal("12.5"), end=dt.date(2030, 12, 31)
        )
    )
    assert [c.summary for c in diff(old, new).changes] == [
        "Revenue share rate lowered: revenue_share (Licensee → Licensor) 20% → 12.5% (-37.5%).",
        "End date of revenue_share (Licensee → Licensor) moved: 2028-12-31 → 2030-12-31.",
    ]


def test_a_revenue_share_on_another_base_is_a_major_change() -> None:
    # 35% of Net Revenue and 35% of Gross Revenue are different amounts of money.
    old = agreement(RevenueShare(payer="Pinecrest", payee="Quorra", rate=35, base="Net Revenue"))
    new = agreement(RevenueShare(payer="Pinecrest", payee="Quorra", rate=35, base="Gross Revenue"))
    (change,) = diff(old, new).changes
    assert (change.field, change.rule, change.severity) == (
        "base",
        "revenue-share-base-changed",
        Severity.MAJOR,
    )
    assert change.summary == (
        "Revenue share base changed: revenue_share (Pinecrest → Quorra; Net Revenue) is now"
        " computed on Gross Revenue (was Net Revenue)."
    )


def test_fingerprint_is_stable_across_rewording_and_renumbering() -> None:
    a = RevenueShare(payer="A", payee="B", rate=20, base="Net Sales")
    b = attrs.evolve(a, rate=Decimal("12.5"))
    one = diff(agreement(at(a, 1, "3.1", "x")), agreement(at(b, 2, "3.1", "y"))).changes[0]
    two = diff(agreement(at(a, 50, "7.2", "z")), agreement(at(b, 90, "2.1", "w"))).changes[0]
    assert one.fingerprint == two.fingerprint
    assert re.fullmatch(r"[0-9a-f]{16}", one.fingerprint)
    other_field = diff(
        agreement(a), agreement(attrs.evolve(a, base="Gross Sales", payee="B "))
    ).changes[0]
    assert other_field.fingerprint != one.fingerprint


def test_fail_on_and_max_severity() -> None:
    old = agreement(MinimumCommitment(committer="B", amount=100, currency="USD"))
    new = agreement(MinimumCommitment(committer="B", amount=105, currency="USD"))
    result = diff(old, new)
    assert result.max_severity is Severity.MINOR
    assert result.at_or_above(Severity.MAJOR) == ()
    assert len(result.at_or_above(Severity.MINOR)) == 1
    assert Severity.INFO < Severity.MINOR < Severity.MAJOR


def test_public_api() -> None:
    assert dealdiff.diff is diff
    assert dealdiff.Change is Change and dealdiff.ChangeKind is ChangeKind
    assert dealdiff.Severity is Severity and dealdiff.DiffResult is DiffResult


# ---------------------------------------------------------------- JSON


def test_json_contract_and_schema() -> None:
    old = agreement(
        at(Exclusivity(holder="D", territory=("US", "CA")), 3, "2.1"),
        at(PriorityAccess(kind="rofr", holder="D"), 9, "4.1"),
        source="old.txt",
    )
    new = agreement(
        at(Exclusivity(holder="D", territory=("US",)), 4, "2.1"),
        at(RevenueShare(payer="D", payee="M", rate=5), 6, "3.1"),
        source="new.txt",
    )
    doc = json.loads(render_json(diff(old, new)))
    assert validate(doc) == []
    assert doc["summary"] == {"added": 1, "removed": 1, "changed": 1}
    by_kind = {c["change"]: c for c in doc["changes"]}
    assert by_kind["changed"]["field"] == "territory"
    assert by_kind["changed"]["old_span"] == {"start": 3, "end": 13, "line": 4, "column": 1}
    assert by_kind["added"]["new"] == {
        "type": "revenue_share",
        "status": "active",
        "payer": "D",
        "payee": "M",
        "rate": 5,
        "base": None,
        "end": None,
        "condition": None,
    }
    assert by_kind["added"]["old"] is None and by_kind["added"]["new_section"] == "3.1"
    assert by_kind["removed"]["new_span"] is None


# ---------------------------------------------------------------- renderers


def seed_result() -> DiffResult:
    return diff(dealdiff.load(OLD_SNAPSHOT), dealdiff.load(NEW_SNAPSHOT))


@pytest.mark.parametrize(
    ("name", "render"),
    [
        ("seed-pair.txt", lambda r: render_text(r, verbose=True)),
        ("seed-pair-clauses.txt", lambda r: render_text(r, show_clauses=True)),
        ("seed-pair.md", lambda r: render_markdown(r, show_clauses=True, verbose=True)),
        ("seed-pair.json", lambda r: render_json(r)),
    ],
)
def test_golden_output_for_the_reviewed_seed_pair(name: str, render: Any) -> None:
    got = render(seed_result())
    golden = GOLDEN / name
    if UPDATE:
        golden.write_text(got, "utf-8")
    assert golden.exists(), f"no golden {golden.name}: run with DEALDIFF_UPDATE_GOLDEN=1"
    assert got == golden.read_text("utf-8")


def test_text_layout() -> None:
    text = render_text(seed_result())
    lines = text.splitlines()
    assert lines[0].startswith("--- ") and lines[1].startswith("+++ ")
    assert lines[-1] == "4 changed, 0 added, 0 removed · 3 major, 1 minor · 1 unchanged"
    assert re.match(
        r"~ exclusivity .*status: exclusive → non_exclusive +major +§2\.1 → §2\.1$", lines[2]
    )
    assert not any(line.startswith("=") for line in lines)
    assert "\x1b[" not in text
    assert "\x1b[" in render_text(seed_result(), color=True)


def test_text_without_sections_shows_lines() -> None:
    old = agreement(at(RevenueShare(payer="A", rate=5), 11))
    new = agreement(at(RevenueShare(payer="A", rate=6), 41))
    assert "line 12 → line 42" in render_text(diff(old, new))


def test_word_marks() -> None:
    assert word_diff("a b c", "a x c") == [("=", "a"), ("-", "b"), ("+", "x"), ("=", "c")]
    assert mark_words("royalty of 20% until 2028", "royalty of 12.5% until 2030") == (
        "royalty of [-20%-]{+12.5%+} until [-2028-]{+2030+}"
    )
    assert mark_words("same words", "same words") == "same words"


def test_show_clauses_marks_changed_words_once_per_pair() -> None:
    text = render_text(seed_result(), show_clauses=True)
    assert text.count("[-at least ten-]{+two hundred fifty+}") == 1
    assert "[-the exclusive-]{+a non-exclusive+}" in text


# ---------------------------------------------------------------- the command


def write_snapshot(path: Path, *terms: Term) -> str:
    path.write_text(json.dumps(agreement_to_dict(agreement(*terms, source=path.name))), "utf-8")
    return str(path)


@pytest.fixture
def pair(tmp_path: Path) -> tuple[str, str, str]:
    base = MinimumCommitment(committer="Buyer", provider="Seller", amount=1000, currency="USD")
    old = write_snapshot(tmp_path / "old.json", base)
    minor = write_snapshot(tmp_path / "minor.json", attrs.evolve(base, amount=1050))
    major = write_snapshot(tmp_path / "major.json", attrs.evolve(base, amount=5000))
    return old, minor, major


def test_exit_codes(pair: tuple[str, str, str]) -> None:
    old, minor, major = pair
    runner = CliRunner()
    assert runner.invoke(cli, ["diff", old, old]).exit_code == 0
    assert runner.invoke(cli, ["diff", old, minor]).exit_code == 1
    assert runner.invoke(cli, ["diff", old, minor, "--fail-on", "major"]).exit_code == 0
    assert runner.invoke(cli, ["diff", old, major, "--fail-on", "major"]).exit_code == 1
    assert runner.invoke(cli, ["diff", old, minor, "--fail-on", "info"]).exit_code == 1
    assert runner.invoke(cli, ["diff", old, minor, "--fail-on", "huge"]).exit_code == 2
    missing = runner.invoke(cli, ["diff", old, old + ".missing"])
    assert missing.exit_code == 2 and "no such file" in missing.output
    assert "Traceback" not in missing.output
    assert runner.invoke(cli, ["diff", "-", "-"], input="{}").exit_code == 2
    assert runner.invoke(cli, ["diff", old]).exit_code == 2


def test_bad_json_input_is_an_input_error(tmp_path: Path, pair: tuple[str, str, str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"terms": [', "utf-8")
    result = CliRunner().invoke(cli, ["diff", pair[0], str(bad)])
    assert result.exit_code == 2
    assert "bad.json:1" in result.output and "invalid JSON" in result.output


def test_formats_and_output_file(tmp_path: Path, pair: tuple[str, str, str]) -> None:
    old, _, major = pair
    runner = CliRunner()
    doc = json.loads(runner.invoke(cli, ["diff", old, major, "-f", "json"]).output)
    assert validate(doc) == [] and doc["changes"][0]["field"] == "amount"
    md = runner.invoke(cli, ["diff", old, major, "--format", "markdown"]).output
    assert md.startswith("### dealdiff:") and "| ~ | minimum\\_commitment" in md
    out = tmp_path / "report.txt"
    result = runner.invoke(cli, ["diff", old, major, "-o", str(out)])
    assert result.exit_code == 1 and result.output == ""
    assert "amount: USD 1,000 → USD 5,000" in out.read_text("utf-8")


def test_colour_follows_flag_and_no_color(pair: tuple[str, str, str]) -> None:
    old, _, major = pair
    runner = CliRunner()
    assert "\x1b[" not in runner.invoke(cli, ["diff", old, major]).output
    assert "\x1b[" in runner.invoke(cli, ["diff", old, major, "--color"]).output
    no_color = runner.invoke(cli, ["diff", old, major], env={"NO_COLOR": "1"}).output
    assert "\x1b[" not in no_color
    assert "\x1b[" not in runner.invoke(cli, ["diff", old, major, "--no-color"]).output


def test_verbose_lists_unchanged_terms(tmp_path: Path) -> None:
    term = RevenueShare(payer="A", payee="B", rate=5)
    path = write_snapshot(tmp_path / "a.json", term)
    result = CliRunner().invoke(cli, ["diff", path, path, "-v"])
    assert result.exit_code == 0
    assert "= revenue_share (A → B)" in result.output
    assert result.output.splitlines()[-1] == "0 changed, 0 added, 0 removed · 1 unchanged"


def test_user_severity_rules_override_the_built_in_ones(
    tmp_path: Path, pair: tuple[str, str, str]
) -> None:
    old, minor, _ = pair
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "severity.toml").write_text(
        '[[severity]]\nid = "commitment-amount-moved"\nseverity = "major"\nchange = "changed"\n'
        'field = "amount"\nmessage = "Any move of {term} matters."\n',
        "utf-8",
    )
    runner = CliRunner()
    args = ["diff", old, minor, "--fail-on", "major", "-f", "json"]
    assert runner.invoke(cli, args).exit_code == 0
    result = runner.invoke(cli, [*args, "--rules", str(rules)])
    assert result.exit_code == 1
    assert json.loads(result.output)["changes"][0]["summary"].startswith("Any move of")


def test_readme_documents_every_diff_option() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("## `dealdiff diff`", 1)[1].split("\n## ", 1)[0]
    command = cli.commands["diff"]
    for param in command.params:
        for opt in [*getattr(param, "opts", []), *getattr(param, "secondary_opts", [])]:
            if opt.startswith("--") and opt != "--help":
                assert opt in section, f"README's diff section does not mention {opt}"
    assert "diff.schema.json" in section


# ---------------------------------------------------------------- the severity rule set


def raw_rules() -> list[dict[str, Any]]:
    return tomllib.loads(SEVERITY_TOML.read_text("utf-8"))["severity"]


def test_rule_ids_are_unique_kebab_case_and_severities_valid() -> None:
    ids = [r["id"] for r in raw_rules()]
    assert len(ids) == len(set(ids))
    for rule in raw_rules():
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule["id"]), rule["id"]
        assert rule["severity"] in {"major", "minor", "info"}
        assert rule.get("description"), f"{rule['id']} has no description"
    assert [r.id for r in default_severities()] == ids


def test_severity_file_is_invisible_to_the_classification_loader() -> None:
    from dealdiff.ruleset import default_rules

    keys = set(tomllib.loads(SEVERITY_TOML.read_text("utf-8")))
    assert not keys & {"classes", "macros", "type", "cues", "construction", "veto", "fields"}
    assert "rules/severity.toml" not in default_rules().sources


def test_every_template_renders_with_sample_data() -> None:
    sample = {name: f"<{name}>" for name in PLACEHOLDERS}
    for rule in default_severities():
        names = {n for _, n, _, _ in string.Formatter().parse(rule.message) if n}
        assert names <= PLACEHOLDERS, rule.id
        text = rule.render(sample)
        assert text.endswith(".") and "{" not in text, rule.id
        assert text[0].isupper(), rule.id


def sample_facts() -> list[Facts]:
    """Every kind of change the model allows, with representative values."""
    facts: list[Facts] = []
    numbers = [(Decimal(100), Decimal(105)), (Decimal(100), Decimal(300)), (None, Decimal(5))]
    for type_name, cls in TERM_CLASSES.items():
        status_field = attrs.fields_dict(cls)["status"]
        statuses = [s.value for s in status_field.converter]  # type: ignore[union-attr]
        for status in statuses:
            for kind in ("added", "removed"):
                for restated in (False, True):
                    facts.append(
                        Facts(change=kind, type=str(type_name), status=status, restated=restated)
                    )
        for old, new in product(statuses, statuses):
            if old != new:
                facts.append(
                    Facts(change="changed", type=str(type_name), field="status", old=old, new=new)
                )
        for field in [*cls().fields(), FIGURES]:
            if field == "status":
                continue
            pairs = [("a", "b"), (None, "b")]  # a value that changed, one that appeared
            for old, new in numbers if field in ("amount", "quantity", "rate") else pairs:
                facts.append(
                    Facts(change="changed", type=str(type_name), field=field, old=old, new=new)
                )
    return facts


def test_every_rule_is_reachable_and_every_change_is_rated() -> None:
    rules = default_severities()
    used = set()
    for facts in sample_facts():
        rule = rules.rate(facts)
        assert rule.id != "unrated", f"no rule rates {facts}"
        used.add(rule.id)
    unreachable = [r.id for r in rules if r.id not in used]
    assert unreachable == [], f"rules no change can reach: {unreachable}"


def test_negative_statuses_are_the_disclaimer_rule_statuses() -> None:
    rule = next(r for r in raw_rules() if r["id"] == "disclaimer-added")
    assert set(rule["status"]) == set(NEGATIVE_STATUSES)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('[[severity]]\nid = "Bad_Id"\nseverity = "major"\nmessage = "x."\n', "kebab-case"),
        ('[[severity]]\nid = "a"\nseverity = "huge"\nmessage = "x."\n', "'severity' must be"),
        ('[[severity]]\nid = "a"\nseverity = "major"\nmessage = "{nope}."\n', "placeholder {nope}"),
        (
            '[[severity]]\nid = "a"\nseverity = "major"\nmessage = "x."\nfield = "colour"\n',
            "colour",
        ),
        ('[[severity]]\nid = "a"\nseverity = "major"\nmessage = "x."\nwhen = 1\n', "unknown key"),
        (
            '[[severity]]\nid = "a"\nseverity = "info"\nmessage = "x."\nrestated = "yes"\n',
            "'restated' must be true or false",
        ),
        (
            '[[severity]]\nid = "a"\nseverity = "major"\nmessage = "x."\n'
            '[[severity]]\nid = "a"\nseverity = "minor"\nmessage = "y."\n',
            "duplicate",
        ),
        ("severity = 3\n", "array of tables"),
        ("[[severity]\n", "invalid TOML"),
    ],
)
def test_bad_severity_rules_are_reported(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "severity.toml"
    path.write_text(body, "utf-8")
    with pytest.raises(RulesError) as info:
        load_severities([path])
    assert message in info.value.message
    assert info.value.file == str(path)


def test_a_new_user_rule_is_tried_before_the_built_in_ones(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(
        '[[severity]]\nid = "ignore-end-dates"\nseverity = "info"\nchange = "changed"\n'
        'field = "end"\nmessage = "End of {term} moved."\n',
        "utf-8",
    )
    rules = load_severities([tmp_path])
    assert rules.rules[0].id == "ignore-end-dates"
    facts = Facts(change="changed", type="revenue_share", field="end", old=1, new=2)
    assert rules.rate(facts).severity is Severity.INFO


@pytest.mark.parametrize(
    ("first", "then"), [("3.1", "3.3"), ("3(a)", "3(c)"), ("Exhibit B", "Exhibit B")]
)
def test_a_first_right_that_only_works_another_of_its_article_is_no_new_right(
    first: str, then: str
) -> None:
    option = at(PriorityAccess(kind="option", holder="Sable", subject="Compounds"), 5, first)
    lapse = at(PriorityAccess(kind="rofr", holder="Sable"), 40, then)
    assert diff(agreement(option), agreement(option, lapse)).changes == ()


@pytest.mark.parametrize(
    "later",
    [
        # a right that ends is a change, even in the same article
        at(PriorityAccess(status="revoked", kind="rofr", holder="Sable"), 40, "3.3"),
        # a right with a subject of its own is new
        at(PriorityAccess(kind="rofr", holder="Sable", subject="Backup Compounds"), 40, "3.3"),
        # another article is another right
        at(PriorityAccess(kind="rofr", holder="Sable"), 40, "4.1"),
        # a sentence that grants a right of its own
        at(
            PriorityAccess(kind="rofr", holder="Sable"),
            40,
            "3.4",
            "3.4 Sable shall also have a right of first refusal.",
        ),
    ],
)
def test_a_right_of_its_own_beside_another_is_reported(later: Term) -> None:
    option = at(PriorityAccess(kind="option", holder="Sable", subject="Compounds"), 5, "3.1")
    (change,) = diff(agreement(option), agreement(option, later)).changes
    assert change.kind.value == "added"


def test_a_new_bare_right_is_reported_beside_the_mechanics_of_another() -> None:
    # The lapse clause names holder and grantor; it must not make the bare grant added in
    # the new version look like a mere reference to it.
    option = at(PriorityAccess(kind="option", holder="Sable", subject="Compounds"), 5, "3.1")
    lapse = at(
        PriorityAccess(kind="rofr", holder="Sable", grantor="Juniper"),
        40,
        "3.3",
        "3.3 If Sable does not exercise the option, Juniper shall be free to license the"
        " Compounds to a third party on terms no better than those offered to Sable.",
    )
    grant = at(
        PriorityAccess(kind="rofr", holder="Sable"),
        80,
        "3.4",
        "3.4 Sable shall also have a right of first refusal.",
    )
    (change,) = diff(agreement(option, lapse), agreement(option, lapse, grant)).changes
    assert change.kind.value == "added"
    assert change.new_term is grant


def test_a_change_deep_in_a_long_table_of_minimums_is_reported() -> None:
    head = (
        'This Supply Agreement is made between Alder Co. ("Supplier") and Birch Inc. ("Buyer").'
        "\n\nEXHIBIT B\n\nMonth          Minimum Purchase Amount\n"
    )
    rows = [f"Month {n:<8} ${100_000 + 1_000 * n:,}" for n in range(1, 61)]
    old = head + "\n".join(rows) + "\n"
    rows[49] = "Month 50       $999,000"
    new = head + "\n".join(rows) + "\n"
    (change,) = dealdiff.diff(dealdiff.parse_text(old), dealdiff.parse_text(new)).changes
    assert change.field == "figures"
    assert "USD 999,000" in change.new and "USD 150,000" in change.old


def test_a_long_table_shows_only_the_figures_that_changed(tmp_path: Path) -> None:
    head = (
        'This Supply Agreement is made between Alder Co. ("Supplier") and Birch Inc. ("Buyer").'
        "\n\nEXHIBIT B\n\nMonth          Minimum Purchase Amount\n"
    )
    rows = [f"Month {n:<8} ${100_000 + 1_000 * n:,}" for n in range(1, 61)]
    (tmp_path / "old.txt").write_text(head + "\n".join(rows) + "\n", "utf-8")
    rows[49] = "Month 50       $999,000"
    (tmp_path / "new.txt").write_text(head + "\n".join(rows) + "\n", "utf-8")
    result = CliRunner().invoke(cli, ["diff", str(tmp_path / "old.txt"), str(tmp_path / "new.txt")])
    assert result.exit_code == 1
    line = next(x for x in result.output.splitlines() if "figures" in x)
    assert "figures: …, USD 150,000, … → …, USD 999,000, … (1 of 60 figures changed)" in line
    assert "USD 101,000" not in result.output


def test_a_carve_out_added_to_a_commitment_is_a_major_change() -> None:
    head = (
        'This Supply Agreement is made between Alder Co. ("Supplier") and Birch Inc. ("Customer").'
        "\n\n3.1 Customer shall purchase from Supplier not less than 10,000 units in each"
        " Quarter.\n"
    )
    carve = (
        "\n3.2 The purchase obligation in Section 3.1 shall not apply to any Quarter affected"
        " by force majeure.\n"
    )
    (change,) = dealdiff.diff(dealdiff.parse_text(head), dealdiff.parse_text(head + carve)).changes
    assert (change.field, change.old, change.new) == (
        "exceptions",
        (),
        ("Quarter affected by force majeure",),
    )
    assert change.severity.value == "major" and change.rule == "commitment-exceptions-changed"


def test_an_end_date_set_is_major_and_one_moved_is_minor() -> None:
    rules = default_severities()
    start, later = dt.date(2027, 12, 31), dt.date(2028, 12, 31)
    for kind in ("revenue_share", "exclusivity", "minimum_commitment"):
        set_now = rules.rate(Facts(change="changed", type=kind, field="end", old=None, new=start))
        moved = rules.rate(Facts(change="changed", type=kind, field="end", old=start, new=later))
        assert (set_now.id, str(set_now.severity.value)) == ("end-date-set", "major")
        assert (moved.id, str(moved.severity.value)) == ("end-date-moved", "minor")
