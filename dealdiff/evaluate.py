"""Scoring the classifier against labelled contracts: ``dealdiff eval LABELS``.

The labels are JSON Lines, one labelled clause a line::

    {"contract": "contracts/supply.txt", "type": "minimum_commitment", "start": 1200, "end": 1415}
    {"contract": "contracts/licence.txt"}

``contract`` is a path relative to the labels file's folder (or absolute); ``type`` is a
term type; ``start`` and ``end`` are character offsets into the contract's text (Python
``str`` indices, newlines untouched). A line without a ``type`` (or with ``"type": null``)
only lists a contract that has no clause of any type: its predictions still count.
``cloud_commitment`` is scored as ``minimum_commitment``. Other keys are ignored, so the
``labels.jsonl`` of a CUAD-style data folder (``contract`` names a file in its
``contracts/`` folder, without ``.txt``) is read as it is.

A paragraph is a non-empty line. It is predicted positive for a type when a positive term
of the type (not ``non_exclusive``, ``ceased``, ``revoked`` or ``released``) overlaps it,
and labelled positive when a labelled clause of the type does. A contract is positive for
a type when it has such a term (predicted) or such a label (gold).

>>> Counts(tp=3, fp=1, fn=1).f1
0.75
"""

from __future__ import annotations

import functools
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

import attrs

from .agreement import explain_agreement
from .classify import Candidate
from .errors import DealdiffError, InputError, source_lines
from .model import Term
from .ruleset import RuleSet, default_rules
from .source import read_source

__all__ = [
    "SCORED_TYPES",
    "Label",
    "LabelSet",
    "Counts",
    "Miss",
    "Report",
    "load_labels",
    "paragraphs",
    "evaluate",
    "render_report",
    "render_rules",
    "render_errors",
]

#: The types scored, in report order.
SCORED_TYPES = ("exclusivity", "revenue_share", "priority_access", "minimum_commitment")
_ALIASES = {"cloud_commitment": "minimum_commitment", "commitment": "minimum_commitment"}


def scored_type(name: str) -> str:
    """The type a term or label of type ``name`` is scored as."""
    return _ALIASES.get(name, name)


@attrs.frozen
class Label:
    """One labelled clause: ``text[start:end]`` of ``contract`` is of ``type``."""

    contract: str
    type: str
    start: int
    end: int


@attrs.frozen
class LabelSet:
    """The contracts to score, in order, and their labelled clauses."""

    contracts: tuple[str, ...]
    labels: tuple[Label, ...]

    def subset(self, keep: Callable[[str], bool]) -> LabelSet:
        """Only the contracts for which ``keep(path)`` is true."""
        return LabelSet(
            tuple(c for c in self.contracts if keep(c)),
            tuple(lab for lab in self.labels if keep(lab.contract)),
        )


def _resolve(folder: Path, name: str) -> Path | None:
    for candidate in (folder / name, folder / "contracts" / f"{name}.txt", folder / f"{name}.txt"):
        if candidate.is_file():
            return candidate
    return None


def load_labels(path: str | os.PathLike[str]) -> LabelSet:
    """Read a labels file; errors name the file and line.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.txt").write_text("Supplier shall be the exclusive supplier.\\n")
    >>> _ = (d / "l.jsonl").write_text('{"contract": "a.txt", "type": "exclusivity", '
    ...                                '"start": 0, "end": 41}\\n')
    >>> load_labels(d / "l.jsonl").labels[0].type
    'exclusivity'
    """
    name = os.fspath(path)
    _, text = read_source(name)
    folder = Path(name).parent
    contracts: dict[str, None] = {}
    labels: list[Label] = []
    resolved: dict[str, str] = {}
    for number, line in enumerate(source_lines(text), 1):
        if not line.strip():
            continue

        def bad(message: str, _number: int = number, _line: str = line) -> InputError:
            return InputError(message, file=name, line=_number, column=1, context=_line[:120])

        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise bad(f"not JSON: {exc.msg}") from None
        if not isinstance(row, dict) or not isinstance(row.get("contract"), str):
            raise bad('each line needs "contract": the path of a contract text')
        contract = row["contract"]
        if contract not in resolved:
            found = _resolve(folder, contract)
            if found is None:
                raise bad(f"no such contract file: {contract}")
            resolved[contract] = os.fspath(found)
        cpath = resolved[contract]
        contracts.setdefault(cpath, None)
        ttype = row.get("type")
        if ttype is None:
            continue
        if not isinstance(ttype, str) or scored_type(ttype) not in SCORED_TYPES:
            raise bad(f"unknown type {ttype!r} (known: {', '.join(SCORED_TYPES)})")
        start, end = row.get("start"), row.get("end")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end):
            raise bad('"start" and "end" must be character offsets with start <= end')
        labels.append(Label(cpath, scored_type(ttype), start, end))
    return LabelSet(tuple(contracts), tuple(labels))


def paragraphs(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of every non-empty line, without its surrounding blanks.

    >>> list(paragraphs("  a b \\n\\nc\\n"))
    [(2, 5), (8, 9)]
    """
    pos = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            lead = len(line) - len(line.lstrip())
            yield pos + lead, pos + lead + len(stripped)
        pos += len(line) + 1


@attrs.frozen
class Counts:
    """True positives, false positives and false negatives, with P, R and F1."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)


@attrs.frozen
class Miss:
    """A paragraph scored wrong: ``kind`` is ``"fp"`` or ``"fn"``.

    ``why`` is the rule that made the false term, or what the rules made of the
    candidate sentences of a missed paragraph (empty when no cue was found in it).
    """

    kind: str
    type: str
    contract: str
    start: int
    end: int
    line: int
    text: str
    why: tuple[str, ...]


@attrs.frozen
class Report:
    """Counts per scored type at paragraph and contract level, and the misses."""

    paragraph: dict[str, Counts]
    contract: dict[str, Counts]
    misses: tuple[Miss, ...]
    files: int
    bytes: int
    seconds: float
    #: contract -> type -> (paragraph counts, contract counts), to score subsets.
    by_contract: dict[str, dict[str, tuple[Counts, Counts]]] = attrs.field(factory=dict)
    #: contract -> rule id -> paragraphs it marked right (tp) and wrong (fp).
    by_rule: dict[str, dict[str, Counts]] = attrs.field(factory=dict)

    def rules(self) -> dict[str, Counts]:
        """Paragraph true and false positives of each rule that made a term."""
        out: dict[str, Counts] = {}
        for per_rule in self.by_rule.values():
            for rule, c in per_rule.items():
                out[rule] = out.get(rule, Counts()) + c
        return dict(sorted(out.items()))

    def restrict(self, keep: Callable[[str], bool]) -> Report:
        """The report over the contracts for which ``keep(path)`` is true."""
        para = {t: Counts() for t in self.paragraph}
        cont = {t: Counts() for t in self.contract}
        kept = {c: v for c, v in self.by_contract.items() if keep(c)}
        for per_type in kept.values():
            for t, (pc, cc) in per_type.items():
                para[t] += pc
                cont[t] += cc
        misses = tuple(m for m in self.misses if keep(m.contract))
        by_rule = {c: v for c, v in self.by_rule.items() if keep(c)}
        return Report(para, cont, misses, len(kept), self.bytes, self.seconds, kept, by_rule)

    def as_dict(self) -> dict[str, object]:
        def table(counts: dict[str, Counts]) -> dict[str, list[float]]:
            return {
                t: [round(c.precision, 3), round(c.recall, 3), round(c.f1, 3)]
                for t, c in counts.items()
            }

        return {
            "paragraph": table(self.paragraph),
            "contract": table(self.contract),
            "files": self.files,
            "bytes": self.bytes,
            "seconds": round(self.seconds, 3),
        }


def _positive(term: Term) -> bool:
    return not term.negative and scored_type(term.type.value) in SCORED_TYPES


def _why_missed(
    ttype: str, start: int, end: int, candidates: Sequence[Candidate]
) -> tuple[str, ...]:
    reasons: list[str] = []
    for cand in candidates:
        if cand.start >= end or cand.end <= start:
            continue
        for out in cand.outcomes:
            if scored_type(out.type.value) != ttype:
                continue
            if out.verdict == "term" and out.term is not None:
                reasons.append(f"{out.rule} ({out.term.status})")
            elif out.rule:
                reasons.append(f"{out.verdict}: {out.rule}")
            else:
                reasons.append(out.verdict)
    return tuple(dict.fromkeys(reasons))


class _Scored(NamedTuple):
    """What scoring one contract gives: its size, counts, misses and rule counts."""

    size: int
    here: dict[str, Counts]
    whole: dict[str, Counts]
    misses: list[Miss]
    rule_counts: dict[str, Counts]


def _score_contract(
    contract: str, rules: RuleSet, *, gold: Sequence[Label], types: tuple[str, ...]
) -> _Scored | DealdiffError:
    """Parse one contract and score its terms against ``gold``, its labels.

    A module-level function, so that worker processes can run it; an error is returned,
    not raised, so that it reaches the caller the same way from a worker.
    """
    try:
        _, text = read_source(contract)
    except DealdiffError as exc:
        return exc
    agreement, candidates = explain_agreement(text, source=contract, rules=rules)
    predicted = [
        (scored_type(t.type.value), piece.start, piece.end, t.rule or "")
        for t in agreement.terms
        if _positive(t) and t.span is not None
        for piece in t.pieces
    ]
    line = 1
    last = 0
    here = {t: Counts() for t in types}
    rule_counts: dict[str, Counts] = {}
    misses: list[Miss] = []
    for ps, pe in paragraphs(text):
        line += text.count("\n", last, ps)
        last = ps
        for t in types:
            g = any(lab.type == t and lab.start < pe and lab.end > ps for lab in gold)
            hits = [r for pt, s, e, r in predicted if pt == t and s < pe and e > ps]
            y = bool(hits)
            here[t] += Counts(int(g and y), int(y and not g), int(g and not y))
            for rule in dict.fromkeys(hits):
                rule_counts[rule] = rule_counts.get(rule, Counts()) + Counts(int(g), int(not g))
            if g != y:
                why = tuple(dict.fromkeys(hits)) if y else _why_missed(t, ps, pe, candidates)
                kind = "fp" if y else "fn"
                misses.append(Miss(kind, t, contract, ps, pe, line, text[ps:pe], why))
    whole = {}
    for t in types:
        g = any(lab.type == t for lab in gold)
        y = any(pt == t for pt, _, _, _ in predicted)
        whole[t] = Counts(int(g and y), int(y and not g), int(g and not y))
    return _Scored(len(text.encode("utf-8")), here, whole, misses, rule_counts)


def evaluate(
    labels: LabelSet,
    rules: RuleSet | None = None,
    *,
    types: Iterable[str] = SCORED_TYPES,
    jobs: int = 1,
    rules_paths: Sequence[str] = (),
    resolve: Callable[[Sequence[str]], RuleSet] | None = None,
) -> Report:
    """Parse every contract of ``labels`` with ``rules`` and score the terms found.

    ``jobs`` other than 1 parses in that many processes (0: one per CPU), as
    ``dealdiff parse --jobs`` does; ``resolve(rules_paths)`` must then give back ``rules``
    (it is called only where workers are spawned rather than forked).
    """
    from .batch import map_files

    rules = rules or default_rules()
    types = tuple(types)
    para = {t: Counts() for t in types}
    cont = {t: Counts() for t in types}
    gold: dict[str, list[Label]] = {}
    for lab in labels.labels:
        gold.setdefault(lab.contract, []).append(lab)
    misses: list[Miss] = []
    by_contract: dict[str, dict[str, tuple[Counts, Counts]]] = {}
    by_rule: dict[str, dict[str, Counts]] = {}
    size = 0
    started = time.perf_counter()
    contracts = list(labels.contracts)
    if resolve is None:
        jobs = 1
    results = map_files(
        functools.partial(_score_job, types=types),
        [(contract, tuple(gold.get(contract, ()))) for contract in contracts],
        rules,
        jobs=jobs,
        rules_paths=rules_paths,
        resolve=resolve or _no_resolve,
    )
    for contract, scored in zip(contracts, results, strict=True):
        if isinstance(scored, DealdiffError):
            raise scored
        size += scored.size
        misses.extend(scored.misses)
        by_rule[contract] = scored.rule_counts
        by_contract[contract] = {}
        for t in types:
            para[t] += scored.here[t]
            cont[t] += scored.whole[t]
            by_contract[contract][t] = (scored.here[t], scored.whole[t])
    return Report(
        para,
        cont,
        tuple(misses),
        len(contracts),
        size,
        time.perf_counter() - started,
        by_contract,
        by_rule,
    )


def _score_job(
    job: tuple[str, tuple[Label, ...]], rules: RuleSet, *, types: tuple[str, ...]
) -> _Scored | DealdiffError:
    """:func:`_score_contract` for ``(contract, its labels)``, the form workers are sent."""
    contract, gold = job
    return _score_contract(contract, rules, gold=gold, types=types)


def _no_resolve(paths: Sequence[str]) -> RuleSet:  # pragma: no cover - jobs is 1 then
    raise AssertionError("evaluate: jobs other than 1 needs resolve")


def render_report(report: Report) -> str:
    """The score table, in the layout of CUAD's scoring script.

    >>> one = {"exclusivity": Counts(1, 0, 1)}
    >>> r = Report(one, {"exclusivity": Counts(1, 0, 0)}, (), 1, 10, 1.0)
    >>> print(render_report(r).splitlines()[1])
    exclusivity              1.00   0.50   0.67       1.00   1.00   1.00
    """
    lines = [f"{'type':20s} {'paragraph P / R / F1':>24s} {'contract P / R / F1':>24s}"]
    for t, pc in report.paragraph.items():
        cc = report.contract[t]
        lines.append(
            f"{t:20s} {pc.precision:8.2f} {pc.recall:6.2f} {pc.f1:6.2f}   "
            f"{cc.precision:8.2f} {cc.recall:6.2f} {cc.f1:6.2f}"
        )
    rate = report.bytes / report.seconds / 1e6 if report.seconds else 0.0
    lines.append(
        f"{report.files} contracts, {report.bytes / 1e6:.1f} MB in {report.seconds:.1f} s "
        f"({rate:.2f} MB/s)"
    )
    return "\n".join(lines) + "\n"


def render_rules(report: Report) -> str:
    """Per rule: the paragraphs it marked right and wrong, and its precision."""
    lines = [f"{'rule':44s} {'right':>6s} {'wrong':>6s} {'precision':>9s}"]
    for rule, c in report.rules().items():
        lines.append(f"{rule:44s} {c.tp:6d} {c.fp:6d} {c.precision:9.2f}")
    return "\n".join(lines) + "\n"


def render_errors(report: Report, *, width: int = 300) -> str:
    """One block per false positive (FP) and false negative (FN), with its text."""
    out: list[str] = []
    for m in report.misses:
        snippet = " ".join(m.text.split())
        if len(snippet) > width:
            snippet = snippet[: width - 3] + "..."
        why = "; ".join(m.why) if m.why else "no cue"
        out.append(f"{m.kind.upper()} {m.type} {m.contract}:{m.line} [{why}]\n    {snippet}")
    return "\n".join(out) + ("\n" if out else "")
