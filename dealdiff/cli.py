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
from .render import agreement_json, agreement_text
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
    return load_rules(paths) if paths else default_rules()


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
    yield f"{source}: {len(agreement.terms)} terms from {len(candidates)} candidate sentences"
    for cand in candidates:
        line, col = index.position(cand.start)
        where = f"{source}:{line}:{col}" + (f" §{cand.section}" if cand.section else "")
        snippet = " ".join(text[cand.start : cand.end].split())
        if len(snippet) > 160:
            snippet = snippet[:157] + "..."
        yield f"{where}  {snippet}"
        for out in cand.outcomes:
            if out.verdict == "term":
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
@rules_option
@output_option
@handle_errors
def parse(
    files: tuple[str, ...], fmt: str, explain: bool, rules_paths: tuple[str, ...], output: str | None
) -> None:
    """Extract the deal terms of agreement FILES (``-`` reads standard input).

    An unreadable file is reported on standard error and the others are still parsed;
    the exit code is then 2.
    """
    rules = resolve_rules(rules_paths)
    chunks: list[str] = []
    docs: list[str] = []
    status = EXIT_OK
    for path in files:
        try:
            name, text = read_source(path)
            if explain:
                chunks.append("\n".join(_explain_lines(name, text, rules)) + "\n")
                continue
            agreement, _ = explain_agreement(text, source=name, rules=rules)
        except DealdiffError as exc:
            fail(exc)
            status = EXIT_ERROR
            continue
        if fmt == "text":
            chunks.append(agreement_text(agreement))
        elif fmt == "jsonl":
            line = agreement_json(agreement, indent=None) + "\n"
            if output is None:
                click.echo(line, nl=False)
            else:
                chunks.append(line)
        elif fmt == "json":
            docs.append(agreement_json(agreement))
        else:
            from .termfile import dumps

            chunks.append(dumps(agreement))
    if fmt == "json" and not explain:
        if len(files) == 1 and docs:
            chunks.append(docs[0] + "\n")
        elif docs:
            chunks.append("[\n" + ",\n".join(docs) + "\n]\n")
    if chunks:
        write_output("".join(chunks), output)
    sys.exit(status)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="dealdiff")
