"""``dealdiff check``: the library API, the rule set, policy, ignores, renderers and the CLI."""

from __future__ import annotations

import datetime as dt
import json
import re
import shlex
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DATA, ROOT
from hypothesis import given, settings
from hypothesis import strategies as st
from schema_lite import schema_errors

from dealdiff.check import CheckResult, Finding, Severity, check
from dealdiff.checkconfig import config_from_text
from dealdiff.checkrules import CATEGORIES, check_rules, currencies
from dealdiff.cli import cli
from dealdiff.errors import RulesError, SourceError, UsageError
from dealdiff.ignore import parse_ignore
from dealdiff.model import CloudCommitment, Exclusivity, Party, RevenueShare
from dealdiff.policy import FIELD_KINDS, compile_condition, compile_rule
from dealdiff.render_check import (
    render_github,
    render_json,
    render_junit,
    render_sarif,
    render_text,
)

BAD = 'party Acme = "Acme Inc."\nrevenue_share { status active  payee Acme  rate 120% }\n'
WARN = 'party Acme = "Acme Inc."\nminimum_commitment { committer Acme  amount 500 }\n'


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def sample(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CheckResult:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "bad.terms", BAD)
    _write(tmp_path, "warn.terms", WARN)
    _write(tmp_path, "syntax.terms", "exclusivity {\n")
    _write(tmp_path, "ok.terms", 'exclusivity { status exclusive  territory ["EU"] }\n')
    return check(["."], config=False)


# ---------------------------------------------------------------- rule set


def test_rule_set_is_well_formed() -> None:
    rules = check_rules()
    assert len(rules) >= 20
    for rule in rules.values():
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.id)
        assert rule.category in CATEGORIES
        assert rule.summary.endswith(".") and rule.message
        # Every template formats with the names it declares.
        rule.format(**{name: "x" for name in rule.fields()})


def test_every_rule_is_used_and_every_used_id_exists() -> None:
    source = "".join(
        (ROOT / "dealdiff" / name).read_text("utf-8")
        for name in ("check.py", "termfile.py", "ignore.py")
    )
    used = set(re.findall(r'"([a-z]+(?:-[a-z0-9]+)+)"', source))
    rules = set(check_rules())
    drift = {f"drift-{kind}" for kind in ("added", "removed", "changed")}
    assert drift <= rules
    for rule in rules - drift:
        assert rule in used, f"{rule} is never reported"
    reported = set(re.findall(r'(?:add|problem|_BadValue)\(\s*"([a-z0-9-]+)"', source))
    assert reported and reported <= rules


def test_currency_list_is_iso_4217_shaped() -> None:
    codes = currencies()
    assert {"USD", "EUR", "GBP", "JPY", "CHF", "XAU"} <= codes
    assert all(re.fullmatch(r"[A-Z]{3}", c) for c in codes)


# ---------------------------------------------------------------- library


def test_check_collects_every_finding_in_every_file(sample: CheckResult) -> None:
    rules = sorted((Path(f.file).name, f.rule) for f in sample.findings)
    assert rules == [
        ("bad.terms", "rate-out-of-range"),
        ("syntax.terms", "syntax-error"),
        ("warn.terms", "amount-without-currency"),
    ]
    assert len(sample.files) == 4
    assert sample.summary() == "2 errors, 1 warning in 4 files"
    assert sample.failed
    finding = next(f for f in sample.findings if f.rule == "rate-out-of-range")
    assert isinstance(finding, Finding) and finding.severity is Severity.ERROR
    assert (finding.line, finding.column) == (2, 49)
    assert finding.context.splitlines()[1].strip() == "^^^^"


def test_fingerprints_do_not_move_with_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "a.terms", BAD)
    before = check(["a.terms"], config=False).findings[0]
    _write(tmp_path, "a.terms", "# a new comment\n\n" + BAD)
    after = check(["a.terms"], config=False).findings[0]
    assert after.line == before.line + 2
    assert after.fingerprint == before.fingerprint


def test_fail_on_and_summary_wording(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "w.terms", WARN)
    assert not check(["w.terms"], config=False).failed
    assert check(["w.terms"], config=False, fail_on="warning").failed
    assert check(["w.terms"], config=False).summary() == "1 warning in 1 file"
    _write(tmp_path, "ok.terms", "exclusivity { }\n")
    assert check(["ok.terms"], config=False).summary() == "no findings in 1 file"


def test_missing_path_is_an_input_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SourceError):
        check(["nope.terms"], config=False)


def test_terms_needs_exactly_one_agreement(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "a.txt", "x")
    _write(tmp_path, "b.txt", "y")
    _write(tmp_path, "ok.terms", "exclusivity { }\n")
    with pytest.raises(UsageError):
        check(["a.txt", "b.txt"], terms="ok.terms", config=False)


def test_binary_term_file_is_a_finding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.terms").write_bytes(b"exclusivity {\x00}")
    (tmp_path / "y.terms").write_bytes(b'exclusivity { holder "\xff" }')
    result = check(["."], config=False)
    assert [f.rule for f in result.findings] == ["unreadable-input", "unreadable-input"]


def test_config_severity_override_and_pairs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "w.terms", WARN)
    _write(tmp_path, "dealdiff.toml", '[check.severity]\namount-without-currency = "error"\n')
    result = check(["w.terms"])
    assert [f.severity for f in result.findings] == [Severity.ERROR]
    with pytest.raises(RulesError, match="unknown check id"):
        config_from_text('[check.severity]\nno-such-rule = "error"\n', "dealdiff.toml")
    with pytest.raises(RulesError, match="exactly agreement"):
        config_from_text('[[pair]]\nagreement = "a.txt"\n', "dealdiff.toml")


def test_drift_between_text_and_its_own_term_file_is_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What `parse --format terms` writes is, by construction, drift-free for that text."""
    from dealdiff import parse_file, termfile

    monkeypatch.chdir(tmp_path)
    source = DATA / "diff" / "rate-change" / "new.txt"
    shutil.copy(source, tmp_path / "licence.txt")
    _write(tmp_path, "approved.terms", termfile.dumps(parse_file("licence.txt")))
    result = check(["licence.txt"], terms="approved.terms", config=False)
    assert [f for f in result.findings if f.category == "drift"] == []


def test_drift_severity_is_configurable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "old.terms", "revenue_share { payer A  payee B  rate 20% }\n")
    _write(tmp_path, "new.terms", "revenue_share { payer A  payee B  rate 25% }\n")
    strict = check(["new.terms"], terms="old.terms", config=False)
    assert [(f.rule, f.severity) for f in strict.findings if f.category == "drift"] == [
        ("drift-changed", Severity.ERROR)
    ]
    lenient = check(["new.terms"], terms="old.terms", config=False, drift_severity="info")
    assert [f.severity for f in lenient.findings if f.category == "drift"] == [Severity.INFO]


# ---------------------------------------------------------------- policy


@pytest.mark.parametrize(
    ("condition", "term", "expected"),
    [
        ("rate <= 20%", RevenueShare(rate=20), True),
        ("rate <= 20", RevenueShare(rate=20.5), False),
        ("rate < 20%", RevenueShare(), False),  # a missing value never compares
        ("rate == none", RevenueShare(), True),
        ("end != none", RevenueShare(end=dt.date(2030, 1, 1)), True),
        ("end < 2030-01-02", RevenueShare(end=dt.date(2030, 1, 1)), True),
        ("type == 'REVENUE_SHARE'", RevenueShare(), True),
        ("status in ['active', 'ceased']", RevenueShare(status="ceased"), True),
        ("status not in ['active']", RevenueShare(status="ceased"), True),
        ("territory contains 'canada'", Exclusivity(territory=("Canada",)), True),
        ("subject contains 'cloud'", Exclusivity(subject="Cloud services"), True),
        ("holder == 'Acme Inc.'", Exclusivity(holder="Acme"), True),  # any name of the party
        ("holder != 'Us'", Exclusivity(holder="Acme"), True),
        ("not (holder == 'Acme') or rate", Exclusivity(holder="Acme"), False),
        (
            "amount >= 1000 and currency == 'usd'",
            CloudCommitment(amount=1000, currency="USD"),
            True,
        ),
        ("period > P4Y", CloudCommitment(), False),
        ("end", RevenueShare(), False),  # a bare field: is it set?
    ],
)
def test_condition_language(condition: str, term: object, expected: bool) -> None:
    pred, _ = compile_condition(condition)
    parties = (Party(name="Acme Inc.", aliases=("Acme",)),)
    assert pred((term, parties)) is expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ("rat <= 20", "unknown field 'rat' (did you mean 'rate'?)"),
        ("holder < 5", "'<' needs numbers, dates or periods, not field 'holder'"),
        ("rate <= 2026-01-01", "'<=' compares a percent with a date"),
        ("rate <=", "cannot read the condition at column 8"),
        ("end > 2026-02-30", "2026-02-30 is not a calendar date"),
    ],
)
def test_bad_conditions_are_rules_errors(condition: str, message: str) -> None:
    with pytest.raises(RulesError) as info:
        compile_condition(condition, origin="policy.toml")
    assert message in info.value.message


def test_policy_rule_checks() -> None:
    with pytest.raises(RulesError, match="kebab-case"):
        compile_rule({"id": "Bad Id", "when": "rate"}, origin="p")
    with pytest.raises(RulesError, match="built-in"):
        compile_rule({"id": "duplicate-term", "when": "rate"}, origin="p")
    with pytest.raises(RulesError, match="unknown keys"):
        compile_rule({"id": "x", "when": "rate", "severity": "error", "sev": 1}, origin="p")
    rule = compile_rule({"id": "no-rofr", "when": "kind == 'rofr'"}, origin="p")
    assert rule.message == "no-rofr: forbidden: kind == 'rofr'"
    assert set(FIELD_KINDS) >= {"type", "status", "rate", "amount", "period", "territory"}


# ---------------------------------------------------------------- ignore file


def test_ignore_file_parsing() -> None:
    text = (
        "# comment\n"
        "0123456789abcdef 2026-12-31 approved (LEGAL-1)\n"
        "0123456789ABCDEF no expiry here\n"
        "nothex reason\n"
        "0123456789abcdef\n"
        "0123456789abcdef 2026-02-30 bad date\n"
    )
    entries, problems = parse_ignore(text, ".dealdiffignore")
    assert [(e.reason, e.expires, e.line) for e in entries] == [
        ("approved (LEGAL-1)", dt.date(2026, 12, 31), 2),
        ("no expiry here", None, 3),
    ]
    assert [p.line for p in problems] == [4, 5, 6]
    assert not entries[0].expired(dt.date(2026, 12, 31))
    assert entries[0].expired(dt.date(2027, 1, 1))


def test_ignore_file_lines_are_newline_separated() -> None:
    text = "0123456789abcdef reason with \x0c form feed\nnothex reason\n"
    entries, problems = parse_ignore(text, ".dealdiffignore")
    assert [e.reason for e in entries] == ["reason with \x0c form feed"]
    assert [p.line for p in problems] == [2]


def test_expired_entries_stop_suppressing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "a.terms", BAD)
    fp = check(["a.terms"], config=False).findings[0].fingerprint
    _write(tmp_path, ".dealdiffignore", f"{fp} 2026-06-30 accepted for Q2\n")
    during = check(["a.terms"], config=False, today=dt.date(2026, 6, 30))
    assert during.findings == () and len(during.suppressed) == 1
    assert during.suppressed[0].reason == "accepted for Q2"
    assert during.summary() == "no findings in 1 file (1 suppressed)"
    after = check(["a.terms"], config=False, today=dt.date(2026, 7, 1))
    assert sorted(f.rule for f in after.findings) == ["ignore-expired", "rate-out-of-range"]


# ---------------------------------------------------------------- renderers


def test_text_output(sample: CheckResult) -> None:
    text = render_text(sample)
    assert text.endswith("2 errors, 1 warning in 4 files\n")
    assert re.search(
        r"^bad\.terms:2:49: error: rate 120% is outside 0% to 100% "
        r"\[rate-out-of-range [0-9a-f]{16}\]$",
        text,
        re.M,
    )


def test_github_annotations(sample: CheckResult) -> None:
    lines = render_github(sample).splitlines()
    assert lines[0].startswith("::error file=bad.terms,line=2,col=49,title=rate-out-of-range::")
    assert "120%25" in lines[0]  # % is escaped in workflow commands
    assert any(line.startswith("::warning file=warn.terms,") for line in lines)
    assert lines[-1] == "2 errors, 1 warning in 4 files"


def test_json_output_matches_schema(sample: CheckResult) -> None:
    doc = json.loads(render_json(sample))
    assert doc["summary"]["errors"] == 2 and doc["summary"]["failed"] is True
    schema = json.loads((ROOT / "dealdiff" / "schemas" / "check.schema.json").read_text("utf-8"))
    assert list(schema_errors(doc, schema, schema)) == []


def test_sarif_has_the_required_2_1_0_properties(sample: CheckResult) -> None:
    log = json.loads(render_sarif(sample))
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-2.1.0.json")
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "dealdiff"
    rule_ids = [r["id"] for r in driver["rules"]]
    assert set(check_rules()) <= set(rule_ids)
    assert all(r["shortDescription"]["text"] for r in driver["rules"])
    assert len(run["results"]) == 3
    for result in run["results"]:
        assert result["ruleId"] in rule_ids
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        assert result["message"]["text"]
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"]["uri"].endswith(".terms")
        assert physical["region"]["startLine"] >= 1
        assert physical["region"]["startColumn"] >= 1
    # The essentials of the SARIF 2.1.0 schema, as a structural cross-check.
    essentials = {
        "type": "object",
        "required": ["version", "runs"],
        "properties": {
            "version": {"const": "2.1.0"},
            "runs": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["tool"],
                    "properties": {
                        "tool": {
                            "type": "object",
                            "required": ["driver"],
                            "properties": {"driver": {"type": "object", "required": ["name"]}},
                        },
                        "results": {
                            "type": "array",
                            "items": {"type": "object", "required": ["message"]},
                        },
                    },
                },
            },
        },
    }
    assert list(schema_errors(log, essentials, essentials)) == []


def test_sarif_marks_suppressed_results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "a.terms", BAD)
    fp = check(["a.terms"], config=False).findings[0].fingerprint
    _write(tmp_path, "ignore", f"{fp} known\n")
    log = json.loads(render_sarif(check(["a.terms"], config=False, ignore="ignore")))
    (result,) = log["runs"][0]["results"]
    assert result["suppressions"] == [{"kind": "external", "justification": "known"}]


def test_junit_parses_back(sample: CheckResult) -> None:
    root = ET.fromstring(render_junit(sample))
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    assert suite.get("tests") == "4" and suite.get("failures") == "2"
    cases = {case.get("name"): case for case in suite.findall("testcase")}
    assert set(cases) == {"bad.terms", "ok.terms", "syntax.terms", "warn.terms"}
    failure = cases["bad.terms"].find("failure")
    assert failure is not None and failure.get("type") == "rate-out-of-range"
    assert cases["ok.terms"].find("failure") is None
    out = cases["warn.terms"].find("system-out")
    assert out is not None and "amount-without-currency" in (out.text or "")


# ---------------------------------------------------------------- CLI


def test_cli_exit_codes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "bad.terms", BAD)
    _write(tmp_path, "ok.terms", "exclusivity { }\n")
    _write(tmp_path, "bad-policy.toml", '[[policy]]\nid = "x"\nwhen = "rat > 1"\n')
    runner = CliRunner()
    assert runner.invoke(cli, ["check", "ok.terms"]).exit_code == 0
    assert runner.invoke(cli, ["check", "bad.terms"]).exit_code == 1
    missing = runner.invoke(cli, ["check", "missing.terms"])
    assert missing.exit_code == 2 and "missing.terms: error: no such file" in missing.output
    policy = runner.invoke(cli, ["check", "ok.terms", "--policy", "bad-policy.toml"])
    assert policy.exit_code == 2 and "unknown field 'rat'" in policy.output
    both = runner.invoke(cli, ["check", "--config", "x.toml", "--no-config"])
    assert both.exit_code == 2
    bad_format = runner.invoke(cli, ["check", "ok.terms", "--format", "xml"])
    assert bad_format.exit_code == 2


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif", "junit"])
def test_cli_formats_and_output_file(
    fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "bad.terms", BAD)
    result = CliRunner().invoke(cli, ["check", "bad.terms", "-f", fmt, "-o", "out"])
    assert result.exit_code == 1 and result.output == ""
    assert "rate-out-of-range" in (tmp_path / "out").read_text("utf-8")


def test_check_help_documents_every_option_and_the_exit_codes() -> None:
    command = cli.commands["check"]
    for param in command.params:
        if param.param_type_name == "option":
            assert getattr(param, "help", None), param.name
    text = CliRunner().invoke(cli, ["check", "--help"]).output
    assert "Exit codes:" in text and "--fail-on" in text
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("## Term files and `dealdiff check`", 1)[1].split("\n## ", 1)[0]
    for param in command.params:
        for opt in getattr(param, "opts", []):
            if opt.startswith("--") and opt != "--help":
                assert opt in section, f"README does not document {opt}"


def _hooks() -> list[dict[str, str]]:
    """The hooks of .pre-commit-hooks.yaml (a flat list of flat maps, read without YAML)."""
    hooks: list[dict[str, str]] = []
    for line in (ROOT / ".pre-commit-hooks.yaml").read_text("utf-8").splitlines():
        if line.startswith("- "):
            hooks.append({})
            line = "  " + line[2:]
        if hooks and re.match(r"^  \w+:", line):
            key, _, value = line.strip().partition(":")
            hooks[-1][key] = value.strip()
    return hooks


def test_pre_commit_hook_entry_runs(tmp_path: Path) -> None:
    hooks = {h["id"]: h for h in _hooks()}
    assert set(hooks) == {"dealdiff-check", "dealdiff-check-all"}
    hook = hooks["dealdiff-check"]
    assert hook["language"] == "python" and re.search(hook["files"], "approved/deal.terms")
    _write(tmp_path, "good.terms", (DATA / "termfiles" / "valid" / "one-line.terms").read_text())
    _write(tmp_path, "bad.terms", BAD)
    argv = shlex.split(hook["entry"])
    exe = shutil.which(argv[0])
    command = [exe] if exe else [sys.executable, "-m", "dealdiff"]
    run = [*command, *argv[1:]]
    ok = subprocess.run([*run, "good.terms"], cwd=tmp_path, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout == "no findings in 1 file\n"
    bad = subprocess.run(
        [*run, "good.terms", "bad.terms"], cwd=tmp_path, capture_output=True, text=True
    )
    assert bad.returncode == 1
    assert "bad.terms:2:49: error: rate 120% is outside 0% to 100%" in bad.stdout
    everything = shlex.split(hooks["dealdiff-check-all"]["entry"])
    full = subprocess.run([*command, *everything[1:]], cwd=tmp_path, capture_output=True, text=True)
    assert full.returncode == 1 and full.stdout.endswith("1 error in 2 files\n")


# ---------------------------------------------------------------- never crash

_ALPHABET = '{}[]"%#=,._-\n PYM0123456789abcdeklnoprstuvxy'


@given(st.text(_ALPHABET, max_size=120))
@settings(max_examples=150, deadline=None)
def test_check_never_raises_on_any_term_file(text: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.terms"
        path.write_text(text, encoding="utf-8")
        result = check([path], config=False)
        render_sarif(result)
        render_junit(result)
        assert result.files == (str(path),)


def _readme_section() -> str:
    readme = (ROOT / "README.md").read_text("utf-8")
    return readme.split("## Term files and `dealdiff check`", 1)[1].split("\n## ", 1)[0]


def test_readme_examples_are_valid() -> None:
    from dealdiff import termfile

    blocks = re.findall(r"```(\w*)\n(.*?)```", _readme_section(), re.S)
    terms = next(body for lang, body in blocks if body.startswith("# Approved terms"))
    tf = termfile.read(terms, source="README.md")
    assert tf.problems == ()
    assert [t.type.value for t in tf.agreement.terms] == [
        "exclusivity",
        "revenue_share",
        "priority_access",
        "cloud_commitment",
        "minimum_commitment",
    ]
    toml = next(body for lang, body in blocks if lang == "toml")
    config = config_from_text(toml, "dealdiff.toml")
    assert [r.id for r in config.policy.rules] == [
        "no-exclusivity-to-counterparty",
        "revenue-share-cap",
        "commitment-has-end",
    ]
    ignore = next(body for lang, body in blocks if body.startswith("# fingerprint"))
    entries, problems = parse_ignore(ignore, ".dealdiffignore")
    assert len(entries) == 2 and problems == []


@pytest.mark.parametrize(
    "module",
    ["check", "checkconfig", "checkrules", "ignore", "policy", "render_check", "termfile"],
)
def test_docstring_examples(module: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(f"dealdiff.{module}"))
    assert result.failed == 0 and result.attempted > 0


def _agreements_for_check() -> st.SearchStrategy[object]:
    from test_termfile import _agreements

    return _agreements


_POLICY = [
    {"id": "cap", "when": "type == 'revenue_share'", "require": "rate <= 20% and rate >= 0"},
    {"id": "ends", "when": "amount > 0 or quantity > 0", "require": "end != none or period < P5Y"},
    {"id": "ours", "when": "holder", "require": "holder in ['Acme', 'Us'] or holder contains 'x'"},
    {"id": "where", "when": "territory contains 'EU' and not (status == 'exclusive')"},
    {"id": "msg", "when": "kind", "message": "{kind} {holder} {rate} {amount} {nothing}"},
]


@given(_agreements_for_check())
@settings(max_examples=100, deadline=None)
def test_policy_and_validation_never_raise(agreement: object) -> None:
    from dealdiff import termfile
    from dealdiff.policy import Policy

    policy = Policy(tuple(compile_rule(r, origin="p") for r in _POLICY))
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "gen.terms"
        path.write_text(termfile.dumps(agreement), encoding="utf-8")  # type: ignore[arg-type]
        result = check([path], config=False, policy=policy)
        render_text(result)
        assert all(f.line is None or f.line >= 1 for f in result.findings)


def test_readme_lists_every_built_in_rule() -> None:
    section = _readme_section()
    for rule_id in check_rules():
        assert f"`{rule_id}`" in section, rule_id


def test_fingerprints_hold_from_any_folder_of_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Paths in fingerprints are relative to dealdiff.toml's folder, not the working
    # folder, so an ignore entry written at the root still matches from a subfolder.
    _write(tmp_path, "dealdiff.toml", "[check]\n")
    _write(tmp_path, "deals/a.terms", BAD)
    monkeypatch.chdir(tmp_path)
    at_root = check(["deals/a.terms"]).findings[0].fingerprint
    monkeypatch.chdir(tmp_path / "deals")
    in_sub = check(["a.terms"]).findings[0]
    assert in_sub.fingerprint == at_root
    assert in_sub.file == "a.terms"
