"""The extraction edge on files built here: text PDFs, scans, photos, DOCX/XLSX/ODT/RTF, and
hostile files (zip bomb, pixel bomb, encrypted, 300 pages, truncated) that must come back as
«unreadable» with a reason, within the limits, never as an exception."""

from __future__ import annotations

import io
import random
import time
import zipfile
from dataclasses import replace

import pytest
from PIL import Image

from ingest.extract import extract_attachments, sniff_format
from ingest.types import ExtractLimits, ParsedAttachment
from tests.docfiles import (CLAIM_LINES, docx_file, jpeg, label_photo, noise_photo, page_image,
                            pdf_with_text, scanned_pdf, zip_bomb_docx)

LIMITS = ExtractLimits(ocr_after_registration=False)  # OCR here, as pipeline.reread runs it


def _read(name: str, data: bytes, ctype: str = "application/octet-stream", limits: ExtractLimits = LIMITS):
    started = time.monotonic()
    [found] = extract_attachments((ParsedAttachment(name, ctype, "attachment", data),), limits)
    return found, time.monotonic() - started


def test_pdf_text_layer_is_read_without_ocr() -> None:
    found, _ = _read("Претензия.pdf", pdf_with_text([CLAIM_LINES]), "application/pdf")
    assert found.format == "pdf" and found.unreadable is None and found.ocr_pages == ()
    assert "ПРЕТЕНЗИЯ" in found.text and "ООО «Вектор»" in found.text


def test_scanned_pdf_page_goes_through_ocr() -> None:
    found, _ = _read("Скан_001.pdf", scanned_pdf([page_image(CLAIM_LINES)]), "application/pdf")
    assert found.ocr_pages == (1,), found.notes
    assert "ПРЕТЕНЗИЯ" in found.text and "Вектор" in found.text and "3123456789" in found.text


def test_scanned_jpeg_turned_and_noisy_is_a_document_and_read() -> None:
    found, _ = _read("IMG_0001.jpg", jpeg(page_image(CLAIM_LINES, angle=1.5), 55), "image/jpeg")
    assert found.format == "image" and found.image is not None and found.image.document_like
    assert (found.image.width, found.image.height) == (1654, 2339) or found.image.width > 1600
    assert "ПРЕТЕНЗИЯ" in found.text and "не включается" in found.text


def test_label_photo_is_a_photo_with_the_label_text() -> None:
    data = label_photo(["Зав. № SN8841207", "Дата изготовления: 03.2026", "4607001234562"])
    found, _ = _read("IMG_4411.jpg", data, "image/jpeg")
    assert found.image is not None and not found.image.document_like
    assert "SN8841207" in found.text and "изготовления" in found.text


def test_exif_date_is_kept() -> None:
    image = Image.new("RGB", (640, 480), (120, 60, 30))
    exif = Image.Exif()
    exif[306] = "2026:11:20 14:03:11"
    exif[271] = "Xiaomi"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    found, _ = _read("IMG_4412.jpg", out.getvalue(), "image/jpeg")
    assert found.image is not None and found.image.taken == "2026:11:20 14:03:11"
    assert found.image.camera == "Xiaomi"


def test_image_with_nothing_readable_gives_no_words() -> None:
    found, _ = _read("IMG_4413.jpg", noise_photo(), "image/jpeg")
    assert found.unreadable is None and found.image is not None and not found.image.document_like
    assert not any(len(w) >= 5 and w.isalpha() for w in found.text.split())


def test_docx_claim_is_read() -> None:
    found, _ = _read("Документ1.docx", docx_file(CLAIM_LINES))
    assert found.format == "docx" and "ПРЕТЕНЗИЯ" in found.text and "Соколов А. П." in found.text


def test_xlsx_odt_and_rtf_are_read() -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["Товар", "Дефект"])
    book.active.append(["Сканер СШ-200", "не включается"])
    out = io.BytesIO()
    book.save(out)
    assert "не включается" in _read("акт.xlsx", out.getvalue())[0].text
    odt = io.BytesIO()
    with zipfile.ZipFile(odt, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
                   'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>'
                   '<text:h>ПРЕТЕНЗИЯ</text:h><text:p>Требуем заменить товар.</text:p></office:text></office:body>'
                   '</office:document-content>')
    assert _read("претензия.odt", odt.getvalue())[0].text == "ПРЕТЕНЗИЯ\nТребуем заменить товар."
    rtf = rb"{\rtf1\ansi\ansicpg1251{\fonttbl{\f0 Arial;}}\f0 \'cf\'d0\'c5\'d2\'c5\'cd\'c7\'c8\'df\par \u1058?\u1086?\u1074?\u1072?\u1088?}"
    assert _read("claim.rtf", rtf)[0].text == "ПРЕТЕНЗИЯ\nТовар"


def test_zip_bomb_is_refused_before_unpacking() -> None:
    found, seconds = _read("Документ2.docx", zip_bomb_docx(200_000_000))
    assert found.unreadable and "zip bomb" in found.unreadable
    assert seconds < 2.0


def test_pixel_bomb_is_refused_before_decoding() -> None:
    out = io.BytesIO()
    Image.new("1", (12000, 12000)).save(out, "PNG")  # 144 Mpx, a few kB on the wire
    found, seconds = _read("photo.png", out.getvalue(), "image/png")
    assert found.unreadable and "pixels" in found.unreadable and seconds < 2.0


def test_encrypted_pdf_is_unreadable_with_its_reason() -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(pdf_with_text([CLAIM_LINES]))))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    found, _ = _read("Претензия.pdf", out.getvalue(), "application/pdf")
    assert found.unreadable is not None and "encrypted" in found.unreadable
    assert found.text == ""


def test_300_page_pdf_is_read_up_to_the_page_cap_quickly() -> None:
    pages = [[f"Страница {n}", "Текст приложения к претензии."] for n in range(1, 301)]
    found, seconds = _read("Приложения.pdf", pdf_with_text(pages), "application/pdf")
    assert len(found.pages) == LIMITS.max_pages and "Страница 30" in found.pages[-1]
    assert any("300 pages" in note for note in found.notes)
    assert seconds < 15.0


def test_300_blank_scanned_pages_are_ocred_only_up_to_the_cap() -> None:
    blank = Image.new("L", (300, 420), 255)
    limits = replace(LIMITS, ocr_pages=2, max_pages=300)
    found, seconds = _read("Скан_002.pdf", scanned_pdf([blank] * 300), "application/pdf", limits)
    assert len(found.ocr_pages) <= 2 and len(found.pages) == 300
    assert any("OCR budget spent" in note for note in found.notes)
    assert seconds < limits.seconds + 5


def test_truncated_docx_is_unreadable() -> None:
    data = docx_file(CLAIM_LINES)
    found, _ = _read("Документ1.docx", data[: len(data) // 2],
                     "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    assert found.unreadable is not None and "ZIP" in found.unreadable


def test_ocr_time_budget_is_respected() -> None:
    limits = replace(LIMITS, ocr_seconds=0.5)  # less than one OCR run needs
    found, seconds = _read("Скан_003.pdf", scanned_pdf([page_image(CLAIM_LINES)]), "application/pdf", limits)
    assert found.ocr_pages == () and any("OCR budget" in n for n in found.notes) and seconds < 5


@pytest.mark.parametrize("name,ctype", [
    ("a.pdf", "application/pdf"), ("b.docx", "application/octet-stream"), ("c.jpg", "image/jpeg"),
    ("d.xlsx", "application/octet-stream"), ("e.rtf", "application/rtf"), ("f.odt", "application/octet-stream"),
])
def test_random_and_damaged_bytes_never_raise(name: str, ctype: str) -> None:
    rng = random.Random(name)
    good = {"a.pdf": pdf_with_text([CLAIM_LINES]), "b.docx": docx_file(CLAIM_LINES),
            "c.jpg": jpeg(page_image(["Текст"], size=(400, 300))), "e.rtf": rb"{\rtf1 \'cf}"}.get(name, b"PK\x03\x04")
    for _ in range(15):
        data = bytearray(good)
        for _ in range(rng.randrange(1, 40)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        found, _ = _read(name, bytes(data[: rng.randrange(1, len(data) + 1)]), ctype)
        assert found.unreadable is None or found.unreadable  # a reason, never an exception


def test_ocr_after_registration_leaves_scans_marked_for_later() -> None:
    scan = scanned_pdf([page_image(CLAIM_LINES)])
    found, seconds = _read("Скан_001.pdf", scan, "application/pdf", ExtractLimits())
    assert found.ocr_wanted and found.ocr_pages == () and "ПРЕТЕНЗИЯ" not in found.text
    assert any("OCR after registration" in n for n in found.notes) and seconds < 2
    text_pdf, _ = _read("Претензия.pdf", pdf_with_text([CLAIM_LINES]), "application/pdf", ExtractLimits())
    assert not text_pdf.ocr_wanted and "ПРЕТЕНЗИЯ" in text_pdf.text


def test_format_is_told_by_the_bytes_before_the_name() -> None:
    assert sniff_format(jpeg(Image.new("RGB", (10, 10))), "application/pdf", "скан.pdf") == "image"
    assert sniff_format(b"%PDF-1.4 ...", "application/octet-stream", "file.bin") == "pdf"
    assert sniff_format(b"\x00\x01", "video/mp4", "Видео.mp4") == "media"


def test_inline_logos_do_not_spend_the_ocr_budget() -> None:
    logo = io.BytesIO()
    Image.new("RGB", (240, 80), (200, 30, 30)).save(logo, "PNG")
    parts = tuple(ParsedAttachment(f"logo{i}.png", "image/png", "inline", logo.getvalue()) for i in range(3))
    scan = ParsedAttachment("Скан_001.pdf", "application/pdf", "attachment", scanned_pdf([page_image(CLAIM_LINES)]))
    found = extract_attachments((*parts, scan), replace(LIMITS, ocr_pages=1))
    assert [x.index for x in found] == [0, 1, 2, 3]
    assert found[3].ocr_pages == (1,) and "ПРЕТЕНЗИЯ" in found[3].text
    assert all(x.ocr_pages == () and x.image is not None for x in found[:3])
