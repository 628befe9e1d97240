"""Parsing agreement text: spans, seeds against their goldens, and the parse command."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DATA, ROOT, SEEDS, seed_files
from hypothesis import given, settings
from hypothesis import strategies as st

import dealdiff
from dealdiff.cli import cli
from dealdiff.serialize import agreement_from_dict, agreement_to_dict

GOLDEN = DATA / "parse"
UPDATE = os.environ.get("DEALDIFF_UPDATE_GOLDEN") == "1"


@pytest.mark.parametrize("path", seed_files(), ids=lambda p: p.name)
def test_every_span_quotes_its_evidence(path: Path) -> None:
    text = path.read_text("utf-8")
    agreement = dealdiff.parse_file(path)
    assert agreement.terms
    lines = text.split("\n")
    for term in agreement.terms:
        assert term.span is not None
        assert "\n".join(text[s.start : s.end] for s in term.pieces) == term.text
        assert lines[term.span.line - 1][term.span.column - 1 :].startswith(
            term.text.split("\n")[0]
        )


@pytest.mark.parametrize("path", seed_files(), ids=lambda p: p.name)
def test_seed_terms_match_golden(path: Path) -> None:
    got = agreement_to_dict(dealdiff.parse_file(path))
    got["source"] = path.name
    golden = GOLDEN / f"{path.stem}.json"
    if UPDATE:
        golden.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n", "utf-8")
    assert golden.exists(), f"no golden {golden.name}: run with DEALDIFF_UPDATE_GOLDEN=1"
    assert got == json.loads(golden.read_text("utf-8"))


MAIN = ("2.1", "3.1", "4.1", "5.1")  # where the partnership seeds state their four terms


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (
            "cloud-partnership-2019.txt",
            {
                ("exclusivity", "exclusive"),
                ("revenue_share", "active"),
                ("priority_access", "granted"),
                ("cloud_commitment", "committed"),
            },
        ),
        (
            "cloud-partnership-2026.txt",
            {
                ("exclusivity", "non_exclusive"),
                ("revenue_share", "ceased"),
                ("priority_access", "granted"),
                ("cloud_commitment", "committed"),
            },
        ),
    ],
)
def test_partnership_seed_types_and_statuses(path: str, expected: set[tuple[str, str]]) -> None:
    terms = dealdiff.parse_file(SEEDS / path).terms
    main = {t.section: (t.type.value, t.status.value) for t in terms if t.section in MAIN}
    assert set(main.values()) == expected
    assert sorted(main) == sorted(MAIN)


def test_partnership_values_are_normalised() -> None:
    agreement = dealdiff.parse_file(SEEDS / "cloud-partnership-2019.txt")
    terms = {t.type.value: t for t in agreement.terms if t.section in MAIN}
    share = terms["revenue_share"]
    assert (share.payer, share.payee, str(share.rate)) == ("OpenAI", "Microsoft", "20")
    commitment = terms["cloud_commitment"]
    assert commitment.amount == 10_000_000_000 and commitment.currency == "USD"
    assert commitment.committer == "OpenAI"
    assert terms["exclusivity"].section == "2.1"


def test_json_round_trips_through_the_model() -> None:
    agreement = dealdiff.parse_file(SEEDS / "reseller-agreement.txt")
    data = agreement_to_dict(agreement)
    again = agreement_from_dict(json.loads(json.dumps(data)))
    assert again.terms == agreement.terms
    assert [t.span for t in again.terms] == [t.span for t in agreement.terms]


def run(*args: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_parse_jsonl_gives_one_document_a_line() -> None:
    files = [str(p) for p in seed_files()[:3]]
    code, out, _ = run("parse", "--format", "jsonl", *files)
    assert code == 0
    docs = [json.loads(line) for line in out.splitlines()]
    assert [d["source"] for d in docs] == files
    assert all("terms" in d for d in docs)


def test_parse_reads_stdin() -> None:
    text = (SEEDS / "software-licence.txt").read_bytes()
    code, out, _ = run("parse", "-", "--format", "json", stdin=text)
    assert code == 0
    doc = json.loads(out)
    assert doc["source"] == "<stdin>" and doc["terms"]


def test_parse_text_lists_terms() -> None:
    code, out, _ = run("parse", str(SEEDS / "cloud-partnership-2019.txt"))
    assert code == 0
    assert "exclusivity" in out and "revenue_share" in out and "§2.1" in out


def test_output_file_is_written_whole(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    code, _, _ = run("parse", str(SEEDS / "supply-agreement.txt"), "-f", "json", "-o", str(target))
    assert code == 0
    assert json.loads(target.read_text("utf-8"))["terms"]
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_failed_run_leaves_existing_output_untouched(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("keep", "utf-8")
    code, _, err = run("parse", str(tmp_path / "missing.txt"), "-f", "json", "-o", str(target))
    assert code == 2
    assert target.read_text("utf-8") == "keep"
    assert "missing.txt: error: no such file" in err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file (NUL byte)"),
        (b"Section 1. Fine text.\n\xff\xfe broken", "not valid UTF-8 (byte 0xff)"),
    ],
)
def test_unreadable_files_get_one_clear_error(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    code, out, err = run("parse", str(path))
    assert code == 2
    assert out == ""
    assert f"{path}:" in err and message in err
    assert "Traceback" not in err


def test_invalid_utf8_is_located() -> None:
    from dealdiff.errors import SourceError
    from dealdiff.source import decode

    with pytest.raises(SourceError) as info:
        decode("line one\nab\xe9".encode("latin-1"), "f.txt")
    assert (info.value.line, info.value.column) == (2, 3)


def test_directory_and_missing_path(tmp_path: Path) -> None:
    code, _, err = run("parse", str(tmp_path))
    assert code == 2 and "is a directory" in err
    code, _, err = run("parse", str(tmp_path / "nope.txt"))
    assert code == 2 and "no such file" in err


def test_empty_file_has_no_terms(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    code, out, _ = run("parse", str(path), "-f", "json")
    assert code == 0
    assert json.loads(out)["terms"] == []


def test_one_bad_file_does_not_stop_the_others(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01")
    code, out, err = run("parse", "-f", "jsonl", str(bad), str(SEEDS / "software-licence.txt"))
    assert code == 2
    assert len(out.splitlines()) == 1 and "bad.txt" in err


def test_unknown_option_is_a_usage_error() -> None:
    code, _, err = run("parse", "--frobnicate", str(SEEDS / "software-licence.txt"))
    assert code == 2 and "No such option" in err


def test_long_sentence_without_full_stop_is_fast_and_bounded() -> None:
    import time

    text = "Licensee shall pay royalties " + "and further amounts " * 1000 + "exclusive"
    start = time.perf_counter()
    agreement = dealdiff.parse_text(text)
    assert time.perf_counter() - start < 5
    for term in agreement.terms:
        assert term.span is not None and term.span.end - term.span.start <= 2000


def test_large_input_is_parsed(tmp_path: Path) -> None:
    # 50 MB: mostly clauses without cue words, with the terms of one seed at the end.
    filler = (
        "Each Party shall keep the other Party's confidential information secret and use "
        "it only for the purposes of this Agreement, and shall return it on request.\n\n"
    )
    seed = (SEEDS / "reseller-agreement.txt").read_text("utf-8")
    big = tmp_path / "big.txt"
    with big.open("w", encoding="utf-8") as fh:
        fh.write(filler * (50_000_000 // len(filler)))
        fh.write(seed)
    assert big.stat().st_size > 50_000_000
    code, out, err = run("parse", str(big), "-f", "jsonl")
    assert code == 0, err
    terms = json.loads(out)["terms"]
    assert {t["type"] for t in terms} >= {"exclusivity", "minimum_commitment", "priority_access"}


def test_library_entry_points() -> None:
    agreement = dealdiff.parse_text(
        "Licensee shall pay to Licensor a royalty of five percent (5%) of Net Sales."
    )
    [term] = agreement.terms
    assert isinstance(term, dealdiff.RevenueShare)
    assert term.rate == 5 and term.status.value == "active"


PARSE_SCHEMA = json.loads(
    (ROOT / "dealdiff" / "schemas" / "agreement.schema.json").read_text("utf-8")
)


@pytest.mark.parametrize("path", seed_files(), ids=lambda p: p.name)
def test_parse_json_follows_the_schema(path: Path) -> None:
    from schema_lite import schema_errors

    code, out, _ = run("parse", str(path), "--format", "json")
    assert code == 0
    assert list(schema_errors(json.loads(out), PARSE_SCHEMA, PARSE_SCHEMA)) == []


def test_schema_rejects_what_it_forbids() -> None:
    from schema_lite import schema_errors

    doc = {"source": "x", "terms": [{"type": "exclusivity", "status": "maybe"}]}
    assert list(schema_errors(doc, PARSE_SCHEMA, PARSE_SCHEMA))
    doc = {"source": "x", "terms": [{"type": "revenue_share", "status": "active", "rate": "20"}]}
    assert list(schema_errors(doc, PARSE_SCHEMA, PARSE_SCHEMA))


def test_schema_ships_in_the_package() -> None:
    from importlib import resources

    shipped = resources.files("dealdiff").joinpath("schemas/agreement.schema.json")
    assert json.loads(shipped.read_text("utf-8")) == PARSE_SCHEMA


JUNK = [
    "\u2028",
    "\u00a0",
    "\ufeff",
    "\r\n",
    "\r",
    "\t",
    "[***]",
    "$",
    "%",
    "(",
    ")",
    '"',
    "\u201c",
    "\u2014",
    "\u0130",
    "\ufb01",
    "\x0c",
    "\n\n",
    "Section 1.",
    "(a)",
    "ARTICLE IV",
    "exclusive",
    "royalty of 5%",
    "minimum",
    "first refusal",
    "$[***]",
    "US$",
    "\u20ac",
    "1,000,000",
    ";",
    "US\x0c$",
    "non-",
    "shall not",
]
SEED_TEXTS = [p.read_text("utf-8") for p in seed_files()]


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(SEED_TEXTS),
    st.integers(0, 10_000),
    st.integers(1, 3_000),
    st.lists(st.tuples(st.integers(0, 3_000), st.sampled_from(JUNK)), max_size=25),
)
def test_mutated_text_never_breaks_the_parser(
    text: str, at: int, size: int, inserts: list[tuple[int, str]]
) -> None:
    chunk = list(text[at % len(text) : at % len(text) + size])
    for where, junk in inserts:
        chunk.insert(min(where, len(chunk)), junk)
    mutated = "".join(chunk)
    for term in dealdiff.parse_text(mutated).terms:
        assert term.span is not None
        assert "\n".join(mutated[s.start : s.end] for s in term.pieces) == term.text


def test_malformed_json_input_shows_the_line_with_a_caret(tmp_path: Path) -> None:
    bad = tmp_path / "old.json"
    bad.write_text('{"source": "x",\n "terms": [}\n', "utf-8")
    code, out, err = run("diff", str(bad), str(SEEDS / "software-licence.txt"))
    assert code == 2 and out == ""
    assert err == (
        f'dealdiff: {bad}:2:12: error: invalid JSON: Expecting value\n "terms": [}}\n           ^\n'
    )


_LIST_PREAMBLE = (
    'This Agreement is made between Alder Ltd ("Licensor") and Birch Inc ("Licensee").\n\n'
)


@pytest.mark.parametrize(
    ("body", "claimed"),
    [
        # the items of a lead-in's list are the clause's figures: the term runs to the last
        (
            "4.1 Licensee shall pay Licensor royalties on Net Sales as follows:\n\n"
            "(a) 5% of Net Sales up to $1,000,000; and\n\n(b) 7% of Net Sales above that.\n\n"
            "4.2 Reports are due within thirty days of each quarter.\n",
            "(b) 7% of Net Sales above that.",
        ),
        # rows of a table carry a rate or an amount and need no list mark
        (
            "4.1 Licensee shall pay Licensor royalties on Net Sales at these rates:\n\n"
            "Annual Net Sales up to $5 million 4%\n\nAnnual Net Sales above $5 million 6%\n\n"
            "Licensee keeps its own records.\n",
            "Annual Net Sales above $5 million 6%",
        ),
        # rows that start with a count are the quantities of a minimum
        (
            "4.1 Licensee shall purchase the following minimum quantities of the Products:\n\n"
            "5,000 units in the first Contract Year\n\n12,000 units in each later Contract Year\n\n"
            "Licensee keeps its own records.\n",
            "12,000 units in each later Contract Year",
        ),
    ],
)
def test_a_lead_in_claims_the_list_below_it(body: str, claimed: str) -> None:
    text = _LIST_PREAMBLE + body
    (term,) = [t for t in dealdiff.parse_text(text).terms if t.text.startswith("4.1")]
    assert term.text.endswith(claimed)
    assert "\n".join(text[s.start : s.end] for s in term.pieces) == term.text


@pytest.mark.parametrize(
    "body",
    [
        # no colon: the sentence is the whole clause
        "4.1 Licensee shall pay Licensor royalties of 5% of Net Sales.\n\n"
        "(a) Reports are due quarterly.\n",
        # a line without a list mark or a figure ends the list before it starts
        "4.1 Licensee shall pay Licensor royalties on Net Sales as follows:\n\n"
        "Licensee keeps records of all sales.\n(a) 5% of Net Sales.\n",
        # two blank lines and more part the lead-in from what follows
        "4.1 Licensee shall pay Licensor royalties on Net Sales as follows:\n\n\n"
        "(a) 5% of Net Sales.\n",
        # a numbered clause is no row of the list, whatever figures it carries
        "4.1 Licensee shall pay Licensor royalties on Net Sales as follows:\n\n"
        "4.2 Licensee shall pay a late fee of 2% of any overdue amount.\n",
    ],
)
def test_a_list_ends_where_its_items_end(body: str) -> None:
    text = _LIST_PREAMBLE + body
    (term,) = [t for t in dealdiff.parse_text(text).terms if t.text.startswith("4.1")]
    assert "\n" not in term.text.strip()


def test_parties_named_in_capitals() -> None:
    """Many filings write the parties' names in capitals: "BRIGHTWELL MEDICAL DEVICES LTD."."""
    text = (
        "THIS AGREEMENT is made by and between BRIGHTWELL MEDICAL DEVICES LTD., an Ontario "
        'corporation (hereinafter "Brightwell" or the "Supplier"), and HOLLIS CARE INC. '
        '(hereinafter "Hollis" or the "Distributor").\n'
    )
    parties = dealdiff.parse_text(text).parties
    assert [(p.name, p.aliases) for p in parties] == [
        ("BRIGHTWELL MEDICAL DEVICES LTD.", ("Brightwell", "Supplier")),
        ("HOLLIS CARE INC.", ("Hollis", "Distributor")),
    ]


def test_party_after_a_long_dated_lead_in() -> None:
    text = (
        "THIS AGREEMENT dated as of the 1st day of April, 2018, is by and between BRIGHTWELL "
        'MEDICAL DEVICES LTD., an Ontario corporation (hereinafter "Brightwell"), and Hollis '
        'Care Inc. ("Hollis").\n'
    )
    assert [p.key for p in dealdiff.parse_text(text).parties] == ["Brightwell", "Hollis"]


def test_an_entity_suffix_alone_is_no_party() -> None:
    text = (
        'This Agreement is between Halden Devices Inc. ("Halden") and Orm Ltd. ("Orm"). Halden '
        'shall fund Halden Devices (Suzhou) LTD. ("Halden Suzhou").\n'
    )
    assert [p.key for p in dealdiff.parse_text(text).parties] == ["Halden", "Orm"]


@pytest.mark.parametrize(
    "name", ["NORDHAVN OPTICS A/S", "Nordhavn Optics ApS", "Lindqvist Verktyg AB", "Serra S.r.l."]
)
def test_european_company_forms_are_kept_in_the_name(name: str) -> None:
    """ "A/S", "ApS", "AB", "S.r.l." end a company's name like "Inc." or "GmbH"."""
    text = (
        f"THIS AGREEMENT is made between:\n(1) {name}, a company incorporated in Denmark "
        '(the "Supplier"); and\n(2) CASTELLAN MEDICAL LIMITED (the "Distributor").\n'
    )
    parties = dealdiff.parse_text(text).parties
    assert [(p.name, p.key) for p in parties] == [
        (name, "Supplier"),
        ("CASTELLAN MEDICAL LIMITED", "Distributor"),
    ]


def test_a_company_form_makes_a_party_of_a_name_alias() -> None:
    text = 'This Agreement is between Nordhavn Optics A/S ("Nordhavn") and Serra S.r.l. ("Serra").'
    parties = dealdiff.parse_text(text).parties
    assert [(p.name, p.key) for p in parties] == [
        ("Nordhavn Optics A/S", "Nordhavn"),
        ("Serra S.r.l.", "Serra"),
    ]


def test_a_definition_padded_with_spaces_is_found_as_one_written_plainly() -> None:
    """Filings pad lines with runs of spaces; a definition must not depend on them."""
    from dealdiff.definitions import find_definitions

    body = "all software owned by a third party" + " " * 200 + "and licensed to the Licensee"
    plain = '"Third Party Software" means ' + " ".join(body.split()) + ".\n"
    padded = '"Third Party Software"          means ' + body + " " + body + ".\n"
    assert "third party software" in find_definitions(plain)
    assert "third party software" in find_definitions(padded)


_PAGED = (
    'This Supply Agreement is made between Alder Co. ("Supplier") and Birch Inc. ("Customer").\n\n'
    "4.1 Customer shall purchase from Supplier a minimum of 5,000 units of the Products in each"
    "\n\n- 7 -\n\n"
    "Contract Year during the Term.\n\n"
    "5.1 Customer shall pay Supplier a royalty of five percent (5%) of Net Sales.\n\n- 8 -\n\n"
    "5.2 Royalties are due within thirty days after each Quarter.\n"
)


def test_a_clause_carries_on_after_a_page_number() -> None:
    terms = dealdiff.parse_text(_PAGED).terms
    commitment = next(t for t in terms if t.type.value == "minimum_commitment")
    pieces = [_PAGED[s.start : s.end] for s in commitment.pieces]
    first = "4.1 Customer shall purchase from Supplier a minimum of 5,000 units of the Products"
    assert pieces == [first + " in each", "Contract Year during the Term."]
    assert commitment.span == commitment.spans[0]
    assert commitment.text == "\n".join(pieces)  # the page number is no part of the evidence
    assert "7" not in commitment.text.replace("4.1", "")


def test_a_page_number_after_a_full_stop_ends_the_clause() -> None:
    share = next(t for t in dealdiff.parse_text(_PAGED).terms if t.type.value == "revenue_share")
    assert share.spans == ()
    assert share.text.endswith("of Net Sales.")


def test_parse_json_lists_the_pieces_of_a_broken_clause(tmp_path: Path) -> None:
    from schema_lite import schema_errors

    path = tmp_path / "paged.txt"
    path.write_text(_PAGED, "utf-8")
    code, out, _ = run("parse", str(path), "--format", "json")
    doc = json.loads(out)
    assert list(schema_errors(doc, PARSE_SCHEMA, PARSE_SCHEMA)) == []
    broken, whole = doc["terms"]
    assert broken["span"] == broken["spans"][0] and len(broken["spans"]) == 2
    assert "spans" not in whole
    term = dealdiff.serialize.term_from_dict(broken)
    assert term.pieces == tuple(dealdiff.Span.from_dict(s) for s in broken["spans"])


def test_evidence_is_its_pieces_text_when_a_clause_ends_in_odd_space() -> None:
    text = (
        _PAGED.split("\n\n")[0]
        + "\n\n5.1 Customer shall pay Supplier a royalty of 5%\u2028\n\n[***]\n"
    )
    (term,) = dealdiff.parse_text(text).terms
    assert "\n".join(text[s.start : s.end] for s in term.pieces) == term.text


def test_a_table_of_minimum_cloud_spend_is_a_cloud_commitment_with_its_rows() -> None:
    text = (
        'This Cloud Services Agreement is made between Arcadia Cloud Services LLC ("Arcadia")'
        ' and Helion Intelligence, Inc. ("Helion").\n\nSCHEDULE 2\n\n'
        "Contract Year      Minimum Cloud Spend Commitment\n"
        "Year 1             $50,000,000\nYear 2             $75,000,000\n"
    )
    (term,) = dealdiff.parse_text(text).terms
    assert term.type.value == "cloud_commitment"
    assert term.text.startswith("Contract Year") and term.text.endswith("$75,000,000")


_SUPPLY = 'This Supply Agreement is made between Alder Co. ("Seller") and Birch Inc. ("Buyer").\n\n'


def test_a_table_carries_the_lead_in_that_introduces_it() -> None:
    lead = "Seller agrees to sell to Buyer, and Buyer agrees to buy from Seller, these products:"
    table = (
        "Product      Quantity (Tonnes / Year)      Minimum      Maximum\n\n"
        "Resin A                                    [***]        [***]\n"
        "Resin B                                    [***]        [***]\n"
    )
    text = _SUPPLY + f"1. PRODUCTS\n\n{lead}\n\n{table}"
    (term,) = dealdiff.parse_text(text).terms
    assert term.type.value == "minimum_commitment" and term.status.value == "committed"
    assert [text[s.start : s.end] for s in term.pieces] == [lead, table.rstrip()]
    assert term.span == term.pieces[0] and term.text == f"{lead}\n{table.rstrip()}"


def test_a_table_carries_its_title_line_but_not_a_section_heading() -> None:
    table = "MINIMUM PAYMENT      ACCESS FEE\n\nYear 1    $400,000    $300,000\n"
    text = _SUPPLY + f"SCHEDULE 3\n\nPAYMENT BY YEAR\n\n{table}"
    (term,) = dealdiff.parse_text(text).terms
    assert term.text.startswith("PAYMENT BY YEAR\nMINIMUM PAYMENT")
    (term,) = dealdiff.parse_text(_SUPPLY + f"SCHEDULE 3\n\n{table}").terms
    assert term.text.startswith("MINIMUM PAYMENT")


def test_a_lead_in_that_is_a_clause_of_its_own_keeps_its_own_term() -> None:
    text = _SUPPLY + (
        "5.1 Buyer shall pay Seller a royalty on Net Sales at the following rates:\n\n"
        "Net Sales in a Year        Royalty Rate\n"
        "Up to $1,000,000           5%\n"
        "Above $1,000,000           7%\n"
    )
    terms = dealdiff.parse_text(text).terms
    by_rule = {t.rule: t.text.split("\n")[0] for t in terms if t.type.value == "revenue_share"}
    assert by_rule == {
        "revenue-share-pay-royalty": text.splitlines()[2],
        "revenue-share-rate-table": "Net Sales in a Year        Royalty Rate",
    }
