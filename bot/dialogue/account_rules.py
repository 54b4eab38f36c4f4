"""Rules around account questions: phone numbers, codes, yes/no, and requests to refuse.

Transparent regular expressions, like :mod:`bot.dialogue.routing`: the decisions that guard
customers' money must be explainable line by line.
"""

from __future__ import annotations

import re

from bot.dialogue.phones import MOBILE_PHONE

_CODE = re.compile(r"^\D{0,20}?(\d{4,8})\D{0,3}$")
_YES = re.compile(
    r"^(да|ага|угу|конечно|подтверждаю|да,? \w+|yes|yep|confirm\w*|yes,? \w+)[\s!.)]*$",
    re.IGNORECASE,
)
_NO = re.compile(
    r"^(нет|не надо|не нужно|отмена|отменить|no|nope|cancel)[\s!.,\w]*$", re.IGNORECASE
)
_CARD_DIGITS = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_COMMAND = re.compile(r"^/([a-z_]+)$")

# Someone else's data: a named or numbered third party («клиента Петрова», a phone number).
_THIRD_PARTY = re.compile(
    r"\bклиент(а|ки|ов|у)\b|\bдруг(ого|ой) (человека|клиента|клиентки)\b|\bчуж\w+\b|"
    r"\bу [А-ЯЁ][а-яё]+(ова|ева|ёва|ина|ына|ого|ой|ских|ского)\b|"
    r"\b[А-ЯЁ][а-яё]+(ов|ев|ёв|ин|ын)(а|ой|у|ым|е)?\s+[А-ЯЁ][а-яё]+|"
    r"\b(customer|client|someone else'?s?|another (person|customer))\b",
)
# Relatives are third parties only in an account question («баланс мужа»); «карта для сына»
# is a fair question about the bank's products.
_RELATIVE = re.compile(
    r"\b(мужа|жены|мамы|папы|сына|дочери|брата|сестры|друга|подруги|коллеги|соседа|"
    r"мо(?:й|я|ему|ей)\s+(?:муж|жена|жене|сын|сыну|дочь|дочери|мама|маме|мать|папа|папе|отец|"
    r"брат|брату|сестра|сестре|друг|другу|подруга|подруге)|"
    r"my (wife|husband|friend|mother|father|son|daughter)'?s?)\b",
    re.IGNORECASE,
)
# A name set apart by commas, as a signature: «…, Ли Андрей Викторович, 8 924 …», «Чжан
# Елена, +7914…, how many yuan do I have».
_SIGNATURE = re.compile(r"(?:^|,)\s*[А-ЯЁ][а-яё]+(?:\s+[А-ЯЁ][а-яё]+){1,2}\s*(?=,|$)")
# Words that point at another person's data whatever else the message says.
_OTHERS = re.compile(
    r"\bклиент(а|ки|ов|у)\b|\bчуж\w+|\bsomeone else|\banother (person|customer)\b|"
    r"\bу\s+\+?[78][\s\-(]*9\d\d",  # «сколько на счету у +7916…»
    re.IGNORECASE,
)
_ACCOUNT_WORDS = re.compile(
    r"баланс|остат|сч[её]т|карт|кредит|ипотек|платеж|платёж|операци|выписк|данны|денег|деньги|"
    r"фио|телефон|паспорт|адрес|"
    r"balance|account|card|loan|payment|transaction|money|phone|address|passport",
    re.IGNORECASE,
)
# The customer names themselves («меня зовут…», «я Петрова Анна», «мой телефон…»): their own
# data, for which they must log in, not someone else's.
_SELF = re.compile(
    r"(?i:\bменя зовут\b|\bмоя фамилия\b|\bмой (?:номер|телефон|тел)\b|\bmy name is\b|"
    r"\bmy (?:phone|number)\b)|\b[Яя],?\s+[А-ЯЁ][а-яё]+|\bI(?: am|'m) [A-Z][a-z]+|"
    # «Петрова Анна, 89031112233, какой баланс?»: a name first thing in the message is the
    # writer's own, as in a letter's signature.
    r"^\s*(?:(?i:это|здравствуйте|добрый день)[,!.]?\s+)?(?:"
    r"[А-ЯЁ][а-яё]+(?:ов|ев|ёв|ин|ын|ский|цкий|ая|ко|ук|юк)а?\s+[А-ЯЁ][а-яё]+|"
    r"[А-ЯЁ][а-яё]+\s+[А-ЯЁ][а-яё]+(?:ов|ев|ёв|ин|ын|ский|цкий|ская|цкая|ко|ук|юк)а?)\b",
)
# A request to block a card now (not «как заблокировать карту?»).
_BLOCK_NOW = re.compile(
    r"\b(?:за)?блокируй(?:те)?\b|\bблокни\b|\bзаморозь(?:те)?\b|"
    r"\b(?:нужно|надо|хочу|прошу|срочно|помогите)\s+(?:\w+\s+){0,2}(?:за)?блокировать\b|"
    r"\b(?:please\s+)?(?:block|freeze)\s+(?:my|the|it|this)\b",
    re.IGNORECASE,
)
_HOW_TO = re.compile(r"^\s*(?:как|где|можно ли|сколько|what|how|can i|where)\b", re.IGNORECASE)
# Operations the bot cannot perform: it reads, and blocks a card on confirmation; nothing else.
_OPERATION = re.compile(
    r"^(пожалуйста,?\s+)?(срочно\s+)?((переведи|переведите)(?!\s+(на|с)\s+(английск|русск|немецк|"
    r"французск|испанск|китайск|татарск|язык|другой язык))|перекинь|перекиньте|закинь|закиньте|"
    r"скинь|скиньте|отправь|отправьте|перечисли|"
    r"перечислите|оплати|оплатите|погаси|погасите|закрой|закройте|открой|откройте|"
    r"разблокируй|разблокируйте|сними|снимите|пополни|пополните|верни|верните)\b|"
    r"^(please\s+)?(transfer|send|wire|pay|close|open|unblock|withdraw|top up|refund)\b",
    re.IGNORECASE,
)


def extract_phone(text: str) -> str | None:
    """A Russian mobile number in E.164 (``+79031112233``), when the message carries one."""
    match = MOBILE_PHONE.search(text)
    return "+7" + "".join(match.groups()) if match else None


def is_mostly_phone(text: str) -> bool:
    """The message is a phone number with at most a few words around it («мой номер …»)."""
    rest = re.sub(r"\W", "", MOBILE_PHONE.sub("", text))
    return MOBILE_PHONE.search(text) is not None and len(rest) <= 16


def extract_code(text: str) -> str | None:
    """A one-time code typed on its own («123456», «код 123456»)."""
    match = _CODE.match(text.strip())
    return match.group(1) if match else None


def yes_no(text: str) -> bool | None:
    stripped = text.strip()
    if _YES.match(stripped):
        return True
    if _NO.match(stripped):
        return False
    return None


def card_digits(text: str) -> str | None:
    """The last four digits of a card the customer names («карту 0417»)."""
    found = _CARD_DIGITS.findall(text)
    return found[0] if len(found) == 1 else None


def command(text: str) -> str | None:
    """A button's command payload («/check_balance»)."""
    match = _COMMAND.match(text.strip())
    return match.group(1) if match else None


def names_third_party(text: str, *, account_question: bool = False) -> bool:
    """The message asks about someone else's money or data (a name, a mobile number,
    «клиента …»); a customer naming themselves is not someone else."""
    related = _RELATIVE.search(text)
    # A relative counts in an account question, or named («баланс моей жены, Ким Ольга»).
    relative = related and (account_question or _SIGNATURE.search(text))
    named = not identifies_self(text) and (_THIRD_PARTY.search(text) or MOBILE_PHONE.search(text))
    return bool(named or relative) and bool(_ACCOUNT_WORDS.search(text))


def identifies_self(text: str) -> bool:
    """The customer gives their own name or phone: «меня зовут Анна Петрова», or a name set
    apart by commas or a phone in a message about their own money («когда мне платить по
    ипотеке, Ли Андрей Викторович, 8 924 …») that names no relative or other person."""
    if _SELF.search(text):
        return True
    signed = _SIGNATURE.search(text) or MOBILE_PHONE.search(text)
    return bool(
        signed and speaks_of_own(text) and not _RELATIVE.search(text) and not _OTHERS.search(text)
    )


def asks_about_own_account(text: str) -> bool:
    """Names their own account data: a balance, a card, a loan, money («мой баланс»)."""
    return bool(_ACCOUNT_WORDS.search(text))


_OWN = re.compile(
    r"\b(?:мо[йяеёи]|моего|моей|моих|моим|мне|меня|мною|у\s+меня|я)\b|\b(?:my|me|mine)\b|\bI\b|"
    # What happened on an account is what happened on theirs: «что списали 12 ноября»,
    # «зп пришла?», «пенсию зачислили?».
    r"\b(?:списали|списалось|списался|списалась|сняли|пришл[аио]|пришёл|пришел|"
    r"зачислили|зачислена|зачислен[аоы]?|поступил[аио]?|начислили)\b",
    re.IGNORECASE,
)


def speaks_of_own(text: str) -> bool:
    """The customer speaks of their own money or products («у меня», «мне», «моя», "my"), or
    of what happened on an account («что списали вчера», «пришла ли зп»)."""
    return bool(_OWN.search(text))


# A question about what to do, asked of the bank's rules: «что делать, если украли карту?»,
# «как узнать баланс?» — not «как там мой кредит».
_PROCEDURE = re.compile(
    r"^\W*(?:(?:а|и|скажите|подскажите)[,\s]+)?(?:что\s+(?:мне\s+)?делать|что\s+будет|как(?!\s+там)|"
    r"куда\s+(?:обращаться|звонить|идти)|можно\s+ли|what\s+(?:should|do)\s+i\s+do|"
    r"what\s+happens|how\s+(?:do|can|to|does)|can\s+i)\b",
    re.IGNORECASE,
)


def asks_procedure(text: str) -> bool:
    """A question about the bank's procedure («что делать, если украли карту?»), which the
    knowledge base answers, rather than a request about the customer's own account now."""
    return bool(_PROCEDURE.search(text))


def asks_to_block(text: str) -> bool:
    """Asks to block a card now («заблокируйте карту», "freeze my card"), not how to."""
    return bool(_BLOCK_NOW.search(text)) and not _HOW_TO.search(text)


def asks_operation(text: str) -> bool:
    """A request to move money or change a product, which the bot cannot do."""
    return bool(_OPERATION.search(text.strip()))
