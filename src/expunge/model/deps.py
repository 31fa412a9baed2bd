"""One place that imports torch/transformers, so a missing extra is one clear error."""

from __future__ import annotations

import os
import sys
from types import ModuleType

from expunge.errors import ExpungeError

# Never reach for a model hub: models are local directories only.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
# Idle OpenMP threads sleep instead of spinning: on shared cores spinning threads steal the
# time the working ones need (a 1-minute demo took 15 on a busy 2-core machine).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

_threads: int | None = None  # chosen by use_threads, applied when torch is imported


def default_threads() -> int:
    """The cores the 1-minute load average leaves free (at least 1)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    cores = cores or 1
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = 0.0
    return max(1, min(cores, int(cores - load + 0.5)))


def use_threads(threads: int | None = None) -> int:
    """Run torch on `threads` threads, or on default_threads(); returns the number."""
    global _threads
    _threads = threads or default_threads()
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(_threads)
    return _threads


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
    if _threads is not None and torch.get_num_threads() != _threads:
        torch.set_num_threads(_threads)
    transformers.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    return torch, transformers
