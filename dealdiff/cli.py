"""The ``dealdiff`` command: a thin layer over the library.

Exit codes, the same for every command:

\b
  0  success; for diff and check: nothing found
  1  diff found changed terms; check found findings at or above --fail-on
  2  usage error, or an input that cannot be read
"""

from __future__ import annotations

import functools
import os
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .agreement import explain_agreement
from .errors import EXIT_ERROR, EXIT_OK, DealdiffError
from .model import Agreement
from .render import agreement_json, agreement_text, format_value
from .ruleset import RuleSet, default_rules, load_rules
from .source import read_source

__all__ = ["main", "cli"]

F = TypeVar("F", bound=Callable[..., Any])

EXIT_CODES_HELP = """\b
Exit codes:
  0  success; for diff and check: nothing found
  1  diff: terms changed; check: findings at or above --fail-on
  2  usage error, or an input that cannot be read"""


def fail(error: DealdiffError) -> None:
    """Print a user-facing error (never a traceback) to stderr."""
    click.echo(f"dealdiff: {error.render()}", err=True)


def handle_errors(func: F) -> F:
    """Turn DealdiffError into a message on stderr and the error's exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except DealdiffError as exc:
            fail(exc)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("dealdiff: interrupted", err=True)
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


def write_output(text: str, output: str | None) -> None:
    """Write to stdout, or atomically to ``output``: a file is whole or untouched."""
    if output is None or output == "-":
        click.echo(text, nl=False)
        return
    target = Path(output)
    directory = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def rules_option(func: F) -> F:
    """``--rules DIR`` (repeatable): extra rule folders or files on top of the package's."""
    return click.option(
        "--rules",
        "rules_paths",
        multiple=True,
        type=click.Path(),
        help="Folder or .toml file of extra rules, loaded after the built-in ones (repeatable).",
    )(func)


def resolve_rules(paths: Sequence[str]) -> RuleSet:
    """The package's rules, then ``[rules] paths`` of the nearest dealdiff.toml, then ``paths``."""
    from .config import find_config, rules_paths

    paths = [*rules_paths(find_config()), *paths]
    return load_rules(paths) if paths else default_rules()


def jobs_option(help_text: str) -> Callable[[F], F]:
    """``-j/--jobs N``: worker processes for a batch of files (0: one per usable CPU)."""
    return click.option(
        "-j", "--jobs", type=click.IntRange(min=0), default=0, show_default=True, help=help_text
    )


def output_option(func: F) -> F:
    return click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, writable=True),
        default=None,
        help="Write to this file (atomically) instead of standard output.",
    )(func)


@click.group(
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=EXIT_CODES_HELP,
)
@click.version_option(__version__, prog_name="dealdiff")
def cli() -> None:
    """Typed deal terms from agreements, and what changed between two versions."""


def _explain_lines(source: str, text: str, rules: RuleSet) -> Iterator[str]:
    from .spans import LineIndex

    agreement, candidates = explain_agreement(text, source=source, rules=rules)
    index = LineIndex(text)
    folds = rules.folds()
    yield f"{source}: {len(agreement.terms)} terms from {len(candidates)} candidate sentences"
    for cand in candidates:
        line, col = index.position(cand.start)
        where = f"{source}:{line}:{col}" + (f" §{cand.section}" if cand.section else "")
        snippet = " ".join(text[cand.start : cand.end].split())
        if len(snippet) > 160:
            snippet = snippet[:157] + "..."
        yield f"{where}  {snippet}"
        for out in cand.outcomes:
            if out.verdict == "term" and out.rule in folds:
                field = folds[out.rule]
                value = getattr(out.term, field, None)
                if isinstance(value, tuple):  # a carve-out: its subject joins a list
                    carved = getattr(out.term, "subject", None)
                    yield (
                        f"    {out.type.value}: {carved!r} added to the {field} of the"
                        f" {out.type.value} it names (no term of its own) by rule {out.rule}"
                    )
                else:
                    yield (
                        f"    {out.type.value}: {field} {format_value(field, value)} set on the"
                        f" {out.type.value} it names (a term of its own when the text has none)"
                        f" by rule {out.rule}"
                    )
            elif out.verdict == "term":
                status = getattr(out.term, "status", "")
                yield f"    {out.type.value}: {getattr(status, 'value', status)} by rule {out.rule}"
            elif out.verdict == "vetoed":
                yield f"    {out.type.value}: unclassified, vetoed by rule {out.rule}"
            elif out.verdict == "skipped":
                yield f"    {out.type.value}: unclassified, sentence skipped by rule {out.rule}"
            elif out.verdict == "heading":
                yield f"    {out.type.value}: unclassified, a heading (no lower-case letter)"
            else:
                yield f"    {out.type.value}: unclassified, cue found but no construction matched"


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "jsonl", "terms"]),
    default="text",
    show_default=True,
    help="text for people; json (one document, or a list for several files); jsonl (one "
    "document a line); terms (the term-file format).",
)
@click.option(
    "--explain",
    is_flag=True,
    help="Show every candidate sentence, the rule that made each term, and why other "
    "candidates made none.",
)
@jobs_option(
    "Parse several files at once in this many processes; 0 is one per CPU. "
    "Output is the same, in the order of FILES."
)
@rules_option
@output_option
@handle_errors
def parse(
    files: tuple[str, ...],
    fmt: str,
    explain: bool,
    jobs: int,
    rules_paths: tuple[str, ...],
    output: str | None,
) -> None:
    """Extract the deal terms of agreement FILES (``-`` reads standard input).

    An unreadable file is reported on standard error and the others are still parsed;
    the exit code is then 2.
    """
    from .batch import map_files

    rules = resolve_rules(rules_paths)
    render = functools.partial(_parse_one, fmt=fmt, explain=explain)
    chunks: list[str] = []
    docs: list[str] = []
    status = EXIT_OK
    for ok, out in map_files(
        render, files, rules, jobs=jobs, rules_paths=rules_paths, resolve=resolve_rules
    ):
        if not ok:
            click.echo(f"dealdiff: {out}", err=True)
            status = EXIT_ERROR
        elif explain or fmt not in ("json", "jsonl"):
            chunks.append(out)
        elif fmt == "json":
            docs.append(out)
        elif output is None:
            click.echo(out, nl=False)  # jsonl streams, a line per agreement
        else:
            chunks.append(out)
    if docs:
        chunks.append(docs[0] + "\n" if len(files) == 1 else "[\n" + ",\n".join(docs) + "\n]\n")
    if chunks:
        write_output("".join(chunks), output)
    sys.exit(status)


def _parse_one(path: str, rules: RuleSet, *, fmt: str, explain: bool) -> tuple[bool, str]:
    """``(True, output)`` for a parsed file, ``(False, error message)`` for a bad one."""
    try:
        name, text = read_source(path)
        if explain:
            return True, "\n".join(_explain_lines(name, text, rules)) + "\n"
        agreement, _ = explain_agreement(text, source=name, rules=rules, explain=False)
    except DealdiffError as exc:
        return False, exc.render()
    if fmt == "text":
        return True, agreement_text(agreement)
    if fmt == "jsonl":
        return True, agreement_json(agreement, indent=None) + "\n"
    if fmt == "json":
        return True, agreement_json(agreement)
    from .termfile import dumps

    return True, dumps(agreement)


def _load_side(path: str, rules_paths: tuple[str, ...]) -> Agreement:
    """One side of a diff: parse JSON, a term file, or agreement text (parsed with ``--rules``)."""
    from .api import load_text

    name, text = read_source(path)
    if rules_paths and not text.lstrip("\ufeff \t\r\n").startswith("{"):
        from .termfile import looks_like_termfile

        if not looks_like_termfile(text, name):
            return explain_agreement(text, source=name, rules=resolve_rules(rules_paths))[0]
    return load_text(text, source=name)


def _use_color(flag: bool | None, output: str | None) -> bool:
    """``--color``/``--no-color`` win; otherwise colour only on a terminal without NO_COLOR."""
    if flag is not None:
        return flag
    if output not in (None, "-") or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


@cli.command(epilog=EXIT_CODES_HELP)
@click.argument("old", type=click.Path(allow_dash=True))
@click.argument("new", type=click.Path(allow_dash=True))
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="text for people (like terraform plan); json (see dealdiff/schemas/diff.schema.json); "
    "markdown for a pull-request comment or an e-mail.",
)
@click.option(
    "--show-clauses",
    is_flag=True,
    help="Print the old and new clause under each change, changed words marked [-old-]{+new+}.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["major", "minor", "info"]),
    default=None,
    help="Exit 1 only if a change is at or above this severity (default: any change).",
)
@click.option(
    "--color/--no-color",
    "color",
    default=None,
    help="Colour the text output (default: only on a terminal, and never when NO_COLOR is set).",
)
@click.option(
    "-v", "--verbose", is_flag=True, help="Also list the terms that did not change (= lines)."
)
@rules_option
@output_option
@handle_errors
def diff(
    old: str,
    new: str,
    fmt: str,
    show_clauses: bool,
    fail_on: str | None,
    color: bool | None,
    verbose: bool,
    rules_paths: tuple[str, ...],
    output: str | None,
) -> None:
    """Show which deal terms changed from OLD to NEW (``-`` reads standard input).

    Each side is agreement text, the JSON that ``dealdiff parse --format json`` writes, or
    a term file. Terms are paired by what they are about, not by position or wording, so
    renumbered, reordered or reworded clauses give no change. Severities come from
    rules/severity.toml and the [[severity]] rules of --rules folders.
    """
    from .diff import diff as diff_agreements
    from .errors import EXIT_FOUND, UsageError
    from .render_diff import render
    from .severity import Severity, load_severities

    if old == "-" and new == "-":
        raise UsageError("only one side can be read from standard input")
    severities = load_severities(rules_paths)
    result = diff_agreements(
        _load_side(old, rules_paths), _load_side(new, rules_paths), severities=severities
    )
    use_color = _use_color(color, output) and fmt == "text"
    text = render(result, fmt, color=use_color, show_clauses=show_clauses, verbose=verbose)
    if output is None or output == "-":
        click.echo(text, nl=False, color=use_color)
    else:
        write_output(text, output)
    threshold = Severity(fail_on) if fail_on else Severity.INFO
    sys.exit(EXIT_FOUND if result.at_or_above(threshold) else EXIT_OK)


_SEVERITIES = ["error", "warning", "info"]


@cli.command("check", epilog=EXIT_CODES_HELP)
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--terms",
    type=click.Path(dir_okay=False),
    help="The approved term file of the one agreement in PATHS: report every term that "
    "drifted from it.",
)
@click.option(
    "--policy",
    type=click.Path(dir_okay=False),
    help="TOML file of [[policy]] rules, used instead of those in dealdiff.toml.",
)
@click.option(
    "--config",
    type=click.Path(dir_okay=False),
    help="The dealdiff.toml to use (default: the nearest one, up to the repository root).",
)
@click.option("--no-config", is_flag=True, help="Use no dealdiff.toml at all.")
@click.option(
    "--ignore",
    "ignore_file",
    type=click.Path(dir_okay=False),
    help="Ignore file of fingerprints to suppress (default: .dealdiffignore, if present).",
)
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github", "sarif", "junit"]),
    default="text",
    show_default=True,
    help="text for people; json (dealdiff/schemas/check.schema.json); github (workflow "
    "annotations); sarif (SARIF 2.1.0 for code scanning); junit (JUnit XML).",
)
@click.option(
    "--fail-on",
    type=click.Choice(_SEVERITIES),
    default=None,
    help="Exit 1 if a finding is at or above this severity (default: error, or the config's).",
)
@click.option(
    "--drift-severity",
    type=click.Choice(_SEVERITIES),
    default=None,
    help="Severity of drift findings (default: error, or the config's).",
)
@output_option
@handle_errors
def check_command(
    paths: tuple[str, ...],
    terms: str | None,
    policy: str | None,
    config: str | None,
    no_config: bool,
    ignore_file: str | None,
    fmt: str,
    fail_on: str | None,
    drift_severity: str | None,
    output: str | None,
) -> None:
    """Check term files and agreements in PATHS (files or folders; default: the current folder).

    Folders give their *.terms files. Findings: validation (syntax, unknown types and fields,
    impossible values, duplicates, undefined parties), policy ([[policy]] rules in
    dealdiff.toml or --policy) and drift (an agreement against its approved term file, from
    --terms or the [[pair]] tables of dealdiff.toml). Every finding of every file is reported,
    then a one-line summary.
    """
    from .check import check
    from .errors import EXIT_FOUND, UsageError
    from .render_check import render as render_check

    if config is not None and no_config:
        raise UsageError("--config and --no-config do not go together")
    result = check(
        list(paths),
        terms=terms,
        policy=policy,
        config=False if no_config else config,
        ignore=ignore_file,
        fail_on=fail_on,
        drift_severity=drift_severity,
    )
    write_output(render_check(result, fmt), output)
    sys.exit(EXIT_FOUND if result.failed else EXIT_OK)


@cli.command("eval")
@click.argument("labels", type=click.Path(dir_okay=False))
@click.option(
    "--errors", is_flag=True, help="Also list the false positives and false negatives, with text."
)
@click.option("--by-rule", is_flag=True, help="Also list each rule's right and wrong paragraphs.")
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text (a table); json (the figures as one JSON object).",
)
@jobs_option(
    "Parse the contracts in this many processes; 0 is one per CPU. The figures are the same."
)
@rules_option
@output_option
@handle_errors
def eval_command(
    labels: str,
    errors: bool,
    by_rule: bool,
    fmt: str,
    jobs: int,
    rules_paths: tuple[str, ...],
    output: str | None,
) -> None:
    """Score the rules against the labelled clauses of LABELS (JSON Lines).

    Each line: {"contract": PATH, "type": TYPE, "start": N, "end": N}, PATH relative to
    the labels file; a line with only "contract" lists a contract without labels. Prints
    precision, recall and F1 per type, per paragraph (non-empty line) and per contract.
    """
    import json

    from .evaluate import evaluate, load_labels, render_errors, render_report, render_rules

    report = evaluate(
        load_labels(labels),
        resolve_rules(rules_paths),
        jobs=jobs,
        rules_paths=rules_paths,
        resolve=resolve_rules,
    )
    if fmt == "json":
        text = json.dumps(report.as_dict()) + "\n"
    else:
        text = render_report(report)
        if by_rule:
            text += "\n" + render_rules(report)
        if errors:
            text += "\n" + render_errors(report)
    write_output(text, output)


@cli.command("rules")
@click.option("--type", "only_type", default=None, help="Only the rules of this term type.")
@rules_option
@handle_errors
def rules_command(only_type: str | None, rules_paths: tuple[str, ...]) -> None:
    """List the loaded classification rules: id, kind, type, file and description.

    Rules come from the package, then the [rules] paths of the nearest dealdiff.toml,
    then --rules; a rule with an id already loaded replaces it.
    """
    rules = resolve_rules(rules_paths)
    rows: list[tuple[str, str, str, str, str]] = []
    for type_rules in rules.types.values():
        if only_type and type_rules.type.value != only_type:
            continue
        for veto in type_rules.vetoes:
            rows.append((veto.id, "veto", type_rules.type.value, veto.origin, veto.description))
        for cons in type_rules.constructions:
            kind = f"{cons.status}"
            rows.append((cons.id, kind, cons.type.value, cons.origin, cons.description))
    if not only_type:
        for skip in rules.skips:
            rows.append((skip.id, "skip", "-", skip.origin, skip.description))
    width = max((len(r[0]) for r in rows), default=10)
    for rid, kind, ttype, origin, description in rows:
        click.echo(f"{rid:{width}s}  {ttype:18s} {kind:13s} {origin}  {description}")
    for cue in rules.scanner.unanchored:
        click.echo(
            f"warning: cue '{cue}' has no word of three letters or symbol to anchor on; "
            "it is matched over the whole text, which is slow",
            err=True,
        )


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="dealdiff")
