"""The web page and its JSON API (`expunge serve`, extra `[web]`).

    app = create_app(ServeConfig(index=Path("idx"), state=Path("state"), dataset="data/"))

Pages for a person: search (their identifiers, a photo when an images index is loaded),
results (counts per confidence and find's masked snippets), filing a removal request, its
private status page, a rights letter as PDF, the opt-out guides. Pages for the maintainer,
behind the token: the queue, a request (approve runs the removal in the background), stats,
re-applying every removal to a new release. Every action is also an endpoint under /api
(OpenAPI at /docs). Server-rendered (Jinja2, autoescaped); no script at all.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from expunge.errors import ExpungeError

from . import search as web_search
from .config import ServeConfig
from .removal import Remover, version_name
from .rows import RowOffsets
from .security import (
    CSRF_COOKIE,
    SECURITY_HEADERS,
    SESSION_COOKIE,
    Maintainer,
    RateLimit,
    Signer,
    csrf_ok,
    ensure_token,
    new_csrf,
    private_dir,
)
from .store import Queue

log = logging.getLogger("expunge.web")
MAX_FORM_BYTES = 64 << 10  # a search or request form; photos go to their own endpoint
MAX_UPLOAD_BYTES = web_search.MAX_UPLOAD_BYTES + (64 << 10)


class Refused(Exception):
    """An answer other than 200 with one line for the person: status and message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


class BodyLimit:
    """Refuses a request body over `limit` bytes while it arrives: a chunked upload has no
    Content-Length to check up front, and parsing it would spool it all to disk first."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise Refused(413, "the request is too large")
            return message

        await self.app(scope, limited, send)


def create_app(config: ServeConfig, *, print_token: Callable[[str], None] = print) -> FastAPI:
    private_dir(config.state)
    token = ensure_token(config.state)
    if token is not None:
        print_token(token)
    queue = Queue(config.queue_file)
    remover = Remover(config, queue)
    maintainer = Maintainer(config.state)
    limit = RateLimit(config.searches_per_minute, config.searches_per_day)
    offsets = RowOffsets()
    signer = Signer(config.state)
    pages = Environment(
        loader=PackageLoader("expunge.web", "templates"),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        current = remover.current_version()
        if current is not None:  # the first snippets of each shard should not wait for this
            threading.Thread(target=offsets.warm, args=(current,), daemon=True).start()
        yield
        remover.close()  # lets a running removal finish: a version is whole or absent
        queue.close()

    # /docs is rendered here from the OpenAPI schema: FastAPI's own page loads Swagger UI from
    # a CDN, and the page must work offline with no script.
    app = FastAPI(title="expunge", summary="Am I in it? — and a removal desk for maintainers",
                  version="1", docs_url=None, redoc_url=None, lifespan=lifespan)  # fmt: skip
    app.state.queue, app.state.remover, app.state.config = queue, remover, config
    app.add_middleware(BodyLimit, limit=MAX_UPLOAD_BYTES)

    # --- plumbing ----------------------------------------------------------------------------

    @app.middleware("http")
    async def headers_and_log(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        route = request.scope.get("route")
        # The route's template only: never a path with a status link, never a query string.
        log.info("%s %s %s %.0f ms", request.method, getattr(route, "path", "(no route)"),
                 response.status_code, (time.perf_counter() - started) * 1000)  # fmt: skip
        return response

    def wants_json(request: Request) -> bool:
        return request.url.path.startswith("/api/")

    def render(request: Request, name: str, status: int = 200, **values: Any) -> HTMLResponse:
        csrf = request.cookies.get(CSRF_COOKIE) or new_csrf()
        values.setdefault("message", None)
        html = pages.get_template(name).render(
            csrf=csrf, images=config.images_index is not None, company=config.company,
            refresh=values.pop("refresh", None), **values,
        )  # fmt: skip
        response = HTMLResponse(html, status_code=status)
        if request.cookies.get(CSRF_COOKIE) != csrf:
            response.set_cookie(CSRF_COOKIE, csrf, httponly=True, samesite="strict", path="/")
        return response

    def problem(request: Request, status: int, message: str) -> Response:
        if wants_json(request):
            return JSONResponse({"error": message}, status_code=status)
        return render(request, "error.html", status, title="Something was wrong",
                      message=message)  # fmt: skip

    @app.exception_handler(Refused)
    async def on_refused(request: Request, error: Refused) -> Response:
        return problem(request, error.status, error.message)

    @app.exception_handler(ExpungeError)
    async def on_expunge_error(request: Request, error: ExpungeError) -> Response:
        return problem(request, 400, str(error))

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, error: RequestValidationError) -> Response:
        first = error.errors()[0] if error.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        # the message only: FastAPI's default would echo the submitted value back
        return problem(request, 422, f"{where or 'request'}: {first.get('msg', 'invalid')}")

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, error: StarletteHTTPException) -> Response:
        return problem(request, error.status_code, str(error.detail))

    async def form_of(request: Request, limit_bytes: int = MAX_FORM_BYTES) -> dict[str, Any]:
        """The POSTed form, its size bounded and its CSRF field checked."""
        length = int(request.headers.get("content-length") or 0)
        if length > limit_bytes:
            raise Refused(413, "the form is too large")
        form = await request.form(max_files=1, max_fields=50)
        values = {k: v for k, v in form.multi_items()}
        if not csrf_ok(request.cookies.get(CSRF_COOKIE), str(values.get("csrf") or "")):
            raise Refused(403, "the form expired or came from another site: reload the page")
        return values

    async def json_of(request: Request) -> dict[str, Any]:
        if int(request.headers.get("content-length") or 0) > MAX_FORM_BYTES:
            raise Refused(413, "the request is too large")
        try:
            body = await request.json()
        except ValueError:
            raise Refused(400, "the body is not JSON") from None
        if not isinstance(body, dict):
            raise Refused(400, "the body must be a JSON object")
        return body

    def rate(request: Request) -> None:
        client = request.client.host if request.client else "?"
        if not limit.allow(client):
            raise Refused(429, "too many searches from here: try again later")

    def maintainer_only(request: Request) -> None:
        if wants_json(request):
            ok = maintainer.bearer_ok(request.headers.get("authorization"))
        else:
            ok = maintainer.session_ok(request.cookies.get(SESSION_COOKIE))
        if not ok:
            raise Refused(401, "the maintainer token is needed")

    def do_search(values: dict[str, Any], snippets: bool = True) -> web_search.TextResults:
        profile = web_search.profile_from_form(values, config.phone_region)
        current = remover.current_version()
        return web_search.search_text(profile, config.index, current, version_name(current),
                                      snippets, offsets)  # fmt: skip

    def file_request(values: dict[str, Any]) -> tuple[Any, str]:
        contact = str(values.get("contact") or "").strip()
        if not contact or len(contact) > 200:
            raise Refused(400, "give a contact (an email address) for the answer")
        profile = web_search.profile_from_form(values, config.phone_region)
        found = do_search(values, snippets=False)
        kinds: dict[str, int] = {}
        for kind, _ in web_search.looked_for(profile):
            kinds[kind] = kinds.get(kind, 0) + 1
        evidence = {"version": found.version, "counts": found.counts}
        return queue.file(contact, remover.registry.digests(profile), kinds, evidence)

    def file_photo_request(contact: str, hashes: list[tuple[bytes, bytes]],
                           matches: int) -> tuple[Any, str]:  # fmt: skip
        contact = contact.strip()
        if not contact or len(contact) > 200:
            raise Refused(400, "give a contact (an email address) for the answer")
        if not hashes or len(hashes) > 32:
            raise Refused(400, "search for your photo again, then ask for its removal")
        masked = [{"pdq": remover.registry.masked(p).hex(), "second": remover.registry.masked(q).hex()}
                  for p, q in hashes]  # fmt: skip
        evidence = {"version": version_name(remover.current_images()), "matches": matches,
                    "counts": {}}  # fmt: skip
        return queue.file(contact, [], {"photo": 1}, evidence, masked)

    async def uploaded_photo(request: Request) -> tuple[Any, bytes, Path]:
        """The API's multipart form, the bytes of its `photo` field (bounded, rate-limited)
        and the images index to search."""
        if config.images_index is None:
            raise Refused(404, "no images index is loaded")
        if int(request.headers.get("content-length") or 0) > MAX_UPLOAD_BYTES:
            raise Refused(413, "the photo is over 10 MB")
        rate(request)
        form = await request.form(max_files=1, max_fields=5)
        photo = form.get("photo")
        if photo is None or isinstance(photo, str):
            raise Refused(400, "send the photo as the multipart field `photo`")
        return form, await photo.read(web_search.MAX_UPLOAD_BYTES + 1), config.images_index

    # --- pages for a person ------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def home(request: Request) -> Response:
        return render(request, "search.html", title="Am I in it?", values={})

    @app.post("/search", response_class=HTMLResponse, include_in_schema=False)
    async def search_page(request: Request) -> Response:
        values = await form_of(request)
        rate(request)
        try:
            found = await run_in_threadpool(do_search, values)
        except ExpungeError as error:
            return render(request, "search.html", 400, title="Am I in it?", values=values,
                          message=str(error))  # fmt: skip
        return render(request, "results.html", title="What we found", found=found,
                      values={k: values.get(k, "") for k in web_search.FORM_FIELDS})  # fmt: skip

    @app.post("/search/photo", response_class=HTMLResponse, include_in_schema=False)
    async def photo_page(request: Request) -> Response:
        if config.images_index is None:
            raise Refused(404, "no images index is loaded")
        values = await form_of(request, MAX_UPLOAD_BYTES)
        rate(request)
        photo = values.get("photo")
        if photo is None or not hasattr(photo, "read"):
            raise Refused(400, "choose a photo to upload")
        data = await photo.read(web_search.MAX_UPLOAD_BYTES + 1)
        found = await run_in_threadpool(web_search.search_photo, data, "your photo",
                                        config.images_index, remover.current_images())  # fmt: skip
        signed = signer.sign(",".join(f"{p.hex()}:{q.hex()}" for p, q in found.hashes))
        return render(request, "photo_results.html", title="Your photo", found=found,
                      signed=signed)  # fmt: skip

    @app.post("/requests/photo", include_in_schema=False)
    async def photo_request_page(request: Request) -> Response:
        values = await form_of(request)
        rate(request)
        payload = signer.unsign(str(values.get("photo_hashes") or ""))
        if not payload:
            raise Refused(400, "search for your photo again, then ask for its removal")
        pairs = [(bytes.fromhex(a), bytes.fromhex(b)) for a, b in
                 (item.split(":") for item in payload.split(","))]  # fmt: skip
        _, link = file_photo_request(str(values.get("contact") or ""), pairs,
                                     int(str(values.get("matches") or 0)))  # fmt: skip
        return RedirectResponse(f"/requests/{link}", status_code=303)

    @app.post("/requests", include_in_schema=False)
    async def request_page(request: Request) -> Response:
        values = await form_of(request)
        rate(request)
        _, link = await run_in_threadpool(file_request, values)
        return RedirectResponse(f"/requests/{link}", status_code=303)

    @app.get("/requests/{link}", response_class=HTMLResponse, include_in_schema=False)
    async def status_page(request: Request, link: str) -> Response:
        found = queue.by_link(link)
        if found is None:
            raise Refused(404, "no request has this link")
        running = found.status in ("approved", "running")
        return render(request, "status.html", title=f"Request {found.id}", req=found.public(),
                      refresh=3 if running else None)  # fmt: skip

    @app.get("/guides", response_class=HTMLResponse, include_in_schema=False)
    async def guides_page(request: Request) -> Response:
        from expunge.rights.guides import guides

        return render(request, "guides.html", title="Opt-out guides",
                      guides=[g.data for g in guides().values()], today=date.today())  # fmt: skip

    @app.get("/letter", response_class=HTMLResponse, include_in_schema=False)
    async def letter_form(request: Request) -> Response:
        from expunge.rights.letters import KINDS

        return render(request, "letter.html", title="A rights letter", kinds=KINDS,
                      values=dict(request.query_params))  # fmt: skip

    @app.post("/letter", include_in_schema=False)
    async def letter_pdf(request: Request) -> Response:
        values = await form_of(request)
        return await run_in_threadpool(_letter_response, values, config)

    # --- pages for the maintainer ------------------------------------------------------------

    @app.get("/maintainer", response_class=HTMLResponse, include_in_schema=False)
    async def maintainer_home(request: Request) -> Response:
        if not maintainer.session_ok(request.cookies.get(SESSION_COOKIE)):
            return render(request, "login.html", title="Maintainer")
        return render(request, "queue.html", title="Removal queue", requests=queue.all(),
                      counts=queue.counts())  # fmt: skip

    @app.post("/maintainer/login", include_in_schema=False)
    async def login(request: Request) -> Response:
        values = await form_of(request)
        if not maintainer.token_ok(str(values.get("token") or "")):
            return render(request, "login.html", 401, title="Maintainer",
                          message="That is not the maintainer token.")  # fmt: skip
        response = RedirectResponse("/maintainer", status_code=303)
        response.set_cookie(SESSION_COOKIE, maintainer.open_session(), httponly=True,
                            samesite="strict", path="/")  # fmt: skip
        return response

    @app.post("/maintainer/logout", include_in_schema=False)
    async def logout(request: Request) -> Response:
        await form_of(request)
        maintainer.close_session(request.cookies.get(SESSION_COOKIE))
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    @app.get("/maintainer/requests/{request_id}", response_class=HTMLResponse,
             include_in_schema=False)  # fmt: skip
    async def maintainer_request(request: Request, request_id: str) -> Response:
        maintainer_only(request)
        found = queue.get(request_id)
        if found is None:
            raise Refused(404, "no such request")
        running = found.status in ("approved", "running")
        return render(request, "request.html", title=f"Request {found.id}", req=found,
                      refresh=2 if running else None)  # fmt: skip

    @app.post("/maintainer/requests/{request_id}/{action}", include_in_schema=False)
    async def maintainer_action(request: Request, request_id: str, action: str) -> Response:
        maintainer_only(request)
        values = await form_of(request)
        _act(remover, queue, request_id, action, str(values.get("reason") or ""))
        return RedirectResponse(f"/maintainer/requests/{request_id}", status_code=303)

    @app.get("/maintainer/stats", response_class=HTMLResponse, include_in_schema=False)
    async def stats_page(request: Request) -> Response:
        maintainer_only(request)
        return render(request, "stats.html", title="Registry and index", stats=_stats(remover),
                      refresh=3 if remover.reapply_state["status"] == "running" else None)  # fmt: skip

    @app.post("/maintainer/reapply", include_in_schema=False)
    async def reapply_page(request: Request) -> Response:
        maintainer_only(request)
        await form_of(request)
        remover.reapply()
        return RedirectResponse("/maintainer/stats", status_code=303)

    # --- the JSON API ------------------------------------------------------------------------

    @app.post("/api/search", tags=["person"])
    async def api_search(request: Request) -> dict[str, Any]:
        """Search the current version for a profile: {names, emails, phones, handles, urls:
        lists of strings, region, snippets: true}. Counts per confidence and masked snippets
        (`"snippets": false`: the counts alone, from the index, without reading the dataset)."""
        body = await json_of(request)
        rate(request)
        if body.get("snippets", True) is False:  # the index alone: a millisecond, inline
            return do_search(body, False).to_json()
        return (await run_in_threadpool(do_search, body)).to_json()

    @app.post("/api/search/photo", tags=["person"])
    async def api_search_photo(request: Request) -> dict[str, Any]:
        """Search the images index for an uploaded photo (multipart field `photo`)."""
        _, data, index = await uploaded_photo(request)
        found = await run_in_threadpool(web_search.search_photo, data, "your photo", index,
                                        remover.current_images())  # fmt: skip
        return found.to_json()

    @app.post("/api/requests/photo", tags=["person"], status_code=201)
    async def api_photo_request(request: Request) -> dict[str, Any]:
        """File a removal request for a photo: multipart fields `photo` and `contact`. Its
        hashes are kept (masked with the registry key), never the photo."""
        form, data, index = await uploaded_photo(request)
        found = await run_in_threadpool(web_search.search_photo, data, "your photo", index, None)
        filed, link = file_photo_request(str(form.get("contact") or ""), found.hashes,
                                         len(found.matches))  # fmt: skip
        return {"request": filed.public(), "status_url": f"/requests/{link}",
                "status_api": f"/api/requests/{link}"}  # fmt: skip

    @app.post("/api/requests", tags=["person"], status_code=201)
    async def api_file(request: Request) -> dict[str, Any]:
        """File a removal request: the profile as for /api/search plus `contact`. Returns the
        request and its private status link (shown once)."""
        body = await json_of(request)
        rate(request)
        found, link = await run_in_threadpool(file_request, body)
        return {"request": found.public(), "status_url": f"/requests/{link}",
                "status_api": f"/api/requests/{link}"}  # fmt: skip

    @app.get("/api/requests/{link}", tags=["person"])
    async def api_status(link: str) -> dict[str, Any]:
        """A request's status by its private link: status, progress, what was found, and when
        done the new version and the verify result."""
        found = queue.by_link(link)
        if found is None:
            raise Refused(404, "no request has this link")
        return found.public()

    @app.get("/api/guides", tags=["person"])
    async def api_guides() -> list[dict[str, Any]]:
        """The platforms with an opt-out guide (slug, name, date checked); /guides shows them."""
        from expunge.rights.guides import guides

        return [{"slug": g.slug, "platform": g.data.get("platform"),
                 "checked": str(g.data.get("checked"))} for g in guides().values()]  # fmt: skip

    @app.post("/api/letter", tags=["person"], response_class=Response)
    async def api_letter(request: Request) -> Response:
        """A rights letter as PDF: {kind, company, names, emails, ..., country, state,
        postal_address}."""
        return await run_in_threadpool(_letter_response, await json_of(request), config)

    @app.get("/api/maintainer/requests", tags=["maintainer"])
    async def api_queue(request: Request, status: str | None = None) -> list[dict[str, Any]]:
        """The removal queue (optionally one `status`): kinds and counts of identifiers, the
        contact, the evidence; never the identifiers or their digests."""
        maintainer_only(request)
        return [_maintainer_view(r) for r in queue.all(status)]

    @app.get("/api/maintainer/requests/{request_id}", tags=["maintainer"])
    async def api_request(request: Request, request_id: str) -> dict[str, Any]:
        """One request, with its verify certificate and the new version's manifest when done."""
        maintainer_only(request)
        found = queue.get(request_id)
        if found is None:
            raise Refused(404, "no such request")
        return _maintainer_view(found, full=True)

    @app.post("/api/maintainer/requests/{request_id}/{action}", tags=["maintainer"])
    async def api_act(request: Request, request_id: str, action: str) -> dict[str, Any]:
        """`approve` (runs the removal in the background) or `reject` (body: {"reason"}) a new
        or failed request."""
        maintainer_only(request)
        body = await json_of(request) if int(request.headers.get("content-length") or 0) else {}
        _act(remover, queue, request_id, action, str(body.get("reason") or ""))
        found = queue.get(request_id)
        assert found is not None
        return _maintainer_view(found)

    @app.get("/api/maintainer/stats", tags=["maintainer"])
    async def api_stats(request: Request) -> dict[str, Any]:
        """Current version, versions written, registry and index sizes, request counts, and the
        state of a re-application."""
        maintainer_only(request)
        return _stats(remover)

    @app.post("/api/maintainer/reapply", tags=["maintainer"], status_code=202)
    async def api_reapply(request: Request) -> dict[str, Any]:
        """Write the configured new release without everyone in the registry (forget
        --registry), verify it and make it current; 409 while one runs."""
        maintainer_only(request)
        if not remover.reapply():
            raise Refused(409, "a re-application is already running")
        return dict(remover.reapply_state)

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    async def api_docs(request: Request) -> Response:
        endpoints = []
        for path, methods in app.openapi()["paths"].items():
            for method, about in methods.items():
                endpoints.append({"method": method.upper(), "path": path,
                                  "tag": (about.get("tags") or [""])[0],
                                  "summary": about.get("summary", ""),
                                  "description": about.get("description", "")})  # fmt: skip
        return render(request, "docs.html", title="API", endpoints=endpoints)

    static = resources.files("expunge.web") / "static"

    @app.get("/static/{name}", include_in_schema=False)
    async def static_file(name: str) -> Response:
        allowed = {"style.css": "text/css"}
        if name not in allowed:
            raise Refused(404, "not found")
        return Response((static / name).read_bytes(), media_type=allowed[name])

    return app


def _act(remover: Remover, queue: Queue, request_id: str, action: str, reason: str) -> None:
    if queue.get(request_id) is None:
        raise Refused(404, "no such request")
    if action == "approve":
        if not remover.approve(request_id):
            raise Refused(409, "only a new or failed request can be approved")
    elif action == "reject":
        if not remover.reject(request_id, reason or "rejected by the maintainer"):
            raise Refused(409, "only a new or failed request can be rejected")
    else:
        raise Refused(404, f"unknown action {action!r}: approve or reject")


def _maintainer_view(found: Any, full: bool = False) -> dict[str, Any]:
    """A request as the maintainer sees it: kinds and counts, the contact; never digests."""
    view = {"id": found.id, "status": found.status, "created": found.created,
            "updated": found.updated, "contact": found.contact, "kinds": found.kinds,
            "evidence": found.evidence, "progress": found.progress}  # fmt: skip
    if full:
        view["result"] = found.result
    else:
        view["result"] = {
            k: v for k, v in found.result.items() if k not in ("certificate", "manifest")
        }
    return view


def _stats(remover: Remover) -> dict[str, Any]:
    from expunge.index.store import load_manifest

    # the re-application's state first: it says "done" only after its version was added, so
    # read in this order a snapshot never shows a finished run and the version before it
    reapply = dict(remover.reapply_state)
    index = load_manifest(Path(remover.config.index)) or {}
    entries = remover.registry.entries()
    return {
        "current_version": version_name(remover.current_version()),
        "versions": [{**v, "path": Path(v["path"]).name} for v in remover.queue.versions()],
        "requests": remover.queue.counts(),
        "registry": {"removals": len(entries),
                     "photo_removals": sum(1 for e in entries if e.get("photos"))},
        "index": {"shards": len(index.get("shards", [])),
                  "records": sum(int(s.get("records", 0)) for s in index.get("shards", []))},
        "new_release": remover.config.new_release is not None,
        "reapply": reapply,
    }  # fmt: skip


def _letter_response(values: dict[str, Any], config: ServeConfig) -> Response:
    from expunge.rights.directory import company as find_company
    from expunge.rights.letters import KINDS, render, write_letter
    from expunge.subject.profile import parse_subject

    kind = str(values.get("kind") or "")
    if kind not in KINDS:
        raise Refused(400, f"unknown letter kind {kind!r}")
    company_name = str(values.get("company") or config.company or "").strip()
    if not company_name:
        raise Refused(400, "name the company the letter goes to")
    profile = web_search.profile_from_form(values, config.phone_region)
    extra = {k: str(values[k]).strip() for k in ("postal_address", "country", "state")
             if str(values.get(k) or "").strip()}  # fmt: skip
    data: dict[str, Any] = {"names": profile.given("name")[:1],
                            "emails": profile.given("email"), "phones": profile.given("phone"),
                            "region": profile.region, **extra}  # fmt: skip
    full = parse_subject({k: v for k, v in data.items() if v}, "the letter", "you", profile.region)
    letter = write_letter(find_company(company_name), kind, full, date.today())
    pdf = render(letter, "pdf")
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{kind}.pdf"'})  # fmt: skip
