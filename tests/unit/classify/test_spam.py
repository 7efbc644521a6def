from classify.spam import spam_verdict
from ingest.parse import parse_message
from tests.mailfactory import russian_mail


def _verdict(headers: dict[str, str]) -> str | None:
    return spam_verdict(parse_message(russian_mail(body="Выгодное предложение!",
                                                   extra_headers=headers)))


def test_spam_filter_headers_are_read() -> None:
    assert _verdict({"X-Spam-Flag": "YES"})
    assert _verdict({"X-Spam-Status": "Yes, score=12.3 required=5.0"})
    assert _verdict({"X-Rspamd-Action": "add header"})
    assert _verdict({"X-Forefront-Antispam-Report": "CIP:1.2.3.4;SCL:7;SRV:BULK"})


def test_clean_verdicts_are_not_spam() -> None:
    assert _verdict({}) is None
    assert _verdict({"X-Spam-Flag": "NO"}) is None
    assert _verdict({"X-Spam-Status": "No, score=-1.0"}) is None
    assert _verdict({"X-Rspamd-Action": "no action"}) is None
    assert _verdict({"X-Forefront-Antispam-Report": "CIP:1.2.3.4;SCL:1;"}) is None
