"""`open_dataset`: turn a file, directory or glob into a Dataset of shards.

Directories are walked recursively. Passed over: names starting with "." or "_" (hidden files,
Spark/Hive markers such as `_SUCCESS` and `_metadata`), documentation and code (README,
LICENSE, SOURCE, .md, .txt, .py, ...), Hugging Face metadata JSON, and .json files that are
one pretty-printed object (configs) rather than JSON Lines. A directory written by Hugging Face
`save_to_disk` (state.json + dataset_info.json) contributes exactly the Arrow files its
state.json lists. Any other file whose format cannot be told is an error, not silently
skipped: a scanner must not miss data without saying so. So is a data-named entry that is not
a regular file (a dangling symlink, a FIFO, a socket) or cannot be read: it is named before
anything is opened, since opening a FIFO for reading would block forever.
"""

from __future__ import annotations

import glob
import os

import orjson

from expunge.errors import ExpungeError
from expunge.records import Dataset, Shard

from .formats import (
    detect_format,
    format_fix,
    format_from_name,
    not_regular_reason,
    supported_extensions,
)
from .registry import registered

_GLOB_CHARS = frozenset("*?[")
_HF_STATE = "state.json"
_HF_INFO = "dataset_info.json"
_HF_METADATA = frozenset({_HF_STATE, _HF_INFO, "dataset_infos.json", "dataset_dict.json"})
_NON_DATA_STEMS = frozenset(
    {"readme", "license", "licence", "copying", "notice", "source", "sources", "changelog",
     "citation", "authors", "makefile"}
)  # fmt: skip
_NON_DATA_EXTENSIONS = frozenset(
    {".md", ".txt", ".rst", ".py", ".pyc", ".ipynb", ".yaml", ".yml", ".toml", ".cfg", ".ini",
     ".sh", ".lock", ".log", ".pdf", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".html",
     ".htm", ".crc", ".md5", ".sha1", ".sha256", ".cdx", ".cdxj", ".idx"}
)  # fmt: skip
_FIRST_LINE_LIMIT = 1 << 20
_ENTRY_FIX = "remove it, or name only the data files with a glob such as 'DIR/**/*.jsonl'"


def open_dataset(spec: str, format: str = "auto") -> Dataset:
    """Shards of a file, a directory (recursively) or a glob (`**` allowed), sorted by name."""
    if format != "auto" and format not in registered():
        choices = ", ".join(registered())
        raise ExpungeError(f"unknown format {format!r}", f"use one of: auto, {choices}")
    path = os.path.expanduser(spec)
    if os.path.isfile(path):
        _check_entry(path, "check the path")
        root = os.path.dirname(path) or "."
        fmt = format if format != "auto" else detect_format(path)
        return Dataset(root, (Shard(path, fmt, os.path.basename(path)),), single_file=True)
    if os.path.isdir(path):
        root = path
        candidates = _walk(path)
    elif _GLOB_CHARS.intersection(path):
        root = _glob_root(path)
        candidates = _expand_glob(path, root)
        if not candidates:
            raise ExpungeError(
                f"no data files match {spec}",
                "check the pattern, and quote it so the shell does not expand it",
            )
    elif os.path.lexists(path):  # a dangling symlink, a FIFO, a socket, a device
        _check_entry(path, "point at a regular file or a directory")
    else:
        raise ExpungeError(f"no such file or directory: {spec}", "check the path")
    shards: dict[str, Shard] = {}
    for file, hint in candidates:
        _check_entry(file, _ENTRY_FIX)
        if hint is None and _is_json_metadata(file):
            continue
        shards[os.path.normpath(file)] = Shard(
            file, _format_of(file, hint, format), _relative(file, root)
        )
    if not shards:
        raise ExpungeError(
            f"no data files in {spec}",
            f"point at files with one of these extensions: {supported_extensions()}",
        )
    return Dataset(root, tuple(sorted(shards.values(), key=lambda shard: shard.name)))


def _check_entry(path: str, fix: str) -> None:
    """A data file must be a readable regular file; say which entry is not, and why.

    Only stat and access are used: opening a FIFO to look into it would hang the scan.
    """
    reason = not_regular_reason(path)
    if reason is None and not os.access(path, os.R_OK):
        reason = "cannot be read (permission denied)"
    if reason is not None:
        raise ExpungeError(f"{path} {reason}", fix)


def _format_of(path: str, hint: str | None, requested: str) -> str:
    if requested != "auto":
        return requested
    if hint is not None:
        return hint
    try:
        return detect_format(path)
    except ExpungeError as exc:
        raise ExpungeError(
            exc.message,
            f"{format_fix()}, or name only the data files with a glob such as 'DIR/**/*.jsonl'",
        ) from None


def _walk(root: str) -> list[tuple[str, str | None]]:
    """(path, format hint) of every candidate data file under root."""
    found: list[tuple[str, str | None]] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=_unreadable_directory):
        dirnames[:] = [name for name in dirnames if not _is_hidden(name)]
        names = set(filenames)
        if _HF_STATE in names and _HF_INFO in names:
            found.extend((path, "hf") for path in hf_data_files(dirpath))
            dirnames[:] = []  # cache-*.arrow and the like below are not the dataset
            continue
        found.extend(
            (os.path.join(dirpath, name), None) for name in filenames if _is_data_name(name)
        )
    return found


def _unreadable_directory(error: OSError) -> None:
    # os.walk skips what it cannot list; a scan must not silently miss part of a dataset.
    raise ExpungeError(
        f"cannot list {error.filename}: {error.strerror or error}", "check its permissions"
    )


def hf_data_files(directory: str) -> list[str]:
    """The Arrow files a save_to_disk state.json lists, each checked to be a regular file."""
    state_path = os.path.join(directory, _HF_STATE)
    try:
        with open(state_path, "rb") as handle:
            state = orjson.loads(handle.read())
        files = [os.path.join(directory, entry["filename"]) for entry in state["_data_files"]]
    except (OSError, orjson.JSONDecodeError, KeyError, TypeError) as exc:
        raise ExpungeError(
            f"{state_path}: not a Hugging Face save_to_disk state file ({type(exc).__name__})",
            "re-save the dataset with save_to_disk, or point at its .arrow files",
        ) from None
    for file in files:
        reason = not_regular_reason(file)
        if reason is not None:
            raise ExpungeError(
                f"{state_path} lists {os.path.basename(file)}, which {reason}",
                "re-save the dataset with save_to_disk",
            )
    return files


def _expand_glob(pattern: str, root: str) -> list[tuple[str, str | None]]:
    found: list[tuple[str, str | None]] = []
    for match in glob.glob(pattern, recursive=True):
        if os.path.isdir(match):
            found.extend(_walk(match))
        elif not _is_skipped_below(match, root):  # not-regular entries are named by the caller
            found.append((match, None))
    return found


def _glob_root(pattern: str) -> str:
    """The directories before the first component with a wildcard."""
    parts = pattern.replace(os.sep, "/").split("/")
    fixed: list[str] = []
    for part in parts:
        if _GLOB_CHARS.intersection(part):
            break
        fixed.append(part)
    if not fixed:
        return "."
    if fixed == [""]:
        return "/"
    return "/".join(fixed) or "/"


def _is_skipped_below(path: str, root: str) -> bool:
    relative = os.path.relpath(path, root).replace(os.sep, "/").split("/")
    return any(_is_hidden(part) for part in relative[:-1]) or not _is_data_name(relative[-1])


def _is_hidden(name: str) -> bool:
    return name.startswith((".", "_"))


def _is_data_name(name: str) -> bool:
    if _is_hidden(name) or name in _HF_METADATA:
        return False
    if format_from_name(name) is not None:
        return True
    lower = name.lower()
    if lower.split(".", 1)[0] in _NON_DATA_STEMS:
        return False
    return os.path.splitext(lower)[1] not in _NON_DATA_EXTENSIONS


def _is_json_metadata(path: str) -> bool:
    """A plain .json file holding one pretty-printed object (a config), not JSON Lines.

    JSON arrays are kept: they are probably data, and the JSONL reader explains how to
    convert them.
    """
    if not path.lower().endswith(".json") or not_regular_reason(path) is not None:
        return False
    try:
        with open(path, "rb") as handle:
            line = handle.readline(_FIRST_LINE_LIMIT)
            while line and line.isspace():
                line = handle.readline(_FIRST_LINE_LIMIT)
    except OSError:
        return False
    stripped = line.strip()
    if not stripped.startswith(b"{") or len(line) >= _FIRST_LINE_LIMIT:
        return False
    try:
        orjson.loads(stripped)
    except orjson.JSONDecodeError:
        return True
    return False


def _relative(path: str, root: str) -> str:
    return os.path.relpath(path, root).replace(os.sep, "/")
