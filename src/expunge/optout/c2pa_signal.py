"""C2PA / CAWG training-and-data-mining assertion (CAWG v1.1, ratified 16 May 2025; the
`c2pa.training-mining` label of C2PA 1.4 is read too). Only the active manifest describes the
asset. Entries: ai_training (non-generative) -> ai-train, ai_generative_training -> genai-train,
ai_inference -> ai-input, data_mining -> ai-train; use allowed / notAllowed / constrained
(constrained without more information counts as notAllowed). Restrictions are kept even when
the manifest does not validate: they still say what someone asked for.

Reading a manifest from an image needs the optional `c2pa-python` (extra `[images]`), with
remote manifest and OCSP fetching switched off; evaluating a manifest store's JSON does not.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from expunge.optout.verdict import Evidence, Problem, Verdict

ENTRY_PURPOSES = {
    "ai_training": "ai-train",
    "ai_generative_training": "genai-train",
    "ai_inference": "ai-input",
    "data_mining": "ai-train",
}
USES: dict[str, Verdict] = {
    "allowed": "allowed",
    "notallowed": "disallowed",
    "constrained": "disallowed",
}
LABELS = ("cawg.training-mining", "c2pa.training-mining")


def c2pa_evidence(store: str | dict[str, Any] | None) -> tuple[list[Evidence], list[Problem]]:
    """Evidence from a manifest store (the JSON c2pa-python's Reader.json() returns)."""
    if store is None:
        return [], []
    if isinstance(store, str):
        try:
            store = json.loads(store)
        except ValueError:
            return [], [Problem("invalid-json", "C2PA manifest store", "not valid JSON")]
    if not isinstance(store, dict):
        return [], [Problem("invalid-json", "C2PA manifest store", "not an object")]
    active = (store.get("manifests") or {}).get(store.get("active_manifest") or "")
    if not isinstance(active, dict):
        return [], []
    evidence: list[Evidence] = []
    problems: list[Problem] = []
    for assertion in active.get("assertions") or ():
        label = str(assertion.get("label", "")) if isinstance(assertion, dict) else ""
        if label.split("__", 1)[0] not in LABELS:  # '__1': a second instance of the assertion
            continue
        entries = (assertion.get("data") or {}).get("entries") or {}
        for name, entry in entries.items() if isinstance(entries, dict) else ():
            prefix, _, short = str(name).partition(".")
            purpose = ENTRY_PURPOSES.get(short) if prefix in ("cawg", "c2pa") else None
            if purpose is None:
                continue  # custom entries are someone else's vocabulary
            use = str((entry or {}).get("use", "")).lower() if isinstance(entry, dict) else ""
            verdict = USES.get(use)
            source = f"C2PA {label} {name}"
            if verdict is None:
                problems.append(Problem("invalid-training-mining-use", source, use[:50]))
                continue
            evidence.append(Evidence("c2pa", purpose, verdict, source, f"use: {use}"))
    return evidence, problems


def read_manifest_store(image: Path | bytes, mime: str = "image/jpeg") -> dict[str, Any] | None:
    """The manifest store embedded in an image file (or its bytes), read offline; None when
    it carries none or cannot be read as one."""
    import io

    from expunge.errors import ExpungeError

    try:
        import c2pa
    except ImportError:
        raise ExpungeError(
            "reading C2PA manifests needs the images extra", "pip install 'expunge[images]'"
        ) from None
    settings = {"verify": {"remote_manifest_fetch": False, "ocsp_fetch": False}}
    try:
        context = c2pa.Context.from_dict(settings)
        if isinstance(image, bytes):
            reader = c2pa.Reader(mime, io.BytesIO(image), context=context)
        else:
            reader = c2pa.Reader.try_create(str(image), context=context)
        if reader is None:
            return None
        data: dict[str, Any] = json.loads(reader.json())
    except Exception:  # noqa: BLE001 - c2pa raises its own errors for files without a manifest
        return None
    return data


def c2pa_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("c2pa") is not None
