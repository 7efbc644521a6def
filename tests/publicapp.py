"""The public form served for real: the web app (``web.app.create_app``, its security headers
included) with the /appeal router, run by uvicorn on loopback in a thread (tests, bench/form.py
and the demo use it).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn
from fastapi import FastAPI

from base.config import Config
from pipeline.deps import Deps
from web.app import create_app
from web.public import make_public_router
from web.ratelimit import RateLimiter

def public_app(config: Config, deps: Deps | None = None,
               limiter: RateLimiter | None = None) -> FastAPI:
    """The web app with the /appeal router mounted, as ``complaintdesk web`` serves it."""
    router = make_public_router(config, deps, limiter)
    return create_app(config, extra_routers=[router], index_in_background=False)


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
