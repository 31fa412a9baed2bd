"""The README's Library section runs as written (issue 15): every ```python block is executed
from a folder holding the demo data, so an example that drifts from the library fails here."""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
LIBRARY = README.split("## Library\n", 1)[1].split("\n## ", 1)[0]
BLOCKS = re.findall(r"```python\n(.*?)```", LIBRARY, re.DOTALL)


def test_the_library_section_has_an_example_per_capability() -> None:
    text = "\n".join(BLOCKS)
    for needed in ("run_scan", "build_index", "forget", "verify", "assess", "render(plan",
                   "analyze_path", "write_letter", "redact(", "find_in_dataset"):  # fmt: skip
        assert needed in text, needed


@pytest.fixture(scope="module")
def demo_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from expunge.demo.dataset import write_demo_dataset

    root = tmp_path_factory.mktemp("readme")
    write_demo_dataset(root / "demo-data")
    shutil.copytree(ROOT / "tests" / "data" / "policies", root / "tests" / "data" / "policies")
    return root


@pytest.mark.parametrize("block", BLOCKS, ids=[b.splitlines()[0][:60] for b in BLOCKS])
def test_every_python_example_runs(
    block: str, demo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ast.parse(block)
    monkeypatch.chdir(demo_root)
    exec(compile(block, "README.md", "exec"), {"__name__": "readme_example"})  # noqa: S102
