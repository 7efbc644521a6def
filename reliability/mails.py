"""Mail the harness sends: human complaints (unique, traceable by Message-ID) and robots
(bounces, auto-replies, newsletters, spam). Built with tests/mailfactory.py, seeded."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from email.utils import format_datetime

from tests.mailfactory import russian_mail

BODIES = (
    "Здравствуйте! Оплатил счёт за сертификат ЭЦП, но ключ так и не выдали. Прошу разобраться.",
    "Менеджер отдела продаж нагрубил мне по телефону. Прошу принять меры.",
    "Не проходит отчёт в ФНС через ваш сервис, квитанции нет уже неделю.",
    "УТМ ЕГАИС не запускается после обновления, Рутокен не виден.",
    "Купил товар, оказался с браком. Требую замену или возврат денег.",
)
SURNAMES = ("Иванов", "Петров", "Сидоров", "Кузнецов", "Смирнов", "Попов", "Волков")
FIRST = ("Пётр Сергеевич", "Анна Викторовна", "Олег Иванович", "Мария Павловна")


def message_id(tag: str, i: int) -> str:
    return f"<rel-{tag}-{i}@client.example.org>"


def human(tag: str, i: int, rng: random.Random, *, from_addr: str | None = None,
          body_extra: str = "", attachments: list[tuple[str, str, bytes]] | None = None,
          subject: str | None = None) -> tuple[str, bytes]:
    """(Message-ID, bytes) of one human complaint, unique per (tag, i)."""
    mid = message_id(tag, i)
    name = f"{rng.choice(SURNAMES)} {rng.choice(FIRST)}"
    body = (f"{rng.choice(BODIES)}\n{body_extra}\nЗаявка {tag}-{i}.\n\nС уважением,\n{name}\n"
            f"тел. +7 (4722) 3{i % 10}-{10 + i % 90:02d}-{10 + (i * 7) % 90:02d}")
    data = russian_mail(
        body=body, subject=subject or f"Жалоба {tag} номер {i}", from_name=name,
        from_addr=from_addr or f"client{i}.{tag}@client.example.org", message_id=mid,
        attachments=attachments or [], date=datetime.now(UTC),
    )
    return mid, data


def robot(tag: str, i: int, rng: random.Random) -> tuple[str, str, bytes]:
    """(Message-ID, robot address, bytes): a bounce, auto-reply, newsletter or tagged spam."""
    mid = message_id(f"{tag}-robot", i)
    kind = rng.choice(("bounce", "autoreply", "newsletter", "spam", "noreply"))
    addr = {"bounce": f"MAILER-DAEMON@mx{i % 50}.robots.example.net",
            "autoreply": f"office{i}@robots.example.net",
            "newsletter": f"news{i % 200}@lists.robots.example.net",
            "spam": f"deals{i}@spam.robots.example.net",
            "noreply": f"no-reply@svc{i % 100}.robots.example.net"}[kind]
    head = [f"From: {addr}", "To: pretenzii@r31.center-inform.ru", f"Message-ID: {mid}",
            f"Date: {format_datetime(datetime.now(UTC))}", "MIME-Version: 1.0"]
    if kind == "bounce":
        head += ["Subject: Undelivered Mail Returned to Sender", "Auto-Submitted: auto-replied",
                 'Content-Type: multipart/report; report-type=delivery-status; boundary="b"']
        body = ("--b\r\nContent-Type: text/plain\r\n\r\nCould not be delivered.\r\n"
                "--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx\r\n\r\n"
                f"Final-Recipient: rfc822; x{i}@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n"
                "--b--\r\n")
    elif kind == "autoreply":
        head += ["Subject: Автоматический ответ: Жалоба", "Auto-Submitted: auto-replied",
                 "Content-Type: text/plain; charset=utf-8"]
        body = "Я в отпуске до понедельника.\r\n"
    elif kind == "newsletter":
        head += [f"Subject: Скидки недели #{i}", "List-Id: <deals.lists.robots.example.net>",
                 f"List-Unsubscribe: <mailto:unsub{i}@lists.robots.example.net>",
                 "Precedence: bulk", "Content-Type: text/plain; charset=utf-8"]
        body = "Только сегодня скидки на всё!\r\n"
    elif kind == "spam":  # what an MTA's spam filter marks; no other robot header
        head += [f"Subject: Выгодное предложение {i}", "X-Spam-Flag: YES",
                 "X-Spam-Status: Yes, score=17.3 required=5.0", "Content-Type: text/plain; charset=utf-8"]
        body = "Купите наши услуги по продвижению сайта, звоните!\r\n"
    else:
        head += [f"Subject: Уведомление о заказе {i}", "Content-Type: text/plain; charset=utf-8"]
        body = "Ваш заказ принят.\r\n"
    data = ("\r\n".join(head) + "\r\n\r\n" + body).encode("utf-8")
    return mid, addr.lower(), data
