"""How field values are resolved: parties, roles and names read off capitalised words."""

from __future__ import annotations

import pytest

import dealdiff
from dealdiff.model import Exclusivity, Term

QUORRA = 'Quorra Software Ltd. ("Quorra") and Pinecrest Systems, Inc. ("Pinecrest")'
HELION = 'Helion Intelligence, Inc. ("Helion") and Arcadia Cloud Services LLC ("Arcadia")'
ALDER = 'Alder Co. ("Supplier") and Birch Inc. ("Customer")'


def one_term(parties: str, clause: str) -> Term:
    """The one term of an agreement between ``parties`` whose only clause is ``clause``."""
    (term,) = dealdiff.parse_text(f"This Agreement is made between {parties}.\n\n{clause}\n").terms
    return term


OPTION = """\
This Joint Venture Agreement is made between Harbor Metals Ltd. ("Harbor") and Quill Alloys \
Inc. ("Quill").

7.1 Harbor shall have the option to purchase all Shares held by Quill (the "Call Option").

7.2 If the Call Option is exercised, the purchase price shall be the fair market value.
"""


def test_a_defined_instrument_is_not_a_holder() -> None:
    # "If the Call Option is exercised": the option is what is exercised, not who holds it.
    terms = dealdiff.parse_text(OPTION).terms
    assert [str(t.type) for t in terms] == ["priority_access"] * 2
    assert [t.holder for t in terms] == ["Harbor", None]  # type: ignore[attr-defined]


def test_a_run_in_heading_is_read_with_its_sentence() -> None:
    text = (
        'This Agreement is made between Vela Racing LLC ("Team") and Brightwater Oils Inc. '
        '("Sponsor").\n\n7. Exclusivity. During the Term, Team will not accept any other '
        "company as a sponsor for motor oil products.\n\n"
        "8. Exclusivity.\nThe heading above stands on its own line.\n"
    )
    (term,) = dealdiff.parse_text(text).terms
    assert text[term.span.start : term.span.end].startswith("7. Exclusivity. During the Term")


_GRANT = (
    'This Licence Agreement is made between Alder Optics Ltd ("Alder") and Pike Vision Inc. '
    '("Pike").\n\n{definition}\n\n2.1 Alder hereby grants to Pike an exclusive license to sell '
    "the Lenses in {place}.\n"
)


@pytest.mark.parametrize(
    ("definition", "place", "territory"),
    [
        # places named in the clause, or in the definition of the word the clause uses
        ("1.1 Terms have their plain meaning.", "Canada and Mexico", ("Canada", "Mexico")),
        ('1.1 "Territory" will mean Chile and Peru.', "the Territory", ("Chile", "Peru")),
        ('1.1 "Territory" means the world.', "the Territory", ("worldwide",)),
        # a territory defined in prose is the agreement's Territory, not its prose
        (
            '1.1 "Territory" shall mean the area shown on the map in Schedule 2.',
            "the Territory",
            ("Territory",),
        ),
        # a capitalised phrase that names no place is no territory
        ('1.1 "Field" means ophthalmic use.', "the Field", ()),
        ("1.1 Terms have their plain meaning.", "Exhibit A", ()),
    ],
)
def test_a_territory_is_a_place(definition: str, place: str, territory: tuple[str, ...]) -> None:
    (term,) = dealdiff.parse_text(_GRANT.format(definition=definition, place=place)).terms
    assert term.territory == territory  # type: ignore[attr-defined]


def test_a_common_noun_names_no_party() -> None:
    # "partner" in lower case is a common noun here, not a party: no holder rather than a
    # wrong one.
    text = (
        'This Partnership Agreement is made between Microsoft Corporation ("Microsoft") and '
        'OpenAI Group PBC ("OpenAI").\n\n7. Microsoft will continue to be OpenAI\'s frontier '
        "model partner and will have exclusive IP rights until AGI.\n"
    )
    (term,) = dealdiff.parse_text(text).terms
    assert str(term.type) == "exclusivity"
    assert term.holder is None  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("sentence", "condition", "end"),
    [
        (
            "Helion shall continue to pay Arcadia twenty percent (20%) of Net Revenue until an"
            " independent expert panel verifies that AGI has been achieved.",
            "independent expert panel verifies that AGI has been achieved",
            None,
        ),
        (
            "Helion shall continue to pay Arcadia the revenue share under Section 5 until"
            " December 31, 2030.",
            None,
            "2030-12-31",
        ),
    ],
)
def test_a_revenue_share_that_continues_until_an_event_keeps_it(
    sentence: str, condition: str | None, end: str | None
) -> None:
    term = one_term(HELION, f"3.1 {sentence}")
    assert (str(term.status), term.payee) == ("active", "Arcadia")  # type: ignore[attr-defined]
    assert term.condition == condition  # type: ignore[attr-defined]
    assert (term.end.isoformat() if term.end else None) == end  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("place", "territory"),
    [
        ("the United States of America and Canada", ("United States", "Canada")),
        ("Canada and the USA", ("Canada", "United States")),
        ("the U.K. and the Kingdom of Saudi Arabia", ("United Kingdom", "Saudi Arabia")),
        ("the District of Columbia", ("District of Columbia",)),
        ("Viet Nam", ("Vietnam",)),
    ],
)
def test_a_territory_names_each_place_once_however_it_is_written(
    place: str, territory: tuple[str, ...]
) -> None:
    term = one_term(QUORRA, f"1. Quorra appoints Pinecrest as its exclusive reseller in {place}.")
    assert term.territory == territory  # type: ignore[attr-defined]


def test_a_participle_after_the_subject_is_not_part_of_it() -> None:
    clause = (
        "1. Pinecrest will have a right of first offer to resell any new product developed by"
        " Quorra during the term."
    )
    term = one_term(QUORRA, clause)
    assert (term.kind, term.subject) == ("rofo", "new product")  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("sentence", "role", "value"),
    [
        (
            "Customer has contracted to purchase an incremental $250 billion of Supplier's"
            " Azure services.",
            "provider",
            "Supplier",
        ),
        (
            "Supplier's appointment as exclusive provider is hereby converted to a"
            " non-exclusive appointment.",
            "holder",
            "Supplier",
        ),
    ],
)
def test_a_possessive_names_the_party(sentence: str, role: str, value: str) -> None:
    term = one_term(ALDER, f"4.1 {sentence}")
    assert getattr(term, role) == value


@pytest.mark.parametrize(
    "sentence",
    [
        "Helion shall train its frontier models only on Arcadia's infrastructure.",
        "During the Term, Helion shall run its inference workloads exclusively on Arcadia's cloud.",
        "Helion shall host its models exclusively with Arcadia.",
    ],
)
def test_where_a_party_must_train_or_run_names_the_holder(sentence: str) -> None:
    term = one_term(HELION, f"2.1 {sentence}")
    assert (str(term.status), term.holder) == ("exclusive", "Arcadia")  # type: ignore[attr-defined]


def test_a_run_of_consecutive_years_is_no_commitment_period() -> None:
    # The years a failure is measured over are not the period the minimum is set for.
    term = one_term(
        HELION,
        "4.2 Arcadia may terminate this Agreement if Helion fails to meet its minimum purchase"
        " obligation in two consecutive Contract Years.",
    )
    assert (str(term.status), term.period) == ("committed", None)  # type: ignore[attr-defined]


def test_a_right_to_answer_within_consecutive_days_keeps_its_period() -> None:
    term = one_term(
        HELION,
        "5.1 Arcadia shall have a right of first refusal on any sale of the Business, exercisable"
        " within thirty (30) consecutive days of notice.",
    )
    assert str(term.status) == "granted"
    assert term.period is not None and str(term.period) == "P30D"  # type: ignore[attr-defined]


def test_a_right_held_also_names_its_holder() -> None:
    term = one_term(HELION, "3.4 Helion shall also have a right of first refusal on the Assets.")
    assert term.holder == "Helion"


_CARVED = (
    "This Cloud Agreement is made between " + HELION + ".\n\n"
    "4.1 During the Term, Helion shall use Arcadia as its exclusive provider of cloud "
    "computing services.\n\n"
    "5.1 Arcadia shall not provide cloud computing services to any competitor of Helion.\n\n"
    "{carve}\n\n"
    "7.1 Helion shall pay Arcadia the fees in Schedule 1.\n"
)


def _exclusivities(carve: str) -> dict[str | None, tuple[str, ...]]:
    terms = dealdiff.parse_text(_CARVED.format(carve=carve)).terms
    return {t.section: t.exceptions for t in terms if isinstance(t, Exclusivity)}


def test_a_carve_out_is_an_exception_of_the_exclusivity_it_names() -> None:
    carve = "6.1 The exclusivity obligations set forth in Section 4 shall not apply to inference."
    assert _exclusivities(carve) == {"4.1": ("inference",), "5.1": ()}


def test_a_carve_out_naming_no_section_qualifies_the_exclusivity_before_it() -> None:
    carve = "5.2 The foregoing exclusivity shall not apply to sales to the Government."
    assert _exclusivities(carve) == {"4.1": (), "5.1": ("sales to the Government",)}


def test_a_carve_out_of_sections_the_text_does_not_hold_makes_nothing() -> None:
    carve = "6.1 The exclusivity provisions of Section 9 shall not apply to inference."
    assert _exclusivities(carve) == {"4.1": (), "5.1": ()}


@pytest.mark.parametrize(
    ("carve", "expected"),
    [
        # cited by number, without the word exclusivity
        ("6.1 Section 4.1 shall not apply to inference.", {"4.1": ("inference",), "5.1": ()}),
        (
            "6.1 Notwithstanding Section 4.1, Helion may run inference on any cloud.",
            {"4.1": ("run inference on any cloud",), "5.1": ()},
        ),
        # "this Section" is the one the sentence stands in
        (
            "5.2 The exclusivity provisions of this Section shall not apply to inference.",
            {"4.1": (), "5.1": ("inference",)},
        ),
        # a citation that cannot be read is no licence to guess
        ("6.1 This Article V shall not apply to inference.", {"4.1": (), "5.1": ()}),
    ],
)
def test_carve_outs_by_section(carve: str, expected: dict[str, tuple[str, ...]]) -> None:
    assert _exclusivities(carve) == expected


@pytest.mark.parametrize(
    ("parties", "body", "expected"),
    [
        # a lettered subsection, cited by number and letter
        (
            HELION,
            "4.1 Cloud Services.\n\n(a) Arcadia shall host the Platform.\n\n"
            "(b) During the Term, Helion shall use Arcadia as its exclusive provider of cloud "
            "computing services.\n\n4.2 Section 4.1(b) shall not apply to inference.\n",
            ("inference",),
        ),
        # a purchase commitment
        (
            ALDER,
            "3.1 Customer shall purchase from Supplier not less than 10,000 units in each "
            "Quarter.\n\n3.2 The purchase obligation in Section 3.1 shall not apply to any "
            "Quarter in which Supplier is unable to deliver the quantities ordered.\n",
            ("Quarter in which Supplier is unable to deliver the quantities ordered",),
        ),
        # a cloud commitment: the carve-out rule makes a purchase commitment of either kind
        (
            HELION,
            "4.1 Helion commits to purchase cloud services from Arcadia with fees of not less"
            " than $50,000,000 in each Contract Year.\n\n4.2 The purchase commitment in"
            " Section 4.1 shall not apply to inference credits.\n",
            ("inference credits",),
        ),
    ],
)
def test_a_carve_out_is_an_exception_of_the_term_it_names(
    parties: str, body: str, expected: tuple[str, ...]
) -> None:
    text = "This Agreement is made between " + parties + ".\n\n" + body
    (term,) = dealdiff.parse_text(text).terms
    assert term.exceptions == expected
