"""Issue 15 end to end on real servers: a mail that says only «см. вложение» with a scanned
claim («Скан_001.pdf») and a label photo goes Dovecot → worker (OCR) → journal → aiosmtpd;
the appeal's kind, applicant and checklist come from the attachments' content, staff see the
findings in `show`, and `list --search` finds the words of the scan."""

from __future__ import annotations

import email
import io
import json
from email.policy import default

from pypdf import PdfReader, PdfWriter

from classify.attachments import defers_to_attachments
from journal.models import Appeal, Attachment, AuditEvent, Outbox
from tests.docfiles import (CLAIM_LINES, label_photo, page_image, pdf_with_text, scanned_pdf,
                            zip_bomb_docx)
from tests.mailfactory import russian_mail


CLAIM_IN_BODY = ("Здравствуйте. В октябре наша организация купила у вас сканер штрихкода по накладной "
                 "№ 17. Сканер не включается, на корпусе трещина. Требуем заменить товар на исправный. "
                 "Претензию прилагаем. Просим ответить в установленный срок письменно по адресу "
                 "отправителя. С уважением, бухгалтерия ООО «Вектор».")


def _scan_mail(body: str = "Добрый день! См. вложение.") -> bytes:
    return russian_mail(
        body=body, subject="Скан", from_name="Бухгалтерия",
        from_addr="vector-buh@example.ru",
        attachments=[("Скан_001.pdf", "application/pdf", scanned_pdf([page_image(CLAIM_LINES)])),
                     ("IMG_4411.jpg", "image/jpeg",
                      label_photo(["Зав. № SN8841207", "Дата изготовления: 03.2026"]))])


def test_scanned_claim_decides_kind_applicant_and_checklist(desk_factory, database_url) -> None:
    """OCR before registration (ocr_after_registration: false): the acknowledgement already
    asks only for what is missing."""
    desk = desk_factory(database_url, attachments={"ocr_after_registration": False})
    desk.append(_scan_mail())
    assert "registered 1 / threaded 0 / set aside 0 / acks sent 1" in desk.poll()
    [appeal] = desk.rows(Appeal)
    assert appeal.kind == "claim" and appeal.quality_claim
    assert appeal.missing_documents == "defect_photos"
    assert appeal.applicant_name == "ООО «Вектор»" and not appeal.anonymous
    found = json.loads(appeal.classification_json)["attachments"]
    assert [f["role"] for f in found] == ["claim_form", "label_photo"]
    assert found[0]["ocr"] and found[0]["inn"] == "3123456789"
    texts = {a.filename: a.text for a in desk.rows(Attachment)}
    assert "ПРЕТЕНЗИЯ" in texts["Скан_001.pdf"] and "SN8841207" in texts["IMG_4411.jpg"]
    [ack] = [email.message_from_bytes(m.data, policy=default) for m in desk.sink.wait_for(1)]
    body = ack.get_body(("plain",)).get_content()
    assert "фотографии или видео дефекта" in body and "претензию на бланке" not in body
    shown = desk.cli("show", appeal.number).output
    assert "claim_form: Скан_001.pdf, page 1: „ПРЕТЕНЗИЯ … ООО «Вектор»“" in shown
    assert "label_photo: IMG_4411.jpg" in shown
    assert appeal.number in desk.cli("list", "--search", "ТРЕЩИНА корпуса").output
    assert appeal.number not in desk.cli("list", "--search", "радиатор отопления").output


def test_mail_that_only_points_to_its_scan_is_ocred_before_registration(desk_factory) -> None:
    """The default config: a mail that says «см. вложение» has its scans read in the poll."""
    desk = desk_factory()
    desk.append(_scan_mail())
    assert "registered 1 / threaded 0 / set aside 0 / acks sent 1" in desk.poll()
    [appeal] = desk.rows(Appeal)
    assert appeal.kind == "claim" and appeal.missing_documents == "defect_photos"
    assert [a.flags for a in desk.rows(Attachment)] == ["", ""]
    assert not [e for e in desk.rows(AuditEvent) if e.action == "attachments_read"]


def test_ocr_after_registration_acknowledgement_does_not_wait(desk) -> None:
    """The default: a mail that says what it wants is registered and acknowledged from what
    the poll could read (its text, names); OCR runs after the outbox is sent, then updates it."""
    assert not defers_to_attachments(CLAIM_IN_BODY)
    desk.append(_scan_mail(CLAIM_IN_BODY))
    deps = desk.deps()
    try:
        from pipeline.poll import poll_all, send_outbox

        summary, errors = poll_all(deps)
        assert not errors and summary.counts == {"registered": 1}
        [registered] = desk.rows(Appeal)
        assert registered.quality_claim and registered.missing_documents == "claim_form,label_photos"
        assert {a.filename: a.flags for a in desk.rows(Attachment)} == \
            {"Скан_001.pdf": "ocr_pending", "IMG_4411.jpg": "ocr_pending"}
        assert send_outbox(deps).sent == 1 and len(desk.sink.wait_for(1)) == 1  # acknowledged before OCR
        from pipeline.reread import read_pending

        assert read_pending(deps) == 1 and read_pending(deps) == 0
    finally:
        deps.analyzer.close()
    [appeal] = desk.rows(Appeal)
    assert appeal.kind == "claim" and appeal.quality_claim and appeal.missing_documents == "defect_photos"
    assert [a.flags for a in desk.rows(Attachment)] == ["", ""]
    assert "ПРЕТЕНЗИЯ" in desk.rows(Attachment)[0].text
    [event] = [e for e in desk.rows(AuditEvent) if e.action == "attachments_read"]
    [sent] = desk.rows(Outbox)
    assert sent.sent_at is not None and sent.sent_at <= event.at
    assert "missing_documents 'claim_form,label_photos' → 'defect_photos'" in event.note
    assert "Скан_001.pdf: claim_form" in event.note and "IMG_4411.jpg: label_photo" in event.note


def test_hostile_attachments_are_recorded_unreadable_and_the_mail_registered(desk_factory) -> None:
    desk = desk_factory()
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(pdf_with_text([CLAIM_LINES]))))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    locked = io.BytesIO()
    writer.write(locked)
    desk.append(russian_mail(
        body="Купил у вас сканер, он не включается. Требую заменить товар. Претензию прилагаю.",
        subject="Претензия по качеству",
        attachments=[("Претензия.pdf", "application/pdf", locked.getvalue()),
                     ("Документ2.docx", "application/octet-stream", zip_bomb_docx(200_000_000))]))
    assert "registered 1 / threaded 0 / set aside 0" in desk.poll()
    rows = {a.filename: a for a in desk.rows(Attachment)}
    assert "unreadable" in rows["Претензия.pdf"].flags and rows["Претензия.pdf"].text == ""
    assert "unreadable" in rows["Документ2.docx"].flags
    [appeal] = desk.rows(Appeal)
    found = {f["filename"]: f for f in json.loads(appeal.classification_json)["attachments"]}
    assert "encrypted" in found["Претензия.pdf"]["unreadable"]
    assert "zip bomb" in found["Документ2.docx"]["unreadable"]
    assert "claim_form" not in appeal.missing_documents  # the name still tells the claim form
