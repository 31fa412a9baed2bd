"""The command line: one module per command group, each a thin layer that parses options and
calls the library. Nothing outside this package imports it (tests/test_architecture.py)."""

from __future__ import annotations

import errno
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from expunge import __version__
from expunge.cli.audit import audit_app
from expunge.cli.dataset import dataset_app
from expunge.cli.images import images_app
from expunge.cli.optout import optout_app
from expunge.cli.policy import policy_app
from expunge.cli.protect import protect_app
from expunge.cli.rights import guide_cmd, rights_app
from expunge.cli.serve import serve_cmd
from expunge.cli.sisa import sisa_train_cmd, sisa_unlearn_cmd
from expunge.cli.unlearn import demo_app, train_app, unlearn_app
from expunge.errors import ExpungeError

app = typer.Typer(
    name="expunge",
    help="Find a person's data in AI training datasets and models, remove it, prove it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
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


# Every group, mounted in one place: the order is the order of `expunge --help`.
app.add_typer(dataset_app)  # scan, find, forget, verify; index, subject
app.add_typer(protect_app)  # strip, redact
app.add_typer(images_app, name="images")
optout_app.command("guide", epilog="Example: expunge optout guide --platform linkedin")(guide_cmd)
app.add_typer(optout_app, name="optout")
app.add_typer(rights_app, name="rights")
app.add_typer(audit_app, name="audit")
app.add_typer(policy_app, name="policy")
app.add_typer(unlearn_app, name="unlearn")
train_app.command(
    "sisa",
    epilog="Example: expunge train sisa --data corpus.jsonl --shards 4 --slices 4 --out sisa-model",
)(sisa_train_cmd)
unlearn_app.command(
    "sisa", epilog="Example: expunge unlearn sisa sisa-model --forget forget.jsonl"
)(sisa_unlearn_cmd)
app.add_typer(train_app, name="train")
app.add_typer(demo_app, name="demo")
app.command(
    "serve",
    epilog="Example: expunge serve --demo   (or: expunge serve --index demo-index "
    "--dataset demo-data/dataset)",
)(serve_cmd)


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
