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


@pytest.mark.parametrize("subject,text,kind", [
    # someone else's «претензия»/«жалоба» is not the writer's demand
    ("Не принимаются накладные", "Покупатель вчера приходил с претензией, а у нас УТМ не видит ключ. Просим срочно помочь.", "appeal"),
    ("Касса", "От посетителя поступила жалоба, что чек не печатается. Подскажите, что делать?", "appeal"),
    ("Возврат", "Как ваш клиент, я предъявляю претензию: верните деньги за неисправный токен.", "claim"),
    # «предложение» as the name of a document is not a proposal
    ("Тарифная кампания", "Готовим предложение об установлении тарифа на тепловую энергию. Какую версию шаблона загружать?", "appeal"),
    # an invoice dispute is a claim
    ("Ошибка в акте № 77", "Сумма в акте не совпадает с коммерческим предложением. Просим направить исправленный акт.", "claim"),
    # support that cannot be reached or does not keep its word is a complaint
    ("Поддержка ЕГАИС", "Вторые сутки не можем дозвониться до поддержки, на почту пишем — тишина.", "complaint"),
    ("Re: заявка 15", "Специалист обещал приехать в понедельник — ни одного звонка. Проблема так и не решена, прошу решить вопрос.", "complaint"),
    ("Срочно", "Ваш менеджер не отвечает, связаться с вами невозможно. Вопрос горит: декларация не уходит.", "complaint"),
])
def test_decide_kind_from_what_the_writer_demands(subject: str, text: str, kind: str) -> None:
    assert decide_kind(subject, text)[0] == kind


@pytest.mark.parametrize("text", [
    "Купил у вас сканер штрихкодов, через неделю он перестал подключаться к кассе. Требую заменить товар.",
    "Приобрела клавиатуру, клавиши залипают. Прошу вернуть деньги.",
    "Купили маршрутизатор, он постоянно теряет связь и греется. Просим произвести замену.",
])
def test_quality_claim_without_the_word_pretenziya(text: str) -> None:
    kind, _ = decide_kind("Замена", text)
    assert kind == "claim" and is_quality_claim(kind, "Замена", text)[0]
