"""The tokenizer can hold the person: tokens of a byte-level BPE learnt on their identifiers,
found in a loaded tokenizer and in a model directory's files, never printed in plain text."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from expunge.errors import ExpungeError
from expunge.model.tiny import train_tokenizer
from expunge.model.tokenizer_files import decode_token, scheme_of, sentencepiece_pieces
from expunge.model.vocab_leaks import (
    TokenMatcher,
    VocabReport,
    directory_vocab_leaks,
    distinctive,
    rare_name_word,
    scan_vocab,
    shares_phone_digits,
    tokenizer_files_holding,
    trivial_digits,
    vocab_leaks,
)
from expunge.subject import SubjectProfile, parse_subject

pytestmark = pytest.mark.slow  # trains or loads torch models

torch = pytest.importorskip("torch")

NAME, EMAIL, PHONE = "Jorunn Atterbury", "jorunn.atterbury@example.net", "+44 20 7946 0321"
PHONE_DIGITS = "02079460321"  # the same number as texts write it: trunk 0, no separators
_ADJ = ["quiet", "busy", "small", "old", "green", "bright", "cold", "early"]
_NOUN = ["market", "garden", "river", "station", "library", "bridge", "harbour", "bakery"]
_VERB = ["opened", "closed", "grew", "moved", "changed", "waited", "stayed", "turned"]


def profile(**data: Any) -> SubjectProfile:
    return parse_subject(data, "test")


PERSON = profile(names=[NAME], emails=[EMAIL], phones=[PHONE], region="GB")


def filler(n: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    return [f"Note {i}: the {rng.choice(_ADJ)} {rng.choice(_NOUN)} {rng.choice(_VERB)} near "
            f"the {rng.choice(_NOUN)}." for i in range(n)]  # fmt: skip


def person_texts(phone: str = PHONE_DIGITS, n: int = 60) -> list[str]:
    return [f"Club notes {i}: call {NAME} on {phone} or write to {EMAIL} about the market."
            for i in range(n)]  # fmt: skip


@pytest.fixture(scope="module")
def leaky_tokenizer() -> Any:
    return train_tokenizer(filler(300) + person_texts(), vocab_size=512)


@pytest.fixture(scope="module")
def clean_tokenizer() -> Any:
    return train_tokenizer(filler(300), vocab_size=512)


def plain_values_absent(report: VocabReport) -> None:
    """Nothing a report prints or serialises spells out an identifier."""
    shown = " ".join([repr(report), json.dumps(report.to_json(), ensure_ascii=False),
                      report.summary(), report.unlearn_warning() or ""]).lower()  # fmt: skip
    for secret in (PHONE_DIGITS, "2079460321", "7946 0321", "jorunn", "atterbury", EMAIL):
        assert secret not in shown


# --- a tokenizer learnt on the person -------------------------------------------------------


def test_tokenizer_learnt_on_person_holds_phone_and_email(leaky_tokenizer: Any) -> None:
    report = vocab_leaks(leaky_tokenizer, PERSON)
    assert report.scheme == "byte_level"
    by_kind = {leak.kind: leak for leak in report.leaks}
    assert {"phone", "email", "name"} <= set(by_kind)
    # the whole number is one learnt token, listed under the phone, with its id
    phone_tokens = {t.stored: t for t in by_kind["phone"].tokens}
    assert "Ġ" + PHONE_DIGITS in phone_tokens
    whole = phone_tokens["Ġ" + PHONE_DIGITS]
    assert whole.token_id == leaky_tokenizer.convert_tokens_to_ids("Ġ" + PHONE_DIGITS)
    assert whole.text == " " + PHONE_DIGITS and not whole.added
    assert whole.masked == "*******0321"
    assert by_kind["phone"].masked == "+44 ** **** 0321"
    # the email's rare local part piece ('atterbury') is a token of the email; 'jorunn' is a
    # given name in use (Norwegian), in real vocabularies whoever the person is: not counted
    email_texts = {t.text.strip().lower() for t in by_kind["email"].tokens}
    assert "atterbury" in email_texts and "jorunn" not in email_texts
    assert by_kind["email"].masked == "j***@e***.net"
    # no filler word, and no sub-word piece of the person's ('Ġ02', '0321', 'orunn'), is reported
    reported = {t.text.strip() for t in report.tokens}
    assert not reported & {"the", "market", "02", "0321", "orunn", "example", "net"}
    assert sum(report.counts().values()) == len(report.tokens)
    assert report.summary().startswith(f"The tokenizer itself holds {len(report.tokens)} tokens")
    assert "phone ×" in report.summary() and "email ×" in report.summary()
    warning = report.unlearn_warning()
    assert warning is not None and warning.startswith("unlearning changes weights, not the tok")
    assert "retrain the tokenizer" in warning and "embedding" in warning
    plain_values_absent(report)


def test_tokenizer_without_person_holds_nothing(clean_tokenizer: Any) -> None:
    report = vocab_leaks(clean_tokenizer, PERSON)
    assert report.leaks == () and report.tokens == []
    assert report.summary() == "The tokenizer holds no token made from your identifiers."
    assert report.unlearn_warning() is None


def test_common_words_and_mail_providers_are_not_leaks() -> None:
    """Tokens for 'john', 'smith', 'gmail', 'com' and a common first name exist in any
    vocabulary: a John Smith with a Gmail address is not found in them."""
    texts = filler(200) + [
        f"Then John met Maria Smith at the market; write to team{i}@gmail.com or see example.com."
        for i in range(80)
    ]
    tokenizer = train_tokenizer(texts, vocab_size=512)
    vocab = tokenizer.get_vocab()
    assert {"ĠJohn", "ĠSmith", "gmail", "com", "ĠMaria"} <= set(vocab)
    smith = profile(names=["John Smith", "Maria"], emails=["john.smith@gmail.com"],
                    phones=["+1 415 555 0134"], handles=["@john"])  # fmt: skip
    report = vocab_leaks(tokenizer, smith)
    assert report.leaks == ()


def test_phone_in_another_form_than_the_profile_is_found() -> None:
    """The profile writes the number nationally with spaces; the texts write it as
    +CC without separators: the digit runs still share the national number."""
    texts = filler(200) + person_texts(phone="+442079460321")
    tokenizer = train_tokenizer(texts, vocab_size=512)
    assert "442079460321" in tokenizer.get_vocab()
    national = profile(phones=["020 7946 0321"], region="GB")
    report = vocab_leaks(tokenizer, national)
    assert [leak.kind for leak in report.leaks] == ["phone"]
    assert "442079460321" in {t.stored for t in report.leaks[0].tokens}


def test_phone_written_in_groups_gives_no_long_token() -> None:
    """A byte-level BPE keeps each digit group whole but never joins groups: a number
    always written '020 7946 0321' leaves 4-digit tokens only, which are not leaks."""
    texts = filler(200) + person_texts(phone="020 7946 0321")
    tokenizer = train_tokenizer(texts, vocab_size=512)
    assert "Ġ7946" in tokenizer.get_vocab()
    report = vocab_leaks(tokenizer, profile(phones=[PHONE], region="GB"))
    assert report.leaks == ()


def test_added_tokens_are_read_as_plain_text(clean_tokenizer: Any) -> None:
    tokenizer = train_tokenizer(filler(100), vocab_size=300)
    tokenizer.add_tokens([EMAIL, "Jürgensdóttir"])
    report = vocab_leaks(tokenizer, profile(emails=[EMAIL], names=["Sigrún Jürgensdóttir"]))
    tokens = {t.text: t for t in report.tokens}
    assert tokens[EMAIL].added and tokens["Jürgensdóttir"].added
    assert {leak.kind for leak in report.leaks} == {"email", "name"}
    # the raw tokenizers.Tokenizer gives the same answer
    raw = vocab_leaks(tokenizer.backend_tokenizer, profile(emails=[EMAIL]))
    assert [t.text for t in raw.tokens] == [EMAIL]


# --- a model directory's files --------------------------------------------------------------


def test_files_holding_the_tokens(leaky_tokenizer: Any, tmp_path: Path) -> None:
    model = tmp_path / "unlearned"
    leaky_tokenizer.save_pretrained(model)
    leaky_tokenizer.backend_tokenizer.model.save(str(model))  # vocab.json + merges.txt
    (model / "README.md").write_text(f"Fine-tuned on club notes. Contact {PHONE_DIGITS}.\n")
    (model / "model.safetensors").write_bytes(PHONE_DIGITS.encode() * 4)  # weights: not read
    (model / "config.json").write_text(json.dumps({"vocab_size": 512, "n_layer": 2}))
    report = directory_vocab_leaks(model, PERSON)
    files = {f.name: f for f in report.files}
    assert set(files) == {"tokenizer.json", "vocab.json", "merges.txt", "README.md"}
    assert files["vocab.json"].entries == len(report.tokens)
    assert files["merges.txt"].entries >= len(report.tokens)  # the merges that build them
    assert "phone" in files["README.md"].kinds
    assert report.tokens == vocab_leaks(leaky_tokenizer, PERSON).tokens
    assert tokenizer_files_holding(model, PERSON) == list(report.files)
    warning = report.unlearn_warning() or ""
    assert "tokenizer.json" in warning and "merges.txt" in warning
    plain_values_absent(report)


def test_directory_with_only_vocab_and_merges(leaky_tokenizer: Any, tmp_path: Path) -> None:
    leaky_tokenizer.backend_tokenizer.model.save(str(tmp_path))
    report = directory_vocab_leaks(tmp_path, PERSON)
    assert report.scheme == "byte_level"
    assert "Ġ" + PHONE_DIGITS in {t.stored for t in report.tokens}


def test_clean_directory_and_no_tokenizer(clean_tokenizer: Any, tmp_path: Path) -> None:
    clean_tokenizer.save_pretrained(tmp_path / "clean")
    assert tokenizer_files_holding(tmp_path / "clean", PERSON) == []
    (tmp_path / "empty").mkdir()
    with pytest.raises(ExpungeError, match="no tokenizer files"):
        directory_vocab_leaks(tmp_path / "empty", PERSON)


def _sp_model(pieces: list[tuple[str, int]]) -> bytes:
    """A SentencePiece ModelProto holding `pieces`, built with the schema transformers ships."""
    from transformers.convert_slow_tokenizer import import_protobuf

    proto = import_protobuf().ModelProto()
    for piece, kind in pieces:
        proto.pieces.add(piece=piece, score=-1.0, type=kind)
    proto.trainer_spec.model_type = 1
    return proto.SerializeToString()


def test_sentencepiece_model_file(tmp_path: Path) -> None:
    pieces = [("<unk>", 2), ("<s>", 3), ("▁the", 1), ("▁7946-0321", 1), ("▁Atterbury", 1),
              ("<0x41>", 6), ("atter", 1)]  # fmt: skip
    assert sentencepiece_pieces(_sp_model(pieces)) == pieces
    with pytest.raises(ValueError):
        sentencepiece_pieces(b"\x0a\xff\xff")  # a length past the end
    (tmp_path / "tokenizer.model").write_bytes(_sp_model(pieces))
    report = directory_vocab_leaks(tmp_path, PERSON)
    assert report.scheme == "sentencepiece"
    # '7946-0321' is one digit run of 8 of the number's digits; 'atter' is a sub-word piece
    assert {t.text for t in report.tokens} == {" 7946-0321", " Atterbury"}
    assert [f.name for f in report.files] == ["tokenizer.model"]


# --- the rule, piece by piece ---------------------------------------------------------------


def test_decoding() -> None:
    assert decode_token("Ġ0207", "byte_level") == " 0207"
    assert decode_token("ĠJÃ¼rgen", "byte_level") == " Jürgen"
    assert decode_token("ĊĠ", "byte_level") == "\n "
    assert decode_token("José", "byte_level", added=True) == "José"
    assert decode_token("▁jorunn", "sentencepiece") == " jorunn"
    assert decode_token("<0x41>", "sentencepiece") == "A"
    assert decode_token("##bury", "wordpiece") == "bury"
    assert scheme_of(None, ["Ġthe", "Ġa", "x"]) == "byte_level"
    assert scheme_of(None, ["▁the", "x"]) == "sentencepiece"
    assert scheme_of(None, ["the", "##s"]) == "wordpiece"
    assert scheme_of({"decoder": {"type": "ByteLevel"}}) == "byte_level"
    llama = {"normalizer": {"type": "Replace", "content": "▁"}, "model": {"type": "BPE"}}
    assert scheme_of(llama) == "sentencepiece"


def test_rule_helpers() -> None:
    for run in ("12345", "98765", "55555", "30000", "0123456"):
        assert trivial_digits(run)
    assert not trivial_digits("79460")
    assert shares_phone_digits("x 7946-0321", "2079460321")
    assert shares_phone_digits("4420794", "2079460321")
    assert not shares_phone_digits("0321", "2079460321")  # four digits
    assert not shares_phone_digits("12345", "5551234567")  # trivial, though in the number
    assert rare_name_word("atterbury") and rare_name_word("ravensworth")
    # names people commonly bear somewhere (Faker's lists of every locale) never count alone:
    # on a real 49k vocabulary 'Alison' made every Alison "leak"
    assert not rare_name_word("jorunn") and not rare_name_word("alison")
    assert not rare_name_word("smith") and not rare_name_word("maria")
    assert not rare_name_word("ines")  # too short to tell from a word
    assert distinctive("jdoe", 4) and not distinctive("gmail", 4) and not distinctive("com", 4)


def test_matcher_whole_pieces_only() -> None:
    person = profile(names=[NAME], emails=["j.doe1987@gmail.com"], handles=["@quillfeather"],
                     strings=["Employee EMP-004512"], domains=["atterbury-design.co.uk"])  # fmt: skip
    matcher = TokenMatcher(person)
    kinds = {t.kind for t in matcher.targets}
    assert kinds == {"name", "email", "handle", "string", "domain"}

    def held(text: str) -> set[str]:
        return {matcher.targets[i].kind for i in matcher.match(text)}

    assert held(" Atterbury") == {"name", "domain"}
    assert held("xatterbury") == set() and held(" atter") == set()
    assert held("jorunn atterbury") == {"name", "domain"}
    assert held("doe") == set() and held("1987") == set()  # too short, and a year
    assert held("j.doe1987") == {"email"}  # the whole local part, in one token
    assert held("Ġquillfeather".replace("Ġ", " ")) == {"handle"}
    assert held("004512") == {"string"}
    assert held("gmail") == set() and held(".co") == set() and held("design") == set()


def test_scan_vocab_lists_each_token_once_per_identifier() -> None:
    vocab = {"Ġjorunnatterbury": 5, "atterbury": 6, "Ġthe": 7, "Ġ02079460321": 8, "0321": 9,
             "Ġjorunn": 10}  # fmt: skip
    report = scan_vocab(vocab, PERSON, "byte_level")
    assert [t.token_id for t in report.tokens] == [5, 6, 8]
    # a token counts once: 'atterbury' under the email, the joined name under the name
    assert report.counts() == {"email": 1, "phone": 1, "name": 1}
    names = [leak for leak in report.leaks if leak.kind == "name"]
    assert [t.token_id for t in names[0].tokens] == [5, 6]
    assert report.summary() == (
        "The tokenizer itself holds 3 tokens made from your identifiers (email ×1, phone ×1, "
        "name ×1): "
        "they stay in the model directory whatever the weights forget."
    )


def test_word_pieces_of_a_real_vocabulary_are_not_the_person() -> None:
    """SmolLM2-135M's 49k vocabulary (BENCHMARKS §7) holds 'ines' (as in 'machines') and
    'ĠAlison': an audit of the pretrained model said its tokenizer stored the (fictional) demo
    person's email 'ines.kbrandao@...' and any Alison's. Names people commonly bear do not
    count alone; the rare part of the address still does."""
    person = profile(names=["Inês Brandão"], emails=["ines.kbrandao@example.com"], region="PT")
    vocab = {"ines": 884, "ĠIn": 3, "ĠAlison": 45237, "Ġthe": 7, "kbrandao": 9}
    report = scan_vocab(vocab, person, "byte_level")
    assert [t.token_id for t in report.tokens] == [9]
    alison = profile(names=["Alison Taylor"], emails=["alison.taylor@example.org"], region="GB")
    assert scan_vocab(vocab, alison, "byte_level").tokens == []
