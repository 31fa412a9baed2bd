"""Custom entity types from a YAML file (`expunge scan --patterns my.yaml`), read strictly:
anything a reader could mistype is one error line naming the file, the entry and the fix.

    types:
      - name: employee_id
        regex: '\\bEMP-\\d{6}\\b'
        score: 0.8
        context: [employee, staff]
      - name: project_codename
        literals: [Bluebird, Nightjar]
        caseless: true
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from expunge.detect.registry import EntityType, PatternError
from expunge.errors import InputError

KEYS = ("name", "regex", "literals", "caseless", "score", "context", "context_score", "validator")
_EXAMPLE = "e.g. types: [{name: employee_id, regex: 'EMP-\\d{6}'}]"


def load_patterns(paths: Path | str | Iterable[Path | str]) -> tuple[EntityType, ...]:
    """The custom types of one or more files, in order; InputError for the first problem
    (a type name given twice, in one file or across files, is one)."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    types: list[EntityType] = []
    where_declared: dict[str, str] = {}
    for path in map(str, paths):
        for place, entity in _read(path):
            if entity.name in where_declared:
                raise InputError(
                    path,
                    f"type {entity.name!r} is already declared ({where_declared[entity.name]})",
                    "give each custom type one name",
                    place,
                )
            where_declared[entity.name] = f"{path}: {place}"
            types.append(entity)
    return tuple(types)


def _read(path: str) -> list[tuple[str, EntityType]]:
    try:
        text = Path(path).read_text("utf-8")
    except FileNotFoundError:
        raise InputError(path, "no such patterns file", "check the --patterns path") from None
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "not UTF-8 text"
        raise InputError(
            path, f"cannot read the patterns file: {reason}", "give a readable UTF-8 YAML file"
        ) from None
    try:
        loader = yaml.SafeLoader(text)
        try:
            root = loader.get_single_node()
            if root is not None:
                _no_duplicate_keys(path, root)
            document = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f"line {mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or "cannot be parsed"
        raise InputError(
            path, f"not valid YAML: {problem}", "check the syntax there", line
        ) from None
    if not isinstance(document, dict) or "types" not in document:
        raise InputError(
            path, "no types: the file must hold a list of entries under types", _EXAMPLE
        )
    extra = [str(key) for key in document if key != "types"]
    if extra:
        raise InputError(path, f"unknown top-level key {extra[0]!r}", "the only key is types")
    entries = document["types"]
    if not isinstance(entries, list) or not entries:
        raise InputError(path, "types must be a non-empty list of entries", _EXAMPLE)
    lines = [node.start_mark.line + 1 for node in root.value[0][1].value]  # type: ignore[union-attr]
    return [
        _entry(path, number, line, entry)
        for number, (line, entry) in enumerate(zip(lines, entries, strict=True), start=1)
    ]


def _no_duplicate_keys(path: str, node: yaml.Node) -> None:
    """PyYAML keeps the last of two equal keys silently; a patterns file must not."""
    if isinstance(node, yaml.MappingNode):
        seen: set[object] = set()
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                if key.value in seen:
                    raise InputError(
                        path,
                        f"key {key.value!r} given twice",
                        "keep one",
                        f"line {key.start_mark.line + 1}",
                    )
                seen.add(key.value)
            _no_duplicate_keys(path, value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _no_duplicate_keys(path, item)


def _entry(path: str, number: int, line: int, entry: Any) -> tuple[str, EntityType]:
    place = f"entry {number} (line {line})"
    if not isinstance(entry, dict):
        raise InputError(path, "an entry must be a mapping of keys", _EXAMPLE, place)
    name = entry.get("name")
    if isinstance(name, str):
        place = f"entry {number} {name!r} (line {line})"
    unknown = [str(k) for k in entry if k not in KEYS]
    if unknown:
        raise InputError(path, f"unknown key {unknown[0]!r}", "keys are: " + ", ".join(KEYS), place)
    if name is None:
        raise InputError(path, "no name", "add name: a_type_name", place)
    values = {key: entry[key] for key in KEYS if key in entry}
    for key in ("literals", "context"):
        if key in values and isinstance(values[key], list):
            values[key] = tuple(values[key])
    try:
        return place, EntityType(**values)
    except PatternError as error:
        raise InputError(path, error.problem, error.fix, place) from None
