"""Turning bytes and HTML into readable text: charset decoding and HTML-to-text.

Russian mail still arrives in utf-8, windows-1251 and koi8-r, sometimes as 8-bit bytes with no
declared charset or with a wrong one. Pure functions; no I/O.
"""

from __future__ import annotations

import codecs
import html
import re
from html.parser import HTMLParser

_ALIASES = {
    "cp-1251": "cp1251",
    "win-1251": "cp1251",
    "x-cp1251": "cp1251",
    "windows-1251": "cp1251",
    "koi8r": "koi8_r",
    "unknown-8bit": "",
    "x-unknown": "",
    "unknown": "",
    "us-ascii": "utf-8",  # 8-bit bytes labelled us-ascii are almost always utf-8 or cp1251
    "ascii": "utf-8",
    "ks_c_5601-1987": "cp949",
    "x-mac-cyrillic": "mac_cyrillic",
}


def codec_for(charset: str | None) -> str | None:
    """The Python codec for a declared charset, or None when it is unknown or missing."""
    if not charset:
        return None
    name = charset.strip().strip('"').lower()
    name = _ALIASES.get(name, name)
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except (LookupError, ValueError):  # unknown, or not a name at all (a NUL in it)
        return None


def guess_cyrillic(data: bytes) -> str:
    """Choose between cp1251 and koi8-r for 8-bit Russian text.

    Russian prose is mostly lower case: in windows-1251 lower-case letters are 0xE0-0xFF, in
    KOI8-R they are 0xC0-0xDF. Whichever range holds more bytes wins.
    """
    upper_half = sum(1 for b in data if b >= 0xE0)
    lower_half = sum(1 for b in data if 0xC0 <= b < 0xE0)
    return "koi8_r" if lower_half > upper_half else "cp1251"


def decode_bytes(data: bytes, charset: str | None = None) -> str:
    """Decode ``data`` using the declared charset when it fits, else utf-8, else a guess."""
    codec = codec_for(charset)
    if codec:
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            pass
    if not any(b >= 0x80 for b in data):
        return data.decode("ascii")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if sum(1 for b in data if b >= 0xC0) * 2 >= sum(1 for b in data if b >= 0x80):
        return data.decode(guess_cyrillic(data), errors="replace")
    return data.decode(codec or "cp1252", errors="replace")


_BLOCK_TAGS = frozenset(
    "p div br tr li ul ol table h1 h2 h3 h4 h5 h6 blockquote pre hr section article "
    "header footer address dt dd title".split()
)
_SKIP_TAGS = frozenset(("script", "style", "head", "noscript", "template"))


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip_depth += 1
        elif tag in _BLOCK_TAGS:
            self.chunks.append("\n")
        elif tag == "td":
            self.chunks.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in _BLOCK_TAGS:
            self.chunks.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self.chunks.append(data)


_SPACES = re.compile(r"[ \t\u00a0\r\f\v]+")
_BLANKS = re.compile(r"\n\s*\n\s*\n+")


def html_to_text(markup: str) -> str:
    """Readable plain text from an HTML body: scripts and styles dropped, blocks on new lines."""
    parser = _TextExtractor()
    try:
        parser.feed(markup)
        parser.close()
    except (AssertionError, ValueError):  # html.parser's refusals: keep the text, tags cut
        return html.unescape(re.sub(r"<[^>]*>", " ", markup))
    text = "".join(parser.chunks)
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()
