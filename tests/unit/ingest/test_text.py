from ingest.text import codec_for, decode_bytes, guess_cyrillic, html_to_text

RU = "Прошу вернуть деньги за неисправный товар, купленный в вашем магазине."


def test_declared_charsets_decode() -> None:
    for charset in ("utf-8", "windows-1251", "koi8-r", "cp1251"):
        assert decode_bytes(RU.encode(codec_for(charset) or charset), charset) == RU


def test_undeclared_8bit_is_guessed() -> None:
    assert decode_bytes(RU.encode("cp1251"), None) == RU
    assert decode_bytes(RU.encode("koi8_r"), None) == RU
    assert decode_bytes(RU.encode("utf-8"), None) == RU


def test_wrongly_declared_charset_falls_back() -> None:
    assert decode_bytes(RU.encode("cp1251"), "utf-8") == RU
    assert decode_bytes(RU.encode("koi8_r"), "us-ascii") == RU
    assert decode_bytes(RU.encode("utf-8"), "x-unknown-charset") == RU
    # a NUL in the declared name (found by the fuzz test once classify stopped hiding errors)
    assert codec_for("utf-\x008") is None
    assert decode_bytes(RU.encode("cp1251"), "windows-\x001251") == RU


def test_guess_prefers_the_charset_whose_lowercase_dominates() -> None:
    assert guess_cyrillic("жалоба".encode("cp1251")) == "cp1251"
    assert guess_cyrillic("жалоба".encode("koi8_r")) == "koi8_r"


def test_html_to_text_drops_script_and_keeps_blocks() -> None:
    html = ("<html><head><style>p{color:red}</style></head><body><p>Добрый&nbsp;день!</p>"
            "<script>alert(1)</script><div>Строка&nbsp;2<br>Строка 3</div></body></html>")
    text = html_to_text(html)
    assert "alert" not in text and "color" not in text
    assert text.splitlines() == ["Добрый день!", "", "Строка 2", "Строка 3"]
