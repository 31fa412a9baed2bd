"""What machine a benchmark ran on: shared by the scripts in benchmarks/."""

from __future__ import annotations

import os
import platform
import shutil
import sys
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any


def _proc_field(path: str, key: str) -> str | None:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def machine_info(packages: Iterable[str]) -> dict[str, Any]:
    """CPU model, cores, RAM, Python, OS and the versions of `packages` (None if missing)."""
    mem_kb = _proc_field("/proc/meminfo", "MemTotal")
    versions: dict[str, str | None] = {}
    for pkg in packages:
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = None
    return {
        "cpu": _proc_field("/proc/cpuinfo", "model name") or platform.processor() or "unknown",
        "cores": os.cpu_count() or 1,
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "ram_gb": round(int(mem_kb.split()[0]) / 1024**2, 1) if mem_kb else None,
        "python": platform.python_version(),
        "os": f"{platform.system()} {platform.release()}",
        "packages": versions,
    }


def expunge_bin() -> str:
    """The `expunge` console script next to this Python, else the one on PATH."""
    exe = Path(sys.executable).with_name("expunge")
    return str(exe) if exe.exists() else (shutil.which("expunge") or "expunge")
