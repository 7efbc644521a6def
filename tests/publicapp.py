"""The public form served for real: a FastAPI app with the /appeal router and /static, run by
uvicorn on loopback in a thread (tests, bench/form.py and the demo use it).

Until the staff desk's ``web.app.create_app`` exists this builds a minimal app of its own;
once it does, the real app is used (its security headers included), with the form mounted
through its ``extra_routers``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from base.config import Config
from pipeline.deps import Deps
from web.public import make_public_router
from web.ratelimit import RateLimiter

STATIC = Path(__file__).resolve().parents[1] / "web" / "static"


def public_app(config: Config, deps: Deps | None = None,
               limiter: RateLimiter | None = None) -> FastAPI:
    """The web app with the /appeal router: the staff desk's ``create_app`` (its security
    headers, CSP included) once it exists, else a minimal app serving /appeal and /static."""
    router = make_public_router(config, deps, limiter)
    try:
        from web.app import create_app  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
        app.include_router(router)
        app.mount("/static", StaticFiles(directory=STATIC), name="static")
        return app
    made: FastAPI = create_app(config, extra_routers=[router], index_in_background=False)
    return made


@contextmanager
def serve(app: Any, port: int) -> Iterator[str]:
    """Run ``app`` with uvicorn on 127.0.0.1:``port`` until the block ends; yields the base URL."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
