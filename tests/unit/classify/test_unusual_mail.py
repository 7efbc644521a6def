"""Mail that is not ordinary Russian prose, each rule on a hand-written example (no fixture's people or words).

Everything in the subject with an empty body; Russian typed in Latin letters; English mail from a
foreign company; a deeply quoted reply-all thread; a staff forward of an invoice dispute.
"""

from __future__ import annotations

from classify import classify_message
from classify.contacts import find_address
from classify.kind import decide_kind
from classify.latin import acronyms_to_cyrillic, is_translit, read_latin_name, to_cyrillic
from classify.organisation import find_organisation, org_is_writer
from classify.quotes import subject_as_text
from classify.types import ClassifyRules

from conftest import make_mail


# --- 1. the whole appeal in the subject, the body empty or trivial ----------------------------------

def test_subject_is_read_as_text_when_the_body_is_empty(rules: ClassifyRules) -> None:
    mail = make_mail("", sender="<timur.kassa@yandex.ru>",
                     subject="Не запускается УТМ на кассе, перезвоните 8-920-345-67-81, Тимур")
    c = classify_message(mail, rules)
    assert (c.applicant.first_name, c.applicant.phone) == ("Тимур", "+79203456781")
    assert c.applicant.type == "unknown" and c.anonymous_reasons == ("no_name",)
    assert c.department == "egais" and c.kind == "appeal"
    assert any("subject read as the text" in r for r in c.reasons)


def test_trivial_body_lines_do_not_hide_the_subject() -> None:
    text = subject_as_text("Re: Ошибка в ЕИАС при загрузке шаблона — Тамара Гладышева",
                           "Добрый день!\nСм. тему.\nОтправлено из мобильной Почты")
    assert text is not None and text.splitlines()[:2] == ["Ошибка в ЕИАС при загрузке шаблона", "Тамара Гладышева"]


def test_a_real_body_keeps_the_subject_out_of_identity() -> None:
    assert subject_as_text("Вопрос, Тимур", "Подскажите, как продлить сертификат для торгов?") is None


# --- 2. Russian typed in Latin letters ----------------------------------------------------------------

def test_transliterated_russian_is_detected_and_english_or_russian_is_not() -> None:
    assert is_translit("Dobryy den! Ne mogu zagruzit shablon, pishet oshibka. Podskazhite pozhaluysta.")
    assert not is_translit("Dear colleagues, we would like to know the price of your service, please.")
    assert not is_translit("Добрый день! Не могу загрузить шаблон, пишет ошибка.")


def test_reverse_transliteration_gives_the_keyword_stems() -> None:
    cyr = to_cyrillic("shchetka zhurnal yashchik teplosnabzhenie otpravlyaetsya deklaraciyu e'lektronnyy Chernyanka")
    assert cyr == "щетка журнал ящик теплоснабжение отправляется декларацию электронный Чернянка"
    assert acronyms_to_cyrillic("Ne vidit UTM i FSRAR ID") == "Ne vidit УТМ i ФСРАР ИД"


def test_transliterated_mail_is_routed_by_its_russian_words(rules: ClassifyRules) -> None:
    mail = make_mail(
        "Dobryy den! Ne mogu zagruzit shablon v EIAS, pishet oshibka formata. Teplosnabzhenie, "
        "kotelnaya v sele. Podskazhite pozhaluysta chto delat.\n\nOlkhovskaya Marina\n+7 951 140-22-83",
        sender="<m.olkh@inbox.ru>", subject="vopros po shablonu")
    c = classify_message(mail, rules)
    assert (c.department, c.kind) == ("eias_fst", "appeal")
    # the name stays in the script it was written in
    assert (c.applicant.last_name, c.applicant.first_name) == ("Olkhovskaya", "Marina")
    assert c.applicant.phone == "+79511402283"


def test_latin_names_read_in_english_or_russian_order() -> None:
    assert read_latin_name("Giulia Marchetti") is not None
    assert read_latin_name("Laptev Igor") == read_latin_name("Igor Laptev")  # the first name tells the order
    name = read_latin_name("Zlobin Artyom Sergeevich")
    assert name is not None and (name.last, name.first, name.middle) == ("Zlobin", "Artyom", "Sergeevich")
    assert read_latin_name("Export Manager") is None and read_latin_name("Best regards") is None


# --- 3. English mail from a foreign company ------------------------------------------------------------

def test_english_mail_from_a_foreign_company(rules: ClassifyRules) -> None:
    mail = make_mail(
        "Dear colleagues,\n\nWe are writing on behalf of Bianchi Ottica S.r.l. regarding invoice 4471. "
        "The amount was charged twice to our account, and we kindly ask for a refund of the duplicate payment.\n\n"
        "Best regards,\nGiulia Marchetti\nExport Manager\nBianchi Ottica S.r.l.\n"
        "Via Garibaldi 27, 40124 Bologna, Italy\n",
        sender="Giulia Marchetti <G.Marchetti@bianchi-ottica.it>", subject="Invoice 4471 - duplicate payment")
    c = classify_message(mail, rules)
    a = c.applicant
    assert (a.type, a.first_name, a.last_name) == ("legal_entity", "Giulia", "Marchetti")
    assert a.organization == "Bianchi Ottica S.r.l."
    assert a.postal_address == "Via Garibaldi 27, 40124 Bologna, Italy"
    assert a.email == "g.marchetti@bianchi-ottica.it" and not c.anonymous
    assert (c.kind, c.department, c.region) == ("claim", "sales", None)


def test_foreign_legal_forms_are_kept_as_written() -> None:
    assert find_organisation("Nordlys Trading ApS") == ("Nordlys Trading ApS", 0)
    assert find_organisation("Lars Dalgaard, Havnevej 8") is None
    found = find_organisation("I represent Fjordline Logistics AB in this matter")
    assert found is not None and found[0] == "Fjordline Logistics AB"
    assert org_is_writer("I represent Fjordline Logistics AB in this matter", found[1], False)


def test_western_postal_address_on_a_signature_line() -> None:
    found = find_address(["Lars Dalgaard", "Havnevej 8, 9000 Aalborg, Denmark"], 0)
    assert found is not None and found.value == "Havnevej 8, 9000 Aalborg, Denmark"
    assert find_address(["Please deliver to our warehouse, Hafenweg 3, 28197 Bremen"], 0) is None


def test_english_kind_cues() -> None:
    assert decide_kind("Service", "We are very disappointed: the issue is still not resolved.")[0] == "complaint"
    assert decide_kind("Idea", "I suggest adding an English version of your client portal.")[0] == "suggestion"
    assert decide_kind("Hello", "Could you please send us your price list?")[0] == "appeal"
    assert decide_kind("Partnership", "We would like to send you a business proposal.")[0] == "appeal"


# --- 4. a deeply quoted reply-all thread ---------------------------------------------------------------

THREAD = """Всем добрый день.

Вопрос так и не решён: акт постановки на баланс снова отклонён, это уже четвёртое письмо. Магазин в Чернянке
стоит без продаж пива. Копию направляю на адрес для жалоб и претензий.

Злобин Артём Сергеевич
тел. 8-962-301-44-19

-----Original Message-----
From: Поддержка <support@r31.center-inform.ru>
Sent: Tuesday, November 3, 2026 9:12 AM
To: Злобин Артём <zlobin.as@list.ru>
Subject: RE: RE: акт постановки

Артём Сергеевич, проверим и вернёмся с ответом.
Служба сопровождения, г. Брянск, ул. Фокина, д. 10, тел. (4832) 55-01-02

-----Original Message-----
From: Ковригина Лидия <lidia.k@list.ru>
Sent: Monday, November 2, 2026 4:40 PM
Subject: RE: акт постановки

Прошу вернуть деньги за сопровождение, претензия приложена.
"""


def test_reply_all_thread_is_decided_by_the_newest_own_text(rules: ClassifyRules) -> None:
    mail = make_mail(THREAD, sender="Злобин Артём <zlobin.as@list.ru>", subject="RE: RE: RE: акт постановки")
    c = classify_message(mail, rules)
    assert c.kind == "complaint"  # not a claim: a copy to the claims address demands nothing
    assert (c.department, c.region, c.assignee) == ("egais", "belgorod", "Михайлов Дмитрий")
    assert c.applicant.phone == "+79623014419" and c.applicant.postal_address is None


def test_a_copy_to_the_claims_address_is_not_a_claim() -> None:
    assert decide_kind("Re: отчёт", "Отчёт отправлен. Копию направляю на адрес для претензий.")[0] != "claim"


# --- 5. a staff forward: the customer's text and subject decide the kind ----------------------------------

FORWARD = """Коллеги, прошу зарегистрировать и рассмотреть. Клиент очень недоволен.

--
Ольховская Ирина, отдел продаж

From: Вартанян Карен Суренович <K.Vartanyan@vardan-agro.ru>
Sent: Friday, November 13, 2026 2:10 PM
To: Ольховская Ирина <i.olkhovskaya@r31.center-inform.ru>
Subject: Счёт № 208 за сопровождение

Ирина, добрый день.
ООО «Вардан-Агро» не согласно с суммой счёта № 208: по договору стоимость сопровождения 4 200 руб.,
а выставлено 7 900 руб. Просим отозвать счёт и перевыставить его на сумму по договору.

Директор ООО «Вардан-Агро»
Вартанян Карен Суренович
"""


def test_staff_forward_kind_comes_from_the_customers_text(rules: ClassifyRules) -> None:
    mail = make_mail(FORWARD, sender="Ольховская Ирина <i.olkhovskaya@r31.center-inform.ru>",
                     subject="FW: клиент недоволен")
    c = classify_message(mail, rules)
    assert (c.kind, c.quality_claim, c.department) == ("claim", False, "sales")
    assert c.applicant.organization == "ООО «Вардан-Агро»"
    assert c.applicant.email == "k.vartanyan@vardan-agro.ru"
