"""The quality-claim checklist (5) from attachments and the text."""

from __future__ import annotations

from classify.documents import missing_documents, missing_documents_text
from ingest.types import ParsedAttachment


def att(name: str | None, ctype: str, disposition: str = "attachment", size: int = 5000) -> ParsedAttachment:
    return ParsedAttachment(name, ctype, disposition, b"x" * size)


def test_complete_set() -> None:
    files = (att("претензия.pdf", "application/pdf"), att("IMG_1.jpg", "image/jpeg"), att("этикетка.jpg", "image/jpeg"))
    assert missing_documents(files, "")[0] == ()


def test_nothing_attached_and_claim_only_in_body() -> None:
    missing, _ = missing_documents((), "Претензия: прошу заменить товар. Документы пришлю позже.")
    assert missing == ("claim_form", "defect_photos", "label_photos")


def test_inline_photo_counts_as_defect_photo_but_a_tiny_logo_does_not() -> None:
    assert missing_documents((att("photo.jpg", "image/jpeg", "inline"),), "")[0] == ("claim_form", "label_photos")
    assert missing_documents((att("image001.png", "image/png", "inline", 300),), "")[0] == (
        "claim_form", "defect_photos", "label_photos")


def test_label_photo_named_in_text() -> None:
    files = (att("1.jpg", "image/jpeg"), att("2.jpg", "image/jpeg"))
    assert missing_documents(files, "Прилагаю фото поломки и фото наклейки с серийным номером.")[0] == ("claim_form",)


def test_missing_documents_text_is_plain_russian() -> None:
    lines = missing_documents_text(("claim_form", "label_photos"))
    assert lines[0] == "претензия на фирменном бланке (скан или документ)"
    assert len(lines) == 2 and "этикет" in lines[1]


def _zip(*names: str) -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for name in names:
            archive.writestr(name, b"data")
    return buf.getvalue()


def test_zip_is_judged_by_the_files_it_lists() -> None:
    files = (ParsedAttachment("поломка.zip", "application/zip", "attachment", _zip("VID_0001.mp4", "шильдик.jpg")),)
    assert missing_documents(files, "Фото и видео в архиве.")[0] == ("claim_form",)


def test_archive_that_cannot_be_listed_counts_for_what_the_text_says() -> None:
    files = (att("дефект.rar", "application/x-rar-compressed"),)
    text = "В архиве видео, на котором видно, что экран мерцает, и фото этикетки с серийным номером."
    assert missing_documents(files, text)[0] == ("claim_form",)
    assert missing_documents(files, "Архив с документами.")[0] == ("claim_form", "defect_photos", "label_photos")


def test_receipt_photo_is_not_a_defect_photo() -> None:
    files = (att("kvitanciya_0511.jpg", "image/jpeg"),)
    assert missing_documents(files, "Фото квитанции прилагаю.")[0] == ("claim_form", "defect_photos", "label_photos")
    files = (att("chek.jpg", "image/jpeg"), att("IMG_2201.jpg", "image/jpeg"))
    assert missing_documents(files, "")[0] == ("claim_form", "label_photos")


def test_video_of_a_defective_scanner_is_a_defect_video_not_a_paper_scan() -> None:
    files = (att("Заявление_Орлов.pdf", "application/pdf"), att("сканер_не_читает.mp4", "video/mp4"),
             att("шильдик.jpg", "image/jpeg"))
    assert missing_documents(files, "")[0] == ()
    # a scanned receipt stays a paper
    assert missing_documents((att("скан_чека.jpg", "image/jpeg"),), "")[0] == ("claim_form", "defect_photos", "label_photos")
