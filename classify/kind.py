"""Kind of appeal: complaint (жалоба), claim (претензия), appeal (обращение), suggestion (предложение).

A word in the subject («Жалоба», «Претензия», «Предложение») names the kind; otherwise cues in
the text are weighed the way a clerk reads a letter: a demand for a material remedy (money back,
replacement, repair, recalculation, a corrected invoice) is a claim; dissatisfaction with the
company — blame for a failure, harm it caused, a delay, repeated failures, unanswered requests,
staff behaviour, «примите меры» — a complaint; a proposal a suggestion; a neutral question or
request an appeal. Questions inside a complaint or claim do not make it an appeal: once the
grievance is firm, question cues no longer count. Quality claims (5) are claims about a defective
product. Pure.
"""

from __future__ import annotations

import re

_SUBJECT = (
    (r"жалоб", "complaint"), (r"претензи", "claim"), (r"предложени|предлагаю", "suggestion"),
    (r"рекламаци", "claim"), (r"\bcomplaint", "complaint"), (r"\b(warranty\s+)?claim\b", "claim"),
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
    # filing grievances as an activity or a procedure asked about («подавать жалобы в ФАС через
    # личный кабинет», «как подать жалобу в суд») is not a grievance against the company
    rf"(подавать|направлять|обжаловать|(как|куда|можно\s+ли)\s+(подать|направить|написать))\s+{_GRIEVANCE}|"
    r"(решить|решения|решении|урегулировать)\s+(\w+\s+)?вопрос\w*|"
    # where a copy goes («копию направляю на адрес для претензий») is not a demand
    rf"(адрес\w*|ящик\w*|почт\w*|e-?mail)\s+(для\s+|по\s+)?{_GRIEVANCE}(\s+(и|или)\s+{_GRIEVANCE})?|"
    # a business proposal in English is not a suggestion
    r"\b(commercial|business|price|partnership)\s+(proposal|offer)s?\b", re.I)
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
    # an invoice disputed: «несогласие с суммой счёта», «просим отозвать счёт», «оплачивать не будем»
    (rf"(несогласи\w*|не\s+согла[сш]\w*)\s+с\s+(\w+\s+)?(сумм|сч[её]т|начислени|размер|стоимост|цен)|(отозвать|аннулировать)\s+(\w+\s+)?{_DOCS}|"
     r"(выставить|перевыставить|переоформить)\s+(\w+\s+){0,2}на\s+сумм\w*\s+(по|согласно|в\s+соответствии)", "claim", 3),
    (r"(оплачивать|платить|оплатить)\s+([^.!?\n]{0,30}?\s)?не\s+(будем|буду|станем)|(не\s+будем|отказываемся|отказываюсь)\s+(оплачивать|платить)|"
     r"обосновани\w*\s+(увеличени|повышени|изменени)\w*\s+(стоимост|цен|сумм)", "claim", 2),
    (r"жалоб", "complaint", 3),
    (r"недовол|возмущ|безобрази|хамств|нагруби|груб\w+|невежлив|некомпетент|безразлич|издевательств|неуважени|"
     r"свысока|пренебрежительн|оскорб|хамил|хамск|нетактичн|наорал|накричал|повысил\w*\s+голос|бросил\w*\s+трубк", "complaint", 3),
    (r"наруш\w+\s+(мои|наши)?\s*(прав|срок)|нарушени\w+\s+(прав|срок)", "complaint", 3),
    (r"ответа\s+(нет|так и не|до сих пор|не получ)|(нет|не получил\w*)\s+ответа|без\s+ответа|не\s+перезвонил|никто\s+не\s+(перезвонил|ответил|связался|приехал|пришел|пришёл|позвонил)|не\s+отвечают", "complaint", 2),
    # impatience with the answers themselves: «Вы серьезно?», «уже второй раз», «неделю жду», «отписка»
    (r"вы\s+(это\s+)?серь[её]зно|(это\s+)?уже\s+(второй|третий|четв[её]ртый|пятый|не\s+первый|который)\s+раз|"
     r"(неделю|месяц|две\s+недели|несколько\s+дней|который\s+день|\d+\s+(дн|недел)\w*)\s+(уже\s+)?жд(у|[её]м)|"
     r"жд(у|[её]м)\s+(уже\s+)?(неделю|месяц|который\s+день|несколько\s+дней|\d+\s+(дн|недел))|"
     r"отписк|(нормальн|внятн|вразумительн)\w*\s+ответ|ответ\w*\s+по\s+существу|шаблонн\w*\s+ответ|"
     r"сколько\s+(\w+\s+)?(можно|ещ[её]|нам|мне)\s+(\w+\s+)?жда|(как|разве)\s+(так|такое)\s+(можно|возможно)", "complaint", 2),
    (r"пишу\s+повторно|(трижды|третий\s+раз|второй\s+раз|неоднократно)\s+(обращ|звон|писал)|из-за\s+(вас|ваш\w*)\b|по\s+вашей\s+вине", "complaint", 2),
    (r"(прошу|просим|требую|требуем)\s+(разобраться|взять\s+.{0,20}на\s+контроль|наказать|провести\s+проверку)|взять\s+ситуацию\s+на\s+контроль", "complaint", 2),
    # «примите меры», «просим дать объяснение и принять меры»: the writer wants the company corrected
    (r"(прошу|просим|требую|требуем)\b[^.!?\n]{0,100}?\bприняти?[ея]?\s+(все\s+)?(необходим\w+\s+)?мер|прим(и|е)те\s+(\w+\s+)?меры", "complaint", 3),
    (r"обрати(ть|те)\s+внимание\s+([а-яё]+\s+){0,2}на\s+(работу|поведение|действия|качество|отношение)", "complaint", 2),
    # blame: the failure is the company's («сбой вашего сервиса», «по вине вашего сотрудника»),
    # said as a statement (not asked: «это сбой вашей программы или ФНС?»)
    (r"((сбо[йяюеи]\w*|ошибк\w*|вин[аеуы]|недоработк\w*|халатност\w*)\s+(ваш|сотрудник|специалист|менеджер|компани|с\s+вашей\s+стороны)|"
     r"ваш\w*\s+(ошибк|вин[аыу]\b|недоработк|сбо[йяюеи]|халатност)|по\s+вине\s+(ваш|сотрудник|специалист|менеджер|компани))(?![^.!?\n]*\?)", "complaint", 3),
    # the company's service failing, said of it («ваша программа … не может отправить»): weak alone
    (r"ваш[аеиюу]?[йгмх]?[оеи]?\s+(\S+\s+){0,5}?(не\s+(работал|работает|смог|может|отправ|уход|пропуска)|подв[её]л|сбои[тл])", "complaint", 1),
    # harm caused by the failure («из-за этого мы не смогли подать заявку»)
    (r"из-за\s+(этого|чего|вас|задержк\w*|сбо\w*|ошибк\w*|вашей|вашего|ваших)\s+([^.!?\n]{0,40}?\s)?"
     r"(не\s+(смогли|смог|успели|успел|сможем)|пропустил|сорвал|опоздал|потерял|понесл|получил\w*\s+штраф|вынужден|оштрафова)", "complaint", 2),
    # harm alone, whoever caused it («нам выставили штраф», «вызывают на протокол»): weak
    (r"(нам|нас|меня|мне)\s+(выставили|выписали|назначили)\s+штраф|оштрафовал\w*|(понесли|понес[её]м|несем|нес[её]м)\s+(\w+\s+)?(убыт|потер)|"
     r"(вызыва\w*|вызвали)\s+[^.!?\n]{0,30}протокол", "complaint", 1),
    # a delay by the company: promised in days, weeks have passed; «причины задержки»
    (r"обеща\w*\s+([^.!?\n]{0,40}?\s)?((за|в\s+течение|через)\s+\S+\s+(рабоч\w+\s+)?(дн|день|дня|недел|сут|час|месяц)|"
     r"(до|к)\s+(\d|понедельник|вторник|сред|четверг|пятниц|суббот|воскресень|конц|завтр|начал|середин))|"
     r"прошло\s+(уже\s+)?(больше|более|свыше|почти|уже)?\s*(\d+|[а-яё]+)\s+(\w+\s+)?(дн|недел|месяц|сут)|"
     r"(причин\w*|срок\w*)\s+задержк|задержк\w*\s+(выпуск|поставк|отгрузк|ответ|возврат|исполнени)|срыв\w*\s+срок|затягива", "complaint", 2),
    # an explanation of the failure demanded («письменно объяснить причины», «письменное объяснение»)
    (r"письменн\w*\s+(\w+\s+)?объясн|объясн\w*[,\s]+(\w+\s+)?(причин|почему|задержк|сбо|срыв)", "complaint", 2),
    # the same failure again («который раз одно и то же», «опять не уходят»)
    (r"(который|очередной|не\s+первый|энный)\s+раз|одно\s+и\s+то\s+же|снова\s+и\s+снова|"
     r"(второй|третий|четв[её]ртый|пятый|нескольк\w+|\d+)\s+([а-яё]+\s+)?подряд|"
     r"(опять|снова)\s+(не\s|ничего|та\s+же|те\s+же|то\s+же|сбо|ошиб|завис|висит|висят|пропал|сломал)|систематическ\w*|постоянн\w*\s+(сбо|проблем|ошибк|задержк)", "complaint", 2),
    # paying for a service that does not work; threats to go to an outside body
    (r"плат(им|им\s+вам|ил[иа]?)\s+(\S+\s+){0,3}?(деньги|за\s+(сервис|услуг|обслуживан|сопровождени|программ))|за\s+что\s+(мы\s+)?плат", "complaint", 2),
    (r"(будем|буду)\s+вынужден\w*\s+(обратиться|подать|направить)|(обратимся|обращусь|подадим|подам)\s+(\w+\s+){0,2}(в\s+)?(суд|прокуратур|роспотребнадзор|фас|жалоб)", "complaint", 2),
    # support that cannot be reached or does not keep its word
    (r"не\s+(могу|можем|удается|удаётся|получается)\s+дозвониться|невозможно\s+(дозвониться|связаться)|связаться\s+[^.!?\n]{0,20}невозможно|никто\s+не\s+(бер[её]т|снимает)\s+трубк", "complaint", 2),
    (r"(телефон|поддержк|специалист|менеджер|оператор|сотрудник)\w*\s+(\w+\s+)?не\s+отвеча|обещал\w*\s+(\w+\s+)?(перезвонить|связаться|решить|исправить|приехать)|ни\s+одного\s+(звонка|ответа)|тишина", "complaint", 2),
    (r"так\s+и\s+не\s+(решен|решён|устранен|устранён|исправлен)\w*|(до\s+сих\s+пор|по-прежнему)\s+не\s+(решен|решён|устранен|устранён|исправлен)\w*|так\s+работать\s+невозможно", "complaint", 2),
    # the same matter still open: «проблема не решена», «это уже третье письмо», «обещанного подключения так и не было»
    (r"(проблем|вопрос|ошибк|неисправност|неполадк)\w*\s+(так\s+и\s+|до\s+сих\s+пор\s+|по-прежнему\s+|вс[её]\s+ещ[её]\s+)?"
     r"не\s+(решен|решён|устранен|устранён|исправлен)|(уже\s+)?(второе|третье|четв[её]ртое|пятое|очередное)\s+(письмо|обращение|напоминание)|"
     r"обещанн\w*\s+([^.!?\n]{0,60}?\s)?(так\s+и\s+|до\s+сих\s+пор\s+)?не\s+(было|состоял|произош|сделал|выполн)", "complaint", 2),
    (r"с\s+опозданием|сорвал\w*|пропустил\w*\s+(срок|аукцион|торги)|штраф", "complaint", 1),
    (r"\bтребу(ю|ем)\b", "complaint", 1),
    (r"предлага(ю|ем)|предложени|было\s+бы\s+(удобно|хорошо|полезно|неплохо)|хотел\w*\s+бы\s+предложить|добавьте|прошу\s+рассмотреть\s+возможность|рекомендую|можно\s+было\s+бы", "suggestion", 3),
    (r"подскажите|(прошу|просим)\s+(\w+о\s+)?(разъяснить|пояснить|сообщить|подсказать|помочь|проконсультировать|уточнить)|как\s+(мне\s+)?(можно|нужно|сделать|подключить)|вопрос", "appeal", 2),
    (r"\?", "appeal", 1),
    # English mail: the same kinds by their usual words
    (r"\b(refund|reimburse\w*|replacement|replace\s+(the|this|it)|compensation|money\s+back|charged\s+twice|"
     r"double\s+charge|overcharg\w*|(wrong|incorrect)\s+invoice|defective|faulty)\b", "claim", 3),
    (r"\b(complain\w*|dissatisfied|unacceptable|disappointed|poor\s+service|rude|no\s+(response|reply|answer)|"
     r"still\s+(not|un)\s*(resolved|fixed|solved|answered))\b", "complaint", 3),
    (r"\b(suggest\w*|propose|proposal|it\s+would\s+be\s+(nice|great|useful|helpful|better))\b", "suggestion", 3),
    (r"\b(question|inquiry|enquiry|could\s+you|would\s+you|please\s+(let|send|advise|tell|inform)|how\s+(can|do)\s+(i|we))\b",
     "appeal", 2),
)
# a product that stopped working or misbehaves: «перестал определяться», «залипают клавиши» …
_QUALITY = re.compile(
    r"качеств|брак|дефект|неисправ|не\s+работа|сломал|"
    # «перестал считывать», «перестала заряжаться» (not a person who stopped answering)
    r"перестал\w*\s+(?!отвеча|звон|перезван|писа|выход|общ|реагировать\s+на\s+(звон|письм|обращ))[а-яё]+(ть|ться)\b|"
    r"не\s+включа|зависает|перезагружа|трещин|царапин|не\s+реагиру|не\s+печата|не\s+заряжа|"
    r"не\s+определя|не\s+видит|залипа|щелк|греется|теря\w*\s+(связь|сигнал|соединени)|отвалива|"
    r"вышел\s+из\s+строя|некачествен|вздул|раздул|треснул|разбит|сгорел|оплавил|протека|искрит|"
    r"не\s+запуска|не\s+горит|"
    # a demand to swap the item for a working one presupposes a defect
    r"(замен\w*|обменя\w*)\s+(\S+\s+){0,5}на\s+(исправн|работающ|качественн|нов\w*\s+исправн)", re.I)
_GOODS = re.compile(r"купил|приобр[её]л|приобрет|приобрело|покупк|товар|накладн|чек\b|чек\s*№|гаранти|"
                    r"заказ|устройств|оборудовани|поставк|поставлен|"
                    r"получил\w*\s+(\S+\s+){0,3}от\s+(вас|вашей|вашего)|в\s+вашем\s+(интернет-)?магазин", re.I)


_ORDER = ("claim", "complaint", "suggestion", "appeal")  # on equal scores the earlier kind wins
_FIRM = 3  # a claim or complaint this strong is not outweighed by questions asked in the same mail


def decide_kind(subject: str, text: str) -> tuple[str, str]:
    """The kind and the words that decided it."""
    clean_subject = _NOT_CUES.sub(" ", re.sub(r"^\s*((re|fwd?|fw|отв|пересл)\s*:\s*)+", "", subject, flags=re.I))
    text = _NOT_CUES.sub(" ", text)
    for pattern, kind in _SUBJECT:
        match = re.search(pattern, clean_subject, re.I)
        if match:
            return kind, f"kind {kind}: subject word {match.group(0)!r}"
    scores: dict[str, int] = {}
    strongest: dict[str, int] = {}
    evidence: dict[str, str] = {}
    for pattern, kind, weight in _CUES:
        for match in re.finditer(pattern, f"{clean_subject}\n{text}", re.I):
            scores[kind] = scores.get(kind, 0) + weight
            strongest[kind] = max(strongest.get(kind, 0), weight)
            evidence.setdefault(kind, match.group(0))
    if not scores:
        return "appeal", "kind appeal: no complaint, claim or suggestion cues (default)"
    best = _weigh(scores, strongest)
    return best, f"kind {best}: cue {evidence[best]!r} (scores {dict(sorted(scores.items()))})"


def _weigh(scores: dict[str, int], strongest: dict[str, int]) -> str:
    """The kind with the most weight. A firm grievance (enough weight, one cue more than a hint)
    is not outweighed by questions — a complaint that also asks «что делать?» stays a complaint —
    only by a stronger proposal; hints of a grievance that questions match leave an appeal."""
    grievance = max(scores.get("claim", 0), scores.get("complaint", 0))
    firm = any(scores.get(k, 0) >= _FIRM and strongest.get(k, 0) >= 2 for k in ("claim", "complaint"))
    candidates: tuple[str, ...] = _ORDER
    if firm:
        candidates = _ORDER[:3]
    elif scores.get("appeal", 0) >= grievance:
        candidates = _ORDER[2:]
    return max(candidates, key=lambda k: (scores.get(k, 0), -_ORDER.index(k)))


def defect_phrases(text: str) -> list[str]:
    """The words naming a defect («не включается», «трещина корпуса»), with a little context."""
    found: list[str] = []
    for match in _QUALITY.finditer(text):
        phrase = " ".join(text[match.start():match.end() + 30].split()[:4])
        if phrase.lower() not in (f.lower() for f in found):
            found.append(phrase)
    return found


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
