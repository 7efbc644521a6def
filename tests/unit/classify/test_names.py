"""Person names: parts told apart by pymorphy3, nominative case, ё as written."""

from __future__ import annotations

import pytest

from classify.names import PersonName, find_name, single_first_name


@pytest.mark.parametrize("line,expected", [
    ("Ковалёв Сергей Петрович", PersonName("Ковалёв", "Сергей", "Петрович")),
    ("Главный бухгалтер Сергеева Инна Олеговна", PersonName("Сергеева", "Инна", "Олеговна")),
    ("С уважением, Дьяченко Людмила", PersonName("Дьяченко", "Людмила", None)),
    ("Пётр Иванов", PersonName("Иванов", "Пётр", None)),
    ("жалоба от Иванова Петра Сергеевича", PersonName("Иванов", "Пётр", "Сергеевич")),
    ("ткаченко денис", PersonName("Ткаченко", "Денис", None)),
    # issue 11: the full stop ending the sentence does not cost the patronymic
    ("С уважением, Петров Иван Сергеевич.", PersonName("Петров", "Иван", "Сергеевич")),
    ("Жалобу подаёт Сидорова Анна Петровна.", PersonName("Сидорова", "Анна", "Петровна")),
])
def test_find_name(line: str, expected: PersonName) -> None:
    assert find_name(line) == expected


def test_surname_with_initials() -> None:
    found = find_name("Левченко О.В.")
    assert found is not None and found.last == "Левченко" and found.first is None and found.initials == "ОВ"


@pytest.mark.parametrize("line", ["Главный инженер", "Добрый день!", "309516, г. Старый Оскол, ул. Ленина, д. 1"])
def test_no_name(line: str) -> None:
    assert find_name(line) is None


def test_first_name_alone() -> None:
    assert single_first_name("Светлана") == "Светлана"
    assert single_first_name("Бухгалтер") is None


@pytest.mark.parametrize("line,expected", [
    # patronymic in the genitive («от …», «для …») is put in the nominative with the rest
    ("для Тимошенко Ларисы Геннадьевны", PersonName("Тимошенко", "Лариса", "Геннадьевна")),
    ("от Мироновой Киры Олеговны", PersonName("Миронова", "Кира", "Олеговна")),
    # a name typed in lower case: «Имя Отчество» makes the third word the surname
    ("лыков степан андреевич", PersonName("Лыков", "Степан", "Андреевич")),
    # the first name is the word right before the patronymic, though «Максимов» also parses as a name
    ("Максимов Глеб Аркадьевич", PersonName("Максимов", "Глеб", "Аркадьевич")),
    # a capitalised noun next to «Имя Отчество» is a surname (Мельник, Коваль)
    ("Коваль Инна Борисовна", PersonName("Коваль", "Инна", "Борисовна")),
    # names that are also common words are names next to a patronymic
    ("Гребенюк Надежда Викторовна", PersonName("Гребенюк", "Надежда", "Викторовна")),
])
def test_find_name_patronymic_cases_and_lower_case(line: str, expected: PersonName) -> None:
    assert find_name(line) == expected


@pytest.mark.parametrize("line", ["Надежда на скорое решение", "Клиент Анна Ивановна", "Звонила Анна Ивановна"])
def test_common_words_are_not_surnames_or_names(line: str) -> None:
    found = find_name(line)
    assert found is None or found.last is None


@pytest.mark.parametrize("line,expected", [
    # a name field (From display name, signature line) holding a first name that is also a noun
    ("Надежда Гончарова", PersonName("Гончарова", "Надежда", None)),
    ("Шевцова Любовь", PersonName("Шевцова", "Любовь", None)),
])
def test_ambiguous_first_name_with_a_surname_on_a_name_line(line: str, expected: PersonName) -> None:
    assert find_name(line, whole_line=True) == expected


@pytest.mark.parametrize("line", ["Надежда Компании", "Роза Ветров", "Вера в успех"])
def test_ambiguous_first_name_needs_a_surname_of_the_same_gender(line: str) -> None:
    found = find_name(line, whole_line=True)
    assert found is None or not found.full
