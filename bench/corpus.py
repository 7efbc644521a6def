"""A reproducible mix of complaint mail for the benchmark, made from a seed.

The same (seed, n, options) always gives the same bytes: Russian appeals in utf-8,
windows-1251 and koi8-r (quoted-printable, base64 or 8bit), some with an HTML alternative or
HTML only, about 12 % with 1-3 attachments of 50 KB-2 MB (random bytes, Cyrillic jpg/pdf names),
and some bounces (multipart/report from MAILER-DAEMON) and auto-replies (Auto-Submitted).
"""

from __future__ import annotations

import base64
import math
import quopri
import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.header import Header
from email.utils import format_datetime
from urllib.parse import quote

OWN = "pretenzii@r31.center-inform.ru"
LAST = [("Иванов", "Иванова"), ("Петров", "Петрова"), ("Смирнов", "Смирнова"),
        ("Кузнецов", "Кузнецова"), ("Попов", "Попова"), ("Соколов", "Соколова"),
        ("Лебедев", "Лебедева"), ("Козлов", "Козлова"), ("Новиков", "Новикова"),
        ("Морозов", "Морозова"), ("Волков", "Волкова"), ("Зайцев", "Зайцева"),
        ("Белов", "Белова"), ("Орлов", "Орлова"), ("Медведев", "Медведева")]
FIRST_M = ["Александр", "Дмитрий", "Сергей", "Андрей", "Алексей", "Иван", "Николай", "Пётр"]
FIRST_F = ["Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Анна", "Мария", "Светлана"]
MIDDLE_M = ["Иванович", "Петрович", "Сергеевич", "Андреевич", "Николаевич", "Викторович"]
MIDDLE_F = ["Ивановна", "Петровна", "Сергеевна", "Андреевна", "Николаевна", "Викторовна"]
ORGS = ["ООО «Ромашка»", "ООО «Вектор»", "АО «Белгородхлеб»", "ИП Сидоров", "ООО «Торговый дом Оскол»",
        "МУП «Водоканал»", "ООО «Пивной двор»", "ООО «Стройресурс»", "ТСЖ «Рассвет»"]
CITIES = [("308000", "г. Белгород", "ул. Попова"), ("309500", "г. Старый Оскол", "мкр. Жукова"),
          ("241050", "г. Брянск", "ул. Фокина"), ("243140", "г. Клинцы", "ул. Ворошилова")]
TOPICS = [
    ("Не работает УТМ ЕГАИС", "После обновления транспортный модуль ЕГАИС не видит рутокен, "
     "накладные ТТН не уходят, остатки пива не списываются."),
    ("Жалоба на качество товара", "Купленный у вас сканер оказался с браком: дефект корпуса, "
     "не включается. Прошу произвести замену или возврат денег."),
    ("Ошибка в счёте", "В счёте за октябрь сумма указана неверно, оплату списали дважды. "
     "Прошу сделать перерасчёт и вернуть переплату."),
    ("Отчётность через интернет", "Отчёт в ФНС не отправляется, квитанция о приёме не пришла, "
     "протокол проверки содержит ошибку, срок сдачи НДС завтра."),
    ("ЭЦП для торгов", "Электронная подпись для торговой площадки не работает, аукцион через "
     "два дня, сертификат ключа не устанавливается."),
    ("Декларация в Росалкогольрегулирование", "Декларация по розничной продаже алкоголя "
     "не принимается, ФСРАР ИД указан верно, пишут об ошибке формата."),
    ("Хамство сотрудника", "Ваш менеджер нагрубил мне по телефону и отказался принять заявку, "
     "это недопустимо, прошу разобраться."),
    ("Шаблоны ЕИАС ФСТ", "Не загружается шаблон раскрытия информации по тарифам на тепловую "
     "энергию и водоснабжение в ЕИАС."),
]
FILLER = ["Обращаюсь к вам уже не в первый раз.", "Прошу ответить в установленный срок.",
          "Ситуация повторяется каждую неделю.", "Техподдержка по телефону не отвечает.",
          "Документы прилагаю.", "Надеюсь на скорое решение вопроса.",
          "Договор заключён в прошлом году.", "Работа организации фактически остановлена."]
CHARSETS = [("utf-8", 0.60), ("windows-1251", 0.25), ("koi8-r", 0.15)]
ATTACH_NAMES = ["фото брака {i}.jpg", "скан договора №{i}.pdf", "акт сверки {i}.pdf",
                "чек об оплате {i}.jpg", "претензия {i}.pdf", "снимок экрана {i}.jpg"]


@dataclass(frozen=True)
class MixOptions:
    attachment_share: float = 0.12
    bounce_share: float = 0.03
    autoreply_share: float = 0.03
    min_attachment: int = 50 * 1024
    max_attachment: int = 2 * 1024 * 1024


NO_ATTACHMENTS = MixOptions(attachment_share=0.0)


@dataclass(frozen=True)
class BenchMail:
    index: int
    kind: str  # appeal | appeal+attachments | bounce | autoreply | big
    data: bytes


def generate(n: int, seed: int = 2026, options: MixOptions = MixOptions(),
             tag: str = "mix") -> list[BenchMail]:
    """n mails; ``tag`` goes into every Message-ID, so two corpora never share one."""
    rng = random.Random(f"{seed}:{tag}")
    return [_one(rng, i, seed, options, tag) for i in range(n)]


def _one(rng: random.Random, i: int, seed: int, opt: MixOptions, tag: str) -> BenchMail:
    msgid = f"<bench.{tag}.{seed}.{i}@client{i % 97}.example.ru>"
    date = datetime(2026, 11, 2, 8, 0, tzinfo=timezone.utc) + timedelta(minutes=7 * i)
    roll = rng.random()
    if roll < opt.bounce_share:
        return BenchMail(i, "bounce", bounce(rng, msgid, date))
    if roll < opt.bounce_share + opt.autoreply_share:
        return BenchMail(i, "autoreply", autoreply(rng, msgid, date))
    files = []
    if rng.random() < opt.attachment_share:
        for k in range(rng.randint(1, 3)):
            size = int(math.exp(rng.uniform(math.log(opt.min_attachment), math.log(opt.max_attachment))))
            files.append((rng.choice(ATTACH_NAMES).format(i=k + 1), rng.randbytes(size)))
    kind = "appeal+attachments" if files else "appeal"
    return BenchMail(i, kind, appeal(rng, msgid, date, files))


def person(rng: random.Random) -> tuple[str, str, str, str]:
    """(last, first, middle, e-mail) of a made-up applicant."""
    female = rng.random() < 0.5
    last = rng.choice(LAST)[int(female)]
    first = rng.choice(FIRST_F if female else FIRST_M)
    middle = rng.choice(MIDDLE_F if female else MIDDLE_M)
    return last, first, middle, f"{_translit(last)}.{rng.randint(1, 999)}@example.ru"


def appeal(rng: random.Random, msgid: str, date: datetime,
           files: list[tuple[str, bytes]] = (), body_repeat: int = 1) -> bytes:  # type: ignore[assignment]
    last, first, middle, addr = person(rng)
    subject, problem = rng.choice(TOPICS)
    charset = _pick(rng, CHARSETS)
    org = rng.choice(ORGS) if rng.random() < 0.4 else None
    text = _body(rng, (last, first, middle), problem, org, body_repeat)
    shape = rng.random()
    if shape < 0.55:
        body = _text_part(text, "plain", charset, rng)
    elif shape < 0.9:
        body = _alternative(text, charset, rng, f"alt{rng.getrandbits(32):08x}")
    else:
        body = _text_part(_html(text), "html", charset, rng)
    head = _head(f"{first} {last}", addr, _re(rng) + subject, charset, msgid, date)
    if not files:
        return head + body
    boundary = f"=_mixed_{rng.getrandbits(48):012x}"
    parts = [body] + [_attachment(name, data) for name, data in files]
    return _multipart(head, "mixed", boundary, parts)


def big_mail(size: int, seed: int = 7) -> bytes:
    """One appeal of about ``size`` bytes on the wire (one large scanned attachment)."""
    rng = random.Random(f"{seed}:big")
    payload = rng.randbytes(int(size * 0.73))
    return appeal(rng, f"<bench.big.{seed}@example.ru>", datetime(2026, 11, 3, tzinfo=timezone.utc),
                  [("скан всех документов.pdf", payload)])


def bounce(rng: random.Random, msgid: str, date: datetime) -> bytes:
    _, _, _, addr = person(rng)
    boundary = f"=_dsn_{rng.getrandbits(40):010x}"
    head = ("Return-Path: <>\r\nFrom: MAILER-DAEMON@mx.example.ru (Mail Delivery System)\r\n"
            f"To: {OWN}\r\nSubject: Undelivered Mail Returned to Sender\r\n"
            f"Date: {format_datetime(date)}\r\nMessage-ID: {msgid}\r\n"
            "Auto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n").encode("ascii")
    notice = b"Content-Type: text/plain; charset=us-ascii\r\n\r\nThis is the mail system. " \
             b"Your message could not be delivered to one or more recipients.\r\n"
    status = (f"Content-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.ru\r\n\r\n"
              f"Final-Recipient: rfc822; {addr}\r\nAction: failed\r\nStatus: 5.1.1\r\n").encode("ascii")
    headers = (f"Content-Type: text/rfc822-headers\r\n\r\nFrom: {OWN}\r\nTo: {addr}\r\n"
               f"Subject: =?utf-8?b?{base64.b64encode('Ваше обращение зарегистрировано'.encode()).decode()}?=\r\n"
               ).encode("ascii")
    return _multipart(head, "report", boundary, [notice, status, headers],
                      extra='; report-type=delivery-status')


def autoreply(rng: random.Random, msgid: str, date: datetime) -> bytes:
    last, first, _, addr = person(rng)
    charset = _pick(rng, CHARSETS)
    text = (f"Здравствуйте!\nЯ в отпуске до {rng.randint(1, 28)} декабря, доступ к почте ограничен.\n"
            f"По срочным вопросам звоните по телефону +7 (4722) {rng.randint(20, 99)}-{rng.randint(10, 99)}-"
            f"{rng.randint(10, 99)}.\n\nС уважением,\n{first} {last}")
    head = _head(f"{first} {last}", addr, "Автоматический ответ: Ваше обращение", charset, msgid, date,
                 extra="Auto-Submitted: auto-replied\r\nX-Autoreply: yes\r\nPrecedence: auto_reply\r\n")
    return head + _text_part(text, "plain", charset, rng)


def _body(rng: random.Random, name: tuple[str, str, str], problem: str, org: str | None,
          repeat: int) -> str:
    last, first, middle = name
    index, city, street = rng.choice(CITIES)
    greeting = rng.choice(["Здравствуйте!", "Добрый день.", "Уважаемые коллеги!"])
    intro = (f"Я, {last} {first} {middle}, " + (f"директор {org}, " if org else "") + "обращаюсь с жалобой.")
    filler = " ".join(rng.sample(FILLER, rng.randint(1, 4)))
    quoted = ""
    if rng.random() < 0.2:
        quoted = "\n\n> Ваше обращение принято в работу.\n> С уважением, служба поддержки\n"
    sign = (f"\n\nС уважением,\n{last} {first[0]}. {middle[0]}.\n" + (f"{org}\n" if org else "")
            + f"{index}, {city}, {street}, д. {rng.randint(1, 120)}\n"
            + f"тел. +7 (9{rng.randint(10, 99)}) {rng.randint(100, 999)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}")
    return f"{greeting}\n\n{intro}\n{(problem + ' ' + filler + chr(10)) * repeat}{quoted}{sign}"


def _head(name: str, addr: str, subject: str, charset: str, msgid: str, date: datetime,
          extra: str = "") -> bytes:
    return (f"From: {Header(_fit(name, charset), charset).encode()} <{addr}>\r\nTo: {OWN}\r\n"
            f"Subject: {Header(_fit(subject, charset), charset).encode()}\r\nDate: {format_datetime(date)}\r\n"
            f"Message-ID: {msgid}\r\n{extra}MIME-Version: 1.0\r\n").encode("ascii")


def _text_part(text: str, subtype: str, charset: str, rng: random.Random) -> bytes:
    data = _fit(text, charset).replace("\n", "\r\n").encode(charset)
    cte = rng.choice(["quoted-printable", "base64", "8bit"])
    if cte == "base64":
        encoded = base64.encodebytes(data).replace(b"\n", b"\r\n")
    elif cte == "quoted-printable":
        encoded = quopri.encodestring(data.replace(b"\r\n", b"\n")).replace(b"\n", b"\r\n")
    else:
        encoded = data + b"\r\n"
    return (f"Content-Type: text/{subtype}; charset=\"{charset}\"\r\n"
            f"Content-Transfer-Encoding: {cte}\r\n\r\n").encode("ascii") + encoded


def _alternative(text: str, charset: str, rng: random.Random, boundary: str) -> bytes:
    parts = [_text_part(text, "plain", charset, rng), _text_part(_html(text), "html", charset, rng)]
    return _multipart(b"", "alternative", boundary, parts)


def _html(text: str) -> str:
    paragraphs = "".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in text.split("\n\n"))
    return f"<html><head><meta charset=\"utf-8\"></head><body><div>{paragraphs}</div></body></html>"


def _attachment(name: str, data: bytes) -> bytes:
    ctype = "image/jpeg" if name.endswith(".jpg") else "application/pdf"
    encoded = quote(name, safe="")
    return (f"Content-Type: {ctype}; name*=utf-8''{encoded}\r\nContent-Transfer-Encoding: base64\r\n"
            f"Content-Disposition: attachment; filename*=utf-8''{encoded}\r\n\r\n").encode("ascii") \
        + base64.encodebytes(data).replace(b"\n", b"\r\n")


def _multipart(head: bytes, subtype: str, boundary: str, parts: list[bytes], extra: str = "") -> bytes:
    out = [head, f"Content-Type: multipart/{subtype}; boundary=\"{boundary}\"{extra}\r\n\r\n".encode()]
    for part in parts:
        out += [f"--{boundary}\r\n".encode(), part.rstrip(b"\r\n"), b"\r\n"]
    out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out)


def _fit(text: str, charset: str) -> str:
    """What a koi8-r mailer sends for characters koi8-r lacks."""
    if charset != "koi8-r":
        return text
    return text.replace("«", '"').replace("»", '"').replace("№", "N")


def _re(rng: random.Random) -> str:
    return "Re: " if rng.random() < 0.05 else ""


def _pick(rng: random.Random, weighted: list[tuple[str, float]]) -> str:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


_TRANSLIT = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                     ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o",
                      "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "sch", "", "y", "", "e",
                      "yu", "ya"]))


def _translit(word: str) -> str:
    return "".join(_TRANSLIT.get(ch, ch) for ch in word.lower())
