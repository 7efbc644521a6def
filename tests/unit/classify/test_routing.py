"""Routing from config rules: project keywords, claims to sales, EGAIS region and assignee."""

from __future__ import annotations

from classify.routing import route_appeal
from classify.types import ClassifyRules


def test_egais_bryansk_by_landline(rules: ClassifyRules) -> None:
    route = route_appeal("УТМ", "УТМ не запускается. Тел. 8 (4832) 41-22-33", "appeal", False, None, rules)
    assert (route.department, route.region, route.assignee) == ("egais", "bryansk", "Легкий Валерий")


def test_egais_unknown_region_goes_to_default_engineer(rules: ClassifyRules) -> None:
    route = route_appeal("ЕГАИС", "Не уходят чеки в ЕГАИС.", "appeal", False, None, rules)
    assert (route.region, route.assignee) == (None, "Михайлов Дмитрий")


def test_landline_alone_does_not_set_region_outside_egais(rules: ClassifyRules) -> None:
    route = route_appeal("Отчет", "Не приходит квитанция из ФНС. Тел. 8 (4722) 33-44-55", "complaint", False, None, rules)
    assert (route.department, route.region) == ("internet_reporting", None)


def test_postal_address_sets_region_for_any_department(rules: ClassifyRules) -> None:
    route = route_appeal("ЕИАС", "Где шаблон ЕИАС?", "appeal", False, "242600, Брянская обл., г. Дятьково, ул. Ленина, д. 3", rules)
    assert (route.department, route.region, route.assignee) == ("eias_fst", "bryansk", "Михайлов Дмитрий")


def test_claims_and_staff_behaviour_go_to_sales(rules: ClassifyRules) -> None:
    assert route_appeal("Возврат", "Верните деньги за ЭЦП.", "claim", False, None, rules).department == "sales"
    assert route_appeal("Жалоба", "Менеджер по ЕГАИС нагрубил мне.", "complaint", False, None, rules).department == "sales"


def test_complaint_about_project_support_stays_with_project(rules: ClassifyRules) -> None:
    route = route_appeal("Жалоба", "Поддержка ЕИАС ФСТ не отвечает третью неделю.", "complaint", False, None, rules)
    assert route.department == "eias_fst"


def test_nothing_named_goes_to_default(rules: ClassifyRules) -> None:
    assert route_appeal("Вопрос", "Какие у вас часы работы офиса?", "appeal", False, None, rules).department == "sales"


def test_egais_region_from_the_applicants_phone_outside_the_text(rules: ClassifyRules) -> None:
    route = route_appeal("ЕГАИС", "УТМ не отправляет акты, перезвоните.", "appeal", False, None, rules, phone="+74832551020")
    assert (route.region, route.assignee) == ("bryansk", "Легкий Валерий")
    route = route_appeal("Отчет", "Не уходит отчёт в ФНС.", "appeal", False, None, rules, phone="+74722551020")
    assert route.region is None  # outside EGAIS a landline does not set the region


def test_egais_region_from_a_two_word_town_in_another_case(rules: ClassifyRules) -> None:
    route = route_appeal("УТМ", "Наш магазин в Старом Осколе: УТМ не видит ключ.", "appeal", False, None, rules)
    assert (route.region, route.assignee) == ("belgorod", "Михайлов Дмитрий")


def test_numbered_report_forms_and_tax_returns_are_internet_reporting(rules: ClassifyRules) -> None:
    text = "Отправили 4-ФСС через вашу программу, пришёл отказ в приёме. Что исправить?"
    assert route_appeal("Отказ", text, "appeal", False, None, rules).department == "internet_reporting"
    text = "Декларация по НДС за 3 квартал висит в статусе «Отправлено». Подскажите, что делать?"
    assert route_appeal("Статус отправки", text, "appeal", False, None, rules).department == "internet_reporting"
