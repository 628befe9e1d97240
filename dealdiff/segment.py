"""Sentences, numbered sections and page furniture of agreement text, found lazily and fast.

The text is never copied or normalised: every span is an exact ``(start, end)`` into it, with
``text[start:end]`` free of surrounding whitespace.

How the text is cut, in order:

1. **Page furniture** (:meth:`Segmenter.furniture`): lines that are only a page number (``3``,
   ``-3-``, ``- 3 -``, ``Page 3``, ``Page 3 of 12``, ``3 of 12``, a lower-case roman numeral), rules
   of ``-``/``_``/``=``, form feeds, and running headers and footers: a line of 3 to 100
   characters next to a blank line, a page number, a form feed or an end of the text, whose
   stripped text stands so at least three times (not if it ends in ``.:;,``, holds ``*``, has no
   capital, or starts like a section number).
2. **Regions**: blank lines and furniture cut the text into regions; no sentence crosses a region
   boundary. One exception keeps a sentence whole across a page break: when the break holds
   furniture or at least two blank lines (a page break whose furniture was stripped), the text
   before it does not end in ``.?!:;`` and is not in capitals, and the text after it starts with
   a lower-case word that is not a list label (or, after a dangling lower-case word such as
   "the", with any word that starts no section and no capitals line; or, inside a capitalised
   name such as "U.S. PGA / Tour Events" after a line of prose, with a capitalised word that
   does not usually open a sentence), the two sides stay one region, and the sentence span
   contains the furniture (:meth:`Segmenter.masked` blanks it out). A single blank line always
   ends a sentence. A region longer than ``MAX_REGION`` characters (no blank line for pages)
   is cut in its second half: at the last sentence end (rule 4), else the last line ending in
   ``.?!:;``, else as for the sentence cap (rule 5), so that every lookup stays bounded.
3. **Units**: inside a region, a line starting with a section number (``2.1``, ``2.``,
   ``(a)``, ``a.``, ``iv)``, ``Section 3.``, ``ARTICLE IV``, ``Exhibit A``) starts a new unit; a
   heading line (a number with only a title, or a short line in capitals or Title Case standing
   between finished sentences) is a unit of its own. Single newlines are otherwise plain spaces.
   A bullet (``•``, ``●``, ``▪``, ``■``, ``◦``) after whitespace opens a new piece of the unit,
   whether it starts a line or is run into one ("... of funds ●It is understood ...").
4. **Sentence ends** inside a unit: ``.``, ``?`` or ``!`` (with closing quotes or brackets), then
   whitespace, then an upper-case letter, digit, quote or bracket. Semicolons never end a
   sentence. A ``.`` does not end one after a legal abbreviation (``Inc.``, ``U.S.``, ``No.``,
   ``Sec.``, ``e.g.``, months, ...), after dotted initials (``J.R.``, ``p.m.``), after a single
   capital initial (``J. Smith``) unless a label word precedes it (``Exhibit A. The``), in
   ``...`` or dot leaders, inside ``[...]``, or inside the line's own section number
   (``2. The``). A number before the full stop does end a sentence (``Section 4.2. The``). A
   list label after a full stop opens the next sentence (``... in writing. b. The Buyer``).
5. **Cap**: a sentence longer than ``CAP`` (1,500) characters is cut into pieces of at most
   ``CAP`` characters, from its start: each cut is the last ``;`` in the window between a third
   of the cap and the cap, else the last ``:``, else the last ``, and`` / ``, or``, else the last
   newline, else the last comma, else the last space, else exactly at the cap.
6. **Sections**: a number starts a section only at the start of a line, and only if the line
   before is finished (``.?!:;,``), ends in a connective (``and``, ``or``) or a capitalised word,
   or is blank; a list label such as ``(a)`` may also follow an unfinished line unless it reads
   as a wrapped reference (``Section 2.1\n(a) above``). Numbers are normalised (``ARTICLE IV``
   -> ``4``, ``Section 3.`` -> ``3``, ``EXHIBIT A`` -> ``Exhibit A``) and list labels nest under
   the last number (``2.1``, then ``(b)`` -> ``2.1(b)``, then ``(ii)`` -> ``2.1(b)(ii)``; ``(i)``
   right after ``(h)`` is a letter). :meth:`Segmenter.section_at` is the last section started at
   or before the offset.

Costs: ``Segmenter(text)`` stores the text. The first lookup makes a few compiled-regex passes
over the whole text (furniture, blank lines; sections on the first section lookup). A sentence
lookup then segments only the region holding the offset (at most ``MAX_REGION`` characters,
cached), and later lookups in that region are a bisection.

Lines end in ``\\n`` or ``\\r\\n``; a lone ``\\r`` is not a line break.
"""

from __future__ import annotations

import bisect
import collections
import re

import attrs

__all__ = ["CAP", "MAX_REGION", "Section", "Segmenter"]

#: Longest sentence span returned, in characters.
CAP = 1500
#: Longest region segmented at once; longer blank-line-free stretches are cut (see above).
MAX_REGION = 3000

_CACHE_REGIONS = 4096
_CLOSERS = "\"'”’)]"
_OPENERS = "\"'“‘(["
_TERMINAL = ".?!:;"

_ABBREVIATIONS = frozenset(
    """
    inc corp co ltd l.l.c llc n.v s.a u.s u.s.a u.k no nos sec secs art arts para paras e.g i.e
    etc viz mr mrs ms dr st vs v approx jan feb mar apr jun jul aug sep sept oct nov dec ex exh
    cf fig jr sr bros dept mt ft ave blvd pty ltda plc
    """.split()
)
# Words after which a single capital is a label ("Exhibit A. The"), not an initial ("J. Smith").
_LABEL_WORDS = frozenset(
    """
    exhibit schedule annex appendix attachment article section part clause class series tier
    phase item rider addendum grade type level option tranche category group zone
    """.split()
)
_SMALL_WORDS = frozenset("of and or the to in for on by with a an at from under &".split())
_CONNECTIVES = frozenset("and or nor then but".split())
# "... in Section 2.1\n(a) above": a wrapped reference, not a list item.
_REFERENCE_WORDS = frozenset(
    "section sections clause clauses paragraph paragraphs subsection subsections article"
    " articles exhibit schedule item items sub-section sub-clause".split()
)
_REFERENCE_FOLLOWERS = frozenset(
    "above below hereof hereto herein hereunder thereof thereto of to and or through".split()
)

_SPACE = re.compile(r"\s*")
_NOT_SPACE = re.compile(r"\S")
_BLANK_RUN = re.compile(r"\n(?:[^\S\n]*\n)+")
_PAGE_FURNITURE = (
    r"(?i:page)[^\S\n]*-?[^\S\n]*\d{1,4}[^\S\n]*-?(?:[^\S\n]*of[^\S\n]*\d{1,4})?"
    r"|-[^\S\n]*\d{1,4}[^\S\n]*-"
    r"|\d{1,4}(?:[^\S\n]+of[^\S\n]+\d{1,4})?"
    r"|[ivxl]{1,6}"
    r"|[-_=][-_= ]{3,}[-_=]"
)
# A pattern led by one literal character lets the regex engine skip ahead at C speed (a leading
# alternation or character class does not), so line starts are tried as three patterns.
_PAGE_LINE_BODY = r"[^\S\n\f]*(?P<f>" + _PAGE_FURNITURE + r")[^\S\n\f]*(?=[\n\f]|\Z)"
_PAGE_AT_START = re.compile(_PAGE_LINE_BODY)
_PAGE_AFTER_NEWLINE = re.compile("\n" + _PAGE_LINE_BODY)
_PAGE_AFTER_FORM_FEED = re.compile("\f" + _PAGE_LINE_BODY)
_PAGE_LINE = re.compile(r"[^\S\n]*(?:" + _PAGE_FURNITURE + r")[^\S\n]*\Z")
_CONTENT_LINE = re.compile(r"[^\S\n]*(\S(?:[^\n]*\S)?)")
_SENTENCE_END = re.compile(r"[.?!]+[\"'”’)\]]*(?=\s)")
# A bullet after whitespace opens a list item, on a line of its own or run into one line.
_BULLETS = "•●▪■◦"
_BULLET = re.compile(r"(?<=\s)[" + _BULLETS + r"](?=[^\S\n]?\S)")
# A list label inside a line, after a full stop: "... in writing. b. The Buyer ...".
_INLINE_LABEL = re.compile(r"(?:[a-z]{1,2}|[ivxlc]{2,6})[.)][^\S\n]+[A-Z\"“(]")
_LABEL_TOKEN = re.compile(r"[a-z]{1,2}\)?|[ivxlc]{2,6}\)?")
_INITIALS = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")
_LOWER_MARKER = re.compile(r"(?:\(?(?:[a-z]|([a-z])\1|[ivxlc]{2,6})[.)]|o[^\S\n]{2,}|o\t)(?=\s)")
_MARKER_HINT = re.compile(
    r"[(\d]|[A-Za-z]{1,6}[.)]|(?:ARTICLE|Article|SECTION|Section|SEC\.|Sec\.|EXHIBIT|Exhibit"
    r"|SCHEDULE|Schedule|ANNEX|Annex|APPENDIX|Appendix|ATTACHMENT|Attachment)\s"
)
_MARKER_SCAN_FIRST = re.compile(r"[^\S\n\f]*(?=" + _MARKER_HINT.pattern + ")")
_MARKER_SCAN = re.compile("\n" + _MARKER_SCAN_FIRST.pattern)
_MARKER_SCAN_FORM_FEED = re.compile("\f" + _MARKER_SCAN_FIRST.pattern)
_MARKER = re.compile(
    r"""
    (?:
      (?:ARTICLE|Article)[^\S\n]+(?P<art>\d{1,3}|[IVXLC]{1,7})\b\.?
    | (?P<ekw>EXHIBIT|Exhibit|SCHEDULE|Schedule|ANNEX|Annex|APPENDIX|Appendix|ATTACHMENT
        |Attachment)[^\S\n]+(?P<ex>[A-Z]{1,2}(?:-\d{1,3})?|\d{1,3}(?:\.\d{1,3})*)\b\.?
    | (?:SECTION|Section|SEC\.|Sec\.)[^\S\n]*(?P<sec>\d{1,3}(?:\.\d{1,3})*)
        (?P<secsuf>(?:\([a-zA-Z0-9]{1,4}\))*)\.?
    | (?P<num>\d{1,3}(?:\.\d{1,3})*)(?P<numsuf>(?:\([a-zA-Z0-9]{1,4}\))*)(?P<numdot>\.?)
    | \((?P<par>[a-z]{1,2}|[ivxlc]{3,6}|[A-Z]{1,2}|[IVXLC]{3,6}|\d{1,2})\)
    | (?P<let>[a-z]{1,2}|[ivxlc]{3,6}|[A-Z]|[IVXLC]{2,6})[.)]
    )
    (?=\s|\Z)
    """,
    re.VERBOSE,
)
_SUFFIX = re.compile(r"\(([a-zA-Z0-9]{1,4})\)")
_LEAD_SEPARATORS = " \t\r\f\v-–—:."
_CAPS_HEADING = re.compile(r"[A-Z0-9&'’,;/\-(). ]*[A-Z0-9)]")
_WORD = re.compile(r"\S+")
_TWO_LETTERS = re.compile(r"[^\W\d_]{2}")
# A line that ends in a capitalised word ("... seventeen (17) U.S. PGA").
_NAME_END = re.compile(r"\s[A-Z][A-Za-z]*\Z")
# A running header or footer written into the end of a line ("... Page 13 of 38").
_INLINE_FURNITURE = re.compile(r"\b(?:Page\s+\d|[Cc]onfidential\b|CONFIDENTIAL\b)")
# Capitalised words that usually open a sentence: after a page break they start a new one.
_SENTENCE_OPENERS = frozenset(
    """A After All Also An Any As At Before Both Certain Each Either Every Except Excluding
    For Following From Further Furthermore He However If In It Its Made Neither No Not
    Nothing Notwithstanding Now On Once Only Our Page Pursuant Provided She Subject Such
    That The Their Then There Thereafter These They This Those To Under Unless Until Upon
    We When Where Whereas Whether With Within Without You Your""".split()
)
_TITLE_WORD = re.compile(r"[A-Z0-9][\w'’&/\-]*")
_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}


@attrs.frozen
class Section:
    """A numbered section: normalised ``number``, offset of its number, and title if any.

    >>> Segmenter("1. GRANT\\n\\n1.1 LICENSE. Acme may sell.").sections()[1]
    Section(number='1.1', start=10, heading='LICENSE')
    """

    number: str
    start: int
    heading: str | None


@attrs.frozen
class _Marker:
    """What a section number at the start of a line says, before nesting is known."""

    levels: tuple[tuple[str, str], ...]  # (kind, label); kind "top" resets the nesting
    end: int  # offset just after the number itself
    heading: str | None
    bare: bool  # the line is the number and at most a title: a unit of its own


class Segmenter:
    """Sentences, sections and page furniture of one text, computed on demand.

    >>> seg = Segmenter("2.1 Acme Inc. shall pay\\nthe fee. It is due.")
    >>> [seg.text[s:e] for s, e in seg.sentences()]
    ['2.1 Acme Inc. shall pay\\nthe fee.', 'It is due.']
    >>> seg.section_at(30)
    '2.1'
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._has_bullets = any(b in text for b in _BULLETS)
        self._laid_out = False
        self._furniture: list[tuple[int, int]] = []
        self._furniture_starts: list[int] = []
        self._joined: list[tuple[int, int]] = []
        self._joined_starts: list[int] = []
        self._region_starts: list[int] = []
        self._region_ends: list[int] = []
        self._cache: dict[int, list[tuple[int, int]]] = {}
        self._cache_starts: dict[int, list[int]] = {}
        self._sections: list[Section] | None = None
        self._section_starts: list[int] = []

    @property
    def text(self) -> str:
        """The text, unchanged."""
        return self._text

    # ----------------------------------------------------------------------------- public API

    def sentence_at(self, offset: int) -> tuple[int, int]:
        """Return ``(start, end)`` of the sentence holding ``offset``.

        An offset between sentences (whitespace, furniture) gives the empty ``(offset, offset)``.

        >>> seg = Segmenter("Acme shall pay. Beta shall ship.")
        >>> seg.sentence_at(20)
        (16, 32)
        """
        if not 0 <= offset <= len(self._text):
            raise IndexError(f"offset {offset} outside text of length {len(self._text)}")
        self._layout()
        index = bisect.bisect_right(self._region_starts, offset) - 1
        if index < 0 or offset >= self._region_ends[index]:
            return offset, offset
        spans, starts = self._region_sentences(index)
        k = bisect.bisect_right(starts, offset) - 1
        if k >= 0 and offset < spans[k][1]:
            return spans[k]
        return offset, offset

    def sentences(self) -> list[tuple[int, int]]:
        """Return every sentence span, in text order.

        >>> Segmenter("ARTICLE 4\\nTERM\\nIt ends. Fully.").sentences()
        [(0, 9), (10, 14), (15, 23), (24, 30)]
        """
        self._layout()
        out: list[tuple[int, int]] = []
        for start, end in zip(self._region_starts, self._region_ends, strict=True):
            out.extend(self._segment_region(start, end))
        return out

    def section_at(self, offset: int) -> str | None:
        """Return the number of the innermost section started at or before ``offset``.

        >>> seg = Segmenter("ARTICLE 2\\n2.1 Scope.\\n(a) Acme sells; and\\n(b) Beta buys.")
        >>> seg.section_at(0), seg.section_at(14), seg.section_at(50)
        ('2', '2.1', '2.1(b)')
        """
        sections = self.sections()
        index = bisect.bisect_right(self._section_starts, offset) - 1
        return sections[index].number if index >= 0 else None

    def sections(self) -> list[Section]:
        """Return every numbered section, in text order.

        >>> [s.number for s in Segmenter("Section 3. Term.\\n\\nEXHIBIT A\\n").sections()]
        ['3', 'Exhibit A']
        """
        if self._sections is None:
            self._layout()
            self._sections = self._find_sections()
            self._section_starts = [s.start for s in self._sections]
        return list(self._sections)

    def furniture(self) -> list[tuple[int, int]]:
        """Return the spans of page furniture (page numbers, form feeds, running headers).

        >>> Segmenter("Acme shall pay.\\n\\n- 3 -\\n\\nBeta shall ship.").furniture()
        [(17, 22)]
        """
        self._layout()
        return list(self._furniture)

    def furniture_in(self, start: int, end: int) -> list[tuple[int, int]]:
        """The spans of page furniture that overlap ``text[start:end]``.

        >>> seg = Segmenter("Acme shall pay the\\n\\n12\\n\\nfee to Beta.")
        >>> seg.furniture_in(*seg.sentence_at(0))
        [(20, 22)]
        """
        self._layout()
        k = max(0, bisect.bisect_right(self._furniture_starts, start) - 1)
        out = []
        for f_start, f_end in self._furniture[k:]:
            if f_start >= end:
                break
            if f_end > start:
                out.append((f_start, f_end))
        return out

    def masked(self, start: int, end: int) -> str:
        """Return ``text[start:end]`` with furniture replaced by spaces (same length).

        >>> seg = Segmenter("Acme shall pay the\\n\\n12\\n\\nfee to Beta.")
        >>> seg.masked(*seg.sentence_at(0))
        'Acme shall pay the\\n\\n  \\n\\nfee to Beta.'
        """
        parts: list[str] = []
        position = start
        for f_start, f_end in self.furniture_in(start, end):
            parts.append(self._text[position : max(position, f_start)])
            parts.append(_NOT_SPACE.sub(" ", self._text[max(position, f_start) : min(f_end, end)]))
            position = min(f_end, end)
        parts.append(self._text[position:end])
        return "".join(parts)

    # ----------------------------------------------------------------------------- layout

    def _layout(self) -> None:
        """Find furniture, page breaks and regions once, in a few whole-text regex passes."""
        if self._laid_out:
            return
        self._laid_out = True
        text = self._text
        blank_runs = [m.span() for m in _BLANK_RUN.finditer(text)]
        self._furniture = self._find_furniture(blank_runs)
        self._furniture_starts = [s for s, _ in self._furniture]

        pieces = [(s, e, False) for s, e in blank_runs]
        pieces.extend((s, e, True) for s, e in self._furniture)
        pieces.sort()
        gaps: list[list[int]] = []  # [start, end, has_furniture]
        for start, end, is_furniture in pieces:
            if gaps and _skip(text, gaps[-1][1]) >= start:
                gaps[-1][1] = max(gaps[-1][1], end)
                gaps[-1][2] |= is_furniture
            else:
                gaps.append([start, end, is_furniture])

        starts: list[int] = []
        ends: list[int] = []
        region_start = _skip(text, 0)
        for raw_start, raw_end, has_furniture in gaps:
            gap_start = self._rstrip(raw_start, 0)
            gap_end = _skip(text, raw_end)
            if self._joins(gap_start, gap_end, bool(has_furniture)):
                self._joined.append((gap_start, gap_end))
                self._joined_starts.append(gap_start)
                continue
            if region_start < gap_start:
                self._add_region(region_start, gap_start, starts, ends)
            region_start = max(region_start, gap_end)
        text_end = self._rstrip(len(text), 0)
        if region_start < text_end:
            self._add_region(region_start, text_end, starts, ends)
        self._region_starts = starts
        self._region_ends = ends

    def _find_furniture(self, blank_runs: list[tuple[int, int]]) -> list[tuple[int, int]]:
        text = self._text
        first = _PAGE_AT_START.match(text)
        spans = [first.span("f")] if first else []
        spans.extend(m.span("f") for m in _PAGE_AFTER_NEWLINE.finditer(text))
        spans.extend(m.span("f") for m in _PAGE_AFTER_FORM_FEED.finditer(text))
        form_feed = text.find("\f")
        while form_feed >= 0:
            spans.append((form_feed, form_feed + 1))
            form_feed = text.find("\f", form_feed + 1)
        spans.extend(self._running_headers(blank_runs, spans))
        return sorted(set(spans))

    def _running_headers(
        self, blank_runs: list[tuple[int, int]], pages: list[tuple[int, int]]
    ) -> list[tuple[int, int]]:
        """Spans of running headers and footers.

        A header is a line of 3 to 100 characters next to a blank line, a page number, a form
        feed or an end of the text, whose stripped text is found so at least three times; at
        most the 50 most repeated texts are taken.
        """
        text = self._text
        candidates: dict[int, int] = {}  # line start -> line end
        for run_start, run_end in blank_runs:
            self._add_line(run_start - 1, candidates)
            self._add_line(run_end, candidates)
        for page_start, page_end in pages:
            line_start = text.rfind("\n", max(0, page_start - 200), page_start)
            self._add_line(line_start - 1, candidates)
            self._add_line(text.find("\n", page_end, page_end + 200) + 1, candidates)
        self._add_line(0, candidates)
        self._add_line(len(text) - 1, candidates)
        stripped: dict[int, str] = {}
        counts: collections.Counter[str] = collections.Counter()
        for line_start, line_end in candidates.items():
            line = text[line_start:line_end].strip()
            if 3 <= len(line) <= 100:
                stripped[line_start] = line
                counts[line] += 1
        headers = [
            line
            for line, count in counts.items()
            if count >= 3
            and line[-1] not in ".:;,"
            and "*" not in line
            and line.lower() != line
            and not _PAGE_LINE.match(line)
            and not _MARKER_HINT.match(line)
        ]
        chosen = set(sorted(headers, key=lambda h: (-counts[h], h))[:50])
        spans = []
        for line_start, line in stripped.items():
            if line in chosen:
                start = _skip(text, line_start)
                spans.append((start, start + len(line)))
        return spans

    def _add_line(self, offset: int, lines: dict[int, int]) -> None:
        """Record the line holding ``offset`` if it is at most 200 characters long."""
        text = self._text
        if not 0 <= offset < len(text) or text[offset] == "\n":
            return
        low = max(0, offset - 200)
        start = text.rfind("\n", low, offset) + 1
        if start == 0 and low > 0:
            return
        end = text.find("\n", offset, offset + 200)
        if end < 0:
            if offset + 200 < len(text):
                return
            end = len(text)
        lines[start] = end

    def _joins(self, gap_start: int, gap_end: int, has_furniture: bool) -> bool:
        """Whether a sentence runs on across this break (a page break inside a paragraph)."""
        text = self._text
        if gap_start == 0 or gap_end >= len(text):
            return False
        if not has_furniture and text.count("\n", gap_start, gap_end) < 3:
            return False
        if _LOWER_MARKER.match(text, gap_end):
            return False
        k = gap_start
        while k > 0 and text[k - 1] in _CLOSERS:
            k -= 1
        if k == 0 or text[k - 1] in _TERMINAL:
            return False
        line_start = text.rfind("\n", max(0, gap_start - 300), gap_start) + 1
        last_line = text[max(line_start, gap_start - 300) : gap_start]
        if last_line.isupper():
            return False
        if text[gap_end].islower():
            return True
        if self._marker_info(gap_end) is not None:
            return False
        next_line = text[gap_end : self._line_end(gap_end)]
        if _is_caps(next_line):
            return False
        # "... a license to resell the" / page break / "Airspan Products to ...".
        last_word = last_line.rsplit(None, 1)[-1]
        if last_word.isalpha() and last_word.islower():
            return True
        return _splits_a_name(last_line, next_line)

    def _add_region(self, start: int, end: int, starts: list[int], ends: list[int]) -> None:
        """Add a region, cut into pieces of at most MAX_REGION characters."""
        text = self._text
        while end - start > MAX_REGION:
            low, high = start + MAX_REGION // 2, start + MAX_REGION
            cut = self._last_sentence_end(low, high, end)
            if cut < 0:
                cut = self._safe_break(low, high)
            if cut < 0:
                cut = self._cap_cut(low, high)
            gap = self._joined_gap_at(cut)
            piece_end, next_start = (gap[0], gap[1]) if gap else (cut, cut)
            piece_end = self._rstrip(piece_end, start)
            if start < piece_end:
                starts.append(start)
                ends.append(piece_end)
            start = _skip(text, next_start)
            gap = self._joined_gap_at(start)
            if gap:
                start = gap[1]
        if start < end:
            starts.append(start)
            ends.append(end)

    def _last_sentence_end(self, low: int, high: int, end: int) -> int:
        """Just after the last full stop in [low, high) that ends a sentence by rule 4, or -1.

        The number that starts a line ("2. The") is skipped, as it is when segmenting.
        """
        text = self._text
        position = high
        while True:
            # Walk back from full stop to full stop with C-speed rfind: no per-match Python work.
            position = max(text.rfind(mark, low, position) for mark in ".?!")
            if position < 0:
                return -1
            while position > low and text[position - 1] in ".?!":
                position -= 1
            m = _SENTENCE_END.match(text, position, high)
            if m is None or not self._ends_sentence(m, low):
                continue
            after = _skip(text, m.end(), end)
            if after >= end or not self._opens_sentence(after):
                continue
            line_start = _skip(text, text.rfind("\n", low, m.start()) + 1 or low, m.start())
            marker = self._marker_info(line_start) if line_start > low else None
            if marker is None or marker.end <= m.start():
                return m.end()

    def _safe_break(self, low: int, high: int) -> int:
        """Just after the last newline in [low, high) whose line ends in ``.?!;:``, or -1."""
        text = self._text
        newline = text.rfind("\n", low, high)
        while newline >= 0:
            k = self._rstrip(newline, low)
            while k > low and text[k - 1] in _CLOSERS:
                k -= 1
            if k > low and text[k - 1] in _TERMINAL:
                return newline + 1
            newline = text.rfind("\n", low, newline)
        return -1

    # ----------------------------------------------------------------------------- regions

    def _region_sentences(self, index: int) -> tuple[list[tuple[int, int]], list[int]]:
        spans = self._cache.get(index)
        if spans is None:
            if len(self._cache) >= _CACHE_REGIONS:
                self._cache.clear()
                self._cache_starts.clear()
            spans = self._segment_region(self._region_starts[index], self._region_ends[index])
            self._cache[index] = spans
            self._cache_starts[index] = [s for s, _ in spans]
        return spans, self._cache_starts[index]

    def _segment_region(self, start: int, end: int) -> list[tuple[int, int]]:
        text = self._text
        lines, joined = self._lines(start, end)
        markers = [self._marker_info(s) if _MARKER_HINT.match(text, s) else None for s, _ in lines]
        # (unit start, unit end, first offset where a full stop may end a sentence, own unit)
        units: list[tuple[int, int, int, bool]] = []
        previous_own = False
        for i, (line_start, line_end) in enumerate(lines):
            marker = markers[i]
            if marker is not None:
                # "2.1 The Licensor" wrapped onto "hereby grants ..." is no title line.
                own = marker.bare and not (i + 1 < len(lines) and text[lines[i + 1][0]].islower())
            elif line_end - line_start <= 80 and len(lines) > 1:
                own = (i == 0 or previous_own or self._finished(lines[i - 1])) and (
                    self._is_heading_line(lines, i, markers)
                )
            else:
                own = False
            if i == 0 or marker is not None or own or previous_own:
                units.append((line_start, line_end, marker.end if marker else line_start, own))
            else:
                unit_start, _, body, unit_own = units[-1]
                units[-1] = (unit_start, line_end, body, unit_own)
            previous_own = own

        out: list[tuple[int, int]] = []
        bullets = self._has_bullets and any(text.find(b, start, end) >= 0 for b in _BULLETS)
        for unit_start, unit_end, body, own in units:
            if own:
                self._emit(unit_start, unit_end, out, joined)
                continue
            if bullets:
                self._split_bullets(unit_start, unit_end, body, out, joined)
                continue
            self._split_sentences(unit_start, unit_end, body, out, joined)
        return out

    def _split_bullets(
        self, start: int, end: int, body: int, out: list[tuple[int, int]], joined: bool
    ) -> None:
        """Cut a unit at every bullet that opens an item, then each piece into sentences."""
        for m in _BULLET.finditer(self._text, max(start + 1, body), end):
            self._split_sentences(start, m.start(), body, out, joined)
            start = body = m.start()
        self._split_sentences(start, end, body, out, joined)

    def _split_sentences(
        self, unit_start: int, unit_end: int, body: int, out: list[tuple[int, int]], joined: bool
    ) -> None:
        """Append the sentences of a unit (see the module rules) to ``out``."""
        text = self._text
        sentence_start = unit_start
        for m in _SENTENCE_END.finditer(text, body, unit_end):
            after = _skip(text, m.end(), unit_end)
            if after >= unit_end or not self._opens_sentence(after):
                continue
            if (joined and self._joined_gap_at(m.start())) or not self._ends_sentence(
                m, unit_start
            ):
                continue
            self._emit(sentence_start, m.end(), out, joined)
            sentence_start = after
        self._emit(sentence_start, unit_end, out, joined)

    def _lines(self, start: int, end: int) -> tuple[list[tuple[int, int]], bool]:
        """Stripped content lines of a region, skipping the insides of joined page breaks, and
        whether there were any."""
        text = self._text
        pieces: list[tuple[int, int]] = []
        k = bisect.bisect_left(self._joined_starts, start)
        position = start
        while k < len(self._joined) and self._joined[k][0] < end:
            pieces.append((position, self._joined[k][0]))
            position = self._joined[k][1]
            k += 1
        pieces.append((position, end))
        if len(pieces) == 1:
            return [m.span(1) for m in _CONTENT_LINE.finditer(text, start, end)], False
        lines: list[tuple[int, int]] = []
        for piece_start, piece_end in pieces:
            lines += [m.span(1) for m in _CONTENT_LINE.finditer(text, piece_start, piece_end)]
        return lines, True

    def _finished(self, line: tuple[int, int]) -> bool:
        """Whether the line ends in ``.?!:;`` (before closing quotes and brackets)."""
        text = self._text
        k = line[1]
        while k > line[0] and text[k - 1] in _CLOSERS:
            k -= 1
        return text[k - 1] in _TERMINAL

    def _is_heading_line(
        self, lines: list[tuple[int, int]], i: int, markers: list[_Marker | None]
    ) -> bool:
        """A short capitals or Title Case line (standing after a finished line) that is followed
        by a new start rather than by its own continuation."""
        line_start, line_end = lines[i]
        line = self._text[line_start:line_end]
        caps = _is_caps(line)
        if not caps and not _is_title(line):
            return False
        if line[-1] in ",;" or (not caps and line[-1] in _TERMINAL):
            return False
        if i + 1 < len(lines):
            if markers[i + 1] is not None:
                return True
            next_start, next_end = lines[i + 1]
            first = self._text[next_start]
            if not (first.isupper() or first.isdigit() or first in _OPENERS):
                return False
            if caps and _is_caps(self._text[next_start : min(next_end, next_start + 80)]):
                return False
        return True

    def _opens_sentence(self, offset: int) -> bool:
        char = self._text[offset]
        if char.isupper() or char.isdigit() or char in _OPENERS:
            return True
        return _INLINE_LABEL.match(self._text, offset) is not None

    def _ends_sentence(self, m: re.Match[str], low: int) -> bool:
        """Whether the punctuation matched at ``m`` ends a sentence (see the module rules)."""
        mark = m.group().rstrip(_CLOSERS)
        if "?" in mark or "!" in mark:
            return True
        if len(mark) > 1:
            return False  # an ellipsis or dot leaders
        before = self._text[max(low, m.start() - 40) : m.start()]
        if before.rfind("[") > before.rfind("]"):
            return False
        if not before or before[-1].isspace():
            return True
        words = before.rsplit(None, 2)
        token = words[-1].lstrip(_OPENERS)
        if token.lower() in _ABBREVIATIONS or _INITIALS.fullmatch(token):
            return False
        if len(token) == 1 and token.isupper():
            label = words[-2].lower() if len(words) >= 2 else ""
            return label in _LABEL_WORDS
        if _LABEL_TOKEN.fullmatch(token):
            # "... this Agreement. b. The Buyer": the "b." opens the next sentence.
            if len(words) < 2:
                return False
            previous = words[-2].rstrip(_CLOSERS)[-1:]
            return not previous or previous not in _TERMINAL
        return True

    def _emit(self, start: int, end: int, out: list[tuple[int, int]], joined: bool) -> None:
        """Append the trimmed span, cut into pieces of at most CAP characters."""
        if joined:
            start, end = self._trim(start, end)
        else:
            start = _skip(self._text, start, end)
            end = self._rstrip(end, start)
        while end - start > CAP:
            cut = self._cap_cut(start + CAP // 3, start + CAP)
            piece = self._trim(start, cut)
            if piece[0] < piece[1]:
                out.append(piece)
            start, end = self._trim(cut, end)
        if start < end:
            out.append((start, end))

    def _cap_cut(self, low: int, high: int) -> int:
        text = self._text
        cut = -1
        for mark in (";", ":"):
            cut = text.rfind(mark, low, high)
            if cut >= 0:
                cut += 1
                break
        if cut < 0:
            for conj in (", and", ", or"):
                k = high
                while (k := text.rfind(conj, low, k)) >= 0:
                    after = k + len(conj)
                    if after >= len(text) or not text[after].isalnum():
                        cut = max(cut, k + 1)
                        break
        if cut < 0:
            cut = text.rfind("\n", low, high)
        if cut < 0:
            cut = text.rfind(",", low, high)
            cut = cut + 1 if cut >= 0 else -1
        if cut < 0:
            cut = max(text.rfind(" ", low, high), text.rfind("\t", low, high))
        if cut <= low:
            cut = high
        gap = self._joined_gap_at(cut)
        return gap[0] if gap else cut

    def _trim(self, start: int, end: int) -> tuple[int, int]:
        """Shrink a span past whitespace and joined page-break furniture at both ends."""
        text = self._text
        while True:
            start = _skip(text, start, max(start, end))
            gap = self._joined_gap_at(start)
            if gap is None or gap[1] <= start:
                break
            start = gap[1]
        while True:
            end = self._rstrip(end, start)
            gap = self._joined_gap_at(end - 1) if end > start else None
            if gap is None:
                break
            end = gap[0]
        return start, max(start, end)

    def _rstrip(self, end: int, low: int) -> int:
        text = self._text
        while end > low and text[end - 1].isspace():
            end -= 1
        return end

    def _joined_gap_at(self, offset: int) -> tuple[int, int] | None:
        """The joined page break strictly containing ``offset`` (its start excluded)."""
        k = bisect.bisect_right(self._joined_starts, offset) - 1
        if k >= 0 and self._joined[k][0] < offset < self._joined[k][1]:
            return self._joined[k]
        return None

    def _in_furniture(self, offset: int) -> bool:
        k = bisect.bisect_right(self._furniture_starts, offset) - 1
        return k >= 0 and offset < self._furniture[k][1]

    # ----------------------------------------------------------------------------- sections

    def _find_sections(self) -> list[Section]:
        text = self._text
        sections: list[Section] = []
        stack: list[tuple[str, str]] = []
        first = _MARKER_SCAN_FIRST.match(text)
        line_starts = [first.end()] if first else []
        line_starts.extend(m.end() for m in _MARKER_SCAN.finditer(text))
        line_starts.extend(m.end() for m in _MARKER_SCAN_FORM_FEED.finditer(text))
        line_starts.sort()
        for line_start in line_starts:
            region = bisect.bisect_right(self._region_starts, line_start) - 1
            if region < 0 or line_start >= self._region_ends[region]:
                continue
            marker = self._marker_info(line_start)
            if marker is None:
                continue
            for kind, label in marker.levels:
                stack = _nest(stack, kind, label)
            heading = marker.heading
            if heading is None and marker.bare and marker.end == self._line_end(line_start):
                heading = self._next_line_heading(line_start)
            sections.append(Section(_number(stack), line_start, heading))
        return sections

    def _line_end(self, line_start: int) -> int:
        """End of the stripped line (looked at up to 400 characters)."""
        text = self._text
        limit = min(len(text), line_start + 400)
        end = limit
        for char in "\n\f":
            k = text.find(char, line_start, end)
            if k >= 0:
                end = k
        return self._rstrip(end, line_start)

    def _marker_info(self, line_start: int) -> _Marker | None:
        """The section number that starts the line at ``line_start``, if any."""
        text = self._text
        if not _MARKER_HINT.match(text, line_start) or not self._at_line_start(line_start):
            return None
        line_end = self._line_end(line_start)
        m = _MARKER.match(text, line_start, line_end)
        if m is None:
            return None
        rest_start = m.end()
        while rest_start < line_end and text[rest_start] in _LEAD_SEPARATORS:
            rest_start += 1
        rest = text[rest_start:line_end]
        first = rest[:1]
        label = m.group("par") or m.group("let") or ""
        if len(label) == 2 and label[0] != label[1] and not set(label.lower()) <= set(_ROMAN):
            return None  # "to." or "(ab)": a word, not a list label
        numbered = m.group("art") or m.group("ex") or m.group("sec") or m.group("num")
        if numbered and first and not (first.isupper() or first in _OPENERS):
            return None
        if m.group("ekw") and m.group("ekw").lower() == "exhibit" and "." in m.group("ex"):
            return None  # "Exhibit 10.5": the filing's exhibit number, not a part of the deal
        if m.group("num") and "." not in m.group(0) and "(" not in m.group(0):
            # A bare integer ("3 Grant") needs wide spacing or a capitals title.
            gap = text[m.end() : m.end() + 2]
            if not (gap == "  " or gap.startswith("\t") or (rest and _is_caps(rest))):
                return None
        if not self._context_allows(line_start, label != "", rest):
            return None
        heading, rest_used = _heading_of(rest)
        bare = not rest or (rest_used and line_end - line_start <= 100)
        return _Marker(_levels(m), m.end(), heading, bare)

    def _at_line_start(self, offset: int) -> bool:
        text = self._text
        k = offset
        while k > 0 and text[k - 1] in " \t\v\r":
            k -= 1
        return k == 0 or text[k - 1] in "\n\f"

    def _context_allows(self, line_start: int, list_label: bool, rest: str) -> bool:
        """Whether the line before allows a section number here (not mid-sentence wrap).

        A list label such as ``(a)`` may follow an unfinished line ("shall not sell\\n(a) in
        the Territory"), but not a reference ("Section 2.1\\n(a) above").
        """
        text = self._text
        k = line_start
        while k > 0 and text[k - 1] in " \t\v\r":
            k -= 1
        if k == 0 or text[k - 1] == "\f":
            return True
        previous_end = k - 1
        low = max(0, previous_end - 300)
        previous_start = text.rfind("\n", low, previous_end) + 1 or low
        previous = text[previous_start:previous_end].strip()
        if not previous or self._in_furniture(self._rstrip(previous_end, previous_start) - 1):
            return True
        if previous[-1] in _TERMINAL + "," + _CLOSERS:
            return True
        word = previous.rsplit(None, 1)[-1]
        if word.lower() in _CONNECTIVES:
            return True
        if list_label:
            follower = rest.split(None, 1)[0].lower() if rest else ""
            return not (
                word.lower() in _REFERENCE_WORDS
                or any(char.isdigit() for char in word)
                or follower in _REFERENCE_FOLLOWERS
            )
        return not word.islower()

    def _next_line_heading(self, line_start: int) -> str | None:
        """The title on the line after a number that stands alone ("ARTICLE 4\\nTERM")."""
        text = self._text
        position = text.find("\n", line_start, line_start + 400)
        for _ in range(6):
            if position < 0:
                return None
            start = _skip(text, position)
            if start >= len(text) or start - position > 400:
                return None
            if self._in_furniture(start):
                position = text.find("\n", start, start + 400)
                continue
            end = self._line_end(start)
            line = text[start:end]
            if len(line) > 80 or self._marker_info(start) is not None:
                return None
            if (_is_caps(line) or _is_title(line)) and line[-1] not in ",;:":
                return line.rstrip(".")
            return None
        return None


# --------------------------------------------------------------------------------- helpers


def _skip(text: str, position: int, end: int | None = None) -> int:
    """The first offset at or after ``position`` (before ``end``) that is not whitespace."""
    m = _SPACE.match(text, position, len(text) if end is None else end)
    return m.end() if m else position


def _splits_a_name(last_line: str, next_line: str) -> bool:
    """Whether a page break falls inside a capitalised name of a running sentence.

    "... fails to play a minimum of seventeen (17) U.S. PGA" / page break / "Tour Events and
    the British Open ...": the line before is prose (twelve words or more, five of them in lower
    case) ending in a capitalised word (not in an inline running header such as "Page 13 of
    38" or "Acme Confidential"), and the line after goes on with a capitalised word that does
    not usually open a sentence, then lower-case words. Runs of spaces count for nothing, so
    that a text with its spaces collapsed is cut the same way.
    """
    words = last_line.split()
    if len(words) < 12 or sum(1 for w in words if w.isalpha() and w.islower()) < 5:
        return False
    if not _NAME_END.search(last_line):
        return False
    if _INLINE_FURNITURE.search(last_line, max(0, len(last_line) - 60)):
        return False
    after = next_line.split(None, 4)
    if len(after) < 4:
        return False
    first = after[0].rstrip(",;")
    return (
        first.isalpha()
        and first[0].isupper()
        and not first.isupper()
        and first not in _SENTENCE_OPENERS
        and any(w.isalpha() and w.islower() for w in after[1:4])
    )


def _is_caps(line: str) -> bool:
    return line.isupper() and _TWO_LETTERS.search(line) is not None


def _is_title(line: str) -> bool:
    """Title Case: every word capitalised except small words, at most ten words.

    Brackets around a word and a lone slash count for nothing: "Quantity (Tonnes / Year)".
    """
    words = [w for w in (w.strip("()[]") for w in line.rstrip(".").split()) if w and w != "/"]
    if not words or len(words) > 10 or not words[0][:1].isupper():
        return False
    return all(w.lower() in _SMALL_WORDS or _TITLE_WORD.fullmatch(w) for w in words)


def _heading_of(rest: str) -> tuple[str | None, bool]:
    """The title at the start of the text after a section number, and whether it is all.

    >>> _heading_of("LICENSE. Subject to it"), _heading_of("Term of Agreement")
    (('LICENSE', False), ('Term of Agreement', True))
    """
    if not rest:
        return None, True
    caps = _CAPS_HEADING.match(rest)
    if caps:
        run = caps.group()
        # The longest capitals run that ends the line, a full stop + space, or two spaces.
        for end in range(len(run), 0, -1):
            follows = rest[end : end + 2]
            if end == len(rest) or follows[:1] == "." and follows[1:2] in ("", " ", "\t"):
                candidate = run[:end].rstrip(" .")
                if _is_caps(candidate):
                    return candidate, not rest[end + 1 :].strip()
            elif follows == "  " and _is_caps(run[:end]) and not run[end - 1].isdigit():
                return run[:end].rstrip(" ."), False
    words: list[str] = []
    for k, word in enumerate(_WORD.finditer(rest)):
        stripped = word.group().rstrip(".")
        if k >= 10 or not (stripped.lower() in _SMALL_WORDS or _TITLE_WORD.fullmatch(stripped)):
            return None, False
        words.append(stripped)
        if word.group().endswith(".") and not _INITIALS.fullmatch(stripped):
            return " ".join(words), not rest[word.end() :].strip()
    if words and words[0][:1].isupper():
        return " ".join(words), True
    return None, False


def _levels(m: re.Match[str]) -> tuple[tuple[str, str], ...]:
    """Nesting levels named by a section number match."""
    if m.group("art"):
        label = m.group("art")
        return (("top", label if label.isdigit() else str(_roman(label))),)
    if m.group("ex"):
        return (("top", f"{m.group('ekw').title()} {m.group('ex')}"),)
    number = m.group("sec") or m.group("num")
    if number:
        suffix = m.group("secsuf") or m.group("numsuf") or ""
        return (("num", number),) + tuple((_kind(x), x) for x in _SUFFIX.findall(suffix))
    label = m.group("par") or m.group("let")
    return ((_kind(label), label),)


def _kind(label: str) -> str:
    """Level kind of a list label; "i", "v", "x" (and capitals) are decided by _nest."""
    if label.isdigit():
        return "digit"
    if label in ("i", "v", "x", "I", "V", "X"):
        return "ambiguous"
    if len(label) > 1 and set(label.lower()) <= set(_ROMAN):
        return "roman" if label.islower() else "uroman"
    return "lower" if label.islower() else "upper"


def _nest(stack: list[tuple[str, str]], kind: str, label: str) -> list[tuple[str, str]]:
    """Put a level onto the nesting stack: a known kind cuts back to it, a new one goes deeper."""
    if kind in ("top", "num"):
        return [(kind, label)]
    if kind == "ambiguous":
        letters = "lower" if label.islower() else "upper"
        previous = next((lab for k, lab in reversed(stack) if k == letters), "")
        # "(i)" right after "(h)" is a letter; otherwise a roman numeral.
        if len(previous) == 1 and ord(previous) + 1 == ord(label):
            kind = letters
        else:
            kind = "roman" if letters == "lower" else "uroman"
    for k, (existing, _) in enumerate(stack):
        if existing == kind:
            return stack[:k] + [(kind, label)]
    return stack + [(kind, label)]


def _number(stack: list[tuple[str, str]]) -> str:
    if not stack:
        return ""
    head, *rest = stack
    if head[0] in ("top", "num"):
        return head[1] + "".join(f"({label})" for _, label in rest)
    return "".join(f"({label})" for _, label in stack)


def _roman(numeral: str) -> int:
    total = 0
    values = [_ROMAN[c] for c in numeral.lower()]
    for k, value in enumerate(values):
        total += -value if k + 1 < len(values) and values[k + 1] > value else value
    return total
