"""Parties from the preamble: the shapes real agreements write them in.

Each case is a preamble as filings write it (addresses, descriptions, parentheticals,
lower-case brand names, no short names at all); the expected parties are name and key.
"""

from __future__ import annotations

import pytest

import dealdiff
from dealdiff.parties import find_parties


def _pairs(text: str) -> list[tuple[str, str]]:
    return [(p.name, p.key) for p in find_parties(text)]


CASES = {
    "public-benefit-corporation": (
        'Parties: Westbrook Software Corporation ("Westbrook") and Ardent Labs Group PBC '
        '("Ardent").',
        [("Westbrook Software Corporation", "Westbrook"), ("Ardent Labs Group PBC", "Ardent")],
    ),
    "address-before-a-long-marker": (
        "This Supply Agreement is made by and between Norrland Biotec GmbH, a German "
        "corporation having an address at Ringstrasse 4, 50667 Cologne, Germany (hereinafter "
        'referred to as "Norrland"), and Calloway Therapeutics, Inc., a US corporation, having '
        "a registered office at 12 Elm Road, Suite 400, Houston, TX 77030 (on behalf of itself "
        'and its Affiliates, individually and collectively referred to as "Calloway").',
        [("Norrland Biotec GmbH", "Norrland"), ("Calloway Therapeutics, Inc.", "Calloway")],
    ),
    "with-its-place-of-business": (
        "This Agreement is entered into by and between Edgeline Services, LLC, with its "
        "principal place of business at 65 Windcrest Drive, Plano, TX 75024 (hereinafter "
        'referred to as "Edgeline"), and Fenwick Networks, Inc. with offices located at 9 '
        'Beach Road, Naples, FL 34108 (hereinafter referred to as "Fenwick" or "Subcontractor").',
        [("Edgeline Services, LLC", "Edgeline"), ("Fenwick Networks, Inc.", "Fenwick")],
    ),
    "lower-case-brand-names": (
        'This Agreement is by and between Tallis.com, Inc. ("Tallis"), a Delaware corporation, '
        'located at 14 Broad Street, New York, NY 10018 and quillo.com, Inc. ("quillo"), a '
        "Delaware corporation, located at 19 Golf Road, Schaumburg, IL 60173.",
        [("Tallis.com, Inc.", "Tallis"), ("quillo.com, Inc.", "quillo")],
    ),
    "lower-case-first-letter": (
        'This Agreement is entered into by eQuill Communications Corporation ("eQuill") and '
        'Larkspur Corporation ("Customer") for the hosting of the software.',
        [("eQuill Communications Corporation", "eQuill"), ("Larkspur Corporation", "Customer")],
    ),
    "successors-and-assigns": (
        "This Amendment is entered into by and between VARDEN SOLAR, INC., a Delaware "
        'corporation (together with its successors and permitted assigns, "Varden Solar"), and '
        "VARDEN, INC., a Utah corporation (together with its successors and permitted assigns "
        '"Varden").',
        [("VARDEN SOLAR, INC.", "Varden Solar"), ("VARDEN, INC.", "Varden")],
    ),
    "successors-if-any": (
        "THIS AGENCY AGREEMENT is between Hallmark Capital Corporation, a Delaware corporation "
        '(together with its successors and assigns, if any, "Lessor"), and Duckett Stores, '
        'Inc., a Kansas corporation (the "Company").',
        [("Hallmark Capital Corporation", "Lessor"), ("Duckett Stores, Inc.", "Company")],
    ),
    "no-company-form-in-the-parties-sentence": (
        'This Agreement is made by and between Utica Corporation ("UTC"), 20 South Street, '
        "Plant City, Florida 33566 a Delaware corporation, and Bright Energy Solutions, "
        '("BES"), 39 31st Street North, St. Petersburg, Florida, a Florida corporation.',
        [("Utica Corporation", "UTC"), ("Bright Energy Solutions", "BES")],
    ),
    "a-division-of": (
        "This Sponsorship Agreement is entered into by and between Fordham Motor Media, a "
        'division of J. Walker Thompson ("FMM") with offices at 300 Center Street, Detroit, '
        'and kVillage, Inc., ("kVillage") with offices at 170 Fifth Avenue, New York.',
        [("Fordham Motor Media", "FMM"), ("kVillage, Inc.", "kVillage")],
    ),
    "parenthetical-inside-the-description": (
        "THIS SERVICES AGREEMENT is made BETWEEN: (1) Larch Capital Management, L.P. a "
        'Delaware limited partnership of 33 Grand Avenue, Los Angeles ("Larch US"); and (2) '
        "Larch Capital Management International Limited, a private limited company "
        "(registered number 11311066) registered in England and Wales of 10 High Street, "
        'London (the "Sub-Advisor").',
        [
            ("Larch Capital Management, L.P.", "Larch US"),
            ("Larch Capital Management International Limited", "Sub-Advisor"),
        ],
    ),
    "and-its-affiliates": (
        "This Agreement is made by and between Sekoya Diagnostics, LLC and its Affiliates, a "
        'Delaware limited liability company with offices at 4 Hart Place ("Sekoya"), and '
        "Qualia, Inc. and its Affiliates, a Delaware corporation with offices at 20 Corte "
        'Road ("Qualia" and together with Sekoya, each a "Party" and together the "Parties").',
        [("Sekoya Diagnostics, LLC", "Sekoya"), ("Qualia, Inc.", "Qualia")],
    ),
    "formerly-known-as": (
        "Co-Branding Agreement between Ravel Prime, Inc., a Delaware corporation "
        '("Prime"), and deltafour.com, Inc. (formerly known as Delta Four, Inc.), a Delaware '
        'corporation ("DeltaFour").',
        [("Ravel Prime, Inc.", "Prime"), ("deltafour.com, Inc.", "DeltaFour")],
    ),
    "single-quotes-and-a-long-tail": (
        "This Joint Venture Agreement is made BETWEEN IMPAX Technologies Inc., a company "
        "incorporated under the laws of the State of Delaware (hereinafter referred to as "
        "'IMPAX', which term shall unless repugnant to the context include its successors and "
        "permitted assigns) AND Mindel Industries Limited, a company incorporated in India "
        "(hereinafter referred to as 'MINDEL', which term shall include its successors).",
        [("IMPAX Technologies Inc.", "IMPAX"), ("Mindel Industries Limited", "MINDEL")],
    ),
    "no-short-names": (
        "This Agreement entered into as of the Effective Date by and between Linkwell "
        "Corporation and Axiom Meters, LLC.\n\nWHEREAS, Axiom Meters has developed meter "
        "software; WHEREAS, Linkwell has developed radio devices.",
        [("Linkwell Corporation", "Linkwell"), ("Axiom Meters, LLC", "Axiom Meters")],
    ),
    "party-a-and-party-b": (
        "This Agreement is entered into in Shenzhen between the following two parties:\n"
        "Party A: Jinhai Tongda Technology (Shenzhen) Co., Ltd.\n"
        "Registration Address: Room 1605, Tower A, Futian District, Shenzhen\n"
        "Party B: Shenzhen Jinhai Communication Co., Ltd.\n"
        "Registration Address: Block A, Cyber Park, Shenzhen.\n",
        [
            ("Jinhai Tongda Technology (Shenzhen) Co., Ltd.", "Party A"),
            ("Shenzhen Jinhai Communication Co., Ltd.", "Party B"),
        ],
    ),
    "and-inside-a-name": (
        "This Contract is made by and between The Harbour Country Club and Recreation Inc. "
        '(hereinafter referred to as "Party A") and Lindqvist Architects Ltd. (hereinafter '
        'referred to as "Party B").',
        [
            ("The Harbour Country Club and Recreation Inc.", "Party A"),
            ("Lindqvist Architects Ltd.", "Party B"),
        ],
    ),
    "marker-on-a-line-of-its-own": (
        "THIS AGREEMENT made effective the 10 day of January 2019,\n\nBETWEEN:\n\nLARCH "
        "NATURALS, INC., a company having its registered office at 78 Venture Street, "
        'Burnaby\n\n("Larch" or the "Company")\n\nAND:\n\nDR. ODA MERLO N.D. INC., '
        "Businessperson, having an office at 29 East Avenue, Vancouver\n\n"
        '(the "Contractor")\n',
        [("LARCH NATURALS, INC.", "Larch"), ("DR. ODA MERLO N.D. INC.", "Contractor")],
    ),
    "short-name-without-quotes": (
        "This agreement is made and entered into by and between Kettle Time, Inc., a "
        "Pennsylvania corporation with its principal place of business at 48 Linden Road "
        "(hereinafter referred to as Kettle Time) and Lark Foods LLC (hereinafter referred to "
        "as the Franchisee).",
        [("Kettle Time, Inc.", "Kettle Time"), ("Lark Foods LLC", "Franchisee")],
    ),
    "a-role-without-a-company-form": (
        'AGREEMENT dated as of June 24, 2020, between Tessel Funds (the "Trust"), a '
        "Massachusetts business trust, and Potomac Fund Management, Inc. (the "
        '"Adviser"), a Florida corporation.',
        [("Tessel Funds", "Trust"), ("Potomac Fund Management, Inc.", "Adviser")],
    ),
}


@pytest.mark.parametrize("text, expected", CASES.values(), ids=CASES.keys())
def test_preamble_parties(text: str, expected: list[tuple[str, str]]) -> None:
    assert _pairs(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # A defined product or document is no party, even in the parties sentence.
        'This License Agreement (the "Agreement") is between Halden Devices Inc. ("Halden") '
        'and Orm Ltd. ("Orm").\n\nWHEREAS, Halden has developed the Widget Platform '
        '("Platform") and Orm Works ("Works");',
        # A customer class defined in a recital is no party.
        'This Agreement is between Halden Devices Inc. ("Halden") and Orm Ltd. ("Orm"). '
        'WHEREAS, Halden sells to hospitals and clinics (each a "Customer").',
    ],
)
def test_recital_definitions_are_no_parties(text: str) -> None:
    assert [p.key for p in find_parties(text)] == ["Halden", "Orm"]


def test_with_both_parties_known_the_other_one_is_the_holder() -> None:
    """A lapsing first right names only its grantor; with two parties the holder is the other."""
    text = (
        'This Agreement is made by and between Utica Corporation ("UTC") and Bright Energy '
        'Solutions, ("BES"), a Florida corporation.\n\n'
        "1. After a period of thirty (30) days, UTC shall be free to offer the technology to "
        "other clients.\n"
    )
    (term,) = [t for t in dealdiff.parse_text(text).terms if t.type.value == "priority_access"]
    assert (term.grantor, term.holder) == ("UTC", "BES")


def test_a_short_name_broken_by_a_run_of_spaces_is_still_the_party() -> None:
    """Filings pad lines with spaces, also inside a two-word short name."""
    text = (
        'This Agreement is between Cinema Media, LLC ("CM") and Digital Screens Corp. ("Screen '
        'Affiliate").\n\n3. CM hereby grants to Screen  Affiliate an exclusive license to exhibit '
        "the Service in the Territory.\n"
    )
    (term,) = [t for t in dealdiff.parse_text(text).terms if t.type.value == "exclusivity"]
    assert term.holder == "Screen Affiliate"


def test_the_preamble_after_a_table_of_contents() -> None:
    contents = "".join(f"{n}. SECTION HEADING NUMBER {n} .......... {n}\n" for n in range(1, 200))
    assert len(contents) > 6000
    text = (
        "COLLABORATION AGREEMENT\n\nTABLE OF CONTENTS\n\n" + contents + "\n"
        'This COLLABORATION AGREEMENT ("Agreement") dated November 14, 2002, is made by and '
        "between TALLIS BIO, INC., a Delaware corporation, having its principal office at 9 "
        'Gateway Boulevard ("Tallis"), and GRAVEN GROUP LIMITED, an English company ("GGL").\n'
    )
    parties = find_parties(text)
    assert [(p.name, p.key) for p in parties] == [
        ("TALLIS BIO, INC.", "Tallis"),
        ("GRAVEN GROUP LIMITED", "GGL"),
    ]
    first = parties[0].span
    assert first is not None and text[first.start : first.end] == '("Tallis")'
