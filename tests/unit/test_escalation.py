"""Escalation rules: which messages are a complaint or a fraud report, which are ordinary
questions the bot answers itself, and when the customer says the previous answer did not help."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.dialogue.escalation import Concern, detect_concern, says_not_helped

CASES = Path(__file__).resolve().parents[2] / "examples/eval/cases.yaml"

FRAUD_RU = [
    "я не совершал эту операцию",
    "Я не совершала эту покупку!",
    "списали 5000 а я ничего не покупал",
    "у меня с карты ушли деньги непонятно куда",
    "списали деньги без моего ведома",
    "сняли деньги с карты без моего согласия",
    "это не моя операция",
    "неизвестное списание по карте 1200р",
    "двойное списание за одну покупку в пятерочке",
    "два раза сняли за одну покупку",
    "хочу оспорить списание",
    "хочу сделать чарджбэк по покупке на алиэкспресс",
    "мошенники украли деньги с карты",
    "меня обманули, я перевёл деньги мошенникам",
    "звонили из банка и я назвал код из смс",
    "у меня украли карту",
    "карту украли в метро",
    "украли телефон с приложением банка",
    "взломали личный кабинет",
    "кто-то зашел в мое приложение и перевел деньги",
    "пришло смс о покупке которую я не делал",
    "с карты сняли 30 тыс я их не снимала",
    "пропали деньги с карты",
    "на меня оформили кредит а я его не брал",
    "я перевела деньги аферистам на авито",
    "мне позвонил сотрудник службы безопасности я продиктовала код",
    "стала жертвой мошенников помогите вернуть деньги",
    "какие то левые списания по карте",
    "мошейники сняли все деньги",
    "что за списание 299 р я ничего не подключала",
    "кто-то снял деньги с моей карты",
    "меня развели на 20000 по телефону",
    "что делать если у меня украли карту",
    "как вернуть деньги если меня обманули мошенники",
    "операция не моя, отмените её",
    "я ни чего не оплачивал а деньги списали",
    "мошенники представились приставами и я перевел им деньги",
    "если я не совершал эту операцию, как вернуть деньги",
    "банкомат не выдал деньги а списал",
    "оплата не прошла, а деньги списали",
    "позвонили, назвала код из смс",
]

FRAUD_EN = [
    "I didn't make this transaction",
    "there is an unauthorized charge on my card",
    "fraudulent transaction on my account",
    "i want to dispute a charge",
    "need a chargeback for this purchase",
    "my card was stolen",
    "my account was hacked",
    "i was scammed and sent money to a fraudster",
    "someone used my card without my permission",
    "i was charged twice for the same purchase",
    "i dont recognize this payment",
    "money disappeared from my account",
    "somebody stole my phone with the banking app",
    "i gave the caller my code and now my money is gone",
    "i need to block my card, it was stolen yesterday",
]

COMPLAINT_RU = [
    "ПОЧЕМУ НИКТО НЕ ОТВЕЧАЕТ!!!",
    "хочу подать жалобу",
    "это безобразие",
    "возмутительно",
    "у меня претензия к банку",
    "буду жаловаться в ЦБ",
    "напишу в роспотребнадзор",
    "напишу жалобу в прокуратуру",
    "подам на вас в суд",
    "мой юрист свяжется с вами",
    "верните мои деньги немедленно",
    "сколько можно!!!",
    "вы издеваетесь?",
    "идиоты, сколько можно ждать",
    "третий раз пишу и никто не отвечает",
    "ваш сотрудник мне нахамил в отделении",
    "какого хрена у меня заблокировали карту",
    "задолбали со своими смс",
    "банк воров и жуликов",
    "это просто беспредел",
    "ужасный сервис отвратительное отношение",
    "вы меня обманули с процентами по вкладу",
    "требую вернуть комиссию",
    "пойду в полицию писать заявление на ваш банк",
    "обращусь к финансовому уполномоченному",
    "да вы охренели совсем",
    "позор а не банк",
    "опять не работает приложение бесит",
    "это неприемлемо",
    "хамство операторов на горячей линии",
    "приставы списали деньги, это беспредел",
    "что за херня с приложением",
    "банк меня обманул со страховкой",
    "вы меня достали",
]

COMPLAINT_EN = [
    "WHY IS MY CARD BLOCKED AGAIN!!!",
    "I want to file a complaint",
    "this is outrageous",
    "ridiculous, third time i'm calling",
    "I will sue your bank",
    "my lawyer will contact you",
    "I'm going to report you to the central bank",
    "this is unacceptable",
    "worst bank ever",
    "you idiots blocked my card again",
    "i want my money back now",
    "wtf is this fee",
    "are you kidding me",
]

NEITHER = [
    # Capitals alone or «!!!» alone are not anger enough to call a person: the bot answers,
    # and hands over if it cannot. Both together are («ВЫ ИЗДЕВАЕТЕСЬ!!!»).
    "ВЫ ВООБЩЕ РАБОТАЕТЕ ИЛИ НЕТ",
    "почему опять списали комиссию???!!!",
    "WHY IS MY CARD BLOCKED AGAIN",
    "КАКАЯ КОМИССИЯ ЗА ПЕРЕВОД",
    # ordinary knowledge-base questions
    "как защититься от мошенников?",
    "как распознать мошенников",
    "что делать если звонят мошенники",
    "как не стать жертвой мошенников",
    "что такое чарджбэк?",
    "как подать жалобу?",
    "куда жаловаться на банк",
    "сколько дней рассматривают жалобу",
    "потерял карту что делать",
    "как оспорить операцию?",
    "подскажите, можно ли оспорить операцию в приложении",
    "судебные приставы списали деньги",
    "арест счёта приставами",
    "приставы списали деньги без моего ведома что делать",
    "что делать если украли карту",
    "скока стоит перевыпуск карты если украли",
    "мне звонят из банка и просят продиктовать код из смс это нормально",
    "сколько можно снять в банкомате без комиссии",
    "сколько стоит обслуживание",
    "Какие ставки по вкладу «Надёжный»?",
    "ставки по вкладу",
    "какой у меня баланс",
    "на что ушли деньги",
    "покажи последние списания",
    "я еще не оплачивал кредит в этом месяце сколько платить",
    "я не оплачивал кредит два месяца что будет",
    "банк заблокировал перевод как подозрительный почему",
    "ввел код а перевод не прошел",
    "как отменить подписку",
    "как вернуть деньги за покупку в интернете",
    "как заблокировать карту",
    "заблокируйте мою карту",
    "может ли мой юрист получить выписку по доверенности",
    "я давно не покупал валюту, какой курс",
    "что делать если взломали приложение",
    "как понять взломали ли аккаунт",
    "как проверить не оформлен ли кредит на мое имя",
    "сотрудник сказал что код придет в смс",
    "мне звонили мошенники",
    "как уберечь карту от воров",
    "достали карту из банкомата?",
    "произвольная сумма перевода",
    "пишет недопустимый символ в пароле",
    "образец претензии",
    "сколько стоит в третий раз перевыпустить карту",
    # greetings and thanks, even excited ones
    "привет",
    "Привет!",
    "спасибо",
    "Спасибо!!!",
    "СПАСИБО БОЛЬШОЕ ВЫ ЛУЧШИЕ",
    # English
    "How much does it cost to replace a stolen debit card?",
    "how do chargebacks work",
    "can i dispute a transaction online",
    "what is fraud protection",
    "how can I protect my account from hackers",
    "how do I file a complaint",
    "I lost my card please block it",
    "what is my balance",
    "hi there",
    "thanks a lot!!!",
    "how many times can I withdraw cash for free",
    "can my lawyer get a copy of my statement",
    "how do i protect my card from thieves",
    "how many times do I need to enter the pin",
    "what should i do if my card is stolen",
    "",
]


@pytest.mark.parametrize("text", FRAUD_RU + FRAUD_EN)
def test_fraud_reports(text: str) -> None:
    assert detect_concern(text) is Concern.FRAUD


@pytest.mark.parametrize("text", COMPLAINT_RU + COMPLAINT_EN)
def test_complaints(text: str) -> None:
    assert detect_concern(text) is Concern.COMPLAINT


@pytest.mark.parametrize("text", NEITHER)
def test_ordinary_questions_are_not_escalated(text: str) -> None:
    assert detect_concern(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "мошенники списали деньги, это безобразие!!!",
        "я не совершал эту операцию, буду жаловаться в ЦБ",
        "my card was stolen and your support is useless, worst bank ever",
    ],
)
def test_fraud_wins_over_a_complaint(text: str) -> None:
    assert detect_concern(text) is Concern.FRAUD


def test_enough_examples_per_concern_and_language() -> None:
    assert len(FRAUD_RU) >= 25
    assert len(FRAUD_EN) >= 10
    assert len(COMPLAINT_RU) >= 25
    assert len(COMPLAINT_EN) >= 10
    assert len(NEITHER) >= 30


def _eval_cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = yaml.safe_load(CASES.read_text(encoding="utf-8"))
    return cases


# Eval cases that are expected not to hand off, yet are a complaint or a fraud report.
# Empty: no such case in examples/eval/cases.yaml at the time of writing.
EVAL_ALLOW_LIST: frozenset[str] = frozenset()


@pytest.mark.parametrize(
    "case",
    [c for c in _eval_cases() if c["expect"]["route"] != "handoff"],
    ids=lambda c: str(c["id"]),
)
def test_eval_cases_without_a_handoff_are_not_escalated(case: dict[str, Any]) -> None:
    text = case["text"] if "text" in case else case["turns"][-1]
    if case["id"] in EVAL_ALLOW_LIST:
        pytest.skip("allow-listed: a real complaint or fraud report")
    assert detect_concern(text) is None, case["id"]


@pytest.mark.parametrize(
    "text",
    [
        "не помогло",
        "это не помогло",
        "спасибо, но не помогло",
        "ничем не помогли",
        "вы не поняли",
        "вы меня не поняли",
        "ты не понял вопрос",
        "бот опять не понял",
        "это не то",
        "опять не то",
        "это не то что я спрашивал",
        "я не об этом",
        "я спрашивала про другое",
        "не отвечает на вопрос",
        "вы не ответили на мой вопрос",
        "ответ мимо",
        "сделала как вы написали, не получилось",
        "бесполезный ответ",
        "вы не поняли, я спрашивал про вклад в банке",
        "that didn't help",
        "not what I asked",
        "you didn't understand",
        "this doesn't answer my question",
        "not helpful",
        "tried that, it didn't work",
        "я не понял",
        "ответ бесполезный",
        "не помогло, в отделении тоже не помогли",
    ],
)
def test_says_not_helped(text: str) -> None:
    assert says_not_helped(text)


@pytest.mark.parametrize(
    "text",
    [
        "спасибо, помогло",
        "помогло, спасибо",
        "спасибо, вы очень помогли",
        # staff elsewhere did not help: a new question, not a verdict on the bot's answer
        "мне не помогли в отделении, что делать?",
        "на горячей линии не помогли",
        "помогите пожалуйста",
        "а если не поможет?",
        "это не только для пенсионеров?",
        "не то чтобы срочно, но какой курс доллара",
        "не могу войти в приложение",
        "как перевести деньги",
        "я не понял, а для пенсионеров?",
        "thanks, that helped",
        "it helped",
        "what does it cost",
        "бесполезно звонить в банк, никто не берет трубку",
        "",
    ],
)
def test_does_not_say_not_helped(text: str) -> None:
    assert not says_not_helped(text)
