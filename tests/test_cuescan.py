"""The anchored cue scan finds exactly what each cue's own regex finds."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from dealdiff.cuescan import CueScanner, anchor_of
from dealdiff.ruleset import default_rules

CUES = [
    (r"\bat\s+least\b", "commitment"),
    (r"royalt", "revenue"),
    (r"first\s+(?:refusal|offer)", "priority"),
    (r"(?:call|put)\s+option", "priority"),
    (r"non-?exclusiv", "exclusivity"),
    (r"\bsole\s+source", "exclusivity"),
    (r"%\s*\)?\s*of\b", "revenue"),
]
WORDS = [
    "at",
    "least",
    "royalty",
    "royalties",
    "first",
    "refusal",
    "offer",
    "call",
    "put",
    "option",
    "non-exclusive",
    "nonexclusive",
    "exclusive",
    "sole",
    "source",
    "console",
    "that",
    "flat",
    "5%",
    "%)",
    "of",
    "\n",
    ",",
    "  ",
]


def brute_force(text: str) -> list[tuple[int, str]]:
    found = set()
    for cue, tag in CUES:
        bounded = cue.startswith(r"\b")
        body = re.compile(cue[2:] if bounded else cue)
        for start in range(len(text)):
            if bounded and start > 0 and text[start - 1].isalnum():
                continue
            if body.match(text, start):
                found.add((start, tag))
    return sorted(found)


@settings(max_examples=200)
@given(st.lists(st.sampled_from(WORDS), max_size=40).map(" ".join))
def test_scan_agrees_with_each_cue_on_its_own(text: str) -> None:
    assert sorted(CueScanner(CUES).hits(text)) == brute_force(text)


def test_anchors_are_the_longest_literal_runs() -> None:
    assert anchor_of(r"at\s+least\b") == "least"
    assert anchor_of(r"(?:call|put)\s+option") == "option"
    assert anchor_of(r"non-?exclusiv") == "exclusiv"
    assert anchor_of(r"(?:a|b)") == ""


def test_a_symbol_is_a_better_anchor_than_a_short_word() -> None:
    # "%" is rare in prose and "of" is everywhere: anchor on the symbol.
    assert anchor_of(r"%\s*\)?\s*of\b") == "%"
    assert anchor_of(r"\*\s*\]?\s*of\s+net") == "*"  # ties go to the first run
    assert anchor_of(r"\bof\s+") == "of"


def test_every_built_in_cue_is_found_in_its_own_words() -> None:
    rules = default_rules()
    for type_rules in rules.types.values():
        for cue in type_rules.cues:
            hits = [t for _, t in rules.scanner.hits("x " + _example(cue) + " x")]
            assert type_rules in hits, cue


def _example(cue: str) -> str:
    """A lower-case text that the cue matches, built from its first alternatives."""
    text = re.sub(r"^\\b", "", cue)
    text = re.sub(r"\(\?:[^()]*\)\{0,\d+\}", "", text)  # optional runs of words
    text = re.sub(r"\[\\d[^\]]*\][+*]?", "5", text)  # figures
    text = re.sub(r"\(\?:([^|)]*)[^)]*\)\??", r"\1", text)
    text = text.replace(r"\s+", " ").replace(r"\s*", " ").replace(r"[\s-]+", " ")
    text = text.replace(r"\b", "")
    text = re.sub(r"(.)\?", "", text)
    return text.replace("\\", "")


def test_every_built_in_cue_has_an_anchor() -> None:
    # A cue without a literal word of three letters (or a symbol) is matched by one
    # regex over the whole text, which costs as much as all the anchored cues together.
    assert default_rules().scanner.loose is None
