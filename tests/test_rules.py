"""The rule set as data: every rule loads, has a stable id, and is reachable."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from dealdiff.errors import RulesError
from dealdiff.ruleset import default_rules, load_rules


def test_rule_ids_are_unique_and_kebab_case() -> None:
    rules = default_rules()
    ids = [c.id for c in rules.constructions] + [v.id for v in rules.vetoes]
    assert len(ids) == len(set(ids))
    for rid in ids:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rid), rid


def test_every_rule_has_a_description_and_a_type_prefix() -> None:
    rules = default_rules()
    for cons in rules.constructions:
        assert cons.description, cons.id
    for veto in rules.vetoes:
        assert veto.description, veto.id


def test_every_type_has_cues_and_constructions() -> None:
    rules = default_rules()
    for ttype in ("exclusivity", "revenue_share", "priority_access", "minimum_commitment"):
        type_rules = next(t for t in rules.types.values() if t.type.value == ttype)
        assert type_rules.cues
        assert type_rules.constructions


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "extra.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_user_rules_override_by_id(tmp_path: Path) -> None:
    write(
        tmp_path,
        'type = "exclusivity"\n\n[[construction]]\nid = "exclusivity-sole-source"\n'
        'description = "replaced"\npattern = \'"sole" "vendor"\'\nstatus = "exclusive"\n',
    )
    rules = load_rules([tmp_path])
    cons = [c for c in rules.constructions if c.id == "exclusivity-sole-source"]
    assert len(cons) == 1 and cons[0].description == "replaced"
    assert cons[0].origin.endswith("extra.toml")


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        (
            'type = "exclusivity"\n[[construction]]\nid = "Bad Id"\npattern = "EXCL"\n',
            "rule id 'Bad Id': a stable kebab-case id is required",
            3,
        ),
        (
            'type = "exclusivity"\n[[construction]]\nid = "x-y"\npattern = "NOPE"\n'
            'status = "exclusive"\n',
            "x-y: unknown token class NOPE",
            4,
        ),
        ('type = "nonsense"\n', "unknown term type 'nonsense'", 1),
        (
            'type = "exclusivity"\n[[construction]]\nid = "x-y"\npattern = "EXCL"\n'
            'status = "maybe"\n',
            "x-y: status 'maybe' is not valid",
            3,
        ),
        ("classes = [", "invalid TOML", 1),
        (
            'type = "exclusivity"\n[[construction]]\nid = "x-y"\npattern = "EXCL"\n'
            'status = "exclusive"\ninto = "holder"\n',
            "x-y: into 'holder' is neither a list field nor a date field of exclusivity",
            3,
        ),
    ],
)
def test_bad_rule_files_name_file_and_line(
    tmp_path: Path, text: str, message: str, line: int
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(RulesError) as info:
        load_rules([path])
    assert message in info.value.message
    assert info.value.file == str(path)
    assert info.value.line == line


def test_pattern_error_shows_the_line_with_a_caret(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'type = "exclusivity"\n[[construction]]\nid = "x-y"\npattern = "EXCL ~2 NOPE"\n'
        'status = "exclusive"\n',
    )
    with pytest.raises(RulesError) as info:
        load_rules([path])
    assert info.value.render() == (
        f"{path}:4:20: error: x-y: unknown token class NOPE\n"
        'pattern = "EXCL ~2 NOPE"\n'
        "                   ^"
    )


def test_every_builtin_pattern_compiles_to_a_valid_regex() -> None:
    # Regexes are compiled on first use, so a generator bug would only show on a
    # sentence that reaches the pattern; compile them all here instead.
    patterns = []
    for rules in default_rules().types.values():
        patterns += [v.pattern for v in rules.vetoes] + list(rules.fields.values())
        for c in rules.constructions:
            patterns += [p for p in (c.pattern, c.also, c.unless) if p is not None]
    assert len(patterns) > 100
    for p in patterns:
        assert isinstance(p.regex, re.Pattern), p.source


def _rules_made_by(folder: Path) -> Callable[[str], list[str]]:
    """The ids of the rules that make terms of a text, with only the rules of ``folder``."""
    from dealdiff.agreement import parse_agreement

    rules = load_rules([folder], builtin=False)
    return lambda text: [t.rule or "" for t in parse_agreement(text, source="x", rules=rules).terms]


def test_a_veto_blocks_wherever_it_matches_not_only_first(tmp_path: Path) -> None:
    # The veto's first match is elsewhere; its second covers the construction's match.
    write(
        tmp_path,
        'type = "revenue_share"\ncues = ["zork"]\n\n'
        '[[veto]]\nid = "rs-bad-zork"\ndescription = "d"\npattern = \'"bad" zork\'\n\n'
        '[[construction]]\nid = "rs-zork-fee"\ndescription = "d"\n'
        'pattern = \'zork "fee"\'\nstatus = "active"\n',
    )
    made = _rules_made_by(tmp_path)
    assert made("The good zork fee applies.") == ["rs-zork-fee"]
    assert made("The bad zork is fine, and the bad zork fee applies.") == []


def test_rules_command_warns_of_a_cue_without_an_anchor(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from dealdiff.cli import cli

    write(
        tmp_path,
        'type = "revenue_share"\ncues = ["(?:pay|owe)s?\\\\s+it"]\n\n'
        '[[construction]]\nid = "rs-pays-it"\ndescription = "d"\n'
        'pattern = \'pays "it"\'\nstatus = "active"\n',
    )
    result = CliRunner().invoke(cli, ["rules", "--rules", str(tmp_path)])
    assert result.exit_code == 0
    assert "rs-pays-it" in result.stdout
    assert "(?:pay|owe)s?\\s+it" in result.stderr and "slow" in result.stderr
    plain = CliRunner().invoke(cli, ["rules"])
    assert plain.exit_code == 0 and plain.stderr == ""


def test_a_veto_or_skip_with_unless_spares_the_sentences_it_matches(tmp_path: Path) -> None:
    write(
        tmp_path,
        'type = "revenue_share"\ncues = ["zork"]\n\n'
        '[[veto]]\nid = "rs-named-zork"\ndescription = "d"\npattern = \'"the" zork\'\n'
        "unless = '\"ended\"'\n\n"
        '[[skip]]\nid = "skip-draft"\ndescription = "d"\npattern = \'"draft"\'\n'
        "unless = '\"signed\"'\n\n"
        '[[construction]]\nid = "rs-zork-ended"\ndescription = "d"\n'
        'pattern = \'zork ~3 "ended"\'\nstatus = "ceased"\n\n'
        '[[construction]]\nid = "rs-zork-fee"\ndescription = "d"\n'
        'pattern = \'zork "fee"\'\nstatus = "active"\n',
    )
    made = _rules_made_by(tmp_path)
    assert made("The zork fee applies.") == []  # vetoed
    assert made("The zork fee has ended.") == ["rs-zork-ended"]  # the veto does not apply
    assert made("A zork fee is in the draft.") == []  # skipped
    assert made("A zork fee is in the signed draft.") == ["rs-zork-fee"]
