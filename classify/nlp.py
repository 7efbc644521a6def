"""Language models, loaded once per process on first use (functools.cache), and word helpers.

pymorphy3 (names in the nominative, lemmas) loads in ~0.1 s; natasha's address extractor in
~1 s and costs ~100 ms per text, so callers run it only on candidate lines. Pure after loading.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from base.morph import morph_analyzer

_WORD = re.compile(r"[А-Яа-яЁёA-Za-z0-9]+(?:-[А-Яа-яЁё]+)?")


def morph() -> Any:
    return morph_analyzer()


@functools.cache
def addr_extractor() -> Any:
    from natasha import AddrExtractor, MorphVocab

    return AddrExtractor(MorphVocab())


@functools.lru_cache(maxsize=50000)
def parses(word: str) -> tuple[Any, ...]:
    """pymorphy3 parses of one word (cached: mail reuses the same words a lot)."""
    try:
        return tuple(morph().parse(word))
    except (ValueError, KeyError, IndexError):  # the dictionary refuses an odd "word"
        return ()


@functools.lru_cache(maxsize=50000)
def lemma(word: str) -> str:
    found = parses(word.lower())
    return found[0].normal_form.replace("ё", "е") if found else word.lower().replace("ё", "е")


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def address_span(line: str) -> tuple[int, int] | None:
    """Start and end of the postal address natasha finds in ``line`` (its parts joined), or None."""
    try:
        matches = list(addr_extractor()(line))
    except (ValueError, KeyError, IndexError, RecursionError):  # the grammar gives up on a line
        return None
    if not matches:
        return None
    return min(m.start for m in matches), max(m.stop for m in matches)
