"""Parties and their defined aliases, from the preamble of a contract.

``Microsoft Corporation, a Washington corporation ("Microsoft")`` gives the party
``Microsoft Corporation`` with the alias ``Microsoft``; terms name parties by alias. Three
shapes are read: a name and a parenthetical that defines its short name (the common one,
with whatever description or address filings put between them), ``Party A: <name>`` lines,
and, when those give fewer than two parties, ``between <name> and <name>`` with no short
names at all.
"""

from __future__ import annotations

import re

from .model import Party
from .spans import LineIndex

__all__ = ["find_parties", "PREAMBLE_CHARS"]

#: Parties are looked for in the first characters of a text only ...
PREAMBLE_CHARS = 6000
#: ... or, after a table of contents, in a preamble that starts before this many.
LATE_PREAMBLE_CHARS = 25000

_QUOTE = "[\"“”'‘’]"
# Company forms that end a party's name.
_FORMS = (
    r"Inc|Incorporated|Corp|Corporation|Company|Co|LLC|L\.L\.C|Ltd|Limited|LP|L\.P|LLP|PBC|"
    r"PLC|plc|GmbH|AG|S\.A|SA|N\.V|B\.V|S\.p\.A|Pty|Trust|University|Bank|Partners|Holdings|"
    # European and Asian company forms: Danish "A/S", Swedish "AB", Italian "S.r.l.", ...
    r"A/S|ApS|AB|ASA|Oy|Oyj|S\.r\.l|Srl|SRL|SARL|SAS|S\.L|KK|K\.K|KG|BV|NV|SpA|Pte|"
    # the same in capitals, as many filings write their parties' names
    r"INC|INCORPORATED|CORP|CORPORATION|COMPANY|CO|LTD|LIMITED|GMBH|S\.P\.A|PTY|TRUST|"
    r"UNIVERSITY|BANK|PARTNERS|HOLDINGS"
)
_ENTITY = re.compile(rf"\b(?:{_FORMS})\b(?!-)")
# A name starts with a capital or a digit, or is a brand written in lower case: "eGain",
# "iVillage", "ebix.com".
_NAME_START = r"(?:[A-Z0-9]|\b[a-z]{1,12}(?=[A-Z]|\.(?:com|net|org)\b))"
# The definition marker: `("Alias")`, `(the "Alias")`, `(hereinafter referred to as "Alias")`,
# `("Alias" or "Other")`, `(together with its successors and assigns, "Alias")`,
# `(hereinafter referred to as 'Alias', which term shall include its successors)`. Found
# first; the name is then read backwards from it.
_MARKER = re.compile(
    r"\(\s*(?:[^()\"“”]{0,160}?\b(?:as|called|hereinafter|herein|assigns|successors|"
    r"affiliates|Affiliates|any|collectively|individually)\s*,?\s*)?(?:the\s+)?"
    rf"{_QUOTE}{{1,2}}(?P<alias>[A-Z](?:[\w&.\- ]|['’](?=\w)){{0,40}}?|[a-z][\w&.\-]{{0,30}})"
    rf"{_QUOTE}{{1,2}}"
    rf"(?:\s*,?\s*(?:or|and)\s+(?:the\s+)?{_QUOTE}{{1,2}}"
    rf"(?P<alias2>[A-Z][\w&.\- ]{{0,40}}?|us|our|your){_QUOTE}{{1,2}})?"
    r"(?:\s*[,;]?\s+(?:which|who|and|each|together|collectively|individually|as|or|its|both|"
    r"jointly)\b[^()]{0,240}?)?\s*\)"
)
# The same without quotes, where the words say it is a definition: "(hereinafter referred to
# as Pretzel Time)".
_BARE_MARKER = re.compile(
    r"\(\s*(?:hereinafter|herein)\s+(?:referred\s+to\s+as|called)\s+(?:the\s+)?"
    r"(?P<alias>[A-Z][\w&.\-]*(?:\s+[A-Z][\w&.\-]*){0,3})\s*\)"
)
# The name before a marker, with the description that follows it (", a Delaware
# corporation, having its office at ...", "with offices located at ...") dropped.
_NAME = re.compile(
    rf"(?P<name>{_NAME_START}[\w.,&'’/\- ]{{0,90}}?)"
    r"(?:\s*,?\s*\b(?:an?|the|with|having|whose|which|located|organi[sz]ed|incorporated|"
    r"registered|existing|acting|through|as|division|c/o)\b[^()\"“”]{0,300}?)?\s*,?\s*$"
)
_NOT_PARTY = re.compile(
    r"^(?:Agreement|Effective Date|Execution Date|Commencement Date|Term|Territory|Products?|"
    r"Services?|Parties|Party|Contract|Schedule|Exhibit|Amendment|Closing|Date|WHEREAS|"
    # defined terms of a preamble that are no party
    r"Shares|Stock|Common Stock|Notes|Securities|Offering|Plan|Prospectus|Merger|Commission|"
    r"Act|Software|Site|Program|Property|Premises|Work|Project|Marks|Trademarks|Licensed Marks|"
    r"Content|Materials|Technology|Patents|Fees?|Royalty|Price|Purchase Price|Notice|Order|Loan|"
    r"Lease|Appraisal|Transaction|Business|Policy|Option)$",
    re.I,
)
_LATE_PREAMBLE = re.compile(
    r"\bthis\s+[^.]{0,80}?agreement\b[^.]{0,200}?\b(?:is|are)\s+(?:hereby\s+)?"
    r"(?:made|entered\s+into)\b[^.]{0,250}?\bby\s+and\s+(?:between|among)\b",
    re.I,
)
_BETWEEN = re.compile(r"\b(?:between|among)\b[\s:]*", re.I)
# Where the recitals start, the sentence naming the parties has ended.
_RECITALS = re.compile(
    r"\b(?:WHEREAS|Whereas|RECITALS?|Recitals|WITNESSETH|BACKGROUND|NOW,? THEREFORE)\b"
)
# Words of the sentence before a name: "This Agreement is entered into by".
_LEAD_IN = re.compile(
    r"^(?:.*?\b(between|among|and|by|with|to)|(BETWEEN|AMONG|AND|BY)|.*?,\s*(AND|BETWEEN))\s+"
)
# What a party's name does not hold: an address, a statute or document ("Investment
# Company Act of 1940", "Restated Trust Agreement"), a possessive ("Company's Chief
# Executive Officer"), a recital, a count ("4,500,000 Trust Preferred Securities").
_NOT_A_NAME = re.compile(
    r"\b(?:Street|Avenue|Drive|Road|Suite|Floor|Boulevard|Lane|Highway|Plaza|Act|Agreement|"
    rf"WHEREAS|Whereas)\b|['’]s\s+(?!(?:{_FORMS})\b)|^\d{{1,3}}(?:,\d{{3}})+"
)
# "Morello N.D. Inc., Businessperson": a word describing the party after its company form.
_DESCRIPTOR_AFTER_FORM = re.compile(rf"(\b(?:{_FORMS})\.?),\s*[A-Z][a-z]+$")
# "1. HealthGate Data Corp.": a list number before a name.
_NUMBERING = re.compile(r"^\(?\d{1,2}[.)]\s+")
# A full stop after a word that is not an abbreviation, then more words: "GSMS. Under".
_SENTENCE_BREAK = re.compile(
    r"\b(?!(?:Inc|Corp|Co|Ltd|Bros|Dr|Mr|Mrs|Ms|St|No|Jr|Sr|Etc|etc)\.)[A-Za-z]{3,}\.\s+\S"
)
# Where a name may start, and the words a name is made of: capitalised words, figures,
# brands in lower case, and the small words between them ("Bank of America").
_NAME_STARTS = re.compile(rf"(?<![\w.'’/-]){_NAME_START}")
_NAME_WORD = re.compile(r"^[(\"“'‘]?(?:[A-Z0-9]|[a-z]{1,12}(?:[A-Z]|\.(?:com|net|org)\b)|&)")
_CONNECTORS = frozenset(
    {"of", "and", "&", "the", "de", "du", "des", "del", "der", "la", "le", "von", "van", "y", "e"}
    | {"für", "-"}
)
_ALSO_KNOWN = re.compile(r"\b(?:d/b/a|f/k/a|a/k/a|n/k/a)\b/?\s*", re.I)
# A parenthetical inside a description ("(registered number 123)", "(formerly known as
# X)", a list number "(2)"), but not one inside a name ("Halden Devices (Suzhou) LTD.").
_ASIDE = re.compile(
    rf"\((?=[^()]*\b[a-z])[^()]{{0,160}}\)(?!\s*(?:{_FORMS})\b)|\(\s*(?:\d{{1,2}}|[a-z]|[ivx]{{1,4}})\s*\)"
)
_AFFILIATES = re.compile(
    r"\s+and\s+(?:its|their)\s+(?:Affiliates|affiliates|Subsidiaries|subsidiaries)\b"
)
_PRONOUNS = frozenset({"we", "you"})
_ROLE_ALIAS = re.compile(
    r"^(?:Licensee|Licensor|Distributor|Supplier|Customer|Company|Buyer|Seller|Purchaser|Vendor|"
    r"Reseller|Manufacturer|Client|Provider|Franchisee|Franchisor|Sponsor|Agent|Partner|"
    r"Consultant|Contractor|Developer|Publisher|Owner|Operator|Investor|Party [A-Z]|"
    r"Lessor|Lessee|Landlord|Tenant|Shipper|Carrier|Transporter|Agency|Lender|Borrower|"
    r"Guarantor|Adviser|Advisor|Sub-Advisor|Manager|Administrator|Servicer|Trust|Fund|"
    r"Executive|Employee|Member|Bank|Producer|Marketer|Endorser|Affiliate|Subcontractor)$"
)
# "by and between Linkwell Corporation and Axiom Meters, LLC.": parties without short names.
_ENTITY_NAME = rf"{_NAME_START}[\w.&'’\- ]{{0,80}}?,?\s+(?:{_FORMS})\b\.?"
_PAIR = re.compile(
    rf"\b(?:between|among)\s+(?P<a>{_ENTITY_NAME})\s*,?\s+and\s+(?P<b>{_ENTITY_NAME})"
    r"(?=\s*[,;(\n]|\s*$|\.\s)"
)
_ABBREVIATED = re.compile(
    r"\b(?:Inc|Corp|Co|Ltd|Pty|Pte|INC|CORP|CO|LTD|PTY|PTE|S\.A|N\.V|B\.V|L\.P|L\.L\.C|S\.p\.A|"
    r"S\.r\.l|S\.L|K\.K)\.$"
)
_FORM_AT_END = re.compile(rf",?\s+(?:{_FORMS})\b\.?$")
# "Party A: Jinhai Tongda Technology Co., Ltd." on a line of its own, as in agreements
# drawn up in China; the name ends at the end of the line, at a name in another script, or
# where the address or registration details start.
_PARTY_LETTER = re.compile(
    r"^[ \t]*(?P<alias>Party\s+[A-D])\s*[:：]\s*(?P<name>[^\n]{2,200})", re.M
)
_LETTER_NAME_END = re.compile(
    r"\s{2,}|\s*\(\s*[\"“]|\s*\((?=[^\x00-\x7f])|\s*[^\x00-\x7f]|"
    r"\s+(?:Registration|Registered|Legal|Address|Domicile|Tel|Telephone)\b"
)


def _clean_name(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip(" ,")


def _has_company_form(name: str) -> bool:
    """Whether ``name`` holds a company form and more: "(Shanghai) LTD." is a suffix cut
    off from its name, or no name at all."""
    return bool(_ENTITY.search(name)) and bool(_ENTITY.sub("", name).strip(" .,()"))


def _name_word(word: str) -> bool:
    return bool(
        word in _CONNECTORS or _NAME_WORD.match(word) or _ENTITY.fullmatch(word.rstrip("."))
    )


def _name_like(name: str) -> bool:
    """Whether every word of ``name`` may be part of a name: "Bank of America, N.A." is,
    "The Company has filed" and "Bank. To" are not."""
    words = name.replace(",", " ").split()
    return (
        bool(words)
        and words[-1] not in _CONNECTORS
        and all(_name_word(w) for w in words)
        and not _SENTENCE_BREAK.search(name)
    )


def _names_part(words: str) -> bool:
    """Whether ``words`` can only be the start of a longer name: two or more name words,
    with no company form and no role of their own."""
    words = words.strip()
    return (
        len(words.split()) >= 2
        and _name_like(words)
        and not _ENTITY.search(words)
        and not _ROLE_ALIAS.match(words)
    )


def _short_for(alias: str, name: str) -> bool:
    """Whether ``alias`` reads as a short form of ``name``: one of its words ("Smith" for
    "Rick Smith Enterprises") or its initials ("FMM" for "Fordham Motor Media")."""
    words = [w.strip(".,()").lower() for w in name.split()]
    short = alias.lower()
    initials = "".join(w[0] for w in words if w and w not in _CONNECTORS)
    return short in words or any(w.startswith(short) for w in words) or initials.startswith(short)


def _acceptable(name: str, alias: str, introduced: bool) -> bool:
    """Whether ``name``, defined as ``alias``, names a party.

    A name with a company form after its first word is one. A name without ("Fordham
    Motor Media") counts only where the parties sentence introduces it ("between X", "and
    X"), with no figures (an address is none), and with a role for its short name
    ("Licensee") or a short name taken from it.
    """
    if not name or _NOT_PARTY.match(name) or not _name_like(name):
        return False
    if _NOT_A_NAME.search(name):
        return False
    if _ENTITY.search(name, 1):
        return _has_company_form(name)
    return (
        introduced
        and name[0].isupper()
        and not re.search(r"\d", name)
        and len(name.split()) <= 8
        and bool(_ROLE_ALIAS.match(alias) or _short_for(alias, name))
    )


def _starts(before: str, after_between: bool) -> list[tuple[int, bool]]:
    """Where a name may start in ``before``, most likely first, each with whether
    "between" or "and" introduces it: the start (after "between"), after "and", after
    "by", "with" or "to", then anywhere else."""
    ranked: list[tuple[int, int, bool]] = []
    for m in _NAME_STARTS.finditer(before):
        prior = before[: m.start()].rsplit(None, 1)  # the last word only, from the right
        word = prior[-1].lower().strip(",:") if prior else ""
        if not prior:
            rank, introduced = (0, True) if after_between else (3, False)
        elif word in ("and", "between", "among"):
            rank, introduced = 1, True
        elif word in ("by", "with", "to"):
            rank, introduced = 2, False
        else:
            rank, introduced = 3, False
        ranked.append((rank, m.start(), introduced))
    return [(at, introduced) for _, at, introduced in sorted(ranked)]


def _party_name(before: str, alias: str, *, after_between: bool, in_sentence: bool) -> str | None:
    """The name written at the end of ``before``, the text up to ``("alias")``.

    The places a name may start are tried in order of likelihood; the first that gives
    a name (its lead-in words dropped: "This Agreement is entered into by") wins. A name
    without a company form counts only in the sentence naming the parties
    (``in_sentence``).
    """
    for at, introduced in _starts(before, after_between):
        n = _NAME.match(before, at)
        if n is None:
            continue
        name = _NUMBERING.sub("", _clean_name(n.group("name")))
        name = _DESCRIPTOR_AFTER_FORM.sub(r"\1", name)
        lead = _LEAD_IN.match(name)
        word = (lead.group(1) or lead.group(2) or lead.group(3)) if lead is not None else ""
        # "The Country Club and Recreation Inc.": an "and" after words that are a name's but
        # no party's ("Operator and TCW Pecos, L.L.C.") is the name's own.
        if lead is not None and not (word == "and" and _names_part(name[: lead.start(1)])):
            name = name[lead.end() :]
            introduced = word.lower() == "and"
        if alias in _PRONOUNS:
            # Franchise agreements name their parties "we" and "you": ("we" or "us"), ("you").
            return name or alias
        if _acceptable(name, alias, introduced and in_sentence):
            return name
    return alias if alias in _PRONOUNS else None


def _in_parties_sentence(head: str, at: int) -> bool:
    """Whether ``at`` lies in the sentence that names the parties ("by and between ...")."""
    window = head[max(0, at - 700) : at]
    ends = [m.end() for m in _BETWEEN.finditer(window)]
    return bool(ends) and not _RECITALS.search(window, ends[-1])


def _start(m: re.Match[str]) -> int:
    return m.start()


def _marked(head: str, index: LineIndex, offset: int = 0) -> dict[str, Party]:
    """Parties defined with a short name in a parenthetical; ``head`` starts at ``offset``."""
    found: dict[str, Party] = {}
    last = 0
    markers = sorted([*_MARKER.finditer(head), *_BARE_MARKER.finditer(head)], key=_start)
    for m in markers:
        before = head[max(last, m.start() - 400) : m.start()]
        last = m.end()
        before = _ASIDE.sub(" ", before)
        pieces = re.split(r"[()\"“”;]|\n\s*\n", before)
        # A marker on a line of its own defines the name in the paragraph above it.
        before = pieces[-1] if pieces[-1].strip() or len(pieces) < 2 else pieces[-2]
        # "THIS AGREEMENT dated as of the 1st day of April, 2018, is by and between ACME
        # LTD., an Ontario corporation": the name follows the last "between" or "among".
        parts = _BETWEEN.split(before)
        before = _AFFILIATES.sub("", parts[-1])
        alias = _clean_name(m.group("alias"))
        if not alias or _NOT_PARTY.match(alias) or alias.lower() in found:
            continue
        in_sentence = _in_parties_sentence(head, m.start())
        if not in_sentence and alias not in _PRONOUNS and not _ENTITY.search(before):
            continue  # outside the parties sentence only a company form makes a name
        # "Holiday RV Superstores, Inc., d/b/a Recreation USA": the legal name, or the other
        # when the legal name is not written out ("a Colorado corporation f/k/a Halberd Corp").
        pieces = _ALSO_KNOWN.split(before)
        candidates = dict.fromkeys((pieces[0], pieces[-1]))  # one piece when no "d/b/a"
        found_names = (
            _party_name(p, alias, after_between=len(parts) > 1, in_sentence=in_sentence)
            for p in candidates
        )
        name = next((n for n in found_names if n), None)
        if name is None:
            continue
        aliases = [alias]
        second = m.groupdict().get("alias2")
        if second:
            aliases.append(_clean_name(second))
        found[alias.lower()] = Party(
            name=name,
            aliases=tuple(aliases),
            span=index.span(offset + m.start(), offset + m.end()),
        )
    return found


def _unmarked(text: str, head: str, index: LineIndex) -> list[Party]:
    """Parties named without a short name: "between Linkwell Corporation and Axiom, LLC"."""
    m = _PAIR.search(head)
    if m is None or _RECITALS.search(head, 0, m.start()):
        return []
    out = []
    for group in ("a", "b"):
        name = _clean_name(m.group(group))
        if name.endswith(".") and not _ABBREVIATED.search(name):
            name = name[:-1]  # the full stop ends the sentence, not "Inc."
        short = _FORM_AT_END.sub("", name).strip(" ,")
        used = bool(short) and re.compile(rf"\b{re.escape(short)}\b").search(text, m.end())
        out.append(
            Party(
                name=name,
                aliases=(short,) if used else (),
                span=index.span(m.start(group), m.end(group)),
            )
        )
    return out


def _lettered(head: str, index: LineIndex) -> list[Party]:
    """Parties written "Party A: <name>" on lines of their own."""
    out = []
    for m in _PARTY_LETTER.finditer(head):
        raw = m.group("name")
        end = _LETTER_NAME_END.search(raw)
        name = _clean_name(raw[: end.start()] if end else raw).rstrip(",;")
        if _has_company_form(name):
            alias = _clean_name(m.group("alias"))
            out.append(Party(name=name, aliases=(alias,), span=index.span(m.start(), m.end())))
    return out


def find_parties(text: str, *, index: LineIndex | None = None) -> tuple[Party, ...]:
    """Parties defined in the preamble, in order of appearance.

    >>> [p.key for p in find_parties('between Acme Inc. ("Acme") and Bolt LLC ("Bolt").')]
    ['Acme', 'Bolt']
    """
    head = text[:PREAMBLE_CHARS]
    index = index or LineIndex(head)
    found = _marked(head, index)
    if len(found) < 2:
        # A table of contents may come first: "This Agreement ... is made by and between".
        late = _LATE_PREAMBLE.search(text, PREAMBLE_CHARS, LATE_PREAMBLE_CHARS)
        if late is not None:
            end = late.start() + PREAMBLE_CHARS
            later = _marked(text[late.start() : end], LineIndex(text[:end]), late.start())
            for key, party in later.items():
                found.setdefault(key, party)
    for party in _lettered(head, index):
        found.setdefault(party.key.lower(), party)
    if len(found) < 2:
        names = {p.name.lower() for p in found.values()}
        for party in _unmarked(text, head, index):
            if party.name.lower() not in names and party.key.lower() not in found:
                found[party.key.lower()] = party
    return tuple(sorted(found.values(), key=lambda p: p.span.start if p.span else 0))
