"""Every ``$ dealdiff ...`` command shown in the README runs, and exits as documented."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT

from dealdiff.cli import cli

README = (ROOT / "README.md").read_text("utf-8")
COMMANDS = [
    line.strip()[2:]
    for block in re.findall(r"```[a-z]*\n(.*?)```", README, re.S)
    for line in block.splitlines()
    if line.strip().startswith("$ dealdiff ") or line.strip().startswith("$ cat ")
]


def test_readme_shows_commands() -> None:
    assert len(COMMANDS) >= 5


@pytest.mark.parametrize("command", COMMANDS)
def test_readme_command_runs(command: str, tmp_path: Path) -> None:
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    shutil.copytree(ROOT / "tests" / "data", tmp_path / "tests" / "data")
    for extra in ("dealdiff.toml",):
        if (ROOT / extra).exists():
            shutil.copy(ROOT / extra, tmp_path / extra)
    env = dict(os.environ, NO_COLOR="1")
    shell = command.replace("dealdiff ", f"{shlex.quote(sys.executable)} -m dealdiff ")
    proc = subprocess.run(
        shell, shell=True, cwd=tmp_path, capture_output=True, text=True, env=env, timeout=120
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode in (0, 1), proc.stderr


def test_every_command_and_option_is_documented() -> None:
    for name, command in cli.commands.items():
        assert f"dealdiff {name}" in README, f"README does not document `dealdiff {name}`"
        for param in command.params:
            for opt in param.opts:
                if opt.startswith("--"):
                    assert opt in README, f"README does not document {name} {opt}"


def test_help_documents_exit_codes() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert "Exit codes" in result.output and "2  usage error" in result.output


def test_readme_rule_examples_are_the_shipped_rules() -> None:
    shipped = "".join(p.read_text("utf-8") for p in sorted((ROOT / "rules").glob("*.toml")))
    examples = [
        b for b in re.findall(r"```toml\n(.*?)```", README, re.S) if "[[construction]]" in b
    ]
    assert examples
    for block in examples:
        assert block in shipped, block


def test_readme_seed_diff_is_the_current_output(monkeypatch: pytest.MonkeyPatch) -> None:
    """The main job's output printed in the README is what the command prints today."""
    monkeypatch.chdir(ROOT)
    shown = re.search(
        r"\$ (dealdiff diff seeds/\S+ seeds/\S+)\n(.*?)\$ echo \$\?\n(\d+)\n", README, re.S
    )
    assert shown is not None, "the README shows no seed diff with its exit code"
    command, output, code = shown.groups()
    result = CliRunner().invoke(cli, shlex.split(command)[1:], env={"NO_COLOR": "1"})
    assert result.output == output
    assert result.exit_code == int(code)
