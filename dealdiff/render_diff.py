"""Renderers for diff results: pure functions from a :class:`DiffResult` to a string.

Nothing here reads the environment or prints: the CLI decides about colour (a terminal,
``NO_COLOR``, ``--color``) and passes a flag.

>>> from dealdiff.model import Agreement, Exclusivity
>>> from dealdiff.diff import diff
>>> old = Agreement(source="v1", terms=(Exclusivity(status="exclusive", holder="Acme"),))
>>> new = Agreement(source="v2", terms=(Exclusivity(status="non_exclusive", holder="Acme"),))
>>> print(render_text(diff(old, new)), end="")
--- v1
+++ v2
~ exclusivity (holder Acme)  status: exclusive → non_exclusive  major  - → -
1 changed, 0 added, 0 removed · 1 major
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import NamedTuple

import click

from .diff import (
    Change,
    ChangeKind,
    DiffResult,
    change_texts,
    format_field,
    result_to_dict,
    term_label,
)
from .model import Term, TermType
from .severity import Severity

__all__ = [
    "FORMATS",
    "render",
    "render_text",
    "render_json",
    "render_markdown",
    "word_diff",
    "mark_words",
    "where",
]

#: The output formats of ``dealdiff diff``.
FORMATS = ("text", "json", "markdown")

_SIGNS = {ChangeKind.CHANGED: "~", ChangeKind.ADDED: "+", ChangeKind.REMOVED: "-"}
_SIGN_COLOURS = {"~": "yellow", "+": "green", "-": "red", "=": "bright_black"}
_SEVERITY_STYLES: dict[Severity, dict[str, object]] = {
    Severity.MAJOR: {"fg": "red", "bold": True},
    Severity.MINOR: {"fg": "yellow"},
    Severity.INFO: {"fg": "bright_black"},
}
_ABSENT = "—"


def _status_text(term: Term) -> str:
    return str(getattr(term.status, "value", term.status))


def _headline(term: Term) -> str:
    """The value that says most about a term, next to its status: rate, amount, territory."""
    fields = term.fields()
    rate = fields.get("rate")
    if term.type is TermType.REVENUE_SHARE and isinstance(rate, Decimal):
        return format_field("rate", rate)
    amount = fields.get("amount")
    if isinstance(amount, Decimal):
        text = format_field("amount", amount, term)
        period = fields.get("period")
        return f"{text} / {format_field('period', period)}" if period is not None else text
    return ""


def _brief(term: Term, *, territory: bool = True) -> str:
    head = _headline(term)
    if not head and territory and term.fields().get("territory"):
        head = format_field("territory", term.fields()["territory"])
    return f"{_status_text(term)} {head}".strip()


def _describe(change: Change) -> str:
    """``field: old → new`` for a changed field; the term's status and headline otherwise."""
    if change.kind is ChangeKind.ADDED and change.new_term is not None:
        return _brief(change.new_term)
    if change.kind is ChangeKind.REMOVED and change.old_term is not None:
        return _brief(change.old_term)
    field = change.field or ""
    if field == "status" and change.old_term is not None and change.new_term is not None:
        old = _brief(change.old_term, territory=False)
        new = _brief(change.new_term, territory=False)
        if change.old_term.negative == change.new_term.negative:
            old, new = _status_text(change.old_term), _status_text(change.new_term)
        return f"status: {old} → {new}"
    old_text, new_text = change_texts(
        field, change.old, change.new, change.old_term, change.new_term
    )
    return f"{field}: {old_text} → {new_text}"


def _place(term: Term | None) -> str:
    if term is None:
        return _ABSENT
    if term.section:
        return f"§{term.section}"
    if term.span is not None:
        return f"line {term.span.line}"
    return "-"


def where(old: Term | None, new: Term | None) -> str:
    """Where a term sits in both versions: ``§2.1 → §2.2``, or line numbers without sections.

    >>> where(None, None)
    '— → —'
    """
    return f"{_place(old)} → {_place(new)}"


def _label(change: Change) -> str:
    term = change.old_term if change.old_term is not None else change.new_term
    return term_label(term) if term is not None else change.type


def _counts_line(result: DiffResult) -> str:
    summary = result.summary()
    line = f"{summary['changed']} changed, {summary['added']} added, {summary['removed']} removed"
    severities = [
        f"{n} {sev.value}"
        for sev in (Severity.MAJOR, Severity.MINOR, Severity.INFO)
        if (n := sum(1 for c in result.changes if c.severity is sev))
    ]
    if severities:
        line += " · " + ", ".join(severities)
    return line


# ---------------------------------------------------------------- word diff


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """The two texts as runs of words: ``("=", same)``, ``("-", old only)``, ``("+", new only)``.

    >>> word_diff("pay a royalty of 20%", "pay a royalty of 12.5%")
    [('=', 'pay a royalty of'), ('-', '20%'), ('+', '12.5%')]
    """
    a, b = old.split(), new.split()
    runs: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            runs.append(("=", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            runs.append(("-", " ".join(a[i1:i2])))
        if j2 > j1:
            runs.append(("+", " ".join(b[j1:j2])))
    return runs


def mark_words(old: str, new: str, *, color: bool = False) -> str:
    """One line with the changed words marked ``[-old-]{+new+}`` (coloured when ``color``).

    >>> mark_words("the exclusive provider", "a non-exclusive provider")
    '[-the exclusive-]{+a non-exclusive+} provider'
    """
    parts: list[tuple[str, str]] = []
    for op, text in word_diff(old, new):
        if op == "-":
            parts.append((op, click.style(f"[-{text}-]", fg="red") if color else f"[-{text}-]"))
        elif op == "+":
            parts.append(
                (op, click.style(f"{{+{text}+}}", fg="green") if color else f"{{+{text}+}}")
            )
        else:
            parts.append((op, text))
    return _join_runs(parts)


def _join_runs(parts: list[tuple[str, str]]) -> str:
    """Join runs with spaces, except a replacement: ``[-old-]{+new+}`` stays together."""
    out = ""
    for i, (op, text) in enumerate(parts):
        if i and not (op == "+" and parts[i - 1][0] == "-"):
            out += " "
        out += text
    return out


def _groups(changes: tuple[Change, ...]) -> Iterator[list[Change]]:
    """Consecutive changes of the same pair of terms (one clause to show per group)."""
    group: list[Change] = []
    for change in changes:
        if group and (
            group[0].old_term is not change.old_term or group[0].new_term is not change.new_term
        ):
            yield group
            group = []
        group.append(change)
    if group:
        yield group


def _clause_lines(change: Change, color: bool) -> list[str]:
    old, new = change.old_term, change.new_term
    if old is not None and new is not None:
        return [f"    {where(old, new)}: {mark_words(old.text, new.text, color=color)}"]
    term = new if new is not None else old
    if term is None:
        return []
    sign = "+" if new is not None else "-"
    text = " ".join(term.text.split()) or "(no clause text)"
    line = f"    {sign} {_place(term)}: {text}"
    return [click.style(line, fg="green" if new is not None else "red") if color else line]


# ---------------------------------------------------------------- text


class _Row(NamedTuple):
    sign: str
    label: str
    what: str
    severity: str
    place: str
    change: Change | None = None


def render_text(
    result: DiffResult, *, color: bool = False, show_clauses: bool = False, verbose: bool = False
) -> str:
    """Like ``terraform plan``: one line per change, then the counts.

    Each line: a sign (``~`` changed, ``+`` added, ``-`` removed), the term, the field with
    old → new (or the status of an added or removed term), the severity, and where the term
    sits in both versions. ``verbose`` adds an ``=`` line per unchanged term; ``show_clauses``
    prints each clause under its changes, the changed words marked ``[-old-]{+new+}``.
    """
    rows = [
        _Row(
            _SIGNS[c.kind],
            _label(c),
            _describe(c),
            c.severity.value,
            where(c.old_term, c.new_term),
            c,
        )
        for c in result.changes
    ]
    if verbose:
        rows += [
            _Row("=", term_label(a), "unchanged", "", where(a, b)) for a, b in result.unchanged
        ]
    widths = [
        min(max((len(r.label) for r in rows), default=0), 64),
        min(max((len(r.what) for r in rows), default=0), 64),
        max((len(r.severity) for r in rows), default=0),
    ]

    def style(text: str, **kw: object) -> str:
        return click.style(text, **kw) if color else text  # type: ignore[arg-type]

    lines = [f"--- {result.old.source}", f"+++ {result.new.source}"]
    clause_after: dict[int, Change] = {}
    if show_clauses:
        for group in _groups(result.changes):
            clause_after[id(group[-1])] = group[0]
    for row in rows:
        sev = row.severity.ljust(widths[2])
        if row.change is not None:
            sev = style(sev, **_SEVERITY_STYLES[row.change.severity])
        cells = [
            style(row.sign, fg=_SIGN_COLOURS[row.sign]) + " " + row.label.ljust(widths[0]),
            row.what.ljust(widths[1]),
            sev,
            row.place,
        ]
        lines.append("  ".join(cells).rstrip())
        if row.change is not None and id(row.change) in clause_after:
            lines.extend(_clause_lines(clause_after[id(row.change)], color))
    counts = _counts_line(result)
    if result.unchanged:
        counts += f" · {len(result.unchanged)} unchanged"
    lines.append(counts)
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- JSON


def render_json(result: DiffResult, *, indent: int | None = 2) -> str:
    """The JSON document described by ``dealdiff/schemas/diff.schema.json``."""
    return json.dumps(result_to_dict(result), indent=indent, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------- markdown

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|~#])")


def _md(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def _md_marked(old: str, new: str) -> str:
    parts: list[tuple[str, str]] = []
    for op, text in word_diff(old, new):
        if op == "-":
            parts.append((op, f"~~{_md(text)}~~"))
        elif op == "+":
            parts.append((op, f"**{_md(text)}**"))
        else:
            parts.append((op, _md(text)))
    return " ".join(text for _, text in parts)


def render_markdown(
    result: DiffResult, *, show_clauses: bool = False, verbose: bool = False
) -> str:
    """A table for a pull-request comment or an e-mail; clauses in a ``<details>`` block."""
    lines = [
        f"### dealdiff: `{result.old.source}` → `{result.new.source}`",
        "",
        f"**{_counts_line(result)}**",
        "",
    ]
    if result.changes or (verbose and result.unchanged):
        lines += [
            "| | Term | Change | Severity | Where |",
            "|---|---|---|---|---|",
        ]
        for change in result.changes:
            sev = change.severity.value
            sev = f"**{sev}**" if change.severity is Severity.MAJOR else sev
            lines.append(
                f"| {_SIGNS[change.kind]} | {_md(_label(change))} | "
                f"{_md(_describe(change))} | {sev} | {where(change.old_term, change.new_term)} |"
            )
        if verbose:
            for a, b in result.unchanged:
                lines.append(f"| = | {_md(term_label(a))} | unchanged | | {where(a, b)} |")
        lines.append("")
    if result.changes:
        lines += ["<details><summary>What each change means</summary>", ""]
        lines += [f"- {_md(change.summary)}" for change in result.changes]
        lines += ["", "</details>", ""]
    if show_clauses and result.changes:
        lines += ["<details><summary>Clauses (~~removed~~ **added**)</summary>", ""]
        for group in _groups(result.changes):
            first = group[0]
            old, new = first.old_term, first.new_term
            head = f"**{_md(_label(first))}** ({where(old, new)})"
            if old is not None and new is not None:
                body = _md_marked(old.text, new.text)
            else:
                term = new if new is not None else old
                text = _md(" ".join(term.text.split())) if term is not None else ""
                body = f"**{text}**" if new is not None else f"~~{text}~~"
            lines += [f"- {head}: {body}"]
        lines += ["", "</details>", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


# ---------------------------------------------------------------- dispatch


def render(
    result: DiffResult,
    fmt: str = "text",
    *,
    color: bool = False,
    show_clauses: bool = False,
    verbose: bool = False,
) -> str:
    """Render ``result`` in one of :data:`FORMATS`."""
    renderers: dict[str, Callable[[], str]] = {
        "text": lambda: render_text(
            result, color=color, show_clauses=show_clauses, verbose=verbose
        ),
        "json": lambda: render_json(result),
        "markdown": lambda: render_markdown(result, show_clauses=show_clauses, verbose=verbose),
    }
    if fmt not in renderers:
        raise ValueError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    return renderers[fmt]()
