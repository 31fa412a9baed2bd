"""`expunge serve`: the web page (extra `[web]`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from expunge.errors import ExpungeError

DEMO_DATA = Path("demo-data")
DEMO_INDEX = Path("demo-index")
DEMO_IMAGES_INDEX = Path("demo-images-index")
DEMO_STATE = Path("demo-serve-state")


def serve_cmd(
    index: Annotated[
        Path | None, typer.Option(help="Text index of the dataset (expunge index build).")
    ] = None,
    dataset: Annotated[
        str | None,
        typer.Option(help="The dataset the index describes: snippets, and removals write it."),
    ] = None,
    images_index: Annotated[
        Path | None, typer.Option(help="Photo index (expunge images index): photo upload.")
    ] = None,
    images_dataset: Annotated[
        str | None, typer.Option(help="The image dataset, for thumbnails of photo matches.")
    ] = None,
    state: Annotated[
        Path, typer.Option(help="Where the queue, the token digest and new versions are kept.")
    ] = Path("expunge-serve-state"),
    registry: Annotated[
        Path | None, typer.Option(help="Suppression registry (default: STATE/registry).")
    ] = None,
    new_release: Annotated[
        str | None, typer.Option(help="A new release: 're-apply all removals' writes it clean.")
    ] = None,
    company: Annotated[
        str | None, typer.Option(help="The company behind the dataset or model (letters).")
    ] = None,
    host: Annotated[str, typer.Option(help="Address to listen on (this machine only).")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    allow_remote: Annotated[
        bool,
        typer.Option("--allow-remote", help="Allow a --host other machines can reach (HTTPS!)."),
    ] = False,
    no_rate_limit: Annotated[
        bool, typer.Option("--no-rate-limit", help="Lift the search rate limit (load tests only).")
    ] = False,
    workers: Annotated[int, typer.Option(help="Worker processes for removals.")] = 1,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo", help="Build the demo dataset and its indexes if missing, serve them."
        ),
    ] = False,
) -> None:
    """Serve the 'Am I in it?' page and the maintainer's removal desk."""
    from expunge.web.config import LOCAL_HOSTS, ServeConfig

    try:
        import fastapi  # noqa: F401
        import uvicorn
    except ImportError:
        raise ExpungeError(
            "the web page needs the web extra", "pip install 'expunge[web]'"
        ) from None
    if demo:
        index, dataset, images_index, images_dataset = _demo(index, state)
        if state == Path("expunge-serve-state"):
            state = DEMO_STATE
    if index is None:
        raise ExpungeError("give --index IDX (built with expunge index build), or --demo",
                           "expunge serve --index demo-index --dataset demo-data/dataset")  # fmt: skip
    if not (index / "manifest.json").is_file():
        raise ExpungeError(
            f"{index} is not an index", "build it: expunge index build DATASET --out IDX"
        )
    if host not in LOCAL_HOSTS:
        if not allow_remote:
            raise ExpungeError(f"--host {host} would open the page to other machines",
                               "add --allow-remote, and serve it behind HTTPS")  # fmt: skip
        typer.echo(f"warning: listening on {host}: anyone who reaches it can search this "
                   "dataset (rate-limited); put HTTPS and access control in front", err=True)  # fmt: skip
    if not 0 < port < 65536:
        raise ExpungeError(f"--port {port} is out of range", "use 1-65535, e.g. 8000")
    config = ServeConfig(
        index=index, state=state, dataset=dataset, images_index=images_index,
        images_dataset=images_dataset, registry=registry, new_release=new_release,
        company=company, workers=workers,
        searches_per_minute=None if no_rate_limit else 20,
        searches_per_day=None if no_rate_limit else 300,
    )  # fmt: skip
    _check_current(config)
    from expunge.web.app import create_app

    def show_token(token: str) -> None:
        typer.echo(f"maintainer token (shown once, stored only as a hash in {state}): {token}")

    app = create_app(config, print_token=show_token)
    _log_to_stderr()
    typer.echo(f"expunge serve: http://{'[' + host + ']' if ':' in host else host}:{port}/ "
               f"(maintainer: /maintainer, API: /docs); Ctrl-C stops it")  # fmt: skip
    uvicorn.run(app, host=host, port=port, access_log=False, log_level="warning")


def _check_current(config: object) -> None:
    """The index must describe the version being served (else searches would mislead)."""
    from expunge.index import check_current
    from expunge.web.config import ServeConfig
    from expunge.web.store import Queue

    assert isinstance(config, ServeConfig)
    current = config.dataset
    if config.queue_file.exists():
        versions = Queue(config.queue_file).versions()
        current = versions[-1]["path"] if versions else current
    if current is not None:
        check_current(config.index, current)


def _log_to_stderr() -> None:
    import logging

    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    logger = logging.getLogger("expunge.web")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)


def _demo(index: Path | None, state: Path) -> tuple[Path, str, Path | None, str | None]:
    """The demo dataset, its text index and its photo index, built where missing."""
    import subprocess
    import sys

    if not (DEMO_DATA / "subject.toml").exists():
        subprocess.run([sys.executable, "-m", "expunge.demo", str(DEMO_DATA)], check=True)
    dataset = str(DEMO_DATA / "dataset")
    index = index or DEMO_INDEX
    if not (index / "manifest.json").exists():
        from expunge.index import build_index

        build_index(dataset, index)
    images = DEMO_DATA / "images" / "dataset"
    images_index: Path | None = None
    try:
        import pdqhash  # noqa: F401

        if images.is_dir():
            images_index = DEMO_IMAGES_INDEX
            if not (images_index / "manifest.json").exists():
                from expunge.executors import make_executor
                from expunge.images.readers import open_image_dataset
                from expunge.images.search import build_image_index

                build_image_index(open_image_dataset(str(images)), images_index,
                                  make_executor("local", 1))  # fmt: skip
    except ImportError:
        images_index = None  # the images extra is not installed: text search only
    typer.echo(f"demo: search for {_demo_hint()} (the planted person, demo-data/subject.toml)")
    return index, dataset, images_index, str(images) if images_index else None


def _demo_hint() -> str:
    return "ines.kbrandao@example.org"


serve_app = typer.Typer()  # its one command is mounted at the top level
serve_app.command(
    "serve",
    epilog="Example: expunge serve --demo   (or: expunge serve --index demo-index "
    "--dataset demo-data/dataset)",
)(serve_cmd)
