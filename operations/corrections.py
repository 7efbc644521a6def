"""Corrections: staff fix what the service read wrong in an appeal (name, organisation,
address, kind, department, anonymity, missing documents). The appeal is changed, the change is
recorded with who and when (a ``correction`` row and an audit event), and ``accuracy`` compares
what the service read with what staff corrected, field by field, for `eval --journal`."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from classify.types import KINDS
from journal import search
from journal.models import Appeal, Correction
from journal.workflow import TransitionError, audit
from operations.appeals import find_appeal
from operations.context import OpsContext

FIELDS = ("name", "organisation", "address", "kind", "department", "anonymous",
          "missing_documents")
PERSONAL = ("name", "organisation", "address")
_APPLICANT_KEYS = {"organisation": "organization", "address": "postal_address"}


def current_value(appeal: Appeal, field: str) -> str:
    """The field as the journal holds it now, as text."""
    who = json.loads(appeal.applicant_json or "{}")
    if field == "name":
        return " ".join(p for p in (who.get("last_name"), who.get("first_name"),
                                    who.get("middle_name")) if p)
    if field in _APPLICANT_KEYS:
        return str(who.get(_APPLICANT_KEYS[field]) or "")
    if field == "anonymous":
        return "yes" if appeal.anonymous else "no"
    return str(getattr(appeal, field) or "")


def correct(ctx: OpsContext, number: str, field: str, value: str, actor: str) -> None:
    """Set ``field`` of appeal ``number`` to ``value`` and record the correction."""
    if field not in FIELDS:
        raise TransitionError(f"unknown field {field!r}; one of: {', '.join(FIELDS)}")
    value, now = _checked(ctx, field, value.strip()), ctx.now()
    with ctx.transaction() as session:
        appeal = find_appeal(session, number)
        before = current_value(appeal, field)
        if before == value:
            return
        _apply(appeal, field, value)
        session.add(Correction(appeal_id=appeal.id or 0, field=field, read_value=before,
                               corrected_value=value, actor=actor, at=now))
        personal = field in PERSONAL  # the trail is kept forever: no personal data in it
        audit(session, appeal, actor, "correction", now, None if personal else before,
              None if personal else value, field)
        search.index_appeal(session, appeal)


def _checked(ctx: OpsContext, field: str, value: str) -> str:
    if field == "kind" and value not in KINDS:
        raise TransitionError(f"kind must be one of: {', '.join(KINDS)}")
    if field == "department" and ctx.department(value) is None:
        raise TransitionError(f"no department {value!r}")
    if field == "anonymous" and value not in ("yes", "no"):
        raise TransitionError("anonymous is yes or no")
    if field == "missing_documents":
        return ",".join(p.strip() for p in value.split(",") if p.strip())
    return value


def _apply(appeal: Appeal, field: str, value: str) -> None:
    who = json.loads(appeal.applicant_json or "{}")
    if field == "name":
        parts = value.split()
        who.update(last_name=parts[0] if parts else None,
                   first_name=parts[1] if len(parts) > 1 else None,
                   middle_name=" ".join(parts[2:]) or None)
    elif field in _APPLICANT_KEYS:
        who[_APPLICANT_KEYS[field]] = value or None
    elif field == "anonymous":
        appeal.anonymous = value == "yes"
    else:
        setattr(appeal, field, value or None if field != "missing_documents" else value)
    if field in ("name", "organisation", "address"):
        appeal.applicant_json = json.dumps(who, ensure_ascii=False)
        appeal.applicant_name = who.get("organization") or " ".join(
            p for p in (who.get("last_name"), who.get("first_name"), who.get("middle_name"))
            if p) or None


def corrections_of(ctx: OpsContext, appeal_id: int) -> list[Correction]:
    with Session(ctx.engine) as session:
        return list(session.exec(select(Correction).where(Correction.appeal_id == appeal_id)
                                 .order_by(col(Correction.id))))


@dataclass(frozen=True)
class FieldAccuracy:
    field: str
    appeals: int  # appeals in the journal (purged ones left out)
    corrected: int  # of them, with this field corrected by staff

    @property
    def accuracy(self) -> float:
        return 1.0 - self.corrected / self.appeals if self.appeals else 1.0


def accuracy(ctx: OpsContext) -> list[FieldAccuracy]:
    """Per field: how many appeals staff had to correct, of all appeals in the journal."""
    with ctx.reading() as session:
        total = session.exec(select(func.count()).select_from(Appeal)
                             .where(col(Appeal.purged_at).is_(None))).one()
        rows = dict(session.exec(
            select(Correction.field, func.count(func.distinct(Correction.appeal_id)))
            .group_by(col(Correction.field))).all())
    return [FieldAccuracy(f, total, int(rows.get(f, 0))) for f in FIELDS]


def format_accuracy(rows: list[FieldAccuracy]) -> str:
    lines = [f"{'field':<18} {'appeals':>8} {'corrected':>10} {'accuracy':>9}"]
    lines += [f"{r.field:<18} {r.appeals:>8} {r.corrected:>10} {r.accuracy:>8.1%}" for r in rows]
    return "\n".join(lines)
