"""`expunge serve` through FastAPI's test client: every page and endpoint, every refusal, and
what must never happen (a search term in a log, an identifier in the queue file, a dataset
string run as markup, a maintainer answer without the token)."""

from __future__ import annotations

import io
import json
import logging
import re
import stat
import time
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

from fastapi.testclient import TestClient
from web_fixtures import EMAIL, NAME, PHONE
from web_fixtures import write_dataset as _dataset

from expunge.index import build_index
from expunge.web.app import create_app
from expunge.web.config import ServeConfig


@pytest.fixture()
def served(tmp_path: Path) -> dict[str, Any]:
    data = _dataset(tmp_path)
    build_index(str(data), tmp_path / "idx", workers=1)
    tokens: list[str] = []
    config = ServeConfig(index=tmp_path / "idx", state=tmp_path / "state", dataset=str(data),
                         new_release=str(data))  # fmt: skip
    app = create_app(config, print_token=tokens.append)
    client = TestClient(app)
    client.get("/")  # sets the CSRF cookie
    return {"client": client, "token": tokens[0], "config": config, "data": data}


def _csrf(client: TestClient) -> str:
    return str(client.cookies.get("expunge_csrf"))


def _person(**more: str) -> dict[str, Any]:
    return {"names": [NAME], "emails": [EMAIL], **more}


def _bearer(served: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {served['token']}"}


def _wait(client: TestClient, url: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    for _ in range(200):
        state = client.get(url, headers=headers or {}).json()
        if state["status"] in ("done", "failed", "rejected"):
            return state
        time.sleep(0.1)
    raise AssertionError(f"still {state['status']}")


def test_every_answer_carries_the_security_headers(served: dict[str, Any]) -> None:
    client = served["client"]
    for path in ("/", "/guides", "/letter", "/maintainer", "/static/style.css", "/nope"):
        response = client.get(path)
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp, path
        assert "unsafe-inline" not in csp, path
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
    assert client.get("/nope").status_code == 404
    assert client.get("/static/../config.py").status_code == 404
    assert client.get("/openapi.json").json()["paths"]["/api/search"]


def test_a_search_shows_counts_snippets_and_what_was_looked_for(served: dict[str, Any]) -> None:
    client = served["client"]
    page = client.post("/search", data={"csrf": _csrf(client), "names": NAME, "emails": EMAIL})
    assert page.status_code == 200
    assert "You are in it: <strong>2</strong> records with strong evidence." in page.text
    assert EMAIL not in re.sub(r"<(input|textarea)[^>]*>", "", page.text.split("We looked for")[0])
    found = client.post("/api/search", json=_person(phones=[PHONE])).json()
    assert found["counts"] == {"strong": 4, "medium": 0, "weak": 2}
    assert {"kind": "email", "value": EMAIL} in found["looked_for"]
    assert {"kind": "phone", "value": "+442079460123"} in found["looked_for"]
    contexts = " ".join(s["context"] for s in found["snippets"])
    assert contexts and EMAIL not in contexts and "7946 0123" not in contexts  # masked
    assert "jane.roe@example.com" not in json.dumps(found)  # nobody else's data either


def test_dataset_and_search_strings_are_shown_as_text(served: dict[str, Any]) -> None:
    client = served["client"]
    hostile_name = "Amara <script>alert(2)</script>"
    page = client.post("/search", data={"csrf": _csrf(client), "emails": EMAIL,
                                        "names": f"{NAME}\n{hostile_name}"})  # fmt: skip
    assert page.status_code == 200
    body = page.text
    # the record's markup is in a snippet, escaped; the search term is shown back, escaped
    assert "&lt;script&gt;alert(" in body and "&#34;&gt;&lt;img src=x onerror=" in body
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in body
    assert "<script" not in body and "<img" not in body
    form_values = re.findall(r'<input type="hidden" name="names" value="([^"]*)"', body)
    assert form_values and "<" not in form_values[0] and "&lt;script&gt;" in form_values[0]


def test_bad_searches_are_one_line_refusals(served: dict[str, Any]) -> None:
    client = served["client"]
    cases = [
        ({}, 400, "nothing to search for"),
        ({"emails": ["not an email"]}, 400, "not an email address"),
        ({"names": [f"{NAME} {n}" for n in range(9)]}, 400, "at most 5 names"),
        ({"phones": ["12"]}, 400, "phones"),
        ({"emails": [123]}, 400, "must be text"),
    ]
    for body, status, words in cases:
        response = client.post("/api/search", json=body)
        assert response.status_code == status and words in response.json()["error"], body
    assert client.post("/api/search", content=b"[1]").status_code == 400
    assert client.post("/api/search", content=b"{nope").json() == {"error": "the body is not JSON"}
    big = client.post("/api/search", content=b"{" + b" " * (70 << 10) + b"}",
                      headers={"content-type": "application/json"})  # fmt: skip
    assert big.status_code == 413
    page = client.post("/search", data={"csrf": _csrf(client), "emails": "not an email"})
    assert page.status_code == 400 and "not an email address" in page.text


def test_forms_without_their_csrf_field_are_refused(served: dict[str, Any]) -> None:
    client = served["client"]
    assert client.post("/search", data={"emails": EMAIL}).status_code == 403
    assert client.post("/search", data={"emails": EMAIL, "csrf": "forged"}).status_code == 403
    fresh = TestClient(client.app)  # no cookie at all
    assert fresh.post("/search", data={"emails": EMAIL, "csrf": "x"}).status_code == 403


def test_searches_are_rate_limited(tmp_path: Path) -> None:
    data = _dataset(tmp_path)
    build_index(str(data), tmp_path / "idx", workers=1)
    config = ServeConfig(index=tmp_path / "idx", state=tmp_path / "s", dataset=str(data),
                         searches_per_minute=2, searches_per_day=100)  # fmt: skip
    client = TestClient(create_app(config, print_token=lambda _: None))
    codes = [client.post("/api/search", json=_person()).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert "too many searches" in client.post("/api/search", json=_person()).json()["error"]


def test_a_request_is_filed_approved_removed_and_proven(served: dict[str, Any]) -> None:
    client, config = served["client"], served["config"]
    filed = client.post("/api/requests", json=_person(contact="amara@example.org"))
    assert filed.status_code == 201
    link = filed.json()["status_api"]
    assert client.get(link).json()["status"] == "new"
    assert client.get("/api/requests/not-a-link").status_code == 404
    # Nothing that names the person is stored: the queue holds keyed digests and counts.
    queue_bytes = config.queue_file.read_bytes()
    for value in (EMAIL, NAME, "okafor", link.rsplit("/", 1)[-1]):
        assert (
            value.encode() not in queue_bytes.lower()
            if value.islower()
            else value.encode() not in queue_bytes
        )
    listed = client.get("/api/maintainer/requests", headers=_bearer(served)).json()
    assert len(listed) == 1 and listed[0]["kinds"]["email"] == 1
    assert EMAIL not in json.dumps(listed) and "hmac" not in json.dumps(listed)
    request_id = listed[0]["id"]
    approved = client.post(
        f"/api/maintainer/requests/{request_id}/approve", headers=_bearer(served)
    )
    assert approved.status_code == 200
    done = _wait(client, link)
    assert done["status"] == "done" and done["result"]["verified"] == "pass"
    assert done["result"]["records_dropped"] == 2
    detail = client.get(f"/api/maintainer/requests/{request_id}", headers=_bearer(served)).json()
    assert detail["result"]["certificate"]["result"] == "pass"
    assert detail["result"]["manifest"]["totals"]["records_dropped"] == 2
    # The current version no longer holds the person strongly; the index was brought along.
    after = client.post("/api/search", json=_person()).json()
    assert after["counts"]["strong"] == 0 and after["version"].startswith("v1-")
    again = client.post(f"/api/maintainer/requests/{request_id}/approve", headers=_bearer(served))
    assert again.status_code == 409
    stats = client.get("/api/maintainer/stats", headers=_bearer(served)).json()
    assert stats["registry"]["removals"] == 1 and stats["requests"]["done"] == 1
    page = client.get(link.replace("/api", ""))
    assert "Removed." in page.text and "PASS" in page.text


def test_the_maintainer_side_needs_the_token(served: dict[str, Any]) -> None:
    client = served["client"]
    client.post("/api/requests", json=_person(contact="a@example.org"))
    paths = [("get", "/api/maintainer/requests"), ("get", "/api/maintainer/stats"),
             ("post", "/api/maintainer/requests/R-1/approve"), ("post", "/api/maintainer/reapply")]  # fmt: skip
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": served["token"]}):
        for method, path in paths:
            response = getattr(client, method)(path, headers=headers)
            assert response.status_code == 401, (path, headers)
            assert response.json() == {"error": "the maintainer token is needed"}
    assert client.get("/maintainer/stats").status_code == 401  # page without a session
    login = client.post("/maintainer/login", data={"csrf": _csrf(client), "token": "wrong"})
    assert login.status_code == 401 and "not the maintainer token" in login.text
    ok = client.post("/maintainer/login", data={"csrf": _csrf(client), "token": served["token"]},
                     follow_redirects=False)  # fmt: skip
    assert ok.status_code == 303 and "httponly" in ok.headers["set-cookie"].lower()
    queue = client.get("/maintainer")
    assert "Removal queue" in queue.text and "a@example.org" not in queue.text
    request_id = re.search(r"/maintainer/requests/(R-[0-9a-f]+)", queue.text).group(1)  # type: ignore[union-attr]
    page = client.get(f"/maintainer/requests/{request_id}")
    assert "a@example.org" in page.text and "Approve and remove" in page.text
    rejected = client.post(f"/maintainer/requests/{request_id}/reject",
                           data={"csrf": _csrf(client), "reason": "<b>not ours</b>"},
                           follow_redirects=False)  # fmt: skip
    assert rejected.status_code == 303
    status = client.get(f"/api/maintainer/requests/{request_id}", headers=_bearer(served)).json()
    assert status["status"] == "rejected" and status["result"]["reason"] == "<b>not ours</b>"
    unknown = client.post("/api/maintainer/requests/R-0000/approve", headers=_bearer(served))
    assert unknown.status_code == 404 and unknown.json() == {"error": "no such request"}
    bad = client.post(f"/api/maintainer/requests/{request_id}/delete", headers=_bearer(served))
    assert bad.status_code == 404
    state = served["config"].state
    assert stat.S_IMODE(state.stat().st_mode) == 0o700
    token_file = state / "maintainer-token.sha256"
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert served["token"] not in token_file.read_text()
    assert stat.S_IMODE(served["config"].queue_file.stat().st_mode) == 0o600


def test_logs_never_hold_what_was_searched(
    served: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    client = served["client"]
    with caplog.at_level(logging.DEBUG):
        client.post("/search", data={"csrf": _csrf(client), "names": NAME, "emails": EMAIL})
        filed = client.post("/api/requests", json=_person(contact="amara@example.org")).json()
        client.get(filed["status_url"])
        client.post("/api/search", json={"emails": ["bad"]})
    # the server's records (the test client's own httpx log names the URLs it was asked for)
    server = [r for r in caplog.records if not r.name.startswith(("httpx", "httpcore", "asyncio"))]
    text = "\n".join(r.getMessage() for r in server)
    assert "POST /search 200" in text and "GET /requests/{link} 200" in text
    link = filed["status_url"].rsplit("/", 1)[-1]
    for secret in (EMAIL, NAME, "amara@example.org", link, "Okafor", "bad"):
        assert secret not in text, secret


def test_a_new_release_is_cleaned_from_the_registry(served: dict[str, Any]) -> None:
    client = served["client"]
    filed = client.post("/api/requests", json=_person(contact="a@example.org")).json()
    request_id = filed["request"]["id"]
    client.post(f"/api/maintainer/requests/{request_id}/approve", headers=_bearer(served))
    _wait(client, filed["status_api"])
    started = client.post("/api/maintainer/reapply", headers=_bearer(served))
    assert started.status_code == 202
    for _ in range(200):
        stats = client.get("/api/maintainer/stats", headers=_bearer(served)).json()
        if stats["reapply"]["status"] != "running":
            break
        time.sleep(0.1)
    assert stats["reapply"]["status"] == "done", stats["reapply"]
    assert stats["reapply"]["records_dropped"] == 2 and stats["reapply"]["verified"] == "pass"
    assert stats["current_version"].startswith("v2-release")


def test_letters_and_guides(served: dict[str, Any]) -> None:
    client = served["client"]
    guides = client.get("/api/guides").json()
    assert {"linkedin", "openai"} <= {g["slug"] for g in guides}
    page = client.get("/guides")
    assert "LinkedIn" in page.text
    letter = client.post("/api/letter", json={"kind": "gdpr-erasure", "company": "openai",
                                              "names": [NAME], "emails": [EMAIL],
                                              "country": "de", "postal_address": "1 Road"})  # fmt: skip
    assert letter.status_code == 200 and letter.content.startswith(b"%PDF")
    assert letter.headers["content-type"] == "application/pdf"
    assert client.post("/api/letter", json={"kind": "nope", "company": "openai"}).status_code == 400
    form = client.post("/letter", data={"csrf": _csrf(client), "kind": "gdpr-access",
                                        "company": "openai", "names": NAME, "emails": EMAIL,
                                        "country": "fr"})  # fmt: skip
    assert form.status_code == 200 and form.content.startswith(b"%PDF")


def test_photo_search_needs_an_images_index_and_bounds_uploads(served: dict[str, Any]) -> None:
    client = served["client"]
    assert client.post("/api/search/photo", files={"photo": ("a.jpg", b"x")}).status_code == 404


def test_photo_upload_finds_the_planted_photo_and_refuses_bad_files(tmp_path: Path) -> None:
    pytest.importorskip("pdqhash")
    from PIL import Image

    from expunge.demo.images import write_demo_images
    from expunge.executors import make_executor
    from expunge.images.readers import open_image_dataset
    from expunge.images.search import build_image_index

    images = write_demo_images(tmp_path)
    build_image_index(open_image_dataset(str(images / "dataset")), tmp_path / "iidx",
                      make_executor("local", 1))  # fmt: skip
    data = _dataset(tmp_path)
    build_index(str(data), tmp_path / "idx", workers=1)
    config = ServeConfig(index=tmp_path / "idx", state=tmp_path / "s", dataset=str(data),
                         images_index=tmp_path / "iidx", images_dataset=str(images / "dataset"))  # fmt: skip
    tokens: list[str] = []
    client = TestClient(create_app(config, print_token=tokens.append))
    photo = (images / "queries" / "me-1.jpg").read_bytes()
    found = client.post("/api/search/photo", files={"photo": ("me.jpg", photo, "image/jpeg")})
    assert found.status_code == 200
    truth = json.loads((images / "truth.json").read_text())
    wanted = {t["key"] for t in truth if t["photo"] == "me-1.jpg" and t["hash_finds"]}
    assert {m["key"] for m in found.json()["matches"]} == wanted
    assert all(
        m["thumbnail"].startswith("data:image/jpeg;base64,") for m in found.json()["matches"]
    )
    bomb = io.BytesIO()
    Image.new("1", (30_000, 30_000)).save(bomb, "PNG")  # 900 MP in a few kB
    cases = [(b"not an image at all", 400), (bomb.getvalue(), 400), (b"\xff" * (11 << 20), 413)]
    for blob, status in cases:
        response = client.post("/api/search/photo", files={"photo": ("x.png", blob, "image/png")})
        assert response.status_code == status, (status, response.text[:200])
    assert client.post("/api/search/photo", data={"x": "1"}).status_code == 400
    # From the photo's results page: a removal request keeps the photo's hashes, signed by the
    # server on the way through the page (a made-up or edited value is refused).
    client.get("/")
    csrf = _csrf(client)
    page = client.post("/search/photo", data={"csrf": csrf},
                       files={"photo": ("me.jpg", photo, "image/jpeg")})  # fmt: skip
    assert f"{len(wanted)} images of the dataset match your photo" in page.text
    signed = re.search(r'name="photo_hashes" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    forged = client.post("/requests/photo", data={"csrf": csrf, "contact": "a@example.org",
                                                  "photo_hashes": "00:11." + "0" * 64})  # fmt: skip
    assert forged.status_code == 400
    filed = client.post("/requests/photo", data={"csrf": csrf, "contact": "a@example.org",
                                                 "photo_hashes": signed, "matches": "3"},
                        follow_redirects=False)  # fmt: skip
    assert filed.status_code == 303
    queue_bytes = config.queue_file.read_bytes()
    assert signed.split(".")[0].split(",")[0].split(":")[0].encode() not in queue_bytes  # masked
    listed = client.get(
        "/api/maintainer/requests", headers={"Authorization": f"Bearer {tokens[0]}"}
    ).json()
    assert listed[0]["kinds"] == {"photo": 1} and "pdq" not in json.dumps(listed)
    bearer = {"Authorization": f"Bearer {tokens[0]}"}
    assert (
        client.post(
            f"/api/maintainer/requests/{listed[0]['id']}/approve", headers=bearer
        ).status_code
        == 200
    )
    done = _wait(client, "/api" + filed.headers["location"])
    assert done["status"] == "done" and done["result"]["verified"] == "pass", done
    assert done["result"]["records_dropped"] == len(wanted)
    again = client.post("/api/search/photo", files={"photo": ("me.jpg", photo, "image/jpeg")})
    assert again.json()["matches"] == []  # the images index follows the new version
    by_api = client.post("/api/requests/photo", data={"contact": "b@example.org"},
                         files={"photo": ("me.jpg", photo, "image/jpeg")})  # fmt: skip
    assert by_api.status_code == 201 and by_api.json()["request"]["status"] == "new"


def test_serve_refuses_a_remote_host_and_a_missing_index(tmp_path: Path) -> None:
    from conftest import run_cli

    result = run_cli("serve", "--index", str(tmp_path / "none"))
    assert result.code == 1 and "is not an index" in result.stderr
    data = _dataset(tmp_path)
    build_index(str(data), tmp_path / "idx", workers=1)
    remote = run_cli("serve", "--index", str(tmp_path / "idx"), "--host", "0.0.0.0")
    assert remote.code == 1 and "--allow-remote" in remote.stderr
    (data / "part-9.jsonl").write_text('{"text": "new"}\n')
    stale = run_cli("serve", "--index", str(tmp_path / "idx"), "--dataset", str(data))
    assert stale.code == 1 and "out of date" in stale.stderr


def test_the_api_docs_page_works_offline_and_lists_every_endpoint(served: dict[str, Any]) -> None:
    client = served["client"]
    page = client.get("/docs")
    assert page.status_code == 200 and "<script" not in page.text and "cdn" not in page.text
    schema = client.get("/openapi.json").json()
    for path in schema["paths"]:
        assert f"<code>{path}</code>" in page.text, path
    assert "/api/maintainer/reapply" in schema["paths"]
    assert "unsafe-inline" not in page.headers["content-security-policy"]


def test_logout_and_the_photo_form_without_an_images_index(served: dict[str, Any]) -> None:
    client = served["client"]
    client.post("/maintainer/login", data={"csrf": _csrf(client), "token": served["token"]})
    assert client.get("/maintainer/stats").status_code == 200
    out = client.post("/maintainer/logout", data={"csrf": _csrf(client)}, follow_redirects=False)
    assert out.status_code == 303
    client.cookies.delete("expunge_session")
    assert client.get("/maintainer/stats").status_code == 401
    photo = client.post("/search/photo", data={"csrf": _csrf(client)})
    assert photo.status_code == 404 and "no images index" in photo.text
    listed = client.get("/api/maintainer/requests?status=done", headers=_bearer(served))
    assert listed.status_code == 200 and listed.json() == []


def test_serve_demo_builds_what_it_serves_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`expunge serve --demo`: the demo dataset, its text index and its photo index, built
    when missing and reused after; the index describes the dataset it serves."""
    from expunge.cli import serve as serve_cli
    from expunge.index import check_current

    monkeypatch.chdir(tmp_path)
    index, dataset, images_index, images = serve_cli._demo(None, Path("expunge-serve-state"))
    assert (index / "manifest.json").exists() and Path(dataset, "web-00000.jsonl.zst").exists()
    check_current(index, dataset)
    if images_index is not None:  # the images extra is installed
        assert (images_index / "manifest.json").exists() and images
    built = (index / "manifest.json").stat().st_mtime_ns
    started = time.perf_counter()
    serve_cli._demo(None, Path("expunge-serve-state"))
    assert (index / "manifest.json").stat().st_mtime_ns == built
    assert time.perf_counter() - started < 5


def test_a_chunked_body_without_a_length_is_cut_off(served: dict[str, Any]) -> None:
    """No Content-Length to check up front: the body is counted while it arrives."""
    client = served["client"]

    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(12):
            yield b"x" * (1 << 20)

    answer = client.post(
        "/api/search", content=chunks(), headers={"content-type": "application/json"}
    )
    assert answer.status_code == 413 and answer.json() == {"error": "the request is too large"}
    upload = client.post("/search", content=chunks(),
                         headers={"content-type": "multipart/form-data; boundary=x"})  # fmt: skip
    assert upload.status_code == 413
