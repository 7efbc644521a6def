"""Office documents to text: DOCX (python-docx), XLSX (openpyxl), ODT (its content.xml), RTF, text.

Edge helpers of ``ingest.extract``. A ZIP-based document is checked before anything is unpacked:
member count, the sum of unpacked sizes and the compression ratio (zip bombs); zipfile itself
never inflates a member beyond its declared size. Raises ``Unreadable`` with the reason.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from xml.etree import ElementTree

from ingest.ocr import Unreadable
from ingest.text import decode_bytes
from ingest.types import ExtractLimits

_MAX_MEMBERS = 2000
_MAX_RATIO = 200  # a member inflating more than this (and past 1 MB) is a bomb
_MAX_CELLS = 20_000
_ODT_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"


def zip_kind(data: bytes) -> str:
    """docx, xlsx or odt by the members a ZIP lists; ``other`` for any other ZIP."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist()[:_MAX_MEMBERS])
    except Exception:  # noqa: BLE001 - a broken ZIP: let the name or type decide
        return "other"
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "content.xml" in names and "mimetype" in names:
        return "odt"
    return "other"


def check_zip(data: bytes, limits: ExtractLimits) -> None:
    """Refuse a ZIP that is broken, huge when unpacked or bomb-like, before reading it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise Unreadable(f"broken or truncated ZIP container ({type(exc).__name__})") from exc
    if len(infos) > _MAX_MEMBERS:
        raise Unreadable(f"{len(infos)} members in the ZIP container (limit {_MAX_MEMBERS})")
    total = sum(i.file_size for i in infos)
    if total > limits.max_unpacked_bytes:
        raise Unreadable(f"unpacks to {total} bytes (limit {limits.max_unpacked_bytes}): zip bomb guard")
    for info in infos:
        if info.file_size > 1_000_000 and info.file_size > _MAX_RATIO * max(1, info.compress_size):
            raise Unreadable(f"member compressed {info.file_size // max(1, info.compress_size)}:1: zip bomb guard")


def read_document(fmt: str, data: bytes, limits: ExtractLimits) -> tuple[str, ...]:
    """Text of a document, one entry per page-like unit (the document, or a sheet)."""
    if fmt in ("docx", "xlsx", "odt"):
        check_zip(data, limits)
    if fmt == "docx":
        return (_docx_text(data),)
    if fmt == "xlsx":
        return _xlsx_text(data)
    if fmt == "odt":
        return (_odt_text(data),)
    if fmt == "rtf":
        return (rtf_to_text(data[:limits.max_chars * 8]),)
    return (decode_bytes(data[:limits.max_chars * 4]),)


def _docx_text(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    lines: list[str] = []
    for section in document.sections[:3]:  # the letterhead is often in the page header
        lines += [p.text for p in section.header.paragraphs if p.text.strip()]
    lines += [p.text for p in document.paragraphs]
    for table in document.tables[:50]:
        for row in table.rows[:200]:
            lines.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def _xlsx_text(data: bytes) -> tuple[str, ...]:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    sheets: list[str] = []
    cells = 0
    try:
        for sheet in book.worksheets[:10]:
            rows: list[str] = []
            for row in sheet.iter_rows(values_only=True):
                cells += len(row)
                rows.append("\t".join("" if v is None else str(v) for v in row).rstrip())
                if cells > _MAX_CELLS:
                    break
            sheets.append("\n".join(r for r in rows if r))
            if cells > _MAX_CELLS:
                break
    finally:
        book.close()
    return tuple(sheets)


def _odt_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("content.xml")
    root = ElementTree.fromstring(xml)  # expat refuses entity-expansion bombs
    paragraphs = (el for el in root.iter() if el.tag in (f"{_ODT_TEXT}p", f"{_ODT_TEXT}h"))
    return "\n".join("".join(p.itertext()) for p in paragraphs)


_RTF_TOKEN = re.compile(rb"\\([a-z]{1,32})(-?\d{1,10})? ?|\\'([0-9a-f]{2})|\\(.)|([{}])|[\r\n]+|([^\\{}\r\n]+)", re.I)
_RTF_SKIP = {b"fonttbl", b"colortbl", b"stylesheet", b"info", b"pict", b"header", b"footer",
             b"object", b"themedata", b"datastore", b"latentstyles", b"listtable", b"xmlnstbl"}
_RTF_BREAK = {b"par": "\n", b"line": "\n", b"tab": "\t", b"cell": "\t", b"row": "\n", b"page": "\n"}


def rtf_to_text(data: bytes) -> str:
    """Plain text of an RTF document: \\'hh in its code page, \\uN, groups like fonts skipped."""
    codepage = re.search(rb"\\ansicpg(\d+)", data[:2000])
    reader = _RtfReader(_codec(f"cp{codepage.group(1).decode()}" if codepage else "cp1251"))
    for match in _RTF_TOKEN.finditer(data):
        reader.feed(*match.groups())
    reader.flush()
    return re.sub(r"\n{3,}", "\n\n", "".join(reader.out)).strip()


def _codec(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return "cp1251"


class _RtfReader:
    """Feeds on RTF tokens; keeps the text outside skipped groups (fonts, pictures, ``\\*``)."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self.out: list[str] = []
        self.stack: list[bool] = []
        self.skipping, self.fallback, self.pending = False, 0, bytearray()

    def flush(self) -> None:
        if self.pending:
            self.out.append(self.pending.decode(self.encoding, "replace"))
            self.pending.clear()

    def feed(self, word: bytes | None, arg: bytes | None, hexbyte: bytes | None, symbol: bytes | None,
             brace: bytes | None, text: bytes | None) -> None:
        if hexbyte is None:
            self.flush()
        if brace == b"{":
            self.stack.append(self.skipping)
        elif brace == b"}":
            self.skipping = self.stack.pop() if self.stack else False
        elif self.skipping:
            return
        elif word is not None:
            self._word(word.lower(), arg)
        elif hexbyte is not None:
            if self.fallback:
                self.fallback -= 1
            else:
                self.pending.append(int(hexbyte, 16))
        elif symbol is not None:
            self.skipping = symbol == b"*"
            self.out.append(symbol.decode("latin-1") if symbol in (b"{", b"}", b"\\") else "")
        elif text is not None:
            chunk = text.decode(self.encoding, "replace")
            self.out.append(chunk[self.fallback:])
            self.fallback = 0

    def _word(self, word: bytes, arg: bytes | None) -> None:
        self.skipping = word in _RTF_SKIP
        self.out.append(_RTF_BREAK.get(word, ""))
        if word == b"u" and arg:
            self.out.append(chr(int(arg) % 65536))
            self.fallback = 1
