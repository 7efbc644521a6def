"""The public form's submission as an RFC 5322 message, read back by the mail parser."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from base.config import load_config
from classify import classify_message
from classify.rules import rules_from_config
from ingest.parse import parse_message
from pipeline.formmail import (Choice, FormFile, FormSubmission, build_form_message,
                               form_message_id, form_uid, given_fields, submission_key)

ROOT = Path(__file__).resolve().parents[3]
SENDER = "АО «ЦентрИнформ» <pretenzii@r31.center-inform.ru>"
NOW = datetime(2026, 12, 4, 9, 30, tzinfo=UTC)


def _sub(**kw: object) -> FormSubmission:
    values: dict[str, object] = dict(
        token="A" * 22, choice=Choice("egais:bryansk", "Сопровождение ПС ЕГАИС, Брянская область",
                                      "egais", "bryansk"),
        text="Не работает УТМ.\nВторая строка <b>как есть</b>.", last_name="Петров",
        first_name="Пётр", middle_name="Петрович", email="Petrov@Example.ru",
        postal_address="241000, г. Брянск, ул. Ленина, 1", phone="8 (4832) 11-22-33",
        files=(FormFile("Фото дефекта №1.jpg", b"\xff\xd8\xff\xe0jpeg"),
               FormFile("../../etc/passwd\r\nBcc: x@y.ru.pdf", b"%PDF-1.4")))
    values.update(kw)
    return FormSubmission(**values)  # type: ignore[arg-type]


def test_fields_text_and_files_survive_the_mail_parser() -> None:
    parsed = parse_message(build_form_message(_sub(), SENDER, NOW))
    assert parsed.message_id == form_message_id(submission_key(_sub()), SENDER)
    assert parsed.subject == "Сопровождение ПС ЕГАИС, Брянская область"
    assert parsed.text == "Не работает УТМ.\nВторая строка <b>как есть</b>."
    assert parsed.from_address == "petrov@example.ru" and parsed.from_name == "Петров Пётр Петрович"
    assert parsed.header("x-form-postal-address") == "241000, г. Брянск, ул. Ленина, 1"
    assert parsed.header("x-form-middle-name") == "Петрович"
    names = [a.filename for a in parsed.attachments]
    assert names == ["Фото дефекта №1.jpg", "../../etc/passwdBcc: x@y.ru.pdf"]
    assert parsed.attachments[0].payload == b"\xff\xd8\xff\xe0jpeg"
    assert parsed.attachments[0].content_type == "image/jpeg"
    assert parsed.header("bcc") is None  # a file name cannot add a header


def test_the_same_token_and_content_is_the_same_submission() -> None:
    assert submission_key(_sub()) == submission_key(_sub())
    assert submission_key(_sub()).startswith("A" * 22 + ".")
    assert submission_key(_sub(text="Другое обращение")) != submission_key(_sub())
    assert submission_key(_sub(files=())) != submission_key(_sub())
    assert submission_key(_sub(token="B" * 22)) != submission_key(_sub())


def test_the_same_token_is_the_same_message_and_row() -> None:
    assert form_message_id("A" * 22, SENDER) == form_message_id("A" * 22, SENDER)
    assert form_message_id("A" * 22, SENDER) != form_message_id("B" * 22, SENDER)
    validity, uid = form_uid("A" * 22)
    assert 0 <= validity < 2 ** 31 and 0 <= uid < 2 ** 31 and form_uid("B" * 22) != (validity, uid)


def test_no_e_mail_gives_an_unanswerable_placeholder_sender() -> None:
    parsed = parse_message(build_form_message(_sub(email="", last_name="", first_name="",
                                                   middle_name=""), SENDER, NOW))
    assert parsed.from_address == "no-address@form.invalid"


def test_classified_with_the_fields_as_the_applicant() -> None:
    rules = rules_from_config(load_config(ROOT / "config.yaml"))
    sub = _sub(text="Здравствуйте, я Сидоров Сидор, пишу по поводу УТМ: не запускается.")
    parsed = parse_message(build_form_message(sub, SENDER, NOW))
    decision = classify_message(parsed, rules, as_appeal=True, given=given_fields(sub))
    who = decision.applicant
    assert (who.last_name, who.first_name, who.middle_name) == ("Петров", "Пётр", "Петрович")
    assert who.email == "petrov@example.ru" and who.phone == "+74832112233"
    assert not decision.anonymous
    assert (decision.department, decision.region, decision.assignee) == \
        ("egais", "bryansk", "Легкий Валерий")


def test_anonymity_comes_from_what_was_filled_in() -> None:
    rules = rules_from_config(load_config(ROOT / "config.yaml"))
    sub = _sub(last_name="", first_name="", middle_name="", email="", postal_address="",
               phone="", choice=Choice("other", "Другое"),
               text="Иванов Иван Иванович, г. Белгород, ул. Ленина 1. Товар оказался с браком.")
    parsed = parse_message(build_form_message(sub, SENDER, NOW))
    decision = classify_message(parsed, rules, as_appeal=True, given=given_fields(sub))
    assert decision.anonymous and set(decision.anonymous_reasons) == {"no_name", "no_address"}
    assert decision.applicant.last_name is None  # not guessed from the text
    assert decision.department == "sales"  # «Другое»: routed by the text, as a mail


def test_a_priority_keyword_still_wins_over_the_chosen_project() -> None:
    rules = rules_from_config(load_config(ROOT / "config.yaml"))
    sub = _sub(text="Инженер по ЕГАИС нагрубил мне по телефону.")
    parsed = parse_message(build_form_message(sub, SENDER, NOW))
    decision = classify_message(parsed, rules, as_appeal=True, given=given_fields(sub))
    assert decision.department == "sales"
    assert any("chosen on the form, but" in r for r in decision.reasons)


def test_the_stored_message_alone_gives_the_same_fields() -> None:
    from pipeline.formmail import given_from_message

    for sub in (_sub(), _sub(organization="ООО «Ромашка»", inn="3123456789", last_name="",
                             first_name="", middle_name="", choice=Choice("other", "Другое"))):
        parsed = parse_message(build_form_message(sub, SENDER, NOW))
        assert given_from_message(parsed) == given_fields(sub)


def test_large_files_come_back_byte_for_byte() -> None:
    import os

    data = [os.urandom(900_000), b"", os.urandom(57), os.urandom(58)]
    files = tuple(FormFile(f"файл {i}.pdf", d) for i, d in enumerate(data))
    parsed = parse_message(build_form_message(_sub(files=files), SENDER, NOW))
    assert [a.payload for a in parsed.attachments] == data
    assert [a.filename for a in parsed.attachments] == [f.filename for f in files]
