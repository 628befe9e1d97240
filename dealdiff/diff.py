"""What changed in the deal: a term-level diff of two versions of an agreement.

Terms are paired by what they are about (type, parties, subject), never by position or
wording; paired terms are compared field by field (deepdiff over canonical values, so money
compares by amount and currency, rates by value, territories as sets); each difference
becomes a small typed :class:`Change`, rated by the rules of ``rules/severity.toml``.

>>> from dealdiff.model import Agreement, Exclusivity
>>> old = Agreement(source="v1", terms=[Exclusivity(status="exclusive", holder="Acme")])
>>> new = Agreement(source="v2", terms=[Exclusivity(status="non_exclusive", holder="Acme")])
>>> [(c.kind.value, c.field, c.old.value, c.new.value, c.severity.value)
...  for c in diff(old, new).changes]
[('changed', 'status', 'exclusive', 'non_exclusive', 'major')]
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import attrs

from .model import Agreement, PriorityStatus, Term, TermType
from .render import format_value
from .serialize import encode_value, term_to_dict
from .severity import (
    FIGURES,
    Facts,
    Severity,
    SeverityRules,
    change_percent,
    default_severities,
)
from .spans import Span
from .values import Money, Period, find_values

__all__ = [
    "ChangeKind",
    "Severity",
    "Change",
    "DiffResult",
    "diff",
    "normalise_text",
    "identity_key",
    "canonical_fields",
    "similarity",
    "pair_terms",
    "term_label",
    "format_field",
    "figures_pair",
    "change_texts",
    "change_to_dict",
    "result_to_dict",
]


class ChangeKind(enum.StrEnum):
    """What happened to a term between the two versions."""

    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


@attrs.frozen(kw_only=True)
class Change:
    """One difference: a term added or removed, or one field of a paired term changed.

    For ``changed``, ``old`` and ``new`` are the field's values; for ``added`` (``removed``),
    ``new`` (``old``) is the whole term and the other side is None.
    """

    kind: ChangeKind
    type: str
    field: str | None
    old: Any
    new: Any
    severity: Severity
    rule: str
    summary: str
    old_term: Term | None = None
    new_term: Term | None = None
    #: ``added`` / ``removed`` only: the other version still states a term with the same
    #: fields, so a clause that restated the term came or went (rated ``info`` by default).
    restated: bool = False

    @property
    def old_span(self) -> Span | None:
        return self.old_term.span if self.old_term is not None else None

    @property
    def new_span(self) -> Span | None:
        return self.new_term.span if self.new_term is not None else None

    @property
    def fingerprint(self) -> str:
        """A stable hash of the term type, its identity and the field, for ignore files.

        It does not move when clauses are reworded, renumbered or reordered.
        """
        term = self.old_term if self.old_term is not None else self.new_term
        ident = list(identity_key(term)[1]) if term is not None else []
        payload = json.dumps([self.type, ident, self.field or ""], ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


@attrs.frozen(kw_only=True)
class DiffResult:
    """The changes between ``old`` and ``new``, and the pairs of terms that did not change."""

    old: Agreement
    new: Agreement
    changes: tuple[Change, ...] = ()
    unchanged: tuple[tuple[Term, Term], ...] = ()

    def summary(self) -> dict[str, int]:
        """Counts by kind: ``{"added": n, "removed": n, "changed": n}`` (changes, not terms)."""
        counts = {kind.value: 0 for kind in (ChangeKind.ADDED, ChangeKind.REMOVED)}
        counts["changed"] = 0
        for change in self.changes:
            counts[change.kind.value] += 1
        return counts

    @property
    def max_severity(self) -> Severity | None:
        """The highest severity of any change; None when nothing changed."""
        return max((c.severity for c in self.changes), default=None)

    def at_or_above(self, severity: Severity) -> tuple[Change, ...]:
        """The changes whose severity is ``severity`` or higher."""
        return tuple(c for c in self.changes if c.severity >= severity)


# ---------------------------------------------------------------- normalisation

_PUNCT = re.compile(r"[^\w\s&/%$€£¥+-]")
_QUANTITY = re.compile(r"(?<![\w.,])\d{1,3}(?:,\d{3})+(?![\w,]|\.\d)")
_LEADING_ARTICLE = re.compile(r"^(?:(?:the|a|an)\s+)+")


def normalise_text(text: str) -> str:
    """A string as compared: case-folded, punctuation dropped, spaces collapsed, no article.

    >>> normalise_text('  The  "Territory". ')
    'territory'
    """
    folded = _PUNCT.sub(" ", text.casefold())
    return _LEADING_ARTICLE.sub("", " ".join(folded.split()))


def _canonical(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, str):
        return normalise_text(value) or None
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Period):
        # Five years and sixty months are the same period.
        count, unit = value.count, value.unit.value
        if unit == "Y":
            count, unit = count * 12, "M"
        elif unit == "W":
            count, unit = count * 7, "D"
        return f"P{format(count.normalize(), 'f')}{unit}"
    if isinstance(value, Money):
        return [_canonical(value.amount), value.currency]
    if isinstance(value, tuple | list | set | frozenset):
        # Lists (territories) compare as sets.
        return sorted({c for c in (_canonical(v) for v in value) if c is not None}) or None
    return str(value)


def canonical_fields(term: Term) -> dict[str, Any]:
    """The meaningful fields of ``term`` in the form they are compared in.

    >>> from dealdiff.model import RevenueShare
    >>> canonical_fields(RevenueShare(rate=Decimal("20.0"), payee="The Licensor"))["rate"]
    '20'
    """
    return {name: _canonical(value) for name, value in term.fields().items()}


def identity_key(term: Term) -> tuple[str, tuple[str, ...]]:
    """What ``term`` is about: its type and normalised identity fields.

    >>> from dealdiff.model import Exclusivity
    >>> identity_key(Exclusivity(holder="Microsoft", subject="the  Cloud Services"))
    ('exclusivity', ('microsoft', 'cloud services'))
    """
    values = []
    for name in type(term).identity:
        value = _canonical(getattr(term, name))
        values.append("" if value is None else str(value))
    return str(term.type.value), tuple(values)


def _words(text: str) -> set[str]:
    return set(text.split())


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def similarity(old: Term, new: Term) -> float:
    """How alike two terms of one type are, from 0 to 1; identity fields count double, the
    status half.

    Fields unset on both sides are left out; strings earn partial credit for shared words.
    """
    return _scores(canonical_fields(old), canonical_fields(new), type(old).identity)[0]


def _scores(a: dict[str, Any], b: dict[str, Any], identity: Iterable[str]) -> tuple[float, float]:
    """:func:`similarity` of canonical fields, and the same with a field set on one side
    only earning half its weight (to pair terms whose identities conflict), in one pass."""
    ident = set(identity)
    score = one_sided = total = 0.0
    for name in a.keys() | b.keys():
        x, y = a.get(name), b.get(name)
        if x is None and y is None:
            continue
        # Status counts least: it is what a renegotiation changes, so the term whose parties
        # match pairs with its old self across "exclusive" -> "non_exclusive".
        weight = 2.0 if name in ident else 0.5 if name == "status" else 1.0
        total += weight
        if x == y:
            score += weight
        elif x is None or y is None:
            one_sided += weight / 2
        elif isinstance(x, str) and isinstance(y, str):
            score += weight * _jaccard(_words(x), _words(y))
        elif isinstance(x, list) and isinstance(y, list):
            score += weight * _jaccard(set(x), set(y))
    if not total:
        return 1.0, 1.0
    return score / total, (score + one_sided) / total


# ---------------------------------------------------------------- pairing

#: Terms of one type whose identities conflict pair only when at least this alike, a field
#: known on one side only counting half (a right of first refusal over new models that
#: became a right of first offer, its subject no longer stated).
PAIRING_THRESHOLD = 0.5
#: Terms whose identities do not conflict (a field unknown on one side is no conflict) pair
#: when at least this alike, or when one says a right exists and the other that it does not.
COMPATIBLE_THRESHOLD = 0.25


def _compatible(a: tuple[str, tuple[str, ...]], b: tuple[str, tuple[str, ...]]) -> bool:
    """No identity field differs where both sides know it."""
    return a[0] == b[0] and all(x == y or not x or not y for x, y in zip(a[1], b[1], strict=True))


def _subsumes(rich: dict[str, Any], poor: dict[str, Any]) -> bool:
    """True when ``rich`` says all that ``poor`` says, and more."""
    more = False
    for name, value in poor.items():
        if value is not None and rich.get(name) != value:
            return False
    for name, value in rich.items():
        if value is not None and poor.get(name) is None:
            more = True
    return more


def _references(
    left: Sequence[int],
    own: Sequence[tuple[Term, dict[str, Any]]],
    other: Sequence[tuple[Term, dict[str, Any]]],
    works: tuple[set[int], set[int]] = (set(), set()),
) -> set[int]:
    """The indexes in ``left`` (unpaired terms of version ``own``, given with their
    canonical fields) of terms that only refer to a fuller term of the same type, in either
    version: fewer fields and none that differ ("the revenue share payable under Section
    3.1" beside "a revenue share of 20% of Net Revenue"). The terms at the indexes in
    ``works`` (of ``own``, of ``other``: the mechanics of another right, how an option
    lapses) are referred to by nothing: their fields are the right they work."""
    own_works, other_works = works
    pool = [p for k, p in enumerate(other) if k not in other_works]
    pool += [p for k, p in enumerate(own) if k not in own_works]
    out: set[int] = set()
    for i in left:
        term, canon = own[i]
        same_type = [(t, c) for t, c in pool if t is not term and t.type == term.type]
        if any(_subsumes(c, canon) for _, c in same_type):
            out.add(i)
    return out


def _said_again(left: Sequence[int], terms: Sequence[Term], ties: Sequence[str]) -> set[int]:
    """The indexes in ``left`` (unpaired terms) of terms that another sentence of the same
    clause (or line, without sections) already states with the same fields: "Northwind
    shall be a non-exclusive provider. Lumen may procure such services from any other
    provider." is one term."""
    unpaired = set(left)
    seen = {
        (t.type, tie, _clause(t))
        for k, (t, tie) in enumerate(zip(terms, ties, strict=True))
        if k not in unpaired and _clause(t) is not None
    }
    out: set[int] = set()
    for i in sorted(left, key=lambda k: _position(terms[k])):
        key = (terms[i].type, ties[i], _clause(terms[i]))
        if key[2] is None:
            continue
        if key in seen:
            out.add(i)
        seen.add(key)
    return out


def _mechanics(terms: Sequence[Term]) -> set[int]:
    """The indexes of the first rights in ``terms`` that only work another right of the
    same article: how an option lapses or a negotiation ends ("If Sable does not
    exercise the option within that period, ... Juniper shall be free to license the Program
    Compounds to any third party" beside the option of section 3.1). Such a sentence grants
    nothing new: it names no subject of its own, its holder already holds a right stated
    earlier in that article, and it does not itself grant a right ("Sable shall also have a
    right of first refusal"), unless it opens with a condition."""
    # Where each first right is held: (holder, article) with its position.
    held = [
        (getattr(t, "holder", None), _article(t), _position(t))
        for t in terms
        if t.type is TermType.PRIORITY_ACCESS
    ]
    out: set[int] = set()
    for i, term in enumerate(terms):
        holder = getattr(term, "holder", None)
        article = _article(term)
        if term.type is not TermType.PRIORITY_ACCESS or holder is None or article is None:
            continue
        if getattr(term, "subject", None) is not None or term.status != PriorityStatus.GRANTED:
            continue  # a right of its own, or one that ends: never mere mechanics
        if _GRANTS_A_RIGHT.search(term.text) and not _OPENS_WITH_CONDITION.match(term.text):
            continue  # "Sable shall also have a right of first refusal.": a grant of its own
        here = _position(term)
        if any(h == holder and a == article and at < here for h, a, at in held):
            out.add(i)
    return out


def _article(term: Term) -> str | None:
    """The article of a term's section, up to its first number: "4" for sections 4.2 and
    4(b), "Exhibit 4" for Exhibit 4."""
    if term.section is None:
        return None
    head = _ARTICLE.match(term.section)
    return head.group().strip() if head else None


_ARTICLE = re.compile(r"[^\d.(]*\d+|[^.(]+")
#: A sentence that grants a first right, as against one that works a right granted before.
_GRANTS_A_RIGHT = re.compile(
    r"\b(?:shall|will)\s+(?:also\s+)?have\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,2}"
    r"(?:right\s+of\s+first|option|first\s+right)|\bgrants?\b",
    re.I,
)
#: A sentence that opens with a condition ("If Sable does not exercise the option, ...").
_OPENS_WITH_CONDITION = re.compile(
    r"\W*(?:[\d.()a-z]{1,8}\s+)?(?:if|in\s+the\s+event|should|unless|where|upon|following)\b",
    re.I,
)


def _clause(term: Term) -> str | None:
    """The clause a term is stated in: its section, or in a text without numbered sections
    (a term sheet of bullets) the line its sentence starts on."""
    if term.section is not None:
        return term.section
    return None if term.span is None else f"line {term.span.line}"


def _text_words(term: Term) -> set[str]:
    return _words(normalise_text(term.text)) if term.text else set()


def pair_terms(
    old: Sequence[Term], new: Sequence[Term]
) -> tuple[list[tuple[Term, Term]], list[Term], list[Term]]:
    """Pair terms across versions: ``(pairs, removed, added)``.

    Within a type, terms with the same identity pair first (the most alike first); then
    terms whose identities do not conflict (a party or subject missing on one side is no
    conflict), which lets "revenue share: ceased" pair with the active revenue share it
    ends; then the rest by similarity, when at least :data:`PAIRING_THRESHOLD` (a field
    known on one side only counting half there). Among
    equally alike candidates, the clauses that read most alike pair first. A term stated
    in several clauses is paired clause by clause; a left-over clause that only refers to a
    fuller term ("the revenue share payable under Section 3.1") is neither added nor
    removed, nor is a term that another sentence of its clause states with the same fields.
    The result does not depend on the order of the terms, and swapping ``old`` and ``new``
    swaps the result.
    """
    pairs, removed, added = _pairing(old, new)
    return pairs, [t for t, _ in removed], [t for t, _ in added]


def _pairing(
    old: Sequence[Term], new: Sequence[Term]
) -> tuple[list[tuple[Term, Term]], list[tuple[Term, bool]], list[tuple[Term, bool]]]:
    """:func:`pair_terms`, with each removed or added term marked True when the other
    version states a term with the same fields (a restatement that came or went)."""
    old_terms, new_terms = list(old), list(new)
    candidates: list[tuple[tuple[int, float, float, str, str, str, str, str, str], int, int]] = []
    old_keys = [identity_key(t) for t in old_terms]
    new_keys = [identity_key(t) for t in new_terms]
    old_canon = [canonical_fields(t) for t in old_terms]
    new_canon = [canonical_fields(t) for t in new_terms]
    old_ties = [json.dumps(c, sort_keys=True) for c in old_canon]
    new_ties = [json.dumps(c, sort_keys=True) for c in new_canon]
    old_words = [_text_words(t) for t in old_terms]
    new_words = [_text_words(t) for t in new_terms]
    old_texts = [" ".join(sorted(w)) for w in old_words]
    new_texts = [" ".join(sorted(w)) for w in new_words]
    # Last tie-break: the fields as written ("Mexico, Canada" and "Canada, Mexico" compare
    # equal), so that which of two equal terms pairs never depends on the order given.
    old_raw = [repr(sorted(t.fields().items())) for t in old_terms]
    new_raw = [repr(sorted(t.fields().items())) for t in new_terms]
    for i, a in enumerate(old_terms):
        for j, b in enumerate(new_terms):
            if a.type != b.type:
                continue
            score, lenient = _scores(old_canon[i], new_canon[j], type(a).identity)
            if old_keys[i] == new_keys[j]:
                tier = 0
            elif _compatible(old_keys[i], new_keys[j]):
                if a.negative == b.negative and score < COMPATIBLE_THRESHOLD:
                    continue  # a bare mention does not stand in for a term it barely matches
                tier = 1
            elif lenient >= PAIRING_THRESHOLD:
                tier = 2
            else:
                continue
            # Among equally alike terms, the one whose clause reads most alike: of two
            # licences to the same party, the one that was reworded pairs with its old self.
            wording = _jaccard(old_words[i], new_words[j])
            # The sort key is symmetric in the two terms, so diff(b, a) mirrors diff(a, b).
            lo, hi = sorted((old_ties[i], new_ties[j]))
            text_lo, text_hi = sorted((old_texts[i], new_texts[j]))
            raw_lo, raw_hi = sorted((old_raw[i], new_raw[j]))
            key = (tier, -score, -wording, lo, hi, text_lo, text_hi, raw_lo, raw_hi)
            candidates.append((key, i, j))
    candidates.sort(key=lambda c: c[0])
    used_old: set[int] = set()
    used_new: set[int] = set()
    pairs: list[tuple[Term, Term]] = []
    for _, i, j in candidates:
        if i in used_old or j in used_new:
            continue
        used_old.add(i)
        used_new.add(j)
        pairs.append((old_terms[i], new_terms[j]))
    # A clause that only refers to a fuller term came or went; the term did not.
    olds = list(zip(old_terms, old_canon, strict=True))
    news = list(zip(new_terms, new_canon, strict=True))
    left_old = [i for i in range(len(olds)) if i not in used_old]
    left_new = [j for j in range(len(news)) if j not in used_new]
    # How a right is worked (how an option lapses) is no fuller right to refer to.
    old_works = _mechanics(old_terms)
    new_works = _mechanics(new_terms)
    quiet_old = (
        _references(left_old, olds, news, (old_works, new_works))
        | _said_again(left_old, old_terms, old_ties)
        | old_works.intersection(left_old)
    )
    quiet_new = (
        _references(left_new, news, olds, (new_works, old_works))
        | _said_again(left_new, new_terms, new_ties)
        | new_works.intersection(left_new)
    )
    old_stated = {(t.type, tie) for t, tie in zip(old_terms, old_ties, strict=True)}
    new_stated = {(t.type, tie) for t, tie in zip(new_terms, new_ties, strict=True)}
    removed = [
        (old_terms[i], (old_terms[i].type, old_ties[i]) in new_stated)
        for i in left_old
        if i not in quiet_old
    ]
    added = [
        (new_terms[j], (new_terms[j].type, new_ties[j]) in old_stated)
        for j in left_new
        if j not in quiet_new
    ]
    return pairs, removed, added


# ---------------------------------------------------------------- field comparison


def _changed_fields(old: Term, new: Term) -> list[str]:
    a, b = canonical_fields(old), canonical_fields(new)
    if a == b:
        return []
    # Imported here: deepdiff pulls in numpy and pydantic (over a second of start-up),
    # which `dealdiff parse` never needs.
    from deepdiff import DeepDiff

    tree = DeepDiff(a, b, ignore_order=True, view="tree")
    names: set[str] = set()
    for levels in tree.values():
        for level in levels:
            path = level.path(output_format="list")
            if path:
                names.add(str(path[0]))
    order = list(old.fields())
    changed = [name for name in order if name in names]
    if "status" in changed and old.negative != new.negative:
        # A right that starts or stops takes its values with it: "active 20% -> ceased" is
        # one change on status, not a status change plus a rate that disappeared, and a
        # right of first refusal "hereby terminated" is revoked, whatever words now name
        # what it was over.
        changed = ["status"]
    # A party a clause does not name is unknown, not another party: "priority access for
    # Microsoft" after "OpenAI grants Microsoft priority access" is the same right.
    return [
        name
        for name in changed
        if name not in PARTY_FIELDS or (a.get(name) is not None and b.get(name) is not None)
    ]


#: Fields that name a party to the agreement.
PARTY_FIELDS = frozenset({"holder", "grantor", "payer", "payee", "committer", "provider"})


def clause_figures(term: Term) -> list[str]:
    """The percentages, amounts of money and quantities the clause of ``term`` states, in its
    order, normalised ("eight percent (8%)" is ``8%``, "US$2,000,000" is ``USD 2,000,000``).

    A quantity is a number written with thousands separators outside any other value (the
    "2,000" of a row "Resin A   2,000   3,000"); a bare "30" is too often a count of days, a
    page or a clause to be one.
    """
    if not term.text:
        return []
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for match in find_values(term.text):
        taken.append((match.start, match.end))
        if match.kind == "percent" and match.value is not None:
            found.append((match.start, f"{match.value}%"))
        elif match.kind == "money" and isinstance(match.value, Money):
            found.append((match.start, str(match.value)))
    for m in _QUANTITY.finditer(term.text):
        if not any(start <= m.start() < end for start, end in taken):
            found.append((m.start(), m.group()))
    return [figure for _, figure in sorted(found)]


# ---------------------------------------------------------------- labels and messages


def _short(text: str, limit: int = 48) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def term_label(term: Term) -> str:
    """The term as people name it: type, then what it is about.

    >>> from dealdiff.model import RevenueShare
    >>> term_label(RevenueShare(payer="OpenAI", payee="Microsoft", base="Net Revenue"))
    'revenue_share (OpenAI → Microsoft; Net Revenue)'
    """
    f = term.fields()
    parts: list[str] = []
    if term.type is TermType.REVENUE_SHARE:
        if f.get("payer") or f.get("payee"):
            parts.append(f"{f.get('payer') or '?'} → {f.get('payee') or '?'}")
        if f.get("base"):
            parts.append(_short(f["base"]))
    elif term.type in (TermType.CLOUD_COMMITMENT, TermType.MINIMUM_COMMITMENT):
        if f.get("committer") or f.get("provider"):
            parts.append(f"{f.get('committer') or '?'} → {f.get('provider') or '?'}")
        if f.get("subject"):
            parts.append(_short(f["subject"]))
    else:
        kind = f.get("kind")
        if kind is not None and str(getattr(kind, "value", kind)) != "priority":
            parts.append(str(getattr(kind, "value", kind)))
        if f.get("subject"):
            parts.append(_short(f["subject"]))
        if f.get("holder"):
            parts.append(f"holder {f['holder']}")
    label = str(term.type.value)
    return f"{label} ({'; '.join(parts)})" if parts else label


def format_field(name: str, value: Any, term: Term | None = None) -> str:
    """A field value for people; an amount shows its currency (``USD 10,000,000,000``)."""
    if name == "amount" and isinstance(value, Decimal):
        currency = getattr(term, "currency", None) if term is not None else None
        return f"{currency + ' ' if currency else ''}{value.normalize():,f}"
    if name == "territory" and isinstance(value, tuple) and not value:
        return "-"
    if name == FIGURES and isinstance(value, list):
        return ", ".join(value) or "-"
    return format_value(name, value)


#: Up to this many figures a side, a changed clause's figures are shown in full.
_FIGURES_IN_FULL = 8


def figures_pair(old: list[str], new: list[str]) -> tuple[str, str, str]:
    """A clause's figures before and after, for people, and a note: all of them when they are
    few, else only the run that differs, with "…" for the unchanged figures around it.

    >>> figures_pair(["1%", "2%"], ["1%", "3%"])
    ('1%, 2%', '1%, 3%', '')
    >>> rows = [f"USD {n},000" for n in range(100, 110)]
    >>> figures_pair(rows, rows[:4] + ["USD 999,000"] + rows[5:])
    ('…, USD 104,000, …', '…, USD 999,000, …', ' (1 of 10 figures changed)')
    """
    if max(len(old), len(new)) <= _FIGURES_IN_FULL:
        return ", ".join(old) or "-", ", ".join(new) or "-", ""
    head = 0
    while head < min(len(old), len(new)) and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < min(len(old), len(new)) - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1

    def run(figures: list[str]) -> str:
        middle = figures[head : len(figures) - tail] or ["-"]
        return ", ".join((["…"] if head else []) + middle + (["…"] if tail else []))

    total = max(len(old), len(new))
    return run(old), run(new), f" ({total - head - tail} of {total} figures changed)"


def change_texts(
    field: str, old: Any, new: Any, old_t: Term | None = None, new_t: Term | None = None
) -> tuple[str, str]:
    """A changed field's old and new values for people; a clause's figures as
    :func:`figures_pair` shows them, its note after the new ones."""
    if field == FIGURES and isinstance(old, list) and isinstance(new, list):
        old_text, new_text, note = figures_pair(old, new)
        return old_text, new_text + note
    return format_field(field, old, old_t), format_field(field, new, new_t)


def _pct_text(old: Any, new: Any) -> str:
    pct = change_percent(old, new)
    if pct is None:
        if old is None:
            return "newly set"
        if new is None:
            return "no longer set"
        return "from zero" if old == 0 else "n/a"
    rounded = pct.quantize(Decimal("0.01")).normalize()
    return f"{'+' if rounded > 0 else ''}{rounded:,f}%"


def _direction(old: Any, new: Any) -> str:
    if isinstance(old, Decimal) and isinstance(new, Decimal):
        if new > old:
            return "raised"
        if new < old:
            return "lowered"
    return "changed"


def _message_values(
    kind: ChangeKind, field: str | None, old: Any, new: Any, old_t: Term | None, new_t: Term | None
) -> dict[str, str]:
    label_term = old_t if old_t is not None else new_t
    assert label_term is not None
    values = {
        "term": term_label(label_term),
        "type": str(label_term.type.value),
        "field": field or "",
        "status": format_value("status", label_term.status),
    }
    if kind is ChangeKind.CHANGED and field is not None:
        values["old"], values["new"] = change_texts(field, old, new, old_t, new_t)
        values["change_pct"] = _pct_text(old, new)
        values["direction"] = _direction(old, new)
        if isinstance(old, tuple) and isinstance(new, tuple):
            gone = [v for v in old if normalise_text(v) not in {normalise_text(n) for n in new}]
            came = [v for v in new if normalise_text(v) not in {normalise_text(o) for o in old}]
            values["removed"] = ", ".join(gone) or "-"
            values["added"] = ", ".join(came) or "-"
    return values


def _rate(
    rules: SeverityRules,
    kind: ChangeKind,
    type_: str,
    field: str | None,
    old: Any,
    new: Any,
    old_t: Term | None,
    new_t: Term | None,
    restated: bool = False,
) -> Change:
    term = old_t if old_t is not None else new_t
    assert term is not None
    facts = Facts(
        change=kind.value,
        type=type_,
        field=field,
        old=old,
        new=new,
        status=str(term.status.value if isinstance(term.status, enum.Enum) else term.status),
        restated=restated,
    )
    rule = rules.rate(facts)
    summary = rule.render(_message_values(kind, field, old, new, old_t, new_t))
    return Change(
        kind=kind,
        type=type_,
        field=field,
        old=old,
        new=new,
        severity=rule.severity,
        rule=rule.id,
        summary=summary,
        old_term=old_t,
        new_term=new_t,
        restated=restated,
    )


def _figures_moved(old: Term, new: Term) -> tuple[list[str], list[str]] | None:
    """The figures of two clauses whose terms agree field for field, when they differ.

    The terms do not model every figure a clause states (a royalty's second tier), so a
    figure that moved is shown even when no field did. A term file states no clause: only
    two clauses are compared, and only when their wording changed.
    """
    if not (old.text and new.text) or old.text == new.text:
        return None
    before, after = clause_figures(old), clause_figures(new)
    return None if sorted(before) == sorted(after) else (before, after)


def party_renames(old: Agreement, new: Agreement) -> dict[str, str]:
    """Short names of the new version for parties the old one calls otherwise: the same
    legal name defined as ("Vellum") before and ("Partner") now gives ``{"Partner":
    "Vellum"}``. Short names either version gives another party are left alone."""
    old_keys = {p.key for p in old.parties}
    new_keys = {p.key for p in new.parties}
    by_name = {normalise_text(p.name): p.key for p in old.parties}
    out: dict[str, str] = {}
    for party in new.parties:
        key = by_name.get(normalise_text(party.name))
        if key is not None and key not in new_keys and party.key not in old_keys:
            out[party.key] = key
    return out


def _renamed(term: Term, renames: dict[str, str]) -> Term:
    if not renames:
        return term
    changes: dict[str, Any] = {
        name: renames[value]
        for name, value in term.fields().items()
        if name in PARTY_FIELDS and isinstance(value, str) and value in renames
    }
    return attrs.evolve(term, **changes) if changes else term


def _position(term: Term | None) -> int:
    return term.span.start if term is not None and term.span is not None else 1 << 62


def diff(old: Agreement, new: Agreement, *, severities: SeverityRules | None = None) -> DiffResult:
    """The term-level changes from ``old`` to ``new``, each rated by ``severities``.

    ``severities`` defaults to the package's ``rules/severity.toml``. Changes come in the
    order of the new version (removed terms where they stood in the old one).

    >>> from dealdiff.model import Agreement, RevenueShare
    >>> a = Agreement(source="a", terms=[RevenueShare(payer="X", payee="Y", rate=20)])
    >>> b = Agreement(source="b", terms=[RevenueShare(payer="X", payee="Y", rate=12.5)])
    >>> [c.summary for c in diff(a, b).changes]
    ['Revenue share rate lowered: revenue_share (X → Y) 20% → 12.5% (-37.5%).']
    """
    rules = severities if severities is not None else default_severities()
    # Terms of the new version are compared with its parties under their old short names;
    # an added term is shown as the new version writes it.
    renames = party_renames(old, new)
    compared = [_renamed(t, renames) for t in new.terms]
    as_written = {id(c): t for c, t in zip(compared, new.terms, strict=True)}
    pairs, removed, added = _pairing(old.terms, compared)
    items: list[tuple[int, int, list[Change]]] = []
    unchanged: list[tuple[int, tuple[Term, Term]]] = []
    for index, (a, seen) in enumerate(pairs):
        fields = _changed_fields(a, seen)
        b = as_written[id(seen)]
        if not fields:
            moved = _figures_moved(a, b)
            if moved is None:
                unchanged.append((_position(b), (a, b)))
            else:
                change = _rate(rules, ChangeKind.CHANGED, str(a.type.value), FIGURES, *moved, a, b)
                items.append((_position(b), index, [change]))
            continue
        type_ = str(a.type.value)
        changes = [
            _rate(rules, ChangeKind.CHANGED, type_, name, getattr(a, name), getattr(b, name), a, b)
            for name in fields
        ]
        items.append((_position(b), index, changes))
    base = len(pairs)
    for offset, (seen, again) in enumerate(added):
        term = as_written[id(seen)]
        change = _rate(
            rules, ChangeKind.ADDED, str(term.type.value), None, None, term, None, term, again
        )
        items.append((_position(term), base + offset, [change]))
    base += len(added)
    for offset, (term, again) in enumerate(removed):
        change = _rate(
            rules, ChangeKind.REMOVED, str(term.type.value), None, term, None, term, None, again
        )
        items.append((_position(term), base + offset, [change]))
    items.sort(key=lambda item: (item[0], item[1]))
    unchanged.sort(key=lambda item: item[0])
    return DiffResult(
        old=old,
        new=new,
        changes=tuple(c for _, _, group in items for c in group),
        unchanged=tuple(pair for _, pair in unchanged),
    )


# ---------------------------------------------------------------- JSON


def _span(term: Term | None) -> dict[str, int] | None:
    return term.span.to_dict() if term is not None and term.span is not None else None


def change_to_dict(change: Change) -> dict[str, Any]:
    """One change as JSON-ready data (the ``diff --format json`` contract).

    For ``changed``, ``old``/``new`` are the field values in the ``parse`` JSON encoding;
    for ``added``/``removed``, the whole term.
    """
    if change.kind is ChangeKind.CHANGED:
        old, new = encode_value(change.old), encode_value(change.new)
    else:
        old = term_to_dict(change.old_term, location=False) if change.old_term else None
        new = term_to_dict(change.new_term, location=False) if change.new_term else None
    return {
        "change": change.kind.value,
        "type": change.type,
        "field": change.field,
        "old": old,
        "new": new,
        "severity": change.severity.value,
        "rule": change.rule,
        "summary": change.summary,
        "old_span": _span(change.old_term),
        "new_span": _span(change.new_term),
        "old_section": change.old_term.section if change.old_term is not None else None,
        "new_section": change.new_term.section if change.new_term is not None else None,
        "fingerprint": change.fingerprint,
    }


def result_to_dict(result: DiffResult) -> dict[str, Any]:
    """The whole diff as JSON-ready data: sources, changes and the summary counts."""
    return {
        "old_source": result.old.source,
        "new_source": result.new.source,
        "changes": [change_to_dict(c) for c in result.changes],
        "summary": result.summary(),
    }
