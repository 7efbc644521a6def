"""journal.threading: who may write into an appeal, and what a mail on a closed appeal becomes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from journal.threading import (
    BY_REFERENCES,
    BY_SUBJECT,
    NEW_LINKED,
    NEW_REPEAT,
    THANKS_AFTER_CLOSE,
    THREAD,
    IncomingReply,
    ThreadFacts,
    decide_thread,
    is_thanks,
)

NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
CLIENT = "p.ivanov@example.ru"


def _facts(status: str = "registered", closed_days_ago: int | None = None) -> ThreadFacts:
    closed = NOW - timedelta(days=closed_days_ago) if closed_days_ago is not None else None
    return ThreadFacts("10/2026", status, closed, frozenset({CLIENT, "wife@example.ru"}))


def _mail(sender: str = CLIENT, by: str = BY_SUBJECT, text: str = "Высылаю фото.") -> IncomingReply:
    return IncomingReply(sender, by, text, NOW)


def test_the_applicant_joins_by_the_subject_tag_and_brings_news() -> None:
    d = decide_thread(_facts(), _mail(sender="P.Ivanov@Example.ru"), 14)
    assert d.action == THREAD and d.news and d.resume is None


def test_waiting_for_client_moves_on() -> None:
    d = decide_thread(_facts("waiting_for_client"), _mail(), 14)
    assert d.action == THREAD and d.resume == "under_review"


def test_a_stranger_with_a_copied_tag_gets_an_own_appeal() -> None:
    d = decide_thread(_facts(), _mail(sender="someone@else.ru"), 14)
    assert d.action == NEW_LINKED and "not a correspondent" in d.reasons[0]
    assert decide_thread(_facts(), _mail(sender=None), 14).action == NEW_LINKED


def test_a_stranger_holding_our_message_id_joins() -> None:
    assert decide_thread(_facts(), _mail(sender="lawyer@else.ru", by=BY_REFERENCES), 14).action \
        == THREAD


def test_thanks_soon_after_closing_is_added_and_flagged() -> None:
    d = decide_thread(_facts("closed", 3), _mail(text="Спасибо, принтер получил!"), 14)
    assert d.action == THREAD and d.flag == THANKS_AFTER_CLOSE and d.news


@pytest.mark.parametrize(("days", "text"), [
    (3, "Замену так и не выдали."),
    (3, "Спасибо, но принтер опять не печатает"),
    (30, "Спасибо!"),
])
def test_anything_else_on_a_closed_appeal_is_a_new_linked_repeat(days: int, text: str) -> None:
    d = decide_thread(_facts("closed", days), _mail(text=text), 14)
    assert d.action == NEW_REPEAT and "repeat" in d.reasons[0]


@pytest.mark.parametrize(("text", "thanks"), [
    ("Благодарю за быструю замену.", True),
    ("Всё в порядке, претензий не имею. Петров Иван Сергеевич", True),
    ("Подтверждаю получение ответа.", True),
    ("Спасибо. Когда вернёте деньги?", False),
    ("Деньги до сих пор не вернули, спасибо за ничего", False),
    ("", False),
    ("Спасибо " * 50, False),
])
def test_is_thanks(text: str, thanks: bool) -> None:
    assert is_thanks(text) is thanks
