"""General rules of Russian business mail, each on a hand-written example (no fixture's people or words).

Bank requisites, names in capitals or made from common nouns, web-form name labels, farm heads,
refunds and invoice disputes, impatient replies, and quality claims made in the body.
"""

from __future__ import annotations

import pytest

from classify import classify_message
from classify.kind import decide_kind, is_quality_claim
from classify.names import find_name
from classify.organisation import is_requisites
from classify.types import ClassifyRules
from classify.webform import read_webform

from conftest import make_mail

WEBFORM = "Сайт <webform@r31.center-inform.ru>"


# --- the bank that keeps the writer's account is never the writer ---------------------------------

@pytest.mark.parametrize("line,previous", [
    ("р/с 40702810900000004417 в АО «Альфа-Банк» г. Москва", ""),
    ("Банк получателя: ПАО «Промсвязьбанк»", ""),
    ("к/с 30101810200000000593, БИК 044525593", ""),
    ("АО «Россельхозбанк»", "Банк:"),
])
def test_requisites_lines(line: str, previous: str) -> None:
    assert is_requisites(line, previous)


def test_bank_in_requisites_is_not_the_applicant(rules: ClassifyRules) -> None:
    mail = make_mail("Добрый день.\nПо акту № 19 мы оплатили услугу дважды. Просим вернуть излишне уплаченную сумму.\n\n"
                     "Реквизиты для возврата:\nр/с 40702810900000004417 в АО «Альфа-Банк»\nБанк:\nАО «Россельхозбанк»\n"
                     "БИК 044525593\n\nГл. бухгалтер ООО «Полесье» Гордиенко А. П.",
                     sender="Гордиенко Алла Петровна <buh@polesie-agro.ru>", subject="Возврат")
    a = classify_message(mail, rules).applicant
    assert (a.type, a.organization) == ("legal_entity", "ООО «Полесье»")
    assert (a.last_name, a.first_name, a.middle_name) == ("Гордиенко", "Алла", "Петровна")


# --- names in capitals, surnames that are common nouns ----------------------------------------------

@pytest.mark.parametrize("line,last,first", [
    ("КОВАЛЬ ТАТЬЯНА", "Коваль", "Татьяна"),
    ("Ткач Роман", "Ткач", "Роман"),
    ("Арсений Гончар", "Гончар", "Арсений"),
])
def test_noun_surname_on_a_name_line(line: str, last: str, first: str) -> None:
    found = find_name(line, whole_line=True)
    assert found is not None and (found.last, found.first) == (last, first)


def test_noun_surname_needs_the_whole_line() -> None:
    # inside a sentence «ткач» is a trade, and a place word next to a name is no surname
    in_prose = find_name("работает ткач Роман на фабрике")
    assert in_prose is None or not in_prose.full
    assert find_name("Склад Наталья", whole_line=True) is None


def test_capitals_signature_is_the_applicant(rules: ClassifyRules) -> None:
    mail = make_mail("ДОБРЫЙ ДЕНЬ. НЕ МОГУ ОТПРАВИТЬ ОТЧЕТ В ФНС ВТОРОЙ ДЕНЬ, ПРОГРАММА ВЫДАЕТ ОШИБКУ СЕРТИФИКАТА. "
                     "ПОМОГИТЕ СРОЧНО\n\nКОВАЛЬ ТАТЬЯНА\n89051230077", sender="Таня <tanya.k77@mail.ru>")
    c = classify_message(mail, rules)
    assert (c.applicant.type, c.applicant.last_name, c.applicant.first_name) == ("individual", "Коваль", "Татьяна")
    assert not c.anonymous


# --- web-form name labels; a first name alone is still recorded ------------------------------------------

@pytest.mark.parametrize("label", ["Фамилия, имя", "Фамилия и имя", "Ваше ФИО", "Контактное лицо"])
def test_webform_name_labels(label: str, rules: ClassifyRules) -> None:
    mail = make_mail(f"Заявка с сайта\n{label}: Гончаренко Ярослав\nПочта: Yar.G@bk.ru\n"
                     "Текст обращения:\nКак продлить подпись для торгов?\nОтправлено: 02.12.2026", sender=WEBFORM)
    c = classify_message(mail, rules)
    assert (c.applicant.type, c.applicant.last_name, c.applicant.first_name) == ("individual", "Гончаренко", "Ярослав")
    assert c.applicant.email == "yar.g@bk.ru" and not c.anonymous


def test_dash_separated_form_with_a_first_name_only(rules: ClassifyRules) -> None:
    form = read_webform("Форма обратной связи\nВаше имя — Олеся\nE-mail — \nТелефон — 8 903 118-22-40\n"
                        "Вопрос —\nКак сдать отчет в Росстат?\nIP — 198.51.100.4")
    assert (form.name, form.email, form.message) == ("Олеся", None, "Как сдать отчет в Росстат?")
    mail = make_mail("Форма обратной связи\nВаше имя — Олеся\nE-mail — \nТелефон — 8 903 118-22-40\n"
                     "Вопрос —\nКак сдать отчет в Росстат?", sender=WEBFORM)
    c = classify_message(mail, rules)
    assert (c.applicant.first_name, c.applicant.last_name, c.applicant.email) == ("Олеся", None, None)
    assert c.anonymous_reasons == ("no_name", "no_address")


# --- a farm (КФХ) named in quotes; its head signs -----------------------------------------------------

def test_farm_named_in_quotes_and_its_head_signs(rules: ClassifyRules) -> None:
    mail = make_mail("Здравствуйте.\nМы КФХ «Нива», сдаем отчетность через вашу программу.\n"
                     "Подскажите, как добавить второго бухгалтера?\n\nглава КФХ Тимошенко Павел Андреевич\n"
                     "тел. 8 920 700-11-22", sender="KFH Niva <niva.farm@yandex.ru>")
    a = classify_message(mail, rules).applicant
    assert (a.type, a.organization) == ("legal_entity", "КФХ «Нива»")
    assert (a.last_name, a.first_name, a.middle_name) == ("Тимошенко", "Павел", "Андреевич")


# --- what the writer demands decides the kind ----------------------------------------------------------

@pytest.mark.parametrize("subject,text,kind", [
    ("заказ 5521", "оплатил на сайте ключ jacarta для егаис а посылка до сих пор не пришла. "
                   "верните, пожалуйста, деньги 3100 руб на карту", "claim"),
    ("Акт № 64", "В акте сумма 18 000 руб., по договору № 45 — 15 000 руб. Акт к оплате не принимаем, "
                 "просим выставить счет согласно условиям договора.", "claim"),
    ("Счет за сопровождение", "Цена в счете не соответствует договору, доп. соглашение мы не подписывали.", "claim"),
    ("Re: ваш ответ", "Вы это серьёзно? Уже третий раз присылаете одну и ту же ссылку. "
                      "Две недели жду нормального ответа по отчету.", "complaint"),
    # a plain request for an invoice is not a dispute
    ("Счет", "Просим выставить счет на продление подписи для торгов.", "appeal"),
])
def test_kind_from_the_demand(subject: str, text: str, kind: str) -> None:
    assert decide_kind(subject, text)[0] == kind


def test_refund_for_an_undelivered_project_product_goes_to_sales(rules: ClassifyRules) -> None:
    mail = make_mail("оплатил на сайте ключ jacarta для егаис а посылка до сих пор не пришла. "
                     "верните, пожалуйста, деньги 3100 руб на карту\n\nзубков олег", sender="oleg <zub.o@ya.ru>",
                     subject="заказ 5521")
    c = classify_message(mail, rules)
    assert (c.kind, c.department, c.assignee, c.quality_claim) == ("claim", "sales", "Отдел продаж", False)


# --- quality claims in the body, and supplied goods ------------------------------------------------------

def test_body_claim_with_an_inline_photo_is_a_quality_claim(rules: ClassifyRules) -> None:
    mail = make_mail("Добрый вечер.\nВ ноябре купила в вашем магазине МФУ, сегодня из-под крышки потекли чернила "
                     "(фото ниже). Требую заменить МФУ на исправное.\n\nЛаврова Инна Сергеевна\nтел. 8 910 555-60-70",
                     sender="Инна <lavrova.i@mail.ru>", subject="МФУ", html=True,
                     inline=[("IMG_0042.jpg", "image/jpeg", b"\xff\xd8" + b"x" * 6000)])
    c = classify_message(mail, rules)
    assert (c.kind, c.quality_claim, c.department) == ("claim", True, "sales")
    assert c.missing_documents == ("claim_form", "label_photos")


def test_supplied_goods_with_claim_scan_and_label_photos(rules: ClassifyRules) -> None:
    mail = make_mail("ГБОУ «Лицей № 3» получил от вашей организации по договору поставки пять принтеров. "
                     "Два принтера не печатают.\nНаправляем претензию и фото шильдиков с серийными номерами. "
                     "Видео дефекта направим позже.\nПросим заменить принтеры на исправные.\n\n"
                     "Директор Рябова Нина Петровна", sender="Лицей 3 <licey3@mail.ru>", subject="Претензия",
                     attachments=[("претензия_принтеры.pdf", "application/pdf", b"%PDF-1.4 x"),
                                  ("шильдик_1.jpg", "image/jpeg", b"\xff\xd8" + b"x" * 6000),
                                  ("шильдик_2.jpg", "image/jpeg", b"\xff\xd8" + b"x" * 6000)])
    c = classify_message(mail, rules)
    assert (c.kind, c.quality_claim) == ("claim", True)
    assert c.missing_documents == ("defect_photos",)


def test_swap_for_a_working_item_presupposes_a_defect() -> None:
    text = "Приобрели у вас сканер, просим обменять его на исправный."
    assert is_quality_claim("claim", "Обмен", text)[0]
    assert not is_quality_claim("claim", "Возврат", "Заказ так и не доставлен, верните деньги.")[0]
