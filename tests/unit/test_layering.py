"""The import layering of the README's "Architecture" section, read from the source (ast):

    complaintdesk (CLI) ─┐
    web (ASGI)          ─┴─> operations ──> pipeline ──> ingest, classify, journal, replies ──> base

Nothing imports upward; the steps import each other's *types* only (and the journal the
store's names); pure modules never touch IMAP, SMTP, the database session or click; front
ends hold no SQL; no module imports another's private names; no cycle between packages.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("base", "ingest", "classify", "journal", "replies", "pipeline", "operations", "web",
            "complaintdesk")
STEPS = ("ingest", "classify", "journal", "replies")
TYPES = ("ingest.types", "classify.types", "journal.models", "journal.types")

# what each package may import of ours: a package name allows all of it, a dotted name one module
ALLOWED: dict[str, tuple[str, ...]] = {
    "base": (),
    "ingest": ("base",),
    "classify": ("base", "ingest.types"),
    "journal": ("base", "ingest.types", "classify.types", "ingest.storage"),
    "replies": ("base", "classify.types", "journal.models", "journal.types"),
    "pipeline": ("base", *STEPS),
    "operations": ("base", *STEPS, "pipeline"),
    "web": ("base", "operations", "pipeline", *TYPES),
    "complaintdesk": ("base", *STEPS, "pipeline", "operations", "web"),
}
EDGE_LIBRARIES = ("imaplib", "imap_tools", "smtplib", "aiosmtplib", "click", "sqlmodel",
                  "sqlalchemy", "fastapi", "starlette")
PURE = ("base", "classify", "ingest.parse", "ingest.text", "ingest.types", "ingest.attachments",
        "replies.acknowledge", "replies.address", "replies.compose", "replies.digest",
        "replies.message", "replies.render", "replies.templates", "journal.types")
FRONT_ENDS = ("complaintdesk", "web")


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, dotted
    target: str  # the imported module, dotted
    names: tuple[str, ...]  # for ``from x import a, b``
    line: int

    @property
    def package(self) -> str:
        return self.module.split(".")[0]

    @property
    def target_package(self) -> str:
        return self.target.split(".")[0]


def _modules() -> Iterator[tuple[str, Path]]:
    for package in PACKAGES:
        folder = ROOT / package
        for path in sorted(folder.rglob("*.py")) if folder.is_dir() else []:
            if "migrations" in path.parts:
                continue  # Alembic's scripts: journal's own, run by journal.schema
            parts = path.relative_to(ROOT).with_suffix("").parts
            yield ".".join(p for p in parts if p != "__init__"), path


def _imports() -> list[Import]:
    found = []
    for module, path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found += [Import(module, a.name, (), node.lineno) for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.append(Import(module, node.module, tuple(a.name for a in node.names),
                                    node.lineno))
    return found


IMPORTS = _imports()
OURS = [i for i in IMPORTS if i.target_package in PACKAGES]


def _within(target: str, allowed: tuple[str, ...]) -> bool:
    return any(target == a or target.startswith(a + ".") for a in allowed)


def _targets(i: Import) -> list[str]:
    """``from journal import register`` imports the module journal.register."""
    if "." in i.target or not i.names:
        return [i.target]
    return [f"{i.target}.{n}" if (ROOT / i.target / f"{n}.py").exists() else i.target
            for n in i.names]


def test_the_scan_sees_the_whole_code() -> None:
    modules = {m for m, _ in _modules()}
    assert {"base.config", "pipeline.flow", "operations.appeals", "complaintdesk.cli"} <= modules
    assert len(OURS) > 100


@pytest.mark.parametrize("package", PACKAGES)
def test_nothing_imports_upward_or_sideways(package: str) -> None:
    wrong = [f"{i.module}:{i.line} imports {t}" for i in OURS if i.package == package
             for t in _targets(i)
             if t.split(".")[0] != package and not _within(t, ALLOWED[package])]
    assert wrong == [], "\n".join(wrong)


def test_pure_modules_touch_no_edge() -> None:
    wrong = [f"{i.module}:{i.line} imports {i.target}" for i in IMPORTS
             if _within(i.module, PURE) and i.target_package in EDGE_LIBRARIES]
    assert wrong == [], "\n".join(wrong)


def test_only_the_cli_imports_click() -> None:
    wrong = [f"{i.module}:{i.line}" for i in IMPORTS
             if i.target_package == "click" and i.package != "complaintdesk"]
    assert wrong == [], "\n".join(wrong)


def test_front_ends_hold_no_sql_and_no_sessions() -> None:
    wrong = [f"{i.module}:{i.line} imports {i.target}" for i in IMPORTS
             if i.package in FRONT_ENDS and i.target_package in ("sqlmodel", "sqlalchemy")]
    wrong += [f"{i.module}:{i.line} imports {i.target}" for i in OURS
              if i.package in FRONT_ENDS and _within(i.target, ("journal.register",
                                                                "journal.workflow",
                                                                "journal.reports",
                                                                "journal.retention",
                                                                "journal.db"))]
    assert wrong == [], "\n".join(wrong)


def test_no_module_imports_another_modules_private_names() -> None:
    wrong = [f"{i.module}:{i.line} imports {i.target}.{name}" for i in OURS
             for name in i.names
             if name.startswith("_") and not name.endswith("__") and i.target != i.module]
    assert wrong == [], "\n".join(wrong)


def _cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt):], nxt] if nxt in path else [*path, nxt]
            if nxt not in state:
                found = visit(nxt, [*path, nxt])
                if found:
                    return found
        state[node] = 2
        return None

    for start in sorted(edges):
        if start not in state:
            found = visit(start, [start])
            if found:
                return found
    return None


def test_no_cycle_between_packages() -> None:
    edges: dict[str, set[str]] = {}
    for i in OURS:
        if i.package != i.target_package:
            edges.setdefault(i.package, set()).add(i.target_package)
    assert _cycle(edges) is None, " -> ".join(_cycle(edges) or [])


def test_the_rules_refuse_what_the_issue_named() -> None:
    """The rules themselves: what issue 10 found in the code would fail them."""
    assert not _within("journal.reports", ALLOWED["replies"])  # replies/digest.py read it
    assert not _within("ingest.parse", ALLOWED["classify"])  # classify parsed attachments
    assert not _within("classify.quotes", ALLOWED["journal"])  # journal/repeats.py used it
    assert not _within("classify.types", ALLOWED["base"])  # base/config.py built the rules
    assert not _within("operations.appeals", ALLOWED["pipeline"])


def test_the_cycle_check_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": {"c"}}) is None
