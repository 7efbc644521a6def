"""Kind: complaint, claim, appeal, suggestion; and which claims are quality claims (5)."""

from __future__ import annotations

import pytest

from classify.kind import decide_kind, is_quality_claim


@pytest.mark.parametrize("subject,text,kind", [
    ("Жалоба", "Сотрудник был груб.", "complaint"),
    ("Re: обращение", "Требую вернуть деньги за непоставленный токен.", "claim"),
    ("Вопрос", "Подскажите, как обновить программу?", "appeal"),
    ("Идея", "Предлагаю добавить напоминания о сроках.", "suggestion"),
    ("Отчёт", "Вторую неделю нет ответа, никто не перезвонил. Прошу разобраться.", "complaint"),
    ("Счет", "С карты списали дважды, прошу произвести возврат.", "claim"),
    ("", "", "appeal"),
])
def test_decide_kind(subject: str, text: str, kind: str) -> None:
    assert decide_kind(subject, text)[0] == kind


def test_quality_claim_needs_a_defective_product() -> None:
    assert is_quality_claim("claim", "Брак", "Купил сканер, он не включается. Прошу заменить.")[0]
    assert not is_quality_claim("claim", "Возврат", "Списали оплату дважды, верните деньги.")[0]
    assert not is_quality_claim("complaint", "Жалоба", "Купил сканер, он не включается.")[0]
