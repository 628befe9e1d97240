"""Sentences, sections and page furniture (``dealdiff.segment``).

Cases are data: ``tests/data/segment/NAME.txt`` is the text and ``NAME.expected`` the golden
output, one item a line (``\\n``, ``\\r``, ``\\t``, ``\\f`` and ``\\\\`` escaped):

- ``sentence: TEXT``: every sentence, in order;
- ``section: NUMBER | HEADING or - | TEXT AT ITS START``: every section, in order;
- ``furniture: TEXT``: every piece of page furniture, in order;
- ``at: NEEDLE -> NUMBER or None``: ``section_at`` at the first occurrence of NEEDLE;
- ``# ...``: comments.

To add a case, add the two files; ``DEALDIFF_UPDATE_GOLDENS=1 pytest tests/test_segment.py``
rewrites the sentence/section/furniture lines (keeping comments and ``at:`` lines) for review.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dealdiff.segment import CAP, MAX_REGION, Section, Segmenter

CASES = Path(__file__).resolve().parent / "data" / "segment"
UPDATE = os.environ.get("DEALDIFF_UPDATE_GOLDENS") == "1"
_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\f": "\\f"}
_UNESCAPES = {v[1]: k for k, v in _ESCAPES.items()}


def show(text: str) -> str:
    return "".join(_ESCAPES.get(char, char) for char in text)


def unshow(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _UNESCAPES[m.group(1)], text)


def read_text(path: Path) -> str:
    with path.open(encoding="utf-8", newline="") as handle:
        return handle.read()


def render(seg: Segmenter) -> list[str]:
    text = seg.text
    lines = [f"sentence: {show(text[s:e])}" for s, e in seg.sentences()]
    for section in seg.sections():
        start = show(text[section.start : section.start + 20])
        lines.append(f"section: {section.number} | {section.heading or '-'} | {start}")
    lines.extend(f"furniture: {show(text[s:e])}" for s, e in seg.furniture())
    return lines


def case_names() -> list[str]:
    return sorted(p.stem for p in CASES.glob("*.txt"))


def check_laws(seg: Segmenter) -> None:
    """What holds for every text: spans ordered, disjoint, stripped, found back by offset."""
    text = seg.text
    sentences = seg.sentences()
    furniture = seg.furniture()
    fresh = Segmenter(text)  # lookups must not depend on what was computed before
    previous_end = 0
    for start, end in sentences:
        assert previous_end <= start < end <= len(text)
        assert end - start <= CAP
        assert text[start:end] == text[start:end].strip()
        for offset in {start, (start + end) // 2, end - 1}:
            assert fresh.sentence_at(offset) == (start, end)
        for f_start, f_end in furniture:
            assert not f_start <= start < f_end and not f_start < end <= f_end
        previous_end = end
    previous_end = 0
    for f_start, f_end in furniture:
        assert previous_end <= f_start < f_end <= len(text)
        previous_end = f_end
    starts = [s.start for s in seg.sections()]
    assert starts == sorted(set(starts))
    assert all(section.number for section in seg.sections())


@pytest.mark.parametrize("name", case_names())
def test_case(name: str) -> None:
    text = read_text(CASES / f"{name}.txt")
    expected_path = CASES / f"{name}.expected"
    expected = expected_path.read_text(encoding="utf-8").splitlines()
    seg = Segmenter(text)
    actual = render(seg)
    if UPDATE:
        kept = [line for line in expected if line.startswith(("#", "at:"))]
        comments = [line for line in kept if line.startswith("#")]
        probes = [line for line in kept if line.startswith("at:")]
        expected_path.write_text("\n".join(comments + actual + probes) + "\n", encoding="utf-8")
    else:
        prefixes = ("sentence:", "section:", "furniture:")
        assert actual == [line for line in expected if line.startswith(prefixes)]
    for line in expected:
        if line.startswith("at: "):
            needle, number = line[4:].rsplit(" -> ", 1)
            offset = text.index(unshow(needle))
            assert seg.section_at(offset) == (None if number == "None" else number), line
    check_laws(seg)


@pytest.mark.parametrize("name", case_names())
def test_case_with_crlf(name: str) -> None:
    """The same case with ``\\r\\n`` line ends gives the same sentences and sections."""
    text = read_text(CASES / f"{name}.txt")
    seg = Segmenter(text)
    crlf = Segmenter(text.replace("\n", "\r\n"))
    assert [crlf.text[s:e].replace("\r\n", "\n") for s, e in crlf.sentences()] == [
        text[s:e] for s, e in seg.sentences()
    ]
    assert [(s.number, s.heading) for s in crlf.sections()] == [
        (s.number, s.heading) for s in seg.sections()
    ]
    check_laws(crlf)


# --------------------------------------------------------------------------- single behaviours


def sentence_texts(text: str) -> list[str]:
    seg = Segmenter(text)
    return [text[s:e] for s, e in seg.sentences()]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Acme Inc. shall pay. Beta Corp. shall ship.",
            ["Acme Inc. shall pay.", "Beta Corp. shall ship."],
        ),
        ("See Sec. 2.1 of the Terms. It applies.", ["See Sec. 2.1 of the Terms.", "It applies."]),
        ("Sold in the U.S. and Canada. Done.", ["Sold in the U.S. and Canada.", "Done."]),
        ("Signed by J. R. Smith. He agrees.", ["Signed by J. R. Smith.", "He agrees."]),
        ("As listed in Exhibit A. The list binds.", ["As listed in Exhibit A.", "The list binds."]),
        ("Under Section 4.2. The fee is due.", ["Under Section 4.2.", "The fee is due."]),
        ("Lot No. 7 ships. Lot 8 waits.", ["Lot No. 7 ships.", "Lot 8 waits."]),
        ("It costs $1.5 million. Paid yearly.", ["It costs $1.5 million.", "Paid yearly."]),
        ('He said "stop." Then he left.', ['He said "stop."', "Then he left."]),
        ("Redacted [***]. Next.", ["Redacted [***].", "Next."]),
        ("Terms [. . .] apply. Next.", ["Terms [. . .] apply.", "Next."]),
        ("Wait... Then go.", ["Wait... Then go."]),
        ("Really? Yes! Fine.", ["Really?", "Yes!", "Fine."]),
        ("Pay the fee; then ship; Then stop.", ["Pay the fee; then ship; Then stop."]),
        ("It ends at 5 p.m. Eastern time.", ["It ends at 5 p.m. Eastern time."]),
        ("Costs etc. The rest.", ["Costs etc. The rest."]),
        ("lower case. then more.", ["lower case. then more."]),
        ("Filed with us. b. The Maker agrees.", ["Filed with us.", "b. The Maker agrees."]),
        ("Pay on time. iv) Then ship.", ["Pay on time.", "iv) Then ship."]),
        # Bullets run into one line: each bullet opens an item, with or without a full stop.
        (
            "Items: \u25cfPay the fee monthly \u25cf Ship the goods. \u2022Report yearly",
            [
                "Items:",
                "\u25cfPay the fee monthly",
                "\u25cf Ship the goods.",
                "\u2022Report yearly",
            ],
        ),
        ("A bullet\u2022inside a word stays.", ["A bullet\u2022inside a word stays."]),
    ],
)
def test_sentence_ends(text: str, expected: list[str]) -> None:
    assert sentence_texts(text) == expected


def test_blank_line_always_ends_a_sentence() -> None:
    assert sentence_texts("The Buyer shall pay\n\nthe Seller shall ship") == [
        "The Buyer shall pay",
        "the Seller shall ship",
    ]


def test_page_number_inside_a_sentence_is_kept_out_of_the_words() -> None:
    text = "The Buyer shall pay the\n\n  7\n\nfee on delivery. Then it ships."
    seg = Segmenter(text)
    first = seg.sentences()[0]
    assert text[first[0] : first[1]].endswith("fee on delivery.")
    assert text[slice(*seg.furniture()[0])] == "7"
    assert seg.masked(*first) == "The Buyer shall pay the\n\n   \n\nfee on delivery."
    assert seg.sentence_at(text.index("7")) == first  # inside the sentence span
    assert len(seg.masked(0, len(text))) == len(text)


def test_offset_between_sentences_gives_an_empty_span() -> None:
    seg = Segmenter("One.  Two.\n\n- 2 -\n\nThree.")
    assert seg.sentence_at(5) == (5, 5)
    assert seg.sentence_at(len(seg.text)) == (len(seg.text), len(seg.text))
    furniture = seg.furniture()[0]
    assert seg.sentence_at(furniture[0]) == (furniture[0], furniture[0])


def test_offset_outside_the_text_raises() -> None:
    seg = Segmenter("One.")
    with pytest.raises(IndexError):
        seg.sentence_at(-1)
    with pytest.raises(IndexError):
        seg.sentence_at(5)


@pytest.mark.parametrize("text", ["", "   ", "\n\n\n", "\f", "\r\n\r\n", "12", "Page 3 of 9"])
def test_texts_without_sentences(text: str) -> None:
    seg = Segmenter(text)
    assert seg.sentences() == []
    assert seg.sections() == []
    assert seg.section_at(0) is None
    assert seg.sentence_at(0) == (0, 0)


@pytest.mark.parametrize(
    ("line", "number", "heading"),
    [
        ("ARTICLE 4", "4", None),
        ("ARTICLE IV - EXCLUSIVITY", "4", "EXCLUSIVITY"),
        ("Article 12. Term", "12", "Term"),
        ("Section 3. Payment. The fee is due.", "3", "Payment"),
        ("SECTION 3.1 The fee is due.", "3.1", None),
        ("2. EXCLUSIVITY", "2", "EXCLUSIVITY"),
        ("1.1 LICENSE. Acme may sell.", "1.1", "LICENSE"),
        (
            "2.9 U.S. GOVERNMENT RIGHTS. The Software is commercial.",
            "2.9",
            "U.S. GOVERNMENT RIGHTS",
        ),
        ("3.2 Payment Terms. Invoices are due.", "3.2", "Payment Terms"),
        ("4.2(a) The order is firm.", "4.2(a)", None),
        ("10.   NOTICES.", "10", "NOTICES"),
        ("7    GOVERNING LAW", "7", "GOVERNING LAW"),
        ("(a) the Buyer pays;", "(a)", None),
        ("a. The Buyer pays.", "(a)", None),
        ("iv) The Buyer pays.", "(iv)", None),
        ("Exhibit A - Pricing", "Exhibit A", "Pricing"),
        ("SCHEDULE 2", "Schedule 2", None),
    ],
)
def test_section_numbers(line: str, number: str, heading: str | None) -> None:
    sections = Segmenter("Intro text.\n\n" + line + "\n").sections()
    assert sections == [Section(number, 13, heading)]


@pytest.mark.parametrize(
    "line",
    [
        "30 days after delivery the fee is due.",  # a bare integer needs wide spacing or caps
        "2.1 of the Terms applies.",  # followed by lower case
        "Exhibit 10.5",  # the filing's exhibit number
        "to. the end",
        "etc. The rest.",
        "The Buyer pays.",
    ],
)
def test_not_section_numbers(line: str) -> None:
    assert Segmenter("Intro text.\n\n" + line + "\n").sections() == []


def test_heading_on_the_next_line() -> None:
    sections = Segmenter(
        "ARTICLE 1\n\nDEFINITIONS\n\n1.1 Terms have the meanings below."
    ).sections()
    assert [(s.number, s.heading) for s in sections] == [("1", "DEFINITIONS"), ("1.1", None)]


@pytest.mark.parametrize("gap", [" ", "  ", "     "])
def test_a_name_split_by_a_page_break_is_joined_however_it_is_spaced(gap: str) -> None:
    text = (
        "4. RENEWAL. Provided that the Distributor buys a minimum of $45,000 of Products during"
        f" the Initial{gap}Distribution\n\n- 3 -\n\nPeriod, this Agreement shall renew for"
        " a further six months."
    )
    sentences = sentence_texts(text)
    assert len(sentences) == 2 and sentences[1].endswith("a further six months.")


def test_running_header_needs_three_repeats() -> None:
    body = "{n}. Term {n}. The parties agree to term {n}.\n\n"
    twice = "Draft Copy\n\n" + body.format(n=1) + "Draft Copy\n\n" + body.format(n=2)
    thrice = twice + "Draft Copy\n\n" + body.format(n=3)
    assert Segmenter(twice).furniture() == []
    seg = Segmenter(thrice)
    assert [thrice[s:e] for s, e in seg.furniture()] == ["Draft Copy"] * 3
    assert "Draft Copy" not in [thrice[s:e] for s, e in seg.sentences()]


def test_form_feed_is_furniture() -> None:
    text = "First page ends here.\fSecond page starts here."
    seg = Segmenter(text)
    assert seg.furniture() == [(21, 22)]
    assert sentence_texts(text) == ["First page ends here.", "Second page starts here."]


# --------------------------------------------------------------------------- the length cap


def test_long_sentence_is_cut_at_clause_boundaries() -> None:
    clause = "the Supplier shall deliver the goods to the Buyer at the agreed place"
    text = "; ".join([clause] * 300) + "."  # about 21,000 characters, no full stop inside
    seg = Segmenter(text)
    spans = seg.sentences()
    assert len(text) > 20_000
    assert all(e - s <= CAP for s, e in spans)
    assert all(text[s:e].endswith((";", ".")) for s, e in spans)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    for offset in range(0, len(text), 997):
        start, end = seg.sentence_at(offset)
        assert start <= offset < end or text[offset].isspace()
        assert end - start <= CAP


@pytest.mark.parametrize(
    ("joiner", "ending"),
    [(", and ", ","), (" ", "x"), ("", "x")],
)
def test_long_sentence_without_clause_marks(joiner: str, ending: str) -> None:
    text = joiner.join(["word" + "x" * 5] * 3000)
    spans = Segmenter(text).sentences()
    assert all(e - s <= CAP for s, e in spans)
    assert "".join(text[s:e] for s, e in spans).replace(" ", "") == text.replace(" ", "")
    assert text[spans[0][0] : spans[0][1]].endswith(ending)


def test_long_blank_free_text_is_cut_into_regions() -> None:
    sentence = "The Seller shall supply the goods listed in the order to the Buyer.\n"
    text = sentence * 400  # 27,000 characters of hard-wrapped text without a blank line
    seg = Segmenter(text)
    assert len(seg.sentences()) == 400
    assert MAX_REGION < len(text)


# --------------------------------------------------------------------------- properties

_PIECES = [
    "Acme",
    " Inc.",
    " shall pay",
    " the fee",
    ".",
    ". ",
    "; ",
    ", and ",
    "?",
    "!",
    " U.S.",
    " No. 4",
    " Sec. 2.1",
    " e.g.",
    " J. Smith",
    "\n",
    "\r\n",
    "\n\n",
    "\n\n\n\n",
    "\f",
    "\n  12\n",
    "\nPage 3 of 9\n",
    "\n- 4 -\n",
    "\n-----\n",
    "\nARTICLE IV\n",
    "\nSection 3. ",
    "\n2.1 ",
    "\n2. TERM\n",
    "\n(a) ",
    "\n(i) ",
    "\na. ",
    "\nEXHIBIT A\n",
    "\nDraft Copy\n",
    "[***]",
    "[. . .]",
    '"',
    "(",
    ")",
    "  ",
    "\t",
    "x" * 40,
    "é",
]
_TEXTS = st.one_of(
    st.lists(st.sampled_from(_PIECES), max_size=60).map("".join),
    st.text(max_size=200),
    st.text(alphabet=" .\n\r\f;(a)1AiI-", max_size=200),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXTS)
def test_laws_hold_for_any_text(text: str) -> None:
    check_laws(Segmenter(text))


@settings(max_examples=200, deadline=None)
@given(_TEXTS, st.data())
def test_sentence_at_holds_its_offset(text: str, data: st.DataObject) -> None:
    seg = Segmenter(text)
    offset = data.draw(st.integers(0, len(text)))
    start, end = seg.sentence_at(offset)
    if start == end:
        assert start == offset
        assert all(not s <= offset < e for s, e in seg.sentences())
    else:
        assert start <= offset < end
        assert (start, end) in seg.sentences()
    section = seg.section_at(offset)
    assert section is None or section in {s.number for s in seg.sections()}
