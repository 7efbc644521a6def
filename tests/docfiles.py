"""Test files built in the tests: PDFs (hand-written, with a Unicode text layer), scans and
photos drawn with Pillow in a Cyrillic font, DOCX files, zip bombs. No shared data."""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
CLAIM_LINES = [
    "ООО «Вектор»",
    "ИНН 3123456789 КПП 312301001",
    "308000, г. Белгород, ул. Попова, д. 10",
    "",
    "ПРЕТЕНЗИЯ",
    "",
    "Мы приобрели у вас сканер штрихкода по накладной № 17.",
    "Товар оказался с браком: сканер не включается, трещина корпуса.",
    "Требуем заменить товар на исправный в течение 10 дней.",
    "",
    "Генеральный директор  ______  Соколов А. П.",
]


def pdf_with_text(pages: list[list[str]]) -> bytes:
    """A PDF whose pages carry the given lines as a text layer (Type0 font, Identity ToUnicode)."""
    objects: list[bytes] = []
    page_ids = [5 + 2 * i for i in range(len(pages))]
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    kids = " ".join(f"{i} 0 R" for i in page_ids).encode()
    objects.append(b"<< /Type /Pages /Kids [" + kids + b"] /Count " + str(len(pages)).encode() + b" >>")
    objects.append(b"<< /Type /Font /Subtype /Type0 /BaseFont /DejaVuSans /Encoding /Identity-H "
                   b"/DescendantFonts [<< /Type /Font /Subtype /CIDFontType2 /BaseFont /DejaVuSans "
                   b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 600 >>] "
                   b"/ToUnicode 4 0 R >>")
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /U def "
            b"1 begincodespacerange <0000> <FFFF> endcodespacerange "
            b"3 beginbfrange <0020> <04FF> <0020> <2010> <201F> <2010> <2100> <211F> <2100> endbfrange "
            b"endcmap end end")  # Latin, Cyrillic, dashes and quotes, №
    objects.append(b"<< /Length " + str(len(cmap)).encode() + b" >>\nstream\n" + cmap + b"\nendstream")
    for lines in pages:
        ops = [b"BT /F1 11 Tf 14 TL 56 780 Td"]
        for line in lines:
            ops.append(b"<" + line.encode("utf-16-be").hex().encode() + b"> Tj T*")
        ops.append(b"ET")
        stream = b"\n".join(ops)
        page_no = len(objects) + 1
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
                       b"/Contents " + str(page_no + 1).encode() + b" 0 R >>")
        objects.append(b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream")
    return _assemble(objects)


def _assemble(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def page_image(lines: list[str], size: tuple[int, int] = (1654, 2339), font_size: int = 38,
               angle: float = 1.2, seed: int = 1) -> Image.Image:
    """A scanned A4 page (200 dpi): black text on white, turned a little, speckled."""
    page = Image.new("L", size, 250)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(str(FONT), font_size)
    y = 160
    for line in lines:
        draw.text((150, y), line, fill=20, font=font)
        y += int(font_size * 1.6)
    rng = random.Random(seed)
    for _ in range(3000):
        draw.point((rng.randrange(size[0]), rng.randrange(size[1])), fill=rng.choice((120, 200)))
    return page.rotate(angle, fillcolor=250, resample=Image.Resampling.BICUBIC)


def jpeg(image: Image.Image, quality: int = 70) -> bytes:
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=quality)
    return out.getvalue()


def scanned_pdf(images: list[Image.Image]) -> bytes:
    """A PDF of page images only (no text layer), as a scanner makes it."""
    out = io.BytesIO()
    first, *rest = [i.convert("RGB") for i in images]
    first.save(out, "PDF", resolution=200, save_all=True, append_images=rest)
    return out.getvalue()


def label_photo(lines: list[str], seed: int = 3) -> bytes:
    """A photo of a product: a coloured, textured background with a white label on it."""
    rng = random.Random(seed)
    photo = Image.new("RGB", (1600, 1200), (70, 90, 140))
    draw = ImageDraw.Draw(photo)
    for _ in range(400):
        x, y = rng.randrange(1600), rng.randrange(1200)
        draw.ellipse((x, y, x + rng.randrange(20, 120), y + rng.randrange(20, 120)),
                     fill=(rng.randrange(30, 200), rng.randrange(30, 160), rng.randrange(60, 220)))
    photo = photo.filter(ImageFilter.GaussianBlur(3))
    label = Image.new("RGB", (900, 60 + 62 * len(lines)), (245, 245, 240))
    font = ImageFont.truetype(str(FONT), 40)
    ldraw = ImageDraw.Draw(label)
    for i, line in enumerate(lines):
        ldraw.text((30, 30 + 62 * i), line, fill=(10, 10, 10), font=font)
    photo.paste(label.rotate(2, expand=True, fillcolor=(70, 90, 140)), (350, 300))
    return jpeg(photo, 80)


def noise_photo(seed: int = 5) -> bytes:
    """A photo with nothing readable in it (a blurred colourful scene)."""
    rng = random.Random(seed)
    photo = Image.new("RGB", (1200, 900))
    photo.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(1200 * 900)])
    return jpeg(photo.filter(ImageFilter.GaussianBlur(6)), 75)


def docx_file(lines: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def zip_bomb_docx(unpacked: int = 200_000_000) -> bytes:
    """A DOCX-looking ZIP whose document.xml inflates to ``unpacked`` bytes of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * 1_000_000
            for _ in range(unpacked // len(chunk)):
                member.write(chunk)
    return out.getvalue()
