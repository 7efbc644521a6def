"""Kind of appeal: complaint (жалоба), claim (претензия), appeal (обращение), suggestion (предложение).

A word in the subject («Жалоба», «Претензия», «Предложение») names the kind; otherwise cues in
the text are weighed: a demand for money back, replacement or repair is a claim; poor service,
staff behaviour, violated rights or unanswered requests a complaint; a proposal a suggestion;
a question or request an appeal. Quality claims (5) are claims about a defective product. Pure.
"""

from __future__ import annotations

import re

_SUBJECT = (
    (r"жалоб", "complaint"), (r"претензи", "claim"), (r"предложени|предлагаю", "suggestion"),
    (r"рекламаци", "claim"),
)
_DOCS = r"(сч[её]т\w*|акт\w*|сч[её]т\w*-фактур\w*|упд|накладн\w*)"
# someone else's grievance («поставщик звонил с претензией», «от покупателя пришла жалоба»);
# not «как клиент, …» / «ваш клиент» (the writer describing himself)
_OTHERS = (r"(?<!как )(?<!ваш )(?<!ваша )(поставщик|покупател|посетител|клиент|контрагент|заказчик|партн[её]р|"
           r"инспектор|инспекци|налогов|проверяющ|прокуратур|надзор|арендатор|жител|сосед)\w*")
_GRIEVANCE = r"(претензи|жалоб|рекламаци)\w*"
# words that only look like cues: a business document called «предложение», someone else's
# grievance, «решить вопрос» (not a question)
_NOT_CUES = re.compile(
    r"(коммерческ|ценов|тарифн)\w*\s+предложени\w*|предложени\w*\s+(об?|по)\s+(установлени|утверждени|размер)\w*|"
    rf"{_OTHERS}\s+([а-яё]+\s+){{0,2}}[а-яё]+(л|ла|ли|ет|ит|ут|ют|ят)\s+([а-яё]+\s+){{0,2}}{_GRIEVANCE}|"
    rf"(от|у)\s+{_OTHERS}\s+([а-яё]+\s+){{0,3}}{_GRIEVANCE}|{_GRIEVANCE}\s+([а-яё]+\s+){{0,2}}от\s+{_OTHERS}|"
    rf"поступил\w*\s+(к\s+нам\s+|нам\s+)?{_GRIEVANCE}|"
    r"(решить|решения|решении|урегулировать)\s+(\w+\s+)?вопрос\w*", re.I)
# (pattern, kind, weight): general cues of Russian business mail
_CUES = (
    (r"претензи", "claim", 3),
    (r"верн(ите|уть)\s+((мне|нам|пожалуйста|срочно|же|обратно),?\s+){0,3}((уплаченн|перечисленн|излишне|ошибочно)\w*\s+){0,2}(деньги|денежные|оплат|сумм|средств)|возврат\w*\s+(денег|денежных|средств|оплаты|суммы|товара)", "claim", 4),
    (r"(требу[юе]\w*|прошу|просим)\s+((вас|пожалуйста|срочно),?\s+){0,2}(произвести\s+|осуществить\s+)?(возврат|замен|заменить|отремонтир|ремонт|вернуть|компенс|перерасч|пересчит|аннулир|выплат|безвозмездн)", "claim", 5),
    (r"двойн\w+\s+(списани|оплат)|списал\w*\s+дважды|оплатил\w*\s+дважды|неверн\w+\s+сч[её]т|ошибочн\w+\s+сч[её]т|переплат|неустойк|компенсац", "claim", 3),
    (rf"ошибк\w*\s+в\s+(выставленн\w+\s+)?{_DOCS}|(выставить|направить|переоформить|прислать|перевыставить)\s+(\w+\s+)?(исправленн|корректн|правильн)\w*\s+{_DOCS}", "claim", 4),
    (r"не\s+(доставлен|поставлен|получил\w*\s+(заказ|товар))|"
     r"(товар|заказ|посылк|доставк)\w*\s+(так\s+и\s+|до\s+сих\s+пор\s+|вс[её]\s+ещ[её]\s+|ещ[её]\s+|по-прежнему\s+)?"
     r"не\s+(пришел|пришёл|пришла|доставлен|поставлен|привезли|получен)", "claim", 2),
    # an invoice that does not match the contract or the agreed price, refused for payment
    (r"к\s+оплате\s+не\s+принима|не\s+принима\w*\s+(\w+\s+)?к\s+оплате|"
     rf"несоответстви\w*\s+({_DOCS}\s+)?(договор|услови|цен|сумм|спецификаци)|"
     r"не\s+соответству\w*\s+(\w+\s+){0,2}(договор|спецификаци|согласованн)|"
     r"цен\w*\s+(завышен|не\s+согласован|не\s+соответству)|завышен\w*\s+(цен|сумм|стоимост)", "claim", 3),
    (rf"(перевыставить|переоформить|исправить)\s+(\w+\s+)?{_DOCS}\s+(в\s+соответствии\s+с|согласно)\s+"
     r"(\w+\s+){0,2}(договор|спецификаци|заказ|коммерческ)", "claim", 3),
    (r"жалоб", "complaint", 3),
    (r"недовол|возмущ|безобрази|хамств|нагруби|груб\w+|невежлив|некомпетент|безразлич|издевательств|неуважени", "complaint", 3),
    (r"наруш\w+\s+(мои|наши)?\s*(прав|срок)|нарушени\w+\s+(прав|срок)", "complaint", 3),
    (r"ответа\s+(нет|так и не|до сих пор|не получ)|(нет|не получил\w*)\s+ответа|без\s+ответа|не\s+перезвонил|никто\s+не\s+(перезвонил|ответил|связался)|не\s+отвечают", "complaint", 2),
    # impatience with the answers themselves: «Вы серьезно?», «уже второй раз», «неделю жду», «отписка»
    (r"вы\s+(это\s+)?серь[её]зно|(это\s+)?уже\s+(второй|третий|четв[её]ртый|пятый|не\s+первый|который)\s+раз|"
     r"(неделю|месяц|две\s+недели|несколько\s+дней|который\s+день|\d+\s+(дн|недел)\w*)\s+(уже\s+)?жд(у|[её]м)|"
     r"жд(у|[её]м)\s+(уже\s+)?(неделю|месяц|который\s+день|несколько\s+дней|\d+\s+(дн|недел))|"
     r"отписк|(нормальн|внятн|вразумительн)\w*\s+ответ|ответ\w*\s+по\s+существу|шаблонн\w*\s+ответ", "complaint", 2),
    (r"пишу\s+повторно|(трижды|третий\s+раз|второй\s+раз|неоднократно)\s+(обращ|звон|писал)|из-за\s+вас|по\s+вашей\s+вине", "complaint", 2),
    (r"прошу\s+(разобраться|принять\s+меры|взять\s+.{0,20}на\s+контроль|наказать|провести\s+проверку)|взять\s+ситуацию\s+на\s+контроль", "complaint", 2),
    # support that cannot be reached or does not keep its word
    (r"не\s+(могу|можем|удается|удаётся|получается)\s+дозвониться|невозможно\s+(дозвониться|связаться)|связаться\s+[^.!?\n]{0,20}невозможно|никто\s+не\s+(бер[её]т|снимает)\s+трубк", "complaint", 2),
    (r"(телефон|поддержк|специалист|менеджер|оператор|сотрудник)\w*\s+(\w+\s+)?не\s+отвеча|обещал\w*\s+(\w+\s+)?(перезвонить|связаться|решить|исправить|приехать)|ни\s+одного\s+(звонка|ответа)|тишина", "complaint", 2),
    (r"так\s+и\s+не\s+(решен|решён|устранен|устранён|исправлен)\w*|(до\s+сих\s+пор|по-прежнему)\s+не\s+(решен|решён|устранен|устранён|исправлен)\w*|так\s+работать\s+невозможно", "complaint", 2),
    (r"с\s+опозданием|сорвал\w*|пропустил\w*\s+(срок|аукцион|торги)|штраф", "complaint", 1),
    (r"предлага(ю|ем)|предложени|было\s+бы\s+(удобно|хорошо|полезно|неплохо)|хотел\w*\s+бы\s+предложить|добавьте|прошу\s+рассмотреть\s+возможность|рекомендую|можно\s+было\s+бы", "suggestion", 3),
    (r"подскажите|(прошу|просим)\s+(\w+о\s+)?(разъяснить|пояснить|сообщить|подсказать|помочь|проконсультировать|уточнить)|как\s+(мне\s+)?(можно|нужно|сделать|подключить)|вопрос", "appeal", 2),
    (r"\?", "appeal", 1),
)
# a product that stopped working or misbehaves: «перестал определяться», «залипают клавиши» …
_QUALITY = re.compile(
    r"качеств|брак|дефект|неисправ|не\s+работа|перестал\w*\s+(работать|[а-яё]+ться|видеть)|сломал|"
    r"не\s+включа|зависает|перезагружа|трещин|царапин|не\s+реагиру|не\s+печата|не\s+заряжа|"
    r"не\s+определя|не\s+видит|залипа|щелк|греется|теря\w*\s+(связь|сигнал|соединени)|отвалива|"
    r"вышел\s+из\s+строя|некачествен|вздул|раздул|треснул|разбит|сгорел|оплавил|протека|искрит|"
    r"не\s+запуска|не\s+горит|"
    # a demand to swap the item for a working one presupposes a defect
    r"(замен\w*|обменя\w*)\s+(\S+\s+){0,5}на\s+(исправн|работающ|качественн|нов\w*\s+исправн)", re.I)
_GOODS = re.compile(r"купил|приобрел|приобрёл|приобрело|покупк|товар|накладн|чек\b|чек\s*№|гаранти|"
                    r"заказ|устройств|оборудовани|поставк|поставлен|"
                    r"получил\w*\s+(\S+\s+){0,3}от\s+(вас|вашей|вашего)|в\s+вашем\s+(интернет-)?магазин", re.I)


def decide_kind(subject: str, text: str) -> tuple[str, str]:
    """The kind and the words that decided it."""
    clean_subject = _NOT_CUES.sub(" ", re.sub(r"^\s*((re|fwd?|fw|отв|пересл)\s*:\s*)+", "", subject, flags=re.I))
    text = _NOT_CUES.sub(" ", text)
    for pattern, kind in _SUBJECT:
        match = re.search(pattern, clean_subject, re.I)
        if match:
            return kind, f"kind {kind}: subject word {match.group(0)!r}"
    scores: dict[str, int] = {}
    evidence: dict[str, str] = {}
    for pattern, kind, weight in _CUES:
        for match in re.finditer(pattern, f"{clean_subject}\n{text}", re.I):
            scores[kind] = scores.get(kind, 0) + weight
            evidence.setdefault(kind, match.group(0))
    if not scores:
        return "appeal", "kind appeal: no complaint, claim or suggestion cues (default)"
    order = ("claim", "complaint", "suggestion", "appeal")
    best = max(order, key=lambda k: (scores.get(k, 0), -order.index(k)))
    return best, f"kind {best}: cue {evidence[best]!r} (scores {dict(sorted(scores.items()))})"


def is_quality_claim(kind: str, subject: str, text: str) -> tuple[bool, str]:
    """A claim about a defective product bought from the company (5)."""
    if kind != "claim":
        return False, "not a claim: no quality checklist"
    both = f"{subject}\n{text}"
    defect = _QUALITY.search(both)
    goods = _GOODS.search(both)
    if defect and goods:
        return True, f"quality claim (5): defect {defect.group(0)!r} in goods ({goods.group(0)!r})"
    return False, "claim not about the quality of goods (refund, invoice or delivery)"
