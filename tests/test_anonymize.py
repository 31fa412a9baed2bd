"""The one anonymizer (issue 15): operators, the overlap rule and its two variants, character
offsets, and every caller (forget, redact, find's snippets, the model side) going through it."""

from __future__ import annotations

import pytest

from expunge.anonymize import Mask, Numbered, Placeholder, Span, anonymize, mask, resolve
from expunge.records import Finding
from expunge.subject import parse_subject

TAG = Placeholder({"email": "[EMAIL]", "phone": "[PHONE]", "name": "[PERSON]"})


def spans_of(text: str, *pairs: tuple[str, str]) -> list[Span]:
    """Spans for (type, value) pairs at the value's first place in `text`."""
    return [Span(text.index(v), text.index(v) + len(v), t) for t, v in pairs]


# ---- operators -------------------------------------------------------------------------------


def test_mask_gives_the_detectors_previews() -> None:
    text = "mail jane.doe@example.com, call +1 212 555 0123"
    found = spans_of(text, ("email", "jane.doe@example.com"), ("phone", "+1 212 555 0123"))
    assert anonymize(text, found, Mask()).text == "mail j***@e***.com, call +1 *** *** 0123"
    assert mask("credit_card", "4111111111111111") == "**** **** **** 1111"


def test_typed_placeholders_and_the_default_for_other_types() -> None:
    text = "Jane at jane@example.com, id X-99"
    found = spans_of(text, ("name", "Jane"), ("email", "jane@example.com"), ("string", "X-99"))
    assert anonymize(text, found, TAG).text == "[PERSON] at [EMAIL], id [REDACTED]"
    assert (
        anonymize(text, found[2:], Placeholder({}, "[GONE]")).text
        == "Jane at jane@example.com, id [GONE]"
    )


def test_numbered_placeholders_follow_the_normal_form_and_skip_reserved_ones() -> None:
    from expunge.protect.vault import Vault

    vault = Vault()
    text = "A@X.example then a@x.example then b@x.example"
    found = [Span(0, 11, "EMAIL"), Span(17, 28, "EMAIL"), Span(34, 45, "EMAIL")]
    numbered = Numbered(vault, lambda _label, value: value.casefold(), {"[EMAIL_2]"})
    assert anonymize(text, found, numbered).text == "[EMAIL_1] then [EMAIL_1] then [EMAIL_3]"
    assert numbered.new == [True, False, True]
    assert vault.value("[EMAIL_1]") == "A@X.example"  # the first spelling seen is restored
    again = Numbered(vault, lambda _label, value: value.casefold())
    assert anonymize("b@X.example", [Span(0, 11, "EMAIL")], again).text == "[EMAIL_3]"
    assert again.new == [False]


def test_the_operator_sees_each_span_once_left_to_right_and_the_output_offsets_hold() -> None:
    seen: list[tuple[str, str]] = []

    def upper(span: Span, value: str) -> str:
        seen.append((span.type, value))
        return value.upper() * 2

    text = "one two three four"
    done = anonymize(text, [Span(14, 18, "d"), Span(0, 3, "a"), Span(8, 13, "c")], upper)
    assert seen == [("a", "one"), ("c", "three"), ("d", "four")]
    assert done.text == "ONEONE two THREETHREE FOURFOUR"
    assert [done.text[r.at : r.end] for r in done.replaced] == ["ONEONE", "THREETHREE", "FOURFOUR"]
    assert [(r.span.start, r.span.end) for r in done.replaced] == [(0, 3), (8, 13), (14, 18)]


# ---- the overlap rule ------------------------------------------------------------------------


def test_a_span_inside_another_disappears_into_it() -> None:
    text = "write to jane.doe@example.com now"
    found = spans_of(text, ("name", "doe"), ("email", "jane.doe@example.com"))
    assert anonymize(text, found, TAG).text == "write to [EMAIL] now"
    assert resolve(found) == [found[1]]


def test_crossing_spans_merge_and_the_earlier_names_the_result() -> None:
    text = "at Jane Doe Bakery Street today"
    found = [Span(3, 11, "name"), Span(8, 25, "string")]
    assert resolve(found) == [Span(3, 25, "name")]
    assert anonymize(text, found, TAG).text == "at [PERSON] today"
    # nothing of either value is left readable, with masks too
    assert anonymize(text, found, Mask()).text == "at J*** today"


def test_chains_of_crossing_spans_merge_into_one() -> None:
    found = [Span(0, 4, "a"), Span(3, 7, "b"), Span(6, 10, "c"), Span(12, 14, "d")]
    assert resolve(found) == [Span(0, 10, "a"), Span(12, 14, "d")]


def test_touching_spans_stay_apart() -> None:
    text = "x:jane.doe@example.com+12125550123"
    found = spans_of(text, ("phone", "+12125550123"), ("email", "jane.doe@example.com"))
    assert anonymize(text, found, TAG).text == "x:[EMAIL][PHONE]"


def test_identical_spans_rank_then_given_order_decide_the_type() -> None:
    assert resolve([Span(0, 4, "phone"), Span(0, 4, "email")]) == [Span(0, 4, "phone")]
    assert resolve([Span(0, 4, "phone", rank=2), Span(0, 4, "email", rank=1)]) == [
        Span(0, 4, "email", rank=1)
    ]
    # the longer of two spans starting together wins, whatever the rank
    assert resolve([Span(0, 4, "a", rank=0), Span(0, 6, "b", rank=9)]) == [Span(0, 6, "b", 9)]


def test_empty_spans_and_no_spans_replace_nothing() -> None:
    assert anonymize("abc", [], TAG).text == "abc"
    assert anonymize("abc", [Span(1, 1, "email")], TAG).text == "abc"
    assert anonymize("", [], TAG).replaced == ()
    assert resolve([Span(2, 2), Span(3, 1)]) == []


def test_a_crossing_span_is_merged_never_left_with_a_readable_tail() -> None:
    found = [Span(3, 11, "name"), Span(8, 25, "string")]
    assert resolve(found) == [Span(3, 25, "name")]
    nested = [Span(0, 10, "email"), Span(2, 5, "name"), Span(10, 12, "phone")]
    assert resolve(nested) == [nested[0], nested[2]]


def test_the_touching_variant_joins_runs() -> None:
    found = [Span(5, 9), Span(0, 5), Span(9, 9), Span(12, 15), Span(14, 20)]
    assert resolve(found, touching=True) == [Span(0, 9), Span(12, 20)]


def test_offsets_are_characters_whatever_the_script() -> None:
    text = "🙂 Inès Kowalczyk-Brandão — ines@example.org ☎ +49 30 90182745 e\u0301"
    found = spans_of(text, ("name", "Inès Kowalczyk-Brandão"), ("email", "ines@example.org"),
                     ("phone", "+49 30 90182745"))  # fmt: skip
    found.append(Span(len(text) - 2, len(text), "name"))  # 'e' + combining acute: two chars
    done = anonymize(text, found, TAG)
    assert done.text == "🙂 [PERSON] — [EMAIL] ☎ [PHONE] [PERSON]"
    assert [done.text[r.at : r.end] for r in done.replaced] == [
        "[PERSON]", "[EMAIL]", "[PHONE]", "[PERSON]"
    ]  # fmt: skip


def test_a_span_outside_the_text_is_an_error_before_any_replacement() -> None:
    from expunge.protect.vault import Vault

    vault = Vault()
    numbered = Numbered(vault, lambda _label, value: value)
    with pytest.raises(ValueError, match="outside a text of 3"):
        anonymize("abc", [Span(0, 1, "X"), Span(2, 4, "X")], numbered)
    assert len(vault) == 0 and numbered.new == []  # the valid first span took no number


# ---- every caller goes through it ------------------------------------------------------------

BAKERY = "We bought bread at Jane Doe Bakery Street last week."
NAME, STRING = (19, 27), (24, 41)  # 'Jane Doe' and 'Doe Bakery Street' cross


def test_forget_redact_mode_merges_crossing_spans() -> None:
    from expunge.version import redact

    # Before the one rule, the crossing span was left out and its tail ('Bakery Street') kept.
    spans = [("string", *STRING), ("name", *NAME)]
    assert redact(BAKERY, spans) == "We bought bread at [PERSON] last week."
    assert redact("a@b.example+12125550123", [("phone", 11, 23), ("email", 0, 11)]) == (
        "[EMAIL][PHONE]"
    )
    assert redact("x y", [("name", 0, 1), ("other", 2, 3)]) == "[PERSON] [REDACTED]"


def test_find_context_snippets_mask_crossing_spans_whole() -> None:
    from expunge.find.context import context_snippet

    name = Finding("name", *NAME, 0.95, "strong", subject="jane")
    string = Finding("string", *STRING, 0.95, "strong", subject="jane")
    snippet = context_snippet(BAKERY, name, [name, string], show_values=False)
    assert snippet == "We bought bread at J*** last week."
    shown = context_snippet(BAKERY, name, [name, string], show_values=True)
    assert shown == BAKERY


def test_find_context_snippets_cut_spans_at_the_window_after_resolving_them() -> None:
    from expunge.find.context import context_snippet

    text = "x" * 50 + " mail jane.doe@example.com, call me " + "y" * 60
    email = Finding("email", 56, 76, 0.95, "strong", subject="jane")
    snippet = context_snippet(text, email, [email], show_values=False)
    assert "j***@e***.com" in snippet and "jane" not in snippet
    assert snippet.startswith("…") and snippet.endswith("…")


def test_expunge_redact_merges_crossing_spans_into_one_numbered_placeholder() -> None:
    from expunge.protect.redact import redact

    profile = parse_subject({"names": ["Jane Doe"], "strings": ["Doe Bakery Street"]}, "jane")
    text = "Doe Bakery Street is where Jane Doe works; Jane Doe Bakery Street closes."
    result = redact(text, types=["email"], subjects=[profile])
    assert result.text == "[DETAIL_1] is where [NAME_1] works; [NAME_2] closes."
    assert [(r.start, r.end, r.label, r.new) for r in result.replacements] == [
        (0, 17, "DETAIL", True), (27, 35, "NAME", True), (43, 65, "NAME", True)
    ]  # fmt: skip


def test_the_forget_set_joins_touching_and_crossing_spans() -> None:
    from expunge.model.forget_set import detect_spans

    profile = parse_subject(
        {"names": ["Jane Doe"], "phones": ["+1 212 555 0123"], "strings": ["Doe Bakery Street"]},
        "j",
    )
    text = "adjacent:jane.doe@example.com+12125550123 end; Jane Doe Bakery Street"
    (item,) = detect_spans([text], profile)
    # email + phone touch: one run; name and string cross: one run
    assert item.spans == ((9, 41), (47, 69))


def test_look_alikes_replace_each_span_and_the_spans_follow() -> None:
    from expunge.model.forget_set import ForgetItem
    from expunge.model.lookalikes import MadeUpPerson

    text = "Jane Doe (jane.doe@example.com) and Jane Doe Bakery Street."
    item = ForgetItem(text, ((0, 8), (10, 30), (36, 44), (41, 58)))
    person = MadeUpPerson(7)
    person.learn([item])
    made = person.rewrite(item)
    assert len(made.spans) == 3  # the crossing pair is one value, as the overlap rule says
    name, email, run = (made.text[a:b] for a, b in made.spans)
    assert name != "Jane Doe" and "@" in email and email != "jane.doe@example.com"
    assert run.startswith(name)  # the same made-up words wherever the real ones were
    assert made.text.endswith(".") and made.text[made.spans[0][1] :].startswith(" (")


def test_the_audits_examples_are_masked_once() -> None:
    from expunge.model.probes import masked

    spans = [("name", *NAME), ("string", *STRING)]
    assert masked(BAKERY, spans) == "We bought bread at J*** last week."
    assert masked("call\n +1 212 555 0123", [("phone", 6, 21)]) == "call +1 *** *** 0123"
