"""On-disk layout of a SISA directory: the keyed record hashes, slice files and the manifest.

    DIR/secret.key          32-byte key of the record hashes (0600)
    DIR/tokenizer/          the one tokenizer every shard model uses
    DIR/shard-002-v1/       shard 2, retrained once: slice-01.jsonl .. slice-RR.jsonl (texts),
                            ckpt-01/ .. ckpt-RR/ (save_pretrained after each slice)
    DIR/sisa.json           the manifest, written last; it alone names the live shard dirs

Committing a change is one os.replace of sisa.json: unlearning writes a retrained shard into a
new generation directory, swaps the manifest, then deletes the old directory. A crash at any
point leaves the old or the new state, never a mix; stray directories are swept next time.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from expunge import keys
from expunge.atomic import write_atomic
from expunge.errors import ExpungeError
from expunge.keys import keyed_digest
from expunge.model.deps import need_torch

SCHEMA = 1
KIND = "expunge-sisa"
MANIFEST = "sisa.json"
KEY_FILE = "secret.key"
TOKENIZER_DIR = "tokenizer"
LOCK_FILE = ".lock"
HASH_RULE = (
    "HMAC-SHA256(secret.key, NFC text with whitespace runs collapsed); shard = its first 64 bits "
    "mod S, slice = its next 64 bits mod R, plus 1"
)
# training["placement"]: how records were put in slices. "hash" (place() below): a record's
# shard and slice follow from its text and the key alone. Directories made before it have no
# such key: their slices were cut by the order of the shard's hashes, so removing a record
# moved others from slice to slice ("order").
PLACEMENT = "hash"
_SHARD_DIR = re.compile(r"^shard-(\d{3,})-v(\d+)$")


def normalise(text: str) -> str:
    """What makes two texts the same record: Unicode NFC, whitespace runs as one space."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def record_hash(key: bytes, text: str) -> str:
    return keyed_digest(key, normalise(text)).hex()


def place(digest: str, shards: int, slices: int) -> tuple[int, int]:
    """(shard, slice) of a record, shard 0-based and slice 1-based, from its keyed hash alone:
    removing records moves no other record, so training on the data without a record builds the
    very slices that unlearning it leaves."""
    return int(digest[:16], 16) % shards, int(digest[16:32], 16) % slices + 1


def group_records(key: bytes, texts: Iterable[str]) -> dict[str, list[str]]:
    """Texts by keyed hash; copies of one record stay together (and are trained on as copies)."""
    groups: dict[str, list[str]] = {}
    for text in texts:
        groups.setdefault(record_hash(key, text), []).append(text)
    return groups


def slice_name(r: int) -> str:
    return f"slice-{r:02d}.jsonl"


def ckpt_name(r: int) -> str:
    return f"ckpt-{r:02d}"


def shard_dir_name(shard: int, generation: int) -> str:
    return f"shard-{shard:03d}-v{generation}"


@dataclass
class SliceState:
    records: int  # distinct records
    copies: int  # texts trained on, duplicates included
    seconds: float  # wall time of this slice's training step (and its checkpoint)


@dataclass
class ShardState:
    dir: str
    slices: list[SliceState]

    @property
    def records(self) -> int:
        return sum(s.records for s in self.slices)

    @property
    def generation(self) -> int:
        match = _SHARD_DIR.match(self.dir)
        return int(match.group(2)) if match else 0


@dataclass
class Manifest:
    shards: int
    slices: int
    model_config: str
    model: dict[str, int]
    training: dict[str, Any]
    tokenizer: dict[str, Any]
    records: dict[str, list[int]]  # keyed hash -> [shard, slice, copies]; never the text
    shard_state: list[ShardState]
    history: list[dict[str, Any]] = field(default_factory=list)
    created: str = ""

    @property
    def placement(self) -> str:
        """How slices were chosen: "hash", or "order" for directories made before hashing."""
        return str(self.training.get("placement", "order"))

    def full_train_seconds(self) -> float:
        return sum(s.seconds for shard in self.shard_state for s in shard.slices)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        return {"schema": SCHEMA, "kind": KIND, "hash": HASH_RULE, **data}

    @classmethod
    def from_json(cls, data: Any) -> Manifest:
        if not isinstance(data, dict) or data.get("kind") != KIND:
            raise ValueError("not a SISA manifest")
        if data.get("schema") != SCHEMA:
            raise ValueError(f"schema {data.get('schema')!r}, this expunge reads {SCHEMA}")
        states = [
            ShardState(s["dir"], [SliceState(**sl) for sl in s["slices"]])
            for s in data["shard_state"]
        ]
        manifest = cls(
            int(data["shards"]), int(data["slices"]), str(data["model_config"]),
            dict(data["model"]), dict(data["training"]), dict(data["tokenizer"]),
            {k: list(v) for k, v in data["records"].items()}, states,
            list(data.get("history", [])), str(data.get("created", "")),
        )  # fmt: skip
        if len(states) != manifest.shards or any(len(s.slices) != manifest.slices for s in states):
            raise ValueError("shard/slice counts disagree")
        return manifest


def write_key(root: Path, key: bytes) -> None:
    if (root / KEY_FILE).exists():
        raise ExpungeError(f"{root / KEY_FILE} already exists", "train into a new directory")
    write_atomic(root / KEY_FILE, key, private=True)


def read_key(path: Path) -> bytes:
    return keys.read_key(path, "restore it from a backup, or give a 32-byte key file")


def open_sisa(root: Path) -> Manifest:
    """The manifest of a finished SISA directory; a half-written one is refused."""
    fix = "train one with: expunge train sisa --data DATA --shards S --slices R --out DIR"
    if not root.is_dir():
        raise ExpungeError(f"{root}: no such directory", fix)
    path = root / MANIFEST
    if not path.is_file():
        if (root / KEY_FILE).exists() or any(_SHARD_DIR.match(p.name) for p in root.iterdir()):
            raise ExpungeError(f"{root}: a SISA training run did not finish (no {MANIFEST})",
                               "delete the directory and train again")  # fmt: skip
        raise ExpungeError(f"{root}: not a SISA directory (no {MANIFEST})", fix)
    try:
        manifest = Manifest.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (UnicodeDecodeError, ValueError, KeyError, TypeError) as error:
        raise ExpungeError(f"{path}: unreadable SISA manifest ({error})",
                           "restore the directory from a backup") from None  # fmt: skip
    for state in manifest.shard_state:
        if not (root / state.dir).is_dir():
            raise ExpungeError(f"{root}: the manifest names {state.dir}, which is missing",
                               "restore the directory from a backup")  # fmt: skip
    return manifest


def sweep(root: Path, manifest: Manifest) -> None:
    """Delete what an interrupted run left: shard dirs the manifest does not name, temp files."""
    live = {s.dir for s in manifest.shard_state}
    for path in root.iterdir():
        if _SHARD_DIR.match(path.name) and path.name not in live:
            shutil.rmtree(path)
    for tmp in root.glob(f".{MANIFEST}.*.tmp"):  # what write_json_atomic left mid-write
        tmp.unlink(missing_ok=True)


@contextmanager
def locked(root: Path) -> Iterator[None]:
    """One writer at a time: a second unlearn run on the same DIR fails instead of racing."""
    with open(root / LOCK_FILE, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ExpungeError(f"{root}: another expunge run is changing this directory",
                               "wait for it to finish and run again") from None  # fmt: skip
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def write_slice(path: Path, texts: Iterable[str]) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.writelines(json.dumps({"text": text}, ensure_ascii=False) + "\n" for text in texts)


def read_slice(path: Path) -> list[str]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line)["text"] for line in handle if line.strip()]


def link_tree(src: Path, dst: Path) -> None:
    """Copy an unchanged checkpoint or slice by hard link (a copy where links are refused)."""
    if src.is_dir():
        dst.mkdir()
        for child in src.iterdir():
            link_tree(child, dst / child.name)
        return
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def load_tokenizer(path: Path) -> Any:
    _, transformers = need_torch()
    if not path.is_dir():
        raise ExpungeError(f"{path}: no such tokenizer directory",
                           "give a directory written by tokenizer.save_pretrained")  # fmt: skip
    try:
        tokenizer = transformers.AutoTokenizer.from_pretrained(path, local_files_only=True)
    except (OSError, ValueError, KeyError) as error:
        raise ExpungeError(f"{path}: cannot load a tokenizer ({type(error).__name__})",
                           "give a directory written by tokenizer.save_pretrained") from None  # fmt: skip
    if tokenizer.eos_token_id is None:
        raise ExpungeError(f"{path}: the tokenizer has no end-of-text token",
                           "use a tokenizer with an eos token (GPT-2 style)")  # fmt: skip
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


def load_checkpoint(path: Path) -> Any:
    torch, transformers = need_torch()
    return transformers.GPT2LMHeadModel.from_pretrained(
        path, local_files_only=True, dtype=torch.float32
    )
