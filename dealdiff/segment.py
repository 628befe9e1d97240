"""Sentences, numbered sections and page furniture of agreement text, found lazily and fast.

The text is never copied or normalised: every span is an exact ``(start, end)`` into it, with
``text[start:end]`` free of surrounding whitespace.

How the text is cut, in order:

1. **Page furniture** (:meth:`Segmenter.furniture`): lines that are only a page number (``3``,
   ``-3-``, ``- 3 -``, ``Page 3``, ``Page 3 of 12``, ``3 of 12``, a lower-case roman numeral), rules
   of ``-``/``_``/``=``, form feeds, and lines of 3 to 100 characters repeated exactly at least
   three times (running headers and footers; lines ending in ``.:;,``, lines with ``*`` and lines
   that start like a section number are never taken for headers).
2. **Regions**: blank lines and furniture cut the text into regions; no sentence crosses a region
   boundary. One exception keeps a sentence whole across a page break: when the text before the
   break does not end in ``.?!:;``, is not in capitals, the next text starts with a lower-case
   word that is not a list marker, and the break holds furniture or at least two blank lines
   (a page break whose furniture was stripped), the two sides stay one region. Such a sentence
   span then contains the furniture; :meth:`Segmenter.masked` blanks it out. A region longer than
   ``MAX_REGION`` characters (no blank line for pages) is cut at the last line ending in
   ``.?!;:`` in its second half (else any newline, else a space), so every lookup stays bounded.
3. **Units**: inside a region, a line starting with a section number (``2.1``, ``2.``,
   ``(a)``, ``a.``, ``iv)``, ``Section 3.``, ``ARTICLE IV``, ``Exhibit A``) starts a new unit; a
   heading line (a number with only a title, or a short line in capitals or Title Case standing
   between finished sentences) is a unit of its own. Single newlines are otherwise plain spaces.
4. **Sentence ends** inside a unit: ``.``, ``?`` or ``!`` (with closing quotes or brackets), then
   whitespace, then an upper-case letter, digit, quote or bracket. Semicolons never end a
   sentence. A ``.`` does not end one after a legal abbreviation (``Inc.``, ``U.S.``, ``No.``,
   ``Sec.``, ``e.g.``, months, ...), after dotted initials (``J.R.``, ``p.m.``), after a single
   capital initial (``J. Smith``) unless a label word precedes it (``Exhibit A. The``), in
   ``...`` or dot leaders, inside ``[...]``, or inside the line's own section number
   (``2. The``). A number before the full stop does end a sentence (``Section 4.2. The``).
5. **Cap**: a sentence longer than ``CAP`` (1,500) characters is cut into pieces of at most
   ``CAP`` characters, from its start: each cut is the last ``;`` in the window between a third
   of the cap and the cap, else the last ``:``, else the last ``, and`` / ``, or``, else the last
   newline, else the last comma, else the last space, else exactly at the cap.

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
MAX_REGION = 5000

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
_BLANK_RUN = re.compile(r"\n(?:[^\S\n]*\n)+")
_PAGE_FURNITURE = (
    r"(?i:page)[^\S\n]*-?[^\S\n]*\d{1,4}[^\S\n]*-?(?:[^\S\n]*of[^\S\n]*\d{1,4})?"
    r"|-[^\S\n]*\d{1,4}[^\S\n]*-"
    r"|\d{1,4}(?:[^\S\n]+of[^\S\n]+\d{1,4})?"
    r"|[ivxl]{1,6}"
    r"|[-_=][-_= ]{3,}[-_=]"
)
_FURNITURE_LINE = r"(?:^|(?<=\f))[^\S\n\f]*(?P<f>{alts})[^\S\n\f]*(?=\f|$)"
_PAGE_LINE = re.compile(r"[^\S\n]*(?:" + _PAGE_FURNITURE + r")[^\S\n]*\Z")
_SENTENCE_END = re.compile(r"[.?!]+[\"'”’)\]]*(?=\s)")
_SAFE_BREAK = re.compile(r"[.?!;:][\"'”’)\]]*[^\S\n]*\n")
_INITIALS = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")
_LOWER_MARKER = re.compile(r"(?:\(?(?:[a-z]|([a-z])\1|[ivxlc]{2,6})[.)]|o[^\S\n]{2,}|o\t)(?=\s)")
_MARKER_HINT = re.compile(
    r"[(\d]|[A-Za-z]{1,6}[.)]|(?:ARTICLE|Article|SECTION|Section|SEC\.|Sec\.|EXHIBIT|Exhibit"
    r"|SCHEDULE|Schedule|ANNEX|Annex|APPENDIX|Appendix|ATTACHMENT|Attachment)\s"
)
_MARKER_SCAN = re.compile(r"(?m)(?:^|(?<=\f))[^\S\n\f]*(?=" + _MARKER_HINT.pattern + ")")
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

    def masked(self, start: int, end: int) -> str:
        """Return ``text[start:end]`` with furniture replaced by spaces (same length).

        >>> seg = Segmenter("Acme shall pay the\\n\\n12\\n\\nfee to Beta.")
        >>> seg.masked(*seg.sentence_at(0))
        'Acme shall pay the\\n\\n  \\n\\nfee to Beta.'
        """
        self._layout()
        chars = list(self._text[start:end])
        k = max(0, bisect.bisect_right(self._furniture_starts, start) - 1)
        for f_start, f_end in self._furniture[k:]:
            if f_start >= end:
                break
            for i in range(max(f_start, start), min(f_end, end)):
                if not chars[i - start].isspace():
                    chars[i - start] = " "
        return "".join(chars)

    # ----------------------------------------------------------------------------- layout

    def _layout(self) -> None:
        """Find furniture, page breaks and regions once, in a few whole-text regex passes."""
        if self._laid_out:
            return
        self._laid_out = True
        text = self._text
        self._furniture = self._find_furniture()
        self._furniture_starts = [s for s, _ in self._furniture]

        pieces = [(m.start(), m.end(), False) for m in _BLANK_RUN.finditer(text)]
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

    def _find_furniture(self) -> list[tuple[int, int]]:
        text = self._text
        alternatives = [_PAGE_FURNITURE]
        headers = self._running_headers()
        if headers:
            alternatives.append("|".join(re.escape(h) for h in headers))
        pattern = re.compile("(?m)" + _FURNITURE_LINE.format(alts="|".join(alternatives)) + r"|\f")
        spans: list[tuple[int, int]] = []
        for m in pattern.finditer(text):
            if m.group("f") is None:
                spans.append(m.span())
            else:
                spans.append(m.span("f"))
        return spans

    def _running_headers(self) -> list[str]:
        """Lines repeated at least three times that look like page headers or footers."""
        counts: collections.Counter[str] = collections.Counter()
        for line, count in collections.Counter(self._text.split("\n")).items():
            if count >= 3 and len(line) <= 200:
                stripped = line.strip()
                if 3 <= len(stripped) <= 100:
                    counts[stripped] += count
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
        # Longest first, so that a header never matches only a prefix of a longer one.
        headers.sort(key=lambda h: (-len(h), h))
        return headers[:200]

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
        # "... a license to resell the" / page break / "Airspan Products to ...".
        last_word = last_line.rsplit(None, 1)[-1]
        if not (last_word.isalpha() and last_word.islower()):
            return False
        if self._marker_info(gap_end) is not None:
            return False
        return not _is_caps(text[gap_end : self._line_end(gap_end)])

    def _add_region(self, start: int, end: int, starts: list[int], ends: list[int]) -> None:
        """Add a region, cut into pieces of at most MAX_REGION characters."""
        text = self._text
        while end - start > MAX_REGION:
            low, high = start + MAX_REGION // 2, start + MAX_REGION
            cut = -1
            for m in _SAFE_BREAK.finditer(text, low, high):
                cut = m.end()
            if cut < 0:
                cut = text.rfind("\n", low, high) + 1 or text.rfind(" ", low, high) + 1 or high
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
        lines = self._lines(start, end)
        # (unit start, unit end, first offset where a full stop may end a sentence, own unit)
        units: list[tuple[int, int, int, bool]] = []
        previous_own = False
        for i, (line_start, line_end) in enumerate(lines):
            marker = self._marker_info(line_start)
            if marker is not None:
                # "2.1 The Licensor" wrapped onto "hereby grants ..." is no title line.
                own = marker.bare and not (
                    i + 1 < len(lines) and self._text[lines[i + 1][0]].islower()
                )
            else:
                own = self._is_heading_line(lines, i, previous_own)
            if i == 0 or marker is not None or own or previous_own:
                units.append((line_start, line_end, marker.end if marker else line_start, own))
            else:
                unit_start, _, body, unit_own = units[-1]
                units[-1] = (unit_start, line_end, body, unit_own)
            previous_own = own

        out: list[tuple[int, int]] = []
        for unit_start, unit_end, body, own in units:
            if own:
                self._emit(unit_start, unit_end, out)
                continue
            sentence_start = unit_start
            for m in _SENTENCE_END.finditer(self._text, body, unit_end):
                after = _skip(self._text, m.end(), unit_end)
                if after >= unit_end or not self._opens_sentence(after):
                    continue
                if self._joined_gap_at(m.start()) or not self._ends_sentence(m, unit_start):
                    continue
                self._emit(sentence_start, m.end(), out)
                sentence_start = after
            self._emit(sentence_start, unit_end, out)
        return out

    def _lines(self, start: int, end: int) -> list[tuple[int, int]]:
        """Stripped content lines of a region, skipping the insides of joined page breaks."""
        text = self._text
        pieces: list[tuple[int, int]] = []
        k = bisect.bisect_left(self._joined_starts, start)
        position = start
        while k < len(self._joined) and self._joined[k][0] < end:
            pieces.append((position, self._joined[k][0]))
            position = self._joined[k][1]
            k += 1
        pieces.append((position, end))
        lines: list[tuple[int, int]] = []
        for piece_start, piece_end in pieces:
            position = piece_start
            while position < piece_end:
                newline = text.find("\n", position, piece_end)
                if newline < 0:
                    newline = piece_end
                line_start = _skip(text, position, newline)
                line_end = self._rstrip(newline, line_start)
                if line_start < line_end:
                    lines.append((line_start, line_end))
                position = newline + 1
        return lines

    def _is_heading_line(self, lines: list[tuple[int, int]], i: int, previous_own: bool) -> bool:
        """A short capitals or Title Case line standing between finished sentences."""
        line_start, line_end = lines[i]
        if line_end - line_start > 80 or len(lines) == 1:
            return False
        line = self._text[line_start:line_end]
        caps = _is_caps(line)
        if not caps and not _is_title(line):
            return False
        if line[-1] in ",;" or (not caps and line[-1] in _TERMINAL):
            return False
        if i > 0 and not previous_own:
            last = self._text[lines[i - 1][0] : lines[i - 1][1]].rstrip(_CLOSERS)[-1:]
            if not last or last not in _TERMINAL:
                return False
        if i + 1 < len(lines):
            next_start, next_end = lines[i + 1]
            if self._marker_info(next_start) is not None:
                return True
            first = self._text[next_start]
            if not (first.isupper() or first.isdigit() or first in _OPENERS):
                return False
            if caps and _is_caps(self._text[next_start : min(next_end, next_start + 80)]):
                return False
        return True

    def _opens_sentence(self, offset: int) -> bool:
        char = self._text[offset]
        return char.isupper() or char.isdigit() or char in _OPENERS

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
        return True

    def _emit(self, start: int, end: int, out: list[tuple[int, int]]) -> None:
        """Append the trimmed span, cut into pieces of at most CAP characters."""
        start, end = self._trim(start, end)
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
        for m in _MARKER_SCAN.finditer(text):
            line_start = m.end()
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

        A list label such as ``(a)`` may follow an unfinished line ("shall not sell\n(a) in
        the Territory"), but not a reference ("Section 2.1\n(a) above").
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


def _is_caps(line: str) -> bool:
    return line.isupper() and sum(1 for char in line if char.isalpha()) >= 2


def _is_title(line: str) -> bool:
    """Title Case: every word capitalised except small words, at most ten words."""
    words = line.rstrip(".").split()
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
                return run[:end].strip(), False
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
