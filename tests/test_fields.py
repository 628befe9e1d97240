"""How field values are resolved: parties, roles and names read off capitalised words."""

from __future__ import annotations

import dealdiff

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
