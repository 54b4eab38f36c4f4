#!/usr/bin/env python
"""Generator and checker for the gateway-2 personal-data evaluation set.

Writes ../requests.yaml (420 OpenAI-style requests: 210 with personal data, 210 without)
deterministically from SEED, then verifies the written file.

    /work/main/.venv/bin/python evals/gateway-2/tools/generate.py           # write + verify
    /work/main/.venv/bin/python evals/gateway-2/tools/generate.py --check   # verify only

Authoring notes
---------------
Every text is written with inline markup, which is removed before writing:

    [[type:literal value]]    a personal-data value written by hand
    [[type]]                  a value generated here (valid check digits, unique in the set)
    [[type/fmt]]              ... in a given format (see FORMATTERS below)
    [[type#k]] [[type/fmt#k]] the same generated value again (k = any key inside one request)

Labels are derived from the markup only, so a value cannot be written without being labelled.
The written file contains no markup.
"""
from __future__ import annotations

import argparse
import collections
import random
import re
import sys
from pathlib import Path

import yaml
from stdnum import luhn
from stdnum.ru import inn as ru_inn

SEED = 424242
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "requests.yaml"

TYPES = ("name", "phone", "card", "passport", "snils", "inn", "address", "account",
         "email", "birthdate", "cvv")
TASKS = ("email_draft", "call_summary", "classification", "translation", "question",
         "extraction", "rewrite", "chat_log")
MINIMUMS = {"name": 100, "phone": 40, "card": 30, "passport": 30, "snils": 25, "inn": 25,
            "address": 45, "account": 25, "email": 25, "birthdate": 30, "cvv": 8}
N_PII = 210
N_CLEAN = 210
N_EN = 42  # per half -> 168 ru + 42 en = 80 % / 20 %

# Target number of requests per task and language, per half.
QUOTA = {
    "pii": {
        "email_draft": (24, 6), "call_summary": (29, 6), "classification": (21, 4),
        "translation": (17, 8), "question": (16, 4), "extraction": (29, 6),
        "rewrite": (16, 4), "chat_log": (16, 4),
    },
    "clean": {
        "email_draft": (24, 6), "call_summary": (25, 5), "classification": (25, 5),
        "translation": (17, 8), "question": (24, 6), "extraction": (16, 4),
        "rewrite": (21, 4), "chat_log": (16, 4),
    },
}

# ---------------------------------------------------------------------------
# check digits
# ---------------------------------------------------------------------------

def snils_check(nine: str) -> str:
    s = sum(int(d) * w for d, w in zip(nine, range(9, 0, -1)))
    c = s % 101
    if c == 100:
        c = 0
    return f"{c:02d}"


def snils_valid(digits: str) -> bool:
    return len(digits) == 11 and digits.isdigit() and snils_check(digits[:9]) == digits[9:]


def digits_of(s: str) -> str:
    return re.sub(r"\D", "", s)


# ---------------------------------------------------------------------------
# value generators (formatted, unique across the whole set)
# ---------------------------------------------------------------------------

RU_MOBILE_CODES = ["900", "901", "902", "903", "904", "905", "906", "908", "909", "910", "911",
                   "912", "913", "914", "915", "916", "917", "918", "919", "920", "921", "922",
                   "923", "924", "925", "926", "927", "928", "929", "930", "931", "932", "937",
                   "938", "950", "951", "952", "953", "960", "961", "962", "963", "964", "965",
                   "967", "968", "977", "978", "980", "981", "982", "985", "987", "988", "991",
                   "993", "995", "996", "999"]
RU_LAND_CODES = ["495", "499", "812", "843", "343", "383", "863", "846", "347", "861", "342",
                 "473", "3452", "351"]
CARD_PREFIXES = ["2200", "2201", "2202", "2204", "4276", "4279", "4274", "5469", "5536", "5336",
                 "4377", "5213", "4817", "2200 7", "5106"]
MONTHS_RU_GEN = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
                 "сентября", "октября", "ноября", "декабря"]
MONTHS_RU_SHORT = ["янв", "фев", "мар", "апр", "мая", "июн", "июл", "авг", "сен", "окт", "ноя",
                   "дек"]
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December"]
MONTHS_EN_SHORT = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                   "Dec"]


class Values:
    """Formatted personal-data values, each unique in the set (by its digits for numbers)."""

    NUMERIC = {"phone", "card", "passport", "snils", "inn", "account", "cvv"}

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[tuple[str, str]] = set()

    def _unique(self, kind, make):
        for _ in range(10000):
            v = make()
            key = (kind, digits_of(v) if kind in self.NUMERIC else v.lower())
            if key not in self.used:
                self.used.add(key)
                return v
        raise RuntimeError(f"cannot make a unique {kind}")

    def reserve(self, kind, value):
        key = (kind, digits_of(value) if kind in self.NUMERIC else value.lower())
        self.used.add(key)

    def d(self, n):
        return "".join(self.rng.choice("0123456789") for _ in range(n))

    # -- phone -------------------------------------------------------------
    PHONE_FORMATS = ["intl_paren", "eight_space", "eight_plain", "plus_plain", "eight_paren",
                     "intl_space", "dash", "eight_dash", "seven_plain", "paren", "intl_dash",
                     "land"]

    def phone(self, fmt=None):
        r = self.rng
        fmt = fmt or r.choice(self.PHONE_FORMATS)

        def make():
            if fmt in ("uk", "uk_local"):
                tail = f"{r.randrange(0, 1000):03d}"
                return f"+44 7700 900{tail}" if fmt == "uk" else f"07700 900{tail}"
            if fmt == "us":
                return f"+1 ({r.choice(['202', '312', '415', '617', '646'])}) 555-01{r.randrange(0, 100):02d}"
            if fmt == "land":
                code = r.choice(RU_LAND_CODES)
                rest = self.d(10 - len(code))
                if len(code) == 3:
                    return f"+7 ({code}) {rest[:3]}-{rest[3:5]}-{rest[5:]}"
                return f"8 ({code}) {rest[:2]}-{rest[2:4]}-{rest[4:]}"
            code = r.choice(RU_MOBILE_CODES)
            a, b, c = self.d(3), self.d(2), self.d(2)
            if a[0] == "0":
                a = str(r.randint(1, 9)) + a[1:]
            return {
                "intl_paren": f"+7 ({code}) {a}-{b}-{c}",
                "eight_space": f"8 {code} {a} {b} {c}",
                "eight_plain": f"8{code}{a}{b}{c}",
                "plus_plain": f"+7{code}{a}{b}{c}",
                "eight_paren": f"8({code}){a}-{b}-{c}",
                "intl_space": f"+7 {code} {a}-{b}-{c}",
                "dash": f"{code}-{a}-{b}-{c}",
                "eight_dash": f"8-{code}-{a}-{b}-{c}",
                "seven_plain": f"7{code}{a}{b}{c}",
                "paren": f"({code}) {a} {b} {c}",
                "intl_dash": f"+7-{code}-{a}-{b}{c}",
            }[fmt]
        return self._unique("phone", make)

    # -- card --------------------------------------------------------------
    def card(self, fmt=None):
        r = self.rng
        fmt = fmt or r.choice(["space", "space", "space", "plain", "plain", "dash"])

        def make():
            prefix = digits_of(r.choice(CARD_PREFIXES))
            body = prefix + self.d(15 - len(prefix))
            num = body + luhn.calc_check_digit(body)
            g = [num[i:i + 4] for i in range(0, 16, 4)]
            return {"space": " ".join(g), "plain": num, "dash": "-".join(g)}[fmt]
        return self._unique("card", make)

    # -- passport ----------------------------------------------------------
    def passport(self, fmt=None):
        r = self.rng
        fmt = fmt or r.choice(["space2", "space2", "space1", "space1", "plain", "num", "num1"])

        def make():
            region = f"{r.choice([1, 3, 4, 7, 8, 11, 14, 17, 20, 22, 24, 25, 28, 32, 36, 40, 45, 46, 50, 52, 53, 57, 60, 61, 63, 65, 67, 71, 73, 75, 80, 82, 86, 92, 97, 98]):02d}"
            year = f"{r.randint(0, 24):02d}"
            num = self.d(6)
            if num[0] == "0":
                num = str(r.randint(1, 9)) + num[1:]
            return {"space2": f"{region} {year} {num}", "space1": f"{region}{year} {num}",
                    "plain": f"{region}{year}{num}", "num": f"{region} {year} № {num}",
                    "num1": f"{region}{year} №{num}"}[fmt]
        return self._unique("passport", make)

    # -- snils -------------------------------------------------------------
    def snils(self, fmt=None):
        r = self.rng
        fmt = fmt or r.choice(["std", "std", "std", "plain", "spaces", "dashes"])

        def make():
            nine = str(r.randint(1, 9)) + self.d(8)
            n = nine + snils_check(nine)
            return {"std": f"{n[:3]}-{n[3:6]}-{n[6:9]} {n[9:]}", "plain": n,
                    "spaces": f"{n[:3]} {n[3:6]} {n[6:9]} {n[9:]}",
                    "dashes": f"{n[:3]}-{n[3:6]}-{n[6:9]}-{n[9:]}"}[fmt]
        return self._unique("snils", make)

    # -- inn (12 digits, personal) -----------------------------------------
    def inn(self, fmt=None):
        r = self.rng

        def make():
            region = f"{r.choice([2, 16, 23, 24, 25, 34, 36, 38, 50, 52, 54, 55, 59, 61, 63, 66, 72, 74, 77, 78, 86, 90]):02d}"
            ten = region + f"{r.randint(1, 99):02d}" + self.d(6)
            return ten + ru_inn.calc_personal_check_digits(ten)
        return self._unique("inn", make)

    # -- account (20 digits, balance account 40817 = individuals) ----------
    def account(self, fmt=None):
        r = self.rng
        fmt = fmt or r.choice(["plain", "plain", "plain", "grouped", "space4"])

        def make():
            cur = r.choice(["810", "810", "810", "810", "840", "978", "156"])
            n = "40817" + cur + self.d(1) + self.d(4) + self.d(7)
            return {"plain": n, "grouped": f"{n[:5]} {n[5:8]} {n[8]} {n[9:13]} {n[13:]}",
                    "space4": " ".join(n[i:i + 4] for i in range(0, 20, 4))}[fmt]
        return self._unique("account", make)

    # -- cvv ---------------------------------------------------------------
    def cvv(self, fmt=None):
        return self._unique("cvv", lambda: f"{self.rng.randint(100, 999)}")

    # -- birthdate ---------------------------------------------------------
    def birthdate(self, fmt=None, lang="ru", years=(1948, 2005)):
        r = self.rng
        if fmt is None:
            fmt = r.choice(["dmy", "dmy", "dmy", "words", "words", "iso", "dmy2", "slash",
                            "dash", "short_month"] if lang == "ru" else
                           ["us_words", "us_words", "uk_words", "iso", "us_slash", "uk_slash",
                            "short_en"])

        def make():
            y = r.randint(*years)
            m = r.randint(1, 12)
            dd = r.randint(1, 28)
            return {
                "dmy": f"{dd:02d}.{m:02d}.{y}",
                "words": f"{dd} {MONTHS_RU_GEN[m - 1]} {y}",
                "iso": f"{y}-{m:02d}-{dd:02d}",
                "dmy2": f"{dd:02d}.{m:02d}.{y % 100:02d}",
                "slash": f"{dd:02d}/{m:02d}/{y % 100:02d}",
                "dash": f"{dd:02d}-{m:02d}-{y}",
                "short_month": f"{dd} {MONTHS_RU_SHORT[m - 1]} {y}",
                "us_words": f"{MONTHS_EN[m - 1]} {dd}, {y}",
                "uk_words": f"{dd} {MONTHS_EN[m - 1]} {y}",
                "us_slash": f"{m:02d}/{dd:02d}/{y}",
                "uk_slash": f"{dd:02d}/{m:02d}/{y}",
                "short_en": f"{dd} {MONTHS_EN_SHORT[m - 1]} {y}",
            }[fmt]
        return self._unique("birthdate", make)

    def email(self, base_parts, lang="ru"):
        r = self.rng
        domains = (["mail.ru", "yandex.ru", "gmail.com", "bk.ru", "inbox.ru", "list.ru",
                    "rambler.ru", "ya.ru", "outlook.com", "icloud.com"] if lang == "ru" else
                   ["gmail.com", "outlook.com", "yahoo.co.uk", "proton.me", "hotmail.com",
                    "icloud.com"])
        first, last = base_parts

        def make():
            y = f"{r.randint(70, 99)}" if r.random() < 0.5 else f"{r.randint(1, 999)}"
            local = r.choice([f"{first}.{last}", f"{first[0]}.{last}{y}", f"{last}.{first[0]}",
                              f"{first}{last}{y}", f"{last}_{first}", f"{first}{y}",
                              f"{last}{first[0]}{y}", f"{first[0]}{last}"])
            return f"{local}@{r.choice(domains)}".lower()
        return self._unique("email", make)


FORMATTERS = ("phone", "card", "passport", "snils", "inn", "account", "cvv", "birthdate")

# ---------------------------------------------------------------------------
# names
# ---------------------------------------------------------------------------

CASES = ("nom", "gen", "dat", "acc", "ins", "pre")
HUSH = set("жшчщц")
VELAR_HUSH = set("гкхжшчщ")

FIRST_OVERRIDES = {
    "Павел": ("Павел", "Павла", "Павлу", "Павла", "Павлом", "Павле"),
    "Пётр": ("Пётр", "Петра", "Петру", "Петра", "Петром", "Петре"),
}


def decl_first(name: str, g: str, case: str) -> str:
    if case == "nom":
        return name
    if name in FIRST_OVERRIDES:
        return FIRST_OVERRIDES[name][CASES.index(case)]
    last = name[-1]
    if last == "а":
        stem = name[:-1]
        return {"gen": stem + ("и" if stem[-1] in VELAR_HUSH else "ы"), "dat": stem + "е",
                "acc": stem + "у", "ins": stem + ("ей" if stem[-1] in HUSH else "ой"),
                "pre": stem + "е"}[case]
    if last == "я":
        stem = name[:-1]
        if stem.endswith("и"):
            return {"gen": stem + "и", "dat": stem + "и", "acc": stem + "ю", "ins": stem + "ей",
                    "pre": stem + "и"}[case]
        return {"gen": stem + "и", "dat": stem + "е", "acc": stem + "ю", "ins": stem + "ей",
                "pre": stem + "е"}[case]
    if g == "f":
        return name  # Алсу, Нино, Асель, Анаит
    if name.endswith("ий"):
        stem = name[:-1]
        return {"gen": stem + "я", "dat": stem + "ю", "acc": stem + "я", "ins": stem + "ем",
                "pre": stem + "и"}[case]
    if last in "йь":
        stem = name[:-1]
        return {"gen": stem + "я", "dat": stem + "ю", "acc": stem + "я", "ins": stem + "ем",
                "pre": stem + "е"}[case]
    if last in "аоеиуюэыё":
        return name  # Гиви
    return {"gen": name + "а", "dat": name + "у", "acc": name + "а",
            "ins": name + ("ем" if last in HUSH else "ом"), "pre": name + "е"}[case]


def decl_patr(p: str, case: str) -> str:
    if case == "nom":
        return p
    if p.endswith("ич"):
        return p + {"gen": "а", "dat": "у", "acc": "а", "ins": "ем", "pre": "е"}[case]
    stem = p[:-1]
    return stem + {"gen": "ы", "dat": "е", "acc": "у", "ins": "ой", "pre": "е"}[case]


def decl_last_part(base: str, cls: str, g: str, case: str) -> str:
    if cls == "ov":
        if g == "m":
            return base + {"nom": "", "gen": "а", "dat": "у", "acc": "а", "ins": "ым", "pre": "е"}[case]
        return base + {"nom": "а", "gen": "ой", "dat": "ой", "acc": "у", "ins": "ой", "pre": "ой"}[case]
    if cls == "sky":
        stem = base[:-2]
        if g == "m":
            return stem + {"nom": "ий", "gen": "ого", "dat": "ому", "acc": "ого", "ins": "им", "pre": "ом"}[case]
        return stem + {"nom": "ая", "gen": "ой", "dat": "ой", "acc": "ую", "ins": "ой", "pre": "ой"}[case]
    if cls == "cons":
        if g == "f" or case == "nom":
            return base
        return base + {"gen": "а", "dat": "у", "acc": "а",
                       "ins": "ем" if base[-1] in HUSH else "ом", "pre": "е"}[case]
    return base  # indeclinable


def L(names: str, cls: str):
    return [(n, cls) for n in names.split()]


RU_M = ("Олег Сергей Андрей Дмитрий Алексей Михаил Игорь Константин Виктор Денис Артём Евгений "
        "Максим Владислав Вадим Глеб Кирилл Станислав Никита Илья Антон Григорий Фёдор Ярослав "
        "Тимофей Эдуард Геннадий Аркадий Василий Юрий Павел Пётр Владимир Александр Николай "
        "Арсений Матвей Семён Богдан Леонид Борис Валерий Анатолий Вячеслав Степан").split()
RU_F = ("Марина Ольга Наталья Мария Елена Анна Ирина Татьяна Светлана Юлия Екатерина Дарья "
        "Ксения Алина Полина Виктория Тамара Людмила Галина Евгения Софья Вероника Кристина "
        "Валерия Ангелина Оксана Жанна Алёна Яна Карина Анастасия Нина Лариса Маргарита "
        "Ульяна Василиса Эвелина").split()
RU_P = [("Петрович", "Петровна"), ("Сергеевич", "Сергеевна"), ("Александрович", "Александровна"),
        ("Викторович", "Викторовна"), ("Николаевич", "Николаевна"), ("Андреевич", "Андреевна"),
        ("Игоревич", "Игоревна"), ("Олегович", "Олеговна"), ("Владимирович", "Владимировна"),
        ("Юрьевич", "Юрьевна"), ("Михайлович", "Михайловна"), ("Дмитриевич", "Дмитриевна"),
        ("Анатольевич", "Анатольевна"), ("Геннадьевич", "Геннадьевна"), ("Васильевич", "Васильевна"),
        ("Вячеславович", "Вячеславовна"), ("Эдуардович", "Эдуардовна"), ("Аркадьевич", "Аркадьевна"),
        ("Борисович", "Борисовна"), ("Леонидович", "Леонидовна"), ("Константинович", "Константиновна"),
        ("Евгеньевич", "Евгеньевна"), ("Павлович", "Павловна"), ("Степанович", "Степановна"),
        ("Валерьевич", "Валерьевна"), ("Григорьевич", "Григорьевна"), ("Фёдорович", "Фёдоровна")]
RU_LAST = L("Смирнов Волков Кузнецов Лебедев Соколов Морозов Павлов Фёдоров Михайлов Егоров "
            "Николаев Орлов Андреев Макаров Зайцев Соловьёв Белов Медведев Ершов Никитин Карпов "
            "Блинов Горбунов Тихонов Фомин Калинин Воронин Голубев Лапин Кудрявцев Баранов "
            "Куликов Третьяков Мельников Щербаков Киселёв Поляков Комаров Шестаков Сафонов "
            "Рябинин Дроздов Гусев Пестов Воробьёв Мухин Гладков Суханов Лукин Денисов Тарасов "
            "Жданов Крылов Бирюков Анисимов Трофимов Зуев Миронов Осипов Шилов Ларин Ефимов "
            "Пахомов Шубин Котов Быстров Ковалёв Самойлов Рыжов Гончаров Кольцов Устинов "
            "Маслов Прохоров Гаврилов Веселов Коновалов Зимин Лыков Сорокин Харитонов Ильин", "ov")
RU_LAST += L("Вишневский Покровский Яновский Садовский Белецкий Зелинский Жуковский Ковальский "
             "Савицкий Вербицкий", "sky")
RU_LAST += L("Бондаренко Ткаченко Коваленко Лысенко Черных Долгих Седых", "ind")
RU_LAST += L("Шевчук Ковальчук Мельничук Гуменюк Савчук Шмидт Вебер Гофман Беккер Циммерман", "cons")

GROUPS = {
    "ru": dict(w=52, m=RU_M, f=RU_F, p=RU_P, last=RU_LAST),
    "tat": dict(w=12, m="Тимур Руслан Ильдар Азат Рамиль Марат Ринат Айдар Рустем Ильнур Булат Радик".split(),
                f="Гульнара Диляра Лейла Эльвира Алсу Регина Эльмира Айгуль Лилия Гузель Ляйсан Альбина".split(),
                p=[("Рашидович", "Рашидовна"), ("Ринатович", "Ринатовна"), ("Ильдарович", "Ильдаровна"),
                   ("Фаридович", "Фаридовна"), ("Маратович", "Маратовна"), ("Айратович", "Айратовна"),
                   ("Равилевич", "Равилевна"), ("Ильдусович", "Ильдусовна"), ("Рафаилович", "Рафаиловна"),
                   ("Наилевич", "Наилевна")],
                last=L("Галиев Хабибуллин Сафин Закиров Гарипов Валиуллин Шарипов Мингазов Нуриев "
                       "Ибрагимов Хайруллин Гайнуллин Зарипов Сагитов Фаттахов Ахметшин "
                       "Шарафутдинов Мухаметзянов Гилязов Низамов", "ov")),
    "uz": dict(w=8, m="Бахтиёр Отабек Санжар Анвар Шерзод Жасур Фаррух Улугбек Рустам Акмал Тимур".split(),
               f="Дильноза Нигора Зарина Малика Шахноза Камила Гулнора Мадина Севара".split(),
               p=[("Шавкатович", "Шавкатовна"), ("Каримович", "Каримовна"), ("Акмалович", "Акмаловна"),
                  ("Рустамович", "Рустамовна"), ("Фарходович", "Фарходовна"), ("Ильхомович", "Ильхомовна"),
                  ("Улугбекович", "Улугбековна"), ("Бахромович", "Бахромовна")],
               last=L("Юсупов Каримов Рахимов Ахмедов Турсунов Абдуллаев Назаров Исмаилов Холматов "
                      "Усманов Мирзаев Султанов Хамидов Эргашев Рашидов Алимов Тошматов", "ov")),
    "arm": dict(w=7, m="Арсен Ашот Гурген Тигран Айк Армен Карен Левон Артур Вардан Самвел".split(),
                f="Гаяне Анаит Ануш Лусине Нарине Астхик Мариам Сюзанна".split(),
                p=[("Ашотович", "Ашотовна"), ("Гагикович", "Гагиковна"), ("Арменович", "Арменовна"),
                   ("Тигранович", "Тиграновна"), ("Сейранович", "Сейрановна"), ("Вазгенович", "Вазгеновна"),
                   ("Самвелович", "Самвеловна"), ("Грачикович", "Грачиковна")],
                last=L("Петросян Акопян Саркисян Григорян Манукян Оганесян Аветисян Мкртчян Арутюнян "
                       "Казарян Геворкян Барсегян Мартиросян Погосян Симонян Абрамян", "cons")),
    "geo": dict(w=4, m="Гиви Леван Георгий Ираклий Зураб Нодар Отар Давид Гела".split(),
                f="Нино Тамара Кетеван Манана Натела Теона Мзия".split(),
                p=[("Гивиевич", "Гивиевна"), ("Отарович", "Отаровна"), ("Зурабович", "Зурабовна"),
                   ("Нодарович", "Нодаровна"), ("Ираклиевич", "Ираклиевна"), ("Леванович", "Левановна")],
                last=L("Беридзе Кобахидзе Гелашвили Мчедлишвили Чиковани Мачавариани Джапаридзе "
                       "Гогуадзе Квирикашвили Церетели Абашидзе Нижарадзе", "ind")),
    "kor": dict(w=6, m=RU_M, f=RU_F, p=RU_P,
                last=L("Ким Пак Хван Шин Тен Кан Чен", "cons") + L("Ли Ю", "ind")),
}

DIMINUTIVES = {"Мария": "Маша", "Сергей": "Серёжа", "Ольга": "Оля", "Наталья": "Наташа",
               "Елена": "Лена", "Анна": "Аня", "Ирина": "Ира", "Татьяна": "Таня",
               "Светлана": "Света", "Юлия": "Юля", "Екатерина": "Катя", "Дарья": "Даша",
               "Ксения": "Ксюша", "Дмитрий": "Дима", "Алексей": "Лёша", "Михаил": "Миша",
               "Константин": "Костя", "Виктор": "Витя", "Евгений": "Женя", "Евгения": "Женя",
               "Александр": "Саша", "Павел": "Паша", "Владимир": "Вова", "Николай": "Коля",
               "Андрей": "Андрюша", "Максим": "Макс", "Владислав": "Влад",
               "Станислав": "Стас", "Юрий": "Юра", "Людмила": "Люда", "Галина": "Галя",
               "Валерия": "Лера", "Григорий": "Гриша", "Анастасия": "Настя", "Тимофей": "Тима",
               "Вячеслав": "Слава", "Анатолий": "Толя", "Маргарита": "Рита", "Степан": "Стёпа",
               "Ульяна": "Уля", "Семён": "Сёма", "Василий": "Вася", "Ксюша": "Ксюша",
               "Ильдар": "Ильдарчик", "Рустам": "Рустик", "Гульнара": "Гуля", "Лейла": "Лейлочка"}

TRANSLIT = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                    ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n",
                     "o", "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y",
                     "", "e", "yu", "ya"]))


def translit(s: str) -> str:
    out = []
    for ch in s:
        lo = ch.lower()
        t = TRANSLIT.get(lo, ch)
        out.append(t.capitalize() if ch != lo and t else t)
    return "".join(out)


class Person:
    def __init__(self, g, first, patr, last_parts, group):
        self.g, self.first_, self.patr_, self.last_parts, self.group = g, first, patr, last_parts, group

    def first(self, case="nom"):
        return decl_first(self.first_, self.g, case)

    def patr(self, case="nom"):
        return decl_patr(self.patr_, case)

    def last(self, case="nom"):
        return "-".join(decl_last_part(b, c, self.g, case) for b, c in self.last_parts)

    def dim(self, case="nom"):
        d = DIMINUTIVES.get(self.first_)
        return decl_first(d, self.g, case) if d else None

    def latin(self):
        return translit(self.first_), translit(self.last())

    def form(self, form, case="nom", style=None, dots=None):
        F, I, O = self.last(case), self.first(case), self.patr(case)
        i, o = self.first_[0], self.patr_[0]
        if form == "FIO":
            s = f"{F} {I} {O}"
        elif form == "IOF":
            s = f"{I} {O} {F}"
        elif form == "IF":
            s = f"{I} {F}"
        elif form == "FI":
            s = f"{F} {I}"
        elif form == "F_IO":
            s = f"{F} {i}. {o}." if dots == "spaced" else f"{F} {i}.{o}."
        elif form == "IO_F":
            s = f"{i}. {o}. {F}" if dots == "spaced" else f"{i}.{o}. {F}"
        elif form == "F_I":
            s = f"{F} {i}."
        elif form == "IO":
            s = f"{I} {O}"
        elif form == "I":
            s = I
        elif form == "F":
            s = F
        elif form == "DIM":
            s = self.dim(case)
        elif form == "DIM_F":
            s = f"{self.dim(case)} {F}"
        else:
            raise ValueError(form)
        if style == "upper":
            s = s.upper()
        elif style == "lower":
            s = s.lower()
        return s


class EnPerson:
    def __init__(self, first, last, title):
        self.first_, self.last_, self.title = first, last, title

    def latin(self):
        return self.first_, re.sub(r"[^A-Za-z]", "", self.last_)

    def form(self, form="full", style=None):
        s = {"full": f"{self.first_} {self.last_}", "first": self.first_, "last": self.last_,
             "init": f"{self.first_[0]}. {self.last_}", "rev": f"{self.last_}, {self.first_}"}[form]
        if style == "upper":
            s = s.upper()
        elif style == "lower":
            s = s.lower()
        return s


EN_FIRST = {"f": "Megan Sophie Hannah Emily Chloe Fiona Julia Nadia Laura Zoe Claire Isabel Priya "
                 "Aisha Harriet Bethany Lucy Amelia Eleanor Niamh Freya Imogen Saoirse Keiko".split(),
            "m": "Daniel Oliver Thomas Lucas Aidan Marcus Kevin Samuel Ethan Ryan Owen Patrick "
                 "Rahul Callum Jonas Tobias Declan Rory Hamish Felix Miguel Arjun Kwame Stefan".split()}
EN_LAST = ("O'Brien Whitaker Fletcher Nakamura Okafor Lindqvist Moreau Kowalski Brennan Hargreaves "
           "Castillo Delgado Fitzgerald Abernathy MacLeod Gallagher Chowdhury Haddad Petrenko "
           "Thornbury Ashworth Pemberton Okonkwo Van der Berg Rossi Novak Yilmaz Schneider Dubois "
           "Mensah Kavanagh Holloway Sandoval Jankowski Ferreira Lindgren Ó Súilleabháin "
           "Blackwood Carrington Mwangi Takahashi Hendricks").split()
EN_LAST = [n.replace("_", " ") for n in EN_LAST]
EN_LAST = [x for x in EN_LAST if x not in ("Van", "der", "Berg", "Ó", "Súilleabháin")] + \
          ["Van der Berg", "Ó Súilleabháin", "Smith-Okoro", "Reyes-Whitfield"]

# ---------------------------------------------------------------------------
# addresses
# ---------------------------------------------------------------------------

CITIES = [  # nominative, abbreviation used in chats, postcode prefix, streets
    ("Москва", "мск", "1", ["Профсоюзная", "Авиамоторная", "Большая Черкизовская", "Люблинская",
                            "Братиславская", "Нижегородская", "Миклухо-Маклая", "Бутлерова"]),
    ("Санкт-Петербург", "спб", "19", ["Савушкина", "Бухарестская", "Композиторов", "Наличная",
                                     "Ленская", "Кораблестроителей", "Типанова"]),
    ("Екатеринбург", "екб", "620", ["Малышева", "Вайнера", "Белинского", "Шейнкмана",
                                   "Викулова", "Посадская", "Бебеля"]),
    ("Казань", "кзн", "420", ["Баумана", "Декабристов", "Чистопольская", "Адоратского",
                              "Гвардейская", "Кул Гали", "Фатыха Амирхана"]),
    ("Новосибирск", "нск", "630", ["Выборная", "Кропоткина", "Титова", "Немировича-Данченко",
                                   "Бориса Богаткова", "Станиславского"]),
    ("Нижний Новгород", "нн", "603", ["Родионова", "Белинского", "Бекетова", "Ковалихинская",
                                      "Васюнина"]),
    ("Самара", "смр", "443", ["Ново-Садовая", "Гагарина", "Победы", "Стара-Загора",
                              "Ташкентская"]),
    ("Уфа", "уфа", "450", ["Менделеева", "Комсомольская", "Бакалинская", "Первомайская",
                           "Рихарда Зорге"]),
    ("Краснодар", "крд", "350", ["Красных Партизан", "Ставропольская", "Тургенева",
                                 "Восточно-Кругликовская", "Уральская"]),
    ("Ростов-на-Дону", "ростов", "344", ["Большая Садовая", "Ленина", "Зорге", "Таганрогская",
                                         "Добровольского"]),
    ("Пермь", "пермь", "614", ["Пушкина", "Куйбышева", "Революции", "Уинская", "Мира"]),
    ("Воронеж", "врн", "394", ["Плехановская", "Ленинский проспект", "Хользунова",
                               "Антонова-Овсеенко"]),
    ("Тюмень", "тмн", "625", ["Республики", "Мельникайте", "Широтная", "Пермякова"]),
    ("Челябинск", "челяба", "454", ["Кирова", "Салавата Юлаева", "Бр. Кашириных", "Молодогвардейцев"]),
    ("Иркутск", "ирк", "664", ["Лермонтова", "Байкальская", "Партизанская", "Депутатская"]),
    ("Калининград", "клд", "236", ["Горького", "Невского", "Печатная", "Батальная"]),
]
OBLASTS = [("Московская", "Одинцовский", "Лесной Городок"), ("Свердловская", "Сысертский", "Бобровский"),
           ("Ленинградская", "Всеволожский", "Кузьмоловский"), ("Тверская", "Конаковский", "Редкино"),
           ("Ростовская", "Аксайский", "Большой Лог"), ("Татарстан Респ.", "Лаишевский", "Габишево")]
EN_TOWNS = [("Leeds", "LS6 {d}{L}{L}"), ("Manchester", "M14 {d}{L}{L}"), ("Bristol", "BS7 {d}{L}{L}"),
            ("Edinburgh", "EH10 {d}{L}{L}"), ("Cardiff", "CF24 {d}{L}{L}"), ("Norwich", "NR2 {d}{L}{L}")]
EN_STREETS = ["Kingsley Road", "Harcourt Street", "Ashgrove Avenue", "Millbank Lane", "Orchard Close",
              "Victoria Terrace", "Beechwood Drive", "Quarry Hill", "Granville Road", "Ferndale Crescent"]
US_PLACES = [("Austin", "TX", "787"), ("Portland", "OR", "972"), ("Columbus", "OH", "432"),
             ("Denver", "CO", "802"), ("Raleigh", "NC", "276")]
US_STREETS = ["Maple Ave", "Westwood Blvd", "Cedar St", "Lakeview Dr", "Hawthorne St", "Pine Ridge Rd"]


class Addresses:
    def __init__(self, rng, values: Values):
        self.rng, self.values = rng, values

    def ru(self, style=None):
        r = self.rng
        style = style or r.choice(["full", "full", "short", "loose", "chat", "caps", "slash",
                                   "korp", "rural", "nocity", "reverse"])

        def make():
            city, abbr, pc, streets = r.choice(CITIES)
            st = r.choice(streets)
            h = r.randint(1, 160)
            f = r.randint(1, 340)
            k = r.randint(1, 6)
            idx = pc + "".join(r.choice("0123456789") for _ in range(6 - len(pc)))
            sw = "" if "проспект" in st else "ул. "
            if style == "full":
                return f"{idx}, г. {city}, {sw}{st}, д. {h}, кв. {f}"
            if style == "short":
                return f"г. {city}, {sw}{st}, {h}-{f}"
            if style == "loose":
                return f"{city}, {st} {h}-{f}"
            if style == "chat":
                return f"{st.lower()} {h} кв {f}, {abbr}"
            if style == "caps":
                return f"{city.upper()}, {sw.upper()}{st.upper()}, Д.{h}, КВ.{f}"
            if style == "slash":
                return f"{city}, пр. {r.choice(['Победы', 'Мира', 'Октября', 'Ленина', 'Строителей', 'Космонавтов'])} {h}/{k}"
            if style == "korp":
                return f"{city}, {st} ул., д. {h}, корп. {k}, кв. {f}"
            if style == "rural":
                obl, rn, vil = r.choice(OBLASTS)
                return f"{obl} обл., {rn} р-н, п. {vil}, ул. {r.choice(['Центральная', 'Школьная', 'Садовая', 'Лесная', 'Молодёжная'])}, д. {h}"
            if style == "nocity":
                return f"ул. {st} {h}, кв {f}"
            if style == "reverse":
                return f"кв. {f}, д. {h}, {sw}{st}, {city}, {idx}"
            raise ValueError(style)
        return self.values._unique("address", make)

    def en(self, style=None):
        r = self.rng
        style = style or r.choice(["uk", "uk", "us", "ru_latin"])

        def make():
            if style == "uk":
                town, pc = r.choice(EN_TOWNS)
                pc = pc.replace("{d}", str(r.randint(1, 9)))
                pc = re.sub(r"\{L\}", lambda _: r.choice("ABDEFGHJLNPQRSTUWXYZ"), pc)
                return f"Flat {r.randint(1, 30)}, {r.randint(2, 140)} {r.choice(EN_STREETS)}, {town} {pc}"
            if style == "us":
                city, st, z = r.choice(US_PLACES)
                return f"{r.randint(100, 9899)} {r.choice(US_STREETS)}, Apt {r.randint(1, 40)}{r.choice('ABCD')}, {city}, {st} {z}{r.randint(10, 99)}"
            city, abbr, pc, streets = r.choice(CITIES)
            return f"{translit(r.choice(streets))} St. {r.randint(1, 120)}, apt. {r.randint(1, 300)}, {translit(city)}"
        return self.values._unique("address", make)


# ---------------------------------------------------------------------------
# markup, noise, rendering
# ---------------------------------------------------------------------------

MARK = re.compile(r"\[\[(\w+)(?:/(\w+))?(?:#(\w+))?(?::(.*?))?\]\]", re.S)
CYR = "а-яёА-ЯЁ"


def typo(word: str, rng: random.Random) -> str:
    if len(word) < 5:
        return word
    i = rng.randint(1, len(word) - 3)
    op = rng.choice(["swap", "swap", "drop", "double"])
    if op == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if op == "drop":
        return word[:i] + word[i + 1:]
    return word[:i] + word[i] + word[i:]


def noisy(text: str, rng: random.Random, level: float) -> str:
    """Typos and sloppy punctuation in literal text; markup spans are left untouched."""
    if level <= 0:
        return text
    out, pos = [], 0
    for m in MARK.finditer(text):
        out.append(_noise_literal(text[pos:m.start()], rng, level))
        out.append(m.group(0))
        pos = m.end()
    out.append(_noise_literal(text[pos:], rng, level))
    return "".join(out)


def _noise_literal(s: str, rng, level):
    def w(m):
        word = m.group(0)
        return typo(word, rng) if rng.random() < level else word
    s = re.sub(rf"[{CYR}a-zA-Z]{{5,}}", w, s)
    if rng.random() < level * 3:
        s = re.sub(r", ", lambda m: " " if rng.random() < 0.35 else ", ", s)
    return s


class Builder:
    """Collects requests; renders markup into plain text plus labels."""

    def __init__(self, seed=SEED):
        self.rng = random.Random(seed)
        self.values = Values(self.rng)
        self.addr = Addresses(self.rng, self.values)
        self.used_labels: dict[tuple[str, str], str] = {}
        self.used_surnames: set[tuple[str, str]] = set()
        self.used_en: set[str] = set()
        self.items: list[dict] = []

    # -- people --------------------------------------------------------------
    def person(self, g=None, group=None) -> Person:
        r = self.rng
        for _ in range(200):
            grp = group or r.choices(list(GROUPS), [GROUPS[k]["w"] for k in GROUPS])[0]
            G = GROUPS[grp]
            gg = g or r.choice("mf")
            first = r.choice(G["m"] if gg == "m" else G["f"])
            patr = r.choice(G["p"])[0 if gg == "m" else 1]
            last = [r.choice(G["last"])]
            if gg == "f" and r.random() < 0.05:
                other = r.choice(GROUPS[r.choice(list(GROUPS))]["last"])
                if other[0] != last[0][0]:
                    last.append(other)
            key = ("-".join(b for b, _ in last), gg)
            if key in self.used_surnames and _ < 150:
                continue
            self.used_surnames.add(key)
            return Person(gg, first, patr, last, grp)
        raise RuntimeError("no person")

    def en_person(self, g=None) -> EnPerson:
        r = self.rng
        for _ in range(500):
            gg = g or r.choice("mf")
            first, last = r.choice(EN_FIRST[gg]), r.choice(EN_LAST)
            if last in self.used_en:
                continue
            self.used_en.add(last)
            return EnPerson(first, last, "Mr" if gg == "m" else r.choice(["Ms", "Mrs", "Ms"]))
        raise RuntimeError("no en person")

    # -- rendering -----------------------------------------------------------
    def render_text(self, text: str, keyed: dict, labels: list):
        def sub(m):
            typ, fmt, key, literal = m.group(1), m.group(2), m.group(3), m.group(4)
            if typ not in TYPES:
                raise ValueError(f"unknown type {typ!r} in markup {m.group(0)!r}")
            if literal is not None:
                value = literal
            elif key and (typ, fmt, key) in keyed:
                value = keyed[(typ, fmt, key)]
            else:
                if typ == "address":
                    value = self.addr.en(fmt) if fmt and fmt in ("uk", "us", "ru_latin") else self.addr.ru(fmt)
                elif typ in ("name", "email"):
                    raise ValueError(f"{typ} must be written literally: {m.group(0)}")
                else:
                    value = getattr(self.values, typ)(fmt)
                if key:
                    keyed[(typ, fmt, key)] = value
            if (typ, value) not in labels:
                labels.append((typ, value))
            return value
        return MARK.sub(sub, text)

    def render(self, raw: dict) -> dict:
        keyed, labels, messages = {}, [], []
        if raw.get("system"):
            messages.append({"role": "system", "content": self.render_text(raw["system"], keyed, labels)})
        for i, turn in enumerate(raw["turns"]):
            role = "user" if i % 2 == 0 else "assistant"
            text = turn
            if raw.get("noise", 0) and role == "user":
                text = noisy(text, self.rng, raw["noise"])
            messages.append({"role": role, "content": self.render_text(text, keyed, labels)})
        return {"lang": raw["lang"], "task": raw["task"], "messages": messages,
                "pii": [{"type": t, "value": v} for t, v in labels], "source": raw.get("source", "template")}

    def conflicts(self, item) -> list:
        out = []
        for p in item["pii"]:  # a CVV must not also be a piece of another number in the request
            if p["type"] == "cvv" and any(p["value"] in q["value"] for q in item["pii"] if q is not p):
                out.append(p)
        for p in item["pii"]:
            key = (p["type"], p["value"].lower())
            if key in self.used_labels:
                out.append(p)
        return out

    def accept(self, item, kind):
        for p in item["pii"]:
            self.used_labels[(p["type"], p["value"].lower())] = kind
        item["kind"] = kind
        self.items.append(item)


class Ctx:
    """Helpers that templates use to write markup with fresh values."""

    def __init__(self, b: Builder, lang: str):
        self.b, self.r, self.lang = b, b.rng, lang
        self.v, self.a = b.values, b.addr

    def choice(self, seq):
        return self.r.choice(seq)

    def chance(self, p):
        return self.r.random() < p

    @staticmethod
    def m(typ, value):
        return f"[[{typ}:{value}]]"

    def person(self, g=None, group=None):
        return self.b.person(g, group)

    def en_person(self, g=None):
        return self.b.en_person(g)

    def N(self, p, form="FIO", case="nom", style=None, dots=None):
        if isinstance(p, EnPerson):
            return self.m("name", p.form(form, style))
        if dots is None:
            dots = self.choice(["spaced", "tight"])
        return self.m("name", p.form(form, case, style, dots))

    def phone(self, fmt=None):
        if fmt is None and self.lang == "en":
            fmt = self.choice(["uk", "uk_local", "us", "intl_paren", "plus_plain", "intl_space"])
        return self.m("phone", self.v.phone(fmt))

    def card(self, fmt=None):
        return self.m("card", self.v.card(fmt))

    def passport(self, fmt=None):
        return self.m("passport", self.v.passport(fmt))

    def snils(self, fmt=None):
        return self.m("snils", self.v.snils(fmt))

    def inn(self):
        return self.m("inn", self.v.inn())

    def account(self, fmt=None):
        return self.m("account", self.v.account(fmt))

    def cvv(self):
        return self.m("cvv", self.v.cvv())

    def bdate(self, fmt=None):
        return self.m("birthdate", self.v.birthdate(fmt, self.lang))

    def addr(self, style=None):
        if self.lang == "en":
            return self.m("address", self.a.en(style))
        return self.m("address", self.a.ru(style))

    def email(self, p, style=None):
        first, last = p.latin()
        first = re.sub(r"[^a-z]", "", first.lower()) or "x"
        last = re.sub(r"[^a-z]", "", last.lower()) or "x"
        e = self.v.email((first, last), self.lang)
        if style == "upper":
            e = e.upper()
        return self.m("email", e)


# ---------------------------------------------------------------------------
# hand-written requests WITH personal data
# ---------------------------------------------------------------------------

HAND_PII: list[dict] = []


def hp(lang, task, system, *turns, noise=0.0):
    HAND_PII.append(dict(lang=lang, task=task, system=system, turns=list(turns), noise=noise,
                         source="hand"))


hp("ru", "extraction",
   "Извлеки из анкеты поля и верни JSON с ключами fio, birth_date, passport, snils, inn, address, "
   "phone, email. Отсутствующие поля — null. Никаких пояснений.",
   """АНКЕТА-ЗАЯВЛЕНИЕ НА ВЫПУСК ДЕБЕТОВОЙ КАРТЫ «КЭШБЭК+»
ФИО: [[name:ГАЙНУЛЛИНА ЭЛЬВИРА РАФАИЛОВНА]]
ДАТА РОЖДЕНИЯ: [[birthdate:12.03.1985]]
МЕСТО РОЖДЕНИЯ: Г. НАБЕРЕЖНЫЕ ЧЕЛНЫ
ПАСПОРТ: [[passport/space2]]   ВЫДАН: МВД ПО РЕСПУБЛИКЕ ТАТАРСТАН 14.05.2020, К/П 160-004
СНИЛС: [[snils/std]]
ИНН: [[inn]]
АДРЕС РЕГИСТРАЦИИ: [[address:420111, Г. КАЗАНЬ, УЛ. ЧИСТОПОЛЬСКАЯ, Д. 61, КВ. 118]]
АДРЕС ПРОЖИВАНИЯ: СОВПАДАЕТ
МОБ. ТЕЛ.: [[phone/intl_paren]]
E-MAIL: [[email:ELVIRA.GAINULLINA@MAIL.RU]]
КОДОВОЕ СЛОВО: ********
ПОДПИСЬ КЛИЕНТА: ________""")

hp("ru", "chat_log",
   "Ниже экспорт переписки из Telegram-бота поддержки. Кратко перескажи суть и определи, нужна ли "
   "эскалация в антифрод. Формат: Суть / Эскалация (да/нет) / Почему.",
   """[14.02.2024 19:03] [[name:олег кравец]]: добрый вечер у меня карта не проходит ни в одном магазине
[14.02.2024 19:04] Поддержка: Здравствуйте! Подскажите, пожалуйста, какая ошибка отображается на терминале?
[14.02.2024 19:06] [[name:олег кравец]]: пишет отказ. вот номер карты [[card/space]] срок 09/27 может вы увидите
[14.02.2024 19:06] Поддержка: Пожалуйста, не отправляйте полный номер карты в чат. Мы видим, что карта заблокирована системой безопасности после операции в 18:52.
[14.02.2024 19:08] [[name:олег кравец]]: я ничего не покупал в 18 52!! привязан номер [[phone/eight_plain]] смс никаких не было
[14.02.2024 19:09] Поддержка: Понимаем. Переводим вас на специалиста по спорным операциям, ожидайте.
[14.02.2024 19:15] [[name:олег кравец]]: жду уже 5 минут""")

hp("ru", "call_summary",
   "Ты — ассистент контакт-центра. Сделай краткое резюме звонка: суть обращения, что сделал "
   "оператор, следующий шаг.",
   """Оператор: Банк, добрый день, меня зовут [[name:Алина]], чем могу помочь?
Клиент: Здравствуйте. Я звоню по карте мужа, [[name:Валиева Рустама Ильдаровича]], он в командировке и сам позвонить не может.
Оператор: По карте другого клиента я могу дать только общую информацию. Как к вам обращаться?
Клиент: [[name:Ирина Валиева]]. У меня тоже есть ваша карта.
Оператор: [[name:Ирина]], назовите, пожалуйста, дату рождения.
Клиент: [[birthdate:восемнадцатое ноября восемьдесят девятого]]... то есть [[birthdate:18.11.1989]].
Оператор: Спасибо. И кодовое слово.
Клиент: Ой, не помню. Может, девичья фамилия мамы?
Оператор: Не совпадает. Могу отправить код в СМС на номер, привязанный к вашей карте.
Клиент: У меня теперь другой номер, [[phone/intl_space]], старую симку я потеряла.
Оператор: Сменить номер можно только в отделении с паспортом. А по карте [[name:Рустама Ильдаровича]] пусть он позвонит сам или оформит доверенность.
Клиент: Понятно. Ближайшее отделение к дому подскажете? Я живу [[address:Краснодар, ул. Тургенева, 7, кв. 54]].
Оператор: Ближайший офис в двух остановках от вас, работает до 19:00.
Клиент: Спасибо, до свидания.""")

hp("ru", "email_draft",
   "Ты помогаешь менеджерам отделения готовить письма клиентам. Пиши по-человечески, без "
   "канцелярита, не длиннее 150 слов.",
   "Составь письмо [[name:Сидорову М. П.]] — ему одобрили реструктуризацию по кредиту. Новый "
   "ежемесячный платёж 18 430 руб., дата платежа 15-е число, первый платёж по новому графику 15.04. "
   "Нужно прийти в отделение и подписать допсоглашение до 20 марта, с собой паспорт. Обращаться — "
   "[[name:Михаил Петрович]], письмо уйдёт на [[email:mp.sidorov@yandex.ru]]. Подпиши от меня: "
   "[[name:Екатерина Лапина]], ведущий менеджер.")

hp("en", "chat_log",
   "Summarise this exported support chat in 3 bullet points and say whether the customer's issue "
   "is resolved.",
   """12/03/2024, 10:14 - Customer: hi, this is [[name:megan o'brien]], my card got declined at a hotel in tbilisi last night
12/03/2024, 10:15 - Support: Hello! Sorry about that. Could you confirm the last four digits of the card?
12/03/2024, 10:17 - Customer: it's the visa, full number is [[card/space]] if that helps. exp 11/26
12/03/2024, 10:17 - Support: Please don't share full card numbers here. I can see a security hold after a foreign transaction.
12/03/2024, 10:19 - Customer: ok sorry. can you call me? [[phone/uk]], or whatsapp. if you need to send a new card my home address is [[address:Flat 3, 22 Orchard Close, Norwich NR2 4QT]]
12/03/2024, 10:21 - Support: We've lifted the hold. Please try the payment again in 10 minutes.
12/03/2024, 10:34 - Customer: worked, thanks!!""")

hp("ru", "translation",
   "Переведи текст на английский язык. Сохрани структуру письма, реквизиты не меняй.",
   """Переведи для банка-корреспондента:

В службу поддержки
от [[name:Ким Виктории Сергеевны]]

Прошу отозвать платёж от 04.03.2024 на сумму 1 250 долларов США, отправленный по ошибке на неверные реквизиты. Платёж списан с моего счёта [[account]]. Получателем должна была быть компания в Сеуле, однако деньги ушли в другой банк.

Контактные данные: тел. [[phone/eight_space]], e-mail [[email:vika.kim.kzn@gmail.com]].
Адрес для корреспонденции: [[address:Казань, Баумана 19-7]].

С уважением,
[[name:В. С. Ким]]""")

hp("ru", "rewrite",
   "Отредактируй ответ сотрудника клиенту: исправь ошибки, сделай тон вежливым, смысл не меняй.",
   """уважаемый [[name:Арсен Ашотович]] ваше обращение рассмотренно. карту перевыпустили, но курьер не смог вас найти по адресу [[address:Самара, пр. Победы 12/3]] там нет такого подъезда. дозвонится тоже не смогли на [[phone/eight_dash]]. заберите карту сами в отделении, оно работает до 20:00, с паспортом. если не заберете за 60 дней карта будет уничтожена
менеджер [[name:Погосян Л.]]""")

hp("en", "extraction",
   "Extract the applicant's details into JSON with keys full_name, date_of_birth, phone, email, "
   "address_ru, address_home, tax_id, existing_account. Use null for missing fields.",
   """ACCOUNT OPENING REQUEST — NON-RESIDENT
Applicant: [[name:WHITAKER, Daniel James]]
DOB: [[birthdate:14 Feb 1979]]
Nationality: United Kingdom
Residential address (RU): [[address:Moscow, Bolshaya Cherkizovskaya St. 24, apt. 117]]
Home address (UK): [[address:Flat 9, 51 Harcourt Street, Leeds LS6 3PJ]]
Mobile: [[phone/intl_paren]]
Email: [[email:d.whitaker79@outlook.com]]
INN (Russian tax ID): [[inn]]
Existing account with us: [[account]]
Purpose: salary and everyday payments""")

hp("ru", "question",
   "Ты — ассистент сотрудников банка. Отвечай по внутренним правилам; если правил не знаешь — так и скажи.",
   "Коллеги, вопрос. Клиентка [[name:Гульнара Хабибуллина]], д.р. [[birthdate:03/07/91]], хочет "
   "открыть вклад на дочь, которой 14 лет. Дочь с ней в отделении, паспорт у дочки есть "
   "([[passport/space1]]). Можно открыть вклад на несовершеннолетнюю по её паспорту, или нужны "
   "ещё свидетельство о рождении и паспорт [[name:Гульнары]]?")

hp("ru", "classification",
   "Отнеси обращение к одной категории: card_block, transfer_issue, loan, deposit, fraud, "
   "complaint, personal_data_change, other. Выведи только код категории.",
   """Тема: деньги не дошли
От: [[name:Акопян Гурген Саркисович]]
Здравствуйте! 5 дней назад отправил 85 000 руб. со своего счета [[account/grouped]] на карту брата [[card/space]], в приложении статус «исполнен», а у брата ничего нет. Номер операции в приложении 558213. Прошу разобраться, мой тел. [[phone/intl_paren]]""",
   noise=0.03)

hp("ru", "call_summary",
   "Составь резюме звонка для карточки клиента в CRM: 3–5 пунктов.",
   """Оператор: Добрый день, банк, оператор [[name:Денис]], слушаю вас.
Клиент: Здравствуйте, я [[name:Серёжа]]... [[name:Сергей Тихонов]], звоню по поводу отца, [[name:Тихонова Аркадия Семёновича]]. У него пенсия приходит к вам на карту.
Оператор: Понимаю. Без владельца карты я смогу дать только общую информацию.
Клиент: Он рядом, сейчас дам трубку. Пап, скажи им.
Клиент (2): Алло. Да, это я, [[name:Аркадий Семёнович]]. Пенсия не пришла.
Оператор: [[name:Аркадий Семёнович]], назовите, пожалуйста, ваш СНИЛС или дату рождения.
Клиент (2): СНИЛС сейчас... [[snils/spaces]]. Родился [[birthdate:2 апреля 1951]].
Оператор: Спасибо. Вижу, что Социальный фонд перечислил пенсию на старый счёт [[account]], который закрыт по вашему заявлению в январе. Деньги вернутся отправителю.
Клиент: То есть надо писать заявление в фонд?
Оператор: Да, с реквизитами новой карты. Реквизиты есть в приложении, или их распечатают в отделении.
Клиент: Ясно, спасибо вам.""")

hp("ru", "email_draft",
   "Ты помощник сотрудников отдела доставки карт. Пиши письма клиентам от имени банка.",
   "Подготовь письмо клиентке [[name:Шевчук Наталье Игоревне]]: её кредитная карта готова, "
   "доставка курьером бесплатная. Тон дружелюбный.",
   """Тема: Ваша кредитная карта готова

Уважаемая [[name:Наталья Игоревна]]!

Рады сообщить, что ваша кредитная карта готова. Курьер доставит её бесплатно в удобное для вас время. Наш сотрудник свяжется с вами, чтобы согласовать дату и адрес доставки.

С уважением,
команда банка""",
   "Добавь, что доставка будет по адресу [[address:Ростов-на-Дону, ул. Таганрогская, д. 132/4, кв. 9]] "
   "в пятницу с 10 до 14, а если неудобно — пусть перезвонит курьеру на [[phone/intl_space]]. И "
   "обращайся «[[name:Наталья]]», без отчества, она так просила.")

hp("ru", "extraction",
   "Это результат распознавания (OCR) разворота паспорта. Верни JSON: surname, name, patronymic, "
   "birth_date, series, number, issue_date, department_code. Исправь очевидные ошибки OCR.",
   """РОССИЙСКАЯ ФЕДЕРАЦИЯ
Паспорт выдан ОТДЕЛОМ УФМС РОССИИ ПО ГОР. МОСКВЕ
ПО РАЙОНУ ЛЮБЛИНО
Дата выдачи 17.08.2016 Код подразделения 770-089
[[passport/plain]]
Фамилия [[name:ТУРСУНОВ]]
Имя [[name:БАХТИЁР]]
Отчество [[name:АКМАЛОВИЧ]]
Пол МУЖ. Дата рождения [[birthdate:05.09.1992]]
Место рождения ГОР. ТАШКЕНТ
РЕСП. УЗБЕКИСТАН
PNRUS[[name:TURSUNOV]]<<[[name:BAKHTIER]]<[[name:AKMALOVICH]]<<<<<<<<<<<<<<<<<<<<<""")

hp("en", "translation",
   "Translate the customer's letter into Russian for the back-office team. Keep names, numbers "
   "and addresses as they are.",
   """Dear Sir or Madam,

My name is [[name:Oliver Hargreaves]] and I have held a current account with your bank since I relocated to St Petersburg in 2021. I am moving back to the UK at the end of the month and would like to close my rouble account [[account]] and transfer the remaining balance to my account with my UK bank.

My new postal address will be [[address:Flat 12, 7 Beechwood Drive, Bristol BS7 8HN]]. Please send the closing statement there or to [[email:oliver.hargreaves@proton.me]].

I was born on [[birthdate:23 October 1984]], in case you need it to find my file.

Kind regards,
[[name:O. Hargreaves]]""")

hp("ru", "chat_log",
   "Это выгрузка переписки персонального менеджера с клиенткой из WhatsApp. Составь по ней задачу "
   "в CRM: что нужно сделать и к какому сроку.",
   """[09:12, 21.05.2024] [[name:Маша Ковалёва]]: доброе утро! это [[name:Маша]], мы с вами на прошлой неделе вклад открывали
[09:15, 21.05.2024] Менеджер: Доброе утро, [[name:Мария Андреевна]]! Конечно, помню
[09:16, 21.05.2024] [[name:Маша Ковалёва]]: я хочу ещё маму подключить, [[name:Ковалёву Галину Петровну]], ей 74, сама она в приложении не разберётся
[09:16, 21.05.2024] [[name:Маша Ковалёва]]: её паспорт [[passport/space2]], живёт [[address:Тверская обл., Конаковский р-н, пос. Редкино, ул. Школьная, д. 12]]
[09:20, 21.05.2024] Менеджер: [[name:Мария Андреевна]], для оформления маме нужно прийти лично с паспортом, по фото паспорта мы, к сожалению, не можем
[09:21, 21.05.2024] [[name:Маша Ковалёва]]: ок, в субботу приедем? вы работаете?
[09:25, 21.05.2024] Менеджер: В субботу с 10 до 16, запишу вас на 11:00""")

hp("en", "classification",
   "Classify the e-mail into one of: card_issue, transfer_issue, loan, deposit, fraud, complaint, "
   "data_change, other. Reply with the label and a one-line reason.",
   """From: [[name:Priya Raman]] <[[email:priya.raman.spb@gmail.com]]>
Subject: Change of phone number

Hello,
I have changed my mobile number. The old one was [[phone/plus_plain]], the new one is [[phone/uk]]. I am currently in Edinburgh and cannot come to a branch. Could you please update it in my profile? My date of birth is [[birthdate:July 4, 1990]].

Thanks,
[[name:Priya]]""")

hp("ru", "rewrite",
   "Перепиши жалобу клиента нейтральным деловым языком для передачи в отдел качества. Факты и "
   "реквизиты сохрани.",
   """ЭТО ПРОСТО ИЗДЕВАТЕЛЬСТВО!!! третий раз прихожу в ваш офис и третий раз мне говорят что система не работает. мне нужна справка о закрытии ипотеки, договор закрыт ещё в феврале. я [[name:Закирова Лейла Маратовна]], если что, звоните [[phone/eight_paren]], а не отвечайте мне шаблонами. если до пятницы справки не будет пишу в ЦБ
[[name:Л.М. Закирова]]""")

hp("ru", "question",
   "Ты отвечаешь сотрудникам на вопросы по налоговым справкам и вычетам. Кратко, по шагам.",
   "Клиент [[name:Ли Дмитрий Вячеславович]], ИНН [[inn]], просит справку о процентах по вкладам "
   "за 2023 год для налоговой. Говорит, в личном кабинете ФНС проценты отражены неправильно. Как "
   "оформить справку и в какой срок мы обязаны её выдать? Клиент на связи по [[phone/intl_paren]].")

hp("en", "call_summary",
   "Summarise the call for the case record: reason, actions taken, follow-ups.",
   """Agent: Good afternoon, you're through to card services, my name is [[name:Sophie]]. How can I help?
Caller: Hi [[name:Sophie]], it's [[name:Aidan Fitzgerald]]. I think my card was stolen on the metro this morning.
Agent: I'm sorry to hear that, Mr [[name:Fitzgerald]]. Can I take your date of birth to verify?
Caller: [[birthdate:9th of June 1988]].
Agent: Thank you. And the long number on the card, if you have it written down?
Caller: Yes, I photographed it, [[card/plain]].
Agent: Thanks, I've blocked it now. Any transactions you don't recognise?
Caller: There's one at 8:40 for 4,300 roubles in a pharmacy, that wasn't me.
Agent: I'll raise a dispute for that. We'll send a replacement to the address we have, [[address:Moscow, Butlerova St. 17, apt. 58]]. Is that still correct?
Caller: Yes. And please text me on [[phone/intl_space]] when it's dispatched.
Agent: Will do. Anything else?
Caller: No, that's all, thanks.""")

hp("ru", "extraction",
   "Извлеки реквизиты перевода в JSON: sender_name, sender_account, recipient_name, "
   "recipient_account, recipient_phone, amount, purpose.",
   """ЗАЯВЛЕНИЕ НА ПЕРЕВОД ДЕНЕЖНЫХ СРЕДСТВ
Отправитель: [[name:Беридзе Нино Гивиевна]]
Счёт отправителя: [[account]]
Получатель: [[name:Кобахидзе Леван Зурабович]]
Счёт получателя: [[account]]
Телефон получателя: [[phone/eight_space]]
Сумма: 120 000,00 (сто двадцать тысяч) руб. 00 коп.
Назначение: возврат долга по расписке от 10.01.2024, НДС не облагается
Дата: 02.04.2024     Подпись: ________ /[[name:Беридзе Н.Г.]]/""")

hp("ru", "email_draft",
   "Сгенерируй короткое персональное поздравление для рассылки премиальным клиентам. 3–4 "
   "предложения, без упоминания продуктов банка.",
   """Данные из CRM:
Клиент: [[name:Гарипова Тамара Ивановна]]
Дата рождения: [[birthdate:1954-10-02]]
Сегмент: Премиум, клиент с 2009 г.
Канал: e-mail [[email:tamara.garipova54@rambler.ru]]
Персональный менеджер: [[name:Фаттахов Ильнур]]
Комментарий менеджера: любит садоводство, внуки в Казани""")

hp("ru", "chat_log",
   "Перескажи обсуждение из рабочего чата отдела кредитования: какая проблема и какое решение приняли.",
   """[[name:Андрей Куликов]], 10:02
коллеги, кто может глянуть клиента [[name:Юсупов Отабек]], паспорт [[passport/space1]]? не проходит скоринг, пишет «расхождение данных ФНС»
[[name:Оксана Третьякова]], 10:05
у него ИНН в анкете [[inn]]? проверь, там могли цифры перепутать
[[name:Андрей Куликов]], 10:07
да, этот. в анкете дата рождения [[birthdate:30.01.1996]], а по ФНС другая, видимо ошиблись при вводе
[[name:Оксана Третьякова]], 10:08
тогда пусть [[name:Отабек]] приходит с паспортом, исправим анкету и перезапустим
[[name:Андрей Куликов]], 10:09
ок, позвоню ему на [[phone/plus_plain]]""")

hp("ru", "call_summary",
   "Кратко изложи звонок в службу безопасности и перечисли, какие данные клиент сообщил мошенникам.",
   """Оператор: Служба безопасности банка, оператор [[name:Виктория]], здравствуйте.
Клиент: Здравствуйте, мне кажется, меня обманули. Позвонили час назад, сказали, что из вашего банка, что по карте подозрительная операция.
Оператор: Как к вам обращаться?
Клиент: [[name:Зуева Людмила Григорьевна]].
Оператор: [[name:Людмила Григорьевна]], что именно вы им сообщили?
Клиент: Номер карты, [[card/space]], срок и три цифры сзади, [[cvv]]. И код из смс.
Оператор: Понятно. Я сейчас же блокирую карту. Назовите дату рождения для подтверждения.
Клиент: [[birthdate:14.06.1958]].
Оператор: Спасибо. Карта заблокирована. Вижу попытку списания на 48 900 рублей, она отклонена.
Клиент: А деньги целы?
Оператор: Да, остаток на месте. Пожалуйста, никому не сообщайте код с обратной стороны карты и коды из СМС, банк их никогда не спрашивает. Новую карту можем доставить на [[address:Воронеж, ул. Хользунова, 40, кв. 77]]. Удобно?
Клиент: Да, домой, конечно. Спасибо, дочка.""")

hp("ru", "translation",
   "Translate from Russian into English. Output only the translation.",
   """Справка
Выдана [[name:Оганесян-Лапиной Кристине Арменовне]], [[birthdate:28.02.1993]] г.р., в том, что она является клиентом банка с 15.06.2017 и имеет открытый текущий счёт [[account]] в рублях РФ. По состоянию на 01.03.2024 задолженности по кредитным продуктам не имеет.
Справка выдана для предъявления в посольство.
Адрес клиента по данным банка: [[address:г. Москва, ул. Люблинская, д. 153, кв. 402]].
Начальник отдела обслуживания [[name:Н. А. Гусева]]""")

hp("en", "rewrite",
   "Turn the agent's rough notes into a short, polite e-mail to the customer.",
   "notes: cust [[name:zoe nakamura]] called re mortgage overpayment. overpaid 2 monthly payments "
   "by mistake (standing order dup). refund approved, 2-3 working days, back to acc [[account]]. "
   "she asked for confirmation in writing to [[email:zoe.nakamura@icloud.com]]. ref is MP-77013. "
   "sign off as [[name:Tom Ashworth]], mortgage team", noise=0.02)

hp("ru", "classification",
   "Классифицируй входящее SMS-обращение: БЛОКИРОВКА, ПЕРЕВОД, КРЕДИТ, ПРОЧЕЕ. Ответ одним словом.",
   "ПРОШУ СРОЧНО ЗАБЛОКИРОВАТЬ КАРТУ [[card/plain]] ВЛАДЕЛЕЦ [[name:ЕРШОВ П.А.]] КАРТУ УКРАЛИ В "
   "АВТОБУСЕ. ПЕРЕЗВОНИТЕ НА ЭТОТ НОМЕР ИЛИ НА [[phone/eight_plain]]")

hp("en", "question",
   "You are an internal assistant for branch staff. Answer using the bank's account-opening policy.",
   "A customer, [[name:Rahul Chowdhury]] (DOB [[birthdate:1987-11-30]]), is a software engineer "
   "relocating from Bangalore on a work visa. He has temporary registration at "
   "[[address:Saint Petersburg, Savushkina St. 83, apt. 215]] for 12 months. Can we open a rouble "
   "current account and a debit card for him, and what documents do we need besides the passport "
   "and migration card? He can be reached on [[phone/intl_paren]].")

hp("ru", "extraction",
   "Вытащи из заявления данные для заполнения 3-НДФЛ в формате «ключ: значение».",
   """Заявление о предоставлении имущественного налогового вычета
Я, [[name:Кудрявцев Вячеслав Анатольевич]], ИНН [[inn]], СНИЛС [[snils/plain]],
прошу вернуть излишне уплаченный налог в сумме 260 000 руб. на мой счёт [[account/space4]], открытый в ПАО «Банк».
Дата рождения: [[birthdate:19.12.1977]].
Адрес места жительства: [[address:454091, г. Челябинск, ул. Кирова, д. 27, кв. 63]].
Телефон: [[phone/eight_paren]]
Подпись: [[name:В.А. Кудрявцев]]    Дата: 11.03.2024""")

hp("ru", "chat_log",
   "Проанализируй переписку клиента с чат-ботом и выдели нерешённые вопросы.",
   """Клиент: здравствуйте, у меня не приходит кешбэк за март
Бот: Здравствуйте! Кешбэк начисляется до 15 числа следующего месяца. Могу ещё чем-то помочь?
Клиент: уже 20е. и вообще я хочу поменять почту для выписок, новая [[email:dilyara.safina.92@yandex.ru]]
Бот: Чтобы изменить e-mail, подтвердите личность. Напишите ФИО полностью и дату рождения.
Клиент: [[name:сафина диляра рашидовна]] [[birthdate:09.09.1992]]
Бот: Спасибо. На номер, привязанный к профилю, отправлен код.
Клиент: какой номер?? у меня уже год другой, [[phone/dash]]
Бот: Я не могу изменить номер телефона в чате. Обратитесь в отделение с паспортом.
Клиент: позовите человека""")

hp("en", "email_draft",
   "You write letters to the bank's English-speaking private clients. Formal, warm, under 170 words.",
   "Please draft a letter to Mr [[name:Lucas Moreau]] ([[email:lucas.moreau@outlook.com]]). He asked "
   "to raise the daily limit on his card ending 4471 to 300,000 RUB. The increase is approved from "
   "tomorrow. Remind him that transfers above 600,000 RUB still need confirmation by phone to his "
   "registered number [[phone/intl_paren]]. Sign as [[name:Anna Volkova]], Private Banking.")

hp("ru", "call_summary",
   "Сделай резюме звонка: что хочет клиент, что обещал сотрудник.",
   """Сотрудник: Банк, здравствуйте.
Абонент: Алло, дочка, я насчёт карточки. Мне надо, чтобы привезли, я сама не дойду, ноги болят.
Сотрудник: Конечно, поможем. Как вас зовут?
Абонент: [[name:Белова Антонина Павловна]]. Пенсионерка я.
Сотрудник: [[name:Антонина Павловна]], назовите, пожалуйста, дату рождения.
Абонент: [[birthdate:двадцать первое мая пятьдесят второго года]].
Сотрудник: Спасибо. Куда доставить карту?
Абонент: на [[address:гагарина 14 квартира 3, тюмень]]. Домофон не работает, пусть в окно постучат, первый этаж.
Сотрудник: Записала. Курьер позвонит перед приездом. Номер телефона для связи?
Абонент: [[phone/eight_space]], это сына. Мой домашний не работает.
Сотрудник: Хорошо. Карта будет в четверг или пятницу.
Абонент: Спасибо, милая.""")

hp("ru", "rewrite",
   "Ты редактор деловой переписки.",
   "перепиши по-деловому: «привет, тут клиентка [[name:Ершова Надежда]] опять просит кредитные "
   "каникулы, говорит что потеряла работу, давай оформим уже, сколько можно»",
   "Коллега, добрый день! Клиентка [[name:Надежда Ершова]] повторно обратилась с просьбой о "
   "предоставлении кредитных каникул в связи с потерей работы. Предлагаю рассмотреть её заявление "
   "в приоритетном порядке.",
   "добавь что документы она прислала на почту [[email:n.ershova1979@bk.ru]] и что звонить ей "
   "лучше на [[phone/eight_dash]] после 18")

hp("ru", "classification",
   "Определи тональность и категорию письма. Формат: категория; тональность (позитив/нейтрально/негатив).",
   """Добрый день.
Благодарю сотрудников вашего отделения в Иркутске за быструю помощь с переоформлением вклада после смерти отца. Особенно хочу отметить консультанта [[name:Евгению]] — всё объяснила по-человечески.
Прошу также прислать выписку по счёту [[account]] за 2023 год.

С уважением, [[name:Лыкова Е.В.]]
тел. [[phone/intl_dash]]""")

hp("ru", "question",
   "Отвечай как эксперт по валютному контролю. Кратко.",
   "Почему клиенту [[name:Сагитову Нурлану]] (ИНН [[inn]]) заблокировали входящий перевод из "
   "Казахстана на 3 400 долларов? Счёт [[account]], отправитель — его работодатель. Что нужно "
   "запросить у клиента?")

hp("en", "translation",
   "Переведи на русский письмо клиента, сохрани форматирование.",
   """To whom it may concern,

I, [[name:Kevin A. Delgado]], authorize my wife, [[name:Marina Delgado]] (née [[name:Sokolova]]), to collect my debit card from your Novosibirsk branch while I am abroad. The card will be sent to the branch because I cannot receive mail at my current address, [[address:2417 Maple Ave, Apt 12B, Austin, TX 78705]].

My phone: [[phone/us]]
My e-mail: [[email:kdelgado.tx@gmail.com]]
Date of birth: [[birthdate:05/17/1982]]

Sincerely,
[[name:Kevin Delgado]]""")

hp("en", "extraction",
   "Extract contact details from the message as JSON {name, dob, phone, email, address}. Return only JSON.",
   "hey there, [[name:fiona]] here ([[name:fiona macleod]] on the account). can you update my "
   "details pls. new address is [[address:Flat 2, 14 Granville Road, Edinburgh EH10 7BQ]] and my "
   "mobile is [[phone/uk_local]]. dob [[birthdate:22/07/1990]] if you need to check. email stays "
   "the same, [[email:fi.macleod@yahoo.co.uk]]")

hp("en", "chat_log",
   "Summarise the chat for the next shift. Max 4 lines.",
   """[18:02] [[name:Nadia H.]]: hello? anyone there
[18:03] Bot: Hi! I'm the virtual assistant. What can I help you with?
[18:03] [[name:Nadia H.]]: I need to send money to my brother [[name:Karim Haddad]] in Beirut, his account is at another bank. what's the limit?
[18:04] Bot: International transfers in the app are limited to the equivalent of 10,000 USD per day.
[18:05] [[name:Nadia H.]]: ok and the fee?
[18:05] Bot: The fee is 1% of the amount, minimum 15 USD.
[18:07] [[name:Nadia H.]]: fine. can you check why my transfer yesterday failed? from account [[account]]
[18:07] Bot: I'll connect you with an operator.
[18:20] Operator: Hello [[name:Nadia]], the transfer was returned because the recipient's name did not match. Please check the spelling and try again.""")

hp("ru", "call_summary",
   "Резюмируй звонок в ипотечный центр, выдели договорённости.",
   """Оператор: Ипотечный центр, [[name:Ксения]], здравствуйте.
Клиент: Добрый день. [[name:Пак Эдуард Вячеславович]], у меня ипотека у вас, хочу досрочно погасить часть.
Оператор: [[name:Эдуард Вячеславович]], назовите, пожалуйста, серию и номер паспорта.
Клиент: [[passport/space2]].
Оператор: Спасибо, нашла договор. Какую сумму планируете внести?
Клиент: Миллион двести. Хочу уменьшить срок, а не платёж.
Оператор: Хорошо. Заявление можно подать в приложении или у нас. Деньги должны быть на счёте [[account]] в дату платежа, 25-го числа.
Клиент: А жена может внести со своей карты? Она [[name:Пак Елена Николаевна]], но не созаёмщик.
Оператор: Да, пополнить счёт может кто угодно, а заявление подаёте вы.
Клиент: Понял. Справку об остатке долга пришлите на [[email:e.pak.nsk@mail.ru]], это рабочая почта.
Оператор: Отправлю в течение трёх рабочих дней.""")

hp("ru", "email_draft",
   "Ты пишешь письма-напоминания должникам. Вежливо, без угроз, с чёткими суммами и сроками.",
   "Клиент [[name:Гелашвили Гиви Отарович]], просрочка по кредитной карте 47 дней, минимальный "
   "платёж 12 380,55 руб., общая задолженность 148 912 руб. Реквизиты для погашения: счёт "
   "[[account/grouped]]. Последний контакт — не взял трубку на [[phone/eight_space]]. Напиши письмо с "
   "обращением «Уважаемый [[name:Гиви Отарович]]» и предложи реструктуризацию.")

hp("ru", "rewrite",
   "Приведи заметку оператора к нормальному регистру и грамотному виду. Ничего не добавляй.",
   "КЛИЕНТ [[name:МИРЗАЕВ ШЕРЗОД УЛУГБЕКОВИЧ]] ПРОСИТ ПЕРЕВЕСТИ ЗАРПЛАТНУЮ КАРТУ НА ДРУГОЙ ТАРИФ. "
   "ПАСПОРТ [[passport/num]], ТЕЛ [[phone/intl_paren]]. ПРОЖИВАЕТ [[address:МОСКВА, УЛ. "
   "АВИАМОТОРНАЯ, Д. 8, КВ. 211]]. ПРЕТЕНЗИЙ НЕТ. ЗВОНИТЬ ПОСЛЕ 19:00")

hp("ru", "chat_log",
   "Сделай краткое резюме чата для передачи второй линии.",
   """[10:41] Клиент: здрасьте
[10:41] Клиент: меня зовут [[name:алсу]], фамилия [[name:нуриева]], у меня списали деньги два раза за одну покупку
[10:42] Оператор: Здравствуйте, [[name:Алсу]]! Подскажите дату и сумму покупки
[10:43] Клиент: вчера, 2 340 руб, магазин у дома. карта [[card/space]]
[10:44] Оператор: Вижу две операции, одна в статусе «в обработке», она отменится автоматически в течение 3 дней
[10:45] Клиент: а если нет? мне на что жить
[10:46] Оператор: Если через 3 рабочих дня сумма не вернётся, напишите сюда, оформим претензию
[10:47] Клиент: ок, но мне позвоните лучше [[phone/eight_plain]]""")

hp("ru", "extraction",
   "Из заявления о страховом случае извлеки: ФИО застрахованного, дату рождения, номер полиса, "
   "номер карты для выплаты, телефон, описание события. Ответ в JSON.",
   """Заявление о наступлении страхового события по программе «Защита карты»
Застрахованный: [[name:Рябинина Ульяна Сергеевна]], дата рождения [[birthdate:1989-06-14]]
Полис № ЗК-118734/24
Событие: 07.04.2024 около 22:00 у меня выхватили сумку в районе ТЦ, в сумке была карта [[card/dash]]. С карты списали 37 500 руб. тремя операциями.
Выплату прошу перечислить на карту [[card/space]] (другой банк).
Телефон: [[phone/intl_space]], e-mail: [[email:ulya.ryabinina@list.ru]]
Приложение: талон-уведомление из полиции""")

hp("ru", "question",
   "Ты — ассистент сотрудников контакт-центра, отвечаешь по регламентам.",
   "Клиент [[name:Николаев Степан Фёдорович]] просит сменить номер телефона в профиле на "
   "[[phone/eight_paren]]. Звонит с этого же номера. Можно сделать по звонку?",
   "Нет. По регламенту смена номера телефона, привязанного к профилю, по звонку не выполняется: "
   "клиенту нужно обратиться в отделение с паспортом или сменить номер в приложении с "
   "подтверждением по старому номеру.",
   "Он говорит, что старую сим-карту у него украли вместе с телефоном, а до отделения ему ехать "
   "200 км — живёт в [[address:Свердловская обл., Сысертский р-н, п. Бобровский, ул. Лесная, д. 3]]. "
   "Есть исключения?")

hp("ru", "translation",
   "Translate into English. This is a power of attorney for a notarised translation; keep all details.",
   """ДОВЕРЕННОСТЬ
г. Пермь, двадцатое марта две тысячи двадцать четвёртого года
Я, [[name:Журавлёв Денис Олегович]], [[birthdate:22.01.1979]] года рождения, паспорт [[passport/num]], выдан ГУ МВД России по Пермскому краю 03.02.2024, зарегистрированный по адресу: [[address:г. Пермь, ул. Куйбышева, д. 95, кв. 14]],
настоящей доверенностью уполномочиваю [[name:Журавлёву Анну Сергеевну]], [[birthdate:1 августа 1981]] года рождения, паспорт [[passport/num]],
получать денежные средства с моего счёта [[account]] в ПАО «Банк», получать выписки и справки.
Доверенность выдана сроком на один год.
Подпись ________ [[name:Д.О. Журавлёв]]""")

hp("ru", "classification",
   "Классифицируй обращение по теме и срочности. Формат JSON: {\"topic\": ..., \"urgency\": \"low|medium|high\"}",
   "Добрый вечер, с сегодняшнего утра на мой номер [[phone/plus_plain]] приходят смс с кодами "
   "подтверждения, которые я не запрашивал. Я [[name:Щербаков Глеб]], карта [[card/plain]]. Боюсь, "
   "что кто-то пытается войти в мой аккаунт. Что делать?", noise=0.03)

hp("en", "call_summary",
   "Write a short call summary: reason, verification, outcome.",
   """[00:00] Agent: Thank you for calling, this is [[name:Marcus]] speaking.
[00:03] Customer: Hi, my name is [[name:Hannah Okafor]], I'm calling about my savings account, it's been frozen?
[00:08] Agent: I'm sorry about that, Ms [[name:Okafor]]. Could you give me your account number?
[00:12] Customer: Sure, it's [[account]].
[00:20] Agent: Thank you. And for security, your date of birth and your address?
[00:24] Customer: [[birthdate:3 March 1995]], and [[address:Flat 6, 88 Quarry Hill, Leeds LS6 2TD]].
[00:31] Agent: Thanks. The account was restricted because we need an updated proof of address. You can upload it in the app.
[00:40] Customer: Oh, I moved in January, that's probably it. Can you email me the list of acceptable documents? [[email:hannah.okafor95@gmail.com]]
[00:46] Agent: Of course. You'll get it within the hour. Anything else?
[00:49] Customer: No, that's all. Thanks, [[name:Marcus]].""")

hp("ru", "email_draft",
   "Составь официальное письмо от банка. Без лишних любезностей.",
   "Нужно письмо в управляющую компанию ЖК: подтверждаем, что между банком и "
   "[[name:Шарафутдиновым Ринатом Ильдусовичем]] заключён кредитный договор на покупку квартиры по "
   "адресу [[address:г. Уфа, ул. Менделеева, д. 205, кв. 88]], квартира в залоге у банка. Письмо "
   "запрашивал сам [[name:Ринат Ильдусович]], отправить на [[email:rinat.sharafutdinov@mail.ru]]. "
   "Подписант — начальник отдела ипотеки [[name:Ахметшина Г. Р.]]")

hp("ru", "extraction",
   "Извлеки из распознанного платёжного поручения: плательщик, ИНН плательщика, счёт плательщика, "
   "получатель, сумма, назначение. JSON.",
   """ПЛАТЕЖНОЕ ПОРУЧЕНИЕ № 314    05.04.2024
Сумма прописью: Сорок пять тысяч рублей 00 копеек
ИНН [[inn]]   КПП —   Сумма 45000-00
Плательщик: [[name:Медведева Ангелина Олеговна]]
Сч. № [[account]]
Банк плательщика: ПАО «БАНК» г. Москва
Получатель: ООО «Управляющая компания "Северный"»
Назначение платежа: оплата по договору аренды за апрель 2024, без НДС""")

hp("en", "rewrite",
   "Rewrite this customer message so it is clear and polite; keep all the facts.",
   "ur app is a joke. 3rd time i ask to change my surname after marriage. old: "
   "[[name:Emily Fletcher]], new: [[name:Emily Fletcher-Wood]]. uploaded marriage cert twice!!! my "
   "account is [[account]] and i was born [[birthdate:1993-04-08]]... just fix it. "
   "[[email:emily.fw@outlook.com]]")

hp("ru", "chat_log",
   "Ниже переписка курьерской службы по доставке карт. Составь список доставок, которые не "
   "состоялись, с причиной.",
   """Курьер 12: по [[name:Гусеву]] ([[address:Профсоюзная 104 кв 31]]) никто не открыл, телефон [[phone/eight_plain]] недоступен
Диспетчер: ок, переносим на завтра
Курьер 12: [[name:Мухина Е.]] — отказалась, говорит карту не заказывала
Диспетчер: это к банку, возврат
Курьер 7: по [[address:Казань, Декабристов 85-12]] адрес неверный, такой квартиры нет
Диспетчер: клиент кто?
Курьер 7: [[name:Низамов Айдар Ринатович]], тел [[phone/intl_paren]], звонил — не отвечает
Диспетчер: ок, всех троих в отчёт""")

hp("ru", "chat_log",
   "Определи, нарушил ли клиент правила безопасности, и что оператору нужно сделать дальше.",
   """[21:14] клиент: девушка помогите не могу оплатить билеты на сайте авиакомпании
[21:14] клиент: карта [[card/plain]] 05/28 cvc [[cvv]] ошибка «операция отклонена»
[21:15] Оператор: Пожалуйста, никогда не отправляйте CVC-код в чат, даже сотрудникам банка. Карта временно заблокирована для вашей безопасности, её нужно перевыпустить.
[21:16] клиент: блин а как теперь билеты купить. я [[name:ильин макс]] если что
[21:17] Оператор: [[name:Максим]], перевыпуск бесплатный, цифровая карта будет доступна в приложении сразу после оформления.
[21:18] клиент: ладно давайте""")

hp("ru", "extraction",
   "Заполни поля заявки на кредитную карту по сообщению клиента: fio, birth_date, phone, email, "
   "passport, income. Ответ — JSON.",
   "добрый день, хочу оформить кредитку. данные: [[name:рахимова зарина фарходовна]], д.р. "
   "[[birthdate:07.10.88]], паспорт [[passport/space1]], тел [[phone/eight_plain]], почта "
   "[[email:zarina.rakhimova88@mail.ru]]. доход около 95 тыс в месяц, работаю в аптеке", noise=0.02)

hp("ru", "question",
   "Помогаешь сотрудникам отделения с вопросами по наследственным делам.",
   "Пришла дочь умершего клиента, [[name:Соловьёва Карина Борисовна]], с нотариальным "
   "свидетельством о праве на наследство. У отца, [[name:Соловьёва Бориса Геннадьевича]] "
   "([[birthdate:17.05.1949]]), был вклад и счёт [[account]]. Можем ли мы выплатить ей деньги "
   "сегодня, если в свидетельстве указан только вклад, а счёт не указан?")

hp("ru", "email_draft",
   "Составь ответ клиенту на его обращение от имени службы заботы. Тон спокойный, извиниться один раз.",
   "Клиент пишет: «Уже месяц не могу получить карту, курьер дважды не приехал. Живу "
   "[[address:ул. Бебеля 114, кв 26]], это Екатеринбург. [[name:Константин Лукин]]». Ответь, что "
   "карта передана в отделение, её можно забрать с паспортом, а в качестве компенсации начислим "
   "500 бонусных баллов.")

hp("en", "translation",
   "Переведи сообщение клиента с английского на русский для оператора.",
   "Hi, I am [[name:Saoirse Kavanagh]], I opened an account at your Kaliningrad branch last week. "
   "The card was supposed to arrive to [[address:Kaliningrad, Gorkogo St. 71, apt. 9]] but nothing "
   "came. Could you check? My number is [[phone/intl_space]]. Thanks!")


hp("ru", "chat_log",
   "Клиент переслал переписку с покупателем с сайта объявлений. Определи, есть ли признаки "
   "мошенничества, и что клиенту делать.",
   """Пересланные сообщения:
Покупатель: Здравствуйте, диван ещё продаётся? Беру без торга, оплачу через сервис безопасной сделки
Я: да, продаётся. самовывоз с [[address:Уинская 6, кв 40]]
Покупатель: Отлично! Чтобы получить оплату, заполните форму по ссылке: номер карты, срок действия и код CVV
Я: [[card/space]] 11/26 [[cvv]]
Покупатель: Теперь пришлите код из смс
Я: [[phone/intl_space]] — мой номер, смс пока нет

Клиент дописал: это я [[name:Блинов Артём]], только что пришло смс о списании 23 500 ₽. что делать???""",
   noise=0.02)

hp("ru", "extraction",
   "Извлеки данные из согласия на обработку персональных данных: fio, snils, inn, passport, "
   "address, date_signed. JSON.",
   """СОГЛАСИЕ НА ОБРАБОТКУ ПЕРСОНАЛЬНЫХ ДАННЫХ
Я, [[name:Хамидова Малика Бахромовна]],
паспорт [[passport/num1]], СНИЛС [[snils/dashes]], ИНН [[inn]],
зарегистрированная по адресу: [[address:РФ, 630099, Новосибирская обл., г. Новосибирск, ул. Выборная, д. 129, кв. 17]],
даю согласие ПАО «Банк» на обработку моих персональных данных в целях рассмотрения заявки на ипотечный кредит.
Согласие действует 5 лет.
«18» апреля 2024 г.          _________ /[[name:Хамидова М.Б.]]/""")

hp("ru", "question",
   "Ты помогаешь сотрудникам бэк-офиса с налоговыми справками.",
   "В справке о доходах у клиента [[name:Фомин Вадим Сергеевич]] стоит ИНН [[inn]], а он говорит, "
   "что правильный — [[inn]], присылал скрин из личного кабинета налоговой. СНИЛС в анкете "
   "[[snils/std]]. Можно ли перевыпустить справку по его заявлению или нужно сначала обновить анкету?")

hp("ru", "call_summary",
   "Сделай резюме звонка и отметь нарушения правил безопасности, если они были.",
   """Оператор: Банк, здравствуйте, меня зовут [[name:Ульяна]].
Клиент: Здравствуйте. Я хочу оплатить у вас коммуналку картой, продиктую вам данные.
Оператор: Оплату можно сделать в приложении. По телефону оператор оплату не проводит.
Клиент: Да мне проще так. Карта [[card/plain]], до двадцать седьмого года, код сзади [[cvv]].
Оператор: Пожалуйста, никому не называйте код с обратной стороны карты, даже сотрудникам банка. Я рекомендую перевыпустить карту.
Клиент: Ой. А вы кто тогда?
Оператор: Я сотрудник банка, но код нам знать не нужно. Как к вам обращаться?
Клиент: [[name:Егорова Лариса Павловна]].
Оператор: [[name:Лариса Павловна]], давайте я заблокирую карту и закажу новую. Для подтверждения назовите дату рождения.
Клиент: [[birthdate:4 июля 1963]].
Оператор: Спасибо. Карта заблокирована, новая будет в отделении через пять дней. Оплатить ЖКУ можно будет в приложении по QR-коду с квитанции.
Клиент: Хорошо, дочь поможет.""")

hp("ru", "classification",
   "Определи категорию обращения и отдел: пенсии, карты, кредиты, вклады, прочее.",
   "здравствуйте пенсия не пришла за апрель. я [[name:Голубев Виктор Иванович]] [[birthdate:1952]] г.р. "
   "снилс [[snils/plain]] в соцфонде сказали перечислили 5 числа. карта ваша мир. позвоните "
   "[[phone/eight_space]] сын ответит", noise=0.02)


# ---------------------------------------------------------------------------
# hand-written requests WITHOUT personal data
# ---------------------------------------------------------------------------

HAND_CLEAN: list[dict] = []


def hc(lang, task, system, *turns, noise=0.0):
    HAND_CLEAN.append(dict(lang=lang, task=task, system=system, turns=list(turns), noise=noise,
                           source="hand"))


hc("ru", "email_draft",
   "Ты копирайтер банка. Пиши рассылки живым языком, без воды.",
   "Напиши письмо-рассылку для держателей вклада «Доходный»: с 1 апреля ставка растёт до 16,5% "
   "годовых для новых и пролонгированных вкладов на 6 месяцев. Минимальная сумма 50 000 ₽, "
   "пополнение не предусмотрено. Обращение нейтральное — «Здравствуйте!», без имени. В конце — "
   "призыв открыть вклад в приложении.")

hc("ru", "question",
   "Ты ассистент на сайте банка. Отвечай на вопросы о продуктах кратко и точно; если не знаешь "
   "актуальных ставок, предложи проверить их на сайте.",
   "какая сейчас ставка по накопительному счёту если держать там около 300 тыс? и проценты "
   "считаются на минимальный остаток или на ежедневный?")

hc("ru", "call_summary",
   "Составь краткое резюме звонка для CRM.",
   """Оператор: Добрый день, ипотечный центр, слушаю вас.
Клиент: Здравствуйте. Мы с женой хотим взять квартиру в новостройке, интересует семейная ипотека. Какие условия сейчас?
Оператор: Ставка по семейной ипотеке — 6% годовых, первоначальный взнос от 20,1%. Программа действует, если в семье есть ребёнок до 6 лет.
Клиент: У нас сын, ему 4. Квартира стоит около восьми миллионов.
Оператор: Максимальная сумма по программе — до 12 миллионов для Москвы и области, для других регионов — до 6 миллионов. Вы в каком регионе?
Клиент: В Новосибирске.
Оператор: Значит, до 6 миллионов по льготной ставке, остаток можно оформить по рыночной.
Клиент: А какой будет платёж?
Оператор: Зависит от срока. На 20 лет при 6 млн — примерно 43 000 рублей в месяц. Точный расчёт сделает менеджер после заявки.
Клиент: А справка 2-НДФЛ нужна?
Оператор: Если вы зарплатный клиент нашего банка — нет, доход подтвердим сами.
Клиент: Хорошо, спасибо, подумаем.""")

hc("ru", "classification",
   "Отнеси обращение к одной категории: card_block, transfer_issue, loan, deposit, fraud, "
   "complaint, app_issue, other. Выведи только код категории.",
   "Не приходит смс с кодом для входа в приложение уже второй день. телефон не менял, другие смс "
   "приходят нормально. переустанавливал приложение — не помогло. что делать??", noise=0.02)

hc("ru", "translation",
   "Переведи описание продукта на английский для англоязычной версии сайта.",
   """Кредитная карта «120 дней без процентов»
• Льготный период до 120 дней на покупки и снятие наличных
• Снятие наличных без комиссии до 50 000 ₽ в месяц
• Обслуживание бесплатно при тратах от 10 000 ₽ в месяц, иначе — 590 ₽ в месяц
• Кредитный лимит до 1 млн ₽
• Ставка после окончания льготного периода — от 29,9% годовых
Оформить карту можно онлайн за 5 минут, доставка бесплатная.""")

hc("ru", "rewrite",
   "Перепиши ответ из FAQ простым языком, чтобы было понятно пенсионеру. Не больше 80 слов.",
   "В случае утраты платёжной карты держателю надлежит незамедлительно уведомить Банк посредством "
   "обращения в контактный центр либо через мобильное приложение в целях блокировки карты. "
   "Перевыпуск карты осуществляется в соответствии с действующими тарифами Банка в срок до 5 "
   "(пяти) рабочих дней. Операции, совершённые до момента уведомления Банка, оспариваются в "
   "порядке, установленном Правилами.")

hc("ru", "extraction",
   "Извлеки из текста условия вклада в JSON: name, rate, term_days, min_amount, replenishment, "
   "partial_withdrawal, capitalization.",
   "Вклад «Пополняемый» открывается на срок 181 или 367 дней. Ставка — 14% годовых на 181 день и "
   "12,5% на 367 дней. Минимальная сумма — 10 000 ₽, пополнение возможно в течение первых 90 дней "
   "срока, частичное снятие не предусмотрено. Проценты выплачиваются ежемесячно на накопительный "
   "счёт или капитализируются по выбору клиента.")

hc("ru", "chat_log",
   "Проанализируй диалог с чат-ботом: получил ли клиент ответ на свой вопрос? Если нет — почему.",
   """Клиент: добрый день. хочу перевести деньги по сбп, лимит какой?
Бот: Здравствуйте! Переводы через СБП без комиссии — до 100 000 ₽ в месяц. Свыше лимита комиссия 0,5%, но не более 1 500 ₽ за перевод.
Клиент: а если я с кредитки перевожу?
Бот: Переводы с кредитной карты через СБП недоступны.
Клиент: а в другой банк по номеру карты можно с кредитки?
Бот: Извините, я не понял вопрос. Переформулируйте, пожалуйста.
Клиент: ну понятно(((
Бот: Могу соединить вас с оператором.
Клиент: не надо""")

hc("ru", "question",
   "Ты отвечаешь руководителям групп контакт-центра по внутренним регламентам.",
   "Сколько по регламенту хранятся записи разговоров контакт-центра и кто может запросить "
   "прослушивание записи — только служба качества или руководитель группы тоже? Вопрос от "
   "старшего специалиста второй линии.")

hc("ru", "email_draft",
   "Пиши служебные записки для сотрудников сети отделений: кратко, по пунктам.",
   "Составь служебную записку для всех отделений: с 15 мая меняется порядок приёма наличной "
   "валюты. Доллары США выпуска до 2013 года принимаются только на инкассо, комиссия 3%. Евро и "
   "юани принимаются без ограничений. Кассы с валютой работают до 19:00, в субботу — до 16:00. "
   "Подпись — «Департамент розничного бизнеса».")

hc("en", "translation",
   "Переведи уведомление банка-партнёра на русский язык.",
   """Please be advised that, effective 1 July, the cut-off time for same-day USD payments will change from 16:00 to 15:00 CET. Payments received after the cut-off will be processed on the next business day. EUR payments are not affected.
Correspondent banks are kindly requested to update their internal procedures accordingly. For any questions, please contact your relationship manager.""")

hc("en", "call_summary",
   "Summarise the call in two sentences for the weekly product report.",
   """Agent: Thanks for calling, how can I help?
Customer: Hi, I'm thinking about opening a savings account and I saw two options on your website. What's the difference between the Easy Saver and the Fixed Saver?
Agent: The Easy Saver pays 4.1% a year and you can take money out any time. The Fixed Saver pays 5.2%, but the money is locked in for twelve months.
Customer: Is there a minimum deposit?
Agent: 1,000 pounds for the Fixed Saver, no minimum for the Easy Saver.
Customer: And can I open it online?
Agent: Yes, both can be opened in the app in about ten minutes.
Customer: Great, I'll do that tonight. Thanks.""")

hc("en", "classification",
   "Classify the ticket into: card_issue, transfer_issue, loan, deposit, fraud, complaint, "
   "app_issue, other. Output the label only.",
   "After the latest update the app logs me out every time I switch to another app. I have to "
   "enter the code again and again. Android 14, app version 7.3.1. Please fix.")

hc("en", "rewrite",
   "Rewrite this FAQ answer in plain English, max 60 words.",
   "Where a payment instruction has been executed in accordance with the unique identifier "
   "provided by the payer, the Bank shall be deemed to have executed the instruction correctly "
   "with regard to the payee specified, notwithstanding any additional information supplied.")

hc("en", "chat_log",
   "Summarise the chat and tell me what the bot got wrong.",
   """User: hi, how long does an international transfer take?
Bot: International transfers usually arrive within 1–3 business days.
User: and to turkey in lira?
Bot: Transfers in TRY are not supported. You can send USD or EUR.
User: ok what's the fee for 500 usd
Bot: The fee for international transfers is 0.5% of the amount, minimum 10 USD.
User: so 2.5 usd?
Bot: The minimum fee is 10 USD, so the fee will be 10 USD.
User: ok thanks""")

hc("en", "question",
   "You are the bank's internal policy assistant.",
   "Are branch employees allowed to accept gifts from customers? Someone brought a box of "
   "chocolates to our Samara branch after we helped with a mortgage. What's the value threshold?")

hc("en", "extraction",
   "Extract product terms as JSON: product, annual_fee, cashback_rate, cashback_cap, "
   "foreign_fee, grace_period_days.",
   "Travel Card: no annual fee in the first year, then 2,990 RUB. 3% back in miles on travel "
   "bookings, 1% on everything else, capped at 5,000 miles a month. No foreign transaction fee. "
   "Grace period up to 55 days on purchases.")

hc("en", "email_draft",
   "Write customer newsletters for the bank's expat customers. Friendly, clear, no jargon.",
   "Newsletter: from 1 June our English-speaking support line works 24/7 instead of 9:00–21:00. "
   "Also, you can now switch the app language to English in Settings. Mention that the chat in "
   "the app is the fastest way to reach us. No names, generic greeting.")

hc("ru", "classification",
   "Определи категорию и срочность обращения. Формат: категория / срочность (низкая, средняя, высокая).",
   "Здравствуйте, по карте *4521 прошла операция на 1 299 ₽ в 03:12 ночи, подписка какого-то "
   "сервиса, я ничего не оформляла. В это время я спала. Карту не блокировала пока. Помогите "
   "вернуть деньги")

hc("ru", "question",
   "Ты помощник сотрудников контакт-центра.",
   "Клиент из Казани спрашивает, можно ли внести наличные доллары через банкомат. В каких "
   "отделениях в Казани есть приём валюты и работают ли они по воскресеньям?")

hc("ru", "rewrite",
   "Сделай текст ответа оператора дружелюбнее, но сохрани все факты.",
   "Уважаемый клиент. Ваше обращение № 317552 рассмотрено. Комиссия за SMS-информирование в "
   "размере 99 ₽ списана правомерно, так как услуга была отключена 14.03, а списание произошло "
   "за период с 01.03 по 13.03. Возврат не предусмотрен.")

hc("ru", "email_draft",
   "Готовишь ответы на жалобы клиентов. Без имени клиента, обращение «Здравствуйте!».",
   "Клиент жалуется, что в отделении очередь была больше часа, а электронная очередь показывала "
   "15 минут ожидания. Ответь: извиняемся, с 1 июня в отделении добавили ещё два окна, запись на "
   "удобное время есть в приложении. В качестве компенсации ничего не предлагаем.")

hc("ru", "call_summary",
   "Сделай резюме звонка, персональные данные не указывай.",
   """Оператор: Банк, здравствуйте, слушаю.
Клиент: Здравствуйте, я карту потерял, кажется в такси. Надо заблокировать.
Оператор: Подскажите кодовое слово и последние четыре цифры карты.
Клиент: Слово — как договаривались, цифры 0932.
Оператор: Спасибо, данные совпадают. Блокирую... Готово, карта заблокирована. Операций после 18:00 не было.
Клиент: Отлично. А новую как получить?
Оператор: Перевыпуск бесплатный, карта будет готова через 3–5 рабочих дней в вашем отделении. Цифровая карта уже доступна в приложении.
Клиент: А автоплатежи за телефон и интернет слетят?
Оператор: Автоплатежи перейдут на новую карту автоматически.
Клиент: Понял, спасибо.""")

hc("ru", "chat_log",
   "Это выгрузка рабочего чата отделения. Выпиши задачи и кто за что отвечает (по ролям).",
   """Администратор: коллеги, банкомат у входа опять не принимает купюры, заявка в ИТ №48213
Старший кассир: видела, инкассация будет в 14:00, может после неё заработает
Менеджер по кредитам: у меня в 15:30 подписание ипотеки, переговорную №2 не занимайте
Администратор: ок. и напоминаю: до пятницы всем пройти тест по ПОД/ФТ, пока прошли 6 из 11
Начальник отделения: кто не пройдёт — в понедельник без премии, шучу. но пройдите
Старший кассир: 😄 сделаю сегодня""")

hc("ru", "extraction",
   "Извлеки из служебной записки все сроки и ответственные подразделения. Ответ — таблица.",
   "В связи с переходом на новую АБС прошу: до 10.06 — ИТ-департаменту завершить миграцию справочников; "
   "до 14.06 — отделу сопровождения провести тестирование выписок; 15–16.06 — отключение старой "
   "системы, операции в отделениях не проводятся с 20:00 пятницы до 08:00 воскресенья; до 20.06 — "
   "службе внутреннего контроля подготовить отчёт о расхождениях.")

hc("ru", "question",
   "Ты финансовый помощник. Объясняй на примерах.",
   "как посчитать эффективную ставку если номинальная 12% годовых и капитализация ежемесячная? и "
   "сколько получится с 200 000 за год")

hc("ru", "translation",
   "Переведи на английский раздел FAQ.",
   "Как перевести деньги по номеру телефона? Откройте приложение, выберите «Платежи» → «По номеру "
   "телефона», введите номер получателя и сумму. Если у получателя несколько банков, выберите "
   "нужный из списка. Переводы до 100 000 ₽ в месяц — без комиссии.")

hc("ru", "rewrite",
   "Сократи push-уведомление до 90 символов, сохрани смысл.",
   "Уважаемый клиент! Напоминаем, что в ночь с 23 на 24 марта с 01:00 до 05:00 по московскому "
   "времени будут проводиться плановые технические работы, в связи с чем переводы и оплата "
   "услуг в приложении могут быть временно недоступны. Приносим извинения за неудобства.")

hc("ru", "classification",
   "Определи тему отзыва из магазина приложений: стабильность, интерфейс, функциональность, "
   "поддержка, другое. Ответ — одно слово.",
   "Приложение вылетает после обновления 5.12 на андроиде, не могу зайти уже 3 дня. Раньше всё "
   "было норм. Одна звезда пока не починят", noise=0.03)

hc("ru", "email_draft",
   "Ты пишешь уведомления клиентам о технических работах.",
   "Напиши e-mail-уведомление: 6 апреля с 02:00 до 04:30 мск не будут работать переводы по СБП и "
   "оплата по QR-коду. Карты работают в обычном режиме. Тон спокойный, без извинений на полстраницы.")

hc("en", "translation",
   "Переведи описание страховки на русский.",
   "Travel Insurance Plus covers medical expenses abroad up to 100,000 EUR, trip cancellation up "
   "to 3,000 EUR and lost luggage up to 1,000 EUR. The policy is valid in all countries except "
   "the country of residence. Active sports are covered for an extra 20% of the premium.")

hc("en", "rewrite",
   "Make this internal memo shorter and clearer.",
   "Colleagues, kindly note that as of next Monday the procedure with regards to the handling of "
   "customer complaints that are received via the website form is being amended such that all "
   "such complaints shall be registered in the CRM within 24 hours of receipt rather than the "
   "previous 48 hours, and the first response must go out within 3 business days.")

hc("ru", "call_summary",
   "Сделай резюме звонка по расшифровке (текст из системы распознавания речи).",
   "оператор здравствуйте банк слушаю вас клиент да здравствуйте я хотел узнать можно ли закрыть "
   "вклад досрочно если он на год а прошло полгода оператор да можно при досрочном закрытии "
   "проценты пересчитываются по ставке ноль целых одна десятая процента годовых клиент то есть "
   "почти ничего не получу оператор к сожалению да но если вклад с частичным снятием можно снять "
   "часть суммы без потери процентов до неснижаемого остатка клиент а у меня какой оператор это "
   "можно посмотреть в приложении в разделе вклады условия клиент понял спасибо до свидания")

hc("ru", "chat_log",
   "Оцени работу оператора в чате по шкале 1–5 и объясни оценку.",
   """Клиент: здравствуйте! подскажите, можно ли оформить карту ребёнку 12 лет?
Оператор: Здравствуйте! Да, детскую карту можно оформить с 6 лет. Её выпускают к счёту родителя.
Клиент: а лимиты можно ставить?
Оператор: Да, в приложении родителя можно установить лимит на день и на месяц, а также запретить отдельные категории покупок.
Клиент: стоимость?
Оператор: Обслуживание бесплатное, выпуск — 0 ₽. СМС-уведомления для ребёнка — 59 ₽ в месяц.
Клиент: спасибо!
Оператор: Рады помочь! Хорошего дня.""")

hc("ru", "question",
   "Ты — ассистент по внутренним процессам банка.",
   "По какому регламенту мы отвечаем на письменные жалобы: 10 рабочих дней или 15 календарных? "
   "И можно ли продлить срок, если нужен запрос в платёжную систему?")

hc("ru", "extraction",
   "Извлеки из обращения: тип проблемы, сумму, дату, время, способ оплаты. Персональных данных в "
   "ответе быть не должно. JSON.",
   "Оплатил в кафе по QR-коду 1 870 руб 12 марта около 20:40, деньги списались, а кафе говорит, "
   "что оплата не пришла, пришлось платить второй раз картой. Чек из приложения прикладываю. "
   "Номер операции в приложении A1094.")

hc("ru", "translation",
   "Переведи на английский внутреннюю инструкцию для иностранных стажёров.",
   "1. Перед началом смены проверьте кассовый лимит. 2. Наличные свыше 600 000 ₽ по одной операции "
   "принимаются только с проверкой источника средств. 3. При подозрении на мошенничество не "
   "прерывайте операцию, а сообщите начальнику отделения. 4. Все инциденты фиксируйте в журнале до "
   "конца рабочего дня.")

hc("ru", "rewrite",
   "Перепиши фрагмент тарифа простыми словами для сайта.",
   "Плата за обслуживание карты не взимается в случае, если сумма операций по оплате товаров и "
   "услуг с использованием карты в предыдущем расчётном периоде составила не менее 10 000 руб., "
   "либо остаток денежных средств на счетах клиента на конец каждого дня периода составлял не "
   "менее 30 000 руб. В иных случаях плата составляет 149 руб. в месяц.")

hc("en", "question",
   "Answer customers' questions on the bank's website. Be brief.",
   "whats the difference between a current account and a savings account at your bank? can I "
   "have both and move money between them for free?")

hc("en", "email_draft",
   "You write internal e-mails for the retail operations team.",
   "Write an e-mail to all branch managers: the new queue management system goes live on Monday "
   "in the 12 pilot branches in Kazan and Samara. Training videos are on the intranet, the "
   "helpdesk is available 8:00–20:00, and feedback should go through the usual ticket form by "
   "Friday.")

hc("ru", "call_summary",
   "Сделай резюме звонка и отметь, была ли продажа.",
   """Сотрудник: Добрый день! Звоню из банка по поводу вашего вклада, срок заканчивается через неделю. Удобно говорить?
Клиент: Да, минутка есть.
Сотрудник: Сейчас можем предложить продление по ставке 15% годовых на полгода или 13,5% на год. Также есть накопительный счёт с 12% на остаток.
Клиент: А если на год, проценты можно каждый месяц снимать?
Сотрудник: Да, выплата ежемесячно на карту или на счёт.
Клиент: Хорошо, давайте на год, только я в приложении сам оформлю.
Сотрудник: Конечно, предложение уже доступно там в разделе «Вклады».
Клиент: Спасибо.""")


# ---------------------------------------------------------------------------
# templates WITH personal data
# ---------------------------------------------------------------------------

def asr_text(t: str) -> str:
    """Speech-to-text style: lower case, no punctuation (outside personal-data values)."""
    out, pos = [], 0
    for m in MARK.finditer(t):
        out.append(re.sub(r"[.,!?«»:;]", "", t[pos:m.start()]).lower())
        out.append(m.group(0).lower())
        pos = m.end()
    out.append(re.sub(r"[.,!?«»:;]", "", t[pos:]).lower())
    return "".join(out)


def gw(p, m, f):
    return f if getattr(p, "g", "m") == "f" else m


CARD_PRODUCTS = ["Кэшбэк+", "120 дней без процентов", "Мир Классическая", "Премиум", "Молодёжная",
                 "Путешествия", "Пенсионная", "Зарплатная"]
CITIES_PRE = ["Казани", "Самаре", "Новосибирске", "Екатеринбурге", "Перми", "Уфе", "Тюмени",
              "Краснодаре", "Воронеже", "Иркутске", "Челябинске", "Калининграде"]
WEEKDAYS_ACC = ["в понедельник", "во вторник", "в среду", "в четверг", "в пятницу", "в субботу"]

SYS_EMAIL_RU = [
    "Ты помогаешь менеджерам банка писать письма клиентам. Пиши вежливо и коротко.",
    "Ты — ассистент CRM. По данным ниже составь письмо клиенту от имени банка. Не выдумывай фактов.",
    "Составь черновик письма клиенту. Деловой стиль, до 150 слов, без канцелярита.",
    "Ты пишешь письма клиентам розничного банка. Тон тёплый, но официальный.",
]


def t_email_ru(c: Ctx):
    p, mgr = c.person(), c.person()
    uv = gw(p, "Уважаемый", "Уважаемая")
    kind = c.choice(["card_ready", "overdue", "deposit", "kyc", "birthday", "loan_ok", "limit",
                     "docs", "complaint"])
    cl = gw(p, "клиенту", "клиентке")
    if kind == "card_ready":
        if c.chance(0.5):
            u = (f"Напиши письмо {cl} {c.N(p, 'FIO', 'dat')}: карта «{c.choice(CARD_PRODUCTS)}» готова. "
                 f"Курьер привезёт её {c.choice(['в четверг', 'завтра с 10 до 18', 'в субботу до обеда', 'в течение двух рабочих дней'])} "
                 f"по адресу {c.addr()}. Если время неудобное, пусть перезвонит курьеру на {c.phone()}. "
                 f"Обращение — «{uv} {c.N(p, 'IO')}». Отправлять будем на {c.email(p)}.")
        else:
            u = (f"Данные из CRM:\nКлиент: {c.N(p, 'FIO', style=c.choice([None, 'upper']))}\n"
                 f"Продукт: карта «{c.choice(CARD_PRODUCTS)}», статус «готова к выдаче»\n"
                 f"Адрес доставки: {c.addr()}\nE-mail: {c.email(p)}\n"
                 f"Менеджер: {c.N(mgr, 'IF')}\n\nСоставь письмо-уведомление о доставке.")
    elif kind == "overdue":
        u = (f"{gw(p, 'Клиент', 'Клиентка')} {c.N(p, c.choice(['F_IO', 'FIO']))} допустил{gw(p, '', 'а')} "
             f"просрочку {c.r.randint(3, 60)} дн. по {c.choice(['кредиту', 'кредитной карте', 'автокредиту'])}, "
             f"сумма к оплате {c.r.randint(2, 90)} {c.r.randint(100, 999)} руб. Реквизиты для погашения — счёт "
             f"{c.account()}. Составь мягкое напоминание без угроз. Обращение: «{uv} {c.N(p, 'IO')}». "
             f"{c.choice(['Письмо отправим на ' + c.email(p) + '.', 'Дублируем SMS на ' + c.phone() + '.'])}")
    elif kind == "deposit":
        u = (f"Подготовь письмо для {c.N(p, c.choice(['FIO', 'IF']), 'gen')}: вклад «{c.choice(['Доходный', 'Сезонный', 'Надёжный плюс', 'Пополняемый'])}» "
             f"закрывается {c.r.randint(2, 28)}.{c.r.randint(1, 12):02d}, проценты {c.r.randint(3, 95)} {c.r.randint(100, 999)} руб. "
             f"будут зачислены на счёт {c.account()}. Предложи пролонгацию по ставке {c.choice(['14', '15,5', '16', '13,2'])}% и "
             f"напомни, что это можно сделать в приложении. Адрес для письма: {c.email(p)}.")
    elif kind == "kyc":
        u = (f"Нужно письмо {cl} {c.N(p, 'IF', 'dat')}: у нас в анкете паспорт {c.passport()}, ИНН {c.inn()}, "
             f"а по дате рождения ({c.bdate()}) видно, что паспорт подлежал замене. Попроси обновить данные "
             f"в приложении или в отделении, иначе с {c.r.randint(1, 28)}.{c.r.randint(1, 12):02d} операции по счёту "
             f"будут ограничены. Обращение по имени-отчеству: {c.N(p, 'IO')}.")
    elif kind == "birthday":
        u = (f"Клиент: {c.N(p, 'FIO')}\nДата рождения: {c.bdate()}\nСегмент: {c.choice(['Премиум', 'Private', 'Массовый'])}\n"
             f"E-mail: {c.email(p)}\nПерсональный менеджер: {c.N(mgr, 'FIO')}\n\n"
             f"Составь короткое поздравление с днём рождения от имени менеджера, 3 предложения."
             f"{c.choice(['', ' Поздравить нужно ' + c.N(p, 'IO', 'acc') + ', по имени-отчеству.'])}")
    elif kind == "loan_ok":
        u = (f"Сообщи {c.N(p, 'IOF', 'dat')}, что кредит на {c.choice(['150', '300', '450', '600', '750', '900'])} 000 руб. одобрен, "
             f"ставка {c.choice(['17,9', '19,5', '21', '15,4'])}%, срок {c.choice(['24', '36', '48', '60'])} мес. "
             f"Деньги поступят на счёт {c.account()} после подписания договора. Подписать можно в отделении или "
             f"{c.choice(['через курьера', 'в приложении'])}. Письмо на {c.email(p)}. Подпись: {c.N(mgr, 'IF')}, кредитный специалист.")
    elif kind == "limit":
        u = (f"{c.N(p, 'FIO')} ({c.phone()}) просил{gw(p, '', 'а')} увеличить лимит по карте {c.card()} до "
             f"{c.choice(['300', '500', '150', '1 000'])} тыс. руб. в сутки. Лимит увеличен. Напиши "
             f"{gw(p, 'ему', 'ей')} короткое письмо-подтверждение, адрес {c.email(p)}.")
    elif kind == "docs":
        u = (f"Напиши письмо с просьбой донести документы по ипотеке. Заёмщик — {c.N(p, 'FIO')}, "
             f"созаёмщик — {c.N(mgr, 'FIO')}. Не хватает справки о доходах созаёмщика и выписки из ЕГРН на "
             f"квартиру по адресу {c.addr()}. Письмо адресовать {c.N(p, 'IO', 'dat')}, на {c.email(p)}.")
    else:
        u = (f"Ответь на жалобу. Текст клиента: «{c.choice(['Почему', 'С какой стати', 'На каком основании'])} "
             f"с моего счёта {c.account()} списали комиссию за обслуживание, если мне обещали бесплатно?! "
             f"{c.N(p, c.choice(['FIO', 'IF', 'F_IO']))}, тел. {c.phone()}». Комиссию вернём в течение 5 рабочих дней, "
             f"причина — не выполнено условие по остатку.")
    return dict(system=c.choice(SYS_EMAIL_RU), turns=[u], noise=0.0)


def t_email_en(c: Ctx):
    ru = c.chance(0.35)
    p = c.person() if ru else c.en_person()
    name_full = (c.m("name", f"{translit(p.first_)} {translit(p.last())}") if ru else c.N(p, "full"))
    sal = (c.m("name", translit(p.last())) if ru else c.N(p, "last"))
    kind = c.choice(["account", "card", "loan", "statement"])
    if kind == "account":
        u = (f"Draft a welcome letter to {name_full} ({c.email(p)}). Their current account "
             f"{c.account()} is open; the debit card will be delivered to {c.addr()} within 5 working days. "
             f"Address them as Dear {c.choice(['Mr', 'Ms'])} {sal}.")
    elif kind == "card":
        u = (f"Write to {name_full}: the replacement card has been dispatched to {c.addr()}. "
             f"If it hasn't arrived in 7 days they should call us; we'll text updates to {c.phone()}. Keep it short.")
    elif kind == "loan":
        u = (f"Customer {name_full}, DOB {c.bdate()}, applied for a personal loan of 400,000 RUB. We need "
             f"a proof of income before we can decide. Write a polite request, send to {c.email(p)}.")
    else:
        u = (f"Please prepare a cover letter for the annual statement of account {c.account()} for "
             f"{name_full}. The statement goes by post to {c.addr()}.")
    return dict(system=c.choice(["You draft customer letters for a retail bank. Clear, polite, concise.",
                                 "You are an assistant in the bank's CRM. Draft the e-mail requested below.",
                                 "Write professional customer correspondence in British English."]),
                turns=[u])


# --- call transcripts (ru) ---------------------------------------------------

def _spk(c):
    return c.choice([("Оператор", "Клиент"), ("Оператор", "Клиент"), ("Сотрудник", "Абонент"),
                     ("О", "К"), ("Специалист", "Клиент"), ("AGENT", "CLIENT")])


def t_call_ru(c: Ctx):
    p = c.person()
    op = c.person(g=c.choice("mf"))
    asr = c.chance(0.2)
    A, B = ("оператор", "клиент") if asr else _spk(c)
    nm_style = "lower" if asr else (c.choice([None, None, None, "lower"]))
    op_name = c.N(op, "I", style="lower" if asr else None)
    scen = c.choice(["lost", "address", "tax", "tax", "fraud", "loan", "pension", "pension", "relative", "limit"])
    L_ = []
    say = lambda who, t: L_.append((who, t))
    say(A, c.choice([f"Банк, здравствуйте, меня зовут {op_name}, чем могу помочь?",
                     f"Добрый день, контактный центр, {op_name}, слушаю вас.",
                     "Здравствуйте, банк, слушаю вас."]))
    if scen == "lost":
        say(B, f"Здравствуйте. Я {gw(p, 'потерял', 'потеряла')} карту, надо срочно заблокировать.")
        say(A, "Назовите, пожалуйста, ваши фамилию, имя и отчество.")
        say(B, c.N(p, "FIO", style=nm_style) + ".")
        say(A, "Спасибо. И дату рождения для идентификации.")
        say(B, f"{c.bdate()}.")
        say(A, "Какую карту блокируем? Если помните номер, назовите.")
        say(B, f"Номер {c.card()}, это {c.choice(['зарплатная', 'кредитка', 'основная, дебетовая'])}.")
        say(A, f"Карта заблокирована. {c.N(p, 'IO')}, перевыпуск бесплатный. Доставить новую карту или заберёте в отделении?")
        say(B, f"Доставьте, пожалуйста, на {c.addr(c.choice(['chat', 'loose', 'short', 'nocity']))}.")
        say(A, f"Хорошо. Курьер позвонит накануне. Номер {c.phone()} актуален?")
        say(B, "Да, этот.")
    elif scen == "address":
        say(B, f"Добрый день, я переехал{gw(p, '', 'а')}, хочу поменять адрес в анкете. {c.N(p, c.choice(['FIO', 'IF']), style=nm_style)}.")
        say(A, "Для изменения адреса назовите, пожалуйста, серию и номер паспорта.")
        say(B, f"{c.passport()}.")
        say(A, "Спасибо. Какой новый адрес?")
        say(B, f"{c.addr()}. Старый был {c.addr(c.choice(['loose', 'nocity', 'short']))}.")
        say(A, f"{c.N(p, 'IO')}, по телефону я могу только принять заявку, подтвердить её нужно в приложении. Пришлю ссылку в СМС.")
        say(B, f"Присылайте, номер тот же, {c.phone()}.")
    elif scen == "tax":
        say(B, f"Здравствуйте, мне нужна справка для налогового вычета по ипотеке. Я {c.N(p, 'FIO', style=nm_style)}.")
        say(A, "Для подтверждения личности назовите ваш ИНН или СНИЛС.")
        if c.chance(0.5):
            say(B, f"ИНН {c.inn()}. СНИЛС тоже скажу: {c.snils()}.")
        else:
            say(B, f"СНИЛС {c.snils()}.")
            say(A, "Спасибо. В справке нужно указать ИНН, продиктуете?")
            say(B, f"Да, {c.inn()}.")
        say(A, "Справку об уплаченных процентах за прошлый год сформируем в течение трёх рабочих дней. Куда отправить?")
        say(B, f"На почту {c.email(p)}.")
        say(A, f"Отправим. {c.N(p, 'IO')}, ещё вопросы есть?")
        say(B, "Нет, спасибо.")
    elif scen == "fraud":
        say(B, f"Мне звонили от вашего имени, я назвал{gw(p, '', 'а')} данные карты, кажется, это мошенники.")
        say(A, "Как к вам обращаться?")
        say(B, f"{c.N(p, c.choice(['FIO', 'IF']), style=nm_style)}.")
        say(A, "Что именно вы сообщили звонившему?")
        say(B, f"Номер карты {c.card()}, срок и три цифры на обороте, {c.cvv()}.")
        say(A, "Карту блокирую немедленно. Коды из СМС сообщали?")
        say(B, c.choice(["Нет, код не успел сказать, бросил трубку.", "Один код сказала... Деньги на месте?"]))
        say(A, f"Списаний не было. {c.N(p, 'IO')}, банк никогда не спрашивает код с оборота карты. Новую карту выпустим бесплатно.")
        say(B, f"Спасибо. Привезите её на {c.addr()}.")
    elif scen == "loan":
        say(B, f"Здравствуйте, хочу узнать, почему не списался платёж по кредиту. {c.N(p, 'FIO', style=nm_style)}, {c.bdate()} года рождения.")
        say(A, f"Спасибо, {c.N(p, 'IO')}. Платёж списывается со счёта {c.account()}, на нём недостаточно средств.")
        say(B, "Так я же пополнял... Через банкомат, вчера вечером.")
        say(A, "Вижу пополнение в 23:40, оно прошло после даты платежа. Просрочка один день, штраф не начислен, если платёж спишется сегодня.")
        say(B, "Хорошо. А можно перенести дату платежа на 25-е?")
        say(A, "Можно, заявление в приложении, раздел «Кредиты».")
    elif scen == "pension":
        say(B, f"Добрый день, хочу перевести пенсию к вам. Я {c.N(p, 'FIO', style=nm_style)}.")
        say(A, "Хорошо. Для заявления понадобятся СНИЛС и паспорт, продиктуете?")
        say(B, f"СНИЛС {c.snils()}, паспорт {c.passport()}.")
        say(A, f"Спасибо. Пенсия будет зачисляться на счёт {c.account()}. Заявление отправим в Социальный фонд сегодня.")
        say(B, "А когда начнёт приходить?")
        say(A, "Обычно со следующего месяца. Придёт СМС.")
    elif scen == "relative":
        q = c.person()
        rel = c.choice(["отца", "брата", "дедушки"] if q.g == "m" else ["мамы", "бабушки", "сестры"])
        say(B, f"Здравствуйте, я по поводу {rel}, {c.N(q, 'FIO', 'gen', style=nm_style)}. {gw(q, 'Он', 'Она')} в больнице, а у {gw(q, 'него', 'неё')} кредит.")
        say(A, "Как я могу к вам обращаться?")
        say(B, f"{c.N(p, c.choice(['IO', 'IF', 'I']), style=nm_style)}.")
        say(A, f"К сожалению, без доверенности информацию о {c.N(q, c.choice(['IO', 'IF', 'IOF']), 'pre')} я дать не могу.")
        say(B, f"Я понимаю. Но платёж надо внести, он {c.r.randint(3, 30)}-го. Я могу положить деньги на {gw(q, 'его', 'её')} счёт {c.account()}?")
        say(A, "Пополнить счёт может любой человек, через кассу или переводом по реквизитам.")
        say(B, f"Хорошо. Если что, мой телефон {c.phone()}.")
    else:
        say(B, f"Здравствуйте, хочу поднять лимит на снятие наличных. {c.N(p, 'FIO', style=nm_style)}.")
        say(A, "Назовите, пожалуйста, дату рождения и последние цифры карты.")
        say(B, f"{c.bdate()}, карта целиком {c.card()}.")
        say(A, f"Достаточно последних цифр, {c.N(p, 'IO')}, полный номер называть не нужно. Лимит увеличу до 300 000 в сутки.")
        say(B, "Спасибо.")
    if scen != "tax" and c.chance(0.5):
        say(A, c.choice(["Могу ещё чем-нибудь помочь?", "Есть ещё вопросы?", "Что-то ещё?"]))
        say(B, c.choice(["Нет, всё, спасибо.", "Нет. До свидания.", "Всё, спасибо большое."]))
    if asr:
        body = " ".join(f"{w} {asr_text(t)}" for w, t in L_)
    elif c.chance(0.3):
        body = "\n".join(f"[{i // 6:02d}:{(i * 11) % 60:02d}] {w}: {t}" for i, (w, t) in enumerate(L_))
    else:
        body = "\n".join(f"{w}: {t}" for w, t in L_)
    system = c.choice([
        "Сделай краткое резюме звонка: причина, действия оператора, итог.",
        "Ты — ассистент контакт-центра. Составь резюме разговора для CRM в 3–5 пунктах.",
        "Кратко перескажи разговор и определи тематику обращения.",
        "Суммаризируй звонок. Отдельной строкой — требуется ли повторный контакт.",
    ])
    return dict(system=system, turns=[body], noise=0.0)


def t_call_en(c: Ctx):
    ru = c.chance(0.3)
    p = c.person() if ru else c.en_person()
    nm = (lambda form: c.m("name", f"{translit(p.first_)} {translit(p.last())}" if form == "full" else
                           translit(p.first_) if form == "first" else translit(p.last()))) if ru else \
        (lambda form: c.N(p, form))
    ag = c.en_person()
    L_ = [("Agent", f"Thank you for calling, {c.N(ag, 'first')} speaking, how can I help?")]
    scen = c.choice(["card", "address", "fraud", "statement"])
    if scen == "card":
        L_ += [("Customer", f"Hi, it's {nm('full')}. My card hasn't arrived, it was ordered two weeks ago."),
               ("Agent", "Sorry about that. Can you confirm your date of birth?"),
               ("Customer", f"{c.bdate()}."),
               ("Agent", f"Thanks. I see it was sent to {c.addr()}. Is that right?"),
               ("Customer", f"No! I moved. The new address is {c.addr()}."),
               ("Agent", f"I'll cancel the old card and send a new one there. We'll text {c.phone()} when it's dispatched.")]
    elif scen == "address":
        L_ += [("Customer", f"Hello, {nm('full')} here, I need to update my phone number."),
               ("Agent", "Of course. What's the account number?"),
               ("Customer", f"{c.account()}."),
               ("Agent", "And the new number?"),
               ("Customer", f"{c.phone()}. The old one, {c.phone()}, is disconnected."),
               ("Agent", f"Done, {nm('first')}. You'll get a confirmation e-mail at {c.email(p)}.")]
    elif scen == "fraud":
        L_ += [("Customer", f"Hi, this is {nm('full')}, there's a payment on my card I didn't make."),
               ("Agent", "Let's look into it. Please read me the card number."),
               ("Customer", f"{c.card()}."),
               ("Agent", "Thank you. I see a payment of 12,400 roubles to an online store at 2:15 am."),
               ("Customer", f"Not me. Someone called yesterday and I gave them the code on the back, {c.cvv()}... I think that was it."),
               ("Agent", "I'm blocking the card now and opening a dispute. Never share that code with anyone, including the bank.")]
    else:
        L_ += [("Customer", f"Good morning, I need a statement for my visa application. My name's {nm('full')}."),
               ("Agent", "Certainly. Date of birth, please?"),
               ("Customer", f"{c.bdate()}."),
               ("Agent", f"Thanks. A statement for account {c.account()} for the last six months?"),
               ("Customer", f"Yes, in English, please, to {c.email(p)}."),
               ("Agent", "You'll have it within one working day.")]
    L_ += [("Customer", "Great, thanks."), ("Agent", "You're welcome. Have a good day.")]
    body = "\n".join(f"{w}: {t}" for w, t in L_)
    return dict(system=c.choice(["Summarise the call for the CRM: reason, actions, outcome.",
                                 "Write a three-bullet summary of this call and flag any follow-up.",
                                 "Summarise the conversation below in plain English."]), turns=[body])


# --- classification ------------------------------------------------------------

SYS_CLASS_RU = [
    "Отнеси обращение к одной категории: card_block, transfer_issue, loan, deposit, fraud, complaint, "
    "personal_data_change, other. Выведи только код категории.",
    "Определи тему обращения (карты / переводы / кредиты / вклады / мошенничество / жалоба / смена данных / другое) и срочность.",
    "Классифицируй письмо клиента и предложи, в какой отдел его направить.",
    "Выдели категорию обращения и тональность (позитив, нейтрально, негатив). Ответ в JSON.",
]


def t_class_ru(c: Ctx):
    p = c.person()
    st = c.choice([None, None, "lower", "upper"])
    kind = c.choice(["webform", "mail", "sms", "app", "mail2", "webform2", "gosuslugi"])
    if kind == "webform":
        subj, text = c.choice([
            ("не прошёл перевод", f"{gw(p, 'Перевёл', 'Перевела')} деньги со счёта {c.account()}, а получатель ничего не получил."),
            ("смена фамилии" if p.g == "f" else "смена паспорта",
             (f"Сменила фамилию после свадьбы, прошу обновить данные, новый паспорт {c.passport()}." if p.g == "f" else
              f"Поменял паспорт в 45 лет, прошу обновить данные, новый паспорт {c.passport()}.")),
            ("возврат средств", f"Вернул{gw(p, '', 'а')} товар, магазин говорит деньги отправлены, а на карту {c.card()} ничего не пришло уже 10 дней."),
            ("блокировка карты", "Карту заблокировали без объяснения причин, зарплата на ней!"),
        ])
        u = (f"Тема: {subj}\nФИО: {c.N(p, 'FIO', style=st)}\nТелефон: {c.phone()}\nE-mail: {c.email(p)}\n"
             f"Текст: {text}")
    elif kind == "mail":
        u = (f"Здравствуйте!\n{c.choice(['Прошу разобраться', 'Помогите, пожалуйста, разобраться', 'Требую объяснений'])}: "
             f"с карты {c.card()} {c.choice(['дважды списали оплату за коммунальные услуги', 'ушли 15 000 ₽ на неизвестный сайт', 'сняли комиссию за перевод, хотя обещали без комиссии'])}. "
             f"{c.choice(['', '', 'Срок карты 0' + str(c.r.randint(1, 9)) + '/27, код ' + c.cvv() + ', если нужно для проверки. '])}"
             f"Жду ответа.\n\nС уважением,\n{c.N(p, c.choice(['FIO', 'IF', 'F_IO', 'IO_F']))}\n{c.phone()}")
    elif kind == "sms":
        u = (f"{c.choice(['ЗАБЛОКИРУЙТЕ КАРТУ', 'ПРОШУ ПЕРЕЗВОНИТЬ ПО КРЕДИТУ', 'НЕ МОГУ ВОЙТИ В ПРИЛОЖЕНИЕ'])} "
             f"{c.N(p, c.choice(['FIO', 'F_IO']), style='upper')} ТЕЛ {c.phone(c.choice(['eight_plain', 'plus_plain']))}")
    elif kind == "app":
        u = (f"Отзыв из приложения (пользователь: {c.N(p, 'IF', style=st)}): "
             f"{c.choice(['уже третий день не могу войти, код на номер ' + c.phone() + ' не приходит', 'приложение показывает старый адрес ' + c.addr() + ', а я переехала, как поменять?', 'где посмотреть реквизиты счёта ' + c.account() + '? не нахожу'])}")
    elif kind == "mail2":
        u = (f"Добрый день. Я, {c.N(p, 'FIO')}, {c.bdate()} г.р., ИНН {c.inn()}, {c.choice(['прошу закрыть мой счёт', 'прошу выдать справку о наличии счёта', 'прошу отменить автоплатёж по счёту'])} "
             f"{c.account()}. Ответ прошу направить на {c.email(p)}.")
    elif kind == "gosuslugi":
        u = (f"Не получается войти в приложение через Госуслуги, пишет «данные не совпадают». В Госуслугах у меня "
             f"СНИЛС {c.snils()}, а у вас, видимо, другой или не заполнен. {c.N(p, c.choice(['FIO', 'IF']), style=st)}, "
             f"{c.choice(['тел. ' + c.phone(), 'почта ' + c.email(p)])}")
    else:
        u = (f"[Обращение с сайта]\nИмя: {c.N(p, c.choice(['I', 'IF', 'DIM_F']) if p.dim() else 'IF', style=st)}\n"
             f"Контакт: {c.choice([c.phone(), c.email(p)])}\nСообщение: {c.choice(['хочу оформить ипотеку, перезвоните', 'по кредиту просрочка, потеряла работу, что делать', 'где мой кешбэк за прошлый месяц', 'мне пришло смс что карта заблокирована, это правда?'])}")
    return dict(system=c.choice(SYS_CLASS_RU), turns=[u], noise=c.choice([0, 0.02, 0.04]))


def t_class_en(c: Ctx):
    p = c.en_person()
    kind = c.choice(["mail", "form", "app"])
    if kind == "mail":
        u = (f"From: {c.N(p, 'full')} <{c.email(p)}>\nSubject: {c.choice(['Unknown transaction', 'Card not working', 'Update my address'])}\n\n"
             f"Hi,\n{c.choice(['there is a transaction on card ' + c.card() + ' that I did not make.', 'my card ' + c.card() + ' (CVV ' + c.cvv() + ') is declined everywhere since Monday.', 'please update my address to ' + c.addr() + '.'])}\n"
             f"You can call me on {c.phone()}.\n\n{c.N(p, 'first')}")
    elif kind == "form":
        u = (f"Web form\nName: {c.N(p, 'full', style=c.choice([None, 'upper']))}\nDOB: {c.bdate()}\n"
             f"Message: I'd like to close account {c.account()} and move the money abroad. How long will it take?")
    else:
        u = (f"App review by {c.N(p, c.choice(['full', 'init']))}: terrible, support never calls back. "
             f"I left my number {c.phone()} three times!!")
    return dict(system=c.choice(["Classify the message: card_issue, transfer_issue, loan, deposit, fraud, complaint, data_change, other.",
                                 "Label the ticket's category and urgency (low/medium/high). JSON only."]),
                turns=[u], noise=c.choice([0, 0.02]))


# --- translation -------------------------------------------------------------

def t_trans_ru(c: Ctx):
    p = c.person()
    kind = c.choice(["certificate", "swift", "letter", "statement", "poa", "complaint"])
    if kind == "certificate":
        u = (f"СПРАВКА\nДана {c.N(p, 'FIO', 'dat')}, {c.bdate()} г.р., паспорт {c.passport()}, ИНН {c.inn()}, в том, что "
             f"{gw(p, 'он', 'она')} является клиентом банка и имеет счёт {c.account()}. Остаток по счёту на "
             f"{c.r.randint(1, 28)}.{c.r.randint(1, 12):02d}.2024 составляет {c.r.randint(100, 990)} {c.r.randint(100, 999)},00 руб.\n"
             f"Справка выдана для предъявления по месту требования.")
    elif kind == "swift":
        u = (f"Заявление на перевод в иностранной валюте\nПеревододатель: {c.N(p, 'FIO', style='upper')}\n"
             f"Адрес: {c.addr()}\nИНН: {c.inn()}\nСчёт списания: {c.account()}\nСумма: {c.r.randint(1, 9)} {c.r.randint(100, 999)} USD\n"
             f"Назначение: помощь родственнику, оплата обучения\nКонтактный телефон: {c.phone()}")
    elif kind == "letter":
        u = (f"Добрый день! Меня зовут {c.N(p, c.choice(['IF', 'FIO']))}. Я живу по адресу {c.addr()} и хочу "
             f"получить перевод от родственников из-за рубежа. Подскажите, какие реквизиты им нужны? Мой счёт "
             f"{c.account()}. Ответ можно прислать на {c.email(p)}. Спасибо!")
    elif kind == "statement":
        u = (f"Выписка по счёту {c.account()}\nВладелец: {c.N(p, c.choice(['FIO', 'F_IO']))}\n"
             f"Период: 01.01.2024 – 31.03.2024\nВходящий остаток: {c.r.randint(10, 500)} {c.r.randint(100, 999)},00\n"
             f"Поступления: заработная плата, перевод по СБП\nИсходящий остаток: {c.r.randint(10, 500)} {c.r.randint(100, 999)},00")
    elif kind == "poa":
        q = c.person()
        u = (f"Я, {c.N(p, 'FIO')}, паспорт {c.passport()}, доверяю {c.N(q, 'FIO', 'dat')}, "
             f"паспорт {c.passport()}, получить в банке мою банковскую карту и ПИН-конверт. Доверенность действительна "
             f"до 31.12.2024.\nПодпись: {c.N(p, c.choice(['F_IO', 'IO_F']))}")
    else:
        u = (f"Жалоба. Я, {c.N(p, 'FIO')}, {c.bdate()} г.р., клиент вашего банка. {c.r.randint(2, 28)} числа я "
             f"пыталась снять деньги в банкомате в Стамбуле картой {c.card()}, банкомат карту не вернул. Прошу "
             f"заблокировать карту и выпустить новую. Связь: {c.phone()}, {c.email(p)}.")
        if p.g == "m":
            u = u.replace("пыталась", "пытался")
    return dict(system=c.choice(["Переведи текст на английский язык. Сохрани структуру и все реквизиты.",
                                 "Translate into English. Output only the translation.",
                                 "Переведи документ на английский для банка-корреспондента.",
                                 "Переведи на английский. Имена пиши в транслитерации по загранпаспорту."]),
                turns=[u])


def t_trans_en(c: Ctx):
    p = c.en_person()
    kind = c.choice(["letter", "reference", "complaint"])
    if kind == "letter":
        u = (f"Dear team,\nI am {c.N(p, 'full')}, I hold a savings account with your bank ({c.account()}). "
             f"I have moved to {c.addr()} and would like all future correspondence to be sent there. "
             f"My phone number has also changed to {c.phone()}.\nBest regards,\n{c.N(p, c.choice(['first', 'init']))}")
    elif kind == "reference":
        u = (f"To whom it may concern,\nThis is to confirm that {c.N(p, 'full')}, born {c.bdate()}, has been "
             f"renting the property at {c.addr()} since 2022 and has always paid on time.\n"
             f"Contact: {c.email(p)}")
    else:
        u = (f"Hello, my card {c.card()} was charged twice for the same hotel booking. I called the hotel and "
             f"they say it's the bank's problem. Please help. {c.N(p, 'full')}, {c.phone()}")
    return dict(system=c.choice(["Переведи на русский язык, сохрани реквизиты без изменений.",
                                 "Translate the text into Russian.",
                                 "Переведи письмо клиента на русский для сотрудника бэк-офиса."]),
                turns=[u], noise=c.choice([0, 0.02]))


# --- question ------------------------------------------------------------------

SYS_Q_RU = ["Ты — ассистент сотрудников банка, отвечаешь на вопросы по внутренним регламентам.",
            "Отвечай коротко и по делу, ссылайся на правила банка.",
            "Ты помогаешь операционистам отделений. Если вопрос вне регламентов — предложи эскалацию.",
            None]


def t_question_ru(c: Ctx):
    p = c.person()
    kind = c.choice(["minor", "arrest", "name_change", "heir", "foreign", "deposit_third", "limit",
                     "dispute", "info", "poa"])
    cl = gw(p, "Клиент", "Клиентка")
    if kind == "minor":
        u = (f"{cl} {c.N(p, 'IF')} хочет открыть счёт сыну 15 лет. {gw(p, 'Сам он', 'Сама она')} — наш клиент, "
             f"паспорт {c.passport()}, СНИЛС ребёнка {c.snils()}. Нужно ли согласие второго родителя?")
    elif kind == "arrest":
        u = (f"На счёт {c.account()} ({c.N(p, 'FIO')}, ИНН {c.inn()}) пришло постановление ФССП об аресте. "
             f"{cl} звонит с {c.phone()} и просит снять деньги, говорит, что это детские пособия. "
             f"Что мы можем сделать?")
    elif kind == "name_change":
        q = c.person(g=p.g)
        new_last = q.last()
        u = (f"{gw(p, 'Клиент', 'Клиентка')} сменил{gw(p, '', 'а')} фамилию: была {c.N(p, 'F')}, стала "
             f"{c.m('name', new_last)}. Новый паспорт {c.passport()}. Карты перевыпускать обязательно или можно "
             f"только обновить анкету?")
    elif kind == "heir":
        q = c.person()
        u = (f"Пришёл наследник {c.N(q, 'FIO', 'gen')} — {c.N(p, 'FIO')}, свидетельство у нотариуса ещё не "
             f"получено. Можно ли выдать {gw(p, 'ему', 'ей')} деньги на похороны со счёта {c.account()}? Какой лимит?")
    elif kind == "foreign":
        u = (f"Можно ли открыть вклад гражданину Узбекистана с видом на жительство? Клиент — "
             f"{c.N(c.person(group='uz'), 'FI')}, ИНН {c.inn()}, прописка {c.addr()}.")
    elif kind == "deposit_third":
        q = c.person(g="f")
        u = (f"{cl} {c.N(p, 'FIO')} хочет открыть вклад в пользу внучки — {c.N(q, 'FIO', 'gen')}, "
             f"{c.m('birthdate', c.v.birthdate('dmy', years=(2009, 2021)))} г.р. Как оформить и кто сможет снимать деньги?")
    elif kind == "limit":
        u = (f"Почему у {c.N(p, c.choice(['F_IO', 'FIO']), 'gen')} (СНИЛС {c.snils()}) не проходят переводы по СБП "
             f"выше 30 000? В профиле лимит 1 000 000. Клиент на линии.")
    elif kind == "info":
        q = c.person(g="m" if p.g == "f" else "f")
        u = (f"{gw(q, 'Муж', 'Жена')} {gw(p, 'клиента', 'клиентки')} просит сведения о {c.N(p, c.choice(['FIO', 'IF']), 'pre')}: "
             f"остаток по вкладу и выписку по счёту {c.account()}. Говорит, что {gw(p, 'он', 'она')} в больнице. "
             f"Сам{gw(q, '', 'а')} {gw(q, 'он', 'она')} — {c.N(q, 'FIO')}, паспорт {c.passport()}. Можем что-то сообщить?")
    elif kind == "poa":
        q = c.person()
        u = (f"Можно ли оформить доверенность прямо в отделении, чтобы {c.N(q, 'IF')} {gw(q, 'мог', 'могла')} "
             f"распоряжаться счётом {c.account()} вместе с {c.N(p, 'IF', 'ins')}? Или только у нотариуса? "
             f"{gw(p, 'Владелец', 'Владелица')} счёта, {c.N(p, 'IO')}, сейчас на линии, тел. {c.phone()}.")
    else:
        u = (f"{cl} {c.N(p, 'IOF')} оспаривает операцию по карте {c.card()} на 8 990 руб. Прошло 130 дней. "
             f"Мы ещё можем подать чарджбэк?")
    return dict(system=c.choice(SYS_Q_RU), turns=[u], noise=c.choice([0, 0, 0.02]))


def t_question_en(c: Ctx):
    p = c.en_person()
    u = c.choice([
        f"Customer {c.N(p, 'full')} (account {c.account()}) wants to add her partner as a joint holder. Is that possible for current accounts?",
        f"Can we issue a second card to {c.N(p, 'full')}, DOB {c.bdate()}, if their residence permit expires next month?",
        f"{c.N(p, 'full')} asks whether we can send their statements to {c.email(p)} instead of post. Is e-mail delivery allowed for non-residents?",
        f"A caller claiming to be {c.N(p, 'full')} wants the balance of card {c.card()}. He can't answer the security question. What's the procedure?",
    ])
    return dict(system=c.choice(["You answer branch staff questions about bank policy. Be concise.",
                                 "You are an internal compliance assistant."]), turns=[u])


# --- extraction -------------------------------------------------------------------

SYS_EXTR_RU = [
    "Извлеки из документа все поля и верни JSON. Отсутствующие поля — null.",
    "Заполни карточку по тексту: все ФИО, даты, документы, контакты, адреса и счета. Формат — JSON.",
    "Достань из текста структурированные данные для загрузки в CRM (JSON, ключи на английском).",
    "Извлеки реквизиты. Ответь строго в формате «поле: значение», по одному на строку.",
]


def t_extract_ru(c: Ctx):
    p = c.person()
    kind = c.choice(["anketa", "anketa", "payroll", "transfer", "tax", "free", "change", "card_bind",
                     "card_bind", "loan"])
    up = c.chance(0.4)
    S = (lambda s: s.upper()) if up else (lambda s: s)
    st = "upper" if up else None
    if kind == "anketa":
        lines = [S("Анкета клиента — физического лица"),
                 f"{S(c.choice(['ФИО', 'Ф.И.О.', 'Фамилия, имя, отчество']))}: {c.N(p, 'FIO', style=st)}",
                 f"{S('Дата рождения')}: {c.bdate(c.choice(['dmy', 'dmy', 'iso', 'words']))}",
                 f"{S('Паспорт')}: {c.passport()}"]
        if c.chance(0.85):
            lines.append(f"{S('СНИЛС')}: {c.snils()}")
        if c.chance(0.85):
            lines.append(f"{S('ИНН')}: {c.inn()}")
        lines += [f"{S('Адрес регистрации')}: {c.addr('caps' if up else c.choice(['full', 'korp', 'reverse', 'rural']))}",
                  f"{S('Телефон')}: {c.phone()}"]
        if c.chance(0.6):
            e = c.email(p, "upper" if up else None)
            lines.append(f"E-mail: {e}")
        lines.append(f"{S('Семейное положение')}: {S(c.choice(['женат/замужем', 'холост/не замужем', 'в разводе']))}")
        u = "\n".join(lines)
    elif kind == "payroll":
        rows = []
        for i in range(c.r.randint(3, 5)):
            q = c.person()
            rows.append(f"{i + 1} | {c.N(q, c.choice(['FIO', 'F_IO']), style=st)} | {c.account('plain')} | {c.r.randint(25, 190)} {c.r.randint(100, 999)},00")
        u = (f"{S('Реестр на зачисление заработной платы')} № {c.r.randint(10, 99)} от {c.r.randint(1, 28)}.{c.r.randint(1, 12):02d}.2024\n"
             f"{S('Организация')}: ООО «{c.choice(['Вектор', 'Стройинвест', 'ТехноСервис', 'Лотос', 'Северный путь'])}»\n"
             f"№ | ФИО | Счёт | Сумма\n" + "\n".join(rows) + "\nИтого: " + f"{c.r.randint(300, 900)} {c.r.randint(100, 999)},00")
    elif kind == "transfer":
        q = c.person()
        u = (f"{S('Заявление на перевод')}\n{S('Плательщик')}: {c.N(p, 'FIO', style=st)}, {S('счёт')} {c.account()}\n"
             f"{S('Получатель')}: {c.N(q, 'FIO', style=st)}\n{S('Счёт получателя')}: {c.account()}\n"
             f"{S('Телефон получателя')}: {c.phone()}\n{S('Сумма')}: {c.r.randint(5, 300)} 000,00 {S('руб.')}\n"
             f"{S('Назначение')}: {S(c.choice(['подарок', 'возврат долга', 'оплата по договору купли-продажи автомобиля']))}")
    elif kind == "tax":
        u = (f"Заявление на выдачу справки о доходах\nЗаявитель: {c.N(p, 'FIO')}\nИНН: {c.inn()}\n"
             f"СНИЛС: {c.snils()}\nДата рождения: {c.bdate()}\nСпособ получения: e-mail {c.email(p)}\n"
             f"Период: 2023 год")
    elif kind == "free":
        st2 = c.choice(["lower", None])
        u = (f"{c.choice(['здравствуйте', 'добрый день', 'привет'])}, хочу открыть накопительный счёт. "
             f"меня зовут {c.N(p, c.choice(['FIO', 'IF', 'FI']), style=st2)}, родил{gw(p, 'ся', 'ась')} {c.bdate()}, "
             f"паспорт {c.passport()}{c.choice(['', ', инн ' + c.inn(), ', снилс ' + c.snils()])}, живу {c.choice(['на', 'по адресу'])} {c.addr(c.choice(['chat', 'loose', 'nocity']))}. "
             f"тел {c.phone()}")
    elif kind == "change":
        old = c.N(p, "FIO", "nom")
        q = c.person(g="f") if p.g == "f" else c.person(g="m")
        u = (f"Заявление об изменении анкетных данных\nПрежние ФИО: {old}\nНовые ФИО: "
             f"{c.m('name', q.last() + ' ' + p.first() + ' ' + p.patr())}\n"
             f"Основание: свидетельство о {c.choice(['заключении брака', 'перемене имени'])}\nНовый паспорт: {c.passport()}\n"
             f"Дата рождения: {c.bdate()}\nКонтактный телефон: {c.phone()}")
    elif kind == "card_bind":
        u = (f"Сообщение клиента из чата: «привяжите пожалуйста карту другого банка к моему профилю, "
             f"номер {c.card()}, срок 0{c.r.randint(1, 9)}/2{c.r.randint(6, 9)}, cvv {c.cvv()}, держатель "
             f"{c.N(p, 'IF', style='upper')}»\n\nИзвлеки данные карты и отметь, какие из них нельзя сохранять.")
    else:
        u = (f"ЗАЯВКА НА ПОТРЕБИТЕЛЬСКИЙ КРЕДИТ\n{c.N(p, 'FIO', style='upper')}\nД/Р {c.bdate('dmy')}\n"
             f"ПАСП. {c.passport()}\nСНИЛС {c.snils()}\nИНН {c.inn()}\nМЕСТО РАБОТЫ: ООО «РИТЕЙЛ-ГРУПП», СТАЖ 4 ГОДА\n"
             f"ДОХОД: 120 000\nСУММА: 700 000, СРОК 36 МЕС.\nТЕЛ. {c.phone()}\nАДРЕС ФАКТ.: {c.addr('caps')}")
    return dict(system=c.choice(SYS_EXTR_RU), turns=[u])


def t_extract_en(c: Ctx):
    p = c.en_person()
    kind = c.choice(["form", "free", "kyc", "kyc"])
    if kind == "form":
        u = (f"CUSTOMER DETAILS\nName: {c.N(p, c.choice(['full', 'rev']), style=c.choice([None, 'upper']))}\n"
             f"Date of birth: {c.bdate()}\nPhone: {c.phone()}\nEmail: {c.email(p)}\nAddress: {c.addr()}")
    elif kind == "free":
        u = (f"hi, i'd like to order a new card, the old one {c.card()} is broken. send it to {c.addr()} please. "
             f"it's {c.N(p, 'full', style='lower')}, my number is {c.phone()}")
    else:
        u = (f"KYC refresh — {c.N(p, 'full')}\nDOB: {c.bdate()}\nTax ID (INN): {c.inn()}\nAccount: {c.account()}\n"
             f"Residential address: {c.addr()}\nContact: {c.email(p)}")
    return dict(system=c.choice(["Extract all fields as JSON. Use null for missing values.",
                                 "Pull the customer's details out of the text as key: value lines."]),
                turns=[u], noise=0.0)


# --- rewrite ------------------------------------------------------------------------

def t_rewrite_ru(c: Ctx):
    p = c.person()
    kind = c.choice(["reply", "complaint", "note", "letter"])
    if kind == "reply":
        u = (f"{c.choice(['уважаемый', 'Уважаемая', 'здравствуйте'])} {c.N(p, 'IO', style=c.choice([None, 'lower']))} "
             f"по вашему обращению сообщаем что деньги вернуться на карту {c.card()} в течении 30 дней. "
             f"если не вернуться звоните. дополнительно сообщаем что ваш адрес {c.addr()} в анкете устарел")
        sysm = "Исправь орфографию и пунктуацию в ответе оператора, сделай тон вежливым."
    elif kind == "complaint":
        u = (f"я {c.choice(['уже', 'в который раз'])} пишу!!! мне {c.choice(['не вернули деньги', 'не выдали справку', 'заблокировали счёт'])} "
             f"и никто не перезванивает. счёт {c.account()}, телефон {c.phone()}. {c.N(p, c.choice(['FIO', 'IF']), style=c.choice([None, 'lower', 'upper']))}")
        sysm = c.choice(["Перепиши жалобу клиента спокойным деловым языком для передачи в отдел качества.",
                         "Сделай из этого текста аккуратное обращение, факты не меняй."])
    elif kind == "note":
        u = (f"{c.choice(['созвонилась', 'созвонился', 'поговорили'])} с {c.N(p, c.choice(['FIO', 'IF']), 'ins')}, "
             f"звонит 3й раз, хочет реструкт. паспорт {c.passport()}, "
             f"{c.choice(['', 'снилс ' + c.snils() + ', '])}"
             f"тел {c.phone()}, адрес {c.addr(c.choice(['loose', 'short']))}. обещали перезвонить до пт")
        sysm = "Преобразуй заметку оператора в полноценный текст для карточки клиента."
    else:
        u = (f"Прошу вас рассмотреть возможность предоставить мне рассрочку. Я, {c.N(p, 'FIO')}, "
             f"{c.bdate()} г.р., попал{gw(p, '', 'а')} в сложную ситуацию. Ранее платежи вносил{gw(p, '', 'а')} "
             f"без просрочек. Мои контакты: {c.phone()}, {c.email(p)}.")
        sysm = c.choice(["Сделай письмо короче и убедительнее.", "Перепиши письмо более официально."])
    return dict(system=sysm, turns=[u], noise=c.choice([0, 0.02, 0.03]))


def t_rewrite_en(c: Ctx):
    p = c.en_person()
    u = (f"hi its {c.N(p, 'full', style='lower')} again. still no refund to my card {c.card()}!! "
         f"call me {c.phone()} or email {c.email(p)}. this is the 4th time")
    return dict(system=c.choice(["Rewrite the customer's message politely for the complaints team. Keep all facts.",
                                 "Clean up this message: fix grammar, keep the details."]), turns=[u], noise=0.02)


# --- chat logs ------------------------------------------------------------------------

def t_chat_ru(c: Ctx):
    p = c.person()
    low = c.chance(0.6)
    nick = c.N(p, c.choice(["IF", "DIM_F", "FI"]) if p.dim() else c.choice(["IF", "FI"]),
               style="lower" if low else None)
    hh = c.r.randint(8, 22)
    ts = [f"[{hh:02d}:{m:02d}]" for m in sorted(c.r.sample(range(60), 8))]
    kind = c.choice(["card", "transfer", "address", "cvv", "cvv", "app"])
    L_ = []
    if kind == "card":
        L_ = [(nick, "добрый день, карта не работает"),
              ("Поддержка", "Здравствуйте! Уточните, пожалуйста, что происходит при оплате?"),
              (nick, f"отказ пишет. номер {c.card()}"),
              ("Поддержка", "Пожалуйста, не присылайте полный номер карты. Карта заблокирована из-за неверного ПИН-кода трижды."),
              (nick, f"ааа точно. а разблокировать можно? я {c.N(p, 'FIO', style='lower' if low else None)}, д.р. {c.bdate()}"),
              ("Поддержка", "Блокировка снимется автоматически через 24 часа.")]
    elif kind == "transfer":
        q = c.person()
        L_ = [(nick, f"{gw(p, 'перевёл', 'перевела')} деньги {c.N(q, c.choice(['IF', 'DIM', 'I']) if q.dim() else 'IF', 'dat', style='lower' if low else None)} на {c.phone()}, а {gw(q, 'он', 'она')} не получил{gw(q, '', 'а')}"),
              ("Поддержка", "Здравствуйте! Подскажите сумму и время перевода."),
              (nick, "5 000, в 14:20 сегодня"),
              ("Поддержка", "Перевод выполнен, деньги зачислены в банк получателя. Рекомендуем получателю проверить историю операций."),
              (nick, f"{gw(q, 'он', 'она')} говорит нет ничего(( счёт у {gw(q, 'него', 'неё')} {c.account()}")]
    elif kind == "address":
        L_ = [(nick, "здравствуйте, хочу поменять адрес доставки карты"),
              ("Поддержка", "Здравствуйте! Напишите, пожалуйста, новый адрес."),
              (nick, f"{c.addr(c.choice(['chat', 'loose', 'nocity', 'slash']))}"),
              ("Поддержка", "Спасибо! Подтвердите, пожалуйста, дату рождения."),
              (nick, f"{c.bdate()}"),
              ("Поддержка", "Адрес обновлён, курьер свяжется с вами за день до доставки.")]
    elif kind == "cvv":
        L_ = [(nick, f"не проходит оплата в интернете. карта {c.card()} код {c.cvv()}"),
              ("Поддержка", "Пожалуйста, никогда не отправляйте CVV/CVC-код! Карту необходимо перевыпустить, мы её заблокировали."),
              (nick, "блин. ладно, а новая когда будет"),
              ("Поддержка", "Цифровая карта будет доступна в приложении сразу, пластиковую можно заказать с доставкой."),
              (nick, f"доставкой давайте, {c.addr(c.choice(['chat', 'loose']))}")]
    else:
        L_ = [(nick, "не могу войти в приложение, смс не приходят"),
              ("Поддержка", "Здравствуйте! На какой номер ожидаете СМС?"),
              (nick, f"{c.phone()}"),
              ("Поддержка", "По нашим данным к профилю привязан другой номер. Сменить номер можно в отделении с паспортом."),
              (nick, f"да блин, паспорт {c.passport()}, можно как-то без отделения?"),
              ("Поддержка", "К сожалению, нет — это требование безопасности.")]
    body = "\n".join(f"{t} {w}: {x}" for t, (w, x) in zip(ts, L_))
    return dict(system=c.choice(["Сделай краткое резюме переписки для второй линии поддержки.",
                                 "Проанализируй чат: суть проблемы, решена ли она, нужен ли перезвон.",
                                 "Определи тему обращения по переписке и тональность клиента."]),
                turns=[body], noise=c.choice([0, 0.02]))


def t_chat_en(c: Ctx):
    p = c.en_person()
    nick = c.N(p, c.choice(["full", "first"]), style=c.choice([None, "lower"]))
    L_ = [(nick, "hey, my card got stuck in the atm"),
          ("Support", "Hi! Sorry to hear that. Which ATM and when?"),
          (nick, f"the one near the metro, 20 min ago. card is {c.card()}"),
          ("Support", "We've blocked the card. Would you like a replacement delivered?"),
          (nick, f"yes pls to {c.addr()}, and text me at {c.phone()}")]
    body = "\n".join(f"{w}: {x}" for w, x in L_)
    return dict(system=c.choice(["Summarise this chat for the next agent.", "What does the customer need? One paragraph."]),
                turns=[body], noise=0.02)


PII_TEMPLATES = {
    ("email_draft", "ru"): t_email_ru, ("email_draft", "en"): t_email_en,
    ("call_summary", "ru"): t_call_ru, ("call_summary", "en"): t_call_en,
    ("classification", "ru"): t_class_ru, ("classification", "en"): t_class_en,
    ("translation", "ru"): t_trans_ru, ("translation", "en"): t_trans_en,
    ("question", "ru"): t_question_ru, ("question", "en"): t_question_en,
    ("extraction", "ru"): t_extract_ru, ("extraction", "en"): t_extract_en,
    ("rewrite", "ru"): t_rewrite_ru, ("rewrite", "en"): t_rewrite_en,
    ("chat_log", "ru"): t_chat_ru, ("chat_log", "en"): t_chat_en,
}


# ---------------------------------------------------------------------------
# templates WITHOUT personal data
# ---------------------------------------------------------------------------

DEPOSITS = ["Доходный", "Сезонный", "Пополняемый", "Надёжный плюс", "Максимальный доход", "Управляемый"]
CITY_NOM = ["Казань", "Самара", "Новосибирск", "Екатеринбург", "Пермь", "Уфа", "Тюмень", "Краснодар",
            "Воронеж", "Иркутск", "Челябинск", "Калининград", "Нижний Новгород", "Ростов-на-Дону"]
MONTH_PRE = ["январе", "феврале", "марте", "апреле", "мае", "июне", "июле", "августе", "сентябре",
             "октябре", "ноябре", "декабре"]


def _slots(r):
    return {
        "amt": lambda: r.choice([f"{r.randint(1, 99)} {r.randint(0, 9)}00 ₽", f"{r.randint(100, 999)} руб.",
                                 f"{r.randint(2, 95)} 000 рублей", f"{r.randint(1, 4)},{r.randint(1, 9)} млн ₽",
                                 f"{r.randint(10, 900)} тыс. руб.", f"{r.randint(1, 9)} {r.randint(100, 999)} ₽"]),
        "big": lambda: r.choice([f"{r.randint(1, 9)},{r.randint(1, 9)} млн ₽", f"{r.randint(1, 9)} млн рублей",
                                 f"{r.randint(300, 900)} 000 ₽"]),
        "rate": lambda: f"{r.randint(9, 21)},{r.choice(['5', '9', '25', '1'])}%",
        "irate": lambda: f"{r.randint(5, 22)}%",
        "fee": lambda: r.choice(["99 ₽", "149 ₽", "59 ₽", "199 ₽", "0,5%", "1%", "1,5%", "290 ₽"]),
        "n": lambda: str(r.randint(2, 9)),
        "nhours": lambda: r.choice(["2 часа", "3 часа", "4 часа", "5 часов", "6 часов", "8 часов", "сутки"]),
        "nhours_gen": lambda: r.choice(["2 часа", "3 часа", "5 часов", "несколько часов"]),
        "ndays": lambda: ru_days(r.randint(3, 40)),
        "fee_rub": lambda: r.choice(["99 ₽", "149 ₽", "59 ₽", "199 ₽", "290 ₽", "79 ₽", "350 ₽"]),
        "pct_small": lambda: r.choice(["1%", "1,5%", "2%", "0,9%"]),
        "close": lambda: r.choice(["18:00", "19:00", "19:30", "20:00", "21:00", "17:00"]),
        "city_en": lambda: r.choice(["Kazan", "Samara", "Novosibirsk", "Yekaterinburg", "Perm", "Ufa", "Tyumen", "Krasnodar"]),
        "days": lambda: str(r.randint(3, 30)),
        "date": lambda: r.choice([f"{r.randint(1, 28):02d}.{r.randint(1, 12):02d}",
                                  f"{r.randint(1, 28)} {r.choice(MONTHS_RU_GEN)}",
                                  f"{r.randint(1, 28):02d}.{r.randint(1, 12):02d}.2025"]),
        "time": lambda: f"{r.randint(0, 23):02d}:{r.choice(['00', '15', '30', '45', '10', '52'])}",
        "city": lambda: r.choice(CITY_NOM),
        "city_pre": lambda: r.choice(CITIES_PRE),
        "month": lambda: r.choice(MONTH_PRE),
        "ticket": lambda: r.choice([f"№ {r.randint(10000, 99999)}", f"INC-{r.randint(1000, 99999)}",
                                    f"№{r.randint(100000, 999999)}", f"{r.randint(1000, 9999)}"]),
        "last4": lambda: r.choice([f"*{r.randint(0, 9999):04d}", f"…{r.randint(0, 9999):04d}",
                                   f"с окончанием {r.randint(0, 9999):04d}"]),
        "deposit": lambda: "«" + r.choice(DEPOSITS) + "»",
        "card": lambda: "«" + r.choice(CARD_PRODUCTS) + "»",
        "ver": lambda: f"{r.randint(4, 9)}.{r.randint(0, 19)}.{r.randint(0, 9)}",
        "pct": lambda: f"{r.randint(1, 10)}%",
        "term": lambda: r.choice(["3 месяца", "полгода", "год", "181 день", "367 дней", "2 года", "91 день"]),
        "usd": lambda: f"{r.randint(1, 9)} {r.randint(100, 999)} USD",
        "bonus": lambda: f"{r.randint(1, 30) * 100} баллов",
    }


MONTH_ACC = ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь",
             "октябрь", "ноябрь", "декабрь"]
MONTH_GEN = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
             "октября", "ноября", "декабря"]


def ru_days(n: int) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return f"{n} день"
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return f"{n} дня"
    return f"{n} дней"


def fill(c: Ctx, text: str) -> str:
    """Fill {slots}; a second {date}/{time} in one text is later than the first one."""
    r = c.r
    sl = _slots(r)
    state = {}

    def date(en=False):
        fmt = state.setdefault("dfmt", r.choice(["num", "words", "full"]))
        lo = state.get("d", 0)
        day = r.randint(lo + 1, min(lo + 60, 360)) if lo else r.randint(1, 240)
        state["d"] = day
        m, dd = min(12, day // 30 + 1), day % 28 + 1
        if en:
            return f"{dd} {MONTHS_EN[m - 1]}"
        return {"num": f"{dd:02d}.{m:02d}", "words": f"{dd} {MONTHS_RU_GEN[m - 1]}",
                "full": f"{dd:02d}.{m:02d}.2025"}[fmt]

    def time():
        lo = state.get("t", -1)
        h = r.randint(lo + 1, min(lo + 6, 23)) if lo >= 0 else r.choice([r.randint(8, 17), r.randint(0, 3)])
        state["t"] = h
        return f"{h:02d}:{r.choice(['00', '15', '30', '45', '00', '00'])}"

    def month(forms):
        i = state.setdefault("m", r.randrange(12))
        return forms[i]

    special = {"date": date, "date_en": lambda: date(True), "time": time,
               "month": lambda: month(MONTH_PRE), "month_acc": lambda: month(MONTH_ACC),
               "month_gen": lambda: month(MONTH_GEN)}
    return re.sub(r"\{(\w+)\}", lambda m: special[m.group(1)]() if m.group(1) in special else sl[m.group(1)](), text)


class Pool:
    """Draws items without replacement (reshuffles when exhausted)."""

    def __init__(self, items):
        self.items, self.order = list(items), []

    def draw(self, r):
        if not self.order:
            self.order = list(range(len(self.items)))
            r.shuffle(self.order)
        return self.items[self.order.pop()]


# --- classification (clean) ---
CL_OPEN = ["Здравствуйте!", "Добрый день.", "добрый вечер.", "", "", "Здравствуйте.", "Уважаемый банк!"]
CL_RU = Pool([
    "Не могу войти в приложение, пишет «ошибка 403». Переустановка не помогла.",
    "С карты {last4} списали комиссию {fee_rub} за обслуживание, хотя тариф бесплатный.",
    "Перевод по СБП на {amt} ушёл, но получатель не получил уже {nhours}.",
    "Банкомат в торговом центре не выдал наличные {amt}, а с карты сумму списал.",
    "Хочу закрыть кредитную карту, как это сделать без визита в офис?",
    "Не начислили кешбэк за покупки в {month}, категория была «Супермаркеты».",
    "Где подать заявление на досрочное погашение ипотеки? В приложении не нашёл.",
    "Прошу увеличить лимит на переводы в другие банки, {amt} в месяц мало.",
    "Мне позвонили якобы из службы безопасности банка и попросили назвать код из смс. Я не назвал. Это были вы?",
    "Оператор в чате отвечал грубо и закрыл диалог, обращение {ticket}.",
    "Почему при пролонгации ставка по вкладу {deposit} снизилась до {rate}? Меня не предупредили.",
    "Карта заблокирована после покупки за границей, я в отпуске, срочно нужна разблокировка!!",
    "Не получается привязать карту к Mir Pay, пишет «карта не поддерживается».",
    "Заявку на кредит рассматривают уже {ndays}, никто не звонит.",
    "В выписке за {month_acc} есть непонятная операция на {amt}, что это?",
    "Как получить справку об остатке задолженности по кредиту? Нужна для другого банка.",
    "Не работает оплата по QR-коду в {city_pre}, уже в третьем магазине отказ.",
    "Хочу перейти на тариф «Премиум», какие условия бесплатного обслуживания?",
    "Деньги за возврат товара не пришли на карту {last4} уже {ndays}.",
    "После смены телефона не приходят пуш-уведомления об операциях.",
    "Отделение в {city_pre} было закрыто в рабочее время, хотя на сайте написано до {close}.",
    "Какие документы нужны для кредитных каникул? Потерял работу в {month}.",
    "Спасибо сотрудникам отделения в {city_pre}! Быстро помогли оформить вклад.",
    "Приложение версии {ver} не показывает баланс накопительного счёта.",
    "Списали {fee_rub} за смс-информирование, которое я отключала ещё в {month}.",
    "При оплате картой {last4} на заправке списали дважды по {amt}.",
    "Хочу оспорить операцию от {date} на {amt}, покупку не совершал.",
    "Почему процент по накопительному счёту начислили меньше, чем обещано ({rate})?",
    "Не могу снять наличные в банкомате другого банка, пишет «операция недоступна».",
    "Где найти реквизиты для перевода зарплаты? В приложении раздел пустой.",
])
CL_CLOSE = ["", " Спасибо.", " Жду ответа.", " Срочно!!!", " Помогите пожалуйста", " Решите вопрос."]


def c_class_ru(c: Ctx):
    u = (c.choice(CL_OPEN) + " " + fill(c, CL_RU.draw(c.r)) + c.choice(CL_CLOSE)).strip()
    if c.chance(0.25):
        u = u.lower()
    if c.chance(0.3):
        u = f"Тема: {c.choice(['обращение с сайта', 'жалоба', 'вопрос', 'без темы'])}\nКанал: {c.choice(['чат', 'e-mail', 'форма на сайте', 'отзыв в приложении'])}\nТекст: " + u
    return dict(system=c.choice(SYS_CLASS_RU + [
        "Классифицируй обращение: карта / перевод / кредит / вклад / приложение / мошенничество / благодарность / жалоба. Одно слово."]),
        turns=[u], noise=c.choice([0, 0.02, 0.04]))


CL_EN = Pool([
    "The app crashes when I open the statements tab. Version {ver}.",
    "I was charged a foreign transaction fee even though my card says no fees abroad.",
    "My transfer to another bank has been pending for {n} days. Where is my money?",
    "Thank you to the staff at the airport branch, super helpful!",
    "How do I close my savings account? I can't find the option anywhere.",
    "Someone called pretending to be from the bank and asked for a code. I hung up. Just letting you know.",
    "The ATM kept my card this morning. Can I get it back or do I need a new one?",
    "Why did my savings rate drop from 5% to 4.1% without notice?",
])


def c_class_en(c: Ctx):
    u = fill(c, CL_EN.draw(c.r))
    if c.chance(0.3):
        u = u.lower()
    return dict(system=c.choice(["Classify the message: card_issue, transfer_issue, loan, deposit, fraud, complaint, app_issue, praise, other.",
                                 "Label the ticket's category and urgency (low/medium/high). JSON only."]),
                turns=[u], noise=c.choice([0, 0.02]))


# --- question (clean) ---
Q_RU = Pool([
    "какая ставка по вкладу {deposit} на {term}? и можно ли пополнять",
    "Сколько стоит обслуживание карты {card}, если тратить меньше {amt} в месяц?",
    "Можно ли оформить кредитные каникулы по ипотеке, если доход упал на 30%?",
    "Есть ли у вас отделения в {city_pre}, которые работают в воскресенье?",
    "Какой лимит на снятие наличных в сутки по дебетовой карте?",
    "Через сколько дней приходит перевод в другой банк по реквизитам?",
    "Как работает кешбэк: начисляется баллами или рублями? И когда?",
    "Можно ли досрочно закрыть вклад и что будет с процентами?",
    "Коллеги, по регламенту сколько дней у нас на ответ на письменную жалобу?",
    "Какой порядок действий, если клиент в отделении ведёт себя агрессивно?",
    "Кто согласует выдачу кредита сотруднику банка — кредитный комитет или руководитель?",
    "Нужно ли брать согласие на обработку персональных данных при консультации без открытия продукта?",
    "Можно ли принимать в кассу купюры номиналом 5000 с надорванным краем?",
    "Какие документы нужны для открытия счёта индивидуальному предпринимателю?",
    "Если клиент хочет внести наличными больше {big}, какие документы запросить?",
    "Чем отличается накопительный счёт от вклада? Что выгоднее на {term}?",
    "Как рассчитывается полная стоимость кредита и почему она выше номинальной ставки?",
    "Есть ли комиссия за перевод по СБП на сумму {amt}?",
    "С какого возраста можно оформить детскую карту?",
    "Можно ли рефинансировать кредит другого банка, если по нему была просрочка {ndays}?",
    "Подскажите, приём валюты в банкоматах есть только в {city_pre} или в других городах тоже?",
    "Сколько хранятся записи видеонаблюдения в отделении по внутреннему регламенту?",
    "Как часто сотрудники должны проходить обучение по ПОД/ФТ?",
    "Какая максимальная сумма страхового возмещения по вкладам сейчас?",
    "Можно ли оплатить ипотеку картой другого банка без комиссии?",
    "Что делать, если банкомат не вернул карту ночью?",
    "При каком обороте по карте {card} кешбэк повышается до {pct}?",
])


def c_question_ru(c: Ctx):
    u = fill(c, Q_RU.draw(c.r))
    if c.chance(0.3):
        u = u[0].lower() + u[1:]
    return dict(system=c.choice(SYS_Q_RU + ["Ты ассистент на сайте банка. Отвечай кратко и дружелюбно.",
                                            "Отвечай на вопросы клиентов о продуктах банка. Если нужна актуальная ставка — предложи проверить на сайте."]),
                turns=[u], noise=c.choice([0, 0.02, 0.03]))


Q_EN = Pool([
    "What's the interest rate on the 12-month fixed deposit?",
    "Can non-residents open a savings account online?",
    "How long does a SWIFT transfer to the EU usually take?",
    "Is there a fee for withdrawing cash abroad with the travel card?",
    "Which documents do I need to apply for a mortgage as a foreign citizen?",
    "What should branch staff do if a customer refuses to show ID?",
    "Do you have English-speaking staff in your branches in {city_en}?",
    "Can I pay my credit card bill from another bank's account without a fee?",
])


def c_question_en(c: Ctx):
    return dict(system=c.choice(["Answer customers' questions on the bank's website. Be brief.",
                                 "You are an internal assistant for branch staff."]),
                turns=[fill(c, Q_EN.draw(c.r))])


# --- e-mail drafts (clean) ---
EM_RU = Pool([
    "Напиши рассылку: с {date} ставка по вкладу {deposit} повышается до {rate} годовых на {term}. Минимальная сумма {amt}. Без персонального обращения.",
    "Составь уведомление клиентам: {date} с {time} до {time} плановые работы, переводы и оплата услуг в приложении будут недоступны. Карты работают.",
    "Напиши ответ клиенту на жалобу о комиссии {fee} за перевод. Комиссия списана по тарифу, но в знак лояльности вернём её. Обращение «Здравствуйте!», без имени.",
    "Подготовь служебную записку для отделений: с {date} меняется график работы касс — до {close} в будни. Подпись «Управление розничной сети».",
    "Рассылка для держателей карт {card}: в {month} повышенный кешбэк {pct} в категориях «Кафе» и «Такси». Коротко, с призывом выбрать категории в приложении.",
    "Напиши письмо-напоминание без имени: срок действия карты истекает в следующем месяце, новая карта будет выпущена автоматически и придёт в отделение.",
    "Составь внутреннее письмо для сотрудников контакт-центра: с {date} вводится новый скрипт приветствия, обучение {date} в {time}.",
    "Напиши клиентам, что тариф на смс-информирование меняется с {date}: {fee_rub} в месяц вместо прежних 59 ₽. Нейтральный тон.",
    "Письмо для рассылки малому бизнесу: эквайринг со ставкой {pct} для новых клиентов на первые 3 месяца.",
    "Составь ответ на анонимный отзыв о долгом ожидании в очереди в отделении в {city_pre}. Извиниться и рассказать про запись через приложение.",
    "Составь письмо партнёрам-застройщикам: с {date} ставка по семейной ипотеке для их объектов — {rate}, субсидирование до {pct}.",
    "Напиши поздравление с Новым годом для всех клиентов банка, без имён, 4–5 предложений, упомянуть, что офисы 1–2 января закрыты.",
    "Анонс вебинара для клиентов: «Как устроены ИИС», {date} в {time} по Москве, регистрация в приложении.",
    "Письмо-уведомление: с {date} минимальный платёж по кредитным картам составит {pct} от задолженности.",
    "Подготовь текст внутренней рассылки: в {city_pre} открылось новое отделение формата «цифровой офис», работает с {time} до {time}.",
    "Напиши письмо клиентам-пенсионерам о том, как распознать телефонных мошенников. Пять коротких советов.",
    "Составь уведомление о закрытии отделения в {city_pre} на ремонт с {date} по {date}, ближайшие офисы — в приложении на карте.",
    "Напиши ответ на обращение {ticket}: запрошенная справка готова и доступна в приложении в разделе «Документы». Без имени клиента.",
    "Рассылка: новая функция — оплата ЖКУ по фото квитанции. Коротко, дружелюбно.",
    "Служебное письмо руководителям отделений: план по вкладам за {month_acc} выполнен на {pct} выше плана, поблагодарить команды.",
    "Напиши письмо-отказ в реструктуризации без указания имени: причина — недостаточно документов, можно подать повторно через {ndays}.",
    "Составь текст для рассылки о повышении лимита переводов по СБП до {big} в сутки.",
])


def c_email_ru(c: Ctx):
    return dict(system=c.choice(SYS_EMAIL_RU + ["Ты копирайтер банка. Пиши живо, без канцелярита."]),
                turns=[fill(c, EM_RU.draw(c.r))])


EM_EN = Pool([
    "Write a short newsletter announcing that customers can now pay by QR code in 50,000 more shops across the country.",
    "Draft an e-mail to all staff: the office will be closed on {date_en} for maintenance; remote work is expected.",
    "Write a polite, generic reply to customers complaining about slow support response times this week.",
    "Announce a 4.5% promotional rate on the Easy Saver for new deposits made before the end of the month.",
    "Write an internal memo reminding branch staff to lock their screens when leaving the desk.",
    "Draft a note to customers that paper statements will be discontinued from next quarter; e-statements are free.",
])


def c_email_en(c: Ctx):
    return dict(system=c.choice(["You write clear, friendly communications for a retail bank.",
                                 "Draft the e-mail requested below. No placeholders for names."]),
                turns=[fill(c, EM_EN.draw(c.r))])


# --- call transcripts (clean) ---
CALL_SCEN_RU = Pool([
    [("К", "Здравствуйте, подскажите, какая сейчас ставка по вкладу на {term}?"),
     ("О", "Добрый день! По вкладу {deposit} на этот срок — {rate} годовых при открытии онлайн."),
     ("К", "А в отделении меньше?"),
     ("О", "В отделении ставка на полпроцента ниже. Минимальная сумма — {amt}."),
     ("К", "Проценты капитализируются?"),
     ("О", "Можно выбрать: ежемесячная выплата на карту или капитализация."),
     ("К", "Понял, спасибо, открою в приложении.")],
    [("К", "Добрый день, у меня карта {card}, хочу узнать, почему списали {fee_rub} за обслуживание."),
     ("О", "Подскажите, пожалуйста, последние четыре цифры карты."),
     ("К", "{last4}."),
     ("О", "Спасибо. Обслуживание бесплатное при покупках от {amt} в месяц, в прошлом месяце условие не выполнено."),
     ("К", "Я не знал. А можно вернуть?"),
     ("О", "В этот раз сделаю исключение и верну комиссию, деньги придут в течение {n} рабочих дней."),
     ("К", "Спасибо большое.")],
    [("К", "Здравствуйте, я хочу рефинансировать ипотеку. Какие у вас условия?"),
     ("О", "Ставка по рефинансированию от {rate}, срок до 30 лет. Нужен отчёт об оценке и справка об остатке долга."),
     ("К", "А если у меня была просрочка год назад?"),
     ("О", "Разовая просрочка до 30 дней обычно не мешает. Решение принимается по заявке."),
     ("К", "Сколько рассматривается заявка?"),
     ("О", "Предварительное решение — до {n} рабочих дней."),
     ("К", "Хорошо, спасибо, подумаю.")],
    [("К", "Подскажите, отделение в {city_pre} работает в субботу?"),
     ("О", "Да, в субботу с 10:00 до 16:00, в воскресенье выходной."),
     ("К", "А валюту там можно поменять?"),
     ("О", "Обмен есть, доллары и евро. Юани — только заказом за день."),
     ("К", "А какой курс?"),
     ("О", "Курс меняется в течение дня, актуальный смотрите в приложении."),
     ("К", "Ясно, спасибо.")],
    [("К", "Здравствуйте, не могу зайти в приложение, код не приходит."),
     ("О", "Подскажите, вы меняли телефон или сим-карту?"),
     ("К", "Телефон новый, номер тот же."),
     ("О", "Тогда нужно подтвердить вход через карту: в приложении нажмите «Войти по карте» и введите данные карты."),
     ("К", "Получилось, вошёл!"),
     ("О", "Отлично. Рекомендую также включить вход по биометрии."),
     ("К", "Спасибо.")],
    [("К", "Добрый день, мне пришло смс, что мне одобрен кредит на {big}, я ничего не оформлял."),
     ("О", "Это маркетинговое предложение, кредит не оформлен. Вы можете отказаться от таких рассылок."),
     ("К", "А как отказаться?"),
     ("О", "В приложении: «Профиль» — «Уведомления» — снять галочку «Предложения банка»."),
     ("К", "А это точно не мошенники?"),
     ("О", "Если в сообщении нет ссылок и просьб сообщить код — это наша рассылка. Коды никому не сообщайте."),
     ("К", "Понял, спасибо.")],
    [("К", "Здравствуйте, я хочу перевести деньги за границу, родственникам в Армению. Какие варианты?"),
     ("О", "Можно по реквизитам счёта в долларах или через систему быстрых переводов в приложении. Лимит — {usd} в месяц."),
     ("К", "Какая комиссия?"),
     ("О", "По реквизитам — {fee}, минимум 15 долларов. Через систему быстрых переводов — 1%."),
     ("К", "Сколько идут?"),
     ("О", "По реквизитам до трёх рабочих дней, быстрые — в течение часа."),
     ("К", "Спасибо.")],
    [("К", "Здравствуйте, хочу узнать про кешбэк. Почему в {month} начислили меньше?"),
     ("О", "Кешбэк не начисляется за переводы, оплату ЖКУ и покупки в категориях вне выбранных."),
     ("К", "Я платил за коммуналку картой, значит за неё ничего?"),
     ("О", "Да, по условиям программы за коммунальные платежи кешбэк не начисляется."),
     ("К", "Жаль. А какие категории можно выбрать на следующий месяц?"),
     ("О", "Список появится в приложении с 25 числа, можно выбрать до трёх категорий."),
     ("К", "Хорошо.")],
    [("К", "Добрый вечер, на карте {last4} висит холд на {amt} уже неделю, отель так и не списал."),
     ("О", "Такие блокировки снимаются автоматически в течение 30 дней, если продавец не подтвердил списание."),
     ("К", "А раньше нельзя?"),
     ("О", "Раньше — только по письму от отеля об отмене. Пусть отель пришлёт вам подтверждение, мы его примем."),
     ("К", "Хорошо, попробую."),
     ("О", "Если будут вопросы — пишите в чат, ответим быстрее.")],
    [("К", "Здравствуйте, хочу взять автокредит, машина за {big}. Первоначальный взнос обязателен?"),
     ("О", "Взнос от 20%. Ставка — от {rate}, с каско дешевле на 2 пункта."),
     ("К", "А без каско можно?"),
     ("О", "Можно, но ставка будет выше. Срок — до 7 лет."),
     ("К", "Сколько ждать решения?"),
     ("О", "Обычно 1–2 часа после заявки в приложении."),
     ("К", "Понял, спасибо.")],
    [("К", "Здравствуйте, мне нужна справка для визы, что у меня есть счёт. Сколько делается?"),
     ("О", "На английском языке — до {n} рабочих дней, стоимость {fee_rub}. Заказать можно в приложении."),
     ("К", "А с печатью?"),
     ("О", "Да, с печатью и подписью, забирать в отделении."),
     ("К", "Хорошо, закажу.")],
])


def c_call_ru(c: Ctx):
    scen = CALL_SCEN_RU.draw(c.r)
    asr = c.chance(0.2)
    A, B = ("оператор", "клиент") if asr else c.choice([("Оператор", "Клиент"), ("О", "К"),
                                                          ("Специалист", "Абонент"), ("AGENT", "CLIENT")])
    L_ = [(A, c.choice(["Банк, добрый день, слушаю вас.", "Контактный центр, здравствуйте.",
                        "Здравствуйте, чем могу помочь?"]))]
    for who, t in scen:
        L_.append((A if who == "О" else B, fill(c, t)))
    if asr:
        body = " ".join(f"{w} {asr_text(t)}" for w, t in L_)
    elif c.chance(0.3):
        body = "\n".join(f"[{i // 5:02d}:{(i * 13) % 60:02d}] {w}: {t}" for i, (w, t) in enumerate(L_))
    else:
        body = "\n".join(f"{w}: {t}" for w, t in L_)
    return dict(system=c.choice([
        "Сделай краткое резюме звонка: причина, действия оператора, итог.",
        "Ты — ассистент контакт-центра. Составь резюме разговора для CRM в 3–5 пунктах.",
        "Определи тему звонка и была ли решена проблема.",
        "Суммаризируй звонок в двух предложениях для еженедельного отчёта.",
    ]), turns=[body])


CALL_EN = Pool([
    [("C", "Hi, I'd like to know the rate on the one-year fixed deposit."),
     ("A", "It's {irate} for deposits opened in the app, slightly lower in branches."),
     ("C", "Is the interest paid monthly?"), ("A", "You can choose monthly payouts or capitalisation."),
     ("C", "Great, thanks.")],
    [("C", "Hello, my card was declined abroad, I'm in Turkey."),
     ("A", "Cards issued in Russia are not accepted by most terminals abroad. You could use cash or a local card."),
     ("C", "Can I withdraw cash at least?"), ("A", "Unfortunately that's also not available abroad."),
     ("C", "OK, thanks for explaining.")],
    [("C", "Hi, how do I set up a standing order for rent?"),
     ("A", "In the app, go to Payments, then Regular payments, and choose the date and amount."),
     ("C", "Is there a fee?"), ("A", "No fee for payments within the bank, 0.5% to other banks."),
     ("C", "Perfect.")],
    [("C", "Hello, I want to close my savings account early. Will I lose interest?"),
     ("A", "If you close the fixed account early, the interest is recalculated at 0.1%."),
     ("C", "And the easy access one?"), ("A", "That one you can close any time without losing interest."),
     ("C", "Then I'll keep the fixed one. Thanks.")],
    [("C", "Hi, the app shows a pending payment of {amt} that I cancelled."),
     ("A", "Cancelled payments can show as pending for up to 30 days until the merchant releases them."),
     ("C", "Can you speed that up?"), ("A", "Only with a cancellation confirmation from the merchant."),
     ("C", "Right, I'll ask them.")],
])


def c_call_en(c: Ctx):
    scen = CALL_EN.draw(c.r)
    body = "\n".join(f"{'Agent' if w == 'A' else 'Customer'}: {fill(c, t)}" for w, t in
                     [("A", "Good morning, how can I help?")] + scen)
    return dict(system=c.choice(["Summarise the call for the CRM: reason, actions, outcome.",
                                 "Write a two-sentence summary of the call."]), turns=[body])


# --- translation (clean) ---
TR_RU = Pool([
    "Вклад {deposit}: ставка до {rate} годовых, срок {term}, минимальная сумма {amt}. Пополнение и частичное снятие не предусмотрены. Проценты выплачиваются в конце срока.",
    "Дебетовая карта {card}: кешбэк до {pct} в выбранных категориях, бесплатное обслуживание при покупках от {amt} в месяц, снятие наличных в банкоматах банка без комиссии.",
    "Как заблокировать карту? В приложении откройте карту и нажмите «Заблокировать». Если нет доступа к приложению — позвоните по номеру на обороте карты.",
    "Уважаемые клиенты! {date} с {time} до {time} в приложении будут проводиться технические работы. Приносим извинения за временные неудобства.",
    "Накопительный счёт «Копилка»: проценты начисляются на ежедневный остаток, ставка {rate} годовых на сумму до {big}. Снимать и пополнять можно в любое время.",
    "Ипотека на вторичное жильё: ставка от {rate}, первоначальный взнос от 15%, срок до 30 лет. Решение — за 1 день.",
    "Страхование «Защита карты» покрывает мошеннические списания, кражу наличных, снятых в банкомате в течение 2 часов, и утрату документов. Стоимость — {fee_rub} в месяц.",
    "Правила безопасности: никогда не сообщайте коды из СМС, не переходите по ссылкам из сообщений от незнакомцев, при подозрительном звонке положите трубку и перезвоните в банк сами.",
    "Отделения банка в {city_pre} работают по будням с 9:00 до 20:00, в субботу — с 10:00 до 17:00. Часть офисов закрыта в воскресенье.",
    "Перевод по реквизитам в другой банк поступает в течение одного рабочего дня, если отправлен до {close}. Комиссия — {fee}.",
    "Премиальный пакет включает консьерж-сервис, доступ в бизнес-залы аэропортов и повышенные лимиты на снятие наличных до {big} в месяц.",
    "Кредитная карта: льготный период до {days} дней, ставка после него — от {rate}. Минимальный платёж — {pct} от задолженности.",
    "Брокерский счёт можно открыть онлайн за 5 минут. Комиссия за сделки — {fee} от суммы, обслуживание бесплатное.",
    "Для получения налогового вычета по ИИС оформите справку в приложении: «Документы» → «Справки для налоговой». Справка готовится до {n} рабочих дней.",
    "Политика обработки обращений: на письменные обращения банк отвечает в течение 15 рабочих дней; если требуется запрос в платёжную систему, срок может быть продлён до 60 дней.",
])


def c_trans_ru(c: Ctx):
    return dict(system=c.choice(["Переведи текст на английский язык.", "Translate into English. Output only the translation.",
                                 "Переведи на английский для англоязычной версии сайта.",
                                 "Переведи на китайский (упрощённый) для туристов из КНР."]),
                turns=[fill(c, TR_RU.draw(c.r))])


TR_EN = Pool([
    "Our Premier account gives you a dedicated relationship manager, airport lounge access and fee-free withdrawals worldwide.",
    "Please note that from {date_en} the minimum balance for the Easy Saver will be 500 RUB. Accounts below this level will not earn interest.",
    "To reset your app password, tap 'Forgot password' on the login screen and follow the instructions. You will need your card to confirm.",
    "We are upgrading our systems on Saturday night. Card payments will work as usual, but transfers may be delayed by up to two hours.",
    "The bank does not charge a fee for incoming international transfers in USD. Correspondent bank fees may apply.",
    "Summary of changes to the general terms: the notice period for changes in tariffs is extended from 10 to 30 days; disputes are now handled within 60 days.",
    "Our ESG report shows that 40% of new corporate loans in the last year financed energy-efficient projects.",
    "Branch staff must verify the customer's identity before discussing any account details. Never accept photocopies of ID.",
])


def c_trans_en(c: Ctx):
    return dict(system=c.choice(["Переведи на русский язык.", "Translate the text into Russian.",
                                 "Переведи на русский для внутреннего портала, стиль — деловой."]),
                turns=[fill(c, TR_EN.draw(c.r))])


# --- extraction (clean) ---
EX_RU = Pool([
    ("Извлеки условия вклада в JSON: name, rate, term, min_amount, replenishment.",
     "Вклад {deposit} — ставка {rate} годовых на {term}, минимальная сумма {amt}. Пополнение разрешено в течение первых 30 дней."),
    ("Вытащи из тарифа все комиссии в виде таблицы: операция — размер.",
     "Перевод по СБП свыше лимита — 0,5%, но не более 1 500 ₽. Снятие наличных в чужих банкоматах — {pct_small}, минимум 100 ₽. Выпуск дополнительной карты — 500 ₽. SMS-информирование — 69 ₽ в месяц."),
    ("Извлеки из обращения: тип проблемы, сумма, дата, канал. JSON.",
     "Оплатил подписку {date} на {amt} через приложение, подписку отменил, а деньги не вернули. Писал в чат, ответа нет."),
    ("Выдели из служебной записки сроки и ответственных (по отделам).",
     "До {date} отделу маркетинга подготовить рассылку о новом вкладе; до {date} ИТ-департаменту обновить калькулятор на сайте; старт продаж — {date}."),
    ("Извлеки параметры кредитного продукта в JSON.",
     "Кредит наличными «Простой»: сумма от 50 000 ₽ до 5 млн ₽, срок от 1 года до 7 лет, ставка от {rate}, без залога и поручителей. Решение за 2 минуты."),
    ("Достань из протокола комитета решения и даты.",
     "Кредитный комитет от {date}: одобрить лимит на ипотечное кредитование в {city_pre} в размере 500 млн руб.; пересмотреть ставки по автокредитам до {date}; вопрос о тарифах эквайринга перенести."),
    ("Извлеки из отзыва: оценка (1–5), что понравилось, что не понравилось.",
     "Ставлю 3. Приложение удобное, переводы быстрые, но кешбэк постоянно урезают, а в поддержке отвечают шаблонами по {nhours_gen} часов."),
    ("Извлеки метрики из отчёта в JSON.",
     "За {month_acc} контакт-центр обработал 48 тыс. обращений, средняя скорость ответа — 38 секунд, доля решённых с первого контакта — 81%, NPS — 52."),
    ("Извлеки из описания акции: сроки, условия, размер вознаграждения.",
     "Акция «Приведи друга»: с {date} по {date} за каждого приглашённого, оформившего карту и совершившего покупки от {amt}, начисляем {bonus}."),
    ("Извлеки параметры ипотечной программы.",
     "Семейная ипотека: ставка {rate}, первоначальный взнос от 20,1%, лимит до 6 млн ₽ в регионах и до 12 млн ₽ в Москве, Санкт-Петербурге и областях."),
    ("Выдели из текста требования к документам в виде списка.",
     "Для открытия счёта ИП нужны: паспорт, выписка из ЕГРИП не старше 30 дней (можно не приносить — запросим сами), лицензия при наличии. Печать не обязательна."),
    ("Извлеки из инцидента: время начала, время окончания, затронутые сервисы, причина.",
     "Инцидент {ticket}: с {time} до {time} не работали переводы по СБП и оплата по QR. Причина — сбой у провайдера связи. Карты и банкоматы работали штатно."),
    ("Извлеки из обращения сумму, дату и последние цифры карты.",
     "По карте {last4} {date} прошло списание {amt} в магазине электроники, я такую покупку не совершала."),
    ("Извлеки ставки по срокам в таблицу.",
     "Вклад {deposit}: 3 месяца — {rate}, 6 месяцев — {rate}, 1 год — {rate}, 2 года — {rate}."),
])


def c_extract_ru(c: Ctx):
    sysm, text = EX_RU.draw(c.r)
    return dict(system=sysm, turns=[fill(c, text)])


EX_EN = Pool([
    ("Extract the product terms as JSON.", "Easy Saver: 4.1% AER variable, no minimum balance, unlimited withdrawals, interest paid monthly."),
    ("Extract dates and owners from the memo.", "IT to finish the migration by {date_en}; Compliance to sign off by {date_en}; go-live on {date_en}."),
    ("Extract the fees into a table.", "Card replacement: 300 RUB. Cash withdrawal abroad: 1%, min 200 RUB. Account statement by post: 150 RUB."),
    ("Extract the incident details: start, end, affected services, cause.", "Incident {ticket}: card payments failed between {time} and {time} due to a processing centre outage. ATMs were not affected."),
    ("Extract rating, pros and cons from this review.", "4 stars. Great app and quick transfers, but the support chat takes ages and the cashback rules keep changing."),
])


def c_extract_en(c: Ctx):
    sysm, text = EX_EN.draw(c.r)
    return dict(system=sysm, turns=[fill(c, text)])


# --- rewrite (clean) ---
RW_RU = Pool([
    ("Перепиши ответ из FAQ простым языком.", "Начисление процентов на остаток денежных средств на накопительном счёте осуществляется ежедневно исходя из фактического остатка на начало операционного дня, выплата производится ежемесячно."),
    ("Сделай ответ оператора вежливее.", "Ваше обращение {ticket} закрыто. Комиссия {fee_rub} списана по тарифу. Вопрос решён."),
    ("Сократи текст до одного предложения.", "В связи с проведением плановых технических работ {date} в период с {time} до {time} возможны временные перебои в работе мобильного приложения и интернет-банка, при этом операции по картам будут осуществляться в штатном режиме."),
    ("Перепиши текст акции бодрее, для соцсетей.", "С {date} по {date} при оплате картой {card} в кафе и ресторанах начисляется повышенный кешбэк {pct}. Максимальная сумма кешбэка — 3 000 ₽ в месяц."),
    ("Исправь ошибки и расставь запятые.", "уважаемые клиенты в связи с переездом отделение в {city_pre} временно не работает просим обращатся в ближайшие офисы список которых есть на сайте"),
    ("Перепиши внутреннюю инструкцию в виде чек-листа.", "Перед открытием отделения старший кассир проверяет исправность банкоматов, наличие бланков, работу электронной очереди и сообщает начальнику отделения о проблемах до 8:45."),
    ("Сделай текст пуш-уведомления короче (до 100 символов).", "Ставка по вкладу {deposit} повышена до {rate}! Успейте открыть вклад на выгодных условиях в приложении до конца месяца."),
    ("Перепиши ответ для клиента без юридических терминов.", "Банк вправе в одностороннем порядке изменить тарифы, уведомив клиента не менее чем за 30 календарных дней до вступления изменений в силу путём размещения информации на официальном сайте."),
    ("Перепиши шаблон отказа мягче.", "По результатам рассмотрения заявки банк принял решение об отказе в предоставлении кредита. Причины отказа не сообщаются. Повторная заявка возможна через {ndays}."),
    ("Сделай текст понятнее для пожилых клиентов.", "Для подключения СБП в мобильном приложении перейдите в раздел «Профиль» → «Настройки СБП» и активируйте переключатель «Входящие переводы»."),
    ("Перепиши новость для внутреннего портала в неформальном стиле.", "Сообщаем, что по итогам {month_gen} отделение в {city_pre} заняло первое место в рейтинге качества обслуживания. Поздравляем коллектив!"),
    ("Перефразируй, чтобы не звучало как угроза.", "В случае непогашения задолженности в течение {days} дней информация будет передана в бюро кредитных историй, а договор — в коллекторское агентство."),
    ("Сократи описание продукта до 3 пунктов.", "Кредитная карта {card} — это льготный период до 120 дней, бесплатное снятие наличных до {amt} в месяц, кешбэк {pct} на всё, бесплатное обслуживание при тратах от 10 000 ₽ и удобное управление в приложении."),
    ("Исправь стиль: ответ в чате слишком сухой.", "Информация по вашему вопросу: лимит на перевод {amt} в сутки. Изменить нельзя."),
    ("Перепиши объявление для стойки в отделении.", "ВНИМАНИЕ! С {date} ПРИЁМ ВАЛЮТЫ ОСУЩЕСТВЛЯЕТСЯ ТОЛЬКО ДО {close}. АДМИНИСТРАЦИЯ."),
    ("Сделай из тезисов связный абзац.", "- ставка по вкладу {rate}\n- срок {term}\n- пополнять можно\n- снимать нельзя\n- открыть в приложении"),
    ("Перепиши ответ из FAQ на «ты» для молодёжной карты.", "Вы можете заказать молодёжную карту в приложении. Доставка бесплатная. Обслуживание не взимается до достижения 25 лет."),
    ("Упрости формулировку правил.", "Держатель карты обязан обеспечить конфиденциальность ПИН-кода и не допускать его раскрытия третьим лицам, включая сотрудников Банка."),
])


def c_rewrite_ru(c: Ctx):
    sysm, text = RW_RU.draw(c.r)
    return dict(system=sysm, turns=[fill(c, text)], noise=c.choice([0, 0, 0.02]))


RW_EN = Pool([
    ("Rewrite in plain English.", "The Bank reserves the right to amend the applicable tariffs subject to providing no less than 30 days' prior notice via its official website."),
    ("Make this reply friendlier.", "Your request {ticket} is closed. The fee was charged according to the tariff."),
    ("Shorten to one sentence.", "Due to scheduled maintenance on {date_en} between {time} and {time}, the mobile app and online banking may be temporarily unavailable; card payments are not affected."),
    ("Rewrite as a checklist.", "Before opening, the senior cashier checks the ATMs, the queue system and the forms, and reports any issues to the branch manager by 8:45."),
])


def c_rewrite_en(c: Ctx):
    sysm, text = RW_EN.draw(c.r)
    return dict(system=sysm, turns=[fill(c, text)])


# --- chat logs (clean) ---
CH_RU = Pool([
    [("Клиент", "здравствуйте, какой процент по накопительному счёту?"), ("Бот", "Здравствуйте! Сейчас ставка по накопительному счёту — {rate} годовых на ежедневный остаток."),
     ("Клиент", "а если больше миллиона?"), ("Бот", "На сумму свыше 1 млн ₽ ставка такая же. Проценты выплачиваются ежемесячно."), ("Клиент", "ок спс")],
    [("Клиент", "карта не работает в метро"), ("Бот", "Подскажите, пожалуйста, что отображается на турникете?"), ("Клиент", "пишет отказ"),
     ("Бот", "Возможно, на карте недостаточно средств или она заблокирована. Проверьте статус карты в приложении."), ("Клиент", "всё нормально там"), ("Бот", "Соединяю с оператором."),
     ("Оператор", "Здравствуйте! Вижу, что по карте {last4} нет отказов. Попробуйте, пожалуйста, приложить карту ещё раз, а если не получится — сообщите время и станцию.")],
    [("Клиент", "добрый день! можно ли оплатить ипотеку досрочно частично?"), ("Бот", "Да, частичное досрочное погашение доступно в приложении в любой день."),
     ("Клиент", "а комиссия есть?"), ("Бот", "Комиссии нет. Можно уменьшить срок или платёж."), ("Клиент", "супер")],
    [("Клиент", "почему мне пришло смс про кредит на {big}?"), ("Бот", "Это предварительное предложение банка, кредит не оформлен."),
     ("Клиент", "а как отписаться"), ("Бот", "Отключить предложения можно в разделе «Профиль» → «Уведомления»."), ("Клиент", "спасибо")],
    [("Клиент", "где ближайший банкомат с приёмом наличных в {city_pre}?"), ("Бот", "Откройте в приложении «Карта банкоматов» и включите фильтр «Приём наличных»."),
     ("Клиент", "а круглосуточные есть?"), ("Бот", "Да, отмечены значком «24/7»."), ("Клиент", "нашёл, спасибо")],
    [("Клиент", "перевёл {amt} не тому человеку, можно вернуть?"), ("Бот", "Банк не может отменить перевод без согласия получателя. Мы можем направить запрос в банк получателя."),
     ("Клиент", "давайте"), ("Оператор", "Здравствуйте! Запрос оформлен, номер {ticket}. Срок ответа — до 30 дней."), ("Клиент", "долго(( ладно")],
    [("Клиент", "не приходит кешбэк за {month_acc}"), ("Бот", "Кешбэк за месяц начисляется до 15 числа следующего месяца."), ("Клиент", "уже 17е"),
     ("Оператор", "Здравствуйте! Проверили: кешбэк в размере {amt} будет начислен сегодня до конца дня, задержка была технической."), ("Клиент", "ок")],
    [("Клиент", "как поменять пин-код?"), ("Бот", "В приложении: «Карты» → выберите карту → «Сменить ПИН-код». Или в любом банкомате банка."), ("Клиент", "а в чужом банкомате?"),
     ("Бот", "В банкоматах других банков смена ПИН-кода недоступна."), ("Клиент", "понял")],
    [("Клиент", "хочу закрыть вклад {deposit} досрочно"), ("Бот", "При досрочном закрытии проценты пересчитываются по ставке 0,01% годовых."), ("Клиент", "жесть. а частично снять?"),
     ("Бот", "Частичное снятие по этому вкладу не предусмотрено."), ("Клиент", "тогда не буду")],
    [("Клиент", "сколько идёт перевод в Казахстан?"), ("Бот", "Переводы в тенге поступают в течение 1–2 рабочих дней. Комиссия — {fee}."), ("Клиент", "а лимит?"),
     ("Бот", "До {usd} в эквиваленте в месяц."), ("Клиент", "ок")],
    [("Клиент", "в приложении пропала кнопка сбп"), ("Бот", "Обновите приложение до версии {ver} — в ней кнопка перенесена в раздел «Платежи»."), ("Клиент", "обновил, есть"), ("Бот", "Отлично!")],
    [("Сотрудник", "коллеги, в отделении в {city_pre} завтра не будет интернета с {time} до {time}, провайдер"), ("Руководитель", "клиентов предупредить, переводы — через резервный канал"),
     ("Сотрудник", "табличку на дверь повесить?"), ("Руководитель", "да, и на сайте статус обновите")],
    [("Клиент", "здравствуйте, можно ли оформить карту без прописки?"), ("Бот", "Для оформления карты необходима регистрация на территории РФ — постоянная или временная."),
     ("Клиент", "временная есть до конца года"), ("Бот", "Этого достаточно. Оформить карту можно в приложении или в отделении.")],
])


def c_chat_ru(c: Ctx):
    scen = CH_RU.draw(c.r)
    h = c.r.randint(8, 21)
    mins = sorted(c.r.sample(range(60), len(scen)))
    stamp = c.choice(["br", "none", "date"])
    day = f"{c.r.randint(1, 28):02d}.{c.r.randint(1, 12):02d}.2024"
    out = []
    for (w, t), m in zip(scen, mins):
        t = fill(c, t)
        if stamp == "br":
            out.append(f"[{h:02d}:{m:02d}] {w}: {t}")
        elif stamp == "date":
            out.append(f"{day} {h:02d}:{m:02d} — {w}: {t}")
        else:
            out.append(f"{w}: {t}")
    return dict(system=c.choice(["Сделай краткое резюме переписки для второй линии поддержки.",
                                 "Проанализируй чат: суть проблемы, решена ли она, нужен ли перезвон.",
                                 "Оцени качество ответов бота по шкале 1–5.",
                                 "Определи тему обращения по переписке и тональность клиента."]),
                turns=["\n".join(out)], noise=c.choice([0, 0.02]))


CH_EN = Pool([
    [("User", "hi what's the cash withdrawal limit per day"), ("Bot", "The daily limit is 300,000 RUB at our ATMs."), ("User", "and other banks' atms?"), ("Bot", "100,000 RUB per day, fee 1%, minimum 100 RUB.")],
    [("User", "how do i freeze my card"), ("Bot", "Open the card in the app and tap 'Freeze'. You can unfreeze it any time."), ("User", "done thx")],
    [("User", "is there an english version of the app"), ("Bot", "Yes, switch the language in Settings > Language."), ("User", "found it")],
    [("User", "my transfer to another bank is stuck"), ("Bot", "Transfers to other banks can take up to one business day."), ("User", "it's been 3 days"), ("Operator", "Hello! I've checked request {ticket}; the payment was returned by the receiving bank. The money is back in your account.")],
])


def c_chat_en(c: Ctx):
    scen = CH_EN.draw(c.r)
    return dict(system=c.choice(["Summarise this chat for the next agent.", "Was the customer's issue resolved? Explain briefly."]),
                turns=["\n".join(f"{w}: {fill(c, t)}" for w, t in scen)], noise=c.choice([0, 0.02]))


CLEAN_TEMPLATES = {
    ("email_draft", "ru"): c_email_ru, ("email_draft", "en"): c_email_en,
    ("call_summary", "ru"): c_call_ru, ("call_summary", "en"): c_call_en,
    ("classification", "ru"): c_class_ru, ("classification", "en"): c_class_en,
    ("translation", "ru"): c_trans_ru, ("translation", "en"): c_trans_en,
    ("question", "ru"): c_question_ru, ("question", "en"): c_question_en,
    ("extraction", "ru"): c_extract_ru, ("extraction", "en"): c_extract_en,
    ("rewrite", "ru"): c_rewrite_ru, ("rewrite", "en"): c_rewrite_en,
    ("chat_log", "ru"): c_chat_ru, ("chat_log", "en"): c_chat_en,
}

CALL_SCEN_RU.items += [
    [("К", "Здравствуйте, я хочу оформить кредитную карту, но у меня нет официального трудоустройства."),
     ("О", "Можно подать заявку и без справки о доходах, но лимит будет ниже — обычно до {amt}."),
     ("К", "А самозанятым можно?"),
     ("О", "Да, доход подтверждается справкой из приложения «Мой налог»."),
     ("К", "Хорошо, тогда подам онлайн.")],
    [("К", "Добрый день, у меня вопрос по ИИС. Можно ли его закрыть раньше трёх лет?"),
     ("О", "Закрыть можно, но вычет придётся вернуть в бюджет, а также пени."),
     ("К", "А если просто перестать пополнять?"),
     ("О", "Это можно, счёт продолжит работать, вычет сохраняется."),
     ("К", "Понятно. Тогда пусть работает.")],
    [("К", "Здравствуйте, звоню по поводу акции «Приведи друга». Я привёл, а бонусы не пришли."),
     ("О", "Бонус начисляется после первой покупки друга от {amt}. Подскажите, друг уже совершал покупки?"),
     ("К", "Вроде да, вчера."),
     ("О", "Тогда начисление произойдёт в течение {n} рабочих дней."),
     ("К", "Хорошо, подожду.")],
    [("К", "Здравствуйте, я в отпуске за границей, хочу снять наличные, но банкомат пишет отказ."),
     ("О", "Наши карты за рубежом не обслуживаются. Могу подсказать, в каких странах работают карты «Мир»."),
     ("К", "Я в Турции."),
     ("О", "В Турции карты «Мир» сейчас не принимаются. Можно воспользоваться переводом через систему быстрых переводов на местную карту."),
     ("К", "Понял, спасибо.")],
    [("К", "Добрый день, я хочу подключить зарплатный проект для небольшой компании, человек двадцать."),
     ("О", "Отлично. Для компаний до 50 сотрудников обслуживание бесплатное, зачисление без комиссии."),
     ("К", "А карты сотрудникам сколько стоят?"),
     ("О", "Выпуск и обслуживание бесплатные. Менеджер может приехать в офис для оформления."),
     ("К", "Хорошо, пусть свяжется со мной через сайт, я оставлю заявку.")],
    [("К", "Здравствуйте, мне нужно поменять кодовое слово."),
     ("О", "Сменить кодовое слово можно только в отделении с паспортом или в приложении в разделе «Безопасность»."),
     ("К", "В приложении не вижу."),
     ("О", "Обновите приложение до версии {ver}, раздел появился там."),
     ("К", "Попробую, спасибо.")],
    [("К", "Здравствуйте, я хочу узнать про страховку к ипотеке, можно ли купить её не у вас?"),
     ("О", "Да, можно в любой аккредитованной страховой компании. Список есть на сайте."),
     ("К", "А ставка не повысится?"),
     ("О", "Нет, если полис соответствует требованиям банка и продлевается вовремя."),
     ("К", "Отлично, спасибо.")],
    [("К", "Добрый вечер, приложение списало {fee} за перевод, хотя раньше было бесплатно."),
     ("О", "С начала месяца вы превысили бесплатный лимит переводов {amt}. Сверх лимита взимается комиссия."),
     ("К", "Где можно посмотреть, сколько осталось?"),
     ("О", "В приложении в разделе «Лимиты»."),
     ("К", "Понятно.")],
]


# ---------------------------------------------------------------------------
# building
# ---------------------------------------------------------------------------

OPENERS = {
    "ru": {
        "email_draft": [("Помоги написать письмо.", "Конечно. Пришлите вводные: кому письмо, повод и что важно упомянуть."),
                        ("нужно письмо, сейчас скину данные", "Хорошо, жду данные.")],
        "extraction": [("Сейчас пришлю текст, нужно вытащить из него данные.", "Хорошо, присылайте текст."),
                       ("Разбери документ, пожалуйста", "Пришлите документ, и я извлеку нужные поля.")],
        "question": [("Можно вопрос по регламенту?", "Да, конечно. Задавайте."),
                     ("привет, подскажешь?", "Здравствуйте! Да, какой у вас вопрос?")],
        "rewrite": [("Нужно отредактировать текст.", "Пришлите текст — поправлю."),
                    ("поправь текст плиз", "Конечно, присылайте.")],
        "translation": [("Нужен перевод.", "Пришлите текст для перевода.")],
        "classification": [("Сейчас пришлю обращение для разметки.", "Хорошо, жду обращение.")],
    },
    "en": {
        "email_draft": [("Can you help me with an e-mail?", "Of course. What's it about, and who is it for?")],
        "extraction": [("I'll paste a document, please pull the data out of it.", "Sure, go ahead.")],
        "question": [("Quick policy question?", "Sure, what would you like to know?")],
        "rewrite": [("I need some text cleaned up.", "Happy to help. Paste it here.")],
        "translation": [("Need a translation.", "Sure, send the text.")],
        "classification": [("Next ticket for labelling.", "Ready, paste it.")],
    },
}


def vary(raw: dict, r: random.Random) -> dict:
    """Some templated requests become two-step conversations or come without a system message."""
    task, lang = raw["task"], raw["lang"]
    x = r.random()
    if x < 0.12 and task in OPENERS[lang] and len(raw["turns"]) == 1:
        u0, a0 = r.choice(OPENERS[lang][task])
        raw["turns"] = [u0, a0] + raw["turns"]
    elif x < 0.22 and raw.get("system") and len(raw["turns"]) == 1:
        raw["turns"] = [raw["system"] + r.choice(["\n\n", "\n", " "]) + raw["turns"][0]]
        raw["system"] = None
    return raw


def build() -> list[dict]:
    b = Builder(SEED)
    seen_user_texts: set[str] = set()

    def add(raw, kind):
        item = b.render(raw)
        bad = b.conflicts(item)
        if bad:
            return False, bad
        key = "\n".join(m["content"] for m in item["messages"] if m["role"] != "system")
        if key in seen_user_texts:
            return False, ["duplicate text"]
        if kind == "pii" and not item["pii"]:
            return False, ["no pii"]
        if kind == "clean" and item["pii"]:
            return False, ["pii in clean"]
        seen_user_texts.add(key)
        b.accept(item, kind)
        return True, []

    for kind, hand in (("pii", HAND_PII), ("clean", HAND_CLEAN)):
        for raw in hand:
            ok, why = add(raw, kind)
            if not ok:
                raise SystemExit(f"hand-written {kind} item conflicts: {why}\n{raw['turns'][0][:200]}")

    for kind, templates in (("pii", PII_TEMPLATES), ("clean", CLEAN_TEMPLATES)):
        hand = HAND_PII if kind == "pii" else HAND_CLEAN
        have = collections.Counter((h["task"], h["lang"]) for h in hand)
        for task in TASKS:
            for lang, target in zip(("ru", "en"), QUOTA[kind][task]):
                need = target - have[(task, lang)]
                if need < 0:
                    raise SystemExit(f"too many hand-written {kind} {task}/{lang}")
                for _ in range(need):
                    for attempt in range(80):
                        raw = templates[(task, lang)](Ctx(b, lang))
                        raw.update(lang=lang, task=task, source="template")
                        raw = vary(raw, b.rng)
                        ok, _why = add(raw, kind)
                        if ok:
                            break
                    else:
                        raise SystemExit(f"cannot make a unique {kind} {task}/{lang}")

    items = b.items
    b.rng.shuffle(items)
    out = []
    for i, it in enumerate(items, 1):
        out.append({"id": f"h{i:03d}", "lang": it["lang"], "task": it["task"],
                    "messages": it["messages"], "pii": it["pii"]})
    return out


class _Dumper(yaml.SafeDumper):
    pass


def _str_rep(dumper, data):
    if "\n" in data:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


_Dumper.add_representer(str, _str_rep)


def write(items):
    header = ("# gateway-2 evaluation set: 420 OpenAI-style requests (210 with personal data, 210 without).\n"
              "# Generated by tools/generate.py (seed 424242). Do not edit by hand; see README.md.\n")
    body = yaml.dump(items, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100000,
                     default_flow_style=False)
    OUT.write_text(header + body, encoding="utf-8")


# ---------------------------------------------------------------------------
# verification
# ---------------------------------------------------------------------------

RE_LONG_DIGITS = re.compile(r"\d{7,}")
RE_SPACED_NUMBER = re.compile(r"(?<!\d)(?<!\d[ \u00a0])\d{1,3}(?:[ \u00a0]\d{3}){2,}(?!\d)")  # 1 500 000
RE_PHONE_SHAPE = re.compile(r"(?<![\d])(?:\+?\d{1,2}[\s\-]?)?\(?\d{3,4}\)?[\s\-]?\d{2,3}[\s\-]?\d{2}[\s\-]?\d{2}(?![\d])")
RE_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
RE_STREET = re.compile(
    r"(?i)(?<![а-яёa-z])(ул|улица|улице|улицу|пр|пр-т|просп|проспект|пер|переулок|б-р|бульвар|ш|шоссе|наб|"
    r"набережная|пл|площадь|мкр|микрорайон|д|дом|кв|квартира|корп|корпус|стр|строение|street|st|avenue|ave|"
    r"road|rd|lane|ln|apt|flat|blvd|drive|dr)(?![а-яёa-z])\.?,?\s*(?:[^\W\d_][\w\-]*\.?,?\s+){0,3}№?\s*\d")
RE_WORD = re.compile(r"[A-Za-zА-Яа-яЁё'’\-]+")


def _name_lexicon():
    """All name forms the generator knows (first names, diminutives, surnames, all cases)."""
    lex = set()
    for G in GROUPS.values():
        for g, key in (("m", "m"), ("f", "f")):
            for n in G[key]:
                for case in CASES:
                    lex.add(decl_first(n, g, case))
                d = DIMINUTIVES.get(n)
                if d:
                    for case in CASES:
                        lex.add(decl_first(d, g, case))
        for m_, f_ in G["p"]:
            for case in CASES:
                lex.add(decl_patr(m_, case))
                lex.add(decl_patr(f_, case))
        for base, cls in G["last"]:
            for g in "mf":
                for case in CASES:
                    lex.add(decl_last_part(base, cls, g, case))
    for names in EN_FIRST.values():
        lex.update(names)
    for n in EN_LAST:
        lex.update(n.split())
    return lex


def _spans(text, values):
    spans = []
    for v in values:
        start = 0
        while True:
            i = text.find(v, start)
            if i < 0:
                break
            spans.append((i, i + len(v)))
            start = i + 1
    return spans


def _covered(spans, a, b):
    return any(s <= a and b <= e for s, e in spans)


def _overlaps(spans, a, b):
    return any(s < b and a < e for s, e in spans)


def check(items) -> tuple[list[str], dict]:
    errs: list[str] = []
    E = errs.append
    lex = _name_lexicon()
    lex_ci = {w.lower() for w in lex if len(w) >= 4}
    lex_cs = {w for w in lex if len(w) < 4}
    for w in [p["value"] for it in items for p in it.get("pii") or [] if p["type"] == "name"]:
        for tok in RE_WORD.findall(w):
            tok = tok.strip("'’-")
            if len(tok) >= 4:
                lex_ci.add(tok.lower())
            elif len(tok) >= 2 and tok[0].isupper() and not tok.isupper():
                lex_cs.add(tok)

    if len(items) != N_PII + N_CLEAN:
        E(f"expected {N_PII + N_CLEAN} items, got {len(items)}")
    ids = [it.get("id") for it in items]
    if len(set(ids)) != len(ids):
        E("duplicate ids")
    seen_vals: dict[tuple[str, str], str] = {}
    seen_digits: dict[tuple[str, str], str] = {}
    seen_texts: dict[str, str] = {}
    counts = collections.Counter()
    stats = {"kind_lang": collections.Counter(), "kind_task": collections.Counter(),
             "types": collections.Counter(), "pii_requests_with_type": collections.Counter()}

    for it in items:
        iid = it.get("id")
        if set(it) != {"id", "lang", "task", "messages", "pii"}:
            E(f"{iid}: unexpected keys {sorted(it)}")
        if not re.fullmatch(r"h\d{3}", str(iid)):
            E(f"{iid}: bad id")
        if it["lang"] not in ("ru", "en"):
            E(f"{iid}: bad lang")
        if it["task"] not in TASKS:
            E(f"{iid}: bad task")
        msgs = it["messages"]
        roles = [m["role"] for m in msgs]
        body = roles[1:] if roles and roles[0] == "system" else roles
        if not body or body[0] != "user" or body[-1] != "user" or any(
                r != ("user" if i % 2 == 0 else "assistant") for i, r in enumerate(body)):
            E(f"{iid}: bad role sequence {roles}")
        for m in msgs:
            if set(m) != {"role", "content"} or not isinstance(m["content"], str) or not m["content"].strip():
                E(f"{iid}: bad message {m}")
            if "[[" in m["content"] or "]]" in m["content"]:
                E(f"{iid}: markup left in text")
        contents = [m["content"] for m in msgs]
        alltext = "\n".join(contents)
        user_text = "\n".join(m["content"] for m in msgs if m["role"] != "system")
        if user_text in seen_texts:
            E(f"{iid}: same text as {seen_texts[user_text]}")
        seen_texts[user_text] = iid
        # language of the processed text
        letters = re.findall(r"[A-Za-zА-Яа-яЁё]", "\n".join(m["content"] for m in msgs if m["role"] == "user"))
        cyr = sum(1 for ch in letters if re.match(r"[А-Яа-яЁё]", ch)) / max(1, len(letters))
        if it["lang"] == "ru" and cyr < 0.5 or it["lang"] == "en" and cyr > 0.4:
            E(f"{iid}: lang {it['lang']} but cyrillic share {cyr:.2f}")

        pii = it["pii"]
        kind = "pii" if pii else "clean"
        stats["kind_lang"][(kind, it["lang"])] += 1
        stats["kind_task"][(kind, it["task"])] += 1

        if kind == "pii":
            vals = []
            types_here = set()
            for p in pii:
                t, v = p.get("type"), p.get("value")
                if set(p) != {"type", "value"} or t not in TYPES or not isinstance(v, str) or not v:
                    E(f"{iid}: bad pii entry {p}")
                    continue
                if not any(v in c for c in contents):
                    E(f"{iid}: value not verbatim in messages: {t} {v!r}")
                if v != v.strip():
                    E(f"{iid}: value has outer spaces: {v!r}")
                counts[t] += 1
                types_here.add(t)
                vals.append(v)
                key = (t, v.lower())
                if key in seen_vals and seen_vals[key] != iid:
                    E(f"{iid}: {t} {v!r} also in {seen_vals[key]}")
                seen_vals[key] = iid
                d = digits_of(v)
                if t in Values.NUMERIC:
                    dk = (t, d)
                    if dk in seen_digits and seen_digits[dk] != iid:
                        E(f"{iid}: {t} digits {d} also in {seen_digits[dk]}")
                    seen_digits[dk] = iid
                ok = True
                if t == "card":
                    ok = len(d) == 16 and luhn.is_valid(d) and re.fullmatch(r"[\d \-]+", v) is not None
                elif t == "passport":
                    ok = len(d) == 10 and re.fullmatch(r"\d{2} ?\d{2} ?(№ ?)?\d{6}", v) is not None
                elif t == "snils":
                    ok = snils_valid(d) and re.fullmatch(r"[\d \-]+", v) is not None
                elif t == "inn":
                    ok = len(d) == 12 and v == d and ru_inn.is_valid(d)
                elif t == "account":
                    ok = len(d) == 20 and d.startswith("40817") and re.fullmatch(r"[\d ]+", v) is not None
                elif t == "cvv":
                    ok = re.fullmatch(r"\d{3}", v) is not None and re.search(rf"(?<!\d){v}(?!\d)", alltext) is not None
                elif t == "email":
                    ok = RE_EMAIL.fullmatch(v) is not None
                elif t == "phone":
                    ok = 10 <= len(d) <= 12 and re.fullmatch(r"[\d +\-()]+", v) is not None
                elif t == "birthdate":
                    ok = bool(re.search(r"(19|20)\d\d|\d\d[./]\d\d[./]\d\d|года|девят|восьм|пятьдесят|шестьдесят|семьдесят", v))
                elif t == "address":
                    ok = bool(re.search(r"\d", v)) and len(v) >= 8
                elif t == "name":
                    ok = not re.search(r"\d", v)
                if not ok:
                    E(f"{iid}: invalid {t} value {v!r}")
            for t in types_here:
                stats["pii_requests_with_type"][t] += 1
            # unlabelled long numbers / phones / e-mails in a request with personal data
            for c in contents:
                spans = _spans(c, vals)
                for rx, what in ((RE_LONG_DIGITS, "long number"), (RE_PHONE_SHAPE, "phone-shaped number"),
                                 (RE_EMAIL, "e-mail")):
                    for m in rx.finditer(c):
                        if not _overlaps(spans, m.start(), m.end()):
                            E(f"{iid}: unlabelled {what} {m.group(0)!r}")
                # every known name form and every word of a labelled name must be covered
                name_vals = [p["value"] for p in pii if p["type"] == "name"]
                stems = set()
                for nv in name_vals:
                    for tok in RE_WORD.findall(nv):
                        tok = tok.strip("'’-").lower()
                        if len(tok) >= 4:
                            stems.add(tok[:max(4, len(tok) - 2)])
                for m in RE_WORD.finditer(c):
                    w = m.group(0).strip("'’-")
                    if not w:
                        continue
                    a = m.start() + m.group(0).find(w)
                    b_ = a + len(w)
                    lw = w.lower()
                    hit = (len(w) >= 4 and lw in lex_ci) or (w in lex_cs) or any(
                        lw.startswith(s) and len(lw) - len(s) <= 3 for s in stems)
                    if hit and not _overlaps(spans, a, b_):
                        E(f"{iid}: possible unlabelled name {w!r}")
            if it["task"] == "call_summary":
                longest = max((m["content"] for m in msgs if m["role"] == "user"), key=len)
                if not 300 <= len(longest) <= 1500:
                    E(f"{iid}: call transcript length {len(longest)} outside 300..1500")
        else:
            for c in contents:
                for rx, what in ((RE_LONG_DIGITS, "7+ digit run"), (RE_PHONE_SHAPE, "phone-shaped number"),
                                 (RE_SPACED_NUMBER, "7+ digit number written with spaces"),
                                 (RE_STREET, "street word + number")):
                    m = rx.search(c)
                    if m:
                        E(f"{iid}: clean request has {what}: {m.group(0)!r}")
                if "@" in c:
                    E(f"{iid}: clean request has '@'")
                for m in RE_WORD.finditer(c):
                    w = m.group(0).strip("'’-")
                    if (len(w) >= 4 and w.lower() in lex_ci) or w in lex_cs:
                        E(f"{iid}: clean request has a name-like word {w!r}")

    for t, n in MINIMUMS.items():
        if counts[t] < n:
            E(f"type {t}: {counts[t]} values < minimum {n}")
    npii = sum(v for (k, _), v in stats["kind_lang"].items() if k == "pii")
    ncl = sum(v for (k, _), v in stats["kind_lang"].items() if k == "clean")
    if npii != N_PII or ncl != N_CLEAN:
        E(f"expected {N_PII}/{N_CLEAN} requests with/without personal data, got {npii}/{ncl}")
    for k in ("pii", "clean"):
        if stats["kind_lang"][(k, "en")] != N_EN:
            E(f"{k}: {stats['kind_lang'][(k, 'en')]} en requests, expected {N_EN}")
    stats["types"] = counts
    return errs, stats


def summary(items, stats):
    P = print
    P(f"requests: {len(items)}  with personal data: {sum(1 for i in items if i['pii'])}  "
      f"without: {sum(1 for i in items if not i['pii'])}")
    P("language:", {f"{k}/{l}": v for (k, l), v in sorted(stats["kind_lang"].items())})
    P("task            with  without")
    for t in TASKS:
        P(f"  {t:<14}{stats['kind_task'][('pii', t)]:>5}{stats['kind_task'][('clean', t)]:>9}")
    P("values per type (minimum) / requests containing the type:")
    for t in TYPES:
        P(f"  {t:<10}{stats['types'][t]:>5}  (min {MINIMUMS[t]:>3})  in {stats['pii_requests_with_type'][t]} requests")
    P(f"  total     {sum(stats['types'].values()):>5}")
    multi = sum(1 for i in items if len([m for m in i["messages"] if m["role"] != "system"]) > 1)
    nosys = sum(1 for i in items if i["messages"][0]["role"] != "system")
    P(f"multi-turn requests: {multi}; requests without a system message: {nosys}")
    calls = [max((m["content"] for m in i["messages"] if m["role"] == "user"), key=len)
             for i in items if i["pii"] and i["task"] == "call_summary"]
    P(f"call transcripts with personal data: {len(calls)}, length {min(map(len, calls))}..{max(map(len, calls))} chars")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="only verify the existing requests.yaml")
    args = ap.parse_args(argv)
    if not args.check:
        items = build()
        write(items)
        print(f"wrote {OUT} (hand-written: {len(HAND_PII)} with personal data, {len(HAND_CLEAN)} without)")
    loaded = yaml.safe_load(OUT.read_text(encoding="utf-8"))
    if not args.check and loaded != items:
        print("ERROR: YAML round trip changed the data")
        return 1
    errs, stats = check(loaded)
    summary(loaded, stats)
    if errs:
        print(f"\nFAILED: {len(errs)} problem(s)")
        for e in errs:
            print("  -", e)
        return 1
    print("\nOK: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
