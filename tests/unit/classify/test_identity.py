"""The applicant (2.2): body and signature first, then letterhead, then the From display name."""

from __future__ import annotations

from classify import classify_message
from classify.types import ClassifyRules

from conftest import make_mail


def test_signature_wins_and_contacts(rules: ClassifyRules) -> None:
    mail = make_mail("Здравствуйте! Прошу разъяснить порядок продления подписи.\n\nС уважением,\n"
                     "Дьяченко Людмила Ивановна\n308015, г. Белгород, ул. Костюкова, д. 3, кв. 15.\n"
                     "тел. 8 (904) 530-12-34", sender="Люда <Lyuda.D@Mail.RU>")
    a = classify_message(mail, rules).applicant
    assert (a.type, a.last_name, a.first_name, a.middle_name) == ("individual", "Дьяченко", "Людмила", "Ивановна")
    assert a.postal_address == "308015, г. Белгород, ул. Костюкова, д. 3, кв. 15"
    assert (a.email, a.phone) == ("lyuda.d@mail.ru", "+79045301234")


def test_initials_completed_from_consistent_from(rules: ClassifyRules) -> None:
    mail = make_mail("Прошу сообщить сроки.\nЛевченко О.В.", sender="Левченко Ольга Викторовна <lev@ya.ru>")
    a = classify_message(mail, rules).applicant
    assert (a.last_name, a.first_name, a.middle_name) == ("Левченко", "Ольга", "Викторовна")


def test_i_am_in_prose_and_label_prefix_dropped(rules: ClassifyRules) -> None:
    mail = make_mail("Я, Соколова Мария Андреевна, прошу вернуть деньги за двойное списание.\n"
                     "Ответ прошу направить по адресу: 241011, г. Брянск, ул. Фокина, д. 5, кв. 8.",
                     sender="masha <m.sokolova@gmail.com>")
    a = classify_message(mail, rules).applicant
    assert (a.last_name, a.first_name, a.middle_name) == ("Соколова", "Мария", "Андреевна")
    assert a.postal_address == "241011, г. Брянск, ул. Фокина, д. 5, кв. 8"


def test_spelled_out_legal_entity_with_inn(rules: ClassifyRules) -> None:
    mail = make_mail("Общество с ограниченной ответственностью «Вектор» просит разъяснить порядок установки УТМ.\n"
                     "Директор Лысенко Андрей Николаевич\nИНН 3123456789 КПП 312301001", sender="<vector@mail.ru>")
    a = classify_message(mail, rules).applicant
    assert (a.type, a.organization, a.inn, a.kpp) == ("legal_entity", "ООО «Вектор»", "3123456789", "312301001")
    assert a.last_name == "Лысенко"


def test_ip_completed_from_signature(rules: ClassifyRules) -> None:
    mail = make_mail("Просим выставить счёт.\nИП Никитин Олег Васильевич", sender="ИП Никитин <nik@mail.ru>")
    assert classify_message(mail, rules).applicant.organization == "ИП Никитин Олег Васильевич"


def test_employee_writing_for_himself_is_an_individual(rules: ClassifyRules) -> None:
    mail = make_mail("Я работаю в ООО «Ромашка», но пишу от себя: как сдать декларацию?\nЖукова Светлана",
                     sender="Жукова Светлана <zh@mail.ru>")
    a = classify_message(mail, rules).applicant
    assert (a.type, a.organization) == ("individual", None)


def test_third_party_address_is_not_the_applicants(rules: ClassifyRules) -> None:
    mail = make_mail("Купил в вашем магазине по адресу г. Белгород, ул. Попова, д. 36 принтер, он не печатает.\n"
                     "Захаров Игорь", sender="Захаров Игорь <z@mail.ru>")
    assert classify_message(mail, rules).applicant.postal_address is None


def test_staff_forward_applicant_is_the_customer(rules: ClassifyRules) -> None:
    mail = make_mail("Коллеги, пересылаю жалобу клиента.\nОльга Смирнова, менеджер\nтел. +7 (4722) 20-20-20\n\n"
                     "-------- Пересылаемое сообщение --------\nОт: Кравченко Елена <kravchenko.e@yandex.ru>\n"
                     "Дата: 10.11.2026, 12:00\nТема: Обслуживание\n\nМенеджер в офисе нагрубил мне.\n"
                     "Кравченко Елена Павловна\n8-920-555-44-33\n-------- Конец пересылаемого сообщения --------",
                     sender="Ольга Смирнова <o.smirnova@r31.center-inform.ru>", subject="Fwd: Обслуживание")
    c = classify_message(mail, rules)
    a = c.applicant
    assert (a.last_name, a.first_name, a.email, a.phone) == ("Кравченко", "Елена", "kravchenko.e@yandex.ru", "+79205554433")
    assert c.department == "sales"


def test_quoted_support_phone_is_not_the_applicants(rules: ClassifyRules) -> None:
    mail = make_mail("Спасибо, всё решилось.\nБондарь Ирина\n\n-----Исходное сообщение-----\n"
                     "От: Поддержка <support@r31.center-inform.ru>\nТема: Ответ\n\nЗвоните 8 (4722) 20-25-25",
                     sender="Бондарь Ирина <b@list.ru>", subject="Re: Ответ")
    assert classify_message(mail, rules).applicant.phone is None


def test_webform_fields(rules: ClassifyRules) -> None:
    mail = make_mail("Новое сообщение с сайта\nФИО: Зайцева Ольга Игоревна\nТелефон: +7 910 123-45-67\n"
                     "E-mail: Zaitseva.O@Mail.ru\nСообщение: Как подключить Росстат в отчетности?\nДата: 03.11.2026",
                     sender="Сайт <webform@r31.center-inform.ru>")
    c = classify_message(mail, rules)
    a = c.applicant
    assert (a.last_name, a.first_name, a.middle_name) == ("Зайцева", "Ольга", "Игоревна")
    assert (a.email, a.phone, c.anonymous) == ("zaitseva.o@mail.ru", "+79101234567", False)
    assert c.department == "internet_reporting" and not c.automated


def test_sole_trader_introduced_in_prose_keeps_the_patronymic(rules: ClassifyRules) -> None:
    mail = make_mail("Добрый день!\nЯ — индивидуальный предприниматель Сорокина Алла Петровна, торгую разливным пивом.\n"
                     "Подскажите, как поставить на баланс остатки в УТМ?\n\nС уважением, ИП Сорокина А.П.",
                     sender="Алла Сорокина <sorokina.ap@mail.ru>")
    a = classify_message(mail, rules).applicant
    assert (a.type, a.organization) == ("legal_entity", "ИП Сорокина Алла Петровна")
    assert (a.last_name, a.first_name, a.middle_name) == ("Сорокина", "Алла", "Петровна")


def test_ip_after_i_am(rules: ClassifyRules) -> None:
    mail = make_mail("Я ИП Тарасенко Игорь Львович, сдаю декларации по пиву. Когда срок за квартал?\n\nИП Тарасенко И.Л.",
                     sender="Игорь <igor.t@bk.ru>")
    a = classify_message(mail, rules).applicant
    assert (a.organization, a.middle_name) == ("ИП Тарасенко Игорь Львович", "Львович")


def test_letterhead_name_in_the_genitive(rules: ClassifyRules) -> None:
    mail = make_mail("Директору филиала\nот Мироновой Киры Олеговны\n\nЗАЯВЛЕНИЕ\n\n"
                     "Прошу сообщить, какие документы нужны для выпуска электронной подписи для участия в торгах и сколько это стоит.",
                     sender="<kira.m@inbox.ru>")
    a = classify_message(mail, rules).applicant
    assert (a.type, a.last_name, a.first_name, a.middle_name) == ("individual", "Миронова", "Кира", "Олеговна")


def test_lower_case_signature_is_normalised(rules: ClassifyRules) -> None:
    mail = make_mail("Купил у вас сканер, через день он перестал подключаться. Прошу заменить.\n\nлыков степан андреевич\n"
                     "тел. 89051112233", sender="Степан <styopa@list.ru>")
    a = classify_message(mail, rules).applicant
    assert (a.type, a.last_name, a.first_name, a.middle_name) == ("individual", "Лыков", "Степан", "Андреевич")


def test_accountant_signature_beside_an_attached_bounce(rules: ClassifyRules) -> None:
    from email.message import EmailMessage

    from ingest.parse import parse_message

    bounce = EmailMessage()
    bounce["From"] = "MAILER-DAEMON@mx.example.ru"
    bounce["Subject"] = "Undelivered Mail Returned to Sender"
    bounce.set_content("Delivery failed.")
    msg = EmailMessage()
    msg["From"] = "Максимов Глеб <g.maksimov@teplo-uyut.ru>"
    msg["To"] = "pretenzii@r31.center-inform.ru"
    msg["Subject"] = "Письмо в поддержку не доходит"
    msg.set_content("Пишем в поддержку ЕИАС, письма возвращаются, отчёт о недоставке прилагаю. Перезвоните нам.\n\n"
                    "Заместитель главного бухгалтера ООО «Тепло-Уют»\nМаксимов Глеб Аркадьевич\nтел. 8 (4722) 55-10-20")
    msg.add_attachment(bounce, filename="недоставка.eml")
    c = classify_message(parse_message(msg.as_bytes()), rules)
    assert not c.automated
    a = c.applicant
    assert (a.organization, a.last_name, a.first_name, a.middle_name) == (
        "ООО «Тепло-Уют»", "Максимов", "Глеб", "Аркадьевич")


def test_address_label_with_a_bracketed_remark(rules: ClassifyRules) -> None:
    mail = make_mail("Прошу вернуть деньги за неполученный заказ.\n"
                     "Адрес (для почтовых отправлений): 243140, Брянская обл., г. Клинцы, ул. Мира, д. 12, кв. 4\n"
                     "Зуева Ирина", sender="Зуева Ирина <zueva@ya.ru>")
    assert classify_message(mail, rules).applicant.postal_address == \
        "243140, Брянская обл., г. Клинцы, ул. Мира, д. 12, кв. 4"


def test_name_only_in_from_with_a_first_name_that_is_a_noun(rules: ClassifyRules) -> None:
    mail = make_mail("Добрый день. Хочу узнать, работает ли ваш офис в субботу.", sender="Любовь Гриценко <l.gr@mail.ru>")
    a = classify_message(mail, rules).applicant
    assert (a.type, a.last_name, a.first_name) == ("individual", "Гриценко", "Любовь")


def test_phone_in_a_later_sentence_than_a_named_shop(rules: ClassifyRules) -> None:
    mail = make_mail("касса в магазине на рынке не печатает чеки второй день. что делать? звоните 8-903-417-22-96\n\n"
                     "Отправлено с Android", sender="<market.tochka@mail.ru>")
    assert classify_message(mail, rules).applicant.phone == "+79034172296"
    # the shop's own phone in the same sentence is still not the applicant's
    mail = make_mail("Покупала в магазине у поставщика, тел. магазина 8-903-417-22-96. Прошу помочь.",
                     sender="<market.tochka@mail.ru>")
    assert classify_message(mail, rules).applicant.phone is None
