import email
from datetime import UTC, datetime
from email.policy import default

from replies.message import OutgoingMessage, build_mime, new_message_id, split_sender

SENDER = "АО «ЦентрИнформ», Белгородский филиал <pretenzii@r31.center-inform.ru>"


def _out(**kw: object) -> OutgoingMessage:
    base = dict(purpose="reply", to_address="p@example.ru", to_name="Иванов Пётр",
                subject="Re: Жалоба [№ 1/2026]", text="Текст ответа")
    base.update(kw)
    return OutgoingMessage(**base)  # type: ignore[arg-type]


def test_sender_with_comma_in_the_name_stays_one_name() -> None:
    assert split_sender(SENDER) == ("АО «ЦентрИнформ», Белгородский филиал",
                                    "pretenzii@r31.center-inform.ru")
    assert new_message_id(SENDER).endswith("@r31.center-inform.ru>")


def test_mime_round_trips_cyrillic_and_headers() -> None:
    raw = build_mime(_out(html="<p>Текст</p>", in_reply_to="<c@x>", references=("<c@x>",),
                          auto_submitted=True), SENDER, "<m@r31>", datetime(2026, 11, 25, tzinfo=UTC))
    msg = email.message_from_bytes(raw, policy=default)
    assert str(msg["Subject"]) == "Re: Жалоба [№ 1/2026]"
    assert msg["From"].addresses[0].display_name == "АО «ЦентрИнформ», Белгородский филиал"
    assert msg["In-Reply-To"] == "<c@x>" and msg["Auto-Submitted"] == "auto-replied"
    assert msg["X-Auto-Response-Suppress"] == "All"
    assert msg.get_body(("plain",)).get_content().strip() == "Текст ответа"
    assert msg.get_body(("html",)).get_content().strip() == "<p>Текст</p>"


def test_header_injection_through_name_or_subject_is_impossible() -> None:
    raw = build_mime(_out(to_name="Evil\r\nBcc: victim@example.com",
                          subject="Hi\r\nBcc: victim@example.com\nX-Bad: 1"),
                     SENDER, "<m@r31>", datetime(2026, 11, 25, tzinfo=UTC))
    msg = email.message_from_bytes(raw, policy=default)
    assert msg["Bcc"] is None and msg["X-Bad"] is None
    assert b"\r\nBcc:" not in raw
