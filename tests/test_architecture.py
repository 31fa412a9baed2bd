"""The shape of the code and its documentation (issue 15): the command line is a thin layer
that nothing in the library imports, and every command is documented with help, an example
and a README entry whose options parse (the sqlite-utils docs-test pattern)."""

from __future__ import annotations

import ast
import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
import typer.testing

from expunge.cli import app

ROOT = Path(__file__).parents[1]
SRC = ROOT / "src" / "expunge"
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _imports(path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def test_no_library_module_imports_the_command_line() -> None:
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        if (SRC / "cli") in path.parents:
            continue
        names = [n for n in _imports(path) if n == "expunge.cli" or n.startswith("expunge.cli.")]
        offenders += [f"{path.relative_to(SRC)}: {n}" for n in names]
    assert not offenders, offenders


_SCAN_IMPORTS = """
import sys
from pathlib import Path
from expunge.cli import main
data = Path(sys.argv[1])
data.write_text('{"id": "1", "text": "mail jo@example.org"}\\n', encoding="utf-8")
sys.argv = ["expunge", "scan", str(data)]
try:
    main()
except SystemExit:
    pass
print(" ".join(sorted(sys.modules)), file=sys.stderr)
"""


def test_a_scan_imports_only_what_a_scan_needs(tmp_path: Path) -> None:
    """Start-up under 0.3 s (issue 18): the other commands' modules stay unimported, and so
    does pydantic, which typer >= 0.29 would import to build a validator for every option."""
    import subprocess
    import sys

    run = subprocess.run(
        [sys.executable, "-c", _SCAN_IMPORTS, str(tmp_path / "one.jsonl")],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert run.returncode == 0 and "1 of 1 records" in run.stdout, run
    loaded = set(run.stderr.split())
    assert "expunge.cli.dataset" in loaded and "expunge.detect" in loaded
    for module in ("expunge.cli.audit", "expunge.cli.unlearn", "expunge.cli.images",
                   "expunge.cli.rights", "expunge.cli.serve", "pydantic", "torch"):  # fmt: skip
        assert module not in loaded, module


def test_help_lists_every_mounted_command_in_order() -> None:
    from expunge import cli

    listed = typer.testing.CliRunner().invoke(app, ["--help"]).output
    names = re.findall(r"(?m)^  ([a-z]+)\s{2,}", listed.split("Commands:", 1)[1])
    assert names == list(cli._MOUNTS), names


def test_benchmarks_use_the_library_not_private_cli_functions() -> None:
    for path in sorted((ROOT / "benchmarks").glob("*.py")):
        private = [n for n in _imports(path) if n.startswith("expunge.cli") and "._" in n]
        assert not private, (path.name, private)


# Typer carries its own copy of click: commands are recognised by shape, not by class.
Command = Any


def _is_group(command: Command) -> bool:
    return hasattr(command, "commands")


def _commands(
    group: Command, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], Command]]:
    if _is_group(group):
        if path and getattr(group, "invoke_without_command", False):
            yield path, group  # a group that is a command too (`expunge audit --model M`)
        for name, sub in group.commands.items():
            yield from _commands(sub, (*path, name))
    else:
        yield path, group


ROOT_COMMAND = typer.main.get_command(app)
COMMANDS = list(_commands(ROOT_COMMAND))


def test_there_are_commands_to_check() -> None:
    assert len(COMMANDS) >= 25


@pytest.mark.parametrize("path,command", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_command_has_help_an_example_and_a_readme_entry(
    path: tuple[str, ...], command: Command
) -> None:
    name = "expunge " + " ".join(path)
    assert (command.help or "").strip(), f"{name} has no help text"
    epilog = command.epilog or ""
    group = ROOT_COMMAND
    for part in path[:-1]:  # a group's callback may carry the example for its default action
        group = group.commands[part]
    assert "Example" in epilog or "Example" in (group.epilog or ""), f"{name}: no example"
    assert re.search(rf"(?m)^\$?\s*{re.escape(name)}\b", README), f"{name} is not in the README"


def _readme_examples() -> list[str]:
    """The command lines of the README's ```bash blocks (runnable examples, not synopses)."""
    lines: list[str] = []
    for block in re.findall(r"```bash\n(.*?)```", README, re.DOTALL):
        joined = re.sub(r"\\\n\s*", " ", block)
        for line in joined.splitlines():
            line = line.split(" #", 1)[0].strip()
            if line.startswith(("expunge ", ".venv/bin/expunge ")):
                lines.append(line.removeprefix(".venv/bin/"))
    return lines


EXAMPLES = _readme_examples()


def test_the_readme_has_examples() -> None:
    assert len(EXAMPLES) >= 20


@pytest.mark.parametrize("line", EXAMPLES)
def test_every_readme_example_parses(line: str) -> None:
    """Options and arguments as the command defines them: nothing is run."""
    words = shlex.split(line)[1:]
    words = [w for w in words if w not in (">", "|") and not w.startswith(">")]
    command: Command = ROOT_COMMAND
    args = list(words)
    while _is_group(command) and args and args[0] in command.commands:
        command = command.commands[args.pop(0)]
    if "|" in line or ">" in line:  # a pipe or redirection: only what comes before it
        cut = next(i for i, w in enumerate(args) if w in ("|", ">") or w.startswith(">"))
        args = args[:cut] if cut else args
    context = command.make_context(" ".join(words[:1]), args, resilient_parsing=False)
    assert context is not None


def test_the_choices_typer_checks_are_the_librarys() -> None:
    from typing import get_args

    from expunge.cli import options
    from expunge.errors import OnError
    from expunge.io import FORMATS
    from expunge.model.unlearn import METHODS

    assert set(get_args(options.Format)) == {"auto", *FORMATS}
    assert get_args(options.UnlearnMethod) == METHODS
    assert set(get_args(options.OnError)) == set(get_args(OnError))


@pytest.mark.parametrize(
    "args",
    [["scan", "x", "--on-error", "ignore"], ["scan", "x", "--engine", "spark"],
     ["scan", "x", "--format", "xml"], ["forget", "x", "--out", "y", "--mode", "erase"]],
)  # fmt: skip
def test_a_bad_choice_is_refused_before_anything_runs(args: list[str]) -> None:
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert "Invalid value for" in result.output and args[-1] in result.output


def test_executors_know_nothing_of_what_jobs_do() -> None:
    """Any picklable job with run(progress) -> result runs through them (issue 15 §2)."""
    for path in sorted((SRC / "executors").glob("*.py")):
        names = [n for n in _imports(path) if n.startswith("expunge.")]
        assert all(n.startswith(("expunge.executors", "expunge.errors")) for n in names), (
            path.name, names)  # fmt: skip


def test_an_executor_runs_any_job() -> None:
    from expunge.executors import make_executor

    jobs = [_Square(n) for n in range(5)]
    assert sorted(make_executor("local", 2).map_jobs(jobs, None)) == [0, 1, 4, 9, 16]
    assert sorted(make_executor("local", 1).map_jobs(jobs, None)) == [0, 1, 4, 9, 16]


class _Square:
    """A job that is not a shard: module level, so a worker process can unpickle it."""

    def __init__(self, n: int) -> None:
        self.n = n

    def run(self, progress: object = None) -> int:
        return self.n * self.n


def test_the_opt_out_filter_writes_versions_without_forget() -> None:
    """Writing a version is expunge.version's; the filter needs nothing of forget's."""
    names = list(_imports(SRC / "optout" / "filter.py"))
    assert "expunge.version" in names
    assert not [n for n in names if n.startswith("expunge.forget")]


def test_no_two_modules_import_each_other() -> None:
    """An import cycle (also one hidden in a function) makes load order matter; none remain."""
    graph: dict[str, set[str]] = {}
    for path in SRC.rglob("*.py"):
        parts = path.relative_to(SRC).with_suffix("").parts
        module = ".".join(("expunge", *parts)).removesuffix(".__init__")
        graph[module] = {n for n in _imports(path) if n.startswith("expunge.")}
    pairs = sorted(
        (a, b) for a in graph for b in graph[a]
        if a < b and a in graph.get(b, set()) and not b.startswith(a + ".")
        and not a.startswith(b + ".")
    )  # fmt: skip
    assert not pairs, pairs
