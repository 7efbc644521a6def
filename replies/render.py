"""The Jinja2 environment for outbound mail: StrictUndefined, HTML autoescaped, no I/O but
reading templates from the branch's folder (``templates.path``) and, for any template missing
there, from the packaged set (the package ``complaintdesk.templates``)."""

from __future__ import annotations

import importlib.resources
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape

PACKAGED = "complaintdesk.templates"


def packaged_templates() -> Path:
    """The folder of the templates shipped with the package (a real folder: setuptools
    installs package data as files, and an editable install maps it to the checkout). A source
    tree run without installing (PYTHONPATH=checkout) has them at the top of the tree."""
    try:
        return Path(str(importlib.resources.files(PACKAGED)))
    except ModuleNotFoundError:
        return Path(__file__).resolve().parents[1] / "templates"


def template_folders(branch_dir: Path | None, packaged: bool = True) -> list[Path]:
    """Where templates are looked up, first match wins: the branch's folder, then the package."""
    folders = [branch_dir] if branch_dir is not None else []
    if packaged and packaged_templates().resolve() not in [f.resolve() for f in folders]:
        folders.append(packaged_templates())
    return folders


def make_environment(template_dir: Path | None, packaged: bool = True) -> Environment:
    """``packaged=False`` reads ``template_dir`` alone (a test of one folder's templates)."""
    loaders = [FileSystemLoader(str(f)) for f in template_folders(template_dir, packaged)]
    return Environment(
        loader=ChoiceLoader(loaders),
        undefined=StrictUndefined,
        autoescape=select_autoescape(enabled_extensions=("html", "html.j2"), default=False),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def template_origins(env: Environment) -> dict[str, Path]:
    """Each template name and the file it is loaded from (the branch's copy wins)."""
    found: dict[str, Path] = {}
    assert isinstance(env.loader, ChoiceLoader)
    for loader in env.loader.loaders:
        assert isinstance(loader, FileSystemLoader)
        folder = Path(loader.searchpath[0])
        for name in loader.list_templates():
            if name.endswith(".j2"):
                found.setdefault(name, folder / name)
    return dict(sorted(found.items()))
