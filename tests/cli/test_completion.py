"""Shell completion: the scripts are generated from the parser, and bash completes with them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from statustrack.cli import _COMMANDS, SHELLS, _actions, _parser

from ..support import run_cli


def _complete(script: Path, words: list[str]) -> list[str]:
    """What bash offers for the last of `words`, the completion script sourced (as COMP_WORDS
    and COMP_CWORD are set when the user presses Tab)."""
    line = " ".join(words)
    quoted = " ".join(f"'{w}'" for w in words)
    program = (
        f"source '{script}'; COMP_WORDS=({quoted}); COMP_CWORD={len(words) - 1}; "
        f"COMP_LINE='{line}'; COMP_POINT=${{#COMP_LINE}}; _shtab_statustrack; "
        'printf "%s\\n" "${COMPREPLY[@]}"'
    )
    done = subprocess.run(["bash", "--norc", "--noprofile", "-c", program], capture_output=True, text=True, check=True)
    return done.stdout.split()


@pytest.fixture(scope="module")
def bash_script(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`statustrack completion bash`, written to a file."""
    if shutil.which("bash") is None:
        pytest.skip("no bash")
    result = run_cli("completion", "bash")
    assert result.status == 0, result.err
    path = tmp_path_factory.mktemp("completion") / "statustrack.bash"
    path.write_text(result.out, encoding="utf-8")
    return path


def test_bash_completes_a_command(bash_script: Path) -> None:
    """`statustrack hi<Tab>` offers `history`; `statustrack <Tab>` every command."""
    assert _complete(bash_script, ["statustrack", "hi"]) == ["history"]
    assert set(_complete(bash_script, ["statustrack", ""])) >= set(_COMMANDS)


def test_bash_completes_options_and_choices(bash_script: Path) -> None:
    """Options of a command, and the choices of an option (aspects, table formats)."""
    assert _complete(bash_script, ["statustrack", "at", "--table-f"]) == ["--table-format"]
    assert _complete(bash_script, ["statustrack", "at", "--aspect", "rec"]) == ["recognition"]
    assert _complete(bash_script, ["statustrack", "at", "--table-format", "git"]) == ["github"]


@pytest.mark.parametrize("shell", SHELLS)
def test_script_names_every_command_and_option(shell: str) -> None:
    """Each shell's script names every command and every long option of the parser."""
    result = run_cli("completion", shell)
    assert result.status == 0, result.err
    options = {o for a in _actions(_parser()) for o in a.option_strings if o.startswith("--")}
    missing = [name for name in [*_COMMANDS, *options] if name.lstrip("-") not in result.out]
    assert not missing
