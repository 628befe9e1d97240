"""``parse --explain``: every sentence with a cue word made a term or is listed as unclassified."""

from __future__ import annotations

import re

from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dealdiff.agreement import explain_agreement
from dealdiff.cli import cli
from dealdiff.ruleset import default_rules

CUE_WORDS = [
    "exclusive",
    "non-exclusive",
    "exclusively",
    "competing",
    "requirements",
    "royalty",
    "royalties",
    "revenue",
    "profits",
    "commission",
    "net sales",
    "right of first refusal",
    "first offer",
    "first negotiation",
    "option to purchase",
    "priority",
    "minimum",
    "at least",
    "not less than",
    "commit",
    "shortfall",
    "guarantee",
]
FILLER = [
    "the",
    "Supplier",
    "Distributor",
    "shall",
    "will",
    "not",
    "pay",
    "purchase",
    "any",
    "third",
    "party",
    "Products",
    "Territory",
    "in",
    "of",
    "to",
    "from",
    "5%",
    "US$1,000",
    "each",
    "year",
    "grants",
    "a",
    "licence",
    "right",
    "sell",
    "other",
    "than",
    "[***]",
]
VERDICTS = {"term", "vetoed", "skipped", "heading", "no-construction"}

words = st.lists(st.sampled_from(FILLER), min_size=0, max_size=8)
sentence = st.tuples(words, st.sampled_from(CUE_WORDS), words).map(
    lambda t: " ".join([*t[0], t[1], *t[2]]).capitalize() + "."
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(sentence, min_size=1, max_size=6))
# A cue must not look past its sentence: one that read the character after a final full stop
# matched "Commission." on its own but not in the text, where a line break followed.
@example(sentences=["Commission."])
def test_every_cued_sentence_is_explained(sentences: list[str]) -> None:
    text = "\n\n".join(f"{i + 1}.1 {s}" for i, s in enumerate(sentences)) + "\n"
    rules = default_rules()
    agreement, candidates = explain_agreement(text, source="t.txt", rules=rules)
    for m in re.finditer(r"[^\n]+", text):
        line = m.group()
        cued = [t for t in rules.types.values() if t.cue_regex.search(line)]
        if not cued:
            continue
        covering = [c for c in candidates if c.start < m.end() and c.end > m.start()]
        assert covering, f"cued sentence not explained: {line!r}"
        outcomes = [o for c in covering for o in c.outcomes]
        assert outcomes and all(o.verdict in VERDICTS for o in outcomes)
        # each cued type is accounted for: a term, or a reason why not
        assert {t.type for t in cued} <= {o.type for o in outcomes}, line
    made = [o.term for c in candidates for o in c.outcomes if o.term is not None]
    assert len(made) == len(agreement.terms)


def test_explain_output_names_rules_and_reasons(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "a.txt"
    path.write_text(
        "1.1 Distributor shall be the exclusive distributor of the Products.\n\n"
        "1.2 The remedies in this Agreement are not exclusive.\n",
        "utf-8",
    )
    result = CliRunner().invoke(cli, ["parse", "--explain", str(path)])
    assert result.exit_code == 0, result.output
    assert "exclusivity: exclusive by rule exclusivity-exclusive-role" in result.output
    assert "exclusivity: unclassified" in result.output or "non_exclusive" in result.output
