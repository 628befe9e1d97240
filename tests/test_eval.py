"""``dealdiff eval``: the label format, the scores, and agreement with CUAD's scorer."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from dealdiff.cli import cli
from dealdiff.errors import InputError
from dealdiff.evaluate import Counts, evaluate, load_labels, paragraphs

ROOT = Path(__file__).resolve().parents[1]
CUAD = ROOT.parent / "shared" / "data" / "cuad-dev"
SCORER = ROOT.parent / "shared" / "tools" / "cuad_score.py"

TEXT = (
    'This Agreement is between Acme Inc. ("Acme") and Bolt LLC ("Bolt").\n'
    "\n"
    "Bolt shall be the exclusive distributor of the Products in France.\n"
    "\n"
    "Bolt shall pay Acme a royalty of five percent (5%) of Net Sales.\n"
    "\n"
    "Each party shall keep the other's information confidential.\n"
)


def _write(tmp_path: Path, rows: list[dict[str, object]]) -> Path:
    (tmp_path / "a.txt").write_text(TEXT, "utf-8")
    labels = tmp_path / "labels.jsonl"
    labels.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    return labels


def _span(needle: str) -> tuple[int, int]:
    start = TEXT.index(needle)
    return start, start + len(needle)


def test_paragraphs_are_non_empty_lines_without_blanks() -> None:
    assert list(paragraphs("  a \n\n\tb\n   \nc")) == [(2, 3), (7, 8), (13, 14)]


def test_counts_give_precision_recall_f1() -> None:
    c = Counts(tp=2, fp=2, fn=0)
    assert (c.precision, c.recall, round(c.f1, 3)) == (0.5, 1.0, 0.667)
    assert Counts().f1 == 0.0


def test_scores_paragraphs_and_contracts(tmp_path: Path) -> None:
    s, e = _span("Bolt shall be the exclusive distributor")
    labels = _write(tmp_path, [{"contract": "a.txt", "type": "exclusivity", "start": s, "end": e}])
    report = evaluate(load_labels(labels))
    assert report.paragraph["exclusivity"] == Counts(1, 0, 0)
    assert report.paragraph["revenue_share"] == Counts(0, 1, 0)
    assert report.contract["revenue_share"] == Counts(0, 1, 0)
    kinds = {(m.kind, m.type) for m in report.misses}
    assert kinds == {("fp", "revenue_share")}
    fp = report.misses[0]
    assert fp.text.startswith("Bolt shall pay") and fp.why == ("revenue-share-royalty-rate",)


def test_missed_label_is_a_false_negative_with_a_reason(tmp_path: Path) -> None:
    s, e = _span("Each party shall keep")
    labels = _write(
        tmp_path, [{"contract": "a.txt", "type": "minimum_commitment", "start": s, "end": e}]
    )
    report = evaluate(load_labels(labels))
    assert report.paragraph["minimum_commitment"] == Counts(0, 0, 1)
    (miss,) = [m for m in report.misses if m.kind == "fn"]
    assert miss.line == 7 and miss.why == ()


def test_contract_only_lines_and_cloud_alias(tmp_path: Path) -> None:
    labels = _write(
        tmp_path,
        [
            {"contract": "a.txt"},
            {"contract": "a.txt", "type": "cloud_commitment", "start": 0, "end": 5},
        ],
    )
    loaded = load_labels(labels)
    assert len(loaded.contracts) == 1 and loaded.labels[0].type == "minimum_commitment"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("not json", "not JSON"),
        ('{"type": "exclusivity"}', '"contract"'),
        ('{"contract": "missing.txt"}', "no such contract"),
        ('{"contract": "a.txt", "type": "royalty", "start": 0, "end": 1}', "unknown type"),
        ('{"contract": "a.txt", "type": "exclusivity", "start": 5, "end": 1}', "offsets"),
    ],
)
def test_bad_labels_name_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    (tmp_path / "a.txt").write_text(TEXT, "utf-8")
    labels = tmp_path / "labels.jsonl"
    labels.write_text('{"contract": "a.txt"}\n' + line + "\n", "utf-8")
    with pytest.raises(InputError) as err:
        load_labels(labels)
    assert message in str(err.value) and err.value.line == 2


def test_eval_command_prints_table_and_errors(tmp_path: Path) -> None:
    s, e = _span("Bolt shall be the exclusive distributor")
    labels = _write(tmp_path, [{"contract": "a.txt", "type": "exclusivity", "start": s, "end": e}])
    result = CliRunner().invoke(cli, ["eval", str(labels), "--errors", "--by-rule"])
    assert result.exit_code == 0, result.output
    assert "exclusivity              1.00   1.00   1.00" in result.output
    assert "FP revenue_share" in result.output and "exclusivity-exclusive-role" in result.output
    result = CliRunner().invoke(cli, ["eval", str(labels), "-f", "json"])
    assert json.loads(result.output)["paragraph"]["exclusivity"] == [1.0, 1.0, 1.0]


def test_rules_command_lists_ids_types_and_files() -> None:
    result = CliRunner().invoke(cli, ["rules", "--type", "exclusivity"])
    assert result.exit_code == 0
    assert "exclusivity-exclusive-grant" in result.output
    assert "rules/exclusivity.toml" in result.output
    assert "priority-rofr" not in result.output


def test_config_file_adds_rule_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".git").mkdir()
    extra = tmp_path / "house"
    extra.mkdir()
    (extra / "x.toml").write_text(
        'type = "exclusivity"\n[[construction]]\nid = "house-sole-stockist"\n'
        'description = "our sole stockist"\npattern = \'"sole" stockist\'\nstatus = "exclusive"\n',
        "utf-8",
    )
    (tmp_path / "dealdiff.toml").write_text('[rules]\npaths = ["house"]\n[check]\n', "utf-8")
    sub = tmp_path / "deep"
    sub.mkdir()
    monkeypatch.chdir(sub)
    result = CliRunner().invoke(cli, ["rules", "--type", "exclusivity"])
    assert "house-sole-stockist" in result.output and "x.toml" in result.output


@pytest.mark.skipif(not CUAD.is_dir() or not SCORER.is_file(), reason="../shared not present")
def test_agrees_with_cuad_score_on_a_dev_sample(tmp_path: Path) -> None:
    """The figures of ``dealdiff eval`` equal those of cuad_score.py on the same contracts."""
    names = sorted(p.stem for p in (CUAD / "contracts").glob("*.txt"))[::23]
    keep = set(names)
    data = tmp_path / "data"
    (data / "contracts").mkdir(parents=True)
    for name in names:
        (data / "contracts" / f"{name}.txt").symlink_to(CUAD / "contracts" / f"{name}.txt")
    for fname in ("labels.jsonl", "paragraphs.jsonl", "answers.jsonl"):
        with open(CUAD / fname, encoding="utf-8") as src, open(data / fname, "w") as dst:
            dst.writelines(line for line in src if json.loads(line)["contract"] in keep)
    proc = subprocess.run(
        [
            sys.executable,
            str(SCORER),
            str(data),
            "--json",
            "--",
            sys.executable,
            "-m",
            "dealdiff",
            "parse",
            "--format",
            "jsonl",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    theirs = next(json.loads(x) for x in proc.stdout.splitlines() if x.startswith("{"))
    ours = evaluate(load_labels(data / "labels.jsonl")).as_dict()
    assert ours["paragraph"] == theirs["paragraph"]
    assert ours["contract"] == theirs["contract"]


def test_labels_split_on_newlines_only(tmp_path: Path) -> None:
    # A JSON string may hold U+2028; it must not split the line.
    (tmp_path / "a\u2028b.txt").write_text(TEXT, "utf-8")
    labels = tmp_path / "labels.jsonl"
    labels.write_text('{"contract": "a\u2028b.txt"}\n{"contract": "missing.txt"}\n', "utf-8")
    with pytest.raises(InputError) as err:
        load_labels(labels)
    assert err.value.line == 2


def test_eval_on_several_processes_gives_the_same_report(tmp_path: Path) -> None:
    """``-j 2`` parses in worker processes; figures, misses and their order are unchanged."""
    rows: list[dict[str, object]] = []
    for n in range(5):
        name = f"c{n}.txt"
        text = TEXT.replace("France", f"Region {n}") if n % 2 else TEXT
        (tmp_path / name).write_text(text, "utf-8")
        start = text.index("Bolt shall pay")
        label = {"type": "revenue_share", "start": start, "end": start + 9} if n != 3 else {}
        rows.append({"contract": name, **label})
    labels = tmp_path / "labels.jsonl"
    labels.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    one = CliRunner().invoke(cli, ["eval", str(labels), "--errors", "--by-rule", "-j", "1"])
    two = CliRunner().invoke(cli, ["eval", str(labels), "--errors", "--by-rule", "-j", "2"])
    assert one.exit_code == two.exit_code == 0, two.output

    def untimed(out: str) -> list[str]:
        return [line for line in out.splitlines() if " MB in " not in line]

    assert untimed(two.output) == untimed(one.output)
    assert "revenue_share            0.80   1.00   0.89" in one.output


def test_an_unreadable_contract_is_the_same_error_on_several_processes(tmp_path: Path) -> None:
    """A worker sends its error back pickled; before, rebuilding an InputError failed in
    the pool's result thread and the command hung."""
    rows = []
    for n in range(4):
        (tmp_path / f"c{n}.txt").write_text(TEXT, "utf-8")
        rows.append({"contract": f"c{n}.txt"})
    (tmp_path / "c2.txt").write_bytes(b"\xff\xfe\x00 not text")
    labels = tmp_path / "labels.jsonl"
    labels.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    one = CliRunner().invoke(cli, ["eval", str(labels), "-j", "1"])
    two = CliRunner().invoke(cli, ["eval", str(labels), "-j", "2"])
    assert one.exit_code == two.exit_code == 2
    assert "c2.txt" in one.output and two.output == one.output


def test_errors_survive_pickling() -> None:
    import pickle

    from dealdiff.errors import RulesError, SourceError, UsageError

    for err in (
        SourceError("not UTF-8", file="a.txt", line=3, column=7, context="x\n^"),
        RulesError("bad", file="r.toml", line=1),
        UsageError("wrong option"),
    ):
        back = pickle.loads(pickle.dumps(err))
        assert type(back) is type(err) and back.render() == err.render()
