"""Checking the public form's posted fields (pure)."""

from __future__ import annotations

from pathlib import Path

import pytest

from base.config import FormSettings, load_config
from pipeline.formmail import Choice, form_choices
from web.public_form import Upload, check_form

ROOT = Path(__file__).resolve().parents[3]
SETTINGS = FormSettings(max_files=2, max_file_bytes=1000, allowed_types=[".jpg", ".pdf"])


@pytest.fixture(scope="module")
def choices() -> tuple[Choice, ...]:
    return form_choices(load_config(ROOT / "config.yaml"))


def _post(**fields: str) -> dict[str, str]:
    return {"subject": "other", "text": "Прошу разобраться.", "consent": "yes", **fields}


def test_the_choices_are_the_projects_per_region_and_other(choices: tuple[Choice, ...]) -> None:
    keys = [c.key for c in choices]
    assert "sales" not in keys and keys[-1] == "other" and choices[-1].title == "Другое"
    assert {"egais:belgorod", "egais:bryansk", "internet_reporting"} <= set(keys)
    bryansk = next(c for c in choices if c.key == "egais:bryansk")
    assert (bryansk.department, bryansk.region) == ("egais", "bryansk")
    assert "Брянская область" in bryansk.title


def test_a_clean_post_becomes_a_submission(choices: tuple[Choice, ...]) -> None:
    checked = check_form(_post(last_name=" Иванов ", first_name="Иван", email="i@example.ru",
                               postal_address="308000, г. Белгород,\r\nул. Ленина, 1"),
                         [Upload("фото.JPG", b"x" * 10), Upload("", b"")], "T" * 22, choices,
                         SETTINGS)
    sub = checked.submission
    assert checked.errors == {} and sub is not None
    assert (sub.last_name, sub.postal_address) == ("Иванов", "308000, г. Белгород, ул. Ленина, 1")
    assert [f.filename for f in sub.files] == ["фото.JPG"]  # the empty part of no file is dropped


def test_nothing_but_text_and_consent_is_required(choices: tuple[Choice, ...]) -> None:
    assert check_form(_post(), [], "T" * 22, choices, SETTINGS).submission is not None


@pytest.mark.parametrize(("fields", "field"), [
    ({"consent": ""}, "consent"),
    ({"text": "   "}, "text"),
    ({"subject": "nonsense"}, "subject"),
    ({"email": "not an address"}, "email"),
    ({"inn": "12345"}, "inn"),
    ({"phone": "12"}, "phone"),
    ({"last_name": "Я" * 101}, "last_name"),
])
def test_each_rule_names_its_field(choices: tuple[Choice, ...], fields: dict[str, str],
                                   field: str) -> None:
    checked = check_form(_post(**fields), [], "T" * 22, choices, SETTINGS)
    assert checked.submission is None and set(checked.errors) == {field}


@pytest.mark.parametrize(("uploads", "words"), [
    ([Upload("big.jpg", b"x" * 1000, truncated=True)], "больше"),
    ([Upload("run.exe", b"MZ")], "тип"),
    ([Upload(f"{i}.jpg", b"x") for i in range(3)], "не больше 2 файлов"),
])
def test_files_over_the_limits_are_refused_with_a_reason(choices: tuple[Choice, ...],
                                                        uploads: list[Upload], words: str) -> None:
    checked = check_form(_post(), uploads, "T" * 22, choices, SETTINGS)
    assert checked.submission is None and words in checked.errors["files"]
    assert checked.values["text"] == "Прошу разобраться."  # what was typed is kept for the retry
