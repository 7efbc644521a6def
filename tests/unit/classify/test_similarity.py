"""Repeat detection's raw material (2.4): lemma sets, their similarity, the applicant key."""

from __future__ import annotations

import pytest

from classify.similarity import applicant_key, lemma_set, similarity
from classify.types import Applicant

FIRST = ("Здравствуйте! Я купил у вас рутокен для ЕГАИС, но УТМ не видит ключ, транспортный "
         "модуль выдаёт ошибку сертификата. Переустанавливал драйверы, не помогло. Прошу "
         "заменить ключ или помочь с настройкой.")
AGAIN = ("Добрый день. Повторно обращаюсь: транспортный модуль УТМ так и не видит рутокен, "
         "ошибка сертификата осталась. Ключ для ЕГАИС покупали у вас. Просим заменить ключ.")
BILLING = ("Здравствуйте. В счёте за октябрь нам выставили двойную оплату за сопровождение, "
           "деньги списали дважды. Прошу сделать перерасчёт и вернуть переплату.")


def test_a_restated_question_is_similar() -> None:
    assert similarity(lemma_set(FIRST), lemma_set(AGAIN)) >= 0.6


def test_a_different_question_is_not() -> None:
    assert similarity(lemma_set(FIRST), lemma_set(BILLING)) < 0.2
    assert similarity(lemma_set(AGAIN), lemma_set(BILLING)) < 0.2


def test_word_forms_do_not_matter() -> None:
    assert lemma_set("Рутокены не работали") == lemma_set("рутокен не работает")


def test_boilerplate_and_function_words_are_dropped() -> None:
    lemmas = lemma_set("Здравствуйте, уважаемые! Прошу Вас, пожалуйста, ответить на моё обращение "
                       "по поводу ключа. С уважением, спасибо. 2026 12345")
    assert lemmas == {"повод", "ключ"}


def test_identical_empty_and_bounds() -> None:
    lemmas = lemma_set(FIRST)
    assert similarity(lemmas, lemmas) == pytest.approx(1.0)
    assert similarity(frozenset(), lemmas) == 0.0
    assert similarity(frozenset({"а"}), frozenset({"б"})) == 0.0


def test_cosine_is_kinder_than_jaccard_to_a_shorter_restatement() -> None:
    long, short = frozenset(f"w{i}" for i in range(60)), frozenset(f"w{i}" for i in range(20))
    assert similarity(long, short) == pytest.approx(20 / (60 * 20) ** 0.5)


@pytest.mark.parametrize(("applicant", "key"), [
    (Applicant(type="legal_entity", organization="ООО «Ромашка»"), "ромашка"),
    (Applicant(type="legal_entity", organization='Общество с ограниченной ответственностью "Ромашка"'),
     "ромашка"),
    (Applicant(type="legal_entity", organization="ИП Иванов Иван Петрович"), "иванов иван"),
    (Applicant(type="individual", last_name="Семёнов", first_name="Пётр", middle_name="Ильич"),
     "семенов петр"),
    (Applicant(type="individual", last_name="Семёнов"), None),
    (Applicant(), None),
])
def test_applicant_key(applicant: Applicant, key: str | None) -> None:
    assert applicant_key(applicant) == key
