from datetime import UTC, datetime
from pathlib import Path

from classify.types import Applicant
from replies.acknowledge import AckContext, render_acknowledgement, reply_subject
from replies.address import salutation
from replies.render import make_environment

TEMPLATES = Path(__file__).resolve().parents[3] / "templates"
ORG = {"name": "АО «ЦентрИнформ»", "branch": "Белгородский филиал", "phone": "+7 (4722) 00-00-00",
       "website": "r31.center-inform.ru", "director": {"name": "И. И. Директоров", "title": "Директор"}}


def _ctx(**kw: object) -> AckContext:
    base = dict(number="17/2026", received_at=datetime(2026, 11, 25, 21, 30, tzinfo=UTC),
                due_at=datetime(2026, 12, 6, 20, 59, 59, tzinfo=UTC), timezone="Europe/Moscow",
                applicant=Applicant(type="individual", last_name="Иванов", first_name="Пётр",
                                    middle_name="Сергеевич", email="p@example.ru"),
                to_address="p@example.ru", subject="Не работает роутер",
                department_title="Отдел продаж", missing_documents=(),
                client_message_id="<c@example.ru>", client_references=(), organisation=ORG)
    base.update(kw)
    return AckContext(**base)  # type: ignore[arg-type]


def test_acknowledgement_has_number_dates_and_name() -> None:
    out = render_acknowledgement(_ctx(), make_environment(TEMPLATES))
    assert out.text.startswith("Уважаемый Пётр Сергеевич!")
    assert "№ 17/2026" in out.text
    assert "26.11.2026" in out.text  # 21:30 UTC is already the 26th in Moscow
    assert "06.12.2026" in out.text
    assert "«Не работает роутер»" in out.text
    assert out.subject == "Re: Не работает роутер [№ 17/2026]"
    assert out.in_reply_to == "<c@example.ru>" and out.references == ("<c@example.ru>",)
    assert out.auto_submitted


def test_quality_claim_lists_missing_documents_in_russian() -> None:
    out = render_acknowledgement(_ctx(missing_documents=("claim_form", "label_photos")),
                                 make_environment(TEMPLATES))
    assert "претензию на бланке" in out.text
    assert "маркировки товара" in out.text
    assert "фотографии или видео дефекта" not in out.text


def test_salutations() -> None:
    assert salutation(Applicant(type="individual", first_name="Анна", middle_name="Петровна",
                                last_name="Смирнова")) == "Уважаемая Анна Петровна!"
    assert salutation(Applicant(type="legal_entity", organization="ООО «Ромашка»")) == \
        "Уважаемые коллеги!"
    assert salutation(Applicant()) == "Здравствуйте!"


def test_reply_subject_does_not_pile_up() -> None:
    assert reply_subject("Re: Fwd: Жалоба", "3/2026") == "Re: Жалоба [№ 3/2026]"
    assert reply_subject("Жалоба [№ 3/2026]", "3/2026") == "Re: Жалоба [№ 3/2026]"
    assert reply_subject("", "3/2026") == "Re: Ваше обращение [№ 3/2026]"
