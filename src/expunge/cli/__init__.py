"""The command line: one module per command group, each a thin layer that parses options and
calls the library. Nothing outside this package imports it (tests/test_architecture.py)."""

from __future__ import annotations

import errno
import importlib
import sys
from collections.abc import Iterator, MutableMapping
from functools import cache
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup

from expunge import __version__
from expunge.errors import ExpungeError

# Where each top-level command lives: (module, its Typer, whether that Typer's commands sit at
# the top level). The order is the order of `expunge --help`. A module is imported, and its
# options built, only when one of its commands runs or help lists them: `expunge scan` starts
# without the model, image, rights and web commands.
_MOUNTS: dict[str, tuple[str, str, bool]] = {
    **{
        name: ("dataset", "dataset_app", True)
        for name in ("scan", "find", "forget", "verify", "index", "subject")
    },
    "strip": ("protect", "protect_app", True),
    "redact": ("protect", "protect_app", True),
    "images": ("images", "images_app", False),
    "optout": ("optout", "optout_app", False),
    "rights": ("rights", "rights_app", False),
    "audit": ("audit", "audit_app", False),
    "policy": ("policy", "policy_app", False),
    "unlearn": ("unlearn", "unlearn_app", False),
    "train": ("unlearn", "train_app", False),
    "demo": ("unlearn", "demo_app", False),
    "serve": ("serve", "serve_app", True),
}
_SETTINGS: dict[str, Any] = {
    "add_completion": False,
    "pretty_exceptions_enable": False,
    "rich_markup_mode": None,
}


@cache
def _built(module: str, attribute: str, mount: str | None) -> Any:
    """The click group holding one module's commands, built as the root would build it."""
    commands = getattr(importlib.import_module(f"expunge.cli.{module}"), attribute)
    holder = typer.Typer(**_SETTINGS)
    if mount is None:
        holder.add_typer(commands)
    else:
        holder.add_typer(commands, name=mount)
    return typer.main.get_command(holder)


class _LazyCommands(MutableMapping[str, Any]):
    """The root's commands, each built on first use (click reads `group.commands`)."""

    def __init__(self) -> None:
        self._names = list(_MOUNTS)
        self._added: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name in self._added:
            return self._added[name]
        if name not in _MOUNTS:
            raise KeyError(name)
        module, attribute, merged = _MOUNTS[name]
        return _built(module, attribute, None if merged else name).commands[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self._added[name] = command
        if name not in self._names:
            self._names.append(name)

    def __delitem__(self, name: str) -> None:
        self._names.remove(name)
        self._added.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._names))

    def __len__(self) -> int:
        return len(self._names)


class _LazyGroup(TyperGroup):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands = _LazyCommands()


app = typer.Typer(
    name="expunge",
    help="Find a person's data in AI training datasets and models, remove it, prove it.",
    no_args_is_help=True,
    cls=_LazyGroup,
    **_SETTINGS,
)
err_console = Console(stderr=True, highlight=False)


def _version(value: bool) -> None:
    if value:
        print(f"expunge {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    pass


def main() -> None:
    try:
        app()
    except ExpungeError as error:
        err_console.print(
            f"[bold red]error:[/] {escape(str(error))}", highlight=False, soft_wrap=True
        )
        sys.exit(1)
    except KeyboardInterrupt:
        err_console.print("interrupted; nothing was written")
        sys.exit(130)
    except OSError as error:
        if error.errno not in _ENVIRONMENT_ERRORS:
            raise
        # A full disk or a read-only folder is not a bug: one line, and what to do. Partial
        # outputs are removed (scan) or completed by the same command (forget: its marker).
        where = f"{error.filename}: " if error.filename else ""
        err_console.print(
            f"[bold red]error:[/] {escape(where + (error.strerror or str(error)))} "
            "(free space or fix permissions, then run the same command again)",
            highlight=False,
            soft_wrap=True,
        )
        sys.exit(1)


_ENVIRONMENT_ERRORS = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EMFILE}
)
