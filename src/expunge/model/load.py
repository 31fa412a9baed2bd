"""Load a Hugging Face causal language model from a local directory, checking it first."""

from __future__ import annotations

import json
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from expunge.errors import ExpungeError
from expunge.model.deps import need_torch

TOKENIZER_FILES = ("tokenizer.json", "vocab.json", "tokenizer.model", "spiece.model")


@dataclass
class LocalModel:
    """A model and its tokenizer, in eval mode on the CPU."""

    path: Path
    model: Any  # transformers.PreTrainedModel
    tokenizer: Any  # transformers.PreTrainedTokenizerBase

    @property
    def parameters(self) -> int:
        return int(sum(p.numel() for p in self.model.parameters()))

    @property
    def context(self) -> int:
        """Longest input the model takes, in tokens."""
        config = self.model.config
        for name in ("n_positions", "max_position_embeddings"):
            value = getattr(config, name, None)
            if isinstance(value, int) and value > 0:
                return value
        return 1024


def check_model_dir(path: Path) -> dict[str, Any]:
    """The model's config.json, or an error saying what the directory lacks."""
    if not path.is_dir():
        raise ExpungeError(f"{path}: no such model directory",
                           "give a local directory made by save_pretrained (config.json, weights, "
                           "tokenizer files)")  # fmt: skip
    config_file = path / "config.json"
    if not config_file.is_file():
        raise ExpungeError(f"{path}: no config.json, so this is not a Hugging Face model directory",
                           "point --model at the directory that save_pretrained wrote")  # fmt: skip
    try:
        config = json.loads(config_file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ExpungeError(f"{config_file}: not valid JSON ({error})",
                           "restore the file from the model's source") from None  # fmt: skip
    if not isinstance(config, dict):
        raise ExpungeError(f"{config_file}: holds a JSON {_json_kind(config)}, not the object of "
                           "settings a model config is",
                           "restore the file from the model's source")  # fmt: skip
    if not any((path / name).is_file() for name in TOKENIZER_FILES):
        raise ExpungeError(f"{path}: no tokenizer files ({', '.join(TOKENIZER_FILES)})",
                           "save the tokenizer next to the model: tokenizer.save_pretrained(DIR)")  # fmt: skip
    if not list(path.glob("*.safetensors")) and not list(path.glob("*.bin")):
        raise ExpungeError(f"{path}: no weights (*.safetensors or *.bin)",
                           "save the model with model.save_pretrained(DIR)")  # fmt: skip
    for weights in sorted(path.glob("*.safetensors")):
        check_safetensors(weights)
    return config


def _json_kind(value: Any) -> str:
    if isinstance(value, list):
        return "list"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    return "null" if value is None else "number"


SAFETENSORS_MAX_HEADER = 100 << 20  # the limit the safetensors library itself enforces


def check_safetensors(file: Path) -> None:
    """A .safetensors file is an 8-byte little-endian header length, a JSON header naming each
    tensor's byte range, then the bytes: a file cut short (or padded) has a size the header
    does not describe. One error line saying so, before torch reads anything."""
    fix = "copy or download the weights again: the file is damaged or was cut short"
    size = file.stat().st_size
    with open(file, "rb") as handle:
        prefix = handle.read(8)
        length = int.from_bytes(prefix, "little") if len(prefix) == 8 else -1
        if length < 2 or length > SAFETENSORS_MAX_HEADER or 8 + length > size:
            raise ExpungeError(f"{file}: not a whole safetensors file ({size:,} bytes, too short "
                               "for its header)", fix)  # fmt: skip
        raw = handle.read(length)
    try:
        header = json.loads(raw)
        ends = [
            int(entry["data_offsets"][1])
            for name, entry in header.items()
            if name != "__metadata__"
        ]
    except (UnicodeDecodeError, ValueError, TypeError, KeyError, IndexError, AttributeError):
        raise ExpungeError(f"{file}: not a safetensors file (its header is not readable)",
                           fix) from None  # fmt: skip
    expected = 8 + length + max(ends, default=0)
    if size != expected:
        cut = "cut short" if size < expected else "longer than its header says"
        raise ExpungeError(f"{file}: {cut}: its header describes {expected:,} bytes, the file "
                           f"has {size:,}", fix)  # fmt: skip


def load_model(path: Path) -> LocalModel:
    """Load from `path` only (never a hub); the tokenizer must fit the model's embeddings."""
    check_model_dir(path)
    torch, transformers = need_torch()
    from safetensors import SafetensorError  # installed with transformers

    try:
        tokenizer = transformers.AutoTokenizer.from_pretrained(path, local_files_only=True)
        model = transformers.AutoModelForCausalLM.from_pretrained(
            path, local_files_only=True, dtype=torch.float32
        )
    except (OSError, ValueError, KeyError, RuntimeError, TypeError, EOFError,
            pickle.UnpicklingError, SafetensorError) as error:  # fmt: skip
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ExpungeError(f"{path}: cannot load the model: {first}",
                           "expunge reads causal language models (GPT-2, Llama, Qwen, ...) "
                           "saved with save_pretrained") from None  # fmt: skip
    rows = model.get_input_embeddings().num_embeddings
    if len(tokenizer) > rows:
        raise ExpungeError(f"{path}: the tokenizer has {len(tokenizer)} tokens but the model's "
                           f"embedding has {rows} rows: they do not belong together",
                           "save the tokenizer the model was trained with into its directory")  # fmt: skip
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    model.eval()
    return LocalModel(path, model, tokenizer)
