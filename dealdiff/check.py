"""``dealdiff check``: validation, policy and drift findings over term files and agreements.

Every file is read in full and every finding is collected; nothing stops at the first
problem. A finding has a stable rule id (``rules/checks.toml``, or a user policy id), a
severity, a location and a fingerprint that does not move when lines move, for ignore
files.

>>> import pathlib, tempfile
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "deal.terms").write_text('revenue_share { status active  rate 120% }\\n')
>>> result = check([folder / "deal.terms"], config=False)
>>> [(f.rule, f.line, f.column) for f in result.findings]
[('rate-out-of-range', 1, 37)]
>>> result.summary()
'1 error in 1 file'
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import os
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import attrs

from . import termfile
from .api import load_text
from .checkconfig import CheckConfig, Pair, find_config, load_config
from .checkrules import Severity, check_rules, currencies
from .errors import InputError, SourceError, UsageError, caret_context
from .ignore import IgnoreEntry, load_ignore
from .model import Agreement, Party, Term
from .policy import Policy, load_policy
from .source import read_source
from .termfile import PARTY_FIELDS, TermFile

__all__ = ["Finding", "RuleInfo", "CheckResult", "check", "fingerprint", "Severity"]


@attrs.frozen(kw_only=True)
class Finding:
    """One finding: which rule, how bad, what, where, and a stable fingerprint.

    ``line``/``column`` are 1-based and None for findings about a whole file; ``context``
    is the offending line with a caret, when there is one; ``reason`` is set on
    suppressed findings (the ignore entry's reason).
    """

    rule: str
    severity: Severity
    message: str
    file: str
    line: int | None = None
    column: int | None = None
    fingerprint: str
    category: str = "validation"
    context: str = ""
    reason: str | None = None

    @property
    def location(self) -> str:
        """``file:line:column`` (as much of it as is known)."""
        parts = [self.file] + [str(n) for n in (self.line, self.column) if n is not None]
        return ":".join(parts)


@attrs.frozen(kw_only=True)
class RuleInfo:
    """A rule as reported (for SARIF and the docs): id, effective severity, category, summary."""

    id: str
    severity: Severity
    category: str
    summary: str


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


@attrs.frozen(kw_only=True)
class CheckResult:
    """Every finding of one run, what was suppressed, and which files were checked."""

    findings: tuple[Finding, ...]
    suppressed: tuple[Finding, ...] = ()
    files: tuple[str, ...] = ()
    rules: tuple[RuleInfo, ...] = ()
    fail_on: Severity = Severity.ERROR

    def count(self, severity: Severity) -> int:
        """How many (unsuppressed) findings have ``severity``."""
        return sum(1 for f in self.findings if f.severity is severity)

    @property
    def failed(self) -> bool:
        """True when some finding is at or above ``fail_on``: the exit code is then 1."""
        return any(f.severity.rank >= self.fail_on.rank for f in self.findings)

    def summary(self) -> str:
        """One line, e.g. ``3 errors, 1 warning in 12 files (2 suppressed)``."""
        parts = [
            _plural(self.count(sev), sev.value)
            for sev in (Severity.ERROR, Severity.WARNING, Severity.INFO)
            if self.count(sev)
        ]
        text = f"{', '.join(parts) or 'no findings'} in {_plural(len(self.files), 'file')}"
        if self.suppressed:
            text += f" ({len(self.suppressed)} suppressed)"
        return text


def fingerprint(*parts: str) -> str:
    """A 16-hex-digit hash of the parts that say what a finding is about (never its line).

    >>> fingerprint("rate-out-of-range", "deal.terms", "revenue_share")
    '72947b58e4134a3f'
    """
    payload = json.dumps(list(parts), ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def _path_key(path: str, root: str = ".") -> str:
    """The path as it goes into fingerprints: relative to ``root``, with ``/``.

    ``root`` is the folder of ``dealdiff.toml`` when there is one, so fingerprints in an
    ignore file hold whichever folder of the project the check is run from.
    """
    try:
        rel = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
    except ValueError:  # pragma: no cover - another drive on Windows
        rel = path
    return rel.replace(os.sep, "/")


def _num(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _identity(term: Term) -> tuple[str, ...]:
    return (term.type.value, *(str(getattr(term, name, None)) for name in term.identity))


# A locator gives (line, column, width) of a term's field (or of the term, for None).
_Locator = Callable[[int, str | None], tuple[int, int, int] | None]


class _Run:
    """One check run: the settings in force and the findings so far."""

    def __init__(
        self,
        *,
        config: CheckConfig,
        policy: Policy,
        drift_severity: Severity | None,
    ) -> None:
        self.config = config
        self.policy = policy
        self.drift_severity = drift_severity
        self.rules = check_rules()
        self.findings: list[Finding] = []
        self.files: list[str] = []
        self.cache: dict[str, tuple[Agreement | None, TermFile | None, str]] = {}
        self.used: dict[str, int] = {}
        self.root = os.path.dirname(config.path or "") or "."

    def key(self, path: str) -> str:
        """``path`` as it goes into this run's fingerprints."""
        return _path_key(path, self.root)

    def unique(self, print_: str) -> str:
        """The fingerprint, made unique within the run: repeats get an occurrence number."""
        count = self.used.get(print_, 0)
        self.used[print_] = count + 1
        return print_ if count == 0 else fingerprint(print_, str(count + 1))

    def severity(self, rule: str) -> Severity:
        if rule in self.config.severity:
            return self.config.severity[rule]
        if rule.startswith("drift-") and self.drift_severity is not None:
            return self.drift_severity
        return self.rules[rule].severity

    def add(
        self,
        rule: str,
        *,
        file: str,
        key: Iterable[str],
        message: str | None = None,
        where: tuple[int, int, int] | None = None,
        text: str | None = None,
        **values: Any,
    ) -> None:
        spec = self.rules[rule]
        line = column = None
        context = ""
        if where is not None:
            line, column, width = where
            if text is not None:
                context = caret_context(text, line, column, width)
        self.findings.append(
            Finding(
                rule=rule,
                severity=self.severity(rule),
                message=message if message is not None else spec.format(**values),
                file=file,
                line=line,
                column=column,
                fingerprint=self.unique(fingerprint(rule, self.key(file), *key)),
                category=spec.category,
                context=context,
            )
        )

    # ------------------------------------------------------------ reading

    def load(self, path: str) -> tuple[Agreement | None, TermFile | None, str]:
        """Read one file once: (agreement or None if unusable, term file if it is one, text)."""
        if path in self.cache:
            return self.cache[path]
        self.files.append(path)
        try:
            name, text = read_source(path)
        except SourceError as exc:
            if exc.line is None:  # missing, a folder, unreadable: not a finding, a failure
                raise
            self.add(
                "unreadable-input",
                file=path,
                key=(exc.message,),
                where=(exc.line, exc.column or 1, 1),
                detail=exc.message,
            )
            self.cache[path] = (None, None, "")
            return self.cache[path]
        if termfile.looks_like_termfile(text, name):
            tf = termfile.read(text, source=name)
            self.termfile_findings(tf)
            usable = not any(p.rule == "syntax-error" for p in tf.problems)
            self.cache[path] = (tf.agreement if usable else None, tf, tf.text)
        else:
            try:
                agreement = load_text(text, source=name)
            except InputError as exc:
                where = (exc.line, exc.column or 1, 1) if exc.line is not None else None
                self.add(
                    "unreadable-input",
                    file=path,
                    key=(exc.message,),
                    where=where,
                    text=text,
                    detail=exc.message,
                )
                self.cache[path] = (None, None, text)
                return self.cache[path]
            is_json = text.lstrip("\ufeff \t\r\n").startswith("{")
            self.value_findings(
                agreement,
                path,
                _span_locator(agreement, None if is_json else text),
                text=None if is_json else text,
                termfile=False,
            )
            self.policy_findings(
                agreement,
                path,
                _span_locator(agreement, None if is_json else text),
                text=None if is_json else text,
            )
            self.cache[path] = (agreement, None, text)
        return self.cache[path]

    def termfile_findings(self, tf: TermFile) -> None:
        for problem in tf.problems:
            self.add(
                problem.rule,
                file=tf.source,
                key=problem.key,
                message=problem.message,
                where=(problem.line, problem.column, problem.width),
                text=tf.text,
            )
        # After a syntax error the rest of the file is still checked, except for parties:
        # the broken part may be the declaration that a term refers to.
        broken = any(p.rule == "syntax-error" for p in tf.problems)
        locate = _termfile_locator(tf)
        self.value_findings(
            tf.agreement, tf.source, locate, text=tf.text, termfile=True, parties=not broken
        )
        if not tf.agreement.terms and not tf.problems:
            self.add("empty-term-file", file=tf.source, key=())
        self.policy_findings(tf.agreement, tf.source, locate, text=tf.text)

    # ------------------------------------------------------------ validation

    def value_findings(
        self,
        agreement: Agreement,
        file: str,
        locate: _Locator,
        *,
        text: str | None,
        termfile: bool,
        parties: bool = True,
    ) -> None:
        known = currencies()
        seen: dict[Term, int] = {}
        seen_identity: dict[tuple[str, ...], int] = {}
        for index, term in enumerate(agreement.terms):
            fields = term.fields()
            ident = _identity(term)
            type_name = term.type.value

            def add(
                rule: str,
                at: str | None,
                /,
                *key: str,
                index: int = index,
                ident: tuple[str, ...] = ident,
                **values: Any,
            ) -> None:
                self.add(
                    rule,
                    file=file,
                    key=(*ident, at or "", *key),
                    where=locate(index, at),
                    text=text,
                    **values,
                )

            rate = fields.get("rate")
            if isinstance(rate, Decimal) and not Decimal(0) <= rate <= Decimal(100):
                add("rate-out-of-range", "rate", value=_num(rate))
            for name in ("amount", "quantity"):
                value = fields.get(name)
                if isinstance(value, Decimal) and value < 0:
                    add("negative-amount", name, field=name, value=_num(value))
            period = fields.get("period")
            if period is not None and period.count <= 0:
                add("zero-period", "period", value=termfile_period(period))
            end = fields.get("end")
            if isinstance(end, dt.date) and agreement.date is not None and end < agreement.date:
                add(
                    "end-before-date",
                    "end",
                    type=type_name,
                    end=end.isoformat(),
                    date=agreement.date.isoformat(),
                )
            currency = fields.get("currency")
            if isinstance(currency, str) and currency not in known:
                add(
                    "unknown-currency",
                    "currency",
                    currency,
                    value=currency,
                    hint=_hint(currency.upper(), sorted(known)),
                )
            amount = fields.get("amount")
            if isinstance(amount, Decimal) and "currency" in fields and currency is None:
                add("amount-without-currency", "amount", type=type_name, value=_num(amount))
            if not termfile:
                continue
            party_fields = sorted(PARTY_FIELDS & set(fields), key=list(fields).index)
            for name in party_fields if parties else []:
                value = fields[name]
                if isinstance(value, str) and not _declared(value, agreement.parties):
                    keys = [p.key for p in agreement.parties]
                    hint = _hint(value, keys) or f' (declare it: party {value} = "Full Name")'
                    add("undefined-party", name, value, field=name, value=value, hint=hint)
            if term in seen:
                first = locate(seen[term], None)
                add(
                    "duplicate-term",
                    None,
                    str(index - seen[term]),
                    type=type_name,
                    first=first[0] if first else "?",
                )
            else:
                seen[term] = index
                if ident in seen_identity:
                    first = locate(seen_identity[ident], None)
                    add(
                        "ambiguous-term",
                        None,
                        "identity",
                        type=type_name,
                        identity=_and(term.identity),
                        first=first[0] if first else "?",
                    )
                else:
                    seen_identity[ident] = index

    # ------------------------------------------------------------ policy

    def policy_findings(
        self, agreement: Agreement, file: str, locate: _Locator, *, text: str | None
    ) -> None:
        for index, term in enumerate(agreement.terms):
            for rule in self.policy.rules:
                if not rule.violated(term, agreement.parties):
                    continue
                where = next(
                    (
                        w
                        for f in rule.fields
                        if (w := locate(index, f)) is not None
                        and getattr(term, f, None) is not None
                    ),
                    None,
                ) or locate(index, None)
                line, column, width = where if where else (None, None, 1)
                self.findings.append(
                    Finding(
                        rule=rule.id,
                        severity=rule.severity,
                        message=rule.format(term),
                        file=file,
                        line=line,
                        column=column,
                        fingerprint=self.unique(
                            fingerprint(rule.id, self.key(file), *_identity(term))
                        ),
                        category="policy",
                        context=(
                            caret_context(text, line, column, width)
                            if text is not None and line is not None and column is not None
                            else ""
                        ),
                    )
                )

    # ------------------------------------------------------------ drift

    def drift(self, pair: Pair) -> None:
        draft, _, draft_text = self.load(pair.agreement)
        approved, tf, _ = self.load(pair.terms)
        if draft is None or approved is None:
            return  # the reading problem is already a finding
        from .diff import ChangeKind, diff

        result = diff(approved, draft)
        for change in result.changes:
            if change.restated:
                continue  # a term file states each term once; the agreement may restate it
            rule = f"drift-{change.kind.value}"
            if change.kind is ChangeKind.REMOVED:
                file, term = pair.terms, change.old_term
            else:
                file, term = pair.agreement, change.new_term
            where, text = self.locate(file, term, change.field)
            self.add(
                rule,
                file=file,
                key=(self.key(pair.agreement), self.key(pair.terms), change.fingerprint),
                where=where,
                text=text,
                summary=change.summary.rstrip("."),
                approved=pair.terms,
            )

    def locate(
        self, path: str, term: Term | None, field: str | None
    ) -> tuple[tuple[int, int, int] | None, str | None]:
        """Where ``term`` (and its ``field``, in a term file) sits in the file at ``path``."""
        agreement, tf, text = self.cache[path]
        if term is None or agreement is None:
            return None, None
        if tf is not None:
            for index, candidate in enumerate(agreement.terms):
                if candidate is term:
                    return _termfile_locator(tf)(index, field), tf.text
        if agreement.text is None:  # JSON: spans point into a text we do not have
            return None, None
        return _span_where(term, text), text


def _and(names: Sequence[str]) -> str:
    """``holder and subject``; ``payer, payee and base``."""
    if not names:
        return "type"
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def termfile_period(period: Any) -> str:
    return f"P{_num(period.count)}{period.unit.value}"


def _hint(value: str, choices: list[str]) -> str:
    if value in choices:
        return f" (did you mean '{value}'?)"
    close = difflib.get_close_matches(value, choices, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _declared(value: str, parties: Sequence[Party]) -> bool:
    return any(value == p.name or value in p.aliases for p in parties)


def _termfile_locator(tf: TermFile) -> _Locator:
    def locate(index: int, field: str | None) -> tuple[int, int, int] | None:
        if index >= len(tf.positions):
            return None
        pos = tf.positions[index].get(field) if field else None
        if pos is not None:
            return pos.line, pos.column, max(1, pos.end - pos.start)
        span = tf.agreement.terms[index].span
        if span is None:
            return None
        # The block's type name: a caret under the whole first word.
        return span.line, span.column, len(tf.agreement.terms[index].type.value)

    return locate


def _span_where(term: Term, text: str) -> tuple[int, int, int] | None:
    span = term.span
    if span is None:
        return None
    first_line = text[span.start : span.end].split("\n", 1)[0]
    # A caret under the start of the clause; long lines are cut in the context anyway.
    return span.line, span.column, max(1, min(len(first_line), 40))


def _span_locator(agreement: Agreement, text: str | None) -> _Locator:
    def locate(index: int, field: str | None) -> tuple[int, int, int] | None:
        if text is None:
            return None
        return _span_where(agreement.terms[index], text)

    return locate


def _expand(paths: Sequence[str]) -> list[str]:
    """Files to check: files as given, and ``*.terms`` files found under folders."""
    out: dict[str, None] = {}
    for path in paths:
        p = Path(path)
        if p.is_dir():
            for found in sorted(p.rglob("*.terms")):
                rel = found.relative_to(p)
                if any(part.startswith(".") for part in rel.parts[:-1]):
                    continue
                out[os.path.normpath(found)] = None
        elif p.exists() or path == "-":
            out[os.path.normpath(path) if path != "-" else path] = None
        else:
            raise SourceError("no such file or folder", file=path)
    return list(out)


def _within(path: str, roots: Sequence[str]) -> bool:
    target = Path(path).resolve()
    for root in roots:
        r = Path(root).resolve()
        if target == r or (r.is_dir() and r in target.parents):
            return True
    return False


def _apply_ignores(
    run: _Run, entries: list[IgnoreEntry], today: dt.date, *, report_unused: bool
) -> list[Finding]:
    """Move suppressed findings out of ``run.findings``; report expired and unused entries."""
    active = {e.fingerprint: e for e in entries if not e.expired(today)}
    used: set[str] = set()
    kept: list[Finding] = []
    suppressed: list[Finding] = []
    for finding in run.findings:
        entry = active.get(finding.fingerprint)
        if entry is None:
            kept.append(finding)
        else:
            used.add(entry.fingerprint)
            suppressed.append(attrs.evolve(finding, reason=entry.reason))
    run.findings = kept
    texts: dict[str, str] = {}
    for entry in entries:
        key = (entry.fingerprint,)
        where = (entry.line, 1, 16)
        if entry.file not in texts:
            texts[entry.file] = Path(entry.file).read_text("utf-8", errors="replace")
        text = texts[entry.file]
        if entry.expired(today):
            assert entry.expires is not None
            run.add(
                "ignore-expired",
                file=entry.file,
                key=key,
                where=where,
                text=text,
                fingerprint=entry.fingerprint,
                expires=entry.expires.isoformat(),
                reason=entry.reason,
            )
        elif entry.fingerprint not in used and report_unused:
            run.add(
                "ignore-unused",
                file=entry.file,
                key=key,
                where=where,
                text=text,
                fingerprint=entry.fingerprint,
            )
    return suppressed


def check(
    paths: Sequence[str | os.PathLike[str]],
    *,
    policy: str | os.PathLike[str] | Policy | None = None,
    terms: str | os.PathLike[str] | None = None,
    config: str | os.PathLike[str] | Literal[False] | None = None,
    ignore: str | os.PathLike[str] | None = None,
    fail_on: Severity | str | None = None,
    drift_severity: Severity | str | None = None,
    today: dt.date | None = None,
) -> CheckResult:
    """Check term files and agreements; collect every finding of every file.

    ``paths`` are files or folders (folders give their ``*.terms`` files); no paths means
    the current folder. ``terms`` is the approved term file of the one agreement in
    ``paths`` (drift). ``config`` is a ``dealdiff.toml`` (None: the nearest one; False:
    none), whose ``[[pair]]`` entries add drift checks for the files checked and whose
    ``[[policy]]`` rules apply unless ``policy`` (a file or a :class:`Policy`) is given.
    ``ignore`` is the ignore file (default: the config's, else ``.dealdiffignore``).

    Raises :class:`~dealdiff.errors.SourceError` for a path that does not exist,
    :class:`~dealdiff.errors.RulesError` for a bad config, policy or ignore file, and
    :class:`~dealdiff.errors.UsageError` for options that do not fit together.
    """
    config_path = find_config() if config is None else (None if config is False else config)
    cfg = load_config(config_path)
    if isinstance(policy, Policy):
        rules = policy
    elif policy is not None:
        rules = load_policy([policy])
    else:
        rules = cfg.policy
    try:
        drift_sev = Severity(drift_severity) if drift_severity is not None else cfg.drift_severity
        fail = Severity(fail_on) if fail_on is not None else (cfg.fail_on or Severity.ERROR)
    except ValueError as exc:
        raise UsageError(f"severity must be error, warning or info ({exc})") from None
    run = _Run(config=cfg, policy=rules, drift_severity=drift_sev)
    given = [os.fspath(p) for p in paths] or ["."]
    files = _expand(given)
    pairs: list[Pair] = []
    if terms is not None:
        agreements = [f for f in files if not f.endswith(".terms")] or files
        if len(agreements) != 1 or any(Path(p).is_dir() for p in given):
            raise UsageError("--terms pairs one agreement file with its approved term file")
        terms_path = os.fspath(terms)
        if not Path(terms_path).is_file():
            raise SourceError("no such file", file=terms_path)
        pairs.append(Pair(agreements[0], os.path.normpath(terms_path)))
    for pair in cfg.pairs:
        if _within(pair.agreement, given) or _within(pair.terms, given):
            for side in (pair.agreement, pair.terms):
                if not Path(side).is_file():
                    raise SourceError(f"no such file (a [[pair]] in {cfg.path})", file=side)
            pairs.append(pair)
    for path in files:
        run.load(path)
    for pair in dict.fromkeys(pairs):
        run.drift(pair)
    entries, problems = load_ignore(ignore if ignore is not None else cfg.ignore)
    for problem in problems:
        run.add(
            "ignore-invalid",
            file=problem.file,
            key=(str(problem.line), problem.message),
            where=(problem.line, problem.column, 1),
            text=Path(problem.file).read_text("utf-8", errors="replace"),
            detail=problem.message,
        )
    # Entries for files outside this run are not "unused": only a folder scan can tell.
    scan = any(Path(p).is_dir() for p in given)
    suppressed = _apply_ignores(run, entries, today or dt.date.today(), report_unused=scan)

    def order(f: Finding) -> tuple[str, int, int, str]:
        return (f.file, f.line or 0, f.column or 0, f.rule)

    infos = [
        RuleInfo(id=r.id, severity=run.severity(r.id), category=r.category, summary=r.summary)
        for r in run.rules.values()
    ] + [
        RuleInfo(
            id=r.id, severity=r.severity, category="policy", summary=r.description or r.message
        )
        for r in rules.rules
    ]
    return CheckResult(
        findings=tuple(sorted(run.findings, key=order)),
        suppressed=tuple(sorted(suppressed, key=order)),
        files=tuple(run.files),
        rules=tuple(infos),
        fail_on=fail,
    )
