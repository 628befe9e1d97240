"""Token patterns: tokenising a sentence into classed tokens and matching rule patterns.

A sentence becomes a list of :class:`Token` (lower-cased word, source offsets, classes).
The tokens are encoded once as one string, `` word#CLASS#CLASS#`` per token, and each
pattern of ``grammar/pattern.lark`` compiles to a regular expression over that encoding:
matching every construction of every rule against a sentence is then a handful of
``re.search`` calls, with no per-pattern interpretation in Python.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import hashlib
import itertools
import json
import math
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import NamedTuple

import attrs
import lark

from .grammars import cache_dir, load_grammar

__all__ = [
    "Token",
    "Encoded",
    "Pattern",
    "PatternError",
    "tokenize",
    "encode",
    "encode_span",
    "compile_pattern",
    "CompiledPatterns",
    "BUILTIN_CLASSES",
]

#: Classes assigned by code rather than by the lexicon.
BUILTIN_CLASSES = frozenset(
    {
        "PARTY",
        "NUM",
        "RATIO",
        "MONEY",
        "PERCENT",
        "DATE",
        "PERIOD",
        "WINDOW",
        "REDACTED",
        "ROWS",
        "CAP",
        "PUNCT",
    }
)
#: A split written as two shares of a hundred: "70/30", "50/50", "62.5/37.5".
RATIO = re.compile(r"(\d{1,3}(?:\.\d{1,3})?)/(\d{1,3}(?:\.\d{1,3})?)")

_TOKEN_RE = re.compile(
    r"\[[\s*\-_.xX…•●]*\]"  # redaction marks: [***], [ * ], [__], […***…], [•]
    r"|[A-Za-z0-9]+(?:[-'’.&/][A-Za-z0-9]+)*"
    r"|[^\sA-Za-z0-9#]"
)
_CAP, _NUM, _REDACTED, _PUNCT = ("CAP",), ("NUM",), ("REDACTED",), ("PUNCT",)
_RATIO = ("NUM", "RATIO")


def ratio_share(word: str) -> Decimal | None:
    """The first share of a split of a hundred written with a slash ("70/30" gives 70);
    None for anything else ("24/7", "3/4")."""
    m = RATIO.fullmatch(word)
    if m is None or Decimal(m[1]) + Decimal(m[2]) != 100:
        return None
    return Decimal(m[1])


class Token(NamedTuple):
    """One token of a sentence: ``word`` lower-cased, ``start``/``end`` in the source.

    A named tuple rather than an attrs class: sentences are tokenised by the hundred
    thousand, and tuple construction is several times cheaper.
    """

    word: str
    start: int
    end: int
    classes: tuple[str, ...] = ()


class Encoded:
    """A sentence's encoding for pattern matching, with the map back to its tokens.

    ``tokens`` (with their source offsets) are built only when asked for: most candidate
    sentences match no pattern, and for those the encoded string is all that is needed.
    """

    __slots__ = ("string", "offsets", "present", "_tokens", "_make")

    def __init__(
        self,
        string: str,
        offsets: Sequence[int],
        present: frozenset[str] = frozenset(),
        *,
        tokens: Sequence[Token] | None = None,
        make: Callable[[], list[Token]] | None = None,
    ) -> None:
        self.string = string
        self.offsets = offsets  # where each token starts in ``string``
        self.present = present  # every word and class of the sentence
        self._tokens = tuple(tokens) if tokens is not None else None
        self._make = make

    @property
    def tokens(self) -> tuple[Token, ...]:
        if self._tokens is None:
            assert self._make is not None
            self._tokens = tuple(self._make())
        return self._tokens

    def token_range(self, start: int, end: int) -> tuple[int, int]:
        """Token indices ``[i, j)`` covered by the encoded range ``[start, end)``."""
        i = bisect.bisect_right(self.offsets, start) - 1
        j = bisect.bisect_left(self.offsets, end)
        return max(i, 0), j


def tokenize(
    text: str,
    start: int,
    end: int,
    classify: Callable[[str], tuple[str, ...]],
    merged: Iterable[tuple[int, int, tuple[str, ...]]] = (),
) -> list[Token]:
    """Tokens of ``text[start:end]``.

    ``merged`` lists ``(start, end, classes)`` ranges (party names, value phrases) that
    become one token each, so ``Microsoft Corporation`` or ``twenty percent (20%)`` is a
    single PARTY or PERCENT token.
    A range with no classes is left out: page furniture inside a sentence is no token.
    """
    return list(encode_span(text, start, end, classify, merged)[0].tokens)


_TokenInfo = tuple[str, tuple[str, ...], str]
_MERGED_SPACE = re.compile(r"\s+")


@functools.lru_cache(maxsize=16)
def _token_info(classify: Callable[[str], tuple[str, ...]]) -> Callable[[str], _TokenInfo]:
    """A memo of raw token -> (word, classes, encoding) for one classifier: most repeat."""
    memo: dict[str, _TokenInfo] = {}

    def info(raw: str) -> _TokenInfo:
        found = memo.get(raw)
        if found is not None:
            return found
        word = raw.lower().replace("’", "'").replace("#", "")
        first = raw[0]
        if first == "[":
            # A redaction mark may hold spaces ("[ * ]"); the encoding cannot.
            word = "".join(word.split())
        classes = classify(word) if word else ()
        if first.isupper():
            classes += _CAP
        elif first.isdigit():
            classes += _RATIO if "/" in word and ratio_share(word) is not None else _NUM
        elif first == "[":
            classes += _REDACTED
        elif not first.isalnum():
            classes += _PUNCT
        found = (word, classes, _piece(word, classes))
        if len(memo) < 200_000:
            memo[raw] = found
            pieces[raw] = found[2]
        return found

    pieces = _piece_memo(classify)
    return info


@functools.lru_cache(maxsize=16)
def _piece_memo(classify: Callable[[str], tuple[str, ...]]) -> dict[str, str]:
    """Raw token -> its encoding, filled by :func:`_token_info` (never holds the placeholder)."""
    return {}


def _piece(word: str, classes: tuple[str, ...]) -> str:
    return f" {word}#{'#'.join(classes)}#" if classes else f" {word}#"


def encode_span(
    text: str,
    start: int,
    end: int,
    classify: Callable[[str], tuple[str, ...]],
    merged: Iterable[tuple[int, int, tuple[str, ...]]] = (),
) -> tuple[Encoded, list[tuple[int, int]]]:
    """The encoding of ``text[start:end]``, and where each merged range went.

    Returns the encoding and, for each merged range used, ``(token index, range start)``.
    Written for speed: ``findall`` splits the text in C, each distinct token is classified
    once per process, and token objects are made only if a pattern matches.
    """
    info = _token_info(classify)
    findall = _TOKEN_RE.findall
    raws: list[str] = []
    # (start, end, None) for a run of ordinary tokens, (start, end, (word, classes)) for a
    # merged token.
    segments: list[tuple[int, int, tuple[str, tuple[str, ...]] | None]] = []
    merged_pieces: list[str] = []
    merged_at: list[tuple[int, int]] = []
    extra: dict[str, tuple[str, ...]] = {}
    cursor = start
    for m_start, m_end, m_classes in sorted(merged):
        if m_start < cursor or m_end > end:
            continue
        if m_start > cursor:
            raws.extend(findall(text, cursor, m_start))
            segments.append((cursor, m_start, None))
        if not m_classes:  # a range to leave out, such as a page footer inside a sentence
            cursor = m_end
            continue
        word = _MERGED_SPACE.sub("_", text[m_start:m_end].lower().replace("#", ""))
        merged_at.append((len(raws), m_start))
        raws.append("")  # a placeholder (no token is empty): merged tokens are encoded below
        segments.append((m_start, m_end, (word, m_classes)))
        merged_pieces.append(_piece(word, m_classes))
        extra[word] = m_classes
        cursor = m_end
    if cursor < end:
        raws.extend(findall(text, cursor, end))
        segments.append((cursor, end, None))
    # Most tokens were seen before: a dict lookup in C, and the classifier only for new ones.
    known = _piece_memo(classify).get
    next_merged = iter(merged_pieces).__next__
    pieces = [known(raw) or (info(raw)[2] if raw else next_merged()) for raw in raws]
    offsets = [0, *itertools.accumulate(map(len, pieces))][:-1]
    present: set[str] = set()
    for raw in set(raws):
        if raw:
            word, classes, _ = info(raw)
            present.add(word)
            present.update(classes)
    for word, classes in extra.items():
        present.add(word)
        present.update(classes)

    def make() -> list[Token]:
        tokens: list[Token] = []
        for a, b, merged_token in segments:
            if merged_token is not None:
                word, classes = merged_token
                tokens.append(Token(word, a, b, classes))
                continue
            for m in _TOKEN_RE.finditer(text, a, b):
                word, classes, _ = info(m.group())
                tokens.append(Token(word, m.start(), m.end(), classes))
        return tokens

    encoded = Encoded("".join(pieces), offsets, frozenset(present), make=make)
    return encoded, merged_at


def encode(tokens: Iterable[Token]) -> Encoded:
    """Encode tokens as `` word#CLASS#…#`` runs for pattern matching."""
    toks = tuple(tokens)
    pieces = [_piece(tok.word, tok.classes) for tok in toks]
    offsets = [0, *itertools.accumulate(map(len, pieces))][:-1]
    present = {tok.word for tok in toks} | {c for tok in toks for c in tok.classes}
    return Encoded("".join(pieces), offsets, frozenset(present), tokens=toks)


class PatternError(ValueError):
    """A pattern does not parse or names an unknown class; ``column`` is 1-based."""

    def __init__(self, message: str, column: int | None = None) -> None:
        super().__init__(message)
        self.column = column


@attrs.frozen
class Pattern:
    """A compiled pattern: ``expression``, a regex over :class:`Encoded` strings; ``roles``
    it captures.

    The expression is handed to :mod:`re` on first use: compiling every rule's regex costs
    more than parsing a short agreement, and a short agreement needs few of them.
    """

    source: str
    expression: str
    roles: tuple[str, ...]
    #: Words and classes a sentence must contain for the pattern to have a chance: each
    #: set is satisfied by any one of its members. Checked before the regex runs.
    needs: tuple[frozenset[str], ...] = ()

    @property
    def regex(self) -> re.Pattern[str]:
        return _regex(self.expression)

    def possible(self, encoded: Encoded) -> bool:
        present = encoded.present
        return all(not need.isdisjoint(present) for need in self.needs)

    def ranges(self, encoded: Encoded) -> list[tuple[int, int]]:
        """Token ranges of every match, left to right, not overlapping."""
        if self.needs and not self.possible(encoded):
            return []
        return [
            encoded.token_range(m.start(), m.end()) for m in self.regex.finditer(encoded.string)
        ]

    def search(self, encoded: Encoded) -> dict[str, tuple[int, int]] | None:
        """Match anywhere; return token ranges by role, with ``""`` for the whole match."""
        if self.needs and not self.possible(encoded):
            return None
        m = self.regex.search(encoded.string)
        if m is None:
            return None
        found = {"": encoded.token_range(m.start(), m.end())}
        for group, value in m.groupdict().items():
            if value is None:
                continue
            role = group.split("__")[0]
            if role not in found:
                found[role] = encoded.token_range(m.start(group), m.end(group))
        return found


@functools.lru_cache(maxsize=1024)
def _parse(source: str) -> lark.Tree[lark.Token]:
    try:
        return _parser().parse(source)
    except lark.UnexpectedInput as exc:
        raise PatternError(
            f"cannot read pattern {source!r} at column {exc.column}", exc.column
        ) from None


@functools.cache
def _parser() -> lark.Lark:
    return load_grammar("pattern.lark", maybe_placeholders=False)


class _Compiler:
    def __init__(self, known: frozenset[str], macros: Mapping[str, str]) -> None:
        self.known = known
        self.macros = macros
        self.counter = 0
        self.roles: list[str] = []
        self.expanding: list[str] = []

    def compile(self, source: str) -> str:
        return self.node(_parse(source))

    def node(self, node: lark.Tree[lark.Token] | lark.Token) -> str:
        assert isinstance(node, lark.Tree)
        kind = node.data
        kids = node.children
        if kind == "alt":
            return "(?:" + "|".join(self.node(k) for k in kids) + ")"
        if kind == "seq":
            return "".join(self.node(k) for k in kids)
        if kind == "capture":
            name = str(kids[0])[:-1]
            self.counter += 1
            self.roles.append(name)
            return f"(?P<{name}__{self.counter}>{self.node(kids[1])})"
        if kind == "quantified":
            quant = str(kids[1])
            return f"(?:{self.node(kids[0])}){quant}"
        if kind == "cls":
            return self.cls(str(kids[0]), getattr(kids[0], "column", None))
        if kind == "not_cls":
            name = str(kids[0])
            self.check_class(name, getattr(kids[0], "column", None))
            return f"(?: (?![^ ]*#{name}#)[^ ]+)"
        if kind == "not_word":
            return f"(?: (?!{re.escape(str(kids[0]))}#)[^ ]+)"
        if kind == "word":
            return _word(str(kids[0]))
        if kind == "prefix":
            return f"(?: {re.escape(str(kids[0])[:-1])}[^ #]*#[^ ]*)"
        if kind == "phrase":
            words = [m.group().lower() for m in _TOKEN_RE.finditer(str(kids[0])[1:-1])]
            if not words:
                raise PatternError("empty phrase")
            return "".join(_word(w) for w in words)
        if kind == "any":
            return "(?: [^ ]+)"
        if kind == "begin":
            return "^"
        if kind == "gap":
            n = int(str(kids[0])[1:])
            return f"(?: (?!;#)[^ ]+){{0,{n}}}?"
        raise PatternError(f"unexpected construct {kind}")  # pragma: no cover

    def check_class(self, name: str, column: int | None) -> None:
        if name not in self.known and name not in self.macros:
            raise PatternError(f"unknown token class {name}", column)

    def cls(self, name: str, column: int | None) -> str:
        if name in self.macros:
            if name in self.expanding:
                raise PatternError(f"macro {name} refers to itself", column)
            self.expanding.append(name)
            try:
                return self.compile(self.macros[name])
            finally:
                self.expanding.pop()
        self.check_class(name, column)
        return f"(?: [^ ]*#{name}#[^ ]*)"


def _word(word: str) -> str:
    return f"(?: {re.escape(word)}#[^ ]*)"


def compile_pattern(
    source: str, known: frozenset[str], macros: Mapping[str, str] | None = None
) -> Pattern:
    """Compile one pattern; ``known`` are the token classes, ``macros`` named sub-patterns.

    >>> p = compile_pattern('"right of first" (refusal | offer)', frozenset())
    >>> p.roles
    ()
    """
    compiler = _Compiler(known, macros or {})
    regex = compiler.compile(source)
    needs = _needs(_parse(source), macros or {}, ())
    return Pattern(source, regex, tuple(dict.fromkeys(compiler.roles)), tuple(needs))


@functools.cache
def _regex(expression: str) -> re.Pattern[str]:
    """The compiled form of a pattern's expression, shared by equal patterns."""
    return re.compile(expression)


#: How many any-of sets an alternation may need at most (each is one set test per sentence).
_MAX_NEEDS = 24
#: How many combinations of the branches' needs are built at most before they are pruned.
_MAX_PRODUCT = 4096


def _needs(
    node: lark.Tree[lark.Token] | lark.Token, macros: Mapping[str, str], seen: tuple[str, ...]
) -> list[frozenset[str]]:
    """What any match of ``node`` needs in a sentence: a conjunction of any-of sets."""
    assert isinstance(node, lark.Tree)
    kind, kids = node.data, node.children
    if kind == "seq":
        return [need for k in kids for need in _needs(k, macros, seen)]
    if kind == "alt":
        branches = [_needs(k, macros, seen) for k in kids]
        if not all(branches):
            return []
        # Any match meets every need of some branch, so it meets each set that takes one need
        # from every branch: (a b) | (c d) needs {a, c}, {a, d}, {b, c} and {b, d}. Branches
        # with many needs contribute their first few, so that the sets stay few.
        for first in (max(map(len, branches)), 3, 2, 1):
            if first > 1 and math.prod(min(len(b), first) for b in branches) > _MAX_PRODUCT:
                continue  # too many combinations to build: try fewer needs per branch
            sets: set[frozenset[str]] = {frozenset()}
            for needs in branches:
                sets = {have | need for have in sets for need in needs[:first]}
            if len(sets) <= _MAX_NEEDS or first == 1:
                break
        # A set that holds another is met whenever that one is: keep the smallest.
        kept = [need for need in sets if not any(other < need for other in sets)]
        return sorted(kept, key=lambda need: (len(need), sorted(need)))
    if kind == "capture":
        return _needs(kids[1], macros, seen)
    if kind == "quantified":
        quant = str(kids[1])
        optional = quant in ("?", "*") or quant.startswith("{0")
        return [] if optional else _needs(kids[0], macros, seen)
    if kind == "cls":
        name = str(kids[0])
        if name in macros:
            if name in seen:
                return []
            return _needs(_parse(macros[name]), macros, (*seen, name))
        return [frozenset({name})]
    if kind == "word":
        return [frozenset({str(kids[0])})]
    if kind == "phrase":
        return [frozenset({m.group().lower()}) for m in _TOKEN_RE.finditer(str(kids[0])[1:-1])]
    return []


class CompiledPatterns:
    """:func:`compile_pattern` with the results of earlier runs kept on disk.

    Reading the rules' patterns with the Lark grammar costs a few hundred milliseconds per
    process, more than parsing a short agreement. What a pattern compiles to depends only
    on its source, the token classes and macros (``known``, ``macros``), this module and
    ``grammar/pattern.lark``; a file of the cache folder (see :func:`grammars.cache_dir`)
    named after a hash of all but the sources maps each source to its compiled form. A
    file that cannot be read, or that holds anything else, is ignored; one is written
    whole or not at all.
    """

    def __init__(self, known: frozenset[str], macros: Mapping[str, str]) -> None:
        self.known = known
        self.macros = macros
        folder = cache_dir()
        self.path = None if folder is None else folder / f"patterns-{_context(known, macros)}.json"
        self.entries = self._read()
        self.added = False

    def compile(self, source: str) -> Pattern:
        entry = self.entries.get(source)
        if entry is not None:
            expression, roles, needs = entry
            return Pattern(source, expression, tuple(roles), tuple(frozenset(n) for n in needs))
        pattern = compile_pattern(source, self.known, self.macros)
        self.entries[source] = (
            pattern.expression,
            list(pattern.roles),
            [sorted(need) for need in pattern.needs],
        )
        self.added = True
        return pattern

    def save(self) -> None:
        """Write the compiled patterns, when any were new, to the cache folder."""
        if self.path is None or not self.added:
            return
        try:
            fd, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".patterns-")
        except OSError:
            return
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(self.entries, fh)
            os.replace(temporary, self.path)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temporary)

    def _read(self) -> dict[str, tuple[str, list[str], list[list[str]]]]:
        if self.path is None:
            return {}
        try:
            data = json.loads(self.path.read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict):
            return {}
        entries = {}
        for source, entry in data.items():
            if not (isinstance(entry, list) and len(entry) == 3):
                return {}
            expression, roles, needs = entry
            if not (
                isinstance(expression, str)
                and _strings(roles)
                and isinstance(needs, list)
                and all(_strings(need) for need in needs)
            ):
                return {}
            entries[source] = (expression, roles, needs)
        return entries


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _context(known: frozenset[str], macros: Mapping[str, str]) -> str:
    """A hash of what a pattern compiles with, besides its source."""
    digest = hashlib.sha256()
    digest.update(Path(__file__).read_bytes())
    digest.update(resources.files("dealdiff.grammar").joinpath("pattern.lark").read_bytes())
    digest.update(json.dumps([sorted(known), sorted(macros.items())]).encode("utf-8"))
    return digest.hexdigest()[:20]
