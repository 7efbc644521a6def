"""Regenerate the README's CLI reference from `--help` (between the cli-reference markers).

    python scripts/cli_reference.py          rewrite README.md
    python scripts/cli_reference.py --check  exit 1 when README.md is out of date
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from complaintdesk.cli import main  # noqa: E402

README = Path(__file__).resolve().parents[1] / "README.md"
START, END = "<!-- cli-reference:start -->", "<!-- cli-reference:end -->"


def _help(args: list[str]) -> str:
    result = CliRunner().invoke(main, [*args, "--help"], terminal_width=100)
    return result.output.rstrip()


def _commands(group: click.Group, prefix: list[str]) -> list[list[str]]:
    found = []
    for name in sorted(group.commands):
        command = group.commands[name]
        found.append([*prefix, name])
        if isinstance(command, click.Group):
            found += _commands(command, [*prefix, name])
    return found


def reference() -> str:
    parts = ["```\n$ complaintdesk --help\n" + _help([]) + "\n```"]
    for args in _commands(main, []):
        parts.append(f"```\n$ complaintdesk {' '.join(args)} --help\n{_help(args)}\n```")
    return "\n\n".join(parts)


def main_() -> int:
    text = README.read_text(encoding="utf-8")
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    updated = f"{head}{START}\n{reference()}\n{END}{tail}"
    if "--check" in sys.argv:
        if updated != text:
            print("README.md CLI reference is out of date: run python scripts/cli_reference.py")
            return 1
        return 0
    README.write_text(updated, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main_())
