"""Images and OCR: what an image is (size, EXIF date, photo or scan) and the text Tesseract reads.

Edge: runs ``tesseract`` (rus+eng) and ``pdftoppm`` (poppler) as subprocesses with timeouts,
inside a per-mail ``Budget`` of OCR pages and seconds. Images are checked for their pixel count
before they are decoded (decompression bombs) and shrunk before OCR.
"""

from __future__ import annotations

import io
import logging
import os
import shutil
import subprocess
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

from ingest.types import ExtractLimits, ImageFacts

log = logging.getLogger(__name__)

_OCR_SIDE = 2400  # longest side of what Tesseract gets (about 200 dpi for A4)
_MIN_OCR_PIXELS = 100_000  # smaller pictures (logos, icons) are not worth an OCR run
_EXIF_IFD, _DATE_ORIGINAL, _DATE, _MAKE, _MODEL = 0x8769, 36867, 306, 271, 272


class Unreadable(Exception):
    """A file that cannot be read; the message is the reason staff see."""


class Budget:
    """What is left of one mail's reading time and OCR pages."""

    def __init__(self, limits: ExtractLimits) -> None:
        start = time.monotonic()
        self.limits = limits
        self._deadline = start + limits.seconds
        self._ocr_deadline = start + min(limits.ocr_seconds, limits.seconds)
        self._ocr_left = limits.ocr_pages if limits.ocr else 0
        self.deferred = limits.ocr and limits.ocr_after_registration
        self.wanted = 0  # pages and pictures that wait for OCR after registration

    def expired(self) -> bool:
        return time.monotonic() >= self._deadline

    def ocr_seconds(self) -> float:
        return max(0.0, self._ocr_deadline - time.monotonic())

    def can_ocr(self) -> bool:
        if self.deferred:
            self.wanted += 1
            return False
        return self._ocr_left > 0 and self.ocr_seconds() >= 1.0 and tesseract_available()

    def spend_page(self) -> None:
        self._ocr_left -= 1


def tesseract_available() -> bool:
    return shutil.which("tesseract") is not None


def read_image(data: bytes, limits: ExtractLimits, budget: Budget
               ) -> tuple[ImageFacts, str | None, str | None]:
    """Facts about an image, its OCR text (None when not read) and a note on why not."""
    from PIL import Image

    image = _open_image(data, limits.max_pixels)
    width, height = image.size  # before draft mode shrinks it
    taken, camera = _exif(image)
    gray = _decoded(image)
    facts = ImageFacts(width, height, taken, camera, _document_like(image, gray))
    if width * height < _MIN_OCR_PIXELS:
        return facts, None, "too small to hold a document or a label"
    if not budget.can_ocr():
        return facts, None, ("OCR after registration" if budget.deferred else "OCR budget spent") \
            if limits.ocr else None
    png = io.BytesIO()
    _for_ocr(gray, Image).save(png, "PNG")
    text, note = run_tesseract(png.getvalue(), budget)
    return facts, text, note


def _open_image(data: bytes, max_pixels: int) -> Any:
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = max_pixels
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise Unreadable(f"image larger than {max_pixels} pixels (decompression bomb guard)") from exc
    if image.width * image.height > max_pixels:
        raise Unreadable(f"image {image.width}×{image.height} larger than {max_pixels} pixels")
    return image


def _decoded(image: Any) -> Any:
    """The image decoded in grey, no larger than OCR needs (JPEG draft mode decodes it smaller)."""
    if image.mode in ("RGB", "L", "CMYK", "YCbCr"):
        image.draft(image.mode, (_OCR_SIDE, _OCR_SIDE))
    return image.convert("L")


def _exif(image: Any) -> tuple[str | None, str | None]:
    try:
        exif = image.getexif()
        taken = exif.get_ifd(_EXIF_IFD).get(_DATE_ORIGINAL) or exif.get(_DATE)
        camera = " ".join(str(exif.get(t, "")).strip("\x00 ") for t in (_MAKE, _MODEL)).strip()
        return (str(taken).strip("\x00 ") or None) if taken else None, camera or None
    except Exception:  # noqa: BLE001 - broken EXIF is no reason to give up on the image
        return None, None


def _document_like(image: Any, gray: Any) -> bool:
    """A scan or a photo of a paper: mostly light, little colour, sharp dark strokes."""
    small = gray.copy()
    small.thumbnail((256, 256))
    histogram = small.histogram()
    pixels = max(1, sum(histogram))
    light, dark = sum(histogram[171:]) / pixels, sum(histogram[:90]) / pixels
    return light > 0.6 and dark < 0.25 and _saturation(image) < 40


def _saturation(image: Any) -> float:
    if image.mode in ("L", "1", "LA", "I", "I;16", "F"):
        return 0.0
    thumb = image.convert("RGB")
    thumb.thumbnail((128, 128))
    histogram = thumb.convert("HSV").getchannel("S").histogram()
    counts: list[int] = list(histogram)
    return sum(value * n for value, n in enumerate(counts)) / max(1, sum(counts))


def _for_ocr(gray: Any, image_module: Any) -> Any:
    """Shrunk to at most _OCR_SIDE on the long side, small images doubled."""
    side = max(gray.size)
    if side > _OCR_SIDE:
        gray = gray.copy()
        gray.thumbnail((_OCR_SIDE, _OCR_SIDE))
    elif side < 1000:
        gray = gray.resize((gray.width * 2, gray.height * 2), image_module.Resampling.LANCZOS)
    return gray


def run_tesseract(png: bytes, budget: Budget) -> tuple[str | None, str | None]:
    """Tesseract's text for one page image: (text, None), or (None, why not)."""
    budget.spend_page()
    timeout = budget.ocr_seconds()
    cmd = ["tesseract", "stdin", "stdout", "-l", budget.limits.ocr_languages, "--psm", "3"]
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # one core: the machine is shared
    try:
        done = subprocess.run(cmd, input=png, capture_output=True, timeout=timeout, env=env, check=False)
    except subprocess.TimeoutExpired:
        return None, f"OCR stopped after {timeout:.0f} s"
    except OSError as exc:
        return None, f"OCR not available ({type(exc).__name__})"
    if done.returncode != 0:
        return None, f"OCR failed (exit {done.returncode})"
    return done.stdout.decode("utf-8", "replace"), None


def ocr_pdf_page(pdf: bytes, number: int, budget: Budget) -> tuple[str | None, str | None]:
    """Render one PDF page with pdftoppm (grey, long side _OCR_SIDE) and OCR it."""
    if shutil.which("pdftoppm") is None:
        return None, "pdftoppm not installed: the scanned page cannot be rendered"
    with tempfile.TemporaryDirectory(prefix="complaintdesk-ocr-") as tmp:
        source, out = Path(tmp, "in.pdf"), Path(tmp, "page")
        source.write_bytes(pdf)
        cmd = ["pdftoppm", "-f", str(number), "-l", str(number), "-gray", "-png", "-singlefile",
               "-r", "200", "-scale-to", str(_OCR_SIDE), str(source), str(out)]
        try:
            subprocess.run(cmd, capture_output=True, timeout=max(1.0, budget.ocr_seconds()), check=False)
        except subprocess.TimeoutExpired:
            return None, "rendering the scanned page took too long"
        page = out.with_suffix(".png")
        if not page.exists():
            return None, "the scanned page could not be rendered"
        return run_tesseract(page.read_bytes(), budget)
