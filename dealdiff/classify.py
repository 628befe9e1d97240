"""The classifier: cue scan, candidate sentences, token patterns, typed terms.

One compiled regular expression finds every cue of every term type in the whole text.
Only the sentences around cues are tokenised, and only the rules of the types whose
cues they contain are tried on them. Most of a contract is never looked at twice.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import tomllib
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import attrs

from .definitions import find_definitions
from .model import TERM_CLASSES, Commitment, Party, Term, TermType
from .patterns import Encoded, Pattern, Token, encode_span, ratio_share
from .ruleset import Construction, RuleSet, TypeRules, package_text
from .segment import Segmenter
from .spans import LineIndex, Span
from .values import Money, Period, ValueMatch, find_values, parse_period

__all__ = ["Candidate", "Outcome", "Classifier", "classify", "fold"]

_LEADING = re.compile(r"^(?:(?:the|its|their|his|her|all|any|such|each|an?)\s+)+", re.I)
_SPLIT_TERRITORY = re.compile(r"\s*(?:,\s*(?:and|or)\s+|,\s*|\s+and\s+|\s+or\s+)\s*")
_CAPITALISED = re.compile(r"[A-Z][\w&'’\-]*(?:\s+(?:of\s+|and\s+)?[A-Z][\w&'’\-]*)*")
_PARTY = ("PARTY",)
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_BLANK_LINE = re.compile(r"\n[ \t\r\f]*\n")
#: The characters that end a sentence, a clause or a heading: a page break after one is a break.
_CLAUSE_END = frozenset(".;:!?)\"'”’")
#: Blank lines in a row, and the spaces between them.
_BLANK_RUN = re.compile(r"\n[ \t\r\f]*\n\s*")
#: A line that carries on a list: "(a) ...", "ii. ...", "3) ...", "- ...", "• ...".
_LIST_ITEM = re.compile(
    r"[^\S\n]*(?:\(?(?:[a-z]{1,2}|[ivxlc]{1,6}|\d{1,2})[.)]|[-*\u2022\u25cf\u25aa\u00b7\u2013])[^\S\n]",
    re.I,
)
#: A short line that carries a rate, an amount or a redaction: a row of a table.
_TABLE_ROW = re.compile(
    r"%|\[\s*\*+\s*\]|\*{3}|[$\u20ac\u00a3]|\bpercent\b|\b(?:USD|EUR|GBP)\b", re.I
)
_MAX_ROW = 200
#: A longer line is still a table's rows when it has a figure every so many characters.
_ROW_FIGURE_EVERY = 30
_FIGURES = re.compile(r"\d[\d,.]*|\[\s*\*+\s*\]|\*{3,}")
#: A cell of a table that is a plain figure, set off from the next by two spaces or more.
_FIGURE_CELL = re.compile(r"(?:^|\s)\d[\d,.]*(?=[^\S\n]{2,}|[^\S\n]*$)")
#: A row that starts with a count: "10 Wallpapers", "5,000 units in Year 2".
_COUNT_ROW = re.compile(r"[^\S\n]*\d[\d,]*[^\S\n]+[A-Za-z(]")
#: A line that opens a numbered clause ("6.1 Buyer shall pay ...", "Section 7.2"): the list
#: above it has ended, whatever figures the clause carries.
_CLAUSE_START = re.compile(
    r"[^\S\n]*(?:(?:Section|Article|Clause)[^\S\n]+)?\d{1,3}(?:\.\d{1,3})+\.?[^\S\n]", re.I
)
_MAX_ITEMS = 30
#: A table's rows are its figures: many more of them are read than of a list's items.
_MAX_ROWS = 400
#: A title line over a table's header ("PAYMENT YEAR") has at most this many words.
_MAX_TITLE_WORDS = 8
#: The last character of a sentence or a lead-in: a line that ends so is no table's header.
_SENTENCE_END = frozenset(".;:,!?")
#: The next line that is not blank, one blank line between at most.
_NEXT_LINE = re.compile(r"\n(?:[^\S\n]*\n)?([^\n]*\S[^\n]*)")
_ROWS = ("ROWS",)


def _is_row(line: str, *, rows_only: bool = False) -> bool:
    """An item of a list below a lead-in or, with ``rows_only``, a row of a table's figures."""
    if _CLAUSE_START.match(line):
        return False
    if not rows_only and _LIST_ITEM.match(line):
        return True
    size = len(line.strip())
    if rows_only and size > _MAX_ROW:  # a table's rows run together on one line
        dense = len(_FIGURES.findall(line)) * _ROW_FIGURE_EVERY >= size
        return dense and _TABLE_ROW.search(line) is not None
    return size <= _MAX_ROW and (
        _TABLE_ROW.search(line) is not None
        or _COUNT_ROW.match(line) is not None
        # cells of plain figures in columns: "Resin A     2,000     3,000"
        or (rows_only and len(_FIGURE_CELL.findall(line)) >= 2)
    )


_FALLBACK = re.compile(r"_\d+$")
#: A fixed field value that names the party other than the one the clause binds.
OTHER_PARTY = "@other"
_SIDES = (("grantor", "holder"), ("payee", "payer"), ("provider", "committer"))
_AGENT_ROLES = frozenset({"holder", "grantor", "payer", "payee", "committer", "provider"})
_LEAD_IN = re.compile(
    r"^(?:(?:if|when|whenever|where|upon|during|in|on|after|before|unless|subject|provided|"
    r"notwithstanding|thereafter|however|further|furthermore|additionally|also|then|each|"
    r"both|either|neither|such|this|that|these|those|all|any|and|or|but|as)\s+)+",
    re.I,
)
#: Lower-case words that do name a party: the "you" and "we" of franchise agreements.
_PRONOUN_AGENTS = frozenset({"you", "we", "us"})
#: Words that name no one who can act, on their own ("it", "Section", "Sales")...
_NOT_AGENT = re.compile(
    r"^(?:section|article|schedule|exhibit|annex|appendix|term|amounts?|sales|revenues?|"
    r"licen[cs]es|it|they|which|who|he|she|party|parties|nothing|none|nobody|anyone|"
    r"everyone|other|others|source|minimum|maximum|controls?|controlled|the|an?|this|that|"
    # a word that opens a clause, capitalised at the start of a sentence: "Prior to offering"
    r"prior|before|after|upon|during|following|pursuant|except|unless|until|within|without|"
    # a class of parties, not one: "Arbor may appoint other distributors"
    r"distributors|licensees|licensors|sublicensees|resellers|dealers|agents|suppliers|"
    r"customers|vendors|retailers|contractors|affiliates|partners|franchisees|"
    r"[a-z])$",
    re.I,
)
#: ...and head nouns of names that are things: "the Call Option is exercised", "the Put
#: Shares are transferred", "Products".
_THING_HEAD = re.compile(
    r"(?:^|\s)(?:options?|put|call|shares?|stock|units?|interests?|notice|date|period|"
    r"price|closing|agreement|products?|services?|fees?|royalt(?:y|ies)|payments?|territory|"
    r"licen[cs]e|rights?|offer|purchases?|orders?|commitments?|property|technology|know-how|"
    r"information|materials?|data|software|assays?)$",
    re.I,
)
_NOT_PLACE = re.compile(
    r"^(?:agreement|contract|contract year|year|section|article|schedule|exhibit|annex|appendix|"
    r"term|initial term|renewal term|effective date|products?|services?|program|plan|field|"
    r"accordance|addition|connection|respect|writing|advance|particular|part|whole|event|"
    r"case|order|lieu|force|effect|good faith|[A-Z]\w*\s+(?:agreement|date|period|year))$",
    re.I,
)
_WORLDWIDE = re.compile(r"\bworld(?:\s*-?\s*wide)?\b|\ball countries\b|\bglobal(?:ly)?\b", re.I)
#: A word that names the agreement's own territory: "the Territory", "the Licensed Region".
_TERRITORY_WORD = re.compile(
    r"\b(?:territor(?:y|ies)|regions?|areas?|markets?|countr(?:y|ies))$", re.I
)
_THE = re.compile(r"^the\s+", re.I)


@functools.cache
def _places() -> dict[str, str]:
    """Names of countries, regions, states and provinces (``rules/places.toml``), lower-cased,
    each with the name a territory gives it: as listed ("CANADA" is "Canada"), or the other
    name of the same place ("usa": "United States")."""
    table = tomllib.loads(package_text("places.toml"))["places"]
    same = {_place_key(name): canonical for name, canonical in table.get("same", {}).items()}
    keys = {_place_key(name): name for name in table["names"]}
    return {key: same.get(key, name) for key, name in keys.items()}


def _place_key(phrase: str) -> str:
    """Lower case, without a leading "the" or a closing full stop ("the U.S." is "u.s")."""
    return _THE.sub("", " ".join(phrase.split())).lower().rstrip(".")


def _place_name(phrase: str) -> str | None:
    """The name a territory gives a place ("the USA" is "United States"); None when the
    phrase names no listed place."""
    return _places().get(_place_key(phrase))


@attrs.frozen
class Outcome:
    """What one type's rules made of one candidate sentence."""

    type: TermType
    rule: str | None  # the construction that made a term, or the veto or skip that stopped one
    verdict: str  # "term", "vetoed", "skipped", "no-construction"
    term: Term | None = None


@attrs.frozen
class Candidate:
    """A sentence that contains a cue, and what each cued type made of it."""

    start: int
    end: int
    section: str | None
    outcomes: tuple[Outcome, ...]


class Classifier:
    """Classifies the candidate sentences of one text with one rule set."""

    def __init__(self, rules: RuleSet, text: str, parties: Sequence[Party] = ()) -> None:
        self.rules = rules
        self.text = text
        self.segmenter = Segmenter(text)
        self.index = LineIndex(text)
        self.party_keys: dict[str, str] = {}
        for p in parties:
            for alias in (p.name, *p.aliases):
                if alias:
                    self.party_keys[_party_key(alias)] = p.key
        # Aliases written in lower case ("eGain" is not; "ebix.com" is) match in lower case too.
        self.lower_aliases = {
            _party_key(a) for p in parties for a in (p.name, *p.aliases) if a and a.islower()
        }
        names = sorted(self.party_keys, key=len, reverse=True)
        # A run of spaces may break a name: filings pad their lines ("Network  Affiliate").
        self.party_re = (
            re.compile(
                r"\b(?:" + "|".join(r"\s+".join(map(re.escape, n.split())) for n in names) + r")\b",
                re.I,
            )
            if names
            else None
        )

    @functools.cached_property
    def definitions(self) -> dict[str, str]:
        """The agreement's defined words; read only when a term needs one."""
        return find_definitions(self.text)

    def candidates(self) -> list[tuple[int, int, tuple[TypeRules, ...]]]:
        """Sentences that contain at least one cue, in order, with the types they cue."""
        found: list[tuple[int, int, tuple[TypeRules, ...]]] = []
        lowered = self.text.lower()
        if len(lowered) != len(self.text):  # a few non-ASCII letters change length
            lowered = self.text.translate(_ASCII_LOWER)
        order = self.rules.types
        current: tuple[int, int] | None = None
        cued: set[TypeRules] = set()
        for at, hit in self.rules.scanner.hits(lowered):
            if current is None or not current[0] <= at < current[1]:
                if current is not None and cued:
                    found.append((*current, tuple(t for t in order.values() if t in cued)))
                current = self.segmenter.sentence_at(at)
                cued = set()
                if current[1] <= current[0]:
                    current = None
                    continue
                current = self.run_in(*current)
            cued.add(hit)
        if current is not None and cued:
            found.append((*current, tuple(t for t in order.values() if t in cued)))
        return found

    def run_in(self, start: int, end: int) -> tuple[int, int]:
        """A run-in heading ("7. Exclusivity. During the Term, ...") joined to the sentence
        that follows it on the same line, so that the heading's words count for the clause.
        """
        sentence = self.text[start:end]
        if not sentence.rstrip().endswith(".") or not _is_heading(sentence):
            return start, end
        after = _SAME_LINE_SPACE.match(self.text, end)
        at = after.end() if after else end
        if at >= len(self.text) or self.text[at] == "\n":
            return start, end
        following = self.segmenter.sentence_at(at)
        return (start, following[1]) if following[0] == at else (start, end)

    def run(self, *, explain: bool = False) -> list[Candidate]:
        """Classify every candidate sentence; ``explain`` also locates those without terms."""
        out: list[Candidate] = []
        for start, end, cued in self.candidates():
            sentence = self.text[start:end]
            rows = self.rows_below(start, end)
            if rows is None and _is_heading(sentence):  # a heading names, it does not state
                outcomes = tuple(Outcome(t.type, None, "heading") for t in cued)
            else:
                encoded, values = self.encode(start, end, rows)
                if rows is not None:
                    end = rows[1]
                skip = next(
                    (
                        s.id
                        for s in self.rules.skips
                        if s.pattern.search(encoded) and s.applies(encoded)
                    ),
                    None,
                )
                if skip is not None:
                    outcomes = tuple(Outcome(t.type, skip, "skipped") for t in cued)
                else:
                    outcomes = tuple(self.apply(t, encoded, values, start, end) for t in cued)
            terms = [o for o in outcomes if o.term is not None]
            if not terms and not explain:
                continue
            if rows is not None and terms:
                outcomes = self.led_in(start, outcomes, out[-1] if out else None)
            section = self.segmenter.section_at(start)
            if section is not None and terms:
                outcomes = tuple(
                    attrs.evolve(o, term=attrs.evolve(o.term, section=section))
                    if o.term is not None
                    else o
                    for o in outcomes
                )
            out.append(Candidate(start, end, section, outcomes))
        return out

    def encode(
        self, start: int, end: int, rows: tuple[int, int] | None = None
    ) -> tuple[Encoded, dict[int, ValueMatch]]:
        """The sentence's classed tokens, and the value behind each value token.

        ``rows``, the rows of figures below a table's header line, are one more token, of
        class ``ROWS``: a pattern can ask for a header that has them.
        """
        sentence = self.text[start:end]
        # A page footer that a sentence runs across ("LKPL shall pay / Source: ... / Axiom
        # the higher of") is no part of it: its tokens, and any value in it, are left out.
        merged: list[tuple[int, int, tuple[str, ...]]] = [
            (f_start, f_end, ()) for f_start, f_end in self.segmenter.furniture_in(start, end)
        ]
        by_start: dict[int, ValueMatch] = {}
        for v in find_values(sentence):
            merged.append((start + v.start, start + v.end, _value_classes(v, sentence)))
            by_start[start + v.start] = v
        if self.party_re is not None:
            taken = [(s, e) for s, e, _ in merged]
            for m in self.party_re.finditer(sentence):
                if m.group().islower() and _party_key(m.group()) not in self.lower_aliases:
                    continue  # "its exclusive distributor": a common noun, not "Distributor"
                s, e = start + m.start(), start + m.end()
                if not any(s < te and e > ts for ts, te in taken):
                    merged.append((s, e, _PARTY))
        if rows is not None:
            merged.append((*rows, _ROWS))
            end = rows[1]
        encoded, merged_at = encode_span(self.text, start, end, self.rules.word_classes, merged)
        values = {i: by_start[at] for i, at in merged_at if at in by_start}
        return encoded, values

    def apply(
        self,
        rules: TypeRules,
        encoded: Encoded,
        values: dict[int, ValueMatch],
        start: int,
        end: int,
    ) -> Outcome:
        # Vetoes are looked for only once a construction matched: most candidate sentences
        # match none, and their vetoes would be searched for nothing.
        vetoed: list[tuple[str, tuple[int, int]]] | None = None
        blocked_by: str | None = None
        for cons in rules.constructions:
            found = cons.pattern.search(encoded)
            if not found:
                continue
            if cons.also is not None and cons.also.search(encoded) is None:
                continue
            if cons.unless is not None and cons.unless.search(encoded) is not None:
                continue
            lo, hi = found[""]
            if vetoed is None:
                vetoed = [
                    (veto.id, where)
                    for veto in rules.vetoes
                    if veto.applies(encoded)
                    for where in veto.pattern.ranges(encoded)
                ]
            hit = next((vid for vid, (vs, ve) in vetoed if vs < hi and ve > lo), None)
            if hit is not None:
                blocked_by = blocked_by or hit
                continue
            term = self.build(cons, rules.fields, found, encoded, values, start, end)
            return Outcome(rules.type, cons.id, "term", term)
        if blocked_by:
            return Outcome(rules.type, blocked_by, "vetoed")
        return Outcome(rules.type, None, "no-construction")

    def build(
        self,
        cons: Construction,
        field_patterns: dict[str, Pattern],
        found: dict[str, tuple[int, int]],
        encoded: Encoded,
        values: dict[int, ValueMatch],
        start: int,
        end: int,
    ) -> Term:
        cls = TERM_CLASSES[cons.type]
        names = {f.name: f for f in attrs.fields(cls)}
        kwargs: dict[str, Any] = {}
        done: set[str] = set()

        def take(role: str, span: tuple[int, int]) -> None:
            i, j = span
            if role in names and role not in cons.fixed and j > i:
                value = self.field_value(cls, role, encoded.tokens[i:j], values, i)
                if value is not None:
                    kwargs.update(value)
                    done.add(role)

        for role, span in found.items():
            take(role, span)
        for name, pattern in field_patterns.items():
            role = _FALLBACK.sub("", name)  # "holder_2" is a second, looser try at "holder"
            if role in done or role not in names or role in cons.fixed:
                continue
            extra = pattern.search(encoded)
            if extra and role in extra:
                take(role, extra[role])  # a value the role cannot hold leaves it to the next
        # set = { holder = "@other" }: the clause binds one party (the grantor) and protects
        # the other party of a two-party agreement, whatever else the sentence names.
        other = {r for r, v in cons.fixed.items() if v == OTHER_PARTY}
        fixed = {r: v for r, v in cons.fixed.items() if r not in other}
        keys = set(self.party_keys.values())
        left = keys - {v for v in kwargs.values() if isinstance(v, str)}
        for role in other:
            if role not in kwargs and len(keys) == 2 and len(left) == 1:
                kwargs[role] = next(iter(left))
        kwargs.update(fixed)
        for bound, other_side in _SIDES:  # a clause binds one party for the benefit of another
            if kwargs.get(bound) is not None and kwargs.get(bound) == kwargs.get(other_side):
                del kwargs[bound]
        start, end = self.block(start, end, found[""], encoded)
        if self.text[start:end].rstrip().endswith(":"):
            end = self.list_below(end)
        spans, text = self.evidence(start, end)
        return cls(
            status=cons.status,
            span=spans[0],
            spans=spans if len(spans) > 1 else (),
            text=text,
            rule=cons.id,
            **kwargs,
        )

    def evidence(self, start: int, end: int) -> tuple[tuple[Span, ...], str]:
        """The spans of ``text[start:end]``'s pieces (see :meth:`pieces`), and their text,
        one piece a line."""
        pieces = self.pieces(start, end)
        spans = tuple(self.index.span(a, b) for a, b in pieces)
        return spans, "\n".join(self.text[a:b] for a, b in pieces)

    def pieces(self, start: int, end: int) -> list[tuple[int, int]]:
        """``text[start:end]`` without the page furniture inside it, as the pieces between."""
        furniture = self.segmenter.furniture_in(start, end)
        if not furniture:
            return [(start, end)]
        out: list[tuple[int, int]] = []
        bounds = [start]
        for f_start, f_end in furniture:
            bounds += [max(start, f_start), min(end, f_end)]
        bounds.append(end)
        for a, b in zip(bounds[::2], bounds[1::2], strict=True):
            piece = self.text[a:b]
            if piece.strip():
                lead = len(piece) - len(piece.lstrip())
                out.append((a + lead, a + len(piece.rstrip())))
        return out or [(start, end)]

    def block(
        self, start: int, end: int, match: tuple[int, int], encoded: Encoded
    ) -> tuple[int, int]:
        """The part of the sentence between blank lines that holds the matched tokens.

        A sentence the segmenter ran across a blank line (a page footer, a heading, a
        preamble) would otherwise claim paragraphs that say nothing of the term.
        """
        i, j = match
        if j <= i:
            return start, end
        first, last = encoded.tokens[i].start, encoded.tokens[j - 1].end
        breaks = [(m.start(), m.end()) for m in _BLANK_LINE.finditer(self.text, start, end)]
        furniture = self.segmenter.furniture_in(start, end) if breaks else []
        if furniture:  # a page number between blank lines is no break in the clause
            masked = self.segmenter.masked(start, end)
            runs = [(start + m.start(), start + m.end()) for m in _BLANK_RUN.finditer(masked)]
            breaks = [
                (a, b)
                for a, b in runs
                if self.text[a - 1 : a] in _CLAUSE_END
                or not any(a <= f_start and f_end <= b for f_start, f_end in furniture)
            ]
        for a, b in breaks:
            if b <= first:
                start = b
            elif a >= last:
                return start, a
        return start, end

    def led_in(
        self, start: int, outcomes: tuple[Outcome, ...], previous: Candidate | None
    ) -> tuple[Outcome, ...]:
        """A table's terms, with the line that introduces the table as their first piece.

        "Buyer agrees to purchase from Seller the following products:" over a table of
        minimum and maximum quantities, or a title line ("PAYMENT YEAR") over its header,
        states the clause with the table. A type the line above already made a term of (a
        lead-in that is a clause of its own) keeps that term alone.
        """
        lead = self.line_above_table(start)
        if lead is None:
            return outcomes
        stated = (
            {o.type for o in previous.outcomes if o.term is not None}
            if previous is not None and previous.start <= lead[0] < previous.end
            else set()
        )
        first, words = self.evidence(*lead)
        return tuple(
            attrs.evolve(
                o,
                term=attrs.evolve(
                    o.term,
                    span=first[0],
                    spans=(*first, *o.term.pieces),
                    text=f"{words}\n{o.term.text}",
                ),
            )
            if o.term is not None and o.type not in stated
            else o
            for o in outcomes
        )

    def line_above_table(self, start: int) -> tuple[int, int] | None:
        """The sentence that introduces the table whose header starts at ``start``, if any.

        It ends on the line above the header (one blank line between them at most) and is
        either a lead-in, ending in ``:``, or a title: a line of at most eight words that does
        not end as a sentence does and is neither page furniture nor a section's heading.
        """
        text = self.text
        end = len(text[: text.rfind("\n", 0, start) + 1].rstrip())
        if end == 0 or text.count("\n", end, start) > 2:
            return None
        if text[end - 1] != ":":
            line_start = text.rfind("\n", 0, end) + 1
            line = text[line_start:end]
            if (
                line[-1] in _SENTENCE_END
                or len(line.split()) > _MAX_TITLE_WORDS
                or self.segmenter.furniture_in(end - 1, end)
                # "SCHEDULE 2" heads a part of the agreement, not the table
                or self.segmenter.section_at(end - 1) != self.segmenter.section_at(line_start - 1)
            ):
                return None
        lead = self.segmenter.sentence_at(end - 1)
        return lead if lead[1] == end and lead[0] < end else None

    def rows_below(self, start: int, end: int) -> tuple[int, int] | None:
        """The rows of figures below a table's header line, if the sentence is one.

        A header is a line of its own that does not end as a sentence or a lead-in does
        ("Contract Year   Minimum Purchase Amount"); its rows are the lines right below it
        (one blank line between them at most) that carry a rate, an amount or a redaction:
        short lines, or a longer one dense with figures (rows run together on one line).
        """
        text = self.text
        header = text[start:end].rstrip()
        if not header or header[-1] in _SENTENCE_END or "\n" in header:
            return None
        if text[text.rfind("\n", 0, start) + 1 : start].strip():
            return None  # the header does not start its line
        line_end = text.find("\n", start + len(header))
        if line_end < 0 or text[start + len(header) : line_end].strip():
            return None  # nor end it
        first = _NEXT_LINE.match(text, line_end)
        if first is None or not _is_row(first[1], rows_only=True):
            return None
        return first.start(1), self.list_below(line_end, rows_only=True)

    def list_below(self, end: int, *, rows_only: bool = False) -> int:
        """The end of the list a lead-in ("... shall pay royalties as follows:") opens.

        The items below it (lines that start with a list mark, or short lines that carry a
        rate, amount or redaction or start with a count, the rows of a table) state the
        clause's figures, so the term's evidence runs to the last of them. A blank run of two
        lines or more, a line that opens a numbered clause, or any other line ends the list.
        """
        text = self.text
        line_end = text.find("\n", end)
        if line_end < 0 or text[end:line_end].strip():
            return end  # the clause carries on on its own line: no list below it
        last, at, blank, items = end, line_end + 1, 0, 0
        most = _MAX_ROWS if rows_only else _MAX_ITEMS
        while at < len(text) and items < most:
            nl = text.find("\n", at)
            nl = len(text) if nl < 0 else nl
            line, line_start, at = text[at:nl], at, nl + 1
            if not line.strip():
                blank += 1
                if blank > 1:
                    break
                continue
            if not _is_row(line, rows_only=rows_only):
                break
            last, blank, items = line_start + len(line.rstrip()), 0, items + 1
        return last

    def field_value(
        self,
        cls: type[Term],
        role: str,
        tokens: Sequence[Token],
        values: dict[int, ValueMatch],
        first: int,
    ) -> dict[str, Any] | None:
        kind = str(attrs.fields_dict(cls)[role].type)
        found = [values[first + k] for k in range(len(tokens)) if first + k in values]
        raw = self.text[tokens[0].start : tokens[-1].end]
        if role == "amount":
            money = next((v.value for v in found if isinstance(v.value, Money)), None)
            if money is None:
                return None
            return {"amount": money.amount, "currency": money.currency}
        if "Decimal" in kind:
            number = next((v.value for v in found if isinstance(v.value, Decimal)), None)
            if number is None:
                number = ratio_share(raw)  # "70/30": the first share
            if number is None and role == "quantity":
                digits = re.sub(r"[^\d.]", "", raw)
                number = Decimal(digits) if re.fullmatch(r"\d+(?:\.\d+)?", digits) else None
            return {role: number} if number is not None else None
        if "dt.date" in kind:
            date = next((v.value for v in found if isinstance(v.value, dt.date)), None)
            return {role: date} if date is not None else None
        if "Period" in kind:
            period = next((v.value for v in found if isinstance(v.value, Period)), None)
            if period is None:
                period = parse_period(raw)
            return {role: period} if period is not None else None
        if "tuple" in kind:
            place = _tidy(raw)
            if _NOT_PLACE.match(place):
                return None
            defined = self.definitions.get(place.lower())
            if defined:  # "the Territory" means what the agreement defines it as
                raw = defined
            if _WORLDWIDE.search(raw):
                return {role: ("worldwide",)}
            parts = [_tidy(p) for p in _SPLIT_TERRITORY.split(raw)]
            # "in the Field", "in Exhibit A": a capitalised phrase is a place only when it
            # names one; the places of a defined territory are kept, its prose is not.
            names = (_place_name(p) for p in parts if p)
            places = tuple(dict.fromkeys(name for name in names if name is not None))
            if places:
                return {role: places}
            if _TERRITORY_WORD.search(place):  # "the Territory", defined elsewhere or not
                return {role: (place,)}
            return None
        if role == "subject" and self.names_no_subject(tokens, raw):
            return None
        if len(tokens) == 1 and "PARTY" in tokens[0].classes:
            key = self.party_keys.get(_party_key(raw))
            if key:
                return {role: key}
        party = self.party_re.fullmatch(raw) if self.party_re is not None else None
        if party is not None:
            return {role: self.party_keys[_party_key(raw)]}
        tidy = _tidy(raw)
        if role in _AGENT_ROLES and tidy:
            # A name the fallback patterns read off capitalised words: "If Acme exercises"
            # names Acme; "Royalties shall be paid" names nobody.
            tidy = _LEAD_IN.sub("", tidy)
            if self.party_re is not None and self.party_re.fullmatch(tidy):
                return {role: self.party_keys[_party_key(tidy)]}
            if not tidy or _NOT_AGENT.match(tidy) or _THING_HEAD.search(tidy):
                return None
            if tidy.islower() and tidy not in _PRONOUN_AGENTS:
                return None  # "the partner", "distributor": a common noun that names no party
        if role == "subject" and tidy:
            # A subject that names a defined term is that term, however it is worded:
            # "each New Model developed by OpenAI" and "every New Model" are "New Model".
            defined = self.defined_in(tidy)
            if defined:
                return {role: defined}
        if role == "unit":  # "GPU hours" and "GPU-hours" count the same thing
            tidy = "-".join(tidy.split())
        return {role: tidy} if tidy else None

    def names_no_subject(self, tokens: Sequence[Token], raw: str) -> bool:
        """A time, date, amount, party or pronoun alone is not what a right is over: "a right
        of first refusal for thirty (30) days", "shall first offer it to Halcyon", "our"."""
        if len(tokens) == 1 and _NOT_SUBJECT_CLASSES & set(tokens[0].classes):
            return True
        if _NO_THING.fullmatch(raw):
            return True
        return self.party_re is not None and self.party_re.fullmatch(raw) is not None

    def defined_in(self, phrase: str) -> str | None:
        """The longest defined term that ``phrase`` mentions, as the text writes it."""
        best: str | None = None
        for m in _CAPITALISED.finditer(phrase):
            words = m.group().split()
            for i in range(len(words)):
                for j in range(len(words), i, -1):
                    candidate = " ".join(words[i:j])
                    if candidate.lower() in self.definitions and (
                        best is None or len(candidate) > len(best)
                    ):
                        best = candidate
        return best


def _value_classes(value: ValueMatch, sentence: str) -> tuple[str, ...]:
    """The token class of a value: its kind; a run of periods ("two consecutive Contract
    Years", "30 consecutive days") is a WINDOW, the span a test or a notice runs over, which
    a commitment's period is not ("fails to meet its minimum in two consecutive Contract
    Years")."""
    if value.kind == "period" and _CONSECUTIVE.search(sentence, value.start, value.end):
        return ("WINDOW",)
    return (value.kind.upper(),)


def _party_key(name: str) -> str:
    """How a party's name or short name is looked up: case and spacing do not count."""
    return " ".join(name.split()).lower()


#: Words that name no thing on their own: "our", "someone else either".
_NO_THING = re.compile(
    r"(?:\s*\b(?:our|your|its|their|his|her|either|someone|anyone|else|us|them)\b)+\s*", re.I
)
#: Classes of a token that is never, alone, the subject of a right: a value phrase or a party.
_NOT_SUBJECT_CLASSES = frozenset({"PERIOD", "WINDOW", "DATE", "MONEY", "PERCENT", "PARTY"})
_CONSECUTIVE = re.compile(r"\bconsecutive\b", re.I)

_HEADING_WORD = re.compile(r"[A-Za-z][\w'’\-]*")
#: The verbs that make words in capitals a clause, not a heading.
_CAPS_CLAUSE = re.compile(r"\b(?:SHALL|WILL|MUST|AGREES?|HEREBY|GRANTS|APPOINTS)\b")
_SMALL_WORDS = frozenset(
    {"and", "or", "of", "the", "to", "for", "in", "on", "a", "an", "by", "with"}
)
#: A rate or a sum: a line of a term sheet ("Royalty: 4% of Net Sales"), not a heading.
_FIGURE = re.compile(r"\d\s*%|[$€£¥]\s*\d|\d\s*(?:percent|per\s+cent)\b", re.I)


_SAME_LINE_SPACE = re.compile(r"[^\S\n]*")


def _is_heading(sentence: str) -> bool:
    """A few words in capitals or title case: "3. REVENUE SHARE." and "3. Revenue Share." are
    headings; a clause written all in capitals ("LICENSEE SHALL PAY TO LICENSOR A ROYALTY OF
    FIVE PERCENT (5%) OF NET SALES.") is not, and neither is a line that states a rate or a
    sum ("Royalty: 4% of Net Sales.")."""
    if _FIGURE.search(sentence):
        return False
    if not any(ch.islower() for ch in sentence):
        return _CAPS_CLAUSE.search(sentence) is None
    words = _HEADING_WORD.findall(sentence)
    return len(words) <= 8 and all(w[0].isupper() or w in _SMALL_WORDS for w in words)


def _tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip(" ,;:.()\"'“”")
    return _LEADING.sub("", text)


def classify(
    text: str, rules: RuleSet, parties: Sequence[Party] = (), *, explain: bool = False
) -> tuple[list[Term], list[Candidate]]:
    """Terms found in ``text``, and the candidate sentences that made them (with
    ``explain``: every candidate sentence, with why it made no term)."""
    candidates = Classifier(rules, text, parties).run(explain=explain)
    terms = [o.term for c in candidates for o in c.outcomes if o.term is not None]
    return fold(terms, rules), candidates


#: The sections a sentence names: "Section 4", "Sections 4.1 and 4.2(b)", "Article 7".
_SECTIONS_NAMED = re.compile(
    r"\b(?:sections?|articles?|clauses?)\s+"
    r"((?:\d+(?:\.\d+)*(?:\s*\([a-z0-9]{1,4}\))*(?:\s*,\s*|\s+and\s+|\s+or\s+)?)+)",
    re.I,
)
_SECTION_NUMBER = re.compile(r"\d+(?:\.\d+)*(?:\s*\([a-z0-9]{1,4}\))*", re.I)
#: A sentence that cites a section at all ("Article V", "this Section"): it never falls back
#: to the nearest term before it.
_CITES_SECTION = re.compile(r"\b(?:sections?|articles?|clauses?)\b", re.I)
#: "this Section", "this Article": the one the sentence stands in.
_THIS_SECTION = re.compile(
    r"\bth(?:is|e\s+present)\s+(?:section|article|clause)\b(?!\s+(?:\d|[IVXLC]+\b))", re.I
)


def fold(terms: Sequence[Term], rules: RuleSet) -> list[Term]:
    """``terms`` with what qualifies another term folded into it.

    A term made by a construction with ``into`` is no term of its own. Into a list field (a
    carve-out: "The exclusivity obligations of Section 4 shall not apply to inference
    workloads"), its ``subject`` is added to that field of the terms it refers to; into a
    date field ("The revenue share under Section 3.1 shall terminate on December 31, 2027"),
    its own value of that field is set on them. The terms it refers to are the positive terms
    of its type in the sections it names ("Section 4", "this Section" for the one it stands
    in), or, when it cites no section at all ("the foregoing exclusivity"), the nearest one
    before it. With no such term (an amendment's carve-out of a clause it does not restate,
    a section cited as "Article V") a carve-out is dropped; a date is kept as a term of its
    own, as it states when something ends.
    """
    into = rules.folds()
    if not any((t.rule or "") in into for t in terms):
        return list(terms)
    kept: list[Term | None] = list(terms)
    for k, term in enumerate(terms):
        field = into.get(term.rule or "")
        if field is None:
            continue
        # Into a list, the subject is carved out (and nothing else is kept of the term); into
        # a date field, the term's own date is set, and the term stays when nothing takes it.
        listed = isinstance(getattr(term, field), tuple)
        value = getattr(term, "subject" if listed else field, None)
        if not value:
            if listed:
                kept[k] = None
            continue
        named = [
            "".join(n.split())
            for m in _SECTIONS_NAMED.finditer(term.text)
            for n in _SECTION_NUMBER.findall(m.group(1))
        ]
        own = re.match(r"\d+", term.section or "")
        if own is not None and _THIS_SECTION.search(term.text):
            named.append(own.group())  # "this Section", "this Article": where it stands
        cites = bool(named) or _CITES_SECTION.search(term.text) is not None
        kind = _kind(term)
        targets = [
            j
            for j, u in enumerate(kept)
            if isinstance(u, kind)
            and not u.negative
            and (u.rule or "") not in into
            and (not cites or _in_sections(u.section, named))
        ]
        if not cites:  # "the foregoing exclusivity": the nearest one before it
            targets = [j for j in targets if j < k][-1:]
        if targets or listed:
            kept[k] = None
        for j in targets:
            target = kept[j]
            assert target is not None
            have = getattr(target, field)
            if not listed:
                kept[j] = attrs.evolve(target, **{field: value})
            elif value not in have:
                extended: dict[str, Any] = {field: (*have, value)}
                kept[j] = attrs.evolve(target, **extended)
    return [t for t in kept if t is not None]


def _kind(term: Term) -> type[Term]:
    """The terms a qualifying term may fold into: of its class, or any purchase commitment
    for a commitment (a carve-out rule cannot tell a cloud commitment from another)."""
    return Commitment if isinstance(term, Commitment) else type(term)


def _in_sections(section: str | None, named: Sequence[str]) -> bool:
    """Whether ``section`` ("4.1(b)") is one of ``named`` (written without spaces) or inside
    one ("4", "4.1")."""
    if section is None:
        return False
    bare = "".join(section.split())
    return any(bare == n or bare.startswith((n + ".", n + "(")) for n in named)
