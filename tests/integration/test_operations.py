"""The operations layer called directly, as the web desk will call it (no click, no session in
the caller): results are plain values, refusals are domain errors, every change is one
transaction that either happened completely or not at all."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from base.errors import NotFoundError, ReplyError
from journal.workflow import TransitionError
from operations import appeals, aside, replies, reports
from operations.context import OpsContext
from operations.validation import ValidationError
from tests.mailfactory import russian_mail


def _registered(desk: Any) -> tuple[OpsContext, str]:
    desk.append(russian_mail(body="Прошу вернуть деньги за неисправный принтер."))
    desk.poll()
    ops = OpsContext.from_config(desk.config)
    [row] = appeals.list_appeals(ops)
    return ops, row["number"]


def test_staff_operations_return_results_and_refuse_with_domain_errors(desk: Any) -> None:
    ops, number = _registered(desk)
    assert appeals.set_status(ops, number, "under_review", "ivanova") == "under_review"
    done = appeals.assign(ops, number, "egais", "ivanova", note="по теме")
    assert done.department == "egais" and done.assignee
    measure_id = appeals.add_measure(ops, number, "Проверить принтер", "Сервис",
                                     date.today() + timedelta(days=5), "ivanova")
    [measure] = appeals.list_measures(ops, number)
    assert (measure.id, measure.appeal_number, measure.done_on) == (measure_id, number, None)
    finished = appeals.complete_measure(ops, measure_id, date.today(), "ivanova")
    assert finished.done_on == date.today() and appeals.list_measures(ops) == []

    with pytest.raises(TransitionError, match="not allowed"):
        appeals.set_status(ops, number, "registered", "ivanova")
    with pytest.raises(ValidationError, match="use `complaintdesk close"):
        appeals.set_status(ops, number, "closed", "ivanova")  # 3.8 needs an outcome
    with pytest.raises(NotFoundError):
        appeals.assign(ops, "999/1999", "egais", "ivanova")
    shown = appeals.show_appeal(ops, number)
    assert shown["status"] == "under_review"
    assert [e["action"] for e in shown["history"]].count("status") == 1  # the refusal left none


def test_a_reply_previews_without_change_and_queues_with_its_status(desk: Any) -> None:
    ops, number = _registered(desk)
    values = {"answer": "Проверка подтвердила дефект; деньги будут возвращены."}
    with pytest.raises(ReplyError):
        replies.preview_reply(ops, number, "answer", {})  # the required field is missing
    preview = replies.preview_reply(ops, number, "answer", values)
    assert values["answer"] in preview.message.text and preview.template.status == "answered"
    assert appeals.show_appeal(ops, number)["status"] == "registered"
    queued = replies.queue_reply(ops, number, "answer", values, actor="mikhailov")
    assert queued.status == "answered" and queued.outbox_id > 0
    outbox = appeals.show_appeal(ops, number)["outbox"]
    assert [o["purpose"] for o in outbox] == ["acknowledgement", "answer"]
    assert reports.due(ops, days=30).overdue == ()
    assert aside.list_set_aside(ops).rows == []
