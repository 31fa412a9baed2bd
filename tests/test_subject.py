"""Subject profiles: loading, validation and the normal forms identifiers are matched by."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli

from expunge.errors import ExpungeError
from expunge.subject import load_subject, parse_subject
from expunge.subject.normalize import email_key, handle_key, name_variants, phone_key, url_keys


def test_name_variants_fold_case_and_diacritics() -> None:
    variants = name_variants("José María Müller")
    assert variants[0] == "jose maria muller"
    assert {"jose muller", "muller, jose", "j. muller", "jose m. muller"} <= set(variants)
    assert name_variants("Müller, José") == name_variants("José Müller")


@pytest.mark.parametrize(
    "given, key",
    [
        ("Jane.Doe+news@Example.ORG", "jane.doe@example.org"),
        ("j.a.n.e+x@googlemail.com", "jane@gmail.com"),
        ("JANE@gmail.com", "jane@gmail.com"),
    ],
)
def test_email_keys(given: str, key: str) -> None:
    assert email_key(given) == key


def test_phone_keys_are_e164_whatever_the_writing() -> None:
    forms = ["(415) 555-0132", "+1 415.555.0132", "001 415 555 0132", "415-555-0132"]
    assert {phone_key(f, "US") for f in forms} == {"+14155550132"}
    assert (
        phone_key("020 7946 0958", "GB") == phone_key("0044 20 7946 0958", "US") == "+442079460958"
    )
    assert phone_key("12", "US") is None


def test_profile_urls_and_handles() -> None:
    assert url_keys("https://twitter.com/JDoe") == url_keys("x.com/jdoe") == ["x:jdoe"]
    assert url_keys("https://www.flickr.com/photos/12345678@N00/5342871234/") == [
        "flickr:12345678@n00",
        "flickr-photo:5342871234",
    ]
    assert url_keys("https://mastodon.social/@Jane") == ["mastodon:jane@mastodon.social"]
    assert url_keys("https://github.com/features") == []
    assert handle_key("@JDoe") == "jdoe"
    assert handle_key("jane@mastodon.social") == "mastodon:jane@mastodon.social"


def test_profile_from_toml_json_and_yaml_agree(tmp_path: Path) -> None:
    data = {
        "names": ["Ana Lima"],
        "emails": ["ana@example.org"],
        "phones": ["+55 11 98765 4321"],
        "urls": ["https://instagram.com/ana.lima"],
        "domains": ["www.ana-lima.example"],
        "strings": ["Rua  Augusta 12"],
    }
    (tmp_path / "a.json").write_text(json.dumps(data))
    (tmp_path / "a.toml").write_text("\n".join(f"{k} = {json.dumps(v)}" for k, v in data.items()))
    (tmp_path / "a.yaml").write_text("\n".join(f"{k}: {json.dumps(v)}" for k, v in data.items()))
    loaded = [load_subject(tmp_path / f"a.{ext}").identifiers for ext in ("json", "toml", "yaml")]
    assert loaded[0] == loaded[1] == loaded[2]
    keys = {(i.kind, i.key) for i in loaded[0]}
    assert ("phone", "+5511987654321") in keys and ("domain", "ana-lima.example") in keys
    assert ("profile", "instagram:ana.lima") in keys and ("string", "rua augusta 12") in keys


@pytest.mark.parametrize(
    "data, needle",
    [
        ({"names": ["A B"], "emial": ["x@y.org"]}, "unknown key 'emial'"),
        ({"emails": ["not-an-email"]}, "'not-an-email' is not an email"),
        ({"phones": ["12345"]}, "'12345' is not a valid phone"),
        ({"urls": ["https://example.com/about"]}, "not a profile URL"),
        ({"names": "A B", "region": "XX"}, "unknown region"),
        ({"names": [1, 2]}, "list of strings"),
        ({}, "no identifiers"),
    ],
)
def test_bad_profiles_name_the_problem(data: dict, needle: str) -> None:
    with pytest.raises(ExpungeError, match=needle):
        parse_subject(data, "me.toml")


def test_subject_check_cli(tmp_path: Path) -> None:
    from expunge.demo import write_demo_dataset

    info = write_demo_dataset(tmp_path / "demo", docs=300)
    result = run_cli("subject", "check", str(info.subject))
    assert result.code == 0, result.stderr
    assert "+493090182745" in result.stdout and "x:inesk_brandao" in result.stdout
    assert "the profile is valid" in result.stdout
    (tmp_path / "bad.toml").write_text('phones = ["0"]\n')
    bad = run_cli("subject", "check", str(tmp_path / "bad.toml"))
    assert bad.code == 1 and "bad.toml" in bad.stderr and "Traceback" not in bad.stderr
