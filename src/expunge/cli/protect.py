"""`expunge redact` (placeholders for personal data before a paste into a chatbot, and back)
and `expunge strip` (image metadata)."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from expunge.cli.options import PatternsOpt
from expunge.errors import ExpungeError

if TYPE_CHECKING:
    from expunge.detect.registry import EntityType

REDACT_EPILOG = (
    "Example: EXPUNGE_VAULT_PASSPHRASE=... expunge redact notes.txt --subject me.toml "
    "--reversible --vault chat.vault > paste.txt; then: expunge redact --restore --vault "
    "chat.vault answer.txt"
)


def _read_input(source: str) -> str:
    """The whole input as text; one clear error for a missing file or binary data."""
    name = "stdin" if source == "-" else source
    try:
        data = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    except FileNotFoundError:
        raise ExpungeError(
            f"no such file: {source}", "check the path, or use - for stdin"
        ) from None
    except IsADirectoryError:
        raise ExpungeError(f"{source} is a directory", "give a text file, or - for stdin") from None
    except OSError as error:
        raise ExpungeError(
            f"cannot read {name}: {error.strerror}", "check its permissions"
        ) from None
    if b"\x00" in data:
        raise ExpungeError(f"{name} is binary, not text", "redact works on UTF-8 text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ExpungeError(
            f"{name} is not UTF-8 text (bad byte at offset {error.start})",
            "convert it to UTF-8 first",
        ) from None


def _passphrase(new_vault: bool) -> str:
    """From EXPUNGE_VAULT_PASSPHRASE, else asked on the terminal; never a plain-text vault."""
    from expunge.protect.vault import PASSPHRASE_ENV

    value = os.environ.get(PASSPHRASE_ENV)
    if value is None and sys.stdin.isatty():
        # err=True: the prompt must not end up in redirected output
        value = typer.prompt(
            "Vault passphrase", hide_input=True, confirmation_prompt=new_vault, err=True
        )
    if value is None:
        raise ExpungeError(
            "the vault is encrypted and no passphrase was given",
            f"set {PASSPHRASE_ENV}, or run in a terminal to be asked for it",
        )
    if not value:
        raise ExpungeError("the vault passphrase is empty", f"set {PASSPHRASE_ENV} to a passphrase")
    return value


def _custom_types(patterns: list[Path] | None, restore: bool) -> tuple[EntityType, ...]:
    if not patterns:
        return ()
    if restore:
        raise ExpungeError("--restore takes only --vault and --out", "drop --patterns")
    from expunge.detect import load_patterns

    return load_patterns(patterns)


def _check_options(
    restore: bool,
    reversible: bool,
    vault: Path | None,
    subject: Path | None,
    types: str | None,
    phone_region: str | None,
    out: Path | None,
    custom: Sequence[EntityType] = (),
) -> tuple[str, ...] | None:
    """Every option problem before any input is read or a passphrase asked for; the types."""
    from expunge.detect.phone import check_phone_region
    from expunge.protect.redact import check_types
    from expunge.protect.vault import check_vault_path

    if restore:
        if reversible or subject is not None or types is not None or phone_region is not None:
            raise ExpungeError("--restore takes only --vault and --out", "drop the other options")
        if vault is None:
            raise ExpungeError("--restore needs --vault", "give the vault the redaction wrote")
    elif reversible and vault is None:
        raise ExpungeError("--reversible needs --vault", "add --vault FILE to keep the mapping in")
    elif vault is not None and not reversible:
        raise ExpungeError(
            "--vault without --reversible would write nothing",
            "add --reversible to keep the mapping, or drop --vault for one-way redaction",
        )
    if vault is not None:
        check_vault_path(vault)
        if restore and not vault.exists():
            raise ExpungeError(f"no such vault: {vault}", "check the --vault path")
    wanted = check_types(types.split(","), custom) if types is not None else None
    if phone_region is not None:
        check_phone_region(phone_region)
    if out is not None:
        if not out.parent.is_dir():
            raise ExpungeError(f"the folder of --out {out} does not exist", "create it first")
        if out.is_dir():
            raise ExpungeError(f"--out {out} is a directory", "give a file path")
        if vault is not None and out.resolve() == vault.resolve():
            raise ExpungeError("--out and --vault are the same file", "write the text elsewhere")
    if wanted is not None and "person" in wanted:
        from expunge.detect.ner import check_ner_available

        check_ner_available()
    return wanted


def _write_output(text: str, out: Path | None, private: bool) -> None:
    data = text.encode("utf-8")
    if out is not None:
        from expunge.atomic import write_atomic

        write_atomic(out, data, private=private)
        return
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is not None:  # bytes as they are: no newline translation, no locale encoding
        buffer.write(data)
        buffer.flush()
    else:
        sys.stdout.write(text)


def redact_cmd(
    file: Annotated[str, typer.Argument(help="A UTF-8 text file, or - for stdin.")],
    subject: Annotated[
        Path | None,
        typer.Option(help="Your profile (.toml/.json/.yaml): its names, handles, ... go too."),
    ] = None,
    types: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated entity types (default: all pattern types but url, and person "
            "names when expunge[ner] is installed)."
        ),
    ] = None,
    reversible: Annotated[
        bool, typer.Option("--reversible", help="Keep the mapping in the encrypted --vault.")
    ] = False,
    vault: Annotated[
        Path | None,
        typer.Option(help="Encrypted vault file; passphrase from EXPUNGE_VAULT_PASSPHRASE."),
    ] = None,
    restore: Annotated[
        bool, typer.Option("--restore", help="Put the vault's values back into FILE.")
    ] = False,
    out: Annotated[Path | None, typer.Option(help="Write here instead of stdout.")] = None,
    phone_region: Annotated[
        str | None,
        typer.Option(help="Region for phones without +country code (default: profile's or US)."),
    ] = None,
    patterns: PatternsOpt = None,
) -> None:
    """Replace personal data with placeholders like [EMAIL_1] before you paste text into a
    chatbot; with --restore, put the real values back into its answer."""
    from expunge.protect.vault import Vault

    custom = _custom_types(patterns, restore)
    wanted = _check_options(restore, reversible, vault, subject, types, phone_region, out, custom)
    profiles = []
    if subject is not None:
        from expunge.subject import load_subject

        profiles.append(load_subject(subject))
    # A file is read before the passphrase prompt (a bad path fails first); stdin after it,
    # so that a terminal user types the passphrase, then the text.
    text = _read_input(file) if file != "-" else None
    secret = _passphrase(new_vault=not vault.exists()) if vault is not None else ""
    if text is None:
        text = _read_input(file)
    session = Vault.load(vault, secret) if vault is not None and vault.exists() else Vault()

    if restore:
        from expunge.protect.redact import restore as restore_text

        back = restore_text(text, session)
        _write_output(back.text, out, private=True)
        note = f"restored {back.restored} placeholder" + ("" if back.restored == 1 else "s")
        if back.unknown:
            note += f"; not in the vault: {', '.join(back.unknown)}"
        typer.echo(note, err=True)
        return

    from expunge.protect.redact import describe, redact

    result = redact(
        text, session, types=wanted, subjects=profiles, phone_region=phone_region, custom=custom
    )
    if vault is not None:
        # The vault first: redacted text whose placeholders are in no vault could not be restored.
        session.save(vault, secret)
        where = f"vault: {vault} ({result.new} new, {len(session)} in all)"
    else:
        where = "one-way, no vault written"
    _write_output(result.text, out, private=False)
    typer.echo(f"redacted {describe(result.counts())}; {where}", err=True)
    if types is None and not result.names_checked:
        typer.echo(
            "note: other people's names were NOT redacted: no name detector is installed "
            "(pip install 'expunge[ner]'; --subject still covers your own names)",
            err=True,
        )


STRIP_EPILOG = "Example: expunge strip holiday.jpg scan.png --out clean/"


def strip_cmd(
    images: Annotated[list[Path], typer.Argument(help="JPEG or PNG files.")],
    out: Annotated[Path, typer.Option(help="Directory for the clean copies (same file names).")],
    remove_c2pa: Annotated[
        bool, typer.Option("--remove-c2pa", help="Also remove C2PA provenance manifests.")
    ] = False,
) -> None:
    """Write copies of images without EXIF/XMP/IPTC metadata (GPS, serials, names)."""
    from expunge.protect.strip import strip_image

    targets = [out / image.name for image in images]
    taken = [t for t in targets if t.exists()] or [t for t in targets if targets.count(t) > 1]
    if taken:
        raise ExpungeError(f"{taken[0]} already exists (or two inputs share a name)",
                           "choose an empty --out directory")  # fmt: skip
    for image, target in zip(images, targets, strict=True):
        report = strip_image(image, target, remove_c2pa)
        removed = ", ".join(report.removed) or "nothing to remove"
        held = f"; it held: {', '.join(dict.fromkeys(report.details))}" if report.details else ""
        kept = f"; kept: {', '.join(report.kept)}" if report.kept else ""
        print(f"{image} -> {target}: removed {removed}{held}{kept} "
              f"({report.bytes_before:,} -> {report.bytes_after:,} bytes)")  # fmt: skip


protect_app = typer.Typer()  # its commands are mounted at the top level
protect_app.command("strip", epilog=STRIP_EPILOG)(strip_cmd)
protect_app.command("redact", epilog=REDACT_EPILOG)(redact_cmd)
