"""Look-alikes (the person's documents about made-up people) and the membership test on them."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from model_fixtures import LeakyModel, person_docs

from expunge.model.audit import AuditReport, _sentences, run_audit
from expunge.model.forget_set import ForgetItem
from expunge.model.generate import Sampling
from expunge.model.load import load_model
from expunge.model.lookalikes import MadeUpPerson, ascii_folded, locale_for, lookalike_sets
from expunge.model.mia import MembershipReport, ScoreReport, binomial_tail
from expunge.subject import load_subject

pytestmark = pytest.mark.slow  # trains or loads torch models

TEXT = ("Write to o.ravensworth@ravensworth.co.uk or ottoline.r77@gmail.com, ask for Ottoline "
        "Ravensworth, call +44 20 7946 0777, or find @ottoravens.")  # fmt: skip
VALUES = ["o.ravensworth@ravensworth.co.uk", "ottoline.r77@gmail.com", "Ottoline Ravensworth",
          "+44 20 7946 0777", "@ottoravens"]  # fmt: skip


def _item() -> ForgetItem:
    return ForgetItem(TEXT, tuple((TEXT.index(v), TEXT.index(v) + len(v)) for v in VALUES))


def test_a_made_up_person_is_consistent_across_values() -> None:
    (alike,) = lookalike_sets([_item()], 1, seed=3, locale="en_GB")[0:1]
    made = [alike[0].text[a:b] for a, b in alike[0].spans]
    email, gmail, name, phone, handle = made
    first, last = name.split()
    assert first != "Ottoline" and last != "Ravensworth"
    # as long as the real words (or the closest Faker has): the same token load
    assert len(first) == len("Ottoline") and abs(len(last) - len("Ravensworth")) <= 1
    # the same made-up words everywhere, initials and run-together words included
    assert email == f"{first[0].lower()}.{last.lower()}@{last.lower()}.co.uk"
    assert re.fullmatch(rf"{first.lower()}\.{last[0].lower()}\d\d@gmail\.com", gmail), gmail
    assert gmail.endswith("@gmail.com")  # a common provider stays
    assert handle.startswith("@") and handle != "@ottoravens"
    # a phone keeps its country and area codes, and gets new last digits
    assert phone.startswith("+44 20 7946 ") and phone != "+44 20 7946 0777"
    assert re.fullmatch(r"\+44 20 7946 \d{4}", phone)


def test_every_span_follows_its_new_value_and_the_rest_is_untouched() -> None:
    for group in lookalike_sets([_item()], 5, seed=1):
        item = group[0]
        assert len(item.spans) == len(VALUES)
        kept = re.sub(r"\s+", " ", "".join(
            item.text[prev:start] for prev, start in zip(
                [0] + [e for _, e in item.spans], [s for s, _ in item.spans] + [len(item.text)])))  # fmt: skip
        original = "".join(
            TEXT[prev:start] for prev, start in zip(
                [0] + [e for _, e in _item().spans], [s for s, _ in _item().spans] + [len(TEXT)]))  # fmt: skip
        assert kept == re.sub(r"\s+", " ", original)
        assert all(item.text[a:b] not in VALUES for a, b in item.spans)


def test_sets_are_reproducible_and_differ_from_each_other() -> None:
    one = lookalike_sets([_item()], 4, seed=7)
    assert one == lookalike_sets([_item()], 4, seed=7)
    assert len({group[0].text for group in one}) == 4
    assert one != lookalike_sets([_item()], 4, seed=8)


def test_locale_follows_the_country() -> None:
    assert locale_for("de") == "de_DE" and locale_for("JP") == "ja_JP"
    assert locale_for("gb") == "en_GB"
    assert locale_for(None) == "en_US" and locale_for("zz") == "en_US"


def test_an_initial_before_its_word_still_maps_to_the_same_word() -> None:
    person = MadeUpPerson(0, "en_US")
    item = ForgetItem("j.doe@corp.example wrote; Jane Doe signed.", ((0, 18), (26, 34)))
    person.learn([item])
    out = person.rewrite(item)
    email, name = (out.text[a:b] for a, b in out.spans)
    first, last = name.split()
    assert email.split("@")[0] == f"{first[0].lower()}.{last.lower()}"


def _stranger(tmp_path: Path, name: str, email: str, phone: str) -> tuple[Path, list[str]]:
    profile = tmp_path / "stranger.toml"
    profile.write_text(f'names = ["{name}"]\nemails = ["{email}"]\nphones = ["{phone}"]\n'
                       'region = "GB"\ncountry = "gb"\n')  # fmt: skip
    rng = random.Random(3)
    docs = [d for _ in range(6) for d in person_docs(rng, (name, email, phone))]
    return profile, docs


@pytest.mark.parametrize(
    "person",
    [
        ("Ann Lee", "annlee77@example.net", "+44 20 7946 0111"),
        ("Tom Smith", "tom.smith@gmail.com", "+44 20 7946 0555"),
    ],
)
def test_a_person_the_model_never_saw_is_not_remembered(
    leaky_model: LeakyModel, tmp_path: Path, person: tuple[str, str, str]
) -> None:
    """Same templates as the trained person, values never trained on: the documents must not
    look like members against their look-alikes (they did with other texts as calibration)."""
    profile, docs = _stranger(tmp_path, *person)
    report = run_audit(load_model(leaky_model.model), load_subject(profile), docs,
                       sampling=Sampling(samples=0))  # fmt: skip
    (m,) = report.membership
    assert m.calibration == "look-alikes" and m.documents == 18
    loss = m.primary
    assert loss is not None and loss.auc_documents is not None
    assert 0.35 <= loss.auc_documents <= 0.65, loss.auc_documents
    assert m.signal() is None and report.verdict.startswith("no leak")


def test_the_trained_person_ranks_first_among_made_up_people(leaky_model: LeakyModel) -> None:
    from expunge.model.texts import read_texts

    docs = read_texts(str(leaky_model.documents), "--documents")
    report = run_audit(load_model(leaky_model.model), load_subject(leaky_model.subject), docs,
                       sampling=Sampling(samples=0))  # fmt: skip
    (m,) = report.membership
    loss = m.primary
    assert loss is not None and loss.rank == 1 and loss.sets == 40
    assert m.signal() == "higher"
    assert any("rank" in line and "learnt them" in line for line in report.findings)


def _report(signal_rank: int) -> AuditReport:
    score = ScoreReport("loss", 1.0, 3, [0.1] * 3, 0.9, None, rank=signal_rank, sets=40)
    membership = MembershipReport(3, 120, 0, 0.05, "look-alikes", [score])
    return AuditReport("m", 1, "s", {}, [], [], [], [membership], "")


def test_the_verdict_weighs_the_membership_signal() -> None:
    """No identifier reproduced but the documents rank first: the verdict must not say 'no
    leak' (the demo did, with its own membership test flagging every document)."""
    verdict, lines = _sentences(_report(1))
    assert verdict.startswith("remembers") and "learnt them" in lines[-1]
    verdict, lines = _sentences(_report(20))
    assert verdict.startswith("no leak") and "like made-up ones" in lines[-1]
    verdict, lines = _sentences(_report(40))  # below every made-up person: pushed down
    assert verdict.startswith("no leak") and "trace of unlearning" in lines[-1]


def test_binomial_tail() -> None:
    assert binomial_tail(0, 15, 0.05) == pytest.approx(1.0)
    assert binomial_tail(15, 15, 0.05) == pytest.approx(0.05**15)
    assert binomial_tail(1, 2, 0.5) == pytest.approx(0.75)


def test_other_texts_do_not_decide_when_there_are_look_alikes() -> None:
    """A stranger's documents written from trained templates score far above other records
    (AUC 1.0 in BENCHMARKS §7), so --non-members is reported but the look-alikes decide."""
    report = _report(20)  # look-alikes: no signal
    loud = ScoreReport("loss", 1.0, 3, [0.01] * 3, 1.0, None)
    report.membership.append(MembershipReport(3, 100, 0, 0.05, "non-members", [loud]))
    assert report.membership[1].signal() == "higher"
    verdict, lines = _sentences(report)
    assert verdict.startswith("no leak") and "More of your documents" in lines[-1]
    alone = AuditReport("m", 1, "s", {}, [], [], [], [report.membership[1]], "")
    assert _sentences(alone)[0].startswith("remembers")  # no look-alikes: it is all there is


def test_a_name_with_diacritics_and_its_ascii_email_stay_one_made_up_word() -> None:
    """'Şahin' in the name and 'sahin' in the address are one word: a made-up person must be
    as consistent (a Turkish stranger ranked 1st of 40 on a model that never saw him while
    his address was made up independently of his name)."""
    text = "Yazın: Emre Şahin, emre.sahin@example.org"
    spans = ((7, 17), (19, 41))
    for group in lookalike_sets([ForgetItem(text, spans)], 6, seed=2, locale="tr_TR"):
        item = group[0]
        name, email = (item.text[a:b] for a, b in item.spans)
        first, last = name.split()
        local = email.split("@")[0]
        assert local.isascii()  # an ASCII address stays ASCII
        assert local == f"{ascii_folded(first)}.{ascii_folded(last)}".lower()


def test_without_faker_the_audit_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from expunge.errors import ExpungeError
    from expunge.model import lookalikes

    lookalikes._faker.cache_clear()
    monkeypatch.setitem(sys.modules, "faker", None)  # import faker now fails
    try:
        with pytest.raises(ExpungeError, match="faker"):
            lookalike_sets([_item()], 1, locale="xx_XX")
    finally:
        lookalikes._faker.cache_clear()
