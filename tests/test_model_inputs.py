"""What the model commands read: forget sets from `expunge find` reports (whose subject, where
the dataset is, whether it changed), broken model directories, slow tokenizers with
--only-spans, and malformed input files. Each problem is one error line (issue 19)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import run_cli
from model_fixtures import _PEOPLE, EMAIL, PHONE, LeakyModel

from expunge.errors import ExpungeError
from expunge.model.forget_set import ForgetItem, load_forget_set
from expunge.model.load import load_model
from expunge.model.texts import read_texts
from expunge.model.unlearn import UnlearnSettings, forget_windows, unlearn
from expunge.scan.task import file_checksum
from expunge.subject import load_subject

pytestmark = pytest.mark.slow  # trains or loads torch models

torch = pytest.importorskip("torch")

OTHER_NAME, OTHER_EMAIL, OTHER_PHONE = _PEOPLE[0]  # trained on, in the retain texts
OTHER_PROFILE = f"""
id = "hallvard"
names = ["{OTHER_NAME}"]
emails = ["{OTHER_EMAIL}"]
phones = ["{OTHER_PHONE}"]
region = "GB"
"""


def covered(item: ForgetItem, value: str) -> bool:
    at = item.text.index(value)
    return all(any(s <= i < e for s, e in item.spans) for i in range(at, at + len(value)))


def _dataset(leaky: LeakyModel, root: Path) -> Path:
    data = root / "data"
    data.mkdir(parents=True)
    shutil.copy(leaky.retain, data / "a.jsonl")  # holds the other person's documents too
    shutil.copy(leaky.documents, data / "b.jsonl")
    return data


def _find(root: Path, *subjects: Path, dataset: str = "data", out: str = "found") -> Path:
    """Run `expunge find` in `root` with a relative dataset path, as a user would."""
    args = [a for s in subjects for a in ("--subject", str(s))]
    found = run_cli("find", dataset, *args, "--out", out, cwd=root)
    assert found.code == 0, found.stderr
    return root / out


@pytest.fixture
def two_subjects(leaky_model: LeakyModel, tmp_path: Path) -> tuple[Path, Path, Path]:
    """A find report of two people: (report, the leaky person's profile, the other's)."""
    _dataset(leaky_model, tmp_path)
    other = tmp_path / "hallvard.toml"
    other.write_text(OTHER_PROFILE, "utf-8")
    mine = tmp_path / "jorunn.toml"
    shutil.copy(leaky_model.subject, mine)
    # an absolute dataset path: only the subjects are at stake here
    return _find(tmp_path, mine, other, dataset=str(tmp_path / "data")), mine, other


def test_multi_subject_report_keeps_only_the_given_subject(
    leaky_model: LeakyModel, two_subjects: tuple[Path, Path, Path]
) -> None:
    report, mine, other = two_subjects
    lines = (report / "findings.jsonl").read_text("utf-8").splitlines()
    subjects = {json.loads(line).get("subject") for line in lines}
    assert subjects == {"jorunn", "hallvard"}  # the report really holds both
    items = load_forget_set(str(report), load_subject(mine))
    assert sorted(i.text for i in items) == sorted(read_texts(str(leaky_model.documents), "x"))
    assert all(covered(i, EMAIL) and covered(i, PHONE) for i in items)
    theirs = load_forget_set(str(report), load_subject(other))
    assert theirs and all(OTHER_EMAIL in i.text and EMAIL not in i.text for i in theirs)
    assert all(covered(i, OTHER_EMAIL) for i in theirs)


def test_multi_subject_report_without_subject_is_refused(
    leaky_model: LeakyModel, two_subjects: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    report, _, _ = two_subjects
    with pytest.raises(ExpungeError, match="2 subjects \\('hallvard', 'jorunn'\\)") as caught:
        load_forget_set(str(report), None)
    assert "--subject" in caught.value.fix
    out = tmp_path / "o"
    result = run_cli("unlearn", "--model", str(leaky_model.model), "--forget", str(report),
                     "--method", "ga", "--steps", "1", "--no-evaluate", "--out", str(out))  # fmt: skip
    assert result.code == 1 and "Traceback" not in result.stderr
    assert "'hallvard', 'jorunn'" in result.stderr and "--subject" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not out.exists()
    stranger = tmp_path / "nobody.toml"
    stranger.write_text('names = ["Ottoline Quarrie"]\n', "utf-8")
    with pytest.raises(ExpungeError, match="no strong match of subject 'nobody'"):
        load_forget_set(str(report), load_subject(stranger))


def test_report_dataset_path_is_resolved_from_the_report(
    leaky_model: LeakyModel, tmp_path: Path
) -> None:
    # find ran in tmp_path with the relative path 'data'; we are elsewhere (the repository)
    _dataset(leaky_model, tmp_path / "work")
    report = _find(tmp_path / "work", leaky_model.subject, out="reports/found")
    assert json.loads((report / "summary.json").read_text())["dataset"] == "data"
    assert not Path("data/b.jsonl").exists()  # the current directory does not hold it
    items = load_forget_set(str(report), load_subject(leaky_model.subject))
    assert sorted(i.text for i in items) == sorted(read_texts(str(leaky_model.documents), "x"))
    # report and dataset moved together: still found
    moved = tmp_path / "moved"
    shutil.move(tmp_path / "work", moved)
    assert len(load_forget_set(str(moved / "reports" / "found"), None)) == len(items)
    shutil.rmtree(moved / "data")
    with pytest.raises(ExpungeError, match="not there any more"):
        load_forget_set(str(moved / "reports" / "found"), None)


def test_changed_dataset_file_is_refused(leaky_model: LeakyModel, tmp_path: Path) -> None:
    _dataset(leaky_model, tmp_path)
    report = _find(tmp_path, leaky_model.subject, dataset=str(tmp_path / "data"))
    shard = tmp_path / "data" / "b.jsonl"
    original = shard.read_bytes()
    # same size, other text: only the checksum tells
    shard.write_bytes(original.replace(b"Club notes", b"Club Notes"))
    assert shard.stat().st_size == len(original)
    with pytest.raises(
        ExpungeError, match="b.jsonl: changed since the find report .* \\(its content differs"
    ) as caught:
        load_forget_set(str(report), None)
    assert "re-run expunge find" in caught.value.fix
    # a report written before find recorded XXH3 (SHA-256): still checked, not refused
    state_file = report / ".expunge" / "state.json"
    state = json.loads(state_file.read_text())
    entry = state["shards"]["b.jsonl"]
    assert entry["checksum"].startswith("xxh3-128:")
    entry["checksum"] = file_checksum(str(shard))
    state_file.write_text(json.dumps(state))
    assert len(load_forget_set(str(report), None)) == 3  # the changed file, as recorded
    shard.write_bytes(original)
    with pytest.raises(ExpungeError, match="b.jsonl: changed since .* \\(its content differs"):
        load_forget_set(str(report), None)
    # a record put in front: every row number of the report now points at another record
    shard.write_bytes(b'{"text": "a new first record"}\n' + original)
    with pytest.raises(ExpungeError, match="b.jsonl: changed since the find report .* \\(it has"):
        load_forget_set(str(report), None)
    result = run_cli("unlearn", "--model", str(leaky_model.model), "--forget", str(report),
                     "--out", str(tmp_path / "o"))  # fmt: skip
    assert result.code == 1 and "Traceback" not in result.stderr
    assert "changed" in result.stderr and "re-run expunge find" in result.stderr
    # a report without find's checksums (its .expunge state removed): the rows are checked
    shutil.rmtree(report / ".expunge")
    with pytest.raises(
        ExpungeError, match="differs from the find report .*: 4 records now, 3 when"
    ):
        load_forget_set(str(report), None)
    shard.write_bytes(original)
    assert len(load_forget_set(str(report), None)) == 3


def test_truncated_weights_and_non_object_config_are_one_line(
    leaky_model: LeakyModel, tmp_path: Path
) -> None:
    cases = []
    cut = tmp_path / "cut"
    shutil.copytree(leaky_model.model, cut)
    weights = cut / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[: weights.stat().st_size // 2])
    cases.append((cut, "model.safetensors: cut short"))
    for name, content, kind in (("list", "[]", "list"), ("number", "3", "number")):
        broken = tmp_path / name
        shutil.copytree(leaky_model.model, broken)
        (broken / "config.json").write_text(content)
        cases.append((broken, f"config.json: holds a JSON {kind}, not the object"))
    for broken, message in cases:
        with pytest.raises(ExpungeError, match=message):
            load_model(broken)
        result = run_cli("unlearn", "--model", str(broken), "--forget",
                         str(leaky_model.documents), "--out", str(tmp_path / "o"))  # fmt: skip
        assert result.code == 1 and "Traceback" not in result.stderr, result.stderr
        assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def _slow_tokenizer_model(root: Path) -> Path:
    """A model directory whose tokenizer exists only as a slow (Python) tokenizer: CTRL's
    vocab.json + merges.txt, characters only."""
    import string

    from transformers import CTRLTokenizer, GPT2Config, GPT2LMHeadModel

    root.mkdir()
    vocab = {"<unk>": 0}
    for char in sorted(set(string.printable) - set(string.whitespace)):
        vocab[char] = len(vocab)
        vocab[char + "@@"] = len(vocab)
    (root / "vocab.json").write_text(json.dumps(vocab), "utf-8")
    (root / "merges.txt").write_text("#version: 0.2\n", "utf-8")
    tokenizer = CTRLTokenizer(str(root / "vocab.json"), str(root / "merges.txt"))
    tokenizer.save_pretrained(root)
    torch.manual_seed(0)
    config = GPT2Config(vocab_size=len(vocab), n_layer=1, n_embd=16, n_head=2, n_positions=256)
    GPT2LMHeadModel(config).save_pretrained(root)
    return root


def test_slow_tokenizer_with_only_spans_is_one_line(
    leaky_model: LeakyModel, tmp_path: Path
) -> None:
    model = _slow_tokenizer_model(tmp_path / "slow")
    lm = load_model(model)
    assert not lm.tokenizer.is_fast
    items = load_forget_set(str(leaky_model.documents), load_subject(leaky_model.subject))
    with pytest.raises(ExpungeError, match="slow Python tokenizer") as caught:
        forget_windows(lm, items, UnlearnSettings(only_spans=True))
    assert "tokenizer.json" in caught.value.fix
    # whole texts need no offsets: that still works with this tokenizer
    run = unlearn(lm, items, [], UnlearnSettings("ga", steps=1))
    assert run.forget_windows >= 3
    result = run_cli("unlearn", "--model", str(model), "--forget", str(leaky_model.documents),
                     "--subject", str(leaky_model.subject), "--only-spans", "--method", "ga",
                     "--steps", "1", "--out", str(tmp_path / "o"))  # fmt: skip
    assert result.code == 1 and "Traceback" not in result.stderr, result.stderr
    assert "slow Python tokenizer" in result.stderr and "tokenizer.json" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_malformed_input_file_hint_applies_to_model_commands(
    leaky_model: LeakyModel, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "one"}\n{"text": "two\n', "utf-8")
    quote = tmp_path / "bad.csv"
    quote.write_text('text\n"never closed\n', "utf-8")
    for path in (bad, quote):
        with pytest.raises(ExpungeError, match="line 2") as caught:
            read_texts(str(path), "--documents")
        assert "--on-error" not in str(caught.value)
        assert "audit and unlearn read every row" in caught.value.fix
        result = run_cli("unlearn", "--model", str(leaky_model.model), "--forget", str(path),
                         "--out", str(tmp_path / "o"))  # fmt: skip
        assert result.code == 1 and "Traceback" not in result.stderr, result.stderr
        assert "--on-error" not in result.stderr and "remove the row" in result.stderr


def test_a_find_report_on_a_sample_is_no_forget_set(
    leaky_model: LeakyModel, tmp_path: Path
) -> None:
    """A sample leaves records unread: unlearning from it would leave the person in the rest."""
    _dataset(leaky_model, tmp_path)
    found = run_cli("find", "data", "--subject", str(leaky_model.subject), "--sample", "0.5",
                    "--out", "found", cwd=tmp_path)  # fmt: skip
    assert found.code == 0, found.stderr
    with pytest.raises(ExpungeError, match=r"found on a sample \(50.0% of the records\)"):
        load_forget_set(str(tmp_path / "found"), None)
    index = run_cli("find", "--subject", str(leaky_model.subject), "--index", "idx",
                    "--sample", "0.5", cwd=tmp_path)  # fmt: skip
    assert index.code == 1 and "--sample does not apply to --index" in index.stderr
