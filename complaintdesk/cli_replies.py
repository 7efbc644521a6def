"""The `reply` and `templates` commands: staff answers from templates (3.3–3.6, 3.9, 2.4).

Plain click commands; the main group (complaintdesk/cli.py) adds them. The work is in
operations.replies; this module parses options, reads attachment files and prints.
"""

from __future__ import annotations

from pathlib import Path

import click

from complaintdesk.cli_common import guard, ops_context, with_actor
from operations import replies
from replies.compose import attachment_from
from replies.message import OutgoingAttachment, OutgoingMessage
from replies.templates import HTML_SUFFIX, TEXT_SUFFIX, ReplyTemplate


@click.command("reply")
@click.argument("number")
@click.option("--template", "template_name", required=True, metavar="NAME",
              help="Reply template (see `complaintdesk templates`).")
@click.option("--set", "assignments", multiple=True, metavar="KEY=VALUE",
              help="A template field; repeat a key to add list items.")
@click.option("--attach", "files", multiple=True, type=click.Path(path_type=Path),
              metavar="FILE", help="Attach a file (repeatable).")
@click.option("--preview", is_flag=True, help="Print the rendered mail; queue nothing.")
@click.option("--edit", is_flag=True, help="Open $EDITOR on the rendered text before queueing.")
@with_actor
@click.pass_context
def reply_cmd(ctx: click.Context, number: str, template_name: str, assignments: tuple[str, ...],
              files: tuple[Path, ...], preview: bool, edit: bool, actor: str) -> None:
    """Queue a reply on appeal NUMBER from a template, signed by the director (3.9)."""
    values = parse_assignments(assignments)
    attachments = read_attachments(files)
    ops = ops_context(ctx)
    editor = _edit if edit else None
    if preview:
        shown = guard(lambda: replies.preview_reply(ops, number, template_name, values,
                                                    attachments, editor))
        click.echo(format_preview(shown.message, shown.sender, shown.template))
        return
    done = guard(lambda: replies.queue_reply(ops, number, template_name, values, attachments,
                                             actor=actor, edit=editor))
    click.echo(f"appeal {done.number}: {template_name!r} to {done.recipient} queued as "
               f"outbox {done.outbox_id}; status {done.status}. It goes out with the next "
               "`complaintdesk send` or daemon cycle.")


@click.command("templates")
@click.pass_context
def templates_cmd(ctx: click.Context) -> None:
    """List the reply templates (fields, the status each sets) and the file every template
    comes from: the branch's folder (templates.path) or the packaged set."""
    ops = ops_context(ctx)
    found, problems = replies.list_templates(ops)
    origins = replies.template_files(ops)
    for template in found:
        click.echo(format_template(template))
        for suffix in (TEXT_SUFFIX, HTML_SUFFIX) if template.has_html else (TEXT_SUFFIX,):
            click.echo(f"    file: {origins[template.name + suffix]}")
    reply_files = {t.name + s for t in found for s in (TEXT_SUFFIX, HTML_SUFFIX)}
    click.echo("other templates (acknowledgement, digest, shared parts):")
    for name, path in origins.items():
        if name not in reply_files:
            click.echo(f"  {name:<36} {path}")
    for problem in problems:
        click.echo(f"unusable: {problem}", err=True)


def parse_assignments(assignments: tuple[str, ...]) -> dict[str, str]:
    """``key=value`` pairs; a key given twice gets its values joined with «; » (list items)."""
    values: dict[str, str] = {}
    for item in assignments:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise click.ClickException(f"--set expects KEY=VALUE, got {item!r}")
        key = key.strip()
        values[key] = f"{values[key]}; {value}" if key in values else value
    return values


def read_attachments(files: tuple[Path, ...]) -> list[OutgoingAttachment]:
    found = []
    for path in files:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise click.ClickException(f"cannot read attachment {path}: "
                                       f"{exc.strerror or type(exc).__name__}") from None
        found.append(attachment_from(path.name, data))
    return found


def _edit(text: str) -> str:
    edited = click.edit(text, extension=".txt", require_save=True)
    return text if edited is None else edited


def format_preview(out: OutgoingMessage, sender: str, meta: ReplyTemplate) -> str:
    to = f"{out.to_name} <{out.to_address}>" if out.to_name else out.to_address
    lines = [f"From: {sender}", f"To: {to}", f"Subject: {out.subject}"]
    if out.in_reply_to:
        lines.append(f"In-Reply-To: {out.in_reply_to}")
    if out.references:
        lines.append(f"References: {' '.join(out.references)}")
    for att in out.attachments:
        lines.append(f"Attachment: {att.filename} ({att.content_type}, {len(att.data)} bytes)")
    lines.append(f"X-Preview: status after queueing: {meta.status or 'unchanged'}; "
                 f"HTML alternative: {'yes' if out.html else 'no'}")
    return "\n".join(lines) + "\n\n" + out.text


def format_template(t: ReplyTemplate) -> str:
    need = ", ".join(f"{name}" for name, _ in t.fields) or "-"
    may = ", ".join(f"{name}" for name, _ in t.optional) or "-"
    head = (f"{t.name:<24} status: {t.status or 'unchanged':<22} "
            f"{'signed' if t.signed else 'unsigned'}{', HTML' if t.has_html else ''}")
    lines = [head, f"    {t.description}" if t.description else None,
             f"    required: {need}", f"    optional: {may}"]
    lines += [f"      {name}: {what}" for name, what in (*t.fields, *t.optional) if what]
    return "\n".join(line for line in lines if line)
