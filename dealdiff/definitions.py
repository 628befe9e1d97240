"""Defined terms: ``"Territory" means the United States and Canada.``

Clauses say "the Territory"; a reader wants the places. Definitions are found once per
text, with one regular expression, and looked up by the defined word.
"""

from __future__ import annotations

import re

__all__ = ["find_definitions"]

_Q_OPEN = '["“]'
_Q_CLOSE = '["”]'
# `"Territory" means ...` / `"Territory" shall (or will) mean ...` / `"Territory": ...`, up to
# the end of the sentence or clause.
_MEANS = re.compile(
    rf"{_Q_OPEN}(?P<word>[A-Z][\w&'’\- ]{{0,40}}?){_Q_CLOSE}\s*"
    rf"(?:(?:shall|will|does|do)\s+mean|means?|(?:shall|will)\s+refer\s+to|refers?\s+to|"
    rf"(?:is|are|shall\s+be|will\s+be)\s+defined\s+as|:)\s+"
    # A run of spaces counts once towards the length: filings pad their lines with them.
    rf"(?P<body>(?>[^\n; \t]|[ \t]+){{1,400}}?)(?=\.\s|\.$|;|\n|$)"
)


def find_definitions(text: str) -> dict[str, str]:
    """Defined words (lower-cased) and what they mean, first definition wins.

    >>> find_definitions('"Territory" means the United States and Canada.')
    {'territory': 'the United States and Canada'}
    >>> find_definitions('"Territories" will mean Chile and Peru; "Region" is defined as Asia.')
    {'territories': 'Chile and Peru', 'region': 'Asia'}
    """
    found: dict[str, str] = {}
    for m in _MEANS.finditer(text):
        found.setdefault(m.group("word").strip().lower(), " ".join(m.group("body").split()))
    return found
