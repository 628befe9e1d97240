"""Loading the classification rules: ``rules/*.toml`` in the package, plus user folders.

A classification file holds any of:

- ``[classes]``: token classes, ``NAME = ["word", "prefix*", ...]``;
- ``[macros]``: named sub-patterns, ``NAME = "pattern"``;
- ``type = "<term type>"`` with ``cues`` (regular expressions that make a sentence a
  candidate), ``[[veto]]`` (patterns that cancel a construction they overlap),
  ``[[construction]]`` (patterns that make a term) and ``[fields]`` (patterns that fill
  fields once a construction matched).

Files without any of these keys belong to other parts of dealdiff (diff severities,
check policies) and are skipped here. Rules are merged in load order: a construction
or veto with an id already loaded replaces it; classes and cues are extended.
"""

from __future__ import annotations

import functools
import os
import re
import tomllib
from collections.abc import Iterable, Iterator, Sequence
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any

import attrs

from .config import read_config_text
from .cuescan import CueScanner
from .errors import RulesError, caret_context, source_lines
from .model import TERM_CLASSES, TermType
from .patterns import BUILTIN_CLASSES, CompiledPatterns, Encoded, Pattern, PatternError

__all__ = [
    "Construction",
    "Veto",
    "TypeRules",
    "RuleSet",
    "load_rules",
    "default_rules",
    "user_rule_files",
]

_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_CLASSIFICATION_KEYS = {
    "classes",
    "macros",
    "skip",
    "type",
    "cues",
    "construction",
    "veto",
    "fields",
}
_RULE_KEYS = {"id", "description", "pattern", "status", "type", "set", "also", "unless", "into"}


@attrs.frozen
class Veto:
    """A pattern that cancels what it overlaps, unless ``unless`` matches the sentence."""

    id: str
    description: str
    pattern: Pattern
    origin: str
    unless: Pattern | None = None

    def applies(self, encoded: Encoded) -> bool:
        return self.unless is None or self.unless.search(encoded) is None


@attrs.frozen
class Construction:
    """A pattern that makes a term of ``type`` with ``status`` and the ``fixed`` fields."""

    id: str
    description: str
    type: TermType
    status: str
    pattern: Pattern
    fixed: dict[str, str]
    also: Pattern | None
    unless: Pattern | None
    origin: str
    #: A field of the term this construction qualifies: what it matched is no term of its
    #: own. Into a list field (``exceptions``) its ``subject`` is added; into a date field
    #: (``end``) its own date is set (see :func:`dealdiff.classify.fold`).
    into: str | None = None


@attrs.frozen(eq=False)
class TypeRules:
    type: TermType
    cues: tuple[str, ...]
    cue_regex: re.Pattern[str]
    vetoes: tuple[Veto, ...]
    constructions: tuple[Construction, ...]
    fields: dict[str, Pattern]


@attrs.frozen(eq=False)
class RuleSet:
    """Everything the classifier needs, compiled."""

    words: dict[str, tuple[str, ...]]
    prefixes: tuple[tuple[str, str], ...]
    macros: dict[str, str]
    types: dict[TermType, TypeRules]
    #: Finds every cue of every type in a lower-cased text, tagged with its type.
    scanner: CueScanner[TypeRules]
    sources: tuple[str, ...]
    skips: tuple[Veto, ...] = ()

    def word_classes(self, word: str) -> tuple[str, ...]:
        return _word_classes(self, word)

    def folds(self) -> dict[str, str]:
        """The constructions that qualify another term (``into``): rule id to the field."""
        return {c.id: c.into for c in self.constructions if c.into}

    @property
    def constructions(self) -> list[Construction]:
        return [c for t in self.types.values() for c in t.constructions]

    @property
    def vetoes(self) -> list[Veto]:
        return [v for t in self.types.values() for v in t.vetoes]


@functools.lru_cache(maxsize=65536)
def _word_classes(rules: RuleSet, word: str) -> tuple[str, ...]:
    found = list(rules.words.get(word, ()))
    for prefix, cls in rules.prefixes:
        if word.startswith(prefix) and cls not in found:
            found.append(cls)
    return tuple(found)


def _line_of(raw: str, needle: str) -> int | None:
    at = raw.find(needle)
    return raw.count("\n", 0, at) + 1 if at >= 0 else None


class _Loader:
    def __init__(self) -> None:
        self.words: dict[str, list[str]] = {}
        self.prefixes: list[tuple[str, str]] = []
        self.macros: dict[str, str] = {}
        self.cues: dict[TermType, list[str]] = {}
        self.vetoes: dict[TermType, dict[str, tuple[str, str, str, str, str | None]]] = {}
        self.constructions: dict[TermType, dict[str, tuple[dict[str, Any], str, str]]] = {}
        self.fields: dict[TermType, dict[str, tuple[str, str, str]]] = {}
        self.sources: list[str] = []
        self.skips: dict[str, tuple[str, str, str, str, str | None]] = {}
        self.compiled: CompiledPatterns | None = None

    def error(
        self,
        origin: str,
        raw: str,
        message: str,
        needle: str | None = None,
        offset: int = 0,
    ) -> RulesError:
        """An error located at ``needle`` (plus ``offset`` characters) in the file."""
        line = _line_of(raw, needle) if needle else None
        column = None
        context = ""
        if line is not None and needle:
            column = source_lines(raw)[line - 1].find(needle) + 1 + offset
            context = caret_context(raw, line, column)
        return RulesError(message, file=origin, line=line, column=column, context=context)

    def add_file(self, origin: str, raw: str) -> None:
        try:
            data = tomllib.loads(raw)
        except tomllib.TOMLDecodeError as exc:
            m = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
            line, col = (int(m.group(1)), int(m.group(2))) if m else (None, None)
            if m is None and "end of document" in str(exc):
                line = raw.count("\n") + (0 if raw.endswith("\n") else 1)
                col = len(raw.rsplit("\n", 1)[-1]) + 1
            context = caret_context(raw, line, col) if line and col else ""
            raise RulesError(
                f"invalid TOML: {str(exc).split(' (at')[0]}",
                file=origin,
                line=line,
                column=col,
                context=context,
            ) from None
        if not _CLASSIFICATION_KEYS & data.keys():
            return
        unknown = set(data) - _CLASSIFICATION_KEYS
        if unknown:
            key = sorted(unknown)[0]
            raise self.error(origin, raw, f"unknown key {key!r}", key)
        self.sources.append(origin)
        for name, entries in (data.get("classes") or {}).items():
            if not re.fullmatch(r"[A-Z][A-Z0-9_]*", name) or not isinstance(entries, list):
                raise self.error(
                    origin, raw, f"class {name!r}: an UPPER_CASE name and a list of words", name
                )
            for entry in entries:
                if not isinstance(entry, str) or not entry.strip():
                    raise self.error(origin, raw, f"class {name}: words must be strings", name)
                word = entry.strip().lower()
                if word.endswith("*"):
                    self.prefixes.append((word[:-1], name))
                else:
                    self.words.setdefault(word, [])
                    if name not in self.words[word]:
                        self.words[word].append(name)
        for name, pattern in (data.get("macros") or {}).items():
            if not re.fullmatch(r"[A-Z][A-Z0-9_]*", name) or not isinstance(pattern, str):
                raise self.error(origin, raw, f"macro {name!r}: an UPPER_CASE name = pattern", name)
            self.macros[name] = pattern
        for entry in data.get("skip", []):
            rid = self.check_rule(origin, raw, entry, need_status=False)
            self.skips[rid] = (
                entry["pattern"],
                entry.get("description", ""),
                origin,
                raw,
                entry.get("unless"),
            )
        if "type" not in data:
            for key in ("cues", "construction", "veto", "fields"):
                if key in data:
                    raise self.error(origin, raw, f"{key!r} needs a 'type' in the same file", key)
            return
        try:
            ttype = TermType(data["type"])
        except ValueError:
            known = ", ".join(sorted(TERM_CLASSES))
            raise self.error(
                origin, raw, f"unknown term type {data['type']!r} (known: {known})", "type"
            ) from None
        cues = data.get("cues", [])
        if not isinstance(cues, list) or not all(isinstance(c, str) for c in cues):
            raise self.error(origin, raw, "cues must be a list of regular expressions", "cues")
        for cue in cues:
            try:
                re.compile(cue)
            except re.error as exc:
                raise self.error(origin, raw, f"cue {cue!r}: {exc}", cue) from None
        self.cues.setdefault(ttype, []).extend(cues)
        for entry in data.get("veto", []):
            rid = self.check_rule(origin, raw, entry, need_status=False)
            self.vetoes.setdefault(ttype, {})[rid] = (
                entry["pattern"],
                entry.get("description", ""),
                origin,
                raw,
                entry.get("unless"),
            )
        for entry in data.get("construction", []):
            rid = self.check_rule(origin, raw, entry, need_status=True)
            self.constructions.setdefault(ttype, {})[rid] = (entry, origin, raw)
        for name, pattern in (data.get("fields") or {}).items():
            if not isinstance(pattern, str):
                raise self.error(origin, raw, f"fields.{name}: a pattern string", name)
            self.fields.setdefault(ttype, {})[name] = (pattern, origin, raw)

    def check_rule(self, origin: str, raw: str, entry: Any, *, need_status: bool) -> str:
        if not isinstance(entry, dict):
            raise self.error(origin, raw, "a rule must be a table")
        rid = entry.get("id")
        if not isinstance(rid, str) or not _ID_RE.match(rid):
            raise self.error(
                origin, raw, f"rule id {rid!r}: a stable kebab-case id is required", str(rid)
            )
        unknown = set(entry) - _RULE_KEYS
        if unknown:
            raise self.error(origin, raw, f"{rid}: unknown key {sorted(unknown)[0]!r}", rid)
        if not isinstance(entry.get("pattern"), str):
            raise self.error(origin, raw, f"{rid}: a 'pattern' string is required", rid)
        if need_status and not isinstance(entry.get("status"), str):
            raise self.error(origin, raw, f"{rid}: a 'status' is required", rid)
        return rid

    def veto(
        self, rid: str, entry: tuple[str, str, str, str, str | None], known: frozenset[str]
    ) -> Veto:
        """A loaded ``[[veto]]`` or ``[[skip]]``, its pattern and ``unless`` compiled."""
        pattern, description, origin, raw, unless = entry
        return Veto(
            rid,
            description,
            self.compile(origin, raw, rid, pattern, known),
            origin,
            None if unless is None else self.compile(origin, raw, rid, unless, known),
        )

    def compile(
        self, origin: str, raw: str, rid: str, source: str, known: frozenset[str]
    ) -> Pattern:
        assert self.compiled is not None and self.compiled.known == known  # made by build()
        try:
            return self.compiled.compile(source)
        except PatternError as exc:
            offset = exc.column - 1 if exc.column is not None else 0
            raise self.error(origin, raw, f"{rid}: {exc}", source, offset) from None

    def build(self) -> RuleSet:
        known = frozenset(BUILTIN_CLASSES | {c for cs in self.words.values() for c in cs}) | {
            c for _, c in self.prefixes
        }
        self.compiled = CompiledPatterns(known, self.macros)
        types: dict[TermType, TypeRules] = {}
        all_cues: list[tuple[str, TermType]] = []
        for ttype in TermType:
            cues = self.cues.get(ttype, [])
            cons = self.constructions.get(ttype, {})
            if not cues and not cons:
                continue
            vetoes = tuple(
                self.veto(rid, entry, known) for rid, entry in self.vetoes.get(ttype, {}).items()
            )
            constructions = []
            for rid, (entry, origin, raw) in cons.items():
                ctype = TermType(entry.get("type", ttype))
                status = entry["status"]
                cls = TERM_CLASSES[ctype]
                try:
                    cls(status=status)
                except ValueError:
                    raise self.error(
                        origin, raw, f"{rid}: status {status!r} is not valid", rid
                    ) from None
                fixed = entry.get("set", {})
                names = {f.name for f in attrs.fields(cls)}
                for key in fixed:
                    if key not in names:
                        raise self.error(origin, raw, f"{rid}: {ctype} has no field {key!r}", rid)
                into = entry.get("into")
                if into is not None and (
                    into not in names
                    or not any(
                        kind in str(attrs.fields_dict(cls)[into].type) for kind in ("tuple", "date")
                    )
                ):
                    raise self.error(
                        origin,
                        raw,
                        f"{rid}: into {into!r} is neither a list field nor a date field of {ctype}",
                        rid,
                    )
                constructions.append(
                    Construction(
                        id=rid,
                        description=entry.get("description", ""),
                        type=ctype,
                        status=status,
                        pattern=self.compile(origin, raw, rid, entry["pattern"], known),
                        fixed=dict(fixed),
                        also=self.compile(origin, raw, rid, entry["also"], known)
                        if "also" in entry
                        else None,
                        unless=self.compile(origin, raw, rid, entry["unless"], known)
                        if "unless" in entry
                        else None,
                        origin=origin,
                        into=into,
                    )
                )
            fields = {
                name: self.compile(origin, raw, f"fields.{name}", pat, known)
                for name, (pat, origin, raw) in self.fields.get(ttype, {}).items()
            }
            all_cues.extend((c, ttype) for c in cues)
            types[ttype] = TypeRules(
                type=ttype,
                cues=tuple(cues),
                cue_regex=re.compile("|".join(f"(?:{c})" for c in cues) or "(?!)", re.I),
                vetoes=vetoes,
                constructions=tuple(constructions),
                fields=fields,
            )
        skips = tuple(self.veto(rid, entry, known) for rid, entry in self.skips.items())
        self.compiled.save()
        return RuleSet(
            words={w: tuple(cs) for w, cs in self.words.items()},
            prefixes=tuple(self.prefixes),
            macros=dict(self.macros),
            types=types,
            scanner=CueScanner([(c, types[t]) for c, t in all_cues]),
            sources=tuple(self.sources),
            skips=skips,
        )


def package_text(name: str) -> str:
    """The text of ``rules/NAME`` as the package ships it (rules, word lists, checks)."""
    return resources.files("dealdiff.rules").joinpath(name).read_text("utf-8")


def _package_files() -> list[Traversable]:
    root = resources.files("dealdiff.rules")
    return sorted((f for f in root.iterdir() if f.name.endswith(".toml")), key=lambda f: f.name)


def load_rules(extra: Sequence[str | os.PathLike[str]] = (), *, builtin: bool = True) -> RuleSet:
    """Load the package's rules, then every ``*.toml`` of each folder (or file) in ``extra``."""
    loader = _Loader()
    if builtin:
        for f in _package_files():
            loader.add_file(f"rules/{f.name}", f.read_text("utf-8"))
    for origin, raw in user_rule_files(extra):
        loader.add_file(origin, raw)
    return loader.build()


def user_rule_files(extra: Iterable[str | os.PathLike[str]]) -> Iterator[tuple[str, str]]:
    """``(path, text)`` of each ``*.toml`` in the folders (or each file) of ``extra``."""
    for item in extra:
        path = Path(item)
        files: Iterable[Path]
        if path.is_dir():
            files = sorted(path.glob("*.toml"))
        elif path.is_file():
            files = [path]
        else:
            raise RulesError("no such rules file or folder", file=str(path))
        for f in files:
            yield str(f), read_config_text(f)


@functools.cache
def default_rules() -> RuleSet:
    """The package's rules, loaded once per process."""
    return load_rules()
