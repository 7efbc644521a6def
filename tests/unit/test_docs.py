"""The documented default config and the README stay true (datasette's test_docs idea)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from pydantic import BaseModel

from base.config import Config, load_config

ROOT = Path(__file__).resolve().parents[2]


def _model_keys(model: type[BaseModel], prefix: str = "") -> set[str]:
    keys = set()
    for name, field in model.model_fields.items():
        keys.add(prefix + name)
        inner = field.annotation
        args = getattr(inner, "__args__", ())
        for candidate in (inner, *args):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                keys |= _model_keys(candidate, f"{prefix}{name}.")
    return keys


def test_default_config_loads() -> None:
    load_config(ROOT / "config.yaml")


def test_every_config_key_is_in_config_yaml_with_a_comment() -> None:
    lines = (ROOT / "config.yaml").read_text(encoding="utf-8").splitlines()
    documented = {}
    for i, line in enumerate(lines):
        match = re.match(r"^\s*-?\s*([a-z_]+):", line)
        if match:
            comment = "#" in line.split(":", 1)[1] or (i > 0 and lines[i - 1].strip().startswith("#"))
            documented[match.group(1)] = documented.get(match.group(1), False) or comment
    for key in _model_keys(Config):
        leaf = key.rsplit(".", 1)[-1]
        assert leaf in documented, f"config key {key} is not in config.yaml"
        assert documented[leaf], f"config key {key} has no comment in config.yaml"


def test_readme_cli_reference_is_current() -> None:
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "cli_reference.py"), "--check"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
