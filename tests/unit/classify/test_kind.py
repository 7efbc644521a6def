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


@pytest.mark.parametrize("subject,text", [
    # blame for a failure, stated, with harm: a complaint even though it asks what to do
    ("Баланс не дошёл", "Из-за вашего сбоя бухгалтерский баланс ушёл с опозданием. Куда нам теперь обращаться?"),
    ("Отправка отчёта", "Считаем, что вина вашей программы: отчёт завис на отправке, инспекция грозит протоколом. "
                        "Что нам делать?"),
    # the same failure again, «просим … принять меры» with words in between
    ("Снова висит", "Третий квартал подряд в последний день ваш сервис висит. Просим обратить внимание руководства "
                    "и принять меры. Вы собираетесь это исправлять?"),
    # a delay by the company that caused harm, no money asked back: a complaint, not a claim
    ("Сертификат", "Оплатили выпуск сертификата 3 ноября, нам обещали за один рабочий день. Прошло уже десять дней, "
                   "и из-за этого мы пропустили котировку. Требуем выпустить сертификат завтра."),
    # staff behaviour and indignation phrased as questions
    ("Звонок", "Ваш специалист разговаривал со мной свысока и бросил трубку. Как так можно?"),
    ("Выезд инженера", "Мастер обещал подключить кассу до пятницы. Сегодня среда следующей недели. Сколько можно ждать?"),
])
def test_complaint_is_not_turned_into_an_appeal_by_its_questions(subject: str, text: str) -> None:
    assert decide_kind(subject, text)[0] == "complaint"


@pytest.mark.parametrize("subject,text", [
    # hints of trouble not blamed on the company leave a question an appeal
    ("Штраф", "Инспекция выставила нам штраф за позднюю сдачу, подскажите, можно ли его оспорить?"),
    ("Модуль", "В вашей программе не работает кнопка «Подписать», подскажите, что делать?"),
    ("Отправка", "Это сбой вашего модуля или проблема на стороне ФСРАР? Как проверить?"),
    ("Сроки", "Прошло две недели с подачи заявления в СФР, подскажите, какие сроки рассмотрения?"),
    # filing grievances as an activity or a procedure is not a grievance against the company
    ("Подпись", "Планируем подавать жалобы в УФАС через личный кабинет. Подойдёт ли наш сертификат?"),
])
def test_question_with_hints_of_trouble_stays_an_appeal(subject: str, text: str) -> None:
    assert decide_kind(subject, text)[0] == "appeal"


def test_claim_with_a_question_stays_a_claim() -> None:
    text = "Фискальный накопитель оплачен 1 октября, но не поставлен. Прошу вернуть деньги. В какой срок вернёте?"
    assert decide_kind("Оплата", text)[0] == "claim"


def test_quality_claim_bought_by_invoice_and_stopped_reading() -> None:
    text = "По счёту № 51 был приобретён терминал сбора данных. Через месяц он перестал считывать метки. " \
           "Просим заменить терминал или вернуть оплату."
    kind, _ = decide_kind("Неисправный терминал", text)
    assert kind == "claim" and is_quality_claim(kind, "Неисправный терминал", text)[0]
    # a person who stopped answering is no defect of the goods
    text = "Купили у вас весы, менеджер перестал отвечать на звонки. Просим вернуть деньги за товар."
    assert not is_quality_claim("claim", "Возврат", text)[0]
