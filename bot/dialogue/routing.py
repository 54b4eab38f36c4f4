"""Routing: what kind of message this is, first by transparent rules.

Rules are instant, testable and explainable to a bank's auditors: a greeting, thanks, a request
for a person, a clear out-of-scope subject. What they leave goes on to the example-based
classifier (small talk, out of scope and account intents by similarity to the intents file's
phrases) and then to the knowledge base, whose confidence gate decides between an answer and a
handoff — or out of scope, for a message that names no banking subject at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

# What the example-based classifier may also recognise besides account intents: conversation,
# not questions (``bot.intents.embedding``; the phrases are in the intents file).
CONVERSATION_INTENTS = ("smalltalk", "goodbye", "out_of_scope")


class Intent(StrEnum):
    GREETING = "greeting"
    THANKS = "thanks"
    HUMAN_REQUEST = "human_request"
    OUT_OF_SCOPE = "out_of_scope"
    KNOWLEDGE = "knowledge"


def _rx(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


_GREETING = _rx(
    r"^(привет\w*|здравствуй\w*|здрасьте|добр\w+ (утро|день|вечер|ночи)|доброго времени суток|"
    r"хай|салют|hi|hello|hey|good (morning|afternoon|evening))\b"
    # Anything but words may follow: punctuation, «)», emoji («доброе утро 🙂»).
    r"[\W_]*(there|всем|бот)?[\W_]*$",
)
_THANKS = _rx(
    r"^(спасибо|благодар\w+|спс|thanks?|thank you|thx)\b.{0,120}$",
)
_HUMAN = _rx(
    r"\b(оператор\w*|жив\w* (человек\w*|сотрудник\w*|специалист\w*)|человек\w*[, ]+а не бот\w*|"
    r"позов\w+ (человека|сотрудника|специалиста)|соедини\w* с (человеком|сотрудником|"
    r"специалистом|оператором))\b",
    r"\b(human|operator|real person|live agent|speak to (an? )?(agent|person|someone))\b",
)
_OUT_OF_SCOPE = _rx(
    r"\bпогод\w*|\bстих\w*|\bпоэм\w*|\bпесн[юяи]\w*|\bанекдот\w*|\bшутк\w*|\bрецепт\w*|"
    r"\bприготовить\b|\bвыбор\w*|\bпрезидент\w*|\bполитик\w*|\bпарти[яиюй]\b|\bдепутат\w*|"
    r"\bфутбол\w*|\bхоккей\w*|\bматч\w*|\bсчёт матча|\bгороскоп\w*|\bфильм\w*|\bсериал\w*",
    r"\bweather\b|\bpoem\b|\bpoetry\b|\bsong\b|\bjoke\b|\brecipe\b|\bcook\b|\belections?\b|"
    r"\bpresident\b|\bpolitic\w*|\bfootball\b|\bsoccer\b|\bmatch score\b|\bhoroscope\b|\bmovie\b",
    # Translating a phrase («переведи на китайский фразу…», "translate … into Russian").
    r"\bпереведи\w*\s+(?:\S+\s+){0,3}?(?:на|с)\s+(?:английск|русск|китайск|немецк|французск|"
    r"испанск|татарск|японск|корейск|итальянск|турецк)\w*|\btranslat\w*\b",
)
_BANKING = _rx(
    r"карт|кредитк|дебетовк|вклад|депозит|кредит|ипотек|перевод|платеж|платёж|комисси|банк|"
    r"тариф|процент|ставк|к[еэ]шб[еэ]к|бонус|приложени|отделени|офис|филиал|выписк|справк|"
    r"сч[её]т(?!\w*\s+(?:в\s+)?(?:матч|игр))|валют|\bкурс|крипт|биткоин|"
    r"доллар|евро|юан|налог|вычет|золот|слит|"
    r"страхов|пенси|сейф|ячейк|металл|брокер|инвест|облигац|гаранти|лизинг|эквайринг|зарплат|"
    r"\bзп\b|налич|\bснят|лимит|\bпин\b|пин-код|\bсмс\b|\bsms\b|реквизит|\bбик\b|"
    r"долг|просроч|рассрочк|овердрафт|рефинанс|залог|жалоб|претензи|мошенн|блокир|перевыпуск|"
    r"\bсбп\b|доверенност|наследств|копилк|накопител|займ|погаш",
    r"\b(?:card|account|deposit|loan|mortgage|transfer|payment|fee|bank|atm|rate|app|branch|"
    r"swift|salary|cash|cashback|insurance|pension|tax|currency|exchange|safe deposit|broker|"
    r"invest|overdraft|statement|iban|limit|pin|credit|debit|savings|interest|complaint|fraud|"
    r"block|office|wire|sbp|gold|bullion|bitcoin|crypto\w*)(?:s|es|ed|ing)?\b",
)


@dataclass(frozen=True, slots=True)
class Routing:
    intent: Intent
    rule: str  # which rule fired; recorded for audits and metrics


_ADDRESSES_BANK = _rx(r"\bу вас\b|\bваш\w*|\bвы\b|\byour\b|\bdo you\b|\bcan i\b")


def addresses_the_bank(text: str) -> bool:
    """The message asks the bank itself («а вы работаете в воскресенье?», "do you..."): a
    question about its services even without a banking word."""
    return bool(_ADDRESSES_BANK.search(text))


def mentions_banking(text: str) -> bool:
    """The message names a banking subject (a card, a deposit, a fee...)."""
    return bool(_BANKING.search(text))


def route_message(text: str) -> Routing:
    stripped = text.strip()
    if _HUMAN.search(stripped):
        return Routing(Intent.HUMAN_REQUEST, "human_keyword")
    if _GREETING.match(stripped):
        return Routing(Intent.GREETING, "greeting")
    if _THANKS.match(stripped) and not _BANKING.search(stripped):
        return Routing(Intent.THANKS, "thanks")
    if _OUT_OF_SCOPE.search(stripped) and not _BANKING.search(stripped):
        return Routing(Intent.OUT_OF_SCOPE, "out_of_scope_keyword")
    return Routing(Intent.KNOWLEDGE, "default")


_FOLLOW_UP = _rx(
    r"^(а|и|ну а|а если|а как|а что|а для|а у|а в|а при|тогда|also|and|what about|how about)\b",
)


def is_follow_up(text: str) -> bool:
    """A message that only makes sense with the previous question («а для пенсионеров?»)."""
    words = text.split()
    return bool(_FOLLOW_UP.match(text.strip())) or len(words) <= 3
