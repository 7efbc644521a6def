"""Reading attachments' content as a clerk does (issue 15), on hand-written extracted text:
claims on letterhead, label photos, receipts, unreadable files; and how the findings change the
kind, the applicant and the checklist of a mail that says only «см. вложение»."""

from __future__ import annotations

from classify import classify_message
from classify.attachments import label_marks, read_attachment
from classify.types import ClassifyRules
from ingest.types import ExtractedAttachment, ImageFacts

from conftest import make_mail

CLAIM = """ООО «Вектор»
ИНН 3123456789 КПП 312301001
308000, г. Белгород, ул. Попова, д. 10

ПРЕТЕНЗИЯ

Мы приобрели у вас сканер штрихкода по накладной № 17.
Товар оказался с браком: сканер не включается, трещина корпуса.
Требуем заменить товар на исправный в течение 10 дней.

Генеральный директор  ______  Соколов А. П."""
PHOTO = ImageFacts(4032, 3024, "2026:11:20 14:03:11", "Xiaomi", document_like=False)
SCAN = ImageFacts(1654, 2339, document_like=True)


def _doc(text: str, name: str = "Скан_001.pdf", index: int = 0, fmt: str = "pdf") -> ExtractedAttachment:
    return ExtractedAttachment(index, name, "application/pdf", fmt, pages=(text,), ocr_pages=(1,))


def _image(text: str, facts: ImageFacts, name: str = "IMG_4411.jpg", index: int = 1) -> ExtractedAttachment:
    return ExtractedAttachment(index, name, "image/jpeg", "image", pages=(text,), ocr_pages=(1,), image=facts)


def test_claim_document_is_a_claim_form_with_whose_and_defects(rules: ClassifyRules) -> None:
    f = read_attachment(_doc(CLAIM), rules)
    assert f.role == "claim_form" and f.page == 1
    assert f.evidence.startswith("ПРЕТЕНЗИЯ") and "ООО «Вектор»" in f.evidence
    assert f.reason == "claim_form: Скан_001.pdf, page 1: „ПРЕТЕНЗИЯ … ООО «Вектор»“"
    assert (f.organisation, f.inn, f.kpp) == ("ООО «Вектор»", "3123456789", "312301001")
    assert f.address and f.address.startswith("308000")
    assert f.signer and "Соколов" in f.signer
    assert any("не включа" in d for d in f.defects) and any("трещин" in d for d in f.defects)


def test_demand_with_requisites_but_no_heading_is_a_claim(rules: ClassifyRules) -> None:
    text = ("ИП Орлова Мария Петровна, ИНН 312300112233\nПрошу вернуть деньги за неисправный принтер.\n"
            "Подпись ____ Орлова М. П.")
    assert read_attachment(_doc(text, "Документ1.docx", fmt="docx"), rules).role == "claim_form"


def test_a_plain_document_is_not_a_claim(rules: ClassifyRules) -> None:
    text = "Договор поставки № 12\nПоставщик обязуется передать товар покупателю в срок."
    f = read_attachment(_doc(text, "Договор.pdf"), rules)
    assert f.role == "document" and f.evidence.startswith("Договор поставки")


def test_label_marks_serial_date_and_ean() -> None:
    marks = label_marks("Модель СШ-200\nЗав. № SN8841207\nДата изготовления: 03.2026\n4 607001 234562")
    assert any(m.startswith("Зав. №") for m in marks)
    assert any("изготовления" in m for m in marks)
    assert "EAN 4607001234562" in marks
    assert label_marks("Итого 4607001234567 руб.") == ()  # wrong check digit: not an EAN
    assert label_marks("Спасибо за покупку") == ()


def test_photo_with_label_text_is_a_label_photo(rules: ClassifyRules) -> None:
    f = read_attachment(_image("Зав. № SN8841207\nДата изготовления 03.2026", PHOTO), rules)
    assert f.role == "label_photo" and f.image and "taken 2026:11:20" in f.image


def test_photo_without_text_is_a_defect_photo_and_a_receipt_scan_is_paper(rules: ClassifyRules) -> None:
    assert read_attachment(_image("", PHOTO), rules).role == "defect_photo"
    receipt = read_attachment(_image("КАССОВЫЙ ЧЕК\nИТОГ 1500.00\nФН 9960440300", SCAN), rules)
    assert receipt.role == "paper"


def test_unreadable_file_keeps_its_reason(rules: ClassifyRules) -> None:
    x = ExtractedAttachment(0, "Претензия.pdf", "application/pdf", "pdf", unreadable="encrypted PDF (password protected)")
    f = read_attachment(x, rules)
    assert f.role == "unreadable" and f.unreadable == "encrypted PDF (password protected)"


def _mail_see_attached():
    pdf = b"%PDF-1.4 scanned"
    return make_mail("Добрый день! См. вложение.", subject="Скан", sender="<vector-buh@mail.ru>",
                     attachments=[("Скан_001.pdf", "application/pdf", pdf),
                                  ("IMG_4411.jpg", "image/jpeg", b"\xff\xd8\xff photo")])


def test_empty_mail_with_a_scanned_claim_becomes_a_quality_claim(rules: ClassifyRules) -> None:
    mail = _mail_see_attached()
    by_name = classify_message(mail, rules)
    read = classify_message(mail, rules, extracted=(
        _doc(CLAIM), _image("Зав. № SN8841207\nДата изготовления 03.2026", PHOTO)))
    assert by_name.kind != "claim" and not by_name.quality_claim
    assert read.kind == "claim" and read.quality_claim
    assert read.missing_documents == ("defect_photos",)
    assert any("claim_form present — claim_form: Скан_001.pdf, page 1: „ПРЕТЕНЗИЯ" in r for r in read.reasons)
    assert read.applicant.organization == "ООО «Вектор»" and read.applicant.inn == "3123456789"
    assert read.applicant.postal_address and read.applicant.postal_address.startswith("308000")
    assert read.applicant.email == "vector-buh@mail.ru" and not read.anonymous
    assert [f.role for f in read.attachments] == ["claim_form", "label_photo"]


def test_content_overrules_a_misleading_name(rules: ClassifyRules) -> None:
    """«фото_брака.jpg» that shows a receipt is no defect photo; the label photo counts."""
    mail = make_mail("Купил у вас сканер, он не включается. Требую заменить товар. Фото прилагаю.",
                     subject="Претензия по качеству",
                     attachments=[("фото_брака.jpg", "image/jpeg", b"\xff\xd8\xff a"),
                                  ("IMG_2.jpg", "image/jpeg", b"\xff\xd8\xff b")])
    read = classify_message(mail, rules, extracted=(
        _image("КАССОВЫЙ ЧЕК\nИТОГ 1500.00", SCAN, "фото_брака.jpg", 0),
        _image("S/N KX-99812-A\n4607001234562", PHOTO, "IMG_2.jpg", 1)))
    assert read.quality_claim
    assert set(read.missing_documents) == {"claim_form", "defect_photos"}
    by_name = classify_message(mail, rules)
    assert "defect_photos" not in by_name.missing_documents


def test_unreadable_attachment_falls_back_to_its_name(rules: ClassifyRules) -> None:
    mail = make_mail("Купил у вас сканер, он не включается. Требую заменить товар.",
                     subject="Претензия по качеству",
                     attachments=[("Претензия.pdf", "application/pdf", b"%PDF-1.4 broken")])
    read = classify_message(mail, rules, extracted=(
        ExtractedAttachment(0, "Претензия.pdf", "application/pdf", "pdf", unreadable="pdf could not be read (PdfReadError)"),))
    assert "claim_form" not in read.missing_documents
    assert read.attachments[0].role == "unreadable"


def test_a_mail_defers_to_its_attachments_when_it_says_nothing_itself() -> None:
    from classify.attachments import defers_to_attachments

    assert defers_to_attachments("Добрый день! См. вложение.")
    assert defers_to_attachments(("Добрый день. " * 40) + "Претензия во вложении.")
    long_claim = ("Купили у вас сканер штрихкода, он не включается и греется, на корпусе трещина. " * 4)
    assert not defers_to_attachments(long_claim + "Фото прилагаем.")
