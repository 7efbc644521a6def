"""Text for the terminal: one appeal, and the due list (in Russian, like the digest)."""

from __future__ import annotations

from typing import Any

from journal.types import DueList
from replies.digest import days_phrase


_SOURCES = {"mail": "mail", "form": "the web form"}  # appeal.source (issue 13)


def format_details(d: dict[str, Any]) -> str:
    who = d["applicant"]
    name = who.get("organization") or " ".join(
        p for p in (who.get("last_name"), who.get("first_name"), who.get("middle_name")) if p
    )
    lines = [
        f"Appeal {d['number']}  [{d['status']}]",
        f"  received {d['received']} by {_SOURCES.get(d.get('source', 'mail'), d.get('source'))}, "
        f"due {d['due']}",
        f"  kind {d['kind']}, department {d['department']}"
        + (f" ({d['region']})" if d["region"] else "") + f", assignee {d['assignee']}",
        f"  applicant {name or '(not identified)'}; e-mail {who.get('email') or '-'}; "
        f"phone {who.get('phone') or '-'}; address {who.get('postal_address') or '-'}",
    ]
    if d["anonymous"]:
        lines.append(f"  ANONYMOUS: {', '.join(d['anonymous_reasons'])}")
    if d["quality_claim"]:
        lines.append(f"  quality claim; missing: {', '.join(d['missing_documents']) or 'nothing'}")
    lines.append(f"  subject: {d['subject']}")
    for a in d["attachments"]:
        flags = f" [{', '.join(a['flags'])}]" if a["flags"] else ""
        lines.append(f"  attachment: {a['filename']} ({a['content_type']}, {a['size']} B){flags}")
    if d["repeat_of"]:
        lines.append(f"  REPEAT of {d['repeat_of']} (similarity {d['repeat_similarity']:.2f}, 2.4)")
    if d["outcome"]:
        lines.append(f"  outcome {d['outcome']}: {d['outcome_text']}")
    for m in d["measures"]:
        lines.append(f"  measure {m['id']}: {m['what']} ({m['who']}, due {m['due']}"
                     + (f", done {m['done']})" if m["done"] else ")"))
    for o in d["outbox"]:
        lines.append(f"  mail out: {o['purpose']} to {o['recipient']}: {o['state']}")
    for e in d["history"]:
        change = f"{e['from'] or ''} -> {e['to'] or ''}" if e["from"] or e["to"] else ""
        lines.append(f"  {e['at']} {e['actor']}: {e['action']} {change}"
                     + (f" ({e['note']})" if e["note"] else ""))
    lines += ["", d["text"]]
    return "\n".join(lines)


def format_due(due: DueList) -> str:
    """The due list for the terminal, in Russian like the digest."""
    def appeal_line(a: Any) -> str:
        return (f"  {a.number:<12} {a.due_on:%d.%m.%Y}  {days_phrase(a.days_left):<22} "
                f"{(a.assignee or '—')[:22]:<22} {(a.applicant or 'анонимное')[:30]:<30} "
                f"{a.subject[:50]}")

    def measure_line(m: Any) -> str:
        return (f"  {m.appeal_number:<12} {m.due_on:%d.%m.%Y}  "
                f"{days_phrase(-m.days_overdue):<22} {m.who[:22]:<22} {m.what[:80]}")

    sections = ((f"Просрочены ({len(due.overdue)})", [appeal_line(a) for a in due.overdue]),
                (f"Срок истекает в ближайшие {due.days_ahead} дн. ({len(due.due_soon)})",
                 [appeal_line(a) for a in due.due_soon]),
                (f"Просрочены меры ({len(due.overdue_measures)})",
                 [measure_line(m) for m in due.overdue_measures]))
    lines = [f"Сроки на {due.today:%d.%m.%Y}"]
    for title, rows in sections:
        lines += ["", title + ":", *(rows or ["  нет"])]
    return "\n".join(lines)
