"""Reading a tokenizer: how each tokenizer scheme stores a token (byte-level BPE, SentencePiece,
WordPiece), and every vocabulary entry, merge, added token and special string a model
directory's files hold (tokenizer.json, vocab files, merges.txt, SentencePiece models, configs),
read with bounds on file count and size. vocab_leaks.py searches what this reads."""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from expunge.errors import ExpungeError


@cache
def byte_decoder() -> dict[str, int]:
    """GPT-2's unicode character -> byte table (the inverse of `bytes_to_unicode`): printable
    bytes stand for themselves, the others for U+0100 onwards ('Ġ' = space, 'Ċ' = newline)."""
    keep = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1)]
    keep += range(ord("®"), ord("ÿ") + 1)
    chars = list(keep)
    extra = 0
    for byte in range(256):
        if byte not in keep:
            keep.append(byte)
            chars.append(256 + extra)
            extra += 1
    return {chr(c): b for b, c in zip(keep, chars, strict=True)}


_SP_BYTE = re.compile(r"<0x([0-9A-Fa-f]{2})>")


SCHEMES = ("byte_level", "sentencepiece", "wordpiece", "plain")


def decode_token(stored: str, scheme: str, added: bool = False) -> str:
    """The text a vocabulary entry stands for. Added tokens are stored as plain text."""
    if added or scheme == "plain":
        return stored
    if scheme == "byte_level":
        table = byte_decoder()
        if all(c in table for c in stored):
            return bytes(table[c] for c in stored).decode("utf-8", errors="replace")
        return stored
    if scheme == "sentencepiece":
        byte = _SP_BYTE.fullmatch(stored)
        if byte:
            return bytes([int(byte.group(1), 16)]).decode("latin-1")
        return stored.replace("\u2581", " ")
    if scheme == "wordpiece":
        return stored.removeprefix("##")
    return stored


def _types(node: Any) -> Iterator[str]:
    """Every component "type" in a tokenizer.json section (nested Sequences included)."""
    if isinstance(node, dict):
        kind = node.get("type")
        if isinstance(kind, str):
            yield kind
        for value in node.values():
            yield from _types(value)
    elif isinstance(node, list):
        for value in node:
            yield from _types(value)


def scheme_of(config: Mapping[str, Any] | None, vocab: Iterable[str] = ()) -> str:
    """How a vocabulary stores text: from a tokenizer.json's components, else from its tokens
    (byte-level vocabularies are full of 'Ġword', SentencePiece ones of '▁word', WordPiece
    ones of '##piece')."""
    if config:
        found = set(_types(config.get("decoder"))) | set(_types(config.get("pre_tokenizer")))
        model = config.get("model") or {}
        if "ByteLevel" in found:
            return "byte_level"
        # Llama-style: a normalizer writing spaces as '▁' and a decoder turning them back.
        marks = json.dumps([config.get("decoder"), config.get("normalizer")], ensure_ascii=False)
        if "Metaspace" in found or model.get("type") == "Unigram" or "\u2581" in marks:
            return "sentencepiece"
        if "WordPiece" in found or model.get("type") == "WordPiece":
            return "wordpiece"
    counts = {"byte_level": 0, "sentencepiece": 0, "wordpiece": 0}
    total = 0
    for token in vocab:
        total += 1
        if token.startswith("Ġ"):
            counts["byte_level"] += 1
        elif token.startswith("\u2581"):
            counts["sentencepiece"] += 1
        elif token.startswith("##"):
            counts["wordpiece"] += 1
    best = max(counts, key=lambda k: counts[k])
    return best if total and counts[best] * 100 >= total else "plain"


# Files that hold weights, never tokens; skipped, as are files larger than MAX_FILE_BYTES.
WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".pth", ".ckpt", ".gguf", ".h5", ".msgpack",
                   ".onnx", ".npz", ".npy", ".pkl", ".tflite", ".ot")  # fmt: skip


MAX_FILE_BYTES = 256 * 1024 * 1024


MAX_FILES = 5_000


# An entry of a file: the stored strings any of which makes it a leak, and the scheme they
# are stored in ("plain" for added tokens and config strings).
_Entry = tuple[tuple[str, ...], str]


def _merge_pair(merge: Any) -> tuple[str, str] | None:
    if isinstance(merge, str):
        left, sep, right = merge.partition(" ")
        return (left, right) if sep else None
    if isinstance(merge, list) and len(merge) == 2 and all(isinstance(m, str) for m in merge):
        return merge[0], merge[1]
    return None


def _merge_entries(merges: Iterable[Any], scheme: str) -> list[_Entry]:
    """A merge rule 'a b' holds the person when its result or either side does."""
    pairs = (_merge_pair(m) for m in merges)
    return [((a + b, a, b), scheme) for a, b in (p for p in pairs if p)]


def _vocab_of_config(config: Mapping[str, Any]) -> dict[str, int]:
    model = config.get("model") or {}
    vocab = model.get("vocab")
    out: dict[str, int] = {}
    if isinstance(vocab, dict):
        out = {str(k): int(v) for k, v in vocab.items()}
    elif isinstance(vocab, list):  # Unigram: [[piece, score], ...]
        out = {str(e[0]): i for i, e in enumerate(vocab) if isinstance(e, list) and e}
    for token in config.get("added_tokens") or []:
        if isinstance(token, dict) and "content" in token:
            out[str(token["content"])] = int(token.get("id", len(out)))
    return out


def _added_of_config(config: Mapping[str, Any]) -> set[str]:
    return {
        str(t["content"])
        for t in config.get("added_tokens") or []
        if isinstance(t, dict) and "content" in t
    }


def _strings(node: Any) -> Iterator[str]:
    """Every string of a JSON document, object keys included."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield str(key)
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def sentencepiece_pieces(data: bytes) -> list[tuple[str, int]]:
    """(piece, type) of a SentencePiece model file, in id order (type 1 normal, 2 unknown,
    3 control, 4 user defined, 6 byte), read with protobuf and the schema transformers ships.
    Raises ValueError when the bytes are not one."""
    try:
        from google.protobuf.message import DecodeError
        from transformers.convert_slow_tokenizer import import_protobuf
    except ImportError as error:
        raise ValueError(f"reading SentencePiece models needs protobuf ({error.name})") from None
    proto = import_protobuf().ModelProto()
    try:
        proto.ParseFromString(data)
    except DecodeError as error:
        raise ValueError(str(error) or "not a protobuf message") from None
    return [(piece.piece, int(piece.type)) for piece in proto.pieces]


_SP_USER = (3, 4)  # control and user-defined pieces: stored as plain text


def _regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_bytes())
    except (OSError, UnicodeDecodeError, ValueError):
        return None


def _read_lines(path: Path) -> list[str] | None:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None


def _file_entries(path: Path, scheme: str) -> list[_Entry] | None:
    """The entries of a tokenizer file, each with the scheme it is stored in; None for a file
    of another kind. `scheme` is the directory tokenizer's (vocab.json, merges.txt)."""
    name = path.name
    if name == "tokenizer.json":
        config = _read_json(path)
        if not isinstance(config, dict):
            return None
        vocab = _vocab_of_config(config)
        added = _added_of_config(config)
        own = scheme_of(config, (t for t in vocab if t not in added))
        entries: list[_Entry] = [((t,), "plain" if t in added else own) for t in vocab]
        return entries + _merge_entries((config.get("model") or {}).get("merges") or [], own)
    if name == "merges.txt":
        lines = _read_lines(path)
        if lines is None:
            return None
        return _merge_entries((ln for ln in lines if not ln.startswith("#version")), scheme)
    if name == "vocab.txt":
        lines = _read_lines(path)
        return None if lines is None else [((line,), "wordpiece") for line in lines]
    if name == "vocab.json":
        data = _read_json(path)
        return [((str(k),), scheme) for k in data] if isinstance(data, dict) else None
    if path.suffix == ".model":
        try:
            pieces = sentencepiece_pieces(path.read_bytes())
        except (OSError, ValueError, UnicodeDecodeError):
            return None
        return [((p,), "plain" if kind in _SP_USER else "sentencepiece") for p, kind in pieces]
    if path.suffix == ".json":
        data = _read_json(path)
        if data is None:
            return None
        return [((s,), "plain") for s in _strings(data)]  # added tokens, special tokens, config
    return None


@dataclass
class _DirVocab:
    scheme: str
    vocab: dict[str, int]
    added: set[str]


def _directory_vocab(directory: Path) -> _DirVocab:
    """The vocabulary a model directory's tokenizer uses, as transformers would load it:
    tokenizer.json first, then vocab.json (+ added_tokens.json), a SentencePiece model, or
    vocab.txt."""
    config = _read_json(directory / "tokenizer.json")
    if isinstance(config, dict) and (config.get("model") or {}).get("vocab") is not None:
        vocab = _vocab_of_config(config)
        added = _added_of_config(config)
        return _DirVocab(scheme_of(config, (t for t in vocab if t not in added)), vocab, added)
    data = _read_json(directory / "vocab.json")
    if isinstance(data, dict):
        vocab = {str(k): int(v) for k, v in data.items() if isinstance(v, int)}
        extra = _read_json(directory / "added_tokens.json")
        added = set()
        if isinstance(extra, dict):
            added = {str(k) for k in extra}
            vocab.update({str(k): int(v) for k, v in extra.items() if isinstance(v, int)})
        scheme = scheme_of(None, (t for t in vocab if t not in added))
        if (directory / "merges.txt").is_file() and scheme == "plain":
            scheme = "byte_level"
        return _DirVocab(scheme, vocab, added)
    for name in ("tokenizer.model", "spiece.model", "sentencepiece.bpe.model"):
        path = directory / name
        if path.is_file():
            try:
                pieces = sentencepiece_pieces(path.read_bytes())
            except (OSError, ValueError, UnicodeDecodeError) as error:
                raise ExpungeError(
                    f"{path}: not a SentencePiece model ({error})",
                    "restore the file from the model's source",
                ) from None
            vocab = {p: i for i, (p, _) in enumerate(pieces)}
            added = {p for p, kind in pieces if kind in _SP_USER}
            return _DirVocab("sentencepiece", vocab, added)
    path = directory / "vocab.txt"
    if path.is_file():
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        return _DirVocab("wordpiece", {t: i for i, t in enumerate(lines)}, set())
    raise ExpungeError(
        f"{directory}: no tokenizer files (tokenizer.json, vocab.json, tokenizer.model, vocab.txt)",
        "point at the directory that save_pretrained wrote",
    )


def _model_files(directory: Path) -> list[Path]:
    files: list[Path] = []
    for root, dirs, names in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            path = Path(root) / name
            if name.startswith(".") or name.lower().endswith(WEIGHT_SUFFIXES):
                continue
            if _regular(path) and path.stat().st_size <= MAX_FILE_BYTES:
                files.append(path)
            if len(files) >= MAX_FILES:
                return files
    return files


def _looks_binary(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return b"\0" in handle.read(8192)
    except OSError:
        return True
