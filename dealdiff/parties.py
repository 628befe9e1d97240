"""Parties and their defined aliases, from the preamble and the signature of a contract.

``Microsoft Corporation, a Washington corporation ("Microsoft")`` gives the party
``Microsoft Corporation`` with the alias ``Microsoft``; terms name parties by alias.
"""

from __future__ import annotations

import re

from .model import Party
from .spans import LineIndex

__all__ = ["find_parties", "PREAMBLE_CHARS"]

#: Parties are looked for in the first characters of a text only.
PREAMBLE_CHARS = 6000

_QUOTE = "[\"“”'‘’]"
# The definition marker: `("Alias")`, `(the "Alias")`, `(hereinafter referred to as "Alias")`,
# `("Alias" or "Other")`. Found first; the name is then read backwards from it.
_MARKER = re.compile(
    rf"\(\s*(?:hereinafter\s+|herein\s+)?(?:referred\s+to\s+)?(?:as\s+)?(?:the\s+)?"
    rf"{_QUOTE}{{1,2}}(?P<alias>[A-Z][\w&.\- ]{{0,40}}?|we|you){_QUOTE}{{1,2}}"
    rf"(?:\s*,?\s*(?:or|and)\s+(?:the\s+)?{_QUOTE}{{1,2}}"
    rf"(?P<alias2>[A-Z][\w&.\- ]{{0,40}}?|us|our|your){_QUOTE}{{1,2}})?\s*\)"
)
# The name before a marker: capitalised words, optionally followed by a description
# (", a Delaware corporation, having its office at ...") that is dropped.
_NAME = re.compile(
    r"(?P<name>[A-Z][\w.,&'’/\- ]{1,90}?)"
    r"(?:\s*,?\s*\b(?:an?|the)\s+[^()\"“”]{0,200}?)?\s*,?\s*$"
)
_ENTITY = re.compile(
    r"\b(?:Inc|Incorporated|Corp|Corporation|Company|Co|LLC|L\.L\.C|Ltd|Limited|LP|L\.P|LLP|"
    r"PLC|plc|GmbH|AG|S\.A|SA|N\.V|B\.V|S\.p\.A|Pty|Trust|University|Bank|Partners|Holdings|"
    # European and Asian company forms: Danish "A/S", Swedish "AB", Italian "S.r.l.", ...
    r"A/S|ApS|AB|ASA|Oy|Oyj|S\.r\.l|Srl|SRL|SARL|SAS|S\.L|KK|K\.K|KG|BV|NV|SpA|Pte|"
    # the same in capitals, as many filings write their parties' names
    r"INC|INCORPORATED|CORP|CORPORATION|COMPANY|CO|LTD|LIMITED|GMBH|S\.P\.A|PTY|TRUST|"
    r"UNIVERSITY|BANK|PARTNERS|HOLDINGS)\b"
)
_NOT_PARTY = re.compile(
    r"^(?:Agreement|Effective Date|Execution Date|Commencement Date|Term|Territory|Products?|"
    r"Services?|Parties|Party|Contract|Schedule|Exhibit|Amendment|Closing|Date)$",
    re.I,
)
_BETWEEN = re.compile(r"\b(?:between|among)\s+", re.I)
_ALSO_KNOWN = re.compile(r"\b(?:d/b/a|f/k/a|a/k/a|n/k/a)\b/?\s*", re.I)
_PRONOUNS = frozenset({"we", "you"})
_ROLE_ALIAS = re.compile(
    r"^(?:Licensee|Licensor|Distributor|Supplier|Customer|Company|Buyer|Seller|Purchaser|Vendor|"
    r"Reseller|Manufacturer|Client|Provider|Franchisee|Franchisor|Sponsor|Agent|Partner|"
    r"Consultant|Contractor|Developer|Publisher|Owner|Operator|Investor|Party [A-Z])$"
)


def _clean_name(name: str) -> str:
    name = re.sub(r"\s+", " ", name).strip(" ,")
    # Drop lead-in words of the sentence the name sits in.
    name = re.sub(
        r"^.*?\b(?:between|among|by and between|by and among|and|by|with|to)\s+", "", name
    )
    return name.strip(" ,")


def _party_name(before: str, alias: str) -> str | None:
    """The name written before ``("alias")``, when it names a party."""
    n = _NAME.search(before)
    name = _clean_name(n.group("name")) if n is not None else ""
    if alias in _PRONOUNS:
        # Franchise agreements name their parties "we" and "you": ("we" or "us"), ("you").
        return name or alias
    if not (_ENTITY.search(name) or _ROLE_ALIAS.match(alias)):
        return None
    if not _ENTITY.sub("", name).strip(" .,"):
        return None  # "(Shanghai) LTD.": a suffix cut off from its name, or no name at all
    return name


def find_parties(text: str, *, index: LineIndex | None = None) -> tuple[Party, ...]:
    """Parties defined in the preamble, in order of appearance.

    >>> [p.key for p in find_parties('between Acme Inc. ("Acme") and Bolt LLC ("Bolt").')]
    ['Acme', 'Bolt']
    """
    head = text[:PREAMBLE_CHARS]
    found: dict[str, Party] = {}
    index = index or LineIndex(head)
    for m in _MARKER.finditer(head):
        before = head[max(0, m.start() - 300) : m.start()]
        before = re.split(r"[()\"“”;]|\n\s*\n", before)[-1]
        # "THIS AGREEMENT dated as of the 1st day of April, 2018, is by and between ACME
        # LTD., an Ontario corporation": the name follows the last "between" or "among".
        before = _BETWEEN.split(before)[-1]
        alias = re.sub(r"\s+", " ", m.group("alias")).strip()
        if not alias or _NOT_PARTY.match(alias) or alias.lower() in found:
            continue
        # "Holiday RV Superstores, Inc., d/b/a Recreation USA": the legal name, or the other
        # when the legal name is not written out ("a Colorado corporation f/k/a Halberd Corp").
        parts = _ALSO_KNOWN.split(before)
        candidates = dict.fromkeys((parts[0], parts[-1]))  # one part when no "d/b/a"
        name = next((n for n in (_party_name(p, alias) for p in candidates) if n), None)
        if name is None:
            continue
        aliases = [alias]
        if m.group("alias2"):
            aliases.append(re.sub(r"\s+", " ", m.group("alias2")).strip())
        found[alias.lower()] = Party(
            name=name, aliases=tuple(aliases), span=index.span(m.start(), m.end())
        )
    return tuple(found.values())
