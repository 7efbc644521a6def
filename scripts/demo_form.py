"""The public form in `make demo`: serve /appeal with uvicorn on loopback, fill it in as a
visitor would (GET the form, POST it with a Cyrillic file name) and print the receipt page's
number and due date."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from base.config import load_config
from tests.publicapp import public_app, serve
from tests.servers import free_port


def submit_demo_form(config_path: Path) -> str:
    """Post one appeal through the public form; returns its registration number."""
    config = load_config(config_path)  # a script fills the form faster than any person:
    config = config.model_copy(update={"form": config.form.model_copy(update={"min_fill_seconds": 0})})
    with serve(public_app(config), free_port()) as url:
        page = httpx.get(f"{url}/appeal")
        stamp = re.search(r'name="stamp" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        print(f"\n=== the public form: GET {url}/appeal ({page.status_code}, {len(page.text)} bytes) ===")
        reply = httpx.post(f"{url}/appeal", timeout=60, data={
            "stamp": stamp, "last_name": "Орлова", "first_name": "Мария", "middle_name": "Ивановна",
            "email": "m.orlova@example.ru", "postal_address": "308009, г. Белгород, пр. Славы, 30",
            "phone": "+7 910 555-12-34", "subject": "eds_trading", "consent": "yes",
            "text": "Не получается подписать заявку на торговой площадке: сертификат ЭЦП не виден."},
            files=[("files", ("Снимок экрана с ошибкой.png", b"\x89PNG\r\n\x1a\n demo", "image/png"))])
    number = re.search(r'class="number">№ ([^<]+)<', reply.text)
    due = re.search(r'class="due">([^<]+)<', reply.text)
    if reply.status_code != 200 or number is None or due is None:
        raise SystemExit(f"the form did not register the appeal (HTTP {reply.status_code})")
    print(f"POST /appeal -> {reply.status_code}: registered № {number.group(1)}, "
          f"answer due by {due.group(1)}")
    return number.group(1)
