"""Text for the terminal: one appeal with its correspondence, the journal's list, and the due
list (in Russian, like the digest)."""

from __future__ import annotations

from typing import Any

from journal.models import INCOMING, NOTE
from journal.types import DueList
from replies.digest import days_phrase

_ARROWS = {INCOMING: "<-", NOTE: "--"}
_HEADER = ("number", "received", "due", "status", "news", "assignee", "applicant", "subject")
_WIDTHS = (12, 17, 11, 22, 4, 20, 30, 0)


def format_details(d: dict[str, Any]) -> str:
    who = d["applicant"]
    name = who.get("organization") or " ".join(
        p for p in (who.get("last_name"), who.get("first_name"), who.get("middle_name")) if p
    )
    lines = [
        f"Appeal {d['number']}  [{d['status']}]",
        f"  received {d['received']}, due {d['due']}",
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
    lines += [f"  in attachment: {line}" for line in finding_lines(d.get("findings", []))]
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
        change = f" {e['from'] or ''} -> {e['to'] or ''}" if e["from"] or e["to"] else ""
        lines.append(f"  {e['at']} {e['actor']}: {e['action']}{change}"
                     + (f" ({e['note']})" if e["note"] else ""))
    lines += format_correspondence(d)
    return "\n".join(lines)


def finding_lines(findings: list[dict[str, Any]]) -> list[str]:
    """One line per attachment finding (issue 15): role, where, the words, whose, what defects."""
    lines = []
    for f in findings:
        where = f", page {f['page']}" if f.get("page") else ""
        said = f": „{f['evidence']}“" if f.get("evidence") else ""
        whose = ", ".join(x for x in (f.get("organisation"), f.get("inn") and f"ИНН {f['inn']}",
                                      f.get("signer")) if x)
        extra = [f.get("image") or "", f.get("unreadable") or "", whose,
                 ("defects: " + "; ".join(f["defects"])) if f.get("defects") else "",
                 ("label: " + "; ".join(f["label_marks"])) if f.get("label_marks") else "",
                 "OCR" if f.get("ocr") else ""]
        tail = " | ".join(x for x in extra if x)
        lines.append(f"{f['role']}: {f.get('filename') or '(unnamed)'}{where}{said}"
                     + (f" [{tail}]" if tail else ""))
    return lines


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
                 [measure_line(m) for m in due.overdue_measures]),
                (f"Новые письма заявителей ({len(due.news)})",
                 [appeal_line(a) for a in due.news]))
    lines = [f"Сроки на {due.today:%d.%m.%Y}"]
    for title, rows in sections:
        lines += ["", title + ":", *(rows or ["  нет"])]
    return "\n".join(lines)


def format_correspondence(view: dict[str, Any]) -> list[str]:
    """The correspondence as lines for the terminal, oldest first."""
    lines = []
    if view["news"]:
        lines.append(f"  NEWS from the client since {view['news_since']} "
                     "(`complaintdesk seen NUMBER` when read)")
    if view["linked_to"]:
        lines.append(f"  LINKED to {view['linked_to']}: {view['link_reason']}")
    if view["linked_appeals"]:
        lines.append(f"  later appeals linked to this one: {', '.join(view['linked_appeals'])}")
    lines += ["", f"Correspondence ({len(view['correspondence'])}):"]
    for e in view["correspondence"]:
        lines += _entry_lines(e)
    return lines


def _entry_lines(e: dict[str, Any]) -> list[str]:
    arrow = _ARROWS.get(e["direction"], "->")
    who = e["sender"] if e["direction"] != "out" else f"to {e['recipient']}"
    head = f"  {e['at']} {arrow} {e['direction']:<4} {who or '-'}"
    head += f"  «{e['subject']}»" if e["subject"] else ""
    head += f"  [{e['flag']}]" if e["flag"] else ""
    body = [f"      {line}" for line in (e["text"] or "(text only in the raw mail)").splitlines()]
    files = [f"      attachment: {a['filename']} ({a['content_type']}, {a['size']} B)"
             for a in e["attachments"]]
    raw = [f"      raw mail: {e['raw']} (under storage.path)"] if e["raw"] else []
    return [head, *body, *files, *raw]


def format_rows(rows: list[dict[str, Any]]) -> list[str]:
    """The journal's list: a header line, then one line per appeal."""
    lines = [_line([h.upper() for h in _HEADER])]
    for r in rows:
        lines.append(_line([r["number"], r["received"], r["due"], r["status"],
                            "NEW" if r["news"] else "", r["assignee"] or "-",
                            r["applicant"] or "(anonymous)", r["subject"]]))
    return lines


def _line(cells: list[str]) -> str:
    out = []
    for cell, width in zip(cells, _WIDTHS):
        out.append(f"{cell[:width]:<{width}}" if width else cell[:60])
    return " ".join(out).rstrip()
