"""One place that imports torch/transformers, so a missing extra is one clear error."""

from __future__ import annotations

import os
from types import ModuleType

from expunge.errors import ExpungeError

# Never reach for a model hub: models are local directories only.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


def need_torch() -> tuple[ModuleType, ModuleType]:
    """(torch, transformers), or an error naming the extra to install."""
    try:
        import torch
        import transformers
    except ImportError as error:
        raise ExpungeError(
            f"the model commands need torch and transformers ({error.name} is not installed)",
            "pip install 'expunge[model]' (install the CPU build of torch first: "
            "pip install torch --index-url https://download.pytorch.org/whl/cpu)",
        ) from None
    transformers.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    return torch, transformers
