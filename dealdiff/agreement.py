"""From agreement text to an :class:`Agreement`: parties, title, date and terms."""

from __future__ import annotations

import re

from .classify import Candidate, classify
from .model import Agreement
from .parties import find_parties
from .ruleset import RuleSet, default_rules
from .values import find_values

__all__ = ["parse_agreement", "explain_agreement"]

_TITLE = re.compile(r"^[ \t]*([A-Z][A-Z0-9 ,.&'’\-–—]{6,120})[ \t]*$", re.M)


def _title(text: str) -> str | None:
    m = _TITLE.search(text[:3000])
    return re.sub(r"\s+", " ", m.group(1)).strip() if m else None


def parse_agreement(text: str, *, source: str, rules: RuleSet | None = None) -> Agreement:
    """Parse one agreement text with ``rules`` (the package's rules by default)."""
    return explain_agreement(text, source=source, rules=rules, explain=False)[0]


def explain_agreement(
    text: str, *, source: str, rules: RuleSet | None = None, explain: bool = True
) -> tuple[Agreement, list[Candidate]]:
    """Parse, and also return every candidate sentence with what each rule made of it."""
    rules = rules or default_rules()
    parties = find_parties(text)
    terms, candidates = classify(text, rules, parties, explain=explain)
    date = next(
        (v.value for v in find_values(text[:3000]) if v.kind == "date"),
        None,
    )
    agreement = Agreement(
        source=source,
        title=_title(text),
        date=date,  # type: ignore[arg-type]
        parties=parties,
        terms=terms,
        text=text,
    )
    return agreement, candidates
