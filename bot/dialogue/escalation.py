"""Escalation: when a customer message must reach a person, decided by transparent rules.

Like :mod:`bot.dialogue.routing` and :mod:`bot.dialogue.account_rules`, these are regular
expressions, not a model: every escalation can be explained line by line to a bank's auditors.
Two costs pull in opposite directions: a false escalation costs an operator's time, a missed
fraud report costs the customer money. So FRAUD rules look for a customer's own claim that
something happened to them («я не совершал эту операцию», «у меня украли карту»), usually in the
first person and the past tense, and a general question about the same subject («как защититься от
мошенников?», «что такое чарджбэк?») stays with the knowledge base.

Decisions on borderline messages (each one is pinned by a test):

* «как оспорить операцию?», «что такое чарджбэк?», "how do chargebacks work" — a how-to or a
  definition with no claim that something happened to the customer is a knowledge-base question.
  Weak signals (a dispute, a chargeback, an unknown or a double charge, "without my consent") count
  only outside such questions; «хочу оспорить списание» or «что за списание 299 р» are claims.
* «как подать жалобу?», «куда жаловаться на банк?», «сколько дней рассматривают жалобу» — a question
  about the complaint procedure is answered from the knowledge base (it has an article on it); the
  customer can still ask for a person or say the answer did not help. «хочу подать жалобу», «у меня
  претензия к банку» or «буду жаловаться в ЦБ» state a complaint and are escalated.
* A conditional without a first person is a hypothetical: «скока стоит перевыпуск карты если
  украли», «что делать если взломали приложение» are questions; «что делать если у меня украли
  карту» and «если я не совершал эту операцию…» are claims (a customer in trouble phrases it so).
* «потерял карту что делать» — a lost card is a knowledge-base answer (block it), not fraud.
* «судебные приставы списали деньги», «арест счёта приставами» — a bailiff's write-off is lawful,
  not fraud, even «без моего ведома»; it is an ordinary question unless the customer is angry
  (then it is a COMPLAINT by the anger rules) or mentions scammers.
* «мне звонят из банка и просят продиктовать код», «мне звонили мошенники» ask for advice (a
  knowledge-base answer); «звонили из банка и я назвал код» reports a disclosure and is FRAUD.
* «банкомат не выдал деньги, а списал», «двойное списание» are disputed charges: FRAUD, the
  high-priority queue, although no criminal may be involved.
* «вы меня обманули», «банк меня обманул» accuse the bank: a COMPLAINT, not a fraud report.
* A message mostly in CAPITALS (12+ letters, 3+ words) or with «!!!» is a COMPLAINT, as asked,
  even «КАКАЯ КОМИССИЯ ЗА ПЕРЕВОД»; thanks and greetings («Спасибо!!!») are not.
* says_not_helped: «мне не помогли в отделении, что делать?» is about staff elsewhere, not about
  the bot's previous answer, so it does not count; «спасибо, помогло» does not count either.
  «я не понял» on its own counts; «я не понял, а для пенсионеров?» is a follow-up question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Concern(StrEnum):
    COMPLAINT = "complaint"  # a complaint, anger, or a legal threat
    FRAUD = "fraud"  # a disputed charge or suspected fraud (high priority)


# «<w>» in a pattern stands for up to three words: «украли <w>карт» matches «украли у меня карту».
_WORDS = r"(?:[\w-]+[\s,]+){0,3}"


def _rx(*patterns: str) -> re.Pattern[str]:
    joined = "|".join(f"(?:{p})" for p in patterns)
    return re.compile(joined.replace("<w>", _WORDS), re.IGNORECASE)


def _normalize(text: str) -> str:
    """Lower case, «ё» as «е», one kind of apostrophe, single spaces: patterns are written so."""
    text = text.lower().replace("ё", "е").replace("’", "'").replace("`", "'")
    return re.sub(r"[ \t\u00a0]+", " ", text).strip()


@dataclass(frozen=True, slots=True)
class _Rule:
    name: str  # which rule fired (see _fraud_rule); explains why a message escalated
    pattern: re.Pattern[str]
    claim: bool  # True: states that something happened; False: may also be a how-to question


# --- Shared vocabulary -------------------------------------------------------------------------

# Operations on an account, as nouns (stems).
_OPS = r"(?:операци|покупк|списани|платеж|перевод|транзакци|оплат|снятие|снятия)"
_SCAMMER = r"(?:мошенн?ик|мошейник|аферист|жулик|скамер|лжесотрудник)\w*"
_CODE_WORDS = (
    r"(?:код|парол|пин|cvv|cvc|трехзначн|три\s+цифры|цифры\s+с\s+обратной|данные\s+карты|"
    r"номер\s+карты|смс|sms)"
)
_GADGET = r"(?:карт|телефон|смартфон|мобил|айфон|iphone|андроид|кошел|сумк|бумажник|паспорт)"
_STOLE = r"(?:укра|сворова|стащи|вытащи|похити|отобра|подреза|спер|стыри|спизди|отжа)(?:л|ли|ла)\b"

# A question about how things work, not a report: «как оспорить операцию?», "what is a chargeback".
_GENERAL_QUESTION = _rx(
    r"^(?:(?:а|и|ну|скажите|подскажите|пожалуйста|привет\w*|здравствуй\w*|"
    r"добр\w+\s+(?:день|утро|вечер)|извините|hi|hello|hey|please|tell\s+me)[\s,!.]+)*"
    r"(?:как|куда|где|каким\s+образом|образец|шаблон|бланк|в\s+какие\s+сроки|в\s+какой\s+срок|"
    r"сколько|скока|"
    r"через\s+сколько|когда\s+можно|можно\s+ли|нужно\s+ли|могут\s+ли|может\s+ли|"
    r"имеет\s+ли|имеют\s+ли|вправе\s+ли|законно\s+ли|каков\w*|что\s+такое|"
    # «какие-то списания» is not a question word
    r"(?:какие|какой|какая|какую)(?![\s-]*то\b)|"
    r"что\s+значит|что\s+означает|что\s+нужно|что\s+делать,?\s+(?:если|при|в\s+случае)|"
    r"what|what's|whats|how|where|can\s+i|could\s+i|is\s+it|is\s+there|do\s+i|does|"
    r"when\s+can)\b",
)
# A conditional or a purpose clause makes what follows hypothetical («если украли карту»).
_CONDITIONAL = _rx(r"\b(?:если(?!\s+честно)|в\s+случае|чтобы|чтоб|if|in\s+case)\b")
_FIRST_PERSON = _rx(
    r"\b(?:я|мне|меня|мной|мой|моя|мою|мое|мои|моих|моей|моего|моим|моими|мы|нас|нам|наш\w*|"
    r"i|i'm|i've|im|ive|me|my|mine|we|us|our)\b",
)
_CLAUSE_END = re.compile(r"[.!?;\n]")
_PHRASE_END = re.compile(r"[,.!?;\n]")

# A bailiff's or a court's write-off is lawful; it is not fraud unless scammers are involved.
_LAWFUL_WRITE_OFF = _rx(
    r"пристав|фссп|исполнительн\w+\s+(?:лист|производств|сбор|документ)|\bарест\w*|"
    r"инкассов\w+\s+поручени|взыскани|алимент|налогов\w+\s+(?:служб|инспекц)",
    r"bailiff|court\s+order|garnish",
)
_SCAM_WORDS = _rx(_SCAMMER, r"\bscam\w*|fraud\w*")
# The bank or its staff as the subject of «меня обманули»: an accusation, hence a complaint.
_BANK_AS_SUBJECT = _rx(
    r"\b(?:вы|банк|ваш\s+банк|сотрудник\w*|менеджер\w*|консультант\w*|оператор\w*|"
    r"операционист\w*)\s+(?:же\s+|просто\s+|нагло\s+)?$",
)
# Someone who could have asked for a code: the disclosure rule needs one in the message.
_CALLER = _rx(
    r"звон|позвон|звонок|звонивш|представил|служб\w*\s+безопасности|сотрудник|из\s+банка|"
    r"мошенн|якобы|по\s+телефону|ватсап|вотсап|whatsapp|телеграм|telegram|вайбер|ссылк|сайт|"
    r"\bим\b|\bему\b|\bей\b",
    r"\bcall|caller|phoned|rang|pretend|claim\w*\s+to\s+be|from\s+the\s+bank|security|"
    r"\bthem\b|\bhim\b|\bher\b|\blink\b|website|\bsite\b",
)


# --- FRAUD: a disputed charge or suspected fraud ---------------------------------------------

_FRAUD_RULES = (
    # «я не совершал эту операцию», «списали 5000 а я ничего не покупал», "I didn't make this".
    _Rule(
        "denied_operation",
        _rx(
            r"(?:\bя|\bмы|\bн[еи]\s?чего|\bникак\w*|\bникуда|\bникому|\bсам\w*)\s+"
            r"(?:(?!еще\b|пока\b|давно\b|раньше\b|ранее\b|уже\b)[\w-]+\s+)?не\s+"
            r"(?:совершал|покупал|заказывал|подтверждал|снимал|переводил|оформлял|подписывал|"
            r"разрешал|авторизовывал|тратил|"
            # «я не оплачивал кредит два месяца» is a late payment, not a disputed charge
            r"(?:оплачивал|платил)(?!\w*\s+(?:[\w-]+\s+)?(?:кредит|ипотек|займ|долг|налог|штраф|"
            r"взнос)))\w*",
            r"\bне\s+совершал\w*",
            r"\bне\s+(?:делал|покупал|снимал|переводил|оплачивал)\w*\s+(?:эт\w+|так\w+|данн\w+|"
            r"никак\w+)\b",
            rf"{_OPS}\w*\s+(?:котор\w+\s+)?(?:я|мы)\s+не\s+делал",
            r"\bэто\s+(?:был\w*\s+)?не\s+я\b",
            r"\bi\s+(?:did\s*n[o']?t|didnt|never|have\s*n[o']?t|haven't)\s+(?:"
            r"make|made)(?!\s+(?:a|my|any|the)\s+(?:[\w-]+\s+)?payments?\b)",
            r"\bi\s+(?:did\s*n[o']?t|didnt|never|have\s*n[o']?t|haven't)\s+(?:authori[sz]ed?|"
            r"buy|bought|purchased?|order|ordered|approved?|send|sent|withdraw|withdrew|spend|"
            r"spent|sign\s+up|do\s+(?:this|that|it))\b",
            r"\b(?:do|did)\s*n[o']?t\s+recogni[sz]e|\bdont\s+recogni[sz]e",
            r"\b(?:was\s*n[o']?t|wasnt|was\s+not|it's\s+not|its\s+not|that's\s+not)\s+me\b",
            r"\bnot\s+my\s+(?:transactions?|purchases?|charges?|payments?|transfers?)",
        ),
        claim=True,
    ),
    # «это не моя операция», «операция не моя».
    _Rule(
        "not_my_operation",
        _rx(
            rf"\bне\s+(?:мо[яйие]|мое)\s+(?:[\w-]+\s+)?{_OPS}",
            rf"{_OPS}\w*\s+(?:[\w-]+\s+)?не\s+мо[яйие]\b",
        ),
        claim=True,
    ),
    # «мошенники украли деньги», «перевела деньги аферистам», «меня развели на деньги».
    _Rule(
        "scammed",
        _rx(
            rf"{_SCAMMER}\s+<w>(?:украл|списал|снял|увел|вывел|обманул|развел|взломал|похитил|"
            r"забрал|оформил|перевел|выманил|обокрал|обчистил|получил\w*\s+доступ)\w*",
            rf"(?:украл|списал|снял|увел|вывел|похитил|забрал|оформил|обокрал|обчистил)\w*\s+<w>"
            rf"{_SCAMMER}",
            rf"(?:перевел|отправил|отдал|скинул|перечислил|заплатил)\w*\s+<w>{_SCAMMER}",
            rf"{_SCAMMER}.{{0,80}}?\b(?:я|мы)\s+(?:[\w-]+\s+)?(?:перевел|отправил|отдал|скинул|"
            r"перечислил|заплатил|назвал|продиктовал|сообщил)\w*",
            rf"(?:стал|оказал)\w*\s+жертв\w*\s+<w>{_SCAMMER}",
            rf"(?:попал|попалась|попался|нарвал)\w*\s+<w>(?:на|к)\s+{_SCAMMER}",
            r"\bмен[яе]\s+(?:[\w-]+\s+)?(?:обманул|развел|развели|кинул|надурил|облапошил|"
            r"обворовал|обокрал|ограбил|обчистил)\w*",
            r"(?:обманул|развел|кинул|надурил|облапошил|обворовал|обокрал|ограбил|обчистил)\w*\s+"
            r"мен[яе]\b",
            r"(?:развел|кинул|обманул)\w*\s+(?:[\w-]+\s+)?на\s+(?:деньги|бабки|\d+)",
            r"\bi\s*(?:was|got|have\s+been|'ve\s+been|ve\s+been)\s+(?:scammed|defrauded|conned|"
            r"tricked|phished|robbed|swindled)",
            r"\b(?:scammed|defrauded|conned|swindled)\s+me\b",
            r"\b(?:scammers?|fraudsters?)\s+<w>(?:stole|took|got|drained|emptied|withdrew|used|"
            r"accessed)",
            r"(?:sent|transferred|gave|paid|wired)\s+<w>(?:to\s+)?(?:a\s+|the\s+)?"
            r"(?:scammers?|fraudsters?)",
            r"\b(?:was|am|became|fell)\s+(?:a\s+)?victim\s+(?:of|to)\s+(?:a\s+)?(?:scam|fraud)",
        ),
        claim=True,
    ),
    # «звонили из банка и я назвал код из смс»; the caller is required («ввел код» alone is not).
    _Rule(
        "code_disclosed",
        _rx(
            # «сообщил, что код придёт» is reported speech, not a disclosure
            r"\b(?:назвал|продиктовал|сообщил|прочитал|зачитал|ввел)а?(?!\s+(?:что|чтобы|как|где|"
            rf"когда|про|о|об)\b)\s+<w>{_CODE_WORDS}",
            # «сотрудник отправил код» is the bank's SMS; «отправил им код» is a disclosure
            r"\b(?:отправил|переслал|скинул|дал|сказал)а?\s+(?:им|ему|ей|мошенник\w*|звонивш\w*|"
            rf"человеку)\s+<w>{_CODE_WORDS}",
            rf"\b(?:отправил|переслал|скинул|дал|сказал)а?\s+<w>{_CODE_WORDS}\w*\s+(?:им|ему|ей|"
            r"мошенник\w*|звонивш\w*)\b",
            r"\bi\s+(?:[\w-]+\s+)?(?:gave|told|sent|shared|read|forwarded|entered)(?!\s+me\b)\s+<w>"
            r"(?:the\s+)?(?:code|pin|password|cvv|cvc|otp|one-time|card\s+details|card\s+number|sms)",
            r"\b(?:gave|told|sent|read)\s+(?:them|him|her|the\s+caller|a\s+stranger)\s+<w>(?:code|"
            r"pin|password|cvv|cvc|otp|one-time|card\s+details|card\s+number)",
        ),
        claim=True,
    ),
    # «у меня украли карту», «украли телефон с приложением», "my card was stolen".
    _Rule(
        "stolen",
        _rx(
            rf"{_STOLE}\s+<w>{_GADGET}",
            rf"{_GADGET}\w*\s+<w>{_STOLE}",
            rf"{_GADGET}\w*\s+<w>(?:был[аи]?\s+)?(?:украден|похищен)\w*",
            r"\b(?:card|phone|wallet|purse|bag|iphone|handbag)\s+(?:was|has\s+been|got|were|"
            r"have\s+been)\s+stolen",
            r"\bstole\s+my\b|\b(?:had|got)\s+my\s+(?:[\w-]+\s+)?(?:card|phone|wallet)\s+stolen",
            r"\bmy\s+stolen\s+(?:card|phone|wallet)",
            r"\b(?:it|they)\s+(?:was|were|got|has\s+been|have\s+been)\s+stolen",
        ),
        claim=True,
    ),
    # «взломали личный кабинет», «кто-то зашел в мое приложение», "my account was hacked".
    _Rule(
        "hacked",
        _rx(
            r"(?<!не )взлома(?:л|ли|ла|н|ны|на|но)\b(?!\s+ли\b)",
            r"(?:кто-?\s?то|посторонн\w*|неизвестн\w*)\s+<w>(?:снял|списал|перевел|потратил|"
            r"расплатил|оплатил|воспользовал|пользуется|зашел|вошел|заходил|входил|залез|"
            r"получил\w*\s+доступ)\w*",
            r"получил\w*\s+доступ\s+к\s+(?:моему|моей|моим)",
            r"\b(?:account|app|phone|email|profile|online\s+banking)\s+(?:was|has\s+been|got|is|"
            r"were)\s+(?:hacked|compromised|breached|taken\s+over)",
            r"\bhacked\s+(?:my|into)\b",
            r"\b(?:someone|somebody|a\s+stranger)\s+<w>(?:hacked|accessed|logged\s+in|got\s+into|"
            r"used|is\s+using|withdrew|spent|took|stole|transferred|moved)\b",
        ),
        claim=True,
    ),
    # «на меня оформили кредит», "a loan was taken out in my name".
    _Rule(
        "loan_in_my_name",
        _rx(
            # «не оформлен ли кредит на мое имя» asks; «оформили кредит на меня» tells
            r"(?:оформил|взял|набрал|оформлен|выдан|получил)\w*(?!\s+ли\b)\s+<w>(?:кредит|займ|"
            r"заем|микрозайм|кредитн\w+\s+карт)\w*\s+на\s+(?:меня|мое\s+имя|мой\s+паспорт|"
            r"мои\s+данные)",
            r"\bна\s+(?:меня|мое\s+имя|мой\s+паспорт|мои\s+данные)\s+<w>(?:оформил|взял|набрал|"
            r"оформлен|выдан)\w*\s+<w>(?:кредит|займ|заем|микрозайм)",
            r"(?:кредит|займ|заем|микрозайм)\w*\s+на\s+(?:меня|мое\s+имя|мой\s+паспорт)\s+<w>"
            r"(?:оформил|взял|набрал|оформлен|выдан)",
            r"\bin\s+my\s+name\s+without|\b(?:opened|took\s+out|taken\s+out)\s+<w>in\s+my\s+name",
            r"\bidentity\s+theft|\bstole\s+my\s+identity",
        ),
        claim=True,
    ),
    # «пропали деньги с карты», «ушли деньги непонятно куда», "money disappeared".
    _Rule(
        "money_vanished",
        _rx(
            r"(?:пропал|исчезл|испарил|утекл|увели\b|украл)\w*\s+<w>(?:деньг|средств|сбережени|"
            r"накоплени|\d+\s*(?:р|руб|т|тыс|к)\w*)",
            r"(?:деньг|средств|сбережени|накоплени)\w*\s+<w>(?:пропал|исчезл|испарил|увели\b)",
            r"(?:ушл|списал|сняли|снял|пропал|перевел)\w*\s+.{0,40}?(?:непонятно|не\s+понятно|"
            r"неизвестно|неясно|не\s+ясно|не\s+знаю|хз)\s+(?:куда|кому|кто|за\s+что|на\s+что|"
            r"откуда|зачем)",
            r"(?:непонятно|не\s+понятно|неизвестно|неясно)\s+(?:куда|кому|кто|за\s+что|на\s+что)"
            r"\s+<w>(?:ушл|делись|пропал|списал|сняли|снял|перевел)",
            r"\bmoney\s+(?:has\s+|have\s+)?(?:disappeared|vanished|(?:is|went|gone)\s+missing)",
            r"\bmissing\s+(?:money|funds)|\b(?:funds|money|savings)\s+(?:were|was|have\s+been|got)"
            r"\s+(?:taken|stolen|withdrawn|drained)",
            r"\b(?:drained|emptied)\s+my\s+(?:account|card)",
        ),
        claim=True,
    ),
    # «банкомат не выдал деньги», «оплата не прошла, а деньги списали»: a disputed charge.
    _Rule(
        "not_dispensed",
        _rx(
            r"банкомат\w*\s+<w>не\s+выдал|\bне\s+выдал\w*\s+(?:деньги|наличн|купюр)|"
            r"(?:деньги|наличн\w*|купюр\w*)\s+(?:не\s+выдал|не\s+выдали)",
            rf"{_OPS}\w*\s+не\s+прошл\w*\s*,?\s*(?:а|но)\s+(?:деньги\s+)?(?:списал|сняли|ушл)",
            r"\batm\s+<w>(?:did\s*n[o']?t|didnt)\s+(?:give|dispense)|\b(?:did\s*n[o']?t|didnt)\s+"
            r"dispense",
        ),
        claim=True,
    ),
    # Weak signals: each also fits a how-to question, so a general question does not count.
    # «неизвестное списание», «какие-то левые списания», «что за списание 299 р».
    _Rule(
        "unknown_charge",
        _rx(
            rf"(?:неизвестн|непонятн|странн|лев|незнаком|несанкционированн)(?:ое|ые|ая|ый|ую|ой|"
            rf"ых|ым)\s+(?:[\w-]+\s+)?{_OPS}",
            rf"{_OPS}\w*\s+(?:[\w-]+\s+)?(?:неизвестн|непонятн|странн|лев)(?:ое|ые|ая|ый|ую|ой|"
            r"ых|ым)\b",
            r"\bчто\s+за\s+(?:[\w-]+\s+)?(?:списани|транзакци|покупк|снятие)",
            r"\b(?:unauthori[sz]ed|fraudulent|unknown|unrecogni[sz]ed|suspicious|strange|weird|"
            r"mysterious)\s+(?:[\w-]+\s+)?(?:charges?|transactions?|payments?|debits?|withdrawals?"
            r"|transfers?|purchases?|activity)",
        ),
        claim=False,
    ),
    # «двойное списание», «два раза сняли за одну покупку», "charged twice".
    _Rule(
        "double_charge",
        _rx(
            r"(?:двойн|задвоен)\w*\s+(?:[\w-]+\s+)?(?:списани|оплат|снятие|платеж|транзакци)",
            r"(?:списал|сняли|снял|списалось|списалась|прошл|оплатил|оплата)\w*\s+<w>(?:дважды|"
            r"два\s+раза|2\s*раза|два\s+платежа)",
            r"(?:дважды|два\s+раза|2\s*раза)\s+<w>(?:списал|сняли|снял|списа|прошл)",
            r"\bзадвоил\w*",
            r"\b(?:charged|debited|billed)\s+(?:me\s+)?(?:twice|two\s+times)",
            r"\bdouble[-\s]?(?:charged|charge|billed|payment)",
        ),
        claim=False,
    ),
    # «списали деньги без моего ведома»; a money word is required («без моего согласия» alone
    # may be about a tariff change, a complaint at most).
    _Rule(
        "without_consent",
        _rx(
            r"(?:спис|снял|сняли|снято|сняты|ушл|перевел|перевод|оплат|покупк|платеж|деньг|"
            r"средств)\w*.{0,60}?без\s+(?:(?:моего|моей|меня)\s+(?:подтверждени|участи)|"
            r"(?:(?:моего|моей|меня)\s+)?(?:ведома|согласи|разрешени|спросу?\b))",
            r"без\s+(?:(?:моего|моей|меня)\s+)?(?:ведома|согласи\w*|разрешени\w*|спросу?)\s+.{0,60}?"
            r"(?:спис|снял|сняли|снято|сняты|ушл|перевел|оплат|покупк|деньг|средств)",
            r"(?:charg|debit|withdr|transfer|payment|money|took|taken|spent|used)\w*.{0,60}?"
            r"without\s+my\s+(?:consent|permission|knowledge|authori[sz]ation|approval)",
            r"without\s+my\s+(?:consent|permission|knowledge|authori[sz]ation|approval).{0,60}?"
            r"(?:charg|debit|withdr|transfer|payment|money|took|taken|spent|used)",
        ),
        claim=False,
    ),
    # «хочу оспорить списание», «оформите чарджбэк»; not «как оспорить операцию?».
    _Rule(
        "dispute",
        _rx(
            r"\bоспор\w*|\bоспар\w*|\bопротест\w*|\bчардж?\s?-?б[еэа]к\w*",
            r"\bdisput\w*|\bcontest(?:ing)?\s+(?:a|the|this|that|my)\s+(?:charge|transaction|"
            r"payment)|\bcharge\s?-?backs?\b",
        ),
        claim=False,
    ),
)


# --- COMPLAINT: a complaint, anger, or a legal threat -----------------------------------------

_COMPLAINT_RULES = (
    # «хочу подать жалобу», «у меня претензия к банку»; not «как подать жалобу?».
    _Rule(
        "complaint_word",
        _rx(
            r"\bжалоб\w*|\bпожалуюсь\b|\bжалуюсь\b|\bпожаловаться\b|\bжаловаться\b|"
            r"\bпретензи\w*|\bрекламаци\w*",
            r"\bcomplain\w*|\bgrievance",
        ),
        claim=False,
    ),
    # «буду жаловаться в ЦБ», «напишу в Роспотребнадзор», «подам на вас в суд», "I will sue".
    _Rule(
        "legal_threat",
        _rx(
            r"\b(?:буду|будем|пойду|пойдем|пишу|напишу|напишем|обращусь|обратимся|обращаюсь|"
            r"пожалуюсь|жалуюсь|подам|подаем|подаю|подадим|сообщу|заявлю|накатаю|иду|дойду|"
            r"дойдем|подал|подала)\s+<w>(?:в\s+|до\s+|к\s+|на\s+)?(?:цб|центробанк\w*|"
            r"центральн\w+\s+банк|банк\s+россии|роспотребнадзор\w*|прокуратур\w*|прокурор\w*|"
            r"полици\w*|ментам|мвд|суд(?:а|е|у|ом)?\b|иск(?:ом)?\b|финансов\w+\s+уполномоченн|"
            r"финуполномоченн|омбудсм[еа]н|фас\b|органы|правоохранительн|следственн)",
            r"встретимся\s+в\s+суде|\bсудиться\b|\bзасужу|\bзасудим",
            r"\bi(?:'ll|\s+will|\s+am\s+going\s+to|'m\s+going\s+to|'m\s+gonna|m\s+gonna|\s+shall)"
            r"\s+sue\b|\bsue\s+(?:you|the\s+bank|your)|\blegal\s+action|\btake\s+(?:you|this|"
            r"the\s+bank)\s+to\s+court|\bsee\s+you\s+in\s+court",
            r"\breport\s+(?:you|this|the\s+bank|your\s+bank)\s+to\s+<w>(?:regulator|central\s+bank|"
            r"ombudsman|police|authorities|fca|cfpb|cbr)",
            r"\b(?:complain|write)\s+to\s+(?:the\s+)?(?:regulator|central\s+bank|ombudsman)",
        ),
        claim=True,
    ),
    # «мой юрист свяжется с вами», "my lawyer will contact you"; not «может ли мой юрист …».
    _Rule(
        "lawyer",
        _rx(
            r"(?:мой|мои|наш|наши)\s+(?:юрист|адвокат)\w*\s+<w>(?:свяж|позвон|напиш|займ|разбер|"
            r"подготов|подаст|направ|приед|уже)",
            r"(?:передам|передаю|обращусь|обращаюсь|подключу|подключаю|найму)\s+<w>(?:юрист|"
            r"адвокат)",
            r"\bmy\s+(?:lawyer|attorney|solicitor)s?\s+(?:will|is\s+going\s+to|'ll|shall|is\s+"
            r"(?:already\s+)?(?:on|handling|involved)|has\s+been)",
            r"\b(?:contact|call|hire|get|talk\s+to|speak\s+to|involve|consult)(?:ing)?\s+"
            r"(?:my|a)\s+(?:lawyer|attorney|solicitor)|\bhear\s+from\s+my\s+(?:lawyer|attorney)",
        ),
        claim=True,
    ),
    # «верните мои деньги немедленно», «требую …», "I want my money back".
    _Rule(
        "demand",
        _rx(
            r"\bтребую\b|\bверните\s+(?:мне\s+)?(?:мои\s+|мой\s+|мою\s+)?(?:деньги|средства|"
            r"бабки|бабло|\d+)|(?:немедленно|срочно|сейчас\s+же)\s+верните",
            r"\bi\s+demand\b|\bgive\s+(?:me\s+)?(?:back\s+)?my\s+money|\bi\s+want\s+my\s+money\s+"
            r"back|\brefund\s+me\s+(?:now|immediately|right\s+now)",
        ),
        claim=True,
    ),
    # «это безобразие», «сколько можно!», «вы издеваетесь», "this is outrageous".
    _Rule(
        "outrage",
        _rx(
            r"безобрази\w*|возмутительн\w*|возмущ\w*|беспредел\w*|\bпроизвол\b|издева\w*|"
            r"\bпозор\w*|отвратительн\w*|омерзительн\w*|\bхамств\w*|\bхамит\w*|\bхамят\b|"
            r"\bнахамил\w*|\bнагруби\w*|\bобнаглел\w*|\bнаглость|\bнаглеж\w*|\bнедопустимо\b|"
            r"неприемлем\w*|\bзадолбал\w*|\bзадрал\w*|\bбеси(?:т|те)\b|"
            r"\bбесят\b|\bдоколе\b|\bбардак\w*|\bнедовол[ье]н\w*|\bв\s+шоке\b",
            r"\bбольше\s+никогда\s+не\s+(?:буду|стану|приду|обращусь|возьму|открою)",
            # «вы меня достали», not «достали карту из банкомата»
            r"(?:меня|нас|вы|уже|как\s+же)\s+(?:[\w-]+\s+)?достал[иао]\b|"
            r"\bдостал[иао]\s+(?:уже|вы|своими|со\s+своими)\b",
            r"\bэто\s+(?:же\s+)?(?:просто\s+)?(?:кошмар|ужас|треш|трэш|цирк|дурдом|бред)",
            r"(?:ужасн|отвратительн|худш|кошмарн|паршив|мерзк)\w*\s+(?:[\w-]+\s+)?(?:сервис|"
            r"обслуживани|банк|поддержк|приложени|отношени|работ)",
            r"\bсколько\s+(?:же\s+)?можно(?:\s*(?:[!?.]|$)|\s+(?:уже|ждать|терпеть|издеваться|"
            r"это|так|вас|вам|звонить|писать|повторять|объяснять|ходить|обманывать|тянуть)\b)",
            r"\b(?:в|уже)\s+(?:который|энный)\s+раз|\bуже\s+(?:в\s+)?(?:третий|четвертый|пятый|"
            r"десятый|сотый)\s+раз",
            r"\b(?:третий|четвертый|пятый|десятый|сотый|который)\s+раз\s+(?:пишу|звоню|обращаюсь|"
            r"спрашиваю|прошу|объясняю)",
            r"\boutrageous|\bridiculous|\bunacceptable|\bdisgrace\w*|\bdisgusting|\bshameful|"
            r"\bappalling|\bpathetic|\babsurd\b|\bincompetent|\bfurious\b|\blivid\b|"
            r"\bpissed\s+off|\bfed\s+up|\bsick\s+(?:and\s+tired\s+)?of\b",
            r"\b(?:worst|terrible|horrible|awful|useless)\s+(?:[\w-]+\s+)?(?:bank|service|support|"
            r"app|experience)",
            r"\b(?:bank|service|support|app)\s+(?:is|was)\s+(?:terrible|horrible|awful|useless|"
            r"a\s+joke|the\s+worst)",
            r"\b(?:not\s+happy|unhappy|dissatisfied)\s+with\b|"
            r"\b(?:this\s+is|it's|its)\s+(?:the\s+|my\s+)?"
            r"(?:third|fourth|fifth|tenth|hundredth|\d+th)\s+time\b",
            r"\bare\s+you\s+(?:kidding|joking|serious)|\bwhat\s+the\s+(?:hell|heck)|\bwtf\b",
            r"\bhow\s+many\s+times\s+(?:do\s+i\s+have\s+to|must\s+i|have\s+i|should\s+i\s+have\s+to)"
            r"\s+(?:tell|ask|explain|call|write|repeat|say)|\b(?:this|it)\s+is\s+a\s+joke"
            r"|\bjoke\s+of\s+a\b",
        ),
        claim=True,
    ),
    # Common Russian and English swear-word stems.
    _Rule(
        "swearing",
        _rx(
            r"\b(?:на|по|о|за|от|ни)?ху[йяеи]\w*",
            r"\b(?:на|по|вы|рас|за|с|спи|от|у|о)?пизд\w*",
            r"\b(?:за|на|вы|по|от|у|про|съ|подъ|разъ|долбо|о)?еб(?:а|у|и|ан|ну|л|ош|уч|к)\w*",
            r"\bбля\w*|\bсук(?:а|и|ам|ами)\b|\bмуда[кч]\w*|\bмудил\w*|\bговн\w*|\bдерьм\w*|"
            r"\bг[ао]ндон\w*|\bпид[оа]р\w*|\bзалуп\w*|\bшлюх\w*|\b(?:за)?сран\w*",
            r"\bхер(?:ня|ню|ни|ней|ов|а)?\b|\bкакого\s+(?:хрена|черта|хера|лешего)|"
            r"\b(?:о|по|на|за)?хрен\w*",
            r"\bf+u+c+k\w*|\bf\*+k|\bshit\w*|\bbullshit|\bcrap\b|\bdamn\w*|\bbastards?\b|"
            r"\bassholes?\b|\bwankers?\b",
        ),
        claim=True,
    ),
    # Insults and accusations against the bank: «идиоты», «вы меня обманули», "you thieves".
    _Rule(
        "insult",
        _rx(
            r"\bидиот\w*|\bдебил\w*|\bпридур\w*|\bкретин\w*|\bдегенерат\w*|\bдураки\b|\bдурачье|"
            r"\bтупые\b|\bтупорыл\w*|\bтупиц\w*|\bтуп(?:ой|ая|ое)\s+(?:бот|банк|робот|машин|"
            r"железк|программ)|\bуроды?\b|\bуродов\b|\bклоун\w*|\bбездар\w*|\bнекомпетентн\w*|"
            r"\bкриворук\w*|\bрукожоп\w*|\bолух\w*|\bмраз[ьи]\b|\bтвар[ьи]\b|\bскотин\w*|"
            r"\bсволоч\w*|\bублюд\w*|\bворье|\bворюг\w*|\bшарашк\w*|\bлохотрон\w*|"
            r"\bразводилов\w*|\bобманщик\w*|\bжулье\b",
            # «воры», «грабеж» only as an accusation: «как уберечь карту от воров» is a question
            r"\b(?:вы|одни)\s+(?:[\w-]+\s+)?(?:воры|грабители)\b|\b(?:воры|грабители)\s+а\s+не\b|"
            r"\bбанк\s+(?:[\w-]+\s+)?(?:воров|грабителей)\b|\bэто\s+(?:[\w-]+\s+)?грабеж|"
            r"\bграбеж\s+средь",
            r"\b(?:бот|банк|робот)\s+(?:[\w-]+\s+)?туп(?:ой|ая|ое|ые|ица)\b",
            r"\b(?:вы|банк|ваш\s+банк|сотрудник\w*|менеджер\w*|операционист\w*|консультант\w*)\s+"
            r"(?:[\w-]+\s+)?(?:меня\s+|нас\s+)?(?:обманул\w*|обманываете|обманывает|развел\w*|"
            r"разводите|разводит|кинул\w*|обокрал\w*|обворовал\w*)",
            r"\b(?:обманули|развели|кинули)\s+вы\b|\bэто\s+(?:[\w-]+\s+)?обман\b|\bобманываете\b|"
            r"\bразводите\b|\bграбите\b|\bнаживаетесь\b",
            r"\bidiots?\b|\bmorons?\b|\bstupid\s+(?:bot|bank|machine|people)|\bclowns\b|"
            r"\b(?:you|you\s+are|you're|bunch\s+of)\s+(?:all\s+)?(?:thieves|crooks|liars|scammers|"
            r"clowns)\b|\brip-?off\b|\bthis\s+bank\s+is\s+a\s+scam|"
            r"\byou\s+(?:scammed|robbed|cheated|ripped\s+off)\s+me",
        ),
        claim=True,
    ),
)

# Excitement that is not anger: «Спасибо!!!», «ПРИВЕТ ВСЕМ», "THANK YOU SO MUCH".
_POSITIVE = _rx(
    r"спасибо|благодар|\bспс\b|супер|отлично|\bкласс(?:но|ный)?\b|круто|\bура\b|здорово|"
    r"прекрасн|замечательн|молодц|привет|здравствуй|добр\w+\s+(?:утро|день|вечер)|поздравля|"
    r"\bс\s+праздник|\bлюблю",
    r"\bthank|\bthanks|\bgreat\b|\bawesome|\bexcellent|\blove\b|\bhello\b|\bhi\b|\bhey\b|"
    r"\bgood\s+(?:morning|afternoon|evening)|congrat|\bwow\b",
)


def _shouting(text: str) -> bool:
    """Mostly CAPITALS at a reasonable length with «!!!» (or «?!?!»): shouting, unless glad.

    Either alone is too weak: some customers type in capitals («КАКАЯ КОМИССИЯ ЗА
    ПЕРЕВОД»), others add «!!!» to a calm question; an operator's time is not spent on that.
    """
    letters = [c for c in text if c.isalpha()]
    caps = (
        len(letters) >= 12
        and len(text.split()) >= 3
        and sum(c.isupper() for c in letters) >= 0.8 * len(letters)
    )
    bangs = any(run.count("!") >= 2 for run in re.findall(r"[!?]{3,}", text))
    return caps and bangs and not _POSITIVE.search(text)


def _phrase(text: str, match: re.Match[str]) -> str:
    """The phrase around a match, between commas or sentence ends («не помогло, в отделении …»)."""
    start = max(text.rfind(c, 0, match.start()) for c in ",.!?;\n") + 1
    tail = _PHRASE_END.search(text, match.end())
    return text[start : tail.start() if tail else len(text)]


def _hypothetical(text: str, match: re.Match[str]) -> bool:
    """The match sits in a conditional clause with no first person: «если украли карту»."""
    start = max(text.rfind(c, 0, match.start()) for c in ".!?;\n") + 1
    tail = _CLAUSE_END.search(text, match.end())
    end = tail.start() if tail else len(text)
    condition = _CONDITIONAL.search(text, start, match.end())
    return condition is not None and not _FIRST_PERSON.search(text, condition.start(), end)


def _accuses_bank(text: str, match: re.Match[str]) -> bool:
    """«вы меня обманули»: the bank is the subject, so it is a complaint, not a fraud report."""
    start = max(text.rfind(c, 0, match.start()) for c in ".!?;,\n") + 1
    return bool(_BANK_AS_SUBJECT.search(text[start : match.start()]))


def _fires(rule: _Rule, text: str, *, general: bool) -> bool:
    if general and not rule.claim:
        return False
    for match in rule.pattern.finditer(text):
        if _hypothetical(text, match):
            continue
        if rule.name == "scammed" and _accuses_bank(text, match):
            continue
        if rule.name == "code_disclosed" and not _CALLER.search(text):
            continue
        return True
    return False


def _fraud_rule(text: str) -> str | None:
    """The name of the first FRAUD rule the normalized text fires, for audits and tests."""
    if _LAWFUL_WRITE_OFF.search(text) and not _SCAM_WORDS.search(text):
        return None
    general = bool(_GENERAL_QUESTION.match(text))
    return next((r.name for r in _FRAUD_RULES if _fires(r, text, general=general)), None)


def _complaint_rule(text: str) -> str | None:
    general = bool(_GENERAL_QUESTION.match(text))
    return next(
        (r.name for r in _COMPLAINT_RULES if (not general or r.claim) and r.pattern.search(text)),
        None,
    )


def detect_concern(text: str) -> Concern | None:
    """FRAUD wins over COMPLAINT when both match."""
    normalized = _normalize(text)
    if not normalized:
        return None
    if _fraud_rule(normalized):
        return Concern.FRAUD
    if _complaint_rule(normalized) or _shouting(text):
        return Concern.COMPLAINT
    return None


# --- «не помогло»: the bot's previous answer did not help ------------------------------------

_NOT_HELPED = _rx(
    r"\bне\s+помог(?:ло|ли|ла)?\b|\bне\s+помогает\b|\bне\s+помогаете\b|\bне\s+помогаешь\b|"
    r"\bничем\s+не\s+помог\w*|\b(?:это|мне\s+это|это\s+мне|такое|ваш\s+ответ)\s+не\s+поможет",
)
_MISSED = _rx(
    r"\b(?:вы|ты|бот)\s+(?:меня\s+|мой\s+вопрос\s+|вообще\s+|опять\s+|снова\s+)?не\s+понял\w*|"
    r"\bне\s+понял\w*\s+(?:меня|мой\s+вопрос|вопрос|о\s+чем|ответ|ваш\s+ответ)|"
    r"\bничего\s+не\s+понятно|\bне\s?понятно\s+ничего|\bничего\s+не\s+понял\w*|"
    # «я не понял» on its own answers the bot; «я не понял, а для пенсионеров?» asks further
    r"^(?:я\s+)?не\s+понял[аи]?[\s!.)]*$",
    r"\b(?:это|опять|снова|вообще)\s+не\s+то\b(?!\s+же\b|\s+чтобы\b)|"
    r"\bне\s+то,?\s+(?:что\s+)?(?:я\s+)?(?:спрашивал|просил|хотел|искал|имел\s+в\s+виду)\w*|"
    r"\bя\s+не\s+(?:об\s+этом|про\s+это|про\s+то|о\s+том)\b|\bречь\s+не\s+об\s+этом|"
    r"\bвопрос\s+был\s+(?:не\s+об\s+этом|о\s+другом|про\s+другое)|"
    r"\bя\s+спрашивал\w*\s+(?:о|про)\s+друго\w*",
    r"\bне\s+(?:отвечает|ответил\w*|отвечаете)\s+на\s+(?:мой\s+|моей\s+)?вопрос|"
    r"\b(?:вы|ты)\s+не\s+ответил\w*|\bэто\s+не\s+ответ\b|\bответ\s+не\s+тот\b|"
    r"\bне\s+тот\s+ответ\b|^(?:нет,?\s+)?не\s+то[\s!.)]*$|\bне\s+по\s+теме|\bответ\s+мимо|"
    r"^мимо\b|\bне\s+в\s+тему\b|"
    r"\b(?:это\s+я|я\s+это)\s+(?:и\s+так|итак|уже)\s+знаю|"
    r"\bбесполезн\w*\s+(?:ответ|бот|совет|информаци)|(?:ответ|бот|это)\s+(?:[\w-]+\s+)?бесполезн",
    r"(?:сделал\w*|попробовал\w*|пробовал\w*|как\s+вы\s+(?:сказали|написали|советовали)).{0,40}"
    r"(?:не\s+получ\w*|не\s+работает|не\s+вышло|ничего\s+не\s+(?:изменилось|произошло))",
    r"\b(?:that|this|it)\s+(?:did\s*n[o']?t|didnt|does\s*n[o']?t|doesnt|won't|wont|will\s+not)"
    r"\s+help|\bdid\s*n[o']?t\s+help|\bdidnt\s+help|\bnot\s+helpful|\bwas\s*n[o']?t\s+helpful|"
    r"\bno\s+help\b|\bunhelpful",
    r"\bnot\s+what\s+i\s+(?:asked|meant|wanted|was\s+asking|need)|\bthat's\s+not\s+what\s+i|"
    r"\bthats\s+not\s+what\s+i|\byou\s+(?:did\s*n[o']?t|didnt|do\s*n[o']?t|dont)\s+(?:understand|"
    r"get\s+it)|\byou\s+misunderst\w*|\b(?:does\s*n[o']?t|doesnt|did\s*n[o']?t|didnt)\s+"
    r"answer\s+(?:my|the)\s+question|\byou(?:'re|\s+are)\s+not\s+answering|\bthat's\s+not\s+it\b|"
    r"\bwrong\s+answer|\buseless\b|\birrelevant\b",
    r"\b(?:tried|did)\s+(?:that|this|it|what\s+you\s+said).{0,40}(?:does\s*n[o']?t|doesnt|"
    r"did\s*n[o']?t|didnt)\s+work",
)
# Help that failed somewhere else («мне не помогли в отделении») is a new question, not a verdict
# on the bot's previous answer; checked within the phrase of «не помогло».
_ELSEWHERE = _rx(
    r"\bв\s+(?:отделени|офис|банке|филиал|колл-?\s?центр|поддержк|другом\s+банке)\w*|"
    r"\bна\s+горячей\s+линии|\bпо\s+телефону|\bсотрудник\w*|\bменеджер\w*|\bконсультант\w*|"
    r"\bоперационист\w*",
    r"\b(?:at|in)\s+the\s+branch|\bon\s+the\s+phone|\bhotline|\bstaff\b|\bcall\s+cent(?:er|re)",
)


def says_not_helped(text: str) -> bool:
    """The customer says the bot's previous answer did not help («не помогло», «вы не поняли»,
    «это не то», «не отвечает на вопрос», "that didn't help", "not what I asked")."""
    normalized = _normalize(text)
    if _MISSED.search(normalized):
        return True
    return any(
        not _ELSEWHERE.search(_phrase(normalized, m)) for m in _NOT_HELPED.finditer(normalized)
    )
