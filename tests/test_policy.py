"""`expunge policy analyze`: extraction, sentences, rules, verdicts, reports and bad input.

The fixtures in tests/data/policies/ are short fictional policies written for these tests;
PDFs are generated here with fpdf2 (and an image-only "scan" with Pillow)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from expunge.cli.policy import policy_app
from expunge.errors import ExpungeError
from expunge.policy import DocumentAnalysis, analyze_path, analyze_text
from expunge.policy.extract import read_plain_text, read_policy
from expunge.policy.report_html import render_policy_report
from expunge.policy.rules import Context, classify
from expunge.policy.sentences import split_sentences

DATA = Path(__file__).parent / "data" / "policies"


def _doc(name: str) -> DocumentAnalysis:
    return analyze_text(read_policy(DATA / name))


def _text_doc(text: str, tmp_path: Path, name: str = "p.txt") -> DocumentAnalysis:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return analyze_text(read_policy(path))


def _find(doc: DocumentAnalysis, category: str, fragment: str):  # type: ignore[no-untyped-def]
    found = [m for m in doc.matches[category] if fragment in m.text]
    assert found, f"{category}: no sentence with {fragment!r} in {doc.name}"
    return found[0]


def _categories(sentence: str, context: Context | None = None) -> dict[str, str]:
    hits, _ = classify(sentence, context or Context())
    return {category: hit.polarity for category, hit in hits.items()}


# --- extraction --------------------------------------------------------------------------------


def test_html_keeps_structure_and_skips_navigation_footer_and_scripts() -> None:
    policy = read_policy(DATA / "chatterly.html")
    text = " ".join(b.text for b in policy.blocks)
    assert "blog" not in text and "nobody" not in text and "window.track" not in text
    assert "font-family" not in text and "Terms" not in text
    assert policy.title == "Privacy Policy | Chatterly"
    items = [b for b in policy.blocks if b.kind == "li"]
    assert items[0].text == "Approximate location derived from your IP address."
    assert items[0].lead == "We also collect:"
    rows = [b for b in policy.blocks if b.kind == "row"]
    assert rows[0].text == "Conversations; 30 days after you delete them"
    assert rows[0].lead == "Data; Retention period"
    choices = next(b for b in policy.blocks if b.text.startswith("You can opt out"))
    assert choices.location() == '§3 "Your Choices", ¶1'
    link = choices.links[0]
    assert link.url == "https://chatterly.example/privacy/opt-out"
    assert choices.text[link.start : link.end] == "our opt-out page"


def test_unnumbered_html_headings_are_numbered_by_position(tmp_path: Path) -> None:
    path = tmp_path / "p.html"
    path.write_text("<h1>Privacy Policy</h1><h2>Data</h2><h3>Automatic</h3><p>We log your IP "
                    "address.</p><h3>Given</h3><p>A.</p><h2>Rights</h2><p>B.</p>")  # fmt: skip
    blocks = read_policy(path).blocks
    assert [b.location() for b in blocks] == [
        '§1.1 "Data" › "Automatic", ¶1',
        '§1.2 "Data" › "Given", ¶1',
        '§2 "Rights", ¶1',
    ]


def test_plain_text_headings_and_hard_wrapped_lines() -> None:
    policy = read_policy(DATA / "brightlens.txt")
    assert policy.title == "BRIGHTLENS PRIVACY NOTICE"
    first = next(b for b in policy.blocks if b.text.startswith("With your written consent"))
    assert first.section == ("BIOMETRIC INFORMATION",) and first.section_no == "2"
    assert "templates from the photos in your library so that" in first.text  # lines joined
    bullets = [b.text for b in policy.blocks if b.kind == "li"]
    assert bullets == ["Crash reports and diagnostic data from the app.",
                       "Your device model and operating system version.",
                       "Approximate location, only if you enable location services."]  # fmt: skip


def test_markdown_links_and_emphasis() -> None:
    policy = read_policy(DATA / "quillnote.md")
    contact = policy.blocks[-1]
    assert contact.text == "Write to privacy@quillnote.example."
    assert contact.links[0].url == "mailto:privacy@quillnote.example"
    assert policy.blocks[0].text == "Effective: 1 February 2025"


def test_sentence_splitter_handles_abbreviations_and_bullets() -> None:
    text = ("We collect data, e.g. your IP address, i.e. the number of your device. Acme Inc. "
            "processes it in the U.S. and the EU. We keep it 3.5 years under Art. 6 GDPR. "
            "See No. 5 of the annex! Is that clear? Yes • first item • second item")  # fmt: skip
    got = [text[s:e] for s, e in split_sentences(text)]
    assert got == [
        "We collect data, e.g. your IP address, i.e. the number of your device.",
        "Acme Inc. processes it in the U.S. and the EU.",
        "We keep it 3.5 years under Art. 6 GDPR.",
        "See No. 5 of the annex!",
        "Is that clear?",
        "Yes",
        "first item",
        "second item",
    ]
    short = "The app is run by Acme Inc. We train models."
    assert [short[s:e] for s, e in split_sentences(short)] == [
        "The app is run by Acme Inc.",
        "We train models.",
    ]


# --- categories, with location -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "category", "fragment", "location"),
    [
        ("chatterly.html", "ai_training", "We use your conversations, prompts",
         '§2 "How We Use Information", ¶1'),
        ("chatterly.html", "metadata", "automatically collect device identifiers",
         '§1 "Information We Collect", ¶1'),
        ("chatterly.html", "metadata", "Approximate location derived", '§1 "Information We Collect", ¶3'),
        ("chatterly.html", "opt_out", "You can opt out of model training", '§3 "Your Choices", ¶1'),
        ("chatterly.html", "retention", "ninety (90) days", '§5 "Retention", ¶3'),
        ("chatterly.html", "ai_sharing", "research partners", '§4 "Sharing", ¶1'),
        ("brightlens.txt", "biometrics", "face geometry templates", '§2 "BIOMETRIC INFORMATION", ¶1'),
        ("brightlens.txt", "retention", "within three (3) years", '§2 "BIOMETRIC INFORMATION", ¶2'),
        ("brightlens.txt", "opt_out", "withdraw your consent", '§4 "YOUR CHOICES", ¶1'),
        ("quillnote.md", "retention", "within 60 days", '§4 "Retention", ¶1'),
    ],
)  # fmt: skip
def test_each_category_is_found_with_its_location(
    name: str, category: str, fragment: str, location: str
) -> None:
    match = _find(_doc(name), category, fragment)
    assert match.location == location
    assert match.cue_words()


def test_cue_words_explain_the_match() -> None:
    match = _find(_doc("chatterly.html"), "ai_training", "We use your conversations")
    assert {"your conversations", "train", "improve", "models"} <= set(match.cue_words())


def test_list_item_reads_its_lead_in(tmp_path: Path) -> None:
    doc = _text_doc("We use the following to train our AI models:\n\n- your chat logs\n"
                    "- the files you upload\n", tmp_path)  # fmt: skip
    items = [m for m in doc.matches["ai_training"] if m.text in ("your chat logs",
                                                                 "the files you upload")]  # fmt: skip
    assert len(items) == 2
    assert doc.verdict.trains_on_user_content == "yes"


# --- negation and verdicts ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "polarity"),
    [
        ("We do not use your content to train our models.", "neg"),
        ("Your conversations are never used to train our AI.", "neg"),
        ("Neither we nor our partners use your content to train AI models.", "neg"),
        ("Business data is excluded from training by default.", "neg"),
        ("We will not use Customer Data to train our models unless you opt in.", "neg"),
        ("If you opt in, we use your chats to fine-tune our language models.", "cond"),
        ("We use your prompts to train our models.", "pos"),
        ("If you do not want your chats used to train our models, turn off history.", "pos"),
        ("If you opt out, we will not use your future chats to train our models.", "pos"),
        ("Including, but not limited to, your prompts, we use data to train our models.", "pos"),
        ("We don't sell your data, and we use it to train our algorithms.", "pos"),
    ],
)  # fmt: skip
def test_negation_is_scoped_to_the_clause(sentence: str, polarity: str) -> None:
    assert _categories(sentence).get("ai_training") == polarity


def test_a_policy_that_denies_training_gets_verdict_no() -> None:
    doc = _doc("quillnote.md")
    v = doc.verdict
    assert (v.trains_on_user_content, v.ai_opt_out, v.biometrics, v.shares_for_ai) == (
        "no", "not_applicable", "no", "no")  # fmt: skip
    assert v.evidence["trains_on_user_content"] == '§3 "How we use your notes", ¶1'
    denial = _find(doc, "ai_training", "We do not use your notes")
    assert denial.polarity == "neg" and "not" in denial.cue_words()


def test_verdict_for_a_policy_that_trains_with_an_opt_out_link() -> None:
    v = _doc("chatterly.html").verdict
    assert (v.trains_on_user_content, v.ai_opt_out, v.biometrics, v.shares_for_ai) == (
        "yes", "yes", "no", "yes")  # fmt: skip
    assert "https://chatterly.example/privacy/opt-out" in v.opt_out_links
    assert "Settings > Data Controls > Improve the model" in v.opt_out_links
    lines = {q: (a, d) for q, a, d in v.lines()}
    assert lines["trains on user content"] == ("yes", '(§2 "How We Use Information", ¶1)')
    assert lines["opt-out for AI training"][1].startswith("— https://chatterly.example/")


def test_training_without_an_opt_out_gives_ai_opt_out_no(tmp_path: Path) -> None:
    doc = _text_doc("We use your photos to train our machine learning models.\n", tmp_path)
    assert (doc.verdict.trains_on_user_content, doc.verdict.ai_opt_out) == ("yes", "no")


def test_no_ai_statement_is_unclear(tmp_path: Path) -> None:
    doc = _text_doc("We use your information to provide and improve our services.\n", tmp_path)
    assert doc.verdict.trains_on_user_content == "unclear"
    assert doc.verdict.ai_opt_out == "not_applicable"
    assert not doc.matches["ai_training"]


# --- traps --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "We use information to improve our services.",
        "We use AI to improve our services.",
        "Our business model relies on subscriptions.",
        "Our pricing model and service model are explained in the Terms.",
        "We train our staff and employees on data protection.",
        "Employees are trained to handle your data responsibly.",
        "Calls may be recorded for quality and training purposes.",
        "We provide privacy training to our staff every year.",
        "We may retain counsel to represent us.",
        "We retain the right to change this policy.",
        "Our brand voice is calm.",
        "The user interface shows your name.",
        "We train our models on publicly available data licensed from third parties.",
        "We share data with service providers who help us run our website.",
        "You can request deletion of your data and we will respond within 45 days.",
        "We store your data on servers in the United States.",
    ],
)
def test_traps_are_not_flagged(sentence: str) -> None:
    found = _categories(sentence)
    assert "ai_sharing" not in found
    assert "retention" not in found
    assert "biometrics" not in found
    if "train" not in sentence.split() or "staff" in sentence:
        assert "ai_training" not in found


def test_device_fingerprinting_is_metadata_not_biometrics() -> None:
    assert _categories("We use device fingerprinting to prevent fraud.") == {"metadata": "pos"}


def test_face_id_on_the_device_is_not_collection(tmp_path: Path) -> None:
    doc = _text_doc("You may unlock the app with Touch ID or Face ID.\n", tmp_path)
    assert doc.matches["biometrics"] and doc.verdict.biometrics == "no"


# --- biometrics and BIPA -----------------------------------------------------------------------


def test_bipa_elements_are_extracted() -> None:
    doc = _doc("brightlens.txt")
    v = doc.verdict
    assert v.biometrics == "yes"
    assert v.bipa_present == ("a", "b", "c", "e") and v.bipa_missing == ("d",)
    assert _find(doc, "biometrics", "never sell, lease or trade").bipa == ("c",)
    detail = {q: d for q, _, d in v.lines()}["biometrics"]
    assert "(a) retention schedule, (b) written release" in detail and "not stated: (d)" in detail
    denied = _find(doc, "biometrics", "We do not use facial recognition")
    assert denied.polarity == "neg"


def test_denying_biometric_collection_gives_no(tmp_path: Path) -> None:
    doc = _text_doc("We do not collect biometric identifiers such as fingerprints or face "
                    "geometry.\n", tmp_path)  # fmt: skip
    assert doc.matches["biometrics"] and doc.verdict.biometrics == "no"


def test_bipa_sentences_in_a_biometric_section_without_the_word(tmp_path: Path) -> None:
    doc = _text_doc("Biometric data\n\nWe collect voiceprints to verify callers. We will disclose "
                    "them only with your consent.\n", tmp_path)  # fmt: skip
    assert doc.verdict.biometrics == "yes"
    assert "d" in doc.verdict.bipa_present


# --- retention ------------------------------------------------------------------------------


def test_durations_are_extracted_and_normalised() -> None:
    assert _doc("chatterly.html").verdict.retention_durations == ("30 days", "3 years", "90 days")
    assert _doc("brightlens.txt").verdict.retention_durations == ("3 years", "30 days")
    hits, _ = classify("Users under 13 years of age may not use the service.", Context())
    assert "retention" not in hits


# --- PDF --------------------------------------------------------------------------------------


def _pdf(pages: list[list[str]]) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for paragraphs in pages:
        pdf.add_page()
        for paragraph in paragraphs:
            pdf.multi_cell(0, 6, paragraph, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
    return bytes(pdf.output())


def test_pdf_sentences_carry_page_numbers(tmp_path: Path) -> None:
    path = tmp_path / "vantage.pdf"
    page1 = ("We collect your IP address and device identifiers when you open the app, and "
             "approximate location if you allow it.")  # fmt: skip
    page2 = ("We use workout videos you upload to fine-tune our pose estimation models. You can "
             "opt out in Settings > Privacy > Model training.")  # fmt: skip
    page3 = "We may license de-identified workout data to third-party AI developers."
    path.write_bytes(_pdf([["Vantage Fitness Privacy Policy", page1], [page2],
                           ["Workout videos are deleted after 90 days.", page3]]))  # fmt: skip
    doc = analyze_text(read_policy(path))
    assert doc.pages == 3 and doc.format == "pdf"
    assert _find(doc, "metadata", "IP address").page == 1
    training = _find(doc, "ai_training", "workout videos you upload")
    assert training.page == 2 and training.location.startswith("page 2")
    assert _find(doc, "retention", "90 days").page == 3
    assert _find(doc, "ai_sharing", "license").page == 3
    v = doc.verdict
    assert (v.trains_on_user_content, v.ai_opt_out, v.shares_for_ai) == ("yes", "yes", "yes")


def test_scanned_pdf_without_text_layer_is_a_clear_error(tmp_path: Path) -> None:
    from fpdf import FPDF
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (800, 300), "white")
    ImageDraw.Draw(image).text((20, 20), "We train our models on your data.", fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    pdf = FPDF()
    pdf.add_page()
    pdf.image(buffer, x=10, y=10, w=180)
    path = tmp_path / "policy.pdf"
    path.write_bytes(bytes(pdf.output()))
    with pytest.raises(ExpungeError) as caught:
        read_policy(path)
    message = str(caught.value)
    assert "policy.pdf has no text layer (a scanned image?)" in message
    assert "ocrmypdf policy.pdf out.pdf" in message and ".txt" in message


def test_encrypted_pdf_is_a_clear_error(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 6, "We train our models on your data.")
    path = tmp_path / "locked.pdf"
    path.write_bytes(bytes(pdf.output()))
    with pytest.raises(ExpungeError, match=r"locked\.pdf is encrypted.*qpdf --decrypt"):
        read_policy(path)


# --- bad input --------------------------------------------------------------------------------


def _write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("files", "target", "pattern"),
    [
        ({}, "missing.html", r"missing\.html does not exist"),
        ({"notes/readme.json": "{}"}, "notes", r"notes has no policy files.*\.html"),
        ({"policy.docx": "x"}, "policy.docx", r"policy\.docx: unsupported file type '\.docx'"),
        ({"empty.txt": ""}, "empty.txt", r"empty\.txt is empty"),
        ({"blank.md": "  \n\n "}, "blank.md", r"blank\.md is empty"),
        ({"js.html": "<html><body><script>render()</script><div id=app></div></body></html>"},
         "js.html", r"js\.html has no visible text.*\.txt"),
        ({"bad.pdf": b"%PDF-1.4 not really"}, "bad.pdf", r"bad\.pdf"),
        ({"dir/a.txt": "We train our models on your chats.", "dir/b.txt": ""}, "dir",
         r"b\.txt is empty"),
    ],
)  # fmt: skip
def test_bad_input_is_one_clear_error_naming_the_file(
    tmp_path: Path, files: dict[str, str | bytes], target: str, pattern: str
) -> None:
    for name, data in files.items():
        _write(tmp_path / name, data)
    with pytest.raises(ExpungeError, match=pattern) as caught:
        analyze_path(tmp_path / target)
    assert "\n" not in str(caught.value)


# --- HTML report ------------------------------------------------------------------------------


def test_html_report_shows_verdicts_and_marks_cues() -> None:
    docs = [_doc("chatterly.html"), _doc("brightlens.txt")]
    page = render_policy_report(docs)
    assert "Content-Security-Policy" in page and "<script" not in page
    assert 'class="answer bad">yes</span>' in page  # trains on user content
    assert "Overview" in page and 'href="#doc-1"' in page
    assert "<mark>train</mark>" in page and '<mark class="neg">not</mark>' in page
    assert 'href="https://chatterly.example/privacy/opt-out"' in page
    assert "<code>Settings &gt; Data Controls &gt; Improve the model</code>" in page
    assert "(a) retention schedule" in page


def test_html_report_escapes_a_hostile_policy(tmp_path: Path) -> None:
    hostile = tmp_path / "<img src=x onerror=alert(1)>.html"
    hostile.write_text(
        "<html><head><title></title><script>alert('title')</script></head><body>"
        "<h2>&lt;script&gt;alert('heading')&lt;/script&gt; Training</h2>"
        "<p>We use your chats &lt;script&gt;alert(1)&lt;/script&gt; to train our AI models. "
        '<a href="javascript:alert(2)">Opt out here</a> or '
        "<a href='https://x.example/\"><script>alert(3)</script>'>there</a>.</p></body></html>",
        encoding="utf-8",
    )
    doc = analyze_text(read_policy(hostile))
    assert doc.verdict.trains_on_user_content == "yes"
    page = render_policy_report([doc])
    assert "<script" not in page.lower()
    assert "<img" not in page
    assert "javascript:" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;.html" in page


# --- CLI ---------------------------------------------------------------------------------------


def _app() -> typer.Typer:
    app = typer.Typer()
    app.add_typer(policy_app, name="policy")
    return app


def test_cli_prints_verdicts_and_writes_json_and_html(tmp_path: Path) -> None:
    out_json, out_html = tmp_path / "out.json", tmp_path / "out.html"
    result = CliRunner().invoke(_app(), ["policy", "analyze", str(DATA), "--json", str(out_json),
                                         "--html", str(out_html), "--limit", "1"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "chatterly.html" in result.output and "trains on user content" in result.output
    assert "(--all shows every one)" in result.output
    data = json.loads(out_json.read_text())
    names = [d["doc"] for d in data["documents"]]
    assert names == sorted(names) and "quillnote.md" in names
    chatterly = next(d for d in data["documents"] if d["doc"] == "chatterly.html")
    assert chatterly["verdict"]["trains_on_user_content"] == "yes"
    first = chatterly["categories"]["ai_training"][0]
    assert first["location"] == '§2 "How We Use Information", ¶1' and first["cues"]
    assert "<!doctype html>" in out_html.read_text()


def test_cli_error_writes_nothing(tmp_path: Path) -> None:
    _write(tmp_path / "in" / "a.txt", "We train our models on your chats.")
    _write(tmp_path / "in" / "b.pdf", b"")
    out = tmp_path / "out.json"
    result = CliRunner().invoke(_app(), ["policy", "analyze", str(tmp_path / "in"),
                                         "--json", str(out)])  # fmt: skip
    assert result.exit_code != 0
    assert isinstance(result.exception, ExpungeError)
    assert "b.pdf is empty" in str(result.exception)
    assert not out.exists()


def test_plain_text_reader_directly(tmp_path: Path) -> None:
    policy = read_plain_text(
        "PRIVACY\n\n1. DATA\n\nWe keep logs for 30 days.\n", tmp_path / "x.txt"
    )
    assert policy.title == "PRIVACY"
    assert policy.blocks[0].location() == '§1 "DATA", ¶1'


def test_bold_paragraph_headings_cookie_banners_and_run_in_headings(tmp_path: Path) -> None:
    path = tmp_path / "p.html"
    path.write_text(
        '<body><div class="cookie-consent-bar">We use cookies. <a href="/x">Accept</a></div>'
        "<p><strong>4. Retention</strong></p><p><b>Logs.</b> We keep server logs for 14 days."
        "</p></body>",
        encoding="utf-8",
    )
    doc = analyze_text(read_policy(path))
    assert [m.text for m in doc.matches["metadata"]] == ["Logs. We keep server logs for 14 days."]
    match = doc.matches["retention"][0]
    assert match.location == '§4 "Retention", ¶1' and match.durations == ("14 days",)


def test_benchmark_script_scores_the_dev_fixtures(tmp_path: Path) -> None:
    import subprocess
    import sys

    script = Path(__file__).parents[1] / "benchmarks" / "bench_policy.py"
    run = subprocess.run(
        [sys.executable, str(script), "--data", str(DATA), "--repeat", "1",
         "--json", str(tmp_path / "b.json")],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "| `ai_training` |" in run.stdout and "documents/s" in run.stdout
    result = json.loads((tmp_path / "b.json").read_text())
    assert result["documents"] == 6 and result["scores"]["micro"]["labels"] > 50
    missing = subprocess.run(
        [sys.executable, str(script), "--data", str(tmp_path / "nothing")],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert missing.returncode != 0 and "policy evaluation set not found" in missing.stderr


def test_opt_out_later_in_the_training_section_counts_for_the_verdict(tmp_path: Path) -> None:
    doc = _text_doc(
        "AI and your data\n\nWe use your posts to train our AI models.\n\n"
        "You can object to this at https://x.example/object.\n\n"
        "Marketing\n\nYou can unsubscribe from our newsletter.\n",
        tmp_path,
    )
    v = doc.verdict
    assert (v.trains_on_user_content, v.ai_opt_out) == ("yes", "yes")
    assert v.opt_out_links == ("https://x.example/object",)
    newsletter = _find(doc, "opt_out", "newsletter")
    assert not newsletter.training_related and not newsletter.ai_related


@pytest.mark.parametrize(
    ("sentence", "polarity"),
    [
        ("We may license your public posts to AI companies to train their models.", "pos"),
        ("We partner with AI developers and may provide them with datasets from your activity.",
         "pos"),
        ("The provider may not use your drafts to train or improve its own models.", "neg"),
        ("We do not sell or share your personal data with third parties to train their AI.",
         "neg"),
    ],
)  # fmt: skip
def test_sharing_for_ai(sentence: str, polarity: str) -> None:
    assert _categories(sentence).get("ai_sharing") == polarity
