"""The token-pattern language: parsing, compiling and matching."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dealdiff.patterns import PatternError, compile_pattern, encode, tokenize

LEX = {
    "exclusive": ("EXCL",),
    "appoints": ("GRANT",),
    "distributor": ("ROLE",),
    "not": ("NEG",),
    "shall": ("MODAL",),
}
KNOWN = frozenset({"EXCL", "GRANT", "ROLE", "NEG", "MODAL", "PARTY", "PUNCT", "CAP", "REDACTED"})


def classes(word: str) -> tuple[str, ...]:
    return LEX.get(word, ())


def match(pattern: str, text: str, parties: tuple[tuple[int, int], ...] = ()):
    merged = [(s, e, ("PARTY",)) for s, e in parties]
    tokens = tokenize(text, 0, len(text), classes, merged)
    found = compile_pattern(pattern, KNOWN, {"ACTOR": "(PARTY | ROLE)"}).search(encode(tokens))
    if found is None:
        return None
    return {role: text[tokens[i].start : tokens[j - 1].end] for role, (i, j) in found.items()}


def test_roles_are_captured_as_source_text() -> None:
    text = "Acme Corp. hereby appoints Distributor as its exclusive distributor of the Goods."
    got = match("grantor:PARTY ~3 GRANT holder:ACTOR ~4 EXCL", text, ((0, 10),))
    assert got == {
        "": "Acme Corp. hereby appoints Distributor as its exclusive",
        "grantor": "Acme Corp.",
        "holder": "Distributor",
    }


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ('"right of first" (refusal | offer)', "a right of first offer on", "right of first offer"),
        ("exclu*", "non-compete and exclusivity", "exclusivity"),
        ("MODAL !NEG GRANT", "Seller shall not appoints", None),
        ("MODAL !NEG GRANT", "Seller shall hereby appoints", "shall hereby appoints"),
        ("MODAL ~1 GRANT", "Seller shall hereby appoints", "shall hereby appoints"),
        ("MODAL ~3 GRANT", "shall; appoints", None),
        ("EXCL{2}", "exclusive exclusive", "exclusive exclusive"),
        ('"%"', "20 %", "%"),
        ("^ GRANT", "appoints the distributor", "appoints"),
        ("^ GRANT", "it appoints the distributor", None),
    ],
)
def test_pattern_forms(pattern: str, text: str, expected: str | None) -> None:
    got = match(pattern, text)
    assert (got or {}).get("") == expected


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("UNKNOWN_CLASS", "unknown token class UNKNOWN_CLASS"),
        ("(EXCL", "cannot read pattern '(EXCL' at column"),
        ("EXCL |", "cannot read pattern"),
    ],
)
def test_bad_patterns_are_reported(pattern: str, message: str) -> None:
    with pytest.raises(PatternError, match=message.replace("(", r"\(")):
        compile_pattern(pattern, KNOWN)


def test_recursive_macro_is_an_error() -> None:
    with pytest.raises(PatternError, match="refers to itself"):
        compile_pattern("LOOP", KNOWN, {"LOOP": "EXCL LOOP"})


@given(st.text(max_size=300))
def test_tokens_are_ordered_and_quote_the_source(text: str) -> None:
    tokens = tokenize(text, 0, len(text), classes)
    last = 0
    for tok in tokens:
        assert last <= tok.start < tok.end <= len(text)
        assert text[tok.start : tok.end].strip()
        last = tok.end


def test_a_nul_character_is_a_token_like_any_other() -> None:
    """Found by the property test above: NUL was the merged-token placeholder once."""
    text = "a \x00 b"
    tokens = tokenize(text, 0, len(text), classes, [(0, 1, ("PARTY",))])
    assert [t.word for t in tokens] == ["a", "\x00", "b"]


@pytest.mark.parametrize("mark", ["[***]", "[ * ]", "[…***…]", "[...***...]", "[… ***…]", "[•]"])
def test_a_redaction_mark_is_one_redacted_token(mark: str) -> None:
    """Filings mark redactions with ellipses, bullets and spaces; each mark is one token."""
    text = f"a minimum of {mark} units"
    tokens = tokenize(text, 0, len(text), classes)
    assert [t.word for t in tokens][3:] == ["".join(mark.split()), "units"]
    assert match('minimum "of" REDACTED units', text) == {"": f"minimum of {mark} units"}


@pytest.mark.parametrize(
    ("word", "ratio"),
    [("70/30", True), ("50/50", True), ("62.5/37.5", True), ("24/7", False), ("3/4", False)],
)
def test_a_split_of_a_hundred_is_a_ratio(word: str, ratio: bool) -> None:
    """ "divided 70/30" names shares of a whole; "24/7" and "3/4" do not."""
    text = f"divided {word} between them"
    (token,) = [t for t in tokenize(text, 0, len(text), classes) if t.word == word]
    assert ("RATIO" in token.classes) is ratio
    assert "NUM" in token.classes


def test_an_alternation_needs_a_word_of_each_branch() -> None:
    # Any match of ("shall" "exclusive") | ("appoints" "distributor") holds one word of each
    # branch, whichever branch it is: a sentence without "shall" or "appoints" is not tried.
    needs = compile_pattern('("shall" "exclusive") | ("appoints" "distributor")', KNOWN).needs
    assert set(needs) == {
        frozenset({"shall", "appoints"}),
        frozenset({"shall", "distributor"}),
        frozenset({"exclusive", "appoints"}),
        frozenset({"exclusive", "distributor"}),
    }


def test_many_long_branches_take_few_needs() -> None:
    # Twelve branches of five words could be combined in 5**12 ways; the sets are built from
    # the first needs of each branch only, so compiling stays quick and the sets stay few,
    # and every set still holds a word of each branch.
    branches = [[f"w{b}x{w}" for w in range(5)] for b in range(12)]
    source = " | ".join("(" + " ".join(f'"{word}"' for word in words) + ")" for words in branches)
    needs = compile_pattern(source, KNOWN).needs
    assert 0 < len(needs) <= 24
    for need in needs:
        assert all(need & set(words) for words in branches)


_WORDS = ["shall", "not", "exclusive", "appoints", "distributor", "the", "a", "Acme", ","]
_PATTERNS = [
    '("shall" "exclusive") | ("appoints" ~2 "distributor")',
    '(MODAL ~2 (NEG | EXCL)) | (GRANT ~3 (ROLE | ("the" EXCL))) | ("a" CAP)',
    "((shall | appoints) ~1 not) | (exclusive distributor) | (NEG ~4 (a | the) ~1 ROLE)",
    '("a" | "the") ((EXCL ROLE) | (NEG ~1 GRANT))',
]


@given(st.sampled_from(_PATTERNS), st.lists(st.sampled_from(_WORDS), max_size=14).map(" ".join))
def test_what_a_pattern_needs_never_hides_a_match(pattern: str, text: str) -> None:
    compiled = compile_pattern(pattern, KNOWN)
    encoded = encode(tokenize(text, 0, len(text), classes))
    assert compiled.needs
    found = compiled.regex.search(encoded.string) is not None
    assert (compiled.search(encoded) is not None) == found
