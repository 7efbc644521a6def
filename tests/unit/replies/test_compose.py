"""Every reply template rendered for an appeal made from each sample mail, and the checks that
keep a reply from going out incomplete or unsigned (3.9)."""

from __future__ import annotations

import email
import json
import os
from dataclasses import replace
from datetime import UTC, date, datetime
from email.message import EmailMessage
from email.policy import default
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from classify import classify_message
from base.config import Config, load_config
from classify.rules import rules_from_config
from base.errors import ReplyError
from base.timeutil import due_at
from ingest.parse import parse_message
from journal.models import ANSWERED, CLOSED, CORRESPONDENCE_STOPPED, WAITING_FOR_CLIENT, Appeal
from journal.register import build_appeal
from journal.workflow import TransitionError
from replies.compose import (
    EarlierReply,
    MeasureItem,
    attachment_from,
    render_reply,
    reply_context,
    thread_of,
)
from replies.message import build_mime
from replies.render import make_environment
from operations.replies import check_move
from replies.templates import (
    CONTEXT_NAMES,
    ReplyTemplate,
    list_templates,
    load_template,
    scan_templates,
)

REPO = Path(__file__).resolve().parents[3]
TEMPLATES = REPO / "templates"
SHARED = Path(os.environ.get("COMPLAINTDESK_SHARED") or REPO.parent / "shared")
SAMPLES = SHARED / "samples" / "emails"
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
SENDER = "АО «ЦентрИнформ», Белгородский филиал <pretenzii@r31.center-inform.ru>"
EXPECTED = {
    "request_documents": WAITING_FOR_CLIENT, "request_explanation": WAITING_FOR_CLIENT,
    "answer": ANSWERED, "final_answer": ANSWERED, "escalation_notice": "escalated",
    "correspondence_stopped": CORRESPONDENCE_STOPPED,
}
FIELD_TEXT = "Проверка «ёлочек» и буквы ё: съешь ещё этих мягких французских булок"


@cache
def _config() -> Config:
    return load_config(REPO / "config.yaml")


@cache
def _env() -> Any:
    return make_environment(TEMPLATES)


def _appeal(path: Path, seq: int) -> Appeal:
    parsed = parse_message(path.read_bytes())
    decision = classify_message(parsed, rules_from_config(_config()))
    received = datetime(2026, 11, 20, 21, 30, tzinfo=UTC)  # already the 21st in Moscow
    return build_appeal(
        number=f"{seq}/2026", year=2026, seq=seq, received_at=received,
        due_at=due_at(received, 10, "Europe/Moscow"), decision=decision,
        sender_email=parsed.from_address, subject=parsed.subject, body=parsed.text,
        message_id=parsed.message_id or f"<sample{seq}@example.ru>", raw_sha256="0" * 64,
        now=NOW,
    )


def _context(appeal: Appeal, organisation: dict[str, Any] | None = None, **kw: Any) -> Any:
    base: dict[str, Any] = dict(
        organisation=organisation or _config().organisation.model_dump(),
        timezone="Europe/Moscow", department_title="Отдел продаж",
        in_reply_to=appeal.message_id, references=(appeal.message_id,),
        measures=(MeasureItem("Проведена внеплановая проверка работы менеджера", "Отдел продаж",
                              date(2026, 12, 1)),),
        earlier=(EarlierReply("1/2026", datetime(2026, 11, 3, 8, 0, tzinfo=UTC),
                              "Re: Жалоба [№ 1/2026]", "answer", True),),
    )
    base.update(kw)
    return reply_context(appeal, **base)


def _values(template: ReplyTemplate) -> dict[str, str]:
    return {name: f"{FIELD_TEXT} ({name})" for name, _ in (*template.fields, *template.optional)}


def _round_trip(out: Any) -> EmailMessage:
    raw = build_mime(out, SENDER, "<reply1@r31.center-inform.ru>", NOW)
    return email.message_from_bytes(raw, policy=default)  # type: ignore[return-value]


def test_the_twenty_samples_are_there() -> None:
    assert len(list(SAMPLES.glob("*.eml"))) == 20, f"sample mails missing under {SAMPLES}"


def test_the_six_reply_templates_and_their_statuses() -> None:
    found = {t.name: t for t in list_templates(_env())}
    assert {name: found[name].status for name in EXPECTED} == EXPECTED
    assert "acknowledgement" not in found and "digest" not in found  # automatic mail
    assert all(found[name].signed and found[name].has_html for name in EXPECTED)
    assert found["request_documents"].field_names == ("documents",)
    assert found["answer"].field_names == ("answer",)


@pytest.mark.parametrize("sample", sorted(SAMPLES.glob("*.eml")), ids=lambda p: p.stem)
def test_every_template_renders_for_every_sample(sample: Path) -> None:
    appeal = _appeal(sample, int(sample.stem))
    if not appeal.applicant_email:  # automated mail, or a web form without an address
        with pytest.raises(ReplyError, match="no e-mail address"):
            _context(appeal)
        appeal.applicant_email = "applicant@example.ru"
    ctx = _context(appeal)
    director = _config().organisation.director
    for template in list_templates(_env()):
        out = render_reply(template, ctx, _values(template), _env(), NOW)
        msg = _round_trip(out)
        text = msg.get_body(("plain",)).get_content()
        html = msg.get_body(("html",)).get_content()
        assert "Undefined" not in text + html
        for part in (text, html):
            assert director.name in part and director.title.replace("«", "") in \
                part.replace("«", "").replace("&nbsp;", " ")
            assert "21.11.2026" in part and appeal.number in part
            assert "«ЦентрИнформ»" in part
        if template.fields or template.optional:
            assert FIELD_TEXT in text and FIELD_TEXT in html.replace("&nbsp;", " ")
        assert msg["Subject"] == f"Re: {_bare(appeal.subject)} [№ {appeal.number}]"
        assert msg["In-Reply-To"] == appeal.message_id
        assert msg["References"] == appeal.message_id
        assert msg["To"].addresses[0].addr_spec == appeal.applicant_email
        assert msg["Auto-Submitted"] is None  # a person's answer, not an auto-reply
        assert "ЦентрИнформ" in str(msg["From"])


def _bare(subject: str) -> str:
    from replies.acknowledge import reply_subject

    return reply_subject(subject, "x").removeprefix("Re: ").removesuffix(" [№ x]")


@pytest.mark.parametrize("sample, opening", [
    ("001", "Уважаемый Пётр Ильич!"),  # an organisation's letter signed by a person
    ("009", "Уважаемая Юлия Фёдоровна!"),
    ("007", "Уважаемый Виктор Алексеевич!"),
])
def test_forms_of_address(sample: str, opening: str) -> None:
    appeal = _appeal(SAMPLES / f"{sample}.eml", 5)
    out = render_reply(load_template(_env(), "answer"), _context(appeal),
                       {"answer": "Ответ."}, _env(), NOW)
    assert out.text.startswith(opening + "\n")
    assert f"<p>{opening}</p>" in (out.html or "")


def test_an_organisation_without_a_signer_is_addressed_as_colleagues() -> None:
    appeal = _appeal(SAMPLES / "001.eml", 5)
    appeal.applicant_json = json.dumps({"type": "legal_entity", "organization": "ООО «Теплоресурс»",
                                        "email": "office@teploresurs32.ru"}, ensure_ascii=False)
    out = render_reply(load_template(_env(), "answer"), _context(appeal),
                       {"answer": "Ответ."}, _env(), NOW)
    assert out.text.startswith("Уважаемые коллеги!\n") and out.to_name == "ООО «Теплоресурс»"


def _any_appeal() -> Appeal:
    return _appeal(SAMPLES / "009.eml", 9)


def test_missing_field_is_named() -> None:
    template = load_template(_env(), "request_documents")
    with pytest.raises(ReplyError, match=r"needs field 'documents'.*--set documents="):
        render_reply(template, _context(_any_appeal()), {}, _env(), NOW)
    with pytest.raises(ReplyError, match="needs field 'documents'"):
        render_reply(template, _context(_any_appeal()), {"documents": "  "}, _env(), NOW)


def test_unknown_field_is_refused() -> None:
    template = load_template(_env(), "request_documents")
    with pytest.raises(ReplyError, match="no field 'documnets'"):
        render_reply(template, _context(_any_appeal()), {"documnets": "скан"}, _env(), NOW)


def test_unknown_template_lists_the_known_ones() -> None:
    with pytest.raises(ReplyError, match=r"no template 'answr'.*answer"):
        load_template(_env(), "answr")
    with pytest.raises(ReplyError, match="not a reply template"):
        load_template(_env(), "acknowledgement")


@pytest.mark.parametrize("director", [{"name": "", "title": "Директор"},
                                      {"name": "Иванов И. И.", "title": "  "}])
def test_unsigned_config_is_refused(director: dict[str, str]) -> None:
    org = _config().organisation.model_dump() | {"director": director}
    with pytest.raises(ReplyError, match="signature block"):
        render_reply(load_template(_env(), "answer"), _context(_any_appeal(), org),
                     {"answer": "Ответ."}, _env(), NOW)


def test_removing_the_signature_in_the_editor_is_refused() -> None:
    with pytest.raises(ReplyError, match="signature block"):
        render_reply(load_template(_env(), "answer"), _context(_any_appeal()),
                     {"answer": "Ответ."}, _env(), NOW,
                     edit=lambda text: text.split("С уважением")[0])


def test_an_edited_text_goes_out_as_plain_text_only() -> None:
    out = render_reply(load_template(_env(), "answer"), _context(_any_appeal()),
                       {"answer": "Ответ."}, _env(), NOW,
                       edit=lambda text: text.replace("Ответ.", "Исправленный ответ."))
    assert "Исправленный ответ." in out.text and out.html is None
    unchanged = render_reply(load_template(_env(), "answer"), _context(_any_appeal()),
                             {"answer": "Ответ."}, _env(), NOW, edit=lambda text: text)
    assert unchanged.html is not None


def test_answer_lists_measures_and_escapes_html() -> None:
    out = render_reply(load_template(_env(), "answer"), _context(_any_appeal()),
                       {"answer": "Проверка <script>x</script> & итог.\n\nВторой абзац.",
                        "measures_text": "Менеджеру объявлено замечание"}, _env(), NOW)
    assert "Проведена внеплановая проверка работы менеджера (срок исполнения — до 01.12.2026);" \
        in out.text
    assert "— Менеджеру объявлено замечание." in out.text
    assert "<script>" not in (out.html or "") and "&lt;script&gt;" in (out.html or "")
    assert "<p>Второй абзац.</p>" in (out.html or "")


def test_correspondence_stopped_cites_the_earlier_answers() -> None:
    template = load_template(_env(), "correspondence_stopped")
    out = render_reply(template, _context(_any_appeal()), {}, _env(), NOW)
    assert "письмом от 03.11.2026 (ответ на обращение № 1/2026)." in out.text
    assert "п. 2.4" in out.text
    nothing = _context(_any_appeal(), earlier=(
        EarlierReply("9/2026", NOW, "s", "request_documents", False),))
    with pytest.raises(ReplyError, match="earlier answers"):
        render_reply(template, nothing, {}, _env(), NOW)


def test_attachments_round_trip_with_cyrillic_names() -> None:
    data = b"%PDF-1.4 " + bytes(range(256))
    att = attachment_from("Акт проверки.pdf", data)
    assert att.content_type == "application/pdf"
    out = render_reply(load_template(_env(), "answer"), _context(_any_appeal()),
                       {"answer": "Акт во вложении."}, _env(), NOW, attachments=[att])
    (part,) = list(_round_trip(out).iter_attachments())
    assert part.get_filename() == "Акт проверки.pdf" and part.get_content() == data


def test_thread_answers_the_clients_latest_mail() -> None:
    t0 = datetime(2026, 11, 20, tzinfo=UTC)
    thread = thread_of("<first@c>", [
        (t0, "<first@c>", True),
        (t0.replace(hour=1), "<ack@us>", False),
        (t0.replace(hour=3), "<second@c>", True),
        (t0.replace(hour=2), "<req@us>", False),
    ])
    assert thread.in_reply_to == "<second@c>"
    assert thread.references == ("<first@c>", "<ack@us>", "<req@us>", "<second@c>")
    many = thread_of("<first@c>", [(t0.replace(minute=i), f"<m{i}@us>", False)
                                   for i in range(20)])
    assert many.in_reply_to == "<first@c>"
    assert len(many.references) == 10 and many.references[0] == "<first@c>"


def test_staff_can_add_a_template(tmp_path: Path) -> None:
    (tmp_path / "info.ru.txt.j2").write_text(
        "{# complaintdesk\ndescription: Информационное письмо\nfields:\n  info: что сообщить\n#}\n"
        "{{ salutation }}\n\n{{ info }}\n\n{% include '_signature.ru.txt.j2' %}\n",
        encoding="utf-8")
    (tmp_path / "typo.ru.txt.j2").write_text(
        "{# complaintdesk\nsigned: false\n#}\n{{ salutation }} {{ infp }}\n", encoding="utf-8")
    env = make_environment(tmp_path)
    found, problems = scan_templates(env)  # the bad one does not hide the good one
    names = [t.name for t in found]  # the branch's own beside the packaged ones (templates.path)
    assert "info" in names and "request_documents" in names and "typo" not in names
    assert len(problems) == 1 and "uses 'infp'" in problems[0]
    info = load_template(env, "info")
    assert info.status is None and info.signed and not info.has_html
    out = render_reply(info, _context(_any_appeal()), {"info": "Сообщаем."}, env, NOW)
    assert "Сообщаем." in out.text and out.purpose == "info"
    with pytest.raises(ReplyError, match="uses 'infp'"):
        load_template(env, "typo")


def test_front_matter_cannot_close_an_appeal(tmp_path: Path) -> None:
    (tmp_path / "bye.ru.txt.j2").write_text("{# complaintdesk\nstatus: closed\n#}\nx\n",
                                            encoding="utf-8")
    with pytest.raises(ReplyError, match="complaintdesk close"):
        load_template(make_environment(tmp_path), "bye")


def test_forbidden_moves_are_refused_before_rendering() -> None:
    appeal = _any_appeal()
    final = load_template(_env(), "final_answer")
    appeal.status = CLOSED
    with pytest.raises(TransitionError, match="closed"):
        check_move(appeal, final)
    appeal.status = CORRESPONDENCE_STOPPED
    with pytest.raises(TransitionError, match="correspondence_stopped -> answered"):
        check_move(appeal, final)
    appeal.status = WAITING_FOR_CLIENT  # a second request while waiting is fine
    check_move(appeal, load_template(_env(), "request_documents"))
    check_move(appeal, replace(final, status=None))


def test_the_context_is_what_templates_may_use() -> None:
    from replies.compose import _variables

    assert set(_variables(_context(_any_appeal()), NOW)) == CONTEXT_NAMES
