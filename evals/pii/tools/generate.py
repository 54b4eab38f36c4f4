#!/usr/bin/env python3
"""Generate the synthetic PII evaluation set ``evals/pii/snippets.yaml``.

Standard library only, deterministic (fixed seed).  Run from the repository
root::

    .venv/bin/python evals/pii/tools/generate.py

The set was written "blind": without looking at the detector under test.
Every snippet comes from a hand-written template (see PII_TEMPLATES and
NEG_TEMPLATES below).  A template is plain text with slots in braces:

    {card} {card:glued} {cvv} {pass} {pser} {pnum} {snils} {inn:12} {acc}
    {ph} {email} {n:CASE:FORM:GENDER[:lc][:o][:pK]} {en:FORM[:m|f][:pK]}
    {tn} {addr} {eaddr}                                -> labelled PII
    {amt} {date} {time} {pct} {l4} {contract} {app9} {txn16} {ref11}
    {ref12} {ref10} {sms} {city} {bank} ...            -> unlabelled fillers

While a template is rendered the exact character span of every PII value is
recorded, so the ``value`` of each label is by construction a substring of
``text``; the script re-checks it anyway, together with the checksums of all
labelled card/snils/inn/account numbers, the deliberate checksum failure of
every negative reference number, and a scan of the unlabelled text for digit
sequences that would accidentally look like valid personal data.
"""
from __future__ import annotations

import json
import random
import re
import sys
from collections import Counter
from pathlib import Path

SEED = 20240917
rng = random.Random(SEED)

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "snippets.yaml"

TYPES = ["card", "cvv", "passport", "snils", "inn", "account", "phone", "email", "name", "address"]
MIN_PER_TYPE = 40          # the brief asks for >= 35; keep a margin
MIN_NEGATIVE = 120         # the brief asks for >= 110
MIN_TOTAL = 360            # the brief asks for >= 330
EN_SHARE = (0.10, 0.15)

BANK_BIC = "044525225"
BANK_CORR = "30101810400000000225"

# ---------------------------------------------------------------------------
# checksums
# ---------------------------------------------------------------------------


def luhn_ok(d: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(d)):
        n = int(ch)
        if i % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def luhn_complete(partial: str) -> str:
    for c in "0123456789":
        if luhn_ok(partial + c):
            return partial + c
    raise AssertionError


def snils_check(d9: str) -> str:
    s = sum(int(d9[i]) * (9 - i) for i in range(9))   # d1*9 + d2*8 + ... + d9*1
    if s < 100:
        c = s
    elif s in (100, 101):
        c = 0
    else:
        c = s % 101
        if c == 100:
            c = 0
    return f"{c:02d}"


def snils_ok(d: str) -> bool:
    return len(d) == 11 and d.isdigit() and d[9:] == snils_check(d[:9])


W10 = [2, 4, 10, 3, 5, 9, 4, 6, 8]
W11 = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8]
W12 = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]


def _inn_digit(d: str, w: list[int]) -> str:
    return str(sum(int(a) * b for a, b in zip(d, w)) % 11 % 10)


def inn10_ok(d: str) -> bool:
    return len(d) == 10 and d.isdigit() and d[9] == _inn_digit(d[:9], W10)


def inn12_ok(d: str) -> bool:
    return (len(d) == 12 and d.isdigit() and d[10] == _inn_digit(d[:10], W11)
            and d[11] == _inn_digit(d[:11], W12))


def inn_ok(d: str) -> bool:
    return inn10_ok(d) or inn12_ok(d)


def account_key(bic: str, acc: str) -> str:
    """Control key (9th digit) of a Russian account number for a given BIC."""
    s = bic[-3:] + acc[:8] + "0" + acc[9:]
    w = [7, 1, 3] * 8
    total = sum((int(c) * w[i]) % 10 for i, c in enumerate(s))
    return str(((total % 10) * 3) % 10)


def account_ok(bic: str, acc: str) -> bool:
    s = bic[-3:] + acc
    w = [7, 1, 3] * 8
    return len(acc) == 20 and sum((int(c) * w[i]) % 10 for i, c in enumerate(s)) % 10 == 0


def digits(s: str) -> str:
    return re.sub(r"\D", "", s)


def rdig(n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


# ---------------------------------------------------------------------------
# Russian names and their case forms (nom, gen, dat, acc, ins, prep)
# ---------------------------------------------------------------------------
CASES = ["nom", "gen", "dat", "acc", "ins", "prep"]

MALE_FIRST = """Александр Алексей Андрей Антон Артём Арсений Борис Вадим Валентин Василий
Виктор Виталий Владимир Владислав Вячеслав Геннадий Георгий Глеб Григорий Даниил Денис
Дмитрий Евгений Егор Иван Игорь Илья Кирилл Константин Лев Леонид Максим Марат Матвей
Михаил Никита Николай Олег Павел Пётр Роман Руслан Святослав Семён Сергей Станислав
Степан Тимофей Тимур Фёдор Юрий Ярослав""".split()

FEMALE_FIRST = """Анна Мария Елена Ольга Наталья Татьяна Ирина Светлана Екатерина Юлия
Анастасия Марина Евгения Дарья Ксения Алина Виктория Полина Валентина Галина Людмила
Надежда Вера Любовь Нина Тамара Лариса Оксана Кристина Алёна Вероника Софья Диана
Елизавета Арина Милана Валерия Яна Жанна Зинаида Лидия Раиса Регина Эльвира Олеся
Ульяна Маргарита Александра Василиса Инна""".split()

DIMINUTIVE = {
    "Мария": "Маша", "Александра": "Саша", "Анна": "Аня", "Екатерина": "Катя", "Наталья": "Наташа",
    "Татьяна": "Таня", "Ольга": "Оля", "Елена": "Лена", "Юлия": "Юля", "Анастасия": "Настя",
    "Дарья": "Даша", "Ксения": "Ксюша", "Светлана": "Света", "Ирина": "Ира", "Евгения": "Женя",
    "Полина": "Поля", "Валентина": "Валя", "Галина": "Галя", "Людмила": "Люда",
    "Александр": "Саша", "Алексей": "Лёша", "Дмитрий": "Дима", "Сергей": "Серёжа",
    "Михаил": "Миша", "Николай": "Коля", "Владимир": "Вова", "Евгений": "Женя", "Иван": "Ваня",
    "Константин": "Костя", "Андрей": "Андрюша", "Павел": "Паша", "Максим": "Макс",
    "Григорий": "Гриша", "Виталий": "Виталик", "Вячеслав": "Слава", "Анатолий": "Толя",
}

# (male, female) patronymics
PATRONYMICS = [
    ("Александрович", "Александровна"), ("Алексеевич", "Алексеевна"), ("Андреевич", "Андреевна"),
    ("Антонович", "Антоновна"), ("Борисович", "Борисовна"), ("Вадимович", "Вадимовна"),
    ("Васильевич", "Васильевна"), ("Викторович", "Викторовна"), ("Витальевич", "Витальевна"),
    ("Владимирович", "Владимировна"), ("Геннадьевич", "Геннадьевна"), ("Георгиевич", "Георгиевна"),
    ("Григорьевич", "Григорьевна"), ("Денисович", "Денисовна"), ("Дмитриевич", "Дмитриевна"),
    ("Евгеньевич", "Евгеньевна"), ("Иванович", "Ивановна"), ("Игоревич", "Игоревна"),
    ("Константинович", "Константиновна"), ("Леонидович", "Леонидовна"), ("Максимович", "Максимовна"),
    ("Михайлович", "Михайловна"), ("Николаевич", "Николаевна"), ("Олегович", "Олеговна"),
    ("Павлович", "Павловна"), ("Петрович", "Петровна"), ("Романович", "Романовна"),
    ("Сергеевич", "Сергеевна"), ("Станиславович", "Станиславовна"), ("Юрьевич", "Юрьевна"),
    ("Анатольевич", "Анатольевна"), ("Валерьевич", "Валерьевна"), ("Аркадьевич", "Аркадьевна"),
    ("Фёдорович", "Фёдоровна"), ("Степанович", "Степановна"), ("Рашидович", "Рашидовна"),
]

# surnames in the masculine nominative, with a declension class
SURNAMES_OV = """Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров
Морозов Волков Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев
Макаров Никитин Захаров Зайцев Соловьёв Борисов Яковлев Григорьев Романов Воробьёв Сергеев
Кузьмин Фролов Дмитриев Королёв Гусев Киселёв Ильин Максимов Поляков Сорокин Виноградов
Ковалёв Белов Медведев Антонов Тарасов Жуков Баранов Комаров Давыдов Беляев Герасимов
Богданов Сидоров Титов Миронов Крылов Мельников Гаврилов Калинин Быков Маслов Лазарев
Хабибуллин Гарипов Сафин Галиев Шарипов""".split()
SURNAMES_SKY = """Ковальский Вишневский Островский Покровский Лисицкий Жуковский Соколовский
Успенский Долгорукий""".split()
SURNAMES_INV = """Шевченко Бондаренко Черных Седых Ким Коваленко Дурново""".split()
SURNAMES_CONS = """Мельник Гуревич Шульц Зингер Рабинович""".split()


def first_decl(n: str) -> tuple[str, ...]:
    """First-declension nouns in -а/-я (all female names, male diminutives, Никита...)."""
    if n.endswith("ия"):
        s = n[:-1]
        return (n, s + "и", s + "и", s + "ю", s + "ей", s + "и")
    if n.endswith("я"):
        s = n[:-1]
        return (n, s + "и", s + "е", s + "ю", s + "ей", s + "е")
    if n.endswith("а"):
        s = n[:-1]
        gen = "и" if s[-1] in "гкхжшчщ" else "ы"
        ins = "ей" if s[-1] in "жшчщц" else "ой"
        return (n, s + gen, s + "е", s + "у", s + ins, s + "е")
    raise ValueError(n)


MALE_EXC = {
    "Павел": ("Павел", "Павла", "Павлу", "Павла", "Павлом", "Павле"),
    "Лев": ("Лев", "Льва", "Льву", "Льва", "Львом", "Льве"),
    "Пётр": ("Пётр", "Петра", "Петру", "Петра", "Петром", "Петре"),
    "Илья": ("Илья", "Ильи", "Илье", "Илью", "Ильёй", "Илье"),
}


def male_first_decl(n: str) -> tuple[str, ...]:
    if n in MALE_EXC:
        return MALE_EXC[n]
    if n.endswith("ий"):
        s = n[:-2]
        return (n, s + "ия", s + "ию", s + "ия", s + "ием", s + "ии")
    if n.endswith("й") or n.endswith("ь"):
        s = n[:-1]
        return (n, s + "я", s + "ю", s + "я", s + "ем", s + "е")
    if n.endswith("а") or n.endswith("я"):
        return first_decl(n)
    ins = "ем" if n[-1] in "жшчщц" else "ом"
    return (n, n + "а", n + "у", n + "а", n + ins, n + "е")


def female_first_decl(n: str) -> tuple[str, ...]:
    if n == "Любовь":
        return ("Любовь", "Любови", "Любови", "Любовь", "Любовью", "Любови")
    return first_decl(n)


def patronymic_decl(p: str, female: bool) -> tuple[str, ...]:
    if female:
        s = p[:-1]
        return (p, s + "ы", s + "е", s + "у", s + "ой", s + "е")
    return (p, p + "а", p + "у", p + "а", p + "ем", p + "е")


def surname_decl(base: str, kind: str, female: bool) -> tuple[str, ...]:
    if kind == "ov":
        if female:
            return (base + "а", base + "ой", base + "ой", base + "у", base + "ой", base + "ой")
        return (base, base + "а", base + "у", base + "а", base + "ым", base + "е")
    if kind == "sky":
        st = base[:-2]
        if female:
            return (st + "ая", st + "ой", st + "ой", st + "ую", st + "ой", st + "ой")
        return (base, st + "ого", st + "ому", st + "ого", st + "им", st + "ом")
    if kind == "cons":
        if female:
            return (base,) * 6
        ins = "ем" if base[-1] in "жшчщц" else "ом"
        return (base, base + "а", base + "у", base + "а", base + ins, base + "е")
    return (base,) * 6   # invariant


SURNAMES = ([(s, "ov") for s in SURNAMES_OV] + [(s, "sky") for s in SURNAMES_SKY]
            + [(s, "inv") for s in SURNAMES_INV] + [(s, "cons") for s in SURNAMES_CONS])

TRANSLIT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}
# ICAO-style, as embossed on cards
TRANSLIT_CARD = dict(TRANSLIT, й="i", х="kh", ц="ts", ю="iu", я="ia", ъ="ie")


def translit(s: str, table=TRANSLIT) -> str:
    return "".join(table.get(ch, table.get(ch.lower(), ch)) if ch.lower() in table else ch
                   for ch in s.lower())


class Person:
    def __init__(self, female: bool | None = None):
        self.female = rng.random() < 0.5 if female is None else female
        if self.female:
            self.first = rng.choice(FEMALE_FIRST)
            self.first_forms = female_first_decl(self.first)
        else:
            self.first = rng.choice(MALE_FIRST)
            self.first_forms = male_first_decl(self.first)
        sur, kind = rng.choice(SURNAMES)
        self.sur_forms = surname_decl(sur, kind, self.female)
        pm, pf = rng.choice(PATRONYMICS)
        self.patr = pf if self.female else pm
        self.patr_forms = patronymic_decl(self.patr, self.female)
        dim = DIMINUTIVE.get(self.first)
        if dim is None:
            self.dim_forms = self.first_forms
        elif dim.endswith(("а", "я")):
            self.dim_forms = first_decl(dim)
        else:
            self.dim_forms = male_first_decl(dim)

    def initials(self) -> str:
        f, p = self.first[0], self.patr[0]
        return rng.choice([f"{f}.{p}.", f"{f}.{p}.", f"{f}. {p}."])

    def form(self, case: str, form: str) -> str:
        c = CASES.index(case)
        F, S, P = self.first_forms[c], self.sur_forms[c], self.patr_forms[c]
        if form == "any":
            form = rng.choice(["full", "full", "fio", "fl", "lf", "fp", "ini", "f"])
        if form == "flx":
            form = rng.choice(["fl", "lf"])
        return {
            "full": lambda: f"{S} {F} {P}",
            "fio": lambda: f"{F} {P} {S}",
            "fl": lambda: f"{F} {S}",
            "lf": lambda: f"{S} {F}",
            "fp": lambda: f"{F} {P}",
            "f": lambda: F,
            "l": lambda: S,
            "pat": lambda: P,
            "ini": lambda: f"{S} {self.initials()}",
            "ini2": lambda: f"{self.initials()} {S}",
            "li": lambda: f"{S} {self.first[0]}.",
            "fi": lambda: f"{F} {self.sur_forms[0][0]}.",
            "dim": lambda: self.dim_forms[c],
        }[form]()

    def card_holder(self) -> str:
        return f"{translit(self.first, TRANSLIT_CARD)} {translit(self.sur_forms[0], TRANSLIT_CARD)}".upper()

    def email(self) -> str:
        f = translit(self.first)
        l = translit(self.sur_forms[0])
        yy = rng.choice(["", "", str(rng.randint(70, 99)), str(rng.randint(1975, 2005)), str(rng.randint(1, 99))])
        local = rng.choice([
            f"{f}.{l}{yy}", f"{l}.{f}", f"{f[0]}.{l}{yy}", f"{l}_{f[0]}{yy}", f"{f}{l}{yy}",
            f"{f}-{l}", f"{l}{yy or rng.randint(1, 999)}", f"{f}_{yy or rng.randint(10, 99)}",
            rng.choice(["kotik", "solnyshko", "zayka", "tigr", "mega", "super", "lisa", "volk"])
            + rng.choice(["_", "", "."]) + str(rng.randint(1, 2005)),
        ])
        dom = rng.choice(["mail.ru", "mail.ru", "yandex.ru", "yandex.ru", "gmail.com", "gmail.com",
                          "ya.ru", "bk.ru", "list.ru", "inbox.ru", "rambler.ru", "outlook.com", "icloud.com"])
        return f"{local}@{dom}"


EN_FIRST_M = "James John Michael David Robert Daniel Thomas Mark Paul Peter George Andrew Chris Kevin Brian Oliver".split()
EN_FIRST_F = "Emily Sarah Jessica Laura Emma Olivia Sophie Hannah Rachel Kate Anna Maria Linda Helen Claire Megan".split()
EN_LAST = """Smith Johnson Brown Taylor Wilson Miller Davis Clark Lewis Walker Hall Young King Wright
Green Baker Adams Nelson Carter Mitchell Turner Parker Evans Collins Murphy Cooper Ward Foster Hughes Bennett""".split()


class EnPerson:
    def __init__(self, female: bool | None = None):
        self.female = rng.random() < 0.5 if female is None else female
        self.first = rng.choice(EN_FIRST_F if self.female else EN_FIRST_M)
        self.last = rng.choice(EN_LAST)

    def form(self, form: str) -> str:
        if form == "any":
            form = rng.choice(["full", "full", "first"])
        return {"full": f"{self.first} {self.last}", "first": self.first,
                "last": self.last, "fl_i": f"{self.first[0]}. {self.last}"}[form]

    def email(self) -> str:
        f, l = self.first.lower(), self.last.lower()
        local = rng.choice([f"{f}.{l}", f"{f}{l}{rng.randint(1, 99)}", f"{f[0]}{l}", f"{l}.{f}", f"{f}_{l}"])
        return local + "@" + rng.choice(["gmail.com", "outlook.com", "yahoo.com", "hotmail.co.uk", "icloud.com", "proton.me"])


# ---------------------------------------------------------------------------
# PII value generators
# ---------------------------------------------------------------------------
BINS = {
    "mir": ["220220", "220070", "220015", "220001", "220100", "220488", "220301", "220412"],
    "visa": ["427638", "427901", "427655", "437772", "415428", "446916", "479087", "410012", "489347", "417398"],
    "mc": ["546938", "553691", "521324", "510621", "539923", "555949", "548673", "520373", "531674"],
    "up": ["621483", "625094", "622588", "623446", "628123"],
}


def make_card(kind: str | None = None, length: int | None = None) -> str:
    if kind is None:
        kind = rng.choices(["mir", "visa", "mc", "up"], [35, 35, 22, 8])[0]
    if length is None:
        r = rng.random()
        if kind == "visa" and r < 0.07:
            length = 13
        elif kind in ("mir", "up") and r < 0.15:
            length = rng.choice([18, 19, 19])
        else:
            length = 16
    b = rng.choice(BINS[kind])
    d = luhn_complete(b + rdig(length - len(b) - 1))
    assert luhn_ok(d) and len(d) == length
    return d


def fmt_card(d: str, style: str | None = None) -> str:
    n = len(d)
    if style is None:
        style = rng.choices(["sp", "glued", "dash"], [55, 30, 15])[0]
    if style == "glued":
        return d
    sep = " " if style == "sp" else "-"
    if n == 13:
        groups = [d[:4], d[4:7], d[7:10], d[10:]]
    elif n == 19 and rng.random() < 0.35:
        groups = [d[:6], d[6:]]
    else:
        groups = [d[i:i + 4] for i in range(0, n, 4)]
    return sep.join(groups)


def make_cvv(four: bool = False) -> str:
    return rdig(4) if four else rdig(3)


PASS_REGIONS = ["45", "46", "40", "41", "92", "65", "60", "03", "80", "22", "36", "50", "28", "70",
                "57", "75", "52", "04", "18", "24", "25", "33", "53", "63", "67", "71", "78", "83", "97", "01"]


def make_passport() -> tuple[str, str]:
    series = rng.choice(PASS_REGIONS) + rng.choice(["97", "99", "00", "01", "02", "03", "04", "05", "06", "07",
                                                     "08", "09", "10", "11", "12", "13", "14", "15", "16", "17",
                                                     "18", "19", "20", "21", "22", "23", "24"])
    while True:
        num = rdig(6)
        if not inn10_ok(series + num):     # a glued passport must not look like a valid INN-10
            return series, num


def fmt_passport(series: str, num: str, style: str | None = None) -> str:
    if style is None:
        style = rng.choices(["sp1", "sp2", "glued"], [45, 25, 30])[0]
    return {"sp1": f"{series} {num}", "sp2": f"{series[:2]} {series[2:]} {num}", "glued": series + num}[style]


def make_snils() -> str:
    while True:
        d9 = rdig(9)
        if d9[0] in "78" or int(d9) <= 1001998:    # 7/8 would look like a phone when glued
            continue
        d = d9 + snils_check(d9)
        assert snils_ok(d)
        return d


def fmt_snils(d: str, style: str | None = None) -> str:
    if style is None:
        style = rng.choices(["std", "glued", "dash", "sp"], [50, 25, 10, 15])[0]
    return {"std": f"{d[:3]}-{d[3:6]}-{d[6:9]} {d[9:]}", "glued": d,
            "dash": f"{d[:3]}-{d[3:6]}-{d[6:9]}-{d[9:]}", "sp": f"{d[:3]} {d[3:6]} {d[6:9]} {d[9:]}"}[style]


INN_REGIONS = ["77", "50", "78", "47", "16", "66", "54", "52", "63", "61", "23", "02", "59", "36", "69",
               "71", "76", "55", "74", "24", "38", "39", "26", "64", "34", "72", "18", "56", "43", "12"]


def make_inn(length: int) -> str:
    head = rng.choice(INN_REGIONS) + f"{rng.randint(1, 51):02d}"
    if length == 12:
        d = head + rdig(6)
        d += _inn_digit(d, W11)
        d += _inn_digit(d, W12)
        assert inn12_ok(d)
    else:
        d = head + rdig(5)
        d += _inn_digit(d, W10)
        assert inn10_ok(d)
    return d


def make_account(kind: str = "any") -> tuple[str, str]:
    bic = rng.choice([BANK_BIC, BANK_BIC, BANK_BIC, "044525974", "044525593", "044030653"])
    bal = {"any": rng.choice(["40817", "40817", "40817", "42301", "40820"]), "ip": "40802",
           "dep": rng.choice(["42301", "42305", "42306", "42307"]), "usd": "40817"}[kind]
    cur = "840" if kind == "usd" else rng.choice(["810", "810", "810", "810", "978"] if kind == "any" else ["810"])
    acc = bal + cur + "0" + rdig(4) + rdig(7)
    acc = acc[:8] + account_key(bic, acc) + acc[9:]
    assert account_ok(bic, acc)
    return acc, bic


def fmt_account(d: str, style: str | None = None) -> str:
    if style is None:
        style = rng.choices(["glued", "std", "g4"], [65, 20, 15])[0]
    if style == "std":
        return f"{d[:5]} {d[5:8]} {d[8]} {d[9:13]} {d[13:]}"
    if style == "g4":
        return " ".join(d[i:i + 4] for i in range(0, 20, 4))
    return d


MOBILE = ["903", "905", "906", "909", "910", "911", "912", "915", "916", "917", "919", "920", "921", "925",
          "926", "927", "929", "950", "951", "952", "953", "960", "961", "962", "964", "965", "967", "977",
          "978", "985", "987", "989", "991", "993", "995", "996", "999"]
LANDLINE = ["495", "499", "812", "843", "846", "383", "343", "861", "863", "4822", "3452", "4872"]


def make_phone(kind: str = "ru") -> str:
    if kind == "for":
        return rng.choice([
            lambda: f"+375 {rng.choice(['29', '33', '44', '25'])} {rdig(3)}-{rdig(2)}-{rdig(2)}",
            lambda: f"+375 ({rng.choice(['29', '44'])}) {rdig(3)}-{rdig(2)}-{rdig(2)}",
            lambda: f"+375{rng.choice(['29', '33', '44'])}{rdig(7)}",
            lambda: f"+1 ({rng.choice(['415', '212', '646', '312', '617'])}) 555-01{rdig(2)}",
            lambda: f"+1 {rng.choice(['202', '305', '503', '718'])}-555-01{rdig(2)}",
            lambda: f"+44 7700 900{rdig(3)}",
        ])()
    land = kind == "land" or (kind == "ru" and rng.random() < 0.12)
    while True:
        if land:
            code = rng.choice(LANDLINE)
            rest = rdig(10 - len(code))
            rest = str(rng.randint(2, 9)) + rest[1:]
        else:
            code = rng.choice(MOBILE)
            rest = rdig(7)
        ten = code + rest
        if len(code) == 4:
            a, b = code, rest
            s = rng.choice([f"8 ({a}) {b[:2]}-{b[2:4]}-{b[4:]}", f"+7 ({a}) {b[:2]}-{b[2:4]}-{b[4:]}",
                            f"8({a}){b[:2]}-{b[2:4]}-{b[4:]}"])
        else:
            a, b = code, rest
            s = rng.choice([
                f"+7 ({a}) {b[:3]}-{b[3:5]}-{b[5:]}", f"+7 ({a}) {b[:3]}-{b[3:5]}-{b[5:]}",
                f"+7{ten}", f"+7{ten}", f"8{ten}", f"8{ten}", f"8-{a}-{b[:3]}-{b[3:5]}-{b[5:]}",
                f"8 ({a}) {b[:3]}-{b[3:5]}-{b[5:]}", f"+7 {a} {b[:3]} {b[3:5]} {b[5:]}", f"7{ten}",
                f"8 {a} {b}", f"+7 {a} {b[:3]}-{b[3:5]}-{b[5:]}", f"8({a}){b[:3]}-{b[3:5]}-{b[5:]}",
                f"+7-{a}-{b[:3]}-{b[3:5]}-{b[5:]}", f"7 ({a}) {b[:3]} {b[3:]}", f"8 {a} {b[:3]} {b[3:5]} {b[5:]}",
            ])
        if kind == "glued":
            s = rng.choice([f"8{ten}", f"+7{ten}", f"7{ten}", f"8{ten}"])
        d = digits(s)
        if d.startswith(("8800", "7800")):
            continue
        if len(d) == 11 and snils_ok(d):   # avoid phones that double as a valid SNILS
            continue
        return s


# ---------------------------------------------------------------------------
# addresses
# ---------------------------------------------------------------------------
# (nominative, prepositional, genitive, region, postcode prefix, english)
CITIES = [
    ("Москва", "Москве", "Москвы", None, "1", "Moscow"),
    ("Санкт-Петербург", "Санкт-Петербурге", "Санкт-Петербурга", None, "19", "Saint Petersburg"),
    ("Казань", "Казани", "Казани", "Респ. Татарстан", "420", "Kazan"),
    ("Екатеринбург", "Екатеринбурге", "Екатеринбурга", "Свердловская обл.", "620", "Yekaterinburg"),
    ("Новосибирск", "Новосибирске", "Новосибирска", "Новосибирская обл.", "630", "Novosibirsk"),
    ("Нижний Новгород", "Нижнем Новгороде", "Нижнего Новгорода", "Нижегородская обл.", "603", "Nizhny Novgorod"),
    ("Самара", "Самаре", "Самары", "Самарская обл.", "443", "Samara"),
    ("Ростов-на-Дону", "Ростове-на-Дону", "Ростова-на-Дону", "Ростовская обл.", "344", "Rostov-on-Don"),
    ("Краснодар", "Краснодаре", "Краснодара", "Краснодарский край", "350", "Krasnodar"),
    ("Уфа", "Уфе", "Уфы", "Респ. Башкортостан", "450", "Ufa"),
    ("Пермь", "Перми", "Перми", "Пермский край", "614", "Perm"),
    ("Воронеж", "Воронеже", "Воронежа", "Воронежская обл.", "394", "Voronezh"),
    ("Тверь", "Твери", "Твери", "Тверская обл.", "170", "Tver"),
    ("Тула", "Туле", "Тулы", "Тульская обл.", "300", "Tula"),
    ("Ярославль", "Ярославле", "Ярославля", "Ярославская обл.", "150", "Yaroslavl"),
    ("Омск", "Омске", "Омска", "Омская обл.", "644", "Omsk"),
    ("Челябинск", "Челябинске", "Челябинска", "Челябинская обл.", "454", "Chelyabinsk"),
    ("Красноярск", "Красноярске", "Красноярска", "Красноярский край", "660", "Krasnoyarsk"),
    ("Иркутск", "Иркутске", "Иркутска", "Иркутская обл.", "664", "Irkutsk"),
    ("Калининград", "Калининграде", "Калининграда", "Калининградская обл.", "236", "Kaliningrad"),
    ("Сочи", "Сочи", "Сочи", "Краснодарский край", "354", "Sochi"),
]
# (street as written after "ул." etc., english transliteration)
STREETS = [
    "ул. Ленина", "ул. Советская", "ул. Баумана", "ул. Гагарина", "ул. Пушкина", "пр-т Мира", "ул. Садовая",
    "ул. Молодёжная", "ул. Лесная", "ул. Школьная", "ул. Центральная", "наб. реки Фонтанки",
    "ул. Комсомольская", "ул. Октябрьская", "ул. Первомайская", "Кривоколенный пер.", "ул. Зелёная",
    "б-р Яна Райниса", "Невский пр.", "пр. Победы", "ш. Энтузиастов", "ул. Малышева", "ул. Красная",
    "ул. 8 Марта", "ул. 50 лет Октября", "ул. Профсоюзная", "ул. Тверская", "Ленинский просп.",
    "ул. Карла Маркса", "ул. Чкалова", "ул. Строителей", "ул. Новосёлов", "пер. Чистый", "ул. Луначарского",
]


def street_variant(st: str) -> str:
    if st.startswith("ул. ") and rng.random() < 0.35:
        return rng.choice(["улица ", "ул ", "ул."]) + st[4:]
    if st == "пр-т Мира" and rng.random() < 0.4:
        return rng.choice(["проспект Мира", "просп. Мира"])
    return st


def house() -> str:
    h = str(rng.choice([rng.randint(1, 30), rng.randint(1, 30), rng.randint(31, 150)]))
    r = rng.random()
    if r < 0.08:
        h += rng.choice(["А", "Б", "а"])
    elif r < 0.14:
        h += f"/{rng.randint(1, 5)}"
    return h


def flat() -> str:
    return str(rng.randint(1, 320))


SPB_ONLY = {"Невский пр.", "наб. реки Фонтанки"}


def make_address(style: str | None = None) -> str:
    city = rng.choice(CITIES)
    st0 = rng.choice(STREETS)
    if st0 in SPB_ONLY:
        if style in ("region", "village"):
            st0 = "ул. Садовая"
        city = CITIES[1]
    st = street_variant(st0)
    h, f = house(), flat()
    if style is None:
        style = rng.choice(["full", "full", "short_city", "idx", "nocity", "nocity2", "region", "city_nodot", "village"])
    if style == "full":
        return rng.choice([
            f"г. {city[0]}, {st}, д. {h}, кв. {f}", f"г. {city[0]}, {st}, д.{h}, кв.{f}",
            f"{city[0]}, {st}, д. {h}, кв. {f}", f"г.{city[0]}, {st} д.{h} кв.{f}",
            f"г. {city[0]}, {st}, д. {h}, корп. {rng.randint(1, 4)}, кв. {f}",
        ])
    if style == "short_city":
        return rng.choice([f"{city[0].lower()}, {st} {h}-{f}", f"{city[0]}, {st} {h}-{f}",
                           f"{city[0]} {st} {h} кв {f}"])
    if style == "idx":
        idx = city[4] + rdig(6 - len(city[4]))
        if city[3] is None:
            tail = rng.choice([f", кв. {f}", ""])
            return f"{idx}, г. {city[0]}, {st}, д. {h}{tail}"
        tail = rng.choice([f", кв. {f}", f"-{f}", ""])
        sep = ", д. " if tail != f"-{f}" else ", "
        return f"{idx}, {city[3]}, г. {city[0]}, {st}{sep}{h}{tail}"
    if style == "nocity":
        return rng.choice([f"{st} {h} кв {f}", f"{st}, д. {h}, кв. {f}", f"{st} {h}-{f}",
                           f"{st}, д. {h}, корп. {rng.randint(1, 3)}, кв. {f}", f"{st}, {h}, кв. {f}"])
    if style == "nocity2":   # house only (private house / office)
        return rng.choice([f"{st}, д. {h}", f"{st} {h}", f"{st}, {h}, стр. {rng.randint(1, 3)}"])
    if style == "region":
        return rng.choice([
            f"Московская обл., г. Химки, {st}, д. {h}, кв. {f}",
            f"Ленинградская обл., г. Мурино, {st}, д. {h}, кв. {f}",
            f"Московская область, Одинцовский р-н, пос. Лесной Городок, {st}, д. {h}",
            f"Тверская обл., Калининский р-н, д. Никулино, {st}, д. {h}",
            f"МО, г. Балашиха, мкр. Железнодорожный, {st} {h}, кв {f}",
        ])
    if style == "city_nodot":
        city_name = city[0]
        return rng.choice([f"{city_name} {st} {h} {f}", f"{city_name.lower()} {st.lower()} д {h} кв {f}"])
    if style == "village":
        return rng.choice([f"с. Первомайское, {st}, д. {h}", f"пос. Ватутинки, {st}, д. {h}, кв. {f}",
                           f"СНТ «Рассвет», участок {rng.randint(1, 200)}",
                           f"д. Горки, {st}, {h}"])
    if style == "street":
        return rng.choice([f"{st}, д. {h}", f"{st} {h} кв {f}", f"{st}, д. {h}, кв. {f}"])
    raise ValueError(style)


def make_address_en_ru() -> str:
    city = rng.choice(CITIES)
    h, f = house(), flat()
    name = rng.choice(["Lenina", "Sovetskaya", "Baumana", "Gagarina", "Pushkina", "Tverskaya", "Sadovaya",
                       "Molodezhnaya", "Profsoyuznaya", "Malysheva", "Chkalova"])
    h = re.sub(r"[АБа]", "A", h)
    return rng.choice([
        f"ul. {name} {h}, apt. {f}, {city[5]}",
        f"{city[5]}, {name} st. {h}-{f}",
        f"{city[4] + rdig(6 - len(city[4]))}, {city[5]}, {name} street {h}, apt {f}",
    ])


def make_address_en() -> str:
    n = rng.randint(1, 250)
    st = rng.choice(["Oak", "Maple", "Baker", "Elm", "High", "Church", "Park", "Victoria", "Mill", "Station", "Cedar", "King"])
    kind = rng.choice(["Street", "St", "Avenue", "Road", "Lane", "Drive"])
    return rng.choice([
        f"{n} {st} {kind}, Apt {rng.randint(1, 40)}, Springfield, IL 627{rdig(2)}",
        f"{n} {st} {kind}, London NW1 {rng.randint(1, 9)}XE",
        f"Flat {rng.randint(1, 30)}, {n} {st} {kind}, Manchester M{rng.randint(1, 20)} {rng.randint(1, 9)}HJ",
        f"{n} {st} {kind}, Boston, MA 021{rdig(2)}",
        f"{n} {st} {kind}, Toronto, ON M5V 2T{rng.randint(1, 9)}",
    ])


# ---------------------------------------------------------------------------
# unlabelled filler generators (hard negatives)
# ---------------------------------------------------------------------------
MONTHS = ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь",
          "ноябрь", "декабрь"]
MONTHS_GEN = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
              "октября", "ноября", "декабря"]
EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December"]
BANKS = ["Сбербанк", "Тинькофф", "ВТБ", "Альфа-Банк", "Газпромбанк", "Почта Банк", "Райффайзенбанк",
         "Открытие", "Совкомбанк", "Россельхозбанк", "Т-Банк", "Озон Банк"]


def thousands(n: int, sep: str = " ") -> str:
    return f"{n:,}".replace(",", sep)


def make_amount(small: bool = False) -> str:
    if small:
        n = rng.choice([59, 99, 149, 199, 290, 350, 490, 500, 990, 1500, 2990, 4900])
        return rng.choice([f"{n} руб.", f"{n} ₽", f"{n}р", f"{n} рублей", f"{thousands(n)},00"])
    n = rng.choice([rng.randint(1, 99) * 100, rng.randint(1, 300) * 500, rng.randint(100, 99999),
                    rng.randint(1, 30) * 50000, rng.randint(1, 5) * 500000])
    k = rng.randint(0, 99) if n < 100000 else 0
    return rng.choice([
        f"{thousands(n)} руб.", f"{thousands(n)} руб", f"{thousands(n)} рублей", f"{n}р", f"{thousands(n)} ₽",
        f"{thousands(n)},{k:02d}", f"{thousands(n)},{k:02d} руб.", f"{min(n // 1000, 999) or 1}к", f"{thousands(n)}₽",
        f"{n} рублей", f"{thousands(n)} р.",
    ])


def make_amount_en() -> str:
    n = rng.choice([rng.randint(1, 99) * 100, rng.randint(100, 99999), rng.randint(1, 20) * 5000])
    return rng.choice([f"${thousands(n, ',')}.00", f"{thousands(n, ',')} RUB", f"€{n}", f"${n}", f"{thousands(n, ',')} rubles"])


def make_date(en: bool = False) -> str:
    d, m, y = rng.randint(1, 28), rng.randint(1, 12), rng.choice([2023, 2024, 2024, 2025])
    if en:
        return rng.choice([f"{EN_MONTHS[m - 1]} {d}, {y}", f"{d:02d}/{m:02d}/{y}", f"{d} {EN_MONTHS[m - 1][:3]}"])
    return rng.choice([f"{d:02d}.{m:02d}.{y}", f"{d:02d}.{m:02d}.{y}", f"{d}.{m:02d}", f"{d} {MONTHS_GEN[m - 1]}",
                       f"{d:02d}.{m:02d}.{str(y)[2:]}", f"{y}-{m:02d}-{d:02d}", f"{d:02d}/{m:02d}/{y}"])


def make_time() -> str:
    h, m = rng.randint(0, 23), rng.choice([0, 5, 15, 20, 30, 45, rng.randint(0, 59)])
    return rng.choice([f"{h:02d}:{m:02d}", f"{h}:{m:02d}", f"{h}.{m:02d}"])


def make_pct(en: bool = False) -> str:
    v = rng.choice(["19,9", "5", "0,5", "21", "16,5", "1,5", "3", "29,9", "12", "7,25", "18", "10", "2,9", "0,1"])
    if en:
        v = v.replace(",", ".")
    return rng.choice([f"{v}%", f"{v} %", f"{v}%", f"{v}% годовых" if not en else f"{v}% p.a."])


def make_contract(en: bool = False) -> str:
    y = rng.choice(["2022", "2023", "2024", "2025"])
    if en:
        return rng.choice([f"{rdig(4)}-{rdig(2)}/{y}", f"KD-{y}/{rdig(5)}", f"{rdig(3)}-{rdig(5)}", f"TKS-{rdig(6)}"])
    return rng.choice([
        f"{rdig(4)}-{rdig(2)}/{y}", f"КД-{y}/{rdig(5)}", f"{rdig(5)}/{rdig(2)}-ПК", f"ПОС-{rdig(7)}",
        f"{rdig(3)}-{rdig(5)}", f"{rdig(2)}/{rdig(4)}-КК", f"TKS-{rdig(6)}",
    ])


def make_txn16(spaced: bool = False) -> str:
    while True:
        d = str(rng.randint(1, 9)) + rdig(15)
        if rng.random() < 0.4:           # card-like prefix, harder case
            d = rng.choice(["4", "5", "2200", "6"]) + rdig(16 - 1)
            d = d[:16]
        if not luhn_ok(d):
            return " ".join(d[i:i + 4] for i in range(0, 16, 4)) if spaced else d


def make_ref(n: int) -> str:
    while True:
        d = rng.choice("1234569") + rdig(n - 1)
        if n == 11 and not snils_ok(d):
            return d
        if n == 12 and not inn12_ok(d):
            return d
        if n == 10 and not inn10_ok(d):
            return d
        if n not in (10, 11, 12) and not luhn_ok(d):
            return d


NEG_CHECKS = {
    "txn16": lambda v: not luhn_ok(digits(v)),
    "ref11": lambda v: not snils_ok(v),
    "ref12": lambda v: not inn12_ok(v),
    "ref10": lambda v: not inn10_ok(v),
    "ref19": lambda v: not luhn_ok(v),
    "app9": lambda v: len(v) == 9,
}

# ---------------------------------------------------------------------------
# templates
# ---------------------------------------------------------------------------
# Positive templates: (lang, text).  Every template contains at least one PII slot.
PII_TEMPLATES: list[tuple[str, str]] = [
    # --- card / cvv -------------------------------------------------------
    ("ru", "Здравствуйте, моя карта {card}, заблокируйте пожалуйста"),
    ("ru", "карта{card:glued} не проходит оплата уже второй день 😡"),
    ("ru", "{card} заблокируйте срочно украли кошелек!!!"),
    ("ru", "Добрый день! Потеряла карту {card}, держатель {n:nom:full:f}. Прошу перевыпустить и привезти курьером на {addr}"),
    ("ru", "номер карты {card:sp}\nсрок {mmyy}\ncvv {cvv}\nпочему не проходит платеж на озоне?"),
    ("ru", "у меня карта{card:glued} а деньги от {n:gen:flx:m} так и не пришли"),
    ("ru", "переведите с карты {card:dash} на карту {card:sp}, обе мои, в приложении не получается"),
    ("ru", "оплачивал на сайте, ввёл карту {card} и cvc2 {cvv}, списали {amt} два раза, верните"),
    ("ru", "мне позвонили якобы из службы безопасности и я продиктовала номер карты {card} и три цифры на обороте {cvv}... что теперь делать?? 😭"),
    ("ru", "{card:glued} cvv{cvv} срок {mmyy} — проверьте почему отказ"),
    ("ru", "код на обороте карты - {cvv}, номер {card}. скажите это вообще безопасно сюда писать"),
    ("ru", "добрый вечер. карта мир {card:mir} не работает в турции, что делать"),
    ("ru", "подскажите почему карту {card:visa} не принимают в магазине, а карта *{l4} работает норм"),
    ("ru", "на карту {card} должны были прийти {amt} от {n:gen:ini:x}, до сих пор нет"),
    ("ru", "сын потерял карту {card}, он {n:nom:full:m}. я мама, {n:nom:fp:f}, можно заблокировать с моего номера {ph}?"),
    ("ru", "карта юнионпей {card:up} не работает в китае, cvv {cvv} ввожу правильно"),
    ("ru", "я ввела cvv {cvv} и номер {card:dash} на сайте магазина, а потом пришла смс с кодом {sms}, я его не вводила"),
    ("ru", "карта {card:long} (это мир, там 19 цифр) не привязывается к Мир Pay"),
    ("ru", "привяжите пожалуйста карту {card} к номеру {ph}"),
    ("ru", "CVC2: {cvv}\nНомер: {card:sp}\nДержатель: {tn}\nне проходит оплата за границей"),
    ("ru", "ой я случайно написал сюда свой cvv {cvv}, удалите сообщение пожалуйста"),
    ("ru", "три цифры сзади {cvv}, а дальше что вводить? сайт просит ещё что-то"),
    ("ru", "на карте {card} код безопасности {cvv:4}, а поле на сайте принимает только 3 цифры"),
    ("ru", "cvv2/cvc2 — {cvv}, карта {card:mc}, срок {mmyy}. Заказ в интернете не проходит"),
    ("ru", "номер {card} код с обратной стороны {cvv} это нормально что ваш оператор такое спрашивает?"),
    ("ru", "мошенники узнали мой cvv {cvv} и номер карты {card:glued}, списали {amt} в {time}"),
    ("ru", "карту {card} оформляли на {n:acc:fl:f}, сейчас она за границей, можно продлить?"),
    ("ru", "дочке {n:dat:dim:f} перевожу на карту {card} каждый месяц {amt}, можно сделать автоплатеж?"),
    ("ru", "вот cvc {cvv}"),
    ("ru", "Добрый день. Номер карты: {card}. Код CVV: {cvv}. Прошу проверить, почему отклоняются покупки в интернете"),
    ("ru", "вот карта {card:glued}\nвот cvc {cvv}\nпомогите оплатить штраф, сама не справляюсь"),
    ("ru", "карта {card}, на обороте {cvv} — или это не cvv? там ещё какие-то цифры рядом с подписью"),
    ("ru", "{card:sp} / {mmyy} / cvc2 {cvv} — верните деньги за подписку, я её не оформлял"),
    ("ru", "кредитка {card:dash} заблокирована после ввода CVV2 {cvv} на сайте авиакомпании, разблокируйте"),
    # --- passport -----------------------------------------------------------
    ("ru", "паспорт {pass}, хочу обновить данные в приложении"),
    ("ru", "Меня зовут {n:nom:full:x}, паспорт серия {pser} номер {pnum}, прошу восстановить доступ"),
    ("ru", "Паспортные данные: {pass:sp2}, выдан {date}"),
    ("ru", "поменяла паспорт после замужества, новый {pass:glued}, старый {pass:sp1}. фамилия теперь {n:nom:l:f}"),
    ("ru", "серия {pser} № {pnum}, адрес регистрации {addr}"),
    ("ru", "для заявки на кредит: {n:nom:full:m}, паспорт {pass}, СНИЛС {snils}, ИНН {inn:12}"),
    ("ru", "паспорт {pass} прописка {addr:lc}"),
    ("ru", "по паспорту {pass} можно снять деньги в кассе без карты?"),
    ("ru", "паспорт{pass:glued} — проверьте, он у вас правильно записан? в приложении цифры другие"),
    ("ru", "сер. {pser} ном. {pnum} — это мой паспорт, карту выдадут по нему?"),
    ("ru", "доверенность оформлена на {n:acc:full:f}, её паспорт {pass}"),
    ("ru", "у меня новый паспорт {pass}, старый был {pass}, обновите плз"),
    ("ru", "Прошу изменить паспортные данные: серия {pser}, номер {pnum}, дата выдачи {date}. {n:nom:ini:x}"),
    ("ru", "паспорт рф {pass:sp2}\nснилс {snils}\nэто всё что нужно для дебетовой карты?"),
    ("ru", "серия паспорта {pser}, а номер {pnum}, вы просили для проверки личности"),
    ("ru", "мне отказали в кредите, хотя паспорт {pass} действующий, в чем дело???"),
    # --- snils --------------------------------------------------------------
    ("ru", "мой снилс {snils} привяжите к госуслугам пожалуйста"),
    ("ru", "мой СНИЛС: {snils}"),
    ("ru", "снилс{snils:glued} не подтягивается в приложении"),
    ("ru", "для пенсии нужен снилс? вот {snils}, получатель {n:nom:full:f}"),
    ("ru", "дочь {n:nom:fp:f} (снилс {snils}) хочет оформить детскую карту"),
    ("ru", "снилс ребёнка {snils}, оформляю пособие на {n:acc:fl:x}"),
    ("ru", "страховой номер {snils} — это снилс, его куда вводить?"),
    ("ru", "{snils} — снилс мамы, {n:nom:full:f}, ей не приходит пенсия на вашу карту"),
    ("ru", "я {n:nom:full:m}, снилс {snils}, хочу перевести пенсию к вам из другого банка"),
    ("ru", "Номер СНИЛС указан неверно! Правильный: {snils}"),
    ("ru", "здраствуйте. снилс {snils:glued} инн {inn:12} — заполните пожалуйста анкету сами, у меня не получается"),
    # --- inn ----------------------------------------------------------------
    ("ru", "ИНН {inn}, нужна справка для налоговой"),
    ("ru", "мой инн {inn:12} а в приложении стоит другой"),
    ("ru", "ИНН работодателя {inn:10}, зарплата не пришла за {month}"),
    ("ru", "для самозанятости: инн{inn:12}, телефон {ph}"),
    ("ru", "Добрый день, я ИП {n:nom:ini:m}, ИНН {inn:12}, расчётный счёт {acc:ip}, не проходит платёж"),
    ("ru", "налоговый вычет хочу оформить, инн {inn:12}, {n:nom:lf:f}"),
    ("ru", "ИНН физлица {inn:12} укажите в справке 2-НДФЛ пожалуйста"),
    ("ru", "инн организации где работаю {inn:10}, а мой {inn:12}"),
    ("ru", "{inn:12} это мой инн, проверьте задолженность"),
    ("ru", "почему в справке для налоговой указан ИНН {inn:12}, мой же другой — {inn:12}"),
    # --- account ------------------------------------------------------------
    ("ru", "прошу закрыть счёт {acc}"),
    ("ru", "номер счета {acc:sp}, получатель {n:nom:full:x}, БИК 044525225"),
    ("ru", "переведите пожалуйста {amt} на счёт {acc:glued} {n:dat:flx:f}"),
    ("ru", "зарплата приходит на счет {acc}, а на карте пусто"),
    ("ru", "реквизиты: р/с {acc}, к/с 30101810400000000225, БИК 044525225, получатель {n:nom:full:m}"),
    ("ru", "вклад на счёте {acc:dep} закрывается {date}, продлите на тех же условиях"),
    ("ru", "счет {acc} арестован приставами, почему меня не предупредили?"),
    ("ru", "выписка по счету {acc:sp} за {month} нужна в формате pdf"),
    ("ru", "с моего счёта{acc:glued} списали {amt}, я ничего не оплачивал"),
    ("ru", "Реквизиты для перевода:\nПолучатель: {n:nom:full:f}\nСчёт: {acc}\nБанк: ПАО Сбербанк\nБИК: 044525225"),
    ("ru", "долларовый счёт {acc:usd} — можно снять наличными?"),
    ("ru", "отправила деньги на счет {acc:glued}, а в поле получателя ошиблась, можно исправить"),
    # --- phone --------------------------------------------------------------
    ("ru", "мой номер {ph}, перезвоните пожалуйста"),
    ("ru", "поменяла номер телефона, старый {ph}, новый {ph}"),
    ("ru", "{ph} это мой номер, привяжите к сбп"),
    ("ru", "перевела {amt} по номеру {ph}, а получатель {n:nom:fp:f} говорит ничего не пришло"),
    ("ru", "звонили с номера {ph:mob}, представились банком, это вы?"),
    ("ru", "перезвоните на {ph:land} после {time}, спросить {n:acc:fp:x}"),
    ("ru", "тел.{ph:glued} {n:nom:lf:x}"),
    ("ru", "можно связаться со мной по номеру {ph} или написать на почту {email}"),
    ("ru", "не приходят смс на {ph}, что делать"),
    ("ru", "номер {ph:mob} больше не мой, отвяжите его от карты *{l4}"),
    ("ru", "звонил мужчина, представился {n:ins:fp:m} из службы безопасности, номер {ph:mob}, сказал продиктовать код"),
    ("ru", "перевожу по номеру {ph}, а приложение показывает получателя {n:nom:fi:x}, это точно он?"),
    ("ru", "перезвоните мне пожалуйста срочно {ph:glued}"),
    # --- email --------------------------------------------------------------
    ("ru", "пришлите выписку на почту {email}"),
    ("ru", "email поменялся, теперь {email}"),
    ("ru", "мой e-mail {email} , туда не приходят чеки"),
    ("ru", "{email} - сюда отправьте справку пожалуйста"),
    ("ru", "почта для связи {email:p1}, телефон {ph}, {n:nom:flx:x:p1}"),
    ("ru", "справку об остатке на {email}, и копию на {email}"),
    ("ru", "почту поменяйте со старой {email} на новую {email} пжлст"),
    ("ru", "Почему письма приходят не на {email}, а на какую-то чужую почту?"),
    ("ru", "отправьте договор на {email:p1} ({n:nom:ini:x:p1}), на бумаге не надо"),
    # --- name ---------------------------------------------------------------
    ("ru", "меня зовут {n:nom:f:f}, я не могу войти в приложение"),
    ("ru", "перевела {amt} {n:dat:flx:f} по ошибке, как вернуть?"),
    ("ru", "я перевёл деньги {n:dat:lf:m} а он говорит не получил"),
    ("ru", "здравствуйте, это {n:nom:full:m}, у меня вопрос по кредиту"),
    ("ru", "карта оформлена на {n:acc:fl:x}, можно мне её получить по доверенности?"),
    ("ru", "не могу найти перевод от {n:gen:ini:x}"),
    ("ru", "получатель {n:nom:ini2:x}, сумма {amt}, статус «отклонен» почему"),
    ("ru", "хочу добавить {n:acc:fp:f} в семейный доступ, это моя мама"),
    ("ru", "Вчера в отделении общалась с сотрудником {n:ins:fl:m}, он обещал перезвонить и пропал"),
    ("ru", "по кредиту поручитель {n:nom:full:m}, ему тоже будут звонить?"),
    ("ru", "как получить вклад после смерти отца, {n:gen:full:m}? я единственный наследник"),
    ("ru", "вы можете дать информацию {n:prep:full:f:o}? это моя бабушка, она в больнице"),
    ("ru", "кинула денег {n:dat:dim:f:lc} а она в другом банке, дошли?"),
    ("ru", "перевод для {n:gen:lf:x:lc} не прошел"),
    ("ru", "Прошу предоставить выписку по счёту за {month}.\nС уважением, {n:nom:ini:x}"),
    ("ru", "С уважением,\n{n:nom:full:x}\n{ph}"),
    ("ru", "Доброе утро! Я {n:nom:fl:f}, клиентка вашего банка уже 10 лет, и такого отношения не ожидала"),
    ("ru", "оформите карту на моего мужа {n:acc:full:m}, он инвалид и сам прийти не может"),
    ("ru", "у меня фамилия поменялась с {n:gen:l:f:p1} на {n:acc:l:f}, как поменять в приложении"),
    ("ru", "сестра {n:nom:f:f} просила узнать можно ли ей открыть вклад онлайн"),
    ("ru", "мы с {n:ins:f:m} хотим оформить ипотеку вдвоём, он созаёмщик"),
    ("ru", "Фамилия: {n:nom:l:x:p1}\nИмя: {n:nom:f:x:p1}\nОтчество: {n:nom:pat:x:p1}\nпочему в приложении написано с ошибкой?"),
    ("ru", "переведите пожалуйста бабушке {n:dat:full:f} пенсию на карту, она сама не может"),
    ("ru", "{n:nom:fp:m:lc} из вашего отдела продаж обещал кредитку без процентов, где она"),
    ("ru", "Огромное спасибо оператору {n:dat:f:f}, очень помогла! 🙏"),
    ("ru", "деньги ушли не {n:dat:dim:m:lc} а какому-то {n:dat:fi:m}, как так??"),
    ("ru", "подскажите, перевод от {n:gen:fl:m:lc} пришёл? он говорит отправил вчера"),
    ("ru", "Я, {n:nom:full:x}, прошу закрыть все мои счета"),
    ("ru", "здравствуйте меня зовут {n:nom:f:m} у меня списали деньги за подписку которую я не оформлял"),
    ("ru", "у {n:gen:fl:f} день рождения, хочу подарить сертификат, как перевести по реквизитам"),
    ("ru", "зачисление от {n:gen:ini:x} на {amt} было {date}? мне нужна справка"),
    # --- address ------------------------------------------------------------
    ("ru", "прошу доставить карту по адресу {addr}"),
    ("ru", "я переехала, новый адрес {addr:full}"),
    ("ru", "адрес регистрации: {addr:idx}"),
    ("ru", "живу на {addr:nocity}, есть рядом ваше отделение?"),
    ("ru", "курьер пусть привезёт на {addr:lc}, буду дома после {time}"),
    ("ru", "выписку бумажную отправьте на {addr}, получатель {n:nom:full:x}"),
    ("ru", "адрес фактического проживания {addr}, а регистрации {addr}"),
    ("ru", "я в {city:prep} живу, {addr:street}, где ближайший банкомат?"),
    ("ru", "поменяйте адрес в анкете на {addr}. старый {addr} уже неактуален"),
    ("ru", "письмо от банка пришло на старый адрес {addr}, а я давно живу на {addr:nocity}"),
    ("ru", "{addr} — вот мой адрес, куда пришлют карту?"),
    ("ru", "Прошу направить справку о закрытии кредита почтой по адресу: {addr:idx}"),
    ("ru", "карту доставили не туда, я писал {addr}, а курьер поехал в другой район"),
    # --- combinations / long ------------------------------------------------
    ("ru", "Анкета:\n{n:nom:full:x}\nТел: {ph}\nEmail: {email}\nАдрес: {addr}"),
    ("ru", "{n:nom:full:f}, паспорт {pass}, зарегистрирована по адресу {addr}, прошу открыть вклад"),
    ("ru", "перевод {amt} на счёт {acc} получатель {n:nom:full:m} инн {inn:12}"),
    ("ru", "для возврата денег: карта {card}, телефон {ph}, почта {email}"),
    ("ru", "мама {n:nom:full:f}, {ph:mob}, ей нужна помощь с приложением, она не умеет, можете ей перезвонить"),
    ("ru", "здравствуйте, я уже третий раз пишу, никто не отвечает. вчера в {time} пыталась оплатить коммуналку картой {card}, списали {amt}, а в управляющей компании говорят не пришло. потом звонила на горячую линию, сказали ждать 3 дня. меня зовут {n:nom:full:f}, телефон {ph}, если что перезвоните, я весь день дома. это вообще нормально так работать??"),
    ("ru", "Добрый день. Прошу рассмотреть мою ситуацию: {date} я оформил кредит, договор № {contract}, ежемесячный платеж {amt}. Я {n:nom:full:m}, паспорт {pass}, проживаю по адресу {addr}. Хочу досрочно погасить часть кредита, но в приложении кнопка неактивна. Подскажите пожалуйста как быть, и пришлите ответ на {email}. Спасибо"),
    ("ru", "я {n:nom:fl:f}, вот мой снилс {snils} и инн {inn:12}, оформите налоговый вычет"),
    ("ru", "паспорт {pass}, снилс {snils} — что ещё нужно для карты?"),
    ("ru", "бабушка {n:nom:full:f}, живёт: {addr}, паспорт {pass}, можно ей доставить пенсионную карту?"),
    ("ru", "муж {n:nom:fl:m} ({ph}) и я, {n:nom:fl:f}, хотим общий счёт. мой номер {ph}"),
    ("ru", "ФИО {n:nom:full:x}\nпаспорт {pass:sp1}\nинн {inn:12}\nснилс {snils}\nтел {ph}\nэто для заявки на ипотеку, куда прикрепить?"),
    ("ru", "Здравствуйте! Мне пришло письмо на {email} что мой счёт {acc} будет закрыт, если я не обновлю данные. Это правда от вас или мошенники? Я {n:nom:fp:f}, телефон привязан {ph}"),
    ("ru", "добрый день, хочу оформить перевод за границу родственнику, {n:dat:full:m}, он живёт в Минске, его номер {ph:for_by}, а у меня карта {card}, какие лимиты и сколько будет комиссия?"),
    ("ru", "я потерял карту где-то в такси, номер не помню, последние цифры {l4}, но у меня есть счёт {acc}, паспорт {pass}, ФИО {n:nom:full:m}, помогите заблокировать пока не сняли все деньги, там {amt}"),
    ("ru", "Здравствуйте! Пишу уже не первый раз, прошу наконец разобраться. {date} мне пришла смс о списании {amt}, хотя я ничего не покупала. Карта {card} всегда лежит дома, никому её не давала. Сразу позвонила на горячую линию, карту заблокировали, обещали вернуть деньги в течение 30 дней, но прошло уже полтора месяца. Номер обращения мне не сказали. Меня зовут {n:nom:full:f}, мой номер телефона {ph}, ответ можно прислать на {email}. Очень прошу помочь, это были последние деньги до зарплаты 😢"),
    # --- English ------------------------------------------------------------
    ("en", "Hi, my name is {en:full}, my card {card} was blocked while I was travelling"),
    ("en", "I lost my card {card:dash}. Please block it. Phone: {ph:for}"),
    ("en", "CVV is {cvv}, card {card:glued}, why is the payment declined?"),
    ("en", "Please update my address to {eaddr}"),
    ("en", "My email is {email:en} and my phone is {ph}"),
    ("en", "I'm {en:first}, my SNILS is {snils} and INN {inn:12}, do I need anything else to open an account?"),
    ("en", "transfer to {en:full}, account {acc}, please confirm it went through"),
    ("en", "Hello, this is {en:full:p1} ({email:en:p1}). I moved to {eaddr}, please send the new card there."),
    ("en", "my russian passport is {pass}, registration address {addr:en}"),
    ("en", "Please call me back at {ph:for}, ask for {en:first}"),
    ("en", "security code {cvv}, card number {card:sp}, expiry {mmyy}. Is it safe to pay on this site?"),
    ("en", "Card holder: {tn}\nCard: {card}\nCVC: {cvv}"),
    ("en", "My wife {en:full:f} needs access to our joint account {acc}"),
    ("en", "passport series {pser} number {pnum}, please verify my identity"),
    ("en", "I sent 5,000 RUB to {en:full} by phone number {ph:for} but it bounced"),
    ("en", "Account {acc}, please send me a statement to {email:en}"),
    ("en", "hi its {en:first} again, still no refund to card {card}. my number is {ph}"),
    ("en", "Please send the tax certificate to {email:en:p1}. My INN is {inn:12}. Thanks, {en:full:p1}"),
]

NEG_TEMPLATES: list[tuple[str, str]] = [
    ("ru", "Здравствуйте, не могу войти в Сбербанк Онлайн, пишет ошибку"),
    ("ru", "почему списали {amt:small} за обслуживание??"),
    ("ru", "карта *{l4} не работает со вчерашнего дня"),
    ("ru", "на карту, оканчивающуюся на {l4}, не пришла зарплата {date}"),
    ("ru", "номер операции {txn16}, деньги не дошли до получателя"),
    ("ru", "заявка {app9} на кредит висит уже неделю"),
    ("ru", "договор № {contract} хочу закрыть досрочно, сколько осталось платить?"),
    ("ru", "какой у вас БИК? 044525225 правильно?"),
    ("ru", "код {sms} пришел а я ничего не делала"),
    ("ru", "я сейчас в {city:prep}, где ближайший банкомат без комиссии"),
    ("ru", "ставка {pct} это годовых или в месяц?"),
    ("ru", "перевела {amt} в {time}, до сих пор в обработке"),
    ("ru", "подключен ли у меня тариф {tariff}? приложение показывает другое"),
    ("ru", "отделение {branch} работает в субботу?"),
    ("ru", "номер обращения {ref11}, ответа нет уже 3 дня"),
    ("ru", "RRN {ref12} — чек у меня есть, деньги не вернули"),
    ("ru", "по договору {contract} платеж {amt} внесла {date}, а в приложении просрочка"),
    ("ru", "кэшбэк обещали {pct}, а пришло только {amt:small}"),
    ("ru", "какой лимит на снятие наличных в сутки, {amt}?"),
    ("ru", "почему {bank} переводит без комиссии а у вас {pct}"),
    ("ru", "карта мир оканчивается на {l4}, не могу оплатить в турции"),
    ("ru", "курс доллара сегодня {rate}? это грабеж"),
    ("ru", "{date} должен был прийти кешбек, где он"),
    ("ru", "Сбербанк Онлайн обновился и пропала кнопка переводов"),
    ("ru", "ипотека под {pct}, платеж {amt}, можно рефинансировать?"),
    ("ru", "в чеке написано идентификатор {txn16}, что это значит?"),
    ("ru", "где посмотреть номер заявки? мне сказали {app9} но поиск его не находит"),
    ("ru", "снилс и паспорт нужны для оформления карты?"),
    ("ru", "как узнать свой инн через приложение?"),
    ("ru", "у меня спросили cvv по телефону, я не сказал. это мошенники?"),
    ("ru", "Спасибо, всё решилось 👍"),
    ("ru", "Квитанция № {ref11} от {date} на сумму {amt}"),
    ("ru", "не работает приложение с {time}, что случилось"),
    ("ru", "сколько стоит перевыпуск карты? {amt:small}?"),
    ("ru", "страховка вкладов до 1 400 000 руб. или уже больше?"),
    ("ru", "заказ {order} на маркетплейсе отменили, когда вернутся деньги?"),
    ("ru", "код подтверждения {sms} не подходит, пишет неверный"),
    ("ru", "я из {city:gen}, можно открыть счёт удалённо?"),
    ("ru", "**** **** **** {l4} — эта карта заблокирована?"),
    ("ru", "перевод через СБП в {bank} не проходит уже час"),
    ("ru", "срок действия карты {mmyy}, перевыпустят автоматически?"),
    ("ru", "сделайте так чтобы платежи по договору {contract} списывались 25 числа"),
    ("ru", "сегодня {date}, а деньги отправила еще {date}"),
    ("ru", "Мир Pay не работает на андроиде, что делать"),
    ("ru", "вклад «Лучший %» под {pct} ещё действует?"),
    ("ru", "в {time} был списан платеж {amt} — операция {txn16}, я её не совершала"),
    ("ru", "из банка {bank} перевели {amt} на вашу карту *{l4}, где деньги?"),
    ("ru", "бик 044525225, корр счет 30101810400000000225 — это ваши реквизиты?"),
    ("ru", "Набиуллина опять подняла ключевую ставку, вы вклады поднимете?"),
    ("ru", "Греф в интервью обещал новые функции в СберБанк Онлайн, когда появятся?"),
    ("ru", "номер платежного поручения {pp}, деньги ушли?"),
    ("ru", "заявление № {app9} от {date} рассмотрено?"),
    ("ru", "надежда только на вас, помогите разобраться с переводом 🙏"),
    ("ru", "ставка по кредиту {pct}, а обещали {pct}"),
    ("ru", "долг {amt} погашен {date}, справку о закрытии можно получить?"),
    ("ru", "какое время работы горячей линии?"),
    ("ru", "транзакция {txn16} отклонена, код ошибки 05"),
    ("ru", "Тинькофф Black кешбэк за {month} не начислили"),
    ("ru", "банкомат пишет ошибка 4021 и не отдаёт карту"),
    ("ru", "у меня две карты: *{l4} и *{l4}, какая из них кредитная?"),
    ("ru", "платёж {amt} по кредиту {date} в {time}, статус «исполнен», а долг висит"),
    ("ru", "номер заявки: {ref12}, что с ней?"),
    ("ru", "Ваш код: {sms}. Никому не сообщайте его. — это от вас пришло?"),
    ("ru", "Почему в {city:prep} отделения работают до 20:00, а у нас до 18:00?"),
    ("ru", "ок, спасибо, понял"),
    ("ru", "перевод из Казахстана на {amt} не пришел, контрольный номер {ref10}"),
    ("ru", "проценты по вкладу за {month} начислены? должно быть {amt}"),
    ("ru", "кредитные каникулы до {date} можно оформить?"),
    ("ru", "комиссия {pct} за перевод больше {amt} это нормально??"),
    ("ru", "подскажите, 044525225 это бик сбера или нет"),
    ("ru", "в приложении висит операция на {amt} от {date} {time}, отменить нельзя?"),
    ("ru", "карту {bank} можно привязать к вашему приложению?"),
    ("ru", "номер транзакции {txn16:sp}? у меня в выписке так написано"),
    ("ru", "заявка №{app9}, кредитный лимит {amt}, ставка {pct} — согласен"),
    ("ru", "договор {contract} от {date}, сумма {amt}, срок 36 мес."),
    ("ru", "в {city:prep} банкоматы не принимают купюры по 5000"),
    ("ru", "идентификатор обращения {ref12}, подскажите статус"),
    ("ru", "чек: операция {ref11}, сумма {amt}, комиссия 0 ₽"),
    ("ru", "Ипотека в ВТБ {pct}, а у вас {pct}, почему так дорого"),
    ("ru", "у меня карта Мир, почему не работает apple pay"),
    ("ru", "Халва или СберКарта, что выгоднее для покупок в рассрочку?"),
    ("ru", "отделение на улице Ленина закрылось? хотела туда завтра сходить"),
    ("ru", "по договору {contract}:\nплатеж {amt}\nдата {date}\nпочему штраф?"),
    ("ru", "Добрый день! Я уже неделю не могу разобраться: {date} оформила вклад под {pct} на {amt}, в договоре № {contract} указано, что проценты начисляются ежемесячно, но в приложении за {month} ничего нет. В отделении {branch} сказали обращаться в чат. Горячая линия не отвечает. Подскажите, пожалуйста, когда будут проценты и где это посмотреть в Сбербанк Онлайн? Спасибо"),
    ("ru", "перевод{amt} ушел а статус висит"),
    ("ru", "1 500 000,00 — это максимальная сумма перевода в день?"),
    ("ru", "{txn16} — вот номер операции из чека"),
    ("ru", "оплата по QR не прошла, сумма {amt}, время {time}, магазин в {city:prep}"),
    ("ru", "код из смс {sms}, а дальше приложение зависло"),
    ("ru", "номер платежа {ref19} — это всё что есть в квитанции"),
    ("ru", "карта заканчивается на {l4}, хочу поменять дизайн"),
    ("ru", "подскажите по заявке {app9}: одобрили {amt} под {pct}?"),
    ("ru", "Газпромбанк предлагает {pct} на вклад, вы сможете сделать столько же?"),
    ("ru", "а почему у вас уведомления платные {amt:small} в месяц"),
    ("ru", "переводила в {time} {date}, номер документа {ref12}, помогите найти"),
    ("ru", "сколько ждать карту если заказала {date} в отделении {branch}"),
    ("ru", "по обращению {ref11} мне так и не перезвонили"),
    ("ru", "отзовите согласие на обработку данных по договору № {contract}"),
    ("ru", "срочно!!! списали {amt} без моего ведома в {time}\nоперация {txn16}\nкарта *{l4}"),
    ("ru", "тариф «{tariffname}» — сколько стоит обслуживание в год?"),
    ("ru", "чем отличается СберПрайм от СберПрайм+?"),
    ("ru", "спасибо за помощь, Сбербанк лучший 😊"),
    ("ru", "в {city:prep} есть отделение которое работает в воскресенье?"),
    ("ru", "добрый вечер, у меня такая ситуация: {date} открыла вклад на {amt} под {pct}, потом ставку подняли до {pct}, а мне никто не предложил переоформить. в отделении {branch} сказали что ничего сделать нельзя пока не закончится срок, а это только {date}. при этом подруга в банке {bank} спокойно переоформила без потери процентов. я клиентка вашего банка много лет, у меня зарплатная карта, кредитка и ипотека, и вот такое отношение. можно как-то пересчитать проценты или хотя бы объяснить почему так?"),
    # --- English negatives ---------------------------------------------------
    ("en", "Hi, my card ending in {l4} was declined at the airport"),
    ("en", "What is the fee for an international transfer of {eamt}?"),
    ("en", "transaction id {txn16}, the money never arrived"),
    ("en", "Is the deposit rate still {pct:en}?"),
    ("en", "Where is the nearest branch in {city:en}?"),
    ("en", "Application {app9} has been pending since {date:en}"),
    ("en", "reference number {ref11} - please check the status"),
    ("en", "Does Sberbank Online work with Apple Pay?"),
    ("en", "I got an SMS code {sms} but I did not request it"),
    ("en", "my contract No. {contract:en} - can I repay it early?"),
    ("en", "Card *{l4} blocked, what should I do?"),
    ("en", "BIC 044525225 - is this correct for an incoming SWIFT transfer?"),
    ("en", "Order {order} was refunded on {date:en}, where is the money?"),
    ("en", "Exchange rate today is {rate}? seems too high"),
    ("en", "thanks, all good now 🙂"),
    ("en", "RRN {ref12}, amount {eamt}, status failed. Please help"),
    ("en", "how long does a transfer from Kazakhstan take? sent {eamt} at {time}"),
]


# ---------------------------------------------------------------------------
# rendering
# ---------------------------------------------------------------------------
SLOT_RE = re.compile(r"\{([a-z0-9_]+)((?::[A-Za-z0-9_]+)*)\}")
PII_SLOTS = {"card": "card", "cvv": "cvv", "pass": "passport", "pser": "passport", "pnum": "passport",
             "snils": "snils", "inn": "inn", "acc": "account", "ph": "phone", "email": "email",
             "n": "name", "en": "name", "tn": "name", "addr": "address", "eaddr": "address"}


def template_types(t: str) -> set[str]:
    return {PII_SLOTS[m.group(1)] for m in SLOT_RE.finditer(t) if m.group(1) in PII_SLOTS}


class Ctx:
    def __init__(self, lang: str):
        self.lang = lang
        self.persons: dict[str, Person] = {}
        self.en_persons: dict[str, EnPerson] = {}
        self.passport: tuple[str, str] | None = None
        self.negs: list[tuple[str, str]] = []   # (kind, value) of deliberate near-misses
        self.meta: list[tuple[str, str]] = []   # (type, raw digits) for checksum validation

    def person(self, opts: list[str], gender: str) -> Person:
        key = next((o for o in opts if re.fullmatch(r"p\d", o)), None)
        female = {"m": False, "f": True}.get(gender)
        if key and key in self.persons:
            return self.persons[key]
        p = Person(female)
        if key:
            self.persons[key] = p
        return p

    def en_person(self, opts: list[str]) -> EnPerson:
        key = next((o for o in opts if re.fullmatch(r"p\d", o)), None)
        female = True if "f" in opts else False if "m" in opts else None
        if key and key in self.en_persons:
            return self.en_persons[key]
        p = EnPerson(female)
        if key:
            self.en_persons[key] = p
        return p

    def neg(self, kind: str, v: str) -> str:
        self.negs.append((kind, v))
        return v

    def slot(self, name: str, opts: list[str]) -> tuple[str, str, str | None]:
        """Return (unlabelled prefix, value, pii type or None)."""
        o = opts[0] if opts else None
        if name == "card":
            kind = {"mir": "mir", "visa": "visa", "mc": "mc", "up": "up"}.get(o)
            length = 19 if o == "long" else None
            if o == "long":
                kind = "mir"
            d = make_card(kind, length)
            self.meta.append(("card", d))
            style = o if o in ("sp", "dash", "glued") else None
            return "", fmt_card(d, style), "card"
        if name == "cvv":
            return "", make_cvv(o == "4"), "cvv"
        if name == "pass":
            s, n = make_passport()
            return "", fmt_passport(s, n, o), "passport"
        if name == "pser":
            self.passport = make_passport()
            s = self.passport[0]
            return "", rng.choice([s, s, f"{s[:2]} {s[2:]}"]), "passport"
        if name == "pnum":
            assert self.passport is not None
            return "", self.passport[1], "passport"
        if name == "snils":
            d = make_snils()
            self.meta.append(("snils", d))
            return "", fmt_snils(d, o), "snils"
        if name == "inn":
            length = int(o) if o else rng.choice([12, 12, 12, 12, 10])
            d = make_inn(length)
            self.meta.append(("inn", d))
            if length == 12 and rng.random() < 0.1:
                return "", f"{d[:4]} {d[4:8]} {d[8:]}", "inn"
            return "", d, "inn"
        if name == "acc":
            kind = o if o in ("ip", "dep", "usd") else "any"
            d, bic = make_account(kind)
            self.meta.append(("account", bic + ":" + d))
            style = {"sp": rng.choice(["std", "g4"]), "glued": "glued"}.get(o)
            return "", fmt_account(d, style), "account"
        if name == "ph":
            if o == "for_by":
                return "", f"+375 {rng.choice(['29', '33', '44'])} {rdig(3)}-{rdig(2)}-{rdig(2)}", "phone"
            kind = {"mob": "mob", "land": "land", "glued": "glued", "for": "for"}.get(o, "ru")
            return "", make_phone(kind), "phone"
        if name == "email":
            if "en" in opts:
                return "", self.en_person(opts).email(), "email"
            return "", self.person(opts, "x").email(), "email"
        if name == "n":
            case, form, gender = opts[0], opts[1], opts[2]
            p = self.person(opts, gender)
            v = p.form(case, form)
            if "lc" in opts:
                v = v.lower()
            pre = ""
            if "o" in opts:
                pre = "об " if v[0].lower() in "аоуэи" else "о "
            return pre, v, "name"
        if name == "en":
            return "", self.en_person(opts).form(o or "any"), "name"
        if name == "tn":
            return "", Person().card_holder(), "name"
        if name == "addr":
            if o == "en":
                return "", make_address_en_ru(), "address"
            style = {"full": "full", "idx": "idx", "nocity": "nocity", "street": "street"}.get(o)
            v = make_address(style)
            if o == "lc":
                v = v.lower()
            return "", v, "address"
        if name == "eaddr":
            return "", make_address_en(), "address"
        # ---------------- unlabelled fillers ----------------
        if name == "amt":
            return "", make_amount(o == "small"), None
        if name == "eamt":
            return "", make_amount_en(), None
        if name == "date":
            return "", make_date(o == "en"), None
        if name == "time":
            return "", make_time(), None
        if name == "pct":
            return "", make_pct(o == "en"), None
        if name == "rate":
            return "", f"{rng.randint(78, 105)},{rdig(2)}" if self.lang == "ru" else f"{rng.randint(78, 105)}.{rdig(2)}", None
        if name == "l4":
            return "", rdig(4), None
        if name == "mmyy":
            return "", f"{rng.randint(1, 12):02d}/{rng.randint(25, 31)}", None
        if name == "month":
            return "", rng.choice(MONTHS), None
        if name == "contract":
            return "", make_contract(o == "en"), None
        if name == "app9":
            return "", self.neg("app9", str(rng.randint(1, 9)) + rdig(8)), None
        if name == "txn16":
            return "", self.neg("txn16", make_txn16(o == "sp")), None
        if name in ("ref10", "ref11", "ref12", "ref19"):
            return "", self.neg(name, make_ref(int(name[3:]))), None
        if name == "pp":
            return "", str(rng.randint(1, 999999)), None
        if name == "sms":
            return "", rdig(rng.choice([4, 4, 5, 6])), None
        if name == "order":
            return "", rng.choice([f"{rdig(7)}-{rdig(4)}", f"ORD-{rdig(7)}", f"№{rdig(8)}", f"{rdig(6)}"]), None
        if name == "tariff":
            return "", rng.choice(["ТП 7.54", "ТП 2.1-Б", "«Базовый»", "«Премиум»", "7.2", "ТП 10.0", "«Всё включено»"]), None
        if name == "tariffname":
            return "", rng.choice(["Базовый", "Премиум", "СберПервый", "Всё включено", "Pro"]), None
        if name == "branch":
            return "", rng.choice([f"{rng.choice(['8626', '9038', '7701', '5221', '8593'])}/0{rdig(4)}",
                                   f"№ {rdig(4)}/{rdig(4)}", f"ВСП {rdig(4)}/0{rdig(4)}", f"№{rng.randint(1, 999)}"]), None
        if name == "bank":
            return "", rng.choice(BANKS), None
        if name == "city":
            c = rng.choice(CITIES)
            return "", {"prep": c[1], "gen": c[2], "en": c[5]}.get(o, c[0]), None
        raise KeyError(name)


def render(template: str, lang: str) -> dict:
    ctx = Ctx(lang)
    parts: list[str] = []
    spans: list[tuple[int, int, str]] = []
    pos = last = 0
    for m in SLOT_RE.finditer(template):
        lit = template[last:m.start()]
        parts.append(lit)
        pos += len(lit)
        opts = [x for x in m.group(2).split(":") if x]
        pre, val, typ = ctx.slot(m.group(1), opts)
        parts.append(pre)
        pos += len(pre)
        if typ:
            spans.append((pos, pos + len(val), typ))
        parts.append(val)
        pos += len(val)
        last = m.end()
    parts.append(template[last:])
    return {"text": "".join(parts), "spans": spans, "negs": ctx.negs, "meta": ctx.meta}


def chat_style(snip: dict, lang: str) -> dict:
    """Occasional whole-message lower-casing (spans keep their offsets)."""
    text = snip["text"]
    if rng.random() < (0.12 if lang == "ru" else 0.08):
        low = text.lower()
        if len(low) == len(text):
            snip["text"] = low
    return snip


# ---------------------------------------------------------------------------
# validation
# ---------------------------------------------------------------------------
NUM_SEQ = re.compile(r"\d+(?:[ \-]\d+)*")
ALLOWED_LONG = {BANK_BIC, BANK_CORR}


def validate(items: list[dict]) -> None:
    ids = [it["id"] for it in items]
    assert len(ids) == len(set(ids)), "duplicate ids"
    for it in items:
        text = it["text"]
        assert text.strip() == text and text, it
        masked = list(text)
        for sp in it["spans"]:
            s, e, t = sp
            v = text[s:e]
            assert v and v == v.strip(), (it["id"], v)
            for i in range(s, e):
                assert masked[i] != "\0", ("overlapping labels", it["id"])
                masked[i] = "\0"
            d = digits(v)
            if t == "card":
                assert 13 <= len(d) <= 19 and luhn_ok(d), (it["id"], v)
                assert d[:2] in ("22", "51", "52", "53", "54", "55", "62") or d[0] == "4", v
            elif t == "snils":
                assert snils_ok(d), (it["id"], v)
            elif t == "inn":
                assert inn_ok(d), (it["id"], v)
            elif t == "account":
                assert len(d) == 20, (it["id"], v)
            elif t == "cvv":
                assert re.fullmatch(r"\d{3,4}", v), v
            elif t == "passport":
                assert len(d) in (4, 6, 10) and re.fullmatch(r"[\d ]+", v), (it["id"], v)
            elif t == "phone":
                assert not d.startswith(("8800", "7800")), v
                if v.startswith(("+7", "7", "8")):
                    assert len(d) == 11, (it["id"], v)
            elif t == "email":
                assert re.fullmatch(r"[\w.\-+]+@[\w\-]+(\.[\w\-]+)+", v), v
            elif t == "address":
                assert re.search(r"\d", v), v   # street-level: always a house number
        for kind, raw in it["meta"]:
            if kind == "account":
                bic, acc = raw.split(":")
                assert account_ok(bic, acc)
        # deliberate near-misses must fail their checksum
        for kind, v in it["negs"]:
            assert v in text, (it["id"], v)
            assert NEG_CHECKS[kind](v), (it["id"], kind, v)
        # scan the unlabelled text for digit sequences that would be valid PII
        free = "".join(masked)
        negvals = {digits(v) for _, v in it["negs"]}
        for m in NUM_SEQ.finditer(free):
            d = digits(m.group())
            if len(d) < 9:
                continue
            ctx = f"{it['id']}: {m.group()!r} in {text!r}"
            if 13 <= len(d) <= 19:
                assert not luhn_ok(d), "unlabelled Luhn-valid number " + ctx
            if len(d) == 11:
                assert not snils_ok(d), "unlabelled SNILS-valid number " + ctx
            if len(d) == 12:
                assert not inn12_ok(d), "unlabelled INN12-valid number " + ctx
            if len(d) == 10:
                assert not inn10_ok(d), "unlabelled INN10-valid number " + ctx
            assert d in negvals or d in ALLOWED_LONG, "unregistered long number " + ctx
        assert "8 800" not in text and "8800" not in text and "8-800" not in text, it["id"]


# ---------------------------------------------------------------------------
# composition
# ---------------------------------------------------------------------------
def main() -> None:
    pii_t = [(lang, t, template_types(t)) for lang, t in PII_TEMPLATES]
    for lang, t, ty in pii_t:
        assert ty, t
    for lang, t in NEG_TEMPLATES:
        assert not template_types(t), t

    produced: list[tuple[str, str, bool]] = []   # (lang, template, is_negative)
    uses: Counter = Counter()

    def add(lang: str, t: str, neg: bool) -> None:
        produced.append((lang, t, neg))
        uses[t] += 1

    # phase 1: every template once
    for lang, t, _ in pii_t:
        add(lang, t, False)
    for lang, t in NEG_TEMPLATES:
        add(lang, t, True)

    def type_counts() -> Counter:
        c: Counter = Counter()
        for lang, t, neg in produced:
            if not neg:
                c.update(template_types(t))
        return c

    def en_share() -> float:
        return sum(1 for p in produced if p[0] == "en") / len(produced)

    def pick(cands: list[tuple[str, str]]) -> tuple[str, str]:
        low = min(uses[t] for _, t in cands)
        pool = [c for c in cands if uses[c[1]] == low]
        return rng.choice(pool)

    def want_lang() -> str | None:
        s = en_share()
        if s < 0.115:
            return "en"
        if s > 0.135:
            return "ru"
        return None

    def restrict(cands, lang):
        sub = [c for c in cands if c[0] == lang] if lang else cands
        return sub or cands

    # phase 2: top up the rarer types
    while True:
        tc = type_counts()
        short = [t for t in TYPES if tc[t] < MIN_PER_TYPE]
        if not short:
            break
        ty = min(short, key=lambda x: tc[x])
        cands = [(l, t) for l, t, tys in pii_t if ty in tys]
        l, t = pick(restrict(cands, want_lang()))
        add(l, t, False)
    # phase 3: negatives
    while sum(1 for p in produced if p[2]) < MIN_NEGATIVE:
        l, t = pick(restrict(list(NEG_TEMPLATES), want_lang()))
        add(l, t, True)
    # phase 4: fill up to the total with a mix
    while len(produced) < MIN_TOTAL:
        if rng.random() < 0.3:
            l, t = pick(restrict(list(NEG_TEMPLATES), want_lang()))
            add(l, t, True)
        else:
            l, t = pick(restrict([(l, t) for l, t, _ in pii_t], want_lang()))
            add(l, t, False)

    rng.shuffle(produced)
    items = []
    seen_texts = set()
    for i, (lang, t, neg) in enumerate(produced, 1):
        for _attempt in range(20):
            snip = chat_style(render(t, lang), lang)
            if snip["text"] not in seen_texts:
                break
        seen_texts.add(snip["text"])
        snip["id"] = f"s{i:03d}"
        snip["lang"] = lang
        snip["spans"].sort()
        items.append(snip)
        assert neg == (not snip["spans"])

    validate(items)
    write_yaml(items)
    report(items)


def q(s: str) -> str:
    """A YAML double-quoted scalar (JSON string syntax is valid YAML)."""
    return json.dumps(s, ensure_ascii=False)


def write_yaml(items: list[dict]) -> None:
    lines = ["# Synthetic PII evaluation set for the support chat bot.",
             "# Generated by evals/pii/tools/generate.py (seed %d) -- do not edit by hand." % SEED,
             "# See evals/pii/README.md for the labelling rules.", ""]
    for it in items:
        lines.append(f"- id: {it['id']}")
        lines.append(f"  lang: {it['lang']}")
        lines.append(f"  text: {q(it['text'])}")
        if not it["spans"]:
            lines.append("  pii: []")
        else:
            lines.append("  pii:")
            for s, e, t in it["spans"]:
                lines.append(f"    - {{type: {t}, value: {q(it['text'][s:e])}}}")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")

    # optional round-trip check when PyYAML happens to be installed
    try:
        import yaml  # type: ignore
    except ImportError:
        return
    data = yaml.safe_load(OUT.read_text(encoding="utf-8"))
    assert len(data) == len(items)
    for d, it in zip(data, items):
        assert d["id"] == it["id"] and d["text"] == it["text"] and d["lang"] == it["lang"]
        assert [(p["type"], p["value"]) for p in d["pii"]] == [(t, it["text"][s:e]) for s, e, t in it["spans"]]
        for p in d["pii"]:
            assert p["value"] in d["text"]


def report(items: list[dict]) -> None:
    snip_per_type: Counter = Counter()
    ent_per_type: Counter = Counter()
    for it in items:
        ts = [t for _, _, t in it["spans"]]
        ent_per_type.update(ts)
        snip_per_type.update(set(ts))
    langs = Counter(it["lang"] for it in items)
    neg = sum(1 for it in items if not it["spans"])
    words = [len(it["text"].split()) for it in items]
    print(f"wrote {OUT} : {len(items)} snippets  (ru {langs['ru']}, en {langs['en']}, "
          f"en share {langs['en'] / len(items):.1%})")
    print(f"templates: {len(PII_TEMPLATES)} with PII + {len(NEG_TEMPLATES)} without = "
          f"{len(PII_TEMPLATES) + len(NEG_TEMPLATES)}")
    print(f"snippets without PII: {neg}")
    print(f"words per snippet: min {min(words)}, max {max(words)}")
    print(f"{'type':<10}{'snippets':>10}{'values':>8}")
    for t in TYPES:
        print(f"{t:<10}{snip_per_type[t]:>10}{ent_per_type[t]:>8}")
    print(f"{'total':<10}{'':>10}{sum(ent_per_type.values()):>8}")
    bad = [t for t in TYPES if snip_per_type[t] < 35]
    if bad or neg < 110 or len(items) < 330:
        sys.exit(f"composition targets not met: {bad} neg={neg} total={len(items)}")


if __name__ == "__main__":
    main()
