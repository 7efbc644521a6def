"""What to flag about an attachment for staff: too large to store apart, or a dangerous type.

Nothing is ever unpacked, opened or executed; the flags are data shown to staff. Pure.
"""

from __future__ import annotations

import re

from ingest.types import ParsedAttachment

OVERSIZE = "oversize"
DANGEROUS = "dangerous"

_DANGEROUS_EXT = frozenset(
    "exe com scr pif bat cmd vbs vbe js jse wsf wsh hta msi msp lnk cpl jar ps1 psm1 reg dll "
    "sys iso img vhd docm xlsm pptm dotm xltm xlam ppam sldm zip rar 7z cab ace arj gz tgz bz2 "
    "xz tar z uue apk app sh elf".split()
)
_DANGEROUS_TYPES = (
    "application/x-msdownload", "application/x-dosexec", "application/x-ms", "application/java",
    "application/x-sh", "application/javascript", "application/zip", "application/x-rar",
    "application/x-7z", "application/vnd.ms-excel.sheet.macroenabled",
    "application/vnd.ms-word.document.macroenabled", "application/x-msi", "application/hta",
)


def extensions(filename: str | None) -> list[str]:
    """Every extension-like piece of a name: ``счёт.pdf.exe`` → [pdf, exe], ``a.jpg_.zip`` → [jpg, zip]."""
    if not filename:
        return []
    return [m.lower() for m in re.findall(r"\.([A-Za-z0-9]{1,5})(?=[^A-Za-z0-9]|$)", filename)]


def attachment_flags(att: ParsedAttachment, max_bytes: int) -> tuple[str, ...]:
    flags = []
    if max_bytes and att.size > max_bytes:
        flags.append(OVERSIZE)
    exts = extensions(att.filename)
    if any(e in _DANGEROUS_EXT for e in exts) or att.content_type.startswith(_DANGEROUS_TYPES):
        flags.append(DANGEROUS)
    return tuple(flags)
