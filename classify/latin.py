"""Mail in Latin letters: Russian typed in transliteration, English, and Latin-script names.

A mail mostly in Latin letters whose words are Russian by their common translit shapes
(«ne mogu», «pozhaluysta», «-tsya», «-iya») is read in Cyrillic for kind and routing through a
small reverse table (zh, kh, ts, ch, sh, shch, yu, ya, yo, e' …); it need not be perfect, only
keyword stems must come out right. Latin acronyms of Russian project names (EGAIS, UTM, FSRAR ID)
are read in Cyrillic in any mail. Names in Latin letters are kept as written: «Hans Becker» is
first name + last name (English order) unless the words read as a Russian name in another order.
Pure.
"""

from __future__ import annotations

import functools
import re

from classify.names import PersonName, is_first_name, is_patronymic_word

_LATIN_LETTERS = re.compile(r"[A-Za-z]")
_CYRILLIC_LETTERS = re.compile(r"[А-Яа-яЁё]")
_LATIN_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
_PAIRS = (("shch", "щ"), ("sch", "щ"), ("tsya", "тся"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"), ("ch", "ч"),
          ("sh", "ш"), ("yu", "ю"), ("ya", "я"), ("yo", "ё"), ("ye", "е"), ("ju", "ю"), ("ja", "я"),
          ("e'", "э"), ("''", "ъ"))
_SINGLE = dict(zip("abvgdezijklmnoprstufhcwq'", "абвгдезийклмнопрстуфхцвкь"))
_VOWELS = set("аеёиоуыэюя")
# Russian words written in Latin letters, and the shapes of Russian endings in translit
_RU_WORDS = frozenset(
    "ne net na po za ot iz ya my vy ona oni eto kak chto uzhe esli ili dlya pri cherez ochen "
    "pozhaluysta pozhalujsta spasibo zdravstvuyte zdravstvujte dobryy dobryj den menya nas vas vash vashu "
    "vashey nash nashu mozhno nuzhno nuzhna nuzhen mogu mozhet rabotaet pishet pochemu kogda gde tozhe "
    "takzhe seychas segodnya vchera".split())
_RU_SHAPE = re.compile(r"(zh|kh|shch|tsya|iya|aya|yye|ogo|ego|ykh|ikh|yami|ami|ovat|irovat|ennyy|nyy)", re.I)
_EN_WORDS = frozenset(
    "the and of is are we you for our your with this that please be have it as by at from would could "
    "will not an dear regards sincerely writing us".split())
_ACRONYM = re.compile(r"(?<![A-Za-z])[A-Z]{2,6}(?![A-Za-z])")
_NAME_WORD = re.compile(r"^[A-Z][a-z]+(?:-[A-Z][a-z]+)?$|^[A-Z]{2,}$")
# words of Latin signatures that are not names (titles, departments, closings)
_NOT_NAMES = frozenset(
    "kind best warm regards sincerely yours dear sir madam mr mrs ms dr prof head chief manager director "
    "sales export import purchasing procurement marketing support service customer account accounting "
    "team department office general managing senior junior lead assistant engineer officer president "
    "owner founder ceo cfo cto coo ltd llc inc gmbh ag plc corp company group international thank thanks "
    "hello hi good morning afternoon evening tel phone mobile fax email mail www russia germany".split())


def is_translit(text: str) -> bool:
    """Russian written in Latin letters: mostly Latin letters, and words that are Russian by shape."""
    sample = text[:5000]
    latin = len(_LATIN_LETTERS.findall(sample))
    cyrillic = len(_CYRILLIC_LETTERS.findall(sample))
    if latin < 20 or latin < 4 * cyrillic:
        return False
    found = [w.lower() for w in _LATIN_WORD.findall(sample)]
    russian = sum(w in _RU_WORDS or bool(_RU_SHAPE.search(w)) for w in found)
    english = sum(w in _EN_WORDS for w in found)
    return russian >= 3 and russian > 2 * english


def to_cyrillic(text: str) -> str:
    """Transliterated Russian back in Cyrillic, word by word (other characters unchanged)."""
    return _LATIN_WORD.sub(lambda m: _word_to_cyrillic(m.group(0)), text)


def acronyms_to_cyrillic(text: str) -> str:
    """Latin acronyms of Russian names (EGAIS, UTM, FSRAR) read in Cyrillic, the rest unchanged."""
    return _ACRONYM.sub(lambda m: _word_to_cyrillic(m.group(0)), text)


@functools.lru_cache(maxsize=20000)
def _word_to_cyrillic(word: str) -> str:
    low = word.lower()
    out: list[str] = []
    i = 0
    while i < len(low):
        pair = next(((lat, cyr) for lat, cyr in _PAIRS if low.startswith(lat, i)
                     and (lat != "tsya" or i + 4 == len(low))), None)
        if pair:
            out.append(pair[1])
            i += len(pair[0])
            continue
        char = low[i]
        if char == "y":  # after a vowel «й» (nayden, russkiy), otherwise «ы» (vy, novyy)
            out.append("й" if out and out[-1] in _VOWELS else "ы")
        elif char == "x":
            out.append("кс")
        else:
            out.append(_SINGLE.get(char, char))
        i += 1
    result = "".join(out)
    return result.upper() if word.isupper() and len(word) > 1 else result.capitalize() if word[:1].isupper() else result


def read_latin_name(line: str) -> PersonName | None:
    """A line that is only a person's name in Latin letters («Hans Becker», «Mr. John Smith»,
    «Osipenko Denis»), kept as written (title-cased); None otherwise."""
    tokens = [t.strip(",.") for t in line.split()]
    tokens = [t for t in tokens if t and t.lower() not in ("mr", "mrs", "ms", "dr", "prof")]
    if not 2 <= len(tokens) <= 3 or not all(_NAME_WORD.match(t) for t in tokens):
        return None
    if any(t.lower() in _NOT_NAMES or t.lower() in _EN_WORDS or t.lower() in _RU_WORDS for t in tokens):
        return None
    names = [_title(t) for t in tokens]
    if len(names) == 3:
        if is_patronymic_word(_word_to_cyrillic(names[1].lower())):
            return PersonName(names[2], names[0], names[1])
        if is_patronymic_word(_word_to_cyrillic(names[2].lower())):
            return PersonName(names[0], names[1], names[2])
        return None
    first, second = (is_first_name(_word_to_cyrillic(n.lower())) for n in names)
    if second and not first:  # Russian order: «Osipenko Denis»
        return PersonName(names[0], names[1])
    return PersonName(names[1], names[0])


def _title(word: str) -> str:
    return "-".join(part[:1].upper() + part[1:].lower() for part in word.split("-"))
