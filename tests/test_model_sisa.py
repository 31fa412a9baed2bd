"""SISA exact unlearning on micro models trained here: sharding, slicing, checkpoints, the
ensemble, and the refusals."""

from __future__ import annotations

import hashlib
import json
import random
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from expunge.cli.sisa import sisa_train_cmd, sisa_unlearn_cmd
from expunge.errors import ExpungeError
from expunge.model.sisa import (
    SisaEnsemble,
    _train_shard,
    sisa_token_stats,
    train_sisa,
    unlearn_sisa,
)
from expunge.model.sisa_store import (
    MANIFEST,
    load_checkpoint,
    load_tokenizer,
    open_sisa,
    read_slice,
    record_hash,
)
from expunge.model.tiny import TrainSettings, train_tokenizer

pytestmark = pytest.mark.slow  # trains or loads torch models

torch = pytest.importorskip("torch")

KEY = bytes(range(32))
SETTINGS = TrainSettings(epochs=2, batch=4, seed=7)
_ADJ = ["quiet", "busy", "small", "old", "green", "bright", "cold", "early"]
_NOUN = ["market", "garden", "river", "station", "library", "bridge", "harbour", "bakery"]
_VERB = ["opened", "closed", "grew", "moved", "changed", "waited", "stayed", "turned"]


def corpus(n: int = 48, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    return [f"Note {i}: the {rng.choice(_ADJ)} {rng.choice(_NOUN)} {rng.choice(_VERB)} near "
            f"the {rng.choice(_NOUN)}." for i in range(n)]  # fmt: skip


def tree_hashes(path: Path) -> dict[str, str]:
    return {
        str(p.relative_to(path)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(path.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


def all_slice_texts(root: Path) -> list[str]:
    return [t for p in sorted(root.glob("shard-*/slice-*.jsonl")) for t in read_slice(p)]


def where(root: Path, text: str) -> tuple[int, int]:
    """(shard, slice) of a record, looked up the way unlearning does."""
    shard, r, _ = open_sisa(root).records[record_hash(KEY, text)]
    return shard, r


@pytest.fixture(scope="module")
def public_tokenizer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tokenizer learnt from other text than the training records: unlearning is exact."""
    path = tmp_path_factory.mktemp("tok")
    train_tokenizer(corpus(200, seed=99), vocab_size=512).save_pretrained(path)
    return path


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory, public_tokenizer: Path) -> Path:
    root = tmp_path_factory.mktemp("sisa") / "model"
    texts = corpus()
    train_sisa(texts + [texts[5]], root, 3, 3, "micro", SETTINGS, public_tokenizer, KEY)
    return root


@pytest.fixture
def sisa_dir(trained: Path, tmp_path: Path) -> Path:
    """A fresh copy of the trained directory for a test that changes it."""
    return Path(shutil.copytree(trained, tmp_path / "model"))


def cli() -> typer.Typer:
    app = typer.Typer()
    app.command("train")(sisa_train_cmd)
    app.command("unlearn")(sisa_unlearn_cmd)
    return app


def write_jsonl(path: Path, texts: list[str]) -> Path:
    path.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), "utf-8")
    return path


def test_layout_and_manifest_hold_no_text(trained: Path) -> None:
    manifest = open_sisa(trained)
    assert (manifest.shards, manifest.slices) == (3, 3)
    assert len(manifest.records) == 48  # the duplicate is one record with two copies
    assert manifest.records[record_hash(KEY, corpus()[5])][2] == 2
    assert sorted(all_slice_texts(trained)) == sorted(corpus() + [corpus()[5]])
    assert all(s.seconds > 0 for shard in manifest.shard_state for s in shard.slices)
    assert manifest.tokenizer["exact"] is True
    raw = (trained / MANIFEST).read_text()
    assert not any(text in raw for text in corpus())
    assert (trained / "secret.key").stat().st_mode & 0o077 == 0


def test_unlearning_touches_only_the_affected_shard(sisa_dir: Path) -> None:
    target = corpus()[11]
    shard, _ = where(sisa_dir, target)
    before = open_sisa(sisa_dir)
    others = {s.dir: tree_hashes(sisa_dir / s.dir) for i, s in enumerate(before.shard_state)
              if i != shard}  # fmt: skip
    result = unlearn_sisa(sisa_dir, [target])
    after = open_sisa(sisa_dir)
    assert result.retrained.keys() == {shard} and result.records == 1
    for name, hashes in others.items():
        assert tree_hashes(sisa_dir / name) == hashes  # byte-identical, same directory
    assert after.shard_state[shard].dir != before.shard_state[shard].dir
    assert not (sisa_dir / before.shard_state[shard].dir).exists()
    assert target not in all_slice_texts(sisa_dir)
    assert len(all_slice_texts(sisa_dir)) == 48
    assert record_hash(KEY, target) not in after.records
    entry = after.history[-1]
    assert entry["records"] == 1 and entry["retrained"][0]["shard"] == shard
    assert entry["full_retrain_seconds"] == pytest.approx(after.full_train_seconds(), abs=0.01)
    assert re.fullmatch(r"forgot 1 record: retrained shard \d from slice \d of 3 in [\d.]+ s; "
                        r"a full retrain took [\d.]+ s: [\d.]+x faster", result.summary())  # fmt: skip


def test_forgetting_from_the_last_slice_retrains_only_that_slice(sisa_dir: Path) -> None:
    target = next(t for t in corpus() if where(sisa_dir, t)[1] == 3)
    shard, _ = where(sisa_dir, target)
    old = open_sisa(sisa_dir).shard_state[shard]
    kept = {r: tree_hashes(sisa_dir / old.dir / f"ckpt-0{r}") for r in (1, 2)}
    result = unlearn_sisa(sisa_dir, [target])
    new = open_sisa(sisa_dir).shard_state[shard]
    assert result.retrained == {shard: 3}
    assert open_sisa(sisa_dir).history[-1]["retrained"][0]["slices"] == 1
    for r in (1, 2):
        assert tree_hashes(sisa_dir / new.dir / f"ckpt-0{r}") == kept[r]
        assert new.slices[r - 1] == old.slices[r - 1]  # recorded times of kept slices stay


def test_unlearning_equals_training_without_the_record(sisa_dir: Path, tmp_path: Path) -> None:
    """Exactness: retraining from the checkpoint before slice 2 gives the very weights that
    training this shard from scratch on the remaining slices gives."""
    target = next(t for t in corpus() if where(sisa_dir, t)[1] == 2)
    shard, _ = where(sisa_dir, target)
    result = unlearn_sisa(sisa_dir, [target])
    assert result.retrained == {shard: 2}
    manifest = open_sisa(sisa_dir)
    live = sisa_dir / manifest.shard_state[shard].dir
    remaining = [read_slice(live / f"slice-0{r}.jsonl") for r in (1, 2, 3)]
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    tokenizer = load_tokenizer(sisa_dir / "tokenizer")
    _train_shard(scratch, shard, remaining, 1, tokenizer, manifest, None)
    unlearned = load_checkpoint(live / "ckpt-03").state_dict()
    fresh = load_checkpoint(scratch / "ckpt-03").state_dict()
    assert unlearned.keys() == fresh.keys()
    assert all(torch.equal(unlearned[k], fresh[k]) for k in fresh)


def compare_shards(a: Path, b: Path) -> list[tuple[bool, bool]]:
    """Per shard of two SISA directories: (same slice files, every tensor of every checkpoint
    torch.equal)."""
    states = [open_sisa(root).shard_state for root in (a, b)]
    out = []
    for left, right in zip(*states, strict=True):
        dirs = (a / left.dir, b / right.dir)
        names = [sorted(p.name for p in d.iterdir()) for d in dirs]
        assert names[0] == names[1]
        slices = all((dirs[0] / n).read_bytes() == (dirs[1] / n).read_bytes()
                     for n in names[0] if n.startswith("slice-"))  # fmt: skip
        tensors = True
        for n in (n for n in names[0] if n.startswith("ckpt-")):
            one, two = (load_checkpoint(d / n).state_dict() for d in dirs)
            assert one.keys() == two.keys()
            tensors &= all(torch.equal(one[k], two[k]) for k in one)
        out.append((slices, tensors))
    return out


def test_unlearning_equals_train_sisa_on_the_data_without_the_record(
    sisa_dir: Path, tmp_path: Path, public_tokenizer: Path
) -> None:
    """Exactness against the whole command: unlearning a record leaves the very slice files and
    weights (every tensor of every checkpoint of every shard) that train_sisa on the data
    without it makes with the same key, seed, settings and tokenizer. The control, unlearning
    another record of the same shard, differs, so this can fail."""
    texts = corpus() + [corpus()[5]]  # what `trained` was made from
    target = next(t for t in corpus()[6:] if where(sisa_dir, t)[1] == 2)  # resumes at ckpt-01
    shard = where(sisa_dir, target)[0]
    other = next(t for t in corpus()[6:] if t != target and where(sisa_dir, t)[0] == shard)
    control = Path(shutil.copytree(sisa_dir, tmp_path / "control"))
    assert unlearn_sisa(sisa_dir, [target]).retrained == {shard: 2}
    unlearn_sisa(control, [other])
    scratch = tmp_path / "scratch"
    train_sisa([t for t in texts if t != target], scratch, 3, 3, "micro", SETTINGS,
               public_tokenizer, KEY)  # fmt: skip
    assert compare_shards(sisa_dir, scratch) == [(True, True)] * 3
    unlearned, fresh = open_sisa(sisa_dir), open_sisa(scratch)
    assert unlearned.records == fresh.records and fresh.placement == "hash"
    assert [[(sl.records, sl.copies) for sl in s.slices] for s in unlearned.shard_state] == [
        [(sl.records, sl.copies) for sl in s.slices] for s in fresh.shard_state
    ]
    assert (sisa_dir / "tokenizer/tokenizer.json").read_bytes() == (
        scratch / "tokenizer/tokenizer.json"
    ).read_bytes()
    differs = compare_shards(control, scratch)
    assert differs[shard] == (False, False)  # the tensors too, not only the slice files
    assert all(same == (True, True) for i, same in enumerate(differs) if i != shard)


def test_directories_sliced_by_order_are_still_unlearned_with_a_note(
    sisa_dir: Path, tmp_path: Path
) -> None:
    """A manifest from before hash slicing (no "placement") is read as before; the CLI says
    what its unlearning equals."""
    data = json.loads((sisa_dir / MANIFEST).read_text())
    del data["training"]["placement"]
    (sisa_dir / MANIFEST).write_text(json.dumps(data))
    assert open_sisa(sisa_dir).placement == "order"
    forget = write_jsonl(tmp_path / "f.jsonl", [corpus()[0]])
    result = CliRunner().invoke(cli(), ["unlearn", str(sisa_dir), "--forget", str(forget)])
    assert result.exit_code == 0, result.output
    assert "cut its slices by record order" in " ".join(result.output.split())
    assert "placement" not in open_sisa(sisa_dir).training  # kept as it was


def test_duplicates_are_forgotten_together(sisa_dir: Path) -> None:
    twice = corpus()[5]
    result = unlearn_sisa(sisa_dir, ["  " + twice.replace(" ", "\n", 1)])  # other whitespace
    assert (result.records, result.copies) == (1, 2)
    assert "(2 copies)" in result.summary()
    assert twice not in all_slice_texts(sisa_dir)


def test_ensemble_averages_shard_probabilities(trained: Path) -> None:
    before = {p: p.stat().st_mtime_ns for p in trained.rglob("*")}
    text = corpus()[3]
    ensemble = SisaEnsemble(trained)
    assert len(ensemble.models) == 3
    ids = [ensemble.tokenizer.eos_token_id, *ensemble.tokenizer(text)["input_ids"]]
    with torch.inference_mode():
        probs = [torch.softmax(m(input_ids=torch.tensor([ids])).logits[0, :-1], -1)
                 for m in ensemble.models]  # fmt: skip
    mean = torch.stack(probs).mean(0)
    manual = torch.log(mean.gather(-1, torch.tensor(ids[1:]).unsqueeze(-1)).squeeze(-1))
    stats = sisa_token_stats(trained, [text])[0]
    assert np.allclose(stats.logp, manual.numpy(), atol=1e-5)
    assert ensemble.perplexity([text]) == pytest.approx(float(np.exp(-stats.logp.mean())))
    assert isinstance(ensemble.generate("Note 3: the", max_new_tokens=5), str)
    assert {p: p.stat().st_mtime_ns for p in trained.rglob("*")} == before  # wrote nothing


def test_same_seed_gives_the_same_manifest_and_weights(
    tmp_path: Path, public_tokenizer: Path
) -> None:
    texts = corpus(30)
    runs = [tmp_path / "a", tmp_path / "b"]
    for out in runs:
        train_sisa(texts, out, 2, 2, "micro", SETTINGS, public_tokenizer, KEY)

    def stable(root: Path) -> dict[str, object]:
        data = json.loads((root / MANIFEST).read_text())
        del data["created"]
        for shard in data["shard_state"]:
            for piece in shard["slices"]:
                del piece["seconds"]  # wall times differ run to run; nothing else may
        return data

    assert stable(runs[0]) == stable(runs[1])
    weights = [tree_hashes(r / "shard-001-v0" / "ckpt-02")["model.safetensors"] for r in runs]
    assert weights[0] == weights[1]
    other = tmp_path / "c"
    train_sisa(texts, other, 2, 2, "micro", SETTINGS, public_tokenizer, bytes(32))
    assert stable(other)["records"] != stable(runs[0])["records"]  # the key decides


def test_cli_train_and_unlearn(tmp_path: Path) -> None:
    texts = corpus(24)
    data = write_jsonl(tmp_path / "data.jsonl", texts)
    key_file = tmp_path / "key"
    key_file.write_bytes(KEY)
    out = tmp_path / "model"
    runner = CliRunner()
    args = ["train", "--data", str(data), "--shards", "2", "--slices", "2", "--model-config",
            "micro", "--epochs", "1", "--key-file", str(key_file), "--out", str(out)]  # fmt: skip
    result = runner.invoke(cli(), args)
    assert result.exit_code == 0, result.output
    assert "trained 2 shard models x 2 slices on 24 records" in result.output
    assert "merges were learnt from every record" in result.output
    manifest = open_sisa(out)
    assert manifest.tokenizer["exact"] is False
    assert record_hash(KEY, texts[0]) in manifest.records  # the given key keys the hashes
    forget = write_jsonl(tmp_path / "forget.jsonl", texts[:2])
    result = runner.invoke(cli(), ["unlearn", str(out), "--forget", str(forget)])
    assert result.exit_code == 0, result.output
    assert "forgot 2 records: retrained shard" in result.output
    assert not set(texts[:2]) & set(all_slice_texts(out))
    bad_key = tmp_path / "short"
    bad_key.write_bytes(b"short")
    other = tmp_path / "other"
    result = runner.invoke(cli(), [*args[:-4], "--key-file", str(bad_key), "--out", str(other)])
    assert isinstance(result.exception, ExpungeError) and "not a 32-byte key" in str(
        result.exception
    )
    assert not other.exists()


def test_failed_unlearning_changes_nothing(sisa_dir: Path) -> None:
    before = tree_hashes(sisa_dir)

    def crash(shard: int, r: int, seconds: float) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        unlearn_sisa(sisa_dir, [corpus()[0]], crash)
    assert tree_hashes(sisa_dir) == before
    assert sorted(p.name for p in sisa_dir.glob("shard-*")) == [
        s.dir for s in open_sisa(sisa_dir).shard_state
    ]


def test_failed_training_leaves_nothing(tmp_path: Path, public_tokenizer: Path) -> None:
    def crash(shard: int, r: int, seconds: float) -> None:
        if shard == 1:
            raise RuntimeError("disk full")

    out = tmp_path / "model"
    with pytest.raises(RuntimeError):
        train_sisa(corpus(20), out, 2, 2, "micro", SETTINGS, public_tokenizer, KEY, crash)
    assert not out.exists()


def test_unknown_forget_text_and_empty_forget_file(sisa_dir: Path, tmp_path: Path) -> None:
    before = tree_hashes(sisa_dir)
    forget = write_jsonl(tmp_path / "f.jsonl", [corpus()[0], "never in the training data"])
    result = CliRunner().invoke(cli(), ["unlearn", str(sisa_dir), "--forget", str(forget)])
    assert isinstance(result.exception, ExpungeError) and result.exit_code != 0
    assert "1 of 2 texts to forget are not in the training data" in result.exception.message
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    result = CliRunner().invoke(cli(), ["unlearn", str(sisa_dir), "--forget", str(empty)])
    assert isinstance(result.exception, ExpungeError) and "holds no text" in str(result.exception)
    with pytest.raises(ExpungeError, match="no texts to forget"):
        unlearn_sisa(sisa_dir, [])
    assert tree_hashes(sisa_dir) == before


def test_refuses_what_is_not_a_finished_sisa_directory(sisa_dir: Path, tmp_path: Path) -> None:
    forget = write_jsonl(tmp_path / "f.jsonl", [corpus()[0]])
    plain = tmp_path / "plain"
    plain.mkdir()
    (sisa_dir / MANIFEST).unlink()  # as if training stopped before the manifest
    for path, message in [(plain, "not a SISA directory"), (tmp_path / "nope", "no such directory"),
                          (sisa_dir, "training run did not finish")]:  # fmt: skip
        result = CliRunner().invoke(cli(), ["unlearn", str(path), "--forget", str(forget)])
        assert isinstance(result.exception, ExpungeError), result.output
        assert message in result.exception.message
        with pytest.raises(ExpungeError, match=message):
            SisaEnsemble(path)
    assert list(plain.iterdir()) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"--shards": "0"}, "must be at least 1"),
        ({"--slices": "0"}, "must be at least 1"),
        ({"--shards": "30"}, "20 distinct records cannot fill 30 shards"),
        ({"--model-config": "huge"}, "unknown model config 'huge'"),
        ({"--data": "missing.jsonl"}, "no such file"),
    ],
)
def test_bad_training_options(tmp_path: Path, change: dict[str, str], message: str) -> None:
    out = tmp_path / "model"
    options = {"--data": str(write_jsonl(tmp_path / "data.jsonl", corpus(20))), "--shards": "2",
               "--slices": "2", "--model-config": "micro", "--out": str(out)} | change  # fmt: skip
    if change.get("--data"):
        options["--data"] = str(tmp_path / change["--data"])
    result = CliRunner().invoke(cli(), ["train", *[x for pair in options.items() for x in pair]])
    assert isinstance(result.exception, ExpungeError), result.output
    assert message in result.exception.message and result.exit_code != 0
    assert not out.exists()


def test_out_must_be_new_or_empty(trained: Path, tmp_path: Path) -> None:
    data = write_jsonl(tmp_path / "data.jsonl", corpus(20))
    args = ["train", "--data", str(data), "--shards", "2", "--slices", "2", "--out", str(trained)]
    result = CliRunner().invoke(cli(), args)
    assert isinstance(result.exception, ExpungeError)
    assert "not an empty directory" in result.exception.message


def test_audit_reads_a_sisa_directory(trained: Path, tmp_path: Path) -> None:
    from conftest import run_cli

    before = tree_hashes(trained)
    profile = tmp_path / "p.toml"
    profile.write_text('names = ["Wren Halloway"]\nemails = ["wren.h@example.org"]\n')
    docs = write_jsonl(tmp_path / "docs.jsonl", corpus()[:4])  # members of the training set
    others = write_jsonl(tmp_path / "others.jsonl", corpus(12, seed=5))
    out = tmp_path / "audit"
    result = run_cli("audit", "--model", str(trained), "--subject", str(profile), "--documents",
                     str(docs), "--non-members", str(others), "--samples", "2",
                     "--max-new-tokens", "8", "--out", str(out))  # fmt: skip
    assert result.code == 0, result.stderr
    report = json.loads((out / "audit.json").read_text())
    shard_params = sum(p.numel() for p in SisaEnsemble(trained).models[0].parameters())
    assert report["parameters"] == 3 * shard_params  # the ensemble of 3 shard models
    assert report["kinds"][0]["prompts"] == 5 and report["membership"][-1]["documents"] == 4
    assert tree_hashes(trained) == before  # auditing writes nothing into the model
