#!/usr/bin/env python3
"""Generate (and verify) the blind gateway evaluation set: evals/gateway/requests.yaml.

Written by a helper that never saw the detector's code or the other PII eval sets.

    .venv/bin/python evals/gateway/tools/generate.py          # generate + verify
    .venv/bin/python evals/gateway/tools/generate.py --check  # verify the existing YAML only

Everything is deterministic: one random.Random(SEED) drives all choices, and the
hand-written requests are embedded below as literal text.  Inside hand-written text
personal data is marked up so that the label list is derived from the text itself:

    [[type:value]]   a literal value; it stays in the text and becomes a label
    {{kind}}         a value with check digits, produced by the generator
                     (card, card_dash, card_plain, snils, snils_plain, inn, acct, acct_sp, ...)
"""
from __future__ import annotations

import argparse
import collections
import json
import random
import re
import sys
from pathlib import Path

import yaml
from stdnum import luhn
from stdnum.ru import inn as stdnum_inn

SEED = 20261201
N_PII = 210
N_CLEAN = 210
OUT_DIR = Path(__file__).resolve().parent.parent
OUT_YAML = OUT_DIR / "requests.yaml"

TYPES = ["name", "phone", "card", "passport", "snils", "inn", "address", "account",
         "email", "birthdate", "cvv"]
TASKS = ["email_draft", "call_summary", "classification", "translation", "question",
         "extraction", "rewrite"]
MINIMUMS = {"name": 90, "phone": 40, "card": 35, "passport": 30, "snils": 30, "inn": 30,
            "address": 35, "account": 30, "email": 25, "birthdate": 15, "cvv": 10}

rng = random.Random(SEED)

# ---------------------------------------------------------------- check digits

ACCOUNT_BIC = "044525987"  # fictional BIC used for the 20-digit account control key


def snils_checksum(d9: str) -> str:
    s = sum(int(d) * w for d, w in zip(d9, range(9, 0, -1)))
    if s < 100:
        return f"{s:02d}"
    if s in (100, 101):
        return "00"
    s %= 101
    return "00" if s == 100 else f"{s:02d}"


def snils_valid(v: str) -> bool:
    d = re.sub(r"\D", "", v)
    return len(d) == 11 and snils_checksum(d[:9]) == d[9:]


def inn_valid(v: str) -> bool:
    d = re.sub(r"\D", "", v)
    return len(d) in (10, 12) and stdnum_inn.is_valid(d)


def card_valid(v: str) -> bool:
    d = re.sub(r"\D", "", v)
    return len(d) == 16 and luhn.is_valid(d)


def account_key(acc20: str, bic: str = ACCOUNT_BIC) -> str:
    s = bic[-3:] + acc20[:8] + "0" + acc20[9:]
    w = [7, 1, 3] * 8
    total = sum((int(c) * w[i]) % 10 for i, c in enumerate(s))
    return str(((total % 10) * 3) % 10)


def account_valid(v: str) -> bool:
    d = re.sub(r"\D", "", v)
    return len(d) == 20 and account_key(d) == d[8]


# ---------------------------------------------------------------- uniqueness

USED: dict[str, set[str]] = collections.defaultdict(set)
# the demo customers' phones mentioned in the project README are never reused
USED["phone"].update({"79031112233", "79164445566", "79265557788"})


def norm_key(typ: str, value: str) -> str:
    if typ in ("phone", "card", "passport", "snils", "inn", "account", "cvv"):
        d = re.sub(r"\D", "", value)
        if typ == "phone" and len(d) == 11 and d[0] == "8":
            d = "7" + d[1:]
        return d
    return re.sub(r"\s+", " ", value.lower()).strip()


def claim(typ: str, value: str) -> bool:
    k = norm_key(typ, value)
    if k in USED[typ]:
        return False
    USED[typ].add(k)
    return True


# ---------------------------------------------------------------- Russian names

CASES = ["nom", "gen", "dat", "acc", "ins", "prep"]
HUSHING = set("жшчщц")
VELAR = set("гкхжшчщ")


def decline_first(name: str, sex: str) -> dict[str, str]:
    special = {
        "Павел": ["Павел", "Павла", "Павлу", "Павла", "Павлом", "Павле"],
        "Пётр": ["Пётр", "Петра", "Петру", "Петра", "Петром", "Петре"],
        "Лев": ["Лев", "Льва", "Льву", "Льва", "Львом", "Льве"],
        "Илья": ["Илья", "Ильи", "Илье", "Илью", "Ильёй", "Илье"],
        "Любовь": ["Любовь", "Любови", "Любови", "Любовь", "Любовью", "Любови"],
        "Нелли": ["Нелли"] * 6,
        "Асель": ["Асель", "Асели", "Асели", "Асель", "Аселью", "Асели"],
    }
    if name in special:
        return dict(zip(CASES, special[name]))
    if sex == "m":
        if name.endswith("ий"):
            st = name[:-1]
            f = [name, st + "я", st + "ю", st + "я", st + "ем", st + "и"]
        elif name.endswith("й"):
            st = name[:-1]
            f = [name, st + "я", st + "ю", st + "я", st + "ем", st + "е"]
        elif name.endswith("ь"):
            st = name[:-1]
            f = [name, st + "я", st + "ю", st + "я", st + "ем", st + "е"]
        elif name.endswith("а"):
            st = name[:-1]
            g = "и" if st[-1] in VELAR else "ы"
            f = [name, st + g, st + "е", st + "у", st + "ой", st + "е"]
        else:
            ins = "ем" if name[-1] in HUSHING else "ом"
            f = [name, name + "а", name + "у", name + "а", name + ins, name + "е"]
    else:
        if name.endswith("ия"):
            st = name[:-1]
            f = [name, st + "и", st + "и", st + "ю", st + "ей", st + "и"]
        elif name.endswith("ья"):
            st = name[:-1]
            f = [name, st + "и", st + "е", st + "ю", st + "ей", st + "е"]
        elif name.endswith("я"):
            st = name[:-1]
            f = [name, st + "и", st + "е", st + "ю", st + "ей", st + "е"]
        elif name.endswith("а"):
            st = name[:-1]
            g = "и" if st[-1] in VELAR else "ы"
            ins = "ей" if st[-1] in "жшц" else "ой"
            f = [name, st + g, st + "е", st + "у", st + ins, st + "е"]
        else:
            f = [name] * 6
    return dict(zip(CASES, f))


def decline_surname(sur: str, kind: str, sex: str) -> dict[str, str]:
    if kind == "ov":  # Петров / Петрова, Ильин / Ильина
        if sex == "m":
            f = [sur, sur + "а", sur + "у", sur + "а", sur + "ым", sur + "е"]
        else:
            f = [sur + "а", sur + "ой", sur + "ой", sur + "у", sur + "ой", sur + "ой"]
    elif kind == "sky":  # Вишневский / Вишневская (stem given without -ий)
        if sex == "m":
            f = [sur + "ий", sur + "ого", sur + "ому", sur + "ого", sur + "им", sur + "ом"]
        else:
            f = [sur + "ая", sur + "ой", sur + "ой", sur + "ую", sur + "ой", sur + "ой"]
    elif kind == "cons":  # Ковальчук: declines for men only
        if sex == "m":
            ins = "ем" if sur[-1] in HUSHING else "ом"
            f = [sur, sur + "а", sur + "у", sur + "а", sur + ins, sur + "е"]
        else:
            f = [sur] * 6
    elif kind == "oi":  # Цой
        if sex == "m":
            st = sur[:-1]
            f = [sur, st + "я", st + "ю", st + "я", st + "ем", st + "е"]
        else:
            f = [sur] * 6
    else:  # indeclinable: Бондаренко, Черных, Гогуадзе
        f = [sur] * 6
    return dict(zip(CASES, f))


def decline_patronymic(stem: str, sex: str) -> dict[str, str]:
    if sex == "m":
        p = stem + "ич"
        f = [p, p + "а", p + "у", p + "а", p + "ем", p + "е"]
    else:
        p = stem + "на"
        f = [p, stem + "ны", stem + "не", stem + "ну", stem + "ной", stem + "не"]
    return dict(zip(CASES, f))


SURNAMES_OV = """Смирнов Кузнецов Соколов Попов Лебедев Козлов Новиков Морозов Волков Соловьёв
Васильев Зайцев Павлов Семёнов Голубев Виноградов Богданов Воробьёв Фёдоров Михайлов Беляев
Тарасов Белов Комаров Орлов Киселёв Макаров Андреев Ковалёв Ильин Гусев Титов Кузьмин
Кудрявцев Баранов Куликов Алексеев Степанов Яковлев Сорокин Сергеев Романов Захаров Борисов
Герасимов Пономарёв Григорьев Лазарев Ершов Никитин Соболев Рябов Поляков Цветков
Данилов Фролов Журавлёв Николаев Крылов Максимов Сидоров Осипов Белоусов Федотов Дорофеев
Егоров Матвеев Бобров Дмитриев Калинин Анисимов Петухов Антонов Тимофеев Никифоров Веселов
Филиппов Марков Большаков Суханов Миронов Ширяев Коновалов Шестаков Казаков Ефимов
Денисов Громов Фомин Давыдов Мельников Щербаков Блинов Колесников Карпов Афанасьев Власов
Маслов Исаков Тихонов Аксёнов Гаврилов Родионов Котов Горбунов Кудряшов Быков Зуев Третьяков
Савельев Панов Рыбаков Абрамов Воронов Мухин Архипов Трофимов Мартынов Емельянов Горшков
Чернов Овчинников Селезнёв Панфилов Копылов Михеев Галкин Назаров Лобанов Лукин Беляков
Потапов Хохлов Жданов Наумов Шилов Воронцов Ермаков Дроздов Игнатьев Савин Логинов
Сафонов Капустин Кириллов Моисеев Елисеев Кошелев Костин Орехов Ефремов Исаев Евдокимов
Калашников Кабанов Носков Юдин Кулагин Лапин Прохоров Нестеров Харитонов Агафонов Муравьёв
Ларионов Федосеев Зимин Пахомов Шубин Игнатов Филатов Крюков Рогов Кулаков Терентьев Молчанов
Артемьев Гурьев Зиновьев Гришин Кононов Дементьев Ситников Симонов Мишин Фадеев Комиссаров
Мамонтов Гуляев Шаров Устинов Вишняков Евсеев Лаврентьев Брагин Корнилов Авдеев Зыков
Бирюков Шарапов Никонов Щукин Дьячков Одинцов Сазонов Якушев Красильников Гордеев Самойлов
Князев Беспалов Уваров Шашков Доронин Рожков Самсонов Мясников Лихачёв Буров Сысоев Фомичёв
Русаков Стрелков Гущин Тетерин Колобов Субботин Фокин Блохин Селиверстов Пестов Кондратьев
Силин Меркушев Лыткин Хабибуллин Галиев Сафин Гарипов Ахметов Валиев Юсупов Алиев Мамедов
Гасанов Абдуллаев Исмаилов Керимов Шайхутдинов Зарипов Нуриев Латыпов Мингазов Тагиров""".split()
SURNAMES_SKY = """Вишневск Савицк Покровск Яблонск Каминск Лозинск Троицк Богуславск Залесск
Сокольск Добровольск Полянск Ольшанск Замятинск Збарск Липецк""".split()
SURNAMES_CONS = """Ковальчук Шевчук Мельник Бондарчук Гайдук Левчук Полищук Ткачук Марчук Кушнир
Литвак Шульц Вебер Гофман Кравчук Олейник Саркисян Арутюнян Петросян Оганесян Аветисян
Манукян Ким Пак Гринберг Розенфельд Нагорный""".split()
SURNAMES_CONS = [s for s in SURNAMES_CONS if s != "Нагорный"]
SURNAMES_INDECL = """Бондаренко Коваленко Ткаченко Кравченко Литвиненко Руденко Марченко
Савченко Онищенко Черных Седых Белых Долгих Гогуадзе Мчедлишвили Кипиани Дурново""".split()
SURNAMES_OI = ["Цой"]

MALE_FIRST = """Иван Сергей Алексей Дмитрий Андрей Михаил Николай Павел Артём Никита Илья Юрий
Олег Константин Владимир Евгений Григорий Тимур Роман Кирилл Максим Виктор Анатолий Степан
Егор Вадим Денис Антон Игорь Александр Пётр Борис Геннадий Валерий Ярослав Вячеслав Руслан
Ильдар Марат Фёдор Глеб Леонид Аркадий Эдуард Станислав Тимофей Матвей Семён Арсений Даниил
Виталий Василий Георгий Рустам Азат Ринат Лев""".split()
FEMALE_FIRST = """Анна Мария Елена Ольга Татьяна Наталья Ирина Светлана Юлия Екатерина Дарья
Ксения Алина Полина Любовь Галина Людмила Марина Валентина Софья Инна Лилия Гульнара Эльвира
Алёна Виктория Анастасия Евгения Кристина Оксана Жанна Лариса Нина Зоя Тамара Раиса Диана
Вероника Маргарита Яна Альбина Регина Валерия Ульяна Василиса Елизавета Милана Карина Арина
Олеся Ангелина Нелли Римма Асель""".split()
PATRONYMIC_STEMS = """Иванов Сергеев Алексеев Дмитриев Андреев Михайлов Николаев Павлов Юрьев
Олегов Владимиров Евгеньев Григорьев Викторов Анатольев Петров Александров Игорев Валерьев
Геннадьев Борисов Вячеславов Фёдоров Рашидов Ильдаров Константинов Васильев Леонидов
Аркадьев Степанов Максимов Романов Денисов Антонов Вадимов Станиславов Маратов Русланов
Тимуров Эдуардов Семёнов Георгиев Кириллов Артуров Ринатов""".split()

TRANSLIT = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r",
     "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"]))


def translit(s: str) -> str:
    out = []
    for ch in s:
        lo = ch.lower()
        if lo in TRANSLIT:
            t = TRANSLIT[lo]
            out.append(t.capitalize() if ch != lo else t)
        else:
            out.append(ch)
    return "".join(out)


class Person:
    """A fictional Russian person with all case forms."""

    def __init__(self, sex: str, sur: str, kind: str, first: str, pat_stem: str):
        self.sex = sex
        self.sur = decline_surname(sur, kind, sex)
        self.first = decline_first(first, sex)
        self.pat = decline_patronymic(pat_stem, sex)
        self.key = (self.sur["nom"], self.first["nom"], self.pat["nom"])

    @property
    def i(self) -> str:
        return self.first["nom"][0] + "."

    @property
    def o(self) -> str:
        return self.pat["nom"][0] + "."

    def fio(self, c="nom"):
        return f"{self.sur[c]} {self.first[c]} {self.pat[c]}"

    def iof(self, c="nom"):
        return f"{self.first[c]} {self.pat[c]} {self.sur[c]}"

    def fi(self, c="nom"):
        return f"{self.sur[c]} {self.first[c]}"

    def if_(self, c="nom"):
        return f"{self.first[c]} {self.sur[c]}"

    def io(self, c="nom"):
        return f"{self.first[c]} {self.pat[c]}"

    def f_io(self, c="nom", tight=False):
        return f"{self.sur[c]} {self.i}{'' if tight else ' '}{self.o}"

    def io_f(self, c="nom"):
        return f"{self.i} {self.o} {self.sur[c]}"

    def lat(self) -> str:
        return f"{translit(self.first['nom'])} {translit(self.sur['nom'])}"

    def lat_sur(self) -> str:
        return translit(self.sur["nom"])

    def lat_first(self) -> str:
        return translit(self.first["nom"])


USED_SURNAMES: collections.Counter = collections.Counter()


def new_person(sex: str | None = None) -> Person:
    for _ in range(1000):
        sx = sex or rng.choice("mf")
        r = rng.random()
        if r < 0.72:
            sur, kind = rng.choice(SURNAMES_OV), "ov"
        elif r < 0.80:
            sur, kind = rng.choice(SURNAMES_SKY), "sky"
        elif r < 0.91:
            sur, kind = rng.choice(SURNAMES_CONS), "cons"
        elif r < 0.99:
            sur, kind = rng.choice(SURNAMES_INDECL), "indecl"
        else:
            sur, kind = rng.choice(SURNAMES_OI), "oi"
        if USED_SURNAMES[sur] >= 2:
            continue
        first = rng.choice(MALE_FIRST if sx == "m" else FEMALE_FIRST)
        pat = rng.choice(PATRONYMIC_STEMS)
        p = Person(sx, sur, kind, first, pat)
        keys = {"person": p.fio(), "io": p.io(), "fi": p.fi(), "f_io": p.f_io()}
        if any(v.lower() in USED[k] for k, v in keys.items()):
            continue
        for k, v in keys.items():
            USED[k].add(v.lower())
        USED_SURNAMES[sur] += 1
        return p
    raise RuntimeError("ran out of names")


# foreign people written in Cyrillic: (sex, forms nom..prep)
FOREIGN_CYR = [
    ("m", ["Джон Смит", "Джона Смита", "Джону Смиту", "Джона Смита", "Джоном Смитом", "Джоне Смите"]),
    ("f", ["Мария Гонсалес", "Марии Гонсалес", "Марии Гонсалес", "Марию Гонсалес", "Марией Гонсалес", "Марии Гонсалес"]),
    ("m", ["Ли Вэй"] * 6),
    ("m", ["Карлос Мендес", "Карлоса Мендеса", "Карлосу Мендесу", "Карлоса Мендеса", "Карлосом Мендесом", "Карлосе Мендесе"]),
    ("f", ["Эмили Браун"] * 6),
    ("m", ["Пьер Дюбуа", "Пьера Дюбуа", "Пьеру Дюбуа", "Пьера Дюбуа", "Пьером Дюбуа", "Пьере Дюбуа"]),
    ("f", ["Фатима Рахими", "Фатимы Рахими", "Фатиме Рахими", "Фатиму Рахими", "Фатимой Рахими", "Фатиме Рахими"]),
    ("m", ["Томас Келлер", "Томаса Келлера", "Томасу Келлеру", "Томаса Келлера", "Томасом Келлером", "Томасе Келлере"]),
    ("m", ["Ахмед Хасан", "Ахмеда Хасана", "Ахмеду Хасану", "Ахмеда Хасана", "Ахмедом Хасаном", "Ахмеде Хасане"]),
    ("f", ["Чжан Сюэ"] * 6),
    ("m", ["Дэвид Окафор", "Дэвида Окафора", "Дэвиду Окафору", "Дэвида Окафора", "Дэвидом Окафором", "Дэвиде Окафоре"]),
    ("f", ["Ханна Беккер", "Ханны Беккер", "Ханне Беккер", "Ханну Беккер", "Ханной Беккер", "Ханне Беккер"]),
    ("m", ["Нгуен Ван Тхань"] * 6),
    ("f", ["Аиша Белло"] * 6),
    ("m", ["Мехмет Йылдыз", "Мехмета Йылдыза", "Мехмету Йылдызу", "Мехмета Йылдыза", "Мехметом Йылдызом", "Мехмете Йылдызе"]),
    ("f", ["Джулия Росси"] * 6),
]

EN_FIRST_M = """James Daniel Michael Thomas Oliver Peter Kevin Lucas Samuel Ethan Adrian Marcus
Nathan Patrick Victor Rahul Omar Felix Hugo Tobias""".split()
EN_FIRST_F = """Sarah Laura Hannah Sophie Marta Priya Aisha Claire Megan Olivia Grace Nadia Elena
Isabel Leah Fiona Amira Ingrid Rosa Yuki""".split()
EN_LAST = """Mitchell Whitfield O'Connor Raman Okafor Lindqvist Becker Moreau Lambert Novak
Kowalska Fischer Harrington Castillo Brennan Delgado Haugen Ashworth Pereira Gallagher Sandoval
Thornton Kaminski Aldridge Vasquez Holloway Nakamura Ferreira Whitaker Lachance Bergstrom
Mahoney Quigley Farrow Osei Rutherford Kessler Dunmore Albright Sutcliffe""".split()


def en_person() -> tuple[str, str, str]:
    for _ in range(1000):
        sx = rng.choice("mf")
        first = rng.choice(EN_FIRST_M if sx == "m" else EN_FIRST_F)
        last = rng.choice(EN_LAST)
        if last in USED["en_last"]:
            continue
        USED["en_last"].add(last)
        return sx, first, last
    raise RuntimeError("ran out of English names")


# ---------------------------------------------------------------- value generators

def gen_phone(style: str | None = None) -> str:
    styles = ["+7 ddd ddd-dd-dd", "+7 (ddd) ddd-dd-dd", "8 (ddd) ddd-dd-dd", "8ddddddddddd",
              "+7dddddddddd", "8-ddd-ddd-dd-dd", "8 ddd ddd dd dd", "+7-ddd-ddd-dd-dd",
              "7dddddddddd", "+7 ddd ddddddd", "8(ddd)ddd-dd-dd", "+7 ddd ddd dd dd"]
    style = style or rng.choice(styles)
    while True:
        code = str(rng.choice([9]) * 100 + rng.randint(0, 99))
        rest = f"{rng.randint(0, 9999999):07d}"
        if rest[0] == "0" or len(set(rest)) < 4:
            continue
        digits = code + rest
        if style == "8ddddddddddd":
            v = "8" + digits
        elif style in ("+7dddddddddd",):
            v = "+7" + digits
        elif style == "7dddddddddd":
            v = "7" + digits
        else:
            it = iter(digits)
            v = "".join(next(it) if ch == "d" else ch for ch in style)
        if claim("phone", v):
            return v


def gen_intl_phone() -> str:
    while True:
        v = rng.choice([
            f"+44 7{rng.randint(100, 999)} {rng.randint(100000, 999999)}",
            f"+49 15{rng.randint(1, 9)} {rng.randint(1000000, 9999999)}",
            f"+1 ({rng.randint(201, 989)}) {rng.randint(200, 999)}-{rng.randint(1000, 9999)}",
            f"+375 29 {rng.randint(100, 999)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}",
            f"+7 701 {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
        ])
        if claim("phone", v):
            return v


CARD_PREFIXES = ["2200", "2201", "2202", "2203", "2204", "4276", "4279", "4817", "5469", "5536",
                 "5228", "4100", "5213", "2200", "2202"]


def gen_card(style: str | None = None) -> str:
    while True:
        body = rng.choice(CARD_PREFIXES) + "".join(str(rng.randint(0, 9)) for _ in range(11))
        d = body + luhn.calc_check_digit(body)
        if not claim("card", d):
            continue
        style = style or rng.choice(["space", "space", "space", "plain", "plain", "dash", "dash"])
        g = [d[i:i + 4] for i in range(0, 16, 4)]
        if style == "space":
            return " ".join(g)
        if style == "dash":
            return "-".join(g)
        if style == "dspace":
            return "  ".join(g)
        return d


PASSPORT_REGIONS = ["45", "40", "46", "92", "65", "50", "60", "03", "80", "36", "22", "57", "04",
                    "01", "08", "11", "14", "17", "20", "24", "25", "28", "32", "34", "37", "38",
                    "41", "42", "44", "47", "52", "53", "54", "56", "58", "63", "64", "66", "68",
                    "69", "70", "71", "73", "75", "76", "78", "79", "82", "83", "85", "87", "88",
                    "89", "90", "91", "93", "94", "95", "97", "98", "99"]


def gen_passport(style: str | None = None) -> str:
    while True:
        ser = rng.choice(PASSPORT_REGIONS) + f"{rng.choice(list(range(0, 25)) + list(range(97, 100))) % 100:02d}"
        num = f"{rng.randint(100000, 999999)}"
        if not claim("passport", ser + num):
            continue
        style = style or rng.choice(["a", "a", "b", "b", "c", "d", "e", "f"])
        return {
            "a": f"{ser[:2]} {ser[2:]} {num}",
            "b": f"{ser} {num}",
            "c": f"серия {ser} номер {num}",
            "d": f"{ser} № {num}",
            "e": f"{ser}{num}",
            "f": f"{ser[:2]} {ser[2:]} № {num}",
            "g": f"series {ser} no. {num}",
        }[style]


def gen_snils(style: str | None = None) -> str:
    while True:
        d9 = f"{rng.randint(2000000, 999999999):09d}"
        d = d9 + snils_checksum(d9)
        if not claim("snils", d):
            continue
        style = style or rng.choice(["std", "std", "std", "plain", "spaces", "dashes"])
        return {
            "std": f"{d[0:3]}-{d[3:6]}-{d[6:9]} {d[9:]}",
            "plain": d,
            "spaces": f"{d[0:3]} {d[3:6]} {d[6:9]} {d[9:]}",
            "dashes": f"{d[0:3]}-{d[3:6]}-{d[6:9]}-{d[9:]}",
        }[style]


INN_REGIONS = ["77", "78", "50", "16", "66", "54", "61", "23", "02", "63", "52", "59", "24",
               "74", "55", "34", "36", "64", "38", "72", "47", "39", "03", "26"]


def gen_inn() -> str:
    while True:
        body = rng.choice(INN_REGIONS) + f"{rng.randint(1, 99):02d}" + f"{rng.randint(0, 999999):06d}"
        d = body + stdnum_inn.calc_personal_check_digits(body)
        if claim("inn", d):
            return d


ACCOUNT_PREFIXES = ["40817810"] * 8 + ["40817840", "40817978", "40820810", "42301810",
                                       "42305810", "40802810", "42306810"]


def gen_account(style: str | None = None, prefix: str | None = None) -> str:
    while True:
        pre = prefix or rng.choice(ACCOUNT_PREFIXES)
        tail = f"{rng.choice([0, 0, 1, 2, 3, 5, 7]):01d}{rng.randint(0, 999):03d}{rng.randint(0, 9999999):07d}"
        acc = pre + "0" + tail
        acc = acc[:8] + account_key(acc) + acc[9:]
        if not claim("account", acc):
            continue
        style = style or rng.choice(["plain", "plain", "plain", "sp"])
        if style == "sp":
            return f"{acc[:5]} {acc[5:8]} {acc[8]} {acc[9:13]} {acc[13:]}"
        return acc


def gen_cvv() -> str:
    while True:
        v = f"{rng.randint(100, 999)}"
        if claim("cvv", v):
            return v


MONTHS_GEN = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
              "сентября", "октября", "ноября", "декабря"]
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December"]


def gen_birthdate(style: str | None = None, lo: int = 1948, hi: int = 2005) -> str:
    while True:
        y, m, d = rng.randint(lo, hi), rng.randint(1, 12), rng.randint(1, 28)
        style = style or rng.choice(["dot", "dot", "dot", "words", "iso", "dotg"])
        v = {
            "dot": f"{d:02d}.{m:02d}.{y}",
            "dotg": f"{d:02d}.{m:02d}.{y} г.",
            "words": f"{d} {MONTHS_GEN[m - 1]} {y} г.",
            "iso": f"{y}-{m:02d}-{d:02d}",
            "slash": f"{d:02d}/{m:02d}/{y}",
            "en": f"{MONTHS_EN[m - 1]} {d}, {y}",
            "en2": f"{d} {MONTHS_EN[m - 1]} {y}",
        }[style]
        if claim("birthdate", f"{y}{m:02d}{d:02d}"):
            return v


EMAIL_DOMAINS = ["mail.ru", "yandex.ru", "gmail.com", "bk.ru", "inbox.ru", "list.ru",
                 "rambler.ru", "ya.ru", "outlook.com", "icloud.com", "yandex.com", "proton.me"]


def gen_email(p: Person | None = None, first: str = "", last: str = "") -> str:
    if p is not None:
        first, last = p.lat_first().lower(), p.lat_sur().lower()
    first, last = first.lower().replace("'", ""), last.lower().replace("'", "")
    while True:
        n = rng.choice(["", str(rng.randint(1, 99)), str(rng.randint(1960, 2004)),
                        str(rng.randint(100, 999))])
        local = rng.choice([
            f"{first}.{last}{n}", f"{last}_{first[:2]}{n}", f"{first[0]}.{last}{n}",
            f"{first}{last}{n}", f"{last}.{first}{n}", f"{last}{n}", f"{first}-{last}{n}",
        ])
        v = f"{local}@{rng.choice(EMAIL_DOMAINS)}"
        if claim("email", v):
            return v


CITIES = [
    # (nominative, prepositional, region or None, postal prefix)
    ("Москва", "Москве", None, "1"), ("Санкт-Петербург", "Санкт-Петербурге", None, "19"),
    ("Казань", "Казани", "Республика Татарстан", "420"), ("Екатеринбург", "Екатеринбурге", "Свердловская обл.", "620"),
    ("Новосибирск", "Новосибирске", "Новосибирская обл.", "630"), ("Нижний Новгород", "Нижнем Новгороде", "Нижегородская обл.", "603"),
    ("Самара", "Самаре", "Самарская обл.", "443"), ("Ростов-на-Дону", "Ростове-на-Дону", "Ростовская обл.", "344"),
    ("Краснодар", "Краснодаре", "Краснодарский край", "350"), ("Уфа", "Уфе", "Республика Башкортостан", "450"),
    ("Пермь", "Перми", "Пермский край", "614"), ("Воронеж", "Воронеже", "Воронежская обл.", "394"),
    ("Тюмень", "Тюмени", "Тюменская обл.", "625"), ("Иркутск", "Иркутске", "Иркутская обл.", "664"),
    ("Ярославль", "Ярославле", "Ярославская обл.", "150"), ("Тверь", "Твери", "Тверская обл.", "170"),
    ("Калининград", "Калининграде", "Калининградская обл.", "236"), ("Томск", "Томске", "Томская обл.", "634"),
    ("Саратов", "Саратове", "Саратовская обл.", "410"), ("Владивосток", "Владивостоке", "Приморский край", "690"),
    ("Химки", "Химках", "Московская обл.", "141"), ("Мытищи", "Мытищах", "Московская обл.", "141"),
    ("Подольск", "Подольске", "Московская обл.", "142"), ("Тула", "Туле", "Тульская обл.", "300"),
    ("Челябинск", "Челябинске", "Челябинская обл.", "454"), ("Омск", "Омске", "Омская обл.", "644"),
]
STREETS = [
    # (kind, name as written after the kind)
    ("ул.", "Профсоюзная"), ("ул.", "Ленина"), ("ул.", "Гагарина"), ("ул.", "Садовая"),
    ("ул.", "Молодёжная"), ("ул.", "Лесная"), ("ул.", "Школьная"), ("ул.", "Советская"),
    ("ул.", "Мира"), ("ул.", "Набережная"), ("ул.", "Центральная"), ("ул.", "Полевая"),
    ("ул.", "Заводская"), ("ул.", "Строителей"), ("ул.", "Парковая"), ("ул.", "Кирова"),
    ("ул.", "Октябрьская"), ("ул.", "Пролетарская"), ("ул.", "Первомайская"), ("ул.", "Новая"),
    ("ул.", "8 Марта"), ("ул.", "Чапаева"), ("ул.", "Крупской"), ("ул.", "Луговая"),
    ("ул.", "Рябиновая"), ("ул.", "Берёзовая"), ("ул.", "Фрунзе"), ("ул.", "Энтузиастов"),
    ("пр-т", "Мира"), ("пр-т", "Ленинский"), ("пр-т", "Победы"), ("пр-т", "Космонавтов"),
    ("пер.", "Кривоколенный"), ("пер.", "Почтовый"), ("пер.", "Тихий"), ("б-р", "Цветной"),
    ("б-р", "Приморский"), ("ш.", "Каширское"), ("ш.", "Дмитровское"), ("наб.", "Северная"),
    ("пр-д", "Литейный"), ("ул.", "Академика Павлова"), ("ул.", "Маршала Жукова"),
]
STREET_KIND_WORD = {"ул.": "улица", "пр-т": "проспект", "пер.": "переулок", "б-р": "бульвар",
                    "ш.": "шоссе", "наб.": "набережная", "пр-д": "проезд"}


def gen_address(style: str | None = None) -> str:
    while True:
        city, _cp, region, zp = rng.choice(CITIES)
        kind, street = rng.choice(STREETS)
        house = rng.randint(1, 140)
        flat = rng.randint(1, 320)
        korp = rng.choice([None, None, None, 1, 2, 3])
        if not claim("address", f"{city}|{street}|{house}|{flat}|{korp}"):
            continue
        zipc = (zp + "".join(str(rng.randint(0, 9)) for _ in range(6 - len(zp))))
        style = style or rng.choice(["std", "std", "zip", "short", "words", "region", "lower",
                                     "fias", "full", "dash"])
        k = f", корп. {korp}" if korp else ""
        kw = STREET_KIND_WORD[kind]
        if kind == "ул.":
            street_std = f"ул. {street}"
        else:
            street_std = f"{street} {kind}" if kind in ("ш.",) else f"{kind} {street}"
        city_g = f"г. {city}"
        if style == "std":
            return f"{city_g}, {street_std}, д. {house}{k}, кв. {flat}"
        if style == "zip":
            return f"{zipc}, {city_g}, {street_std}, д. {house}{k}, кв. {flat}"
        if style == "short":
            return f"{city}, {street_std}, {house}{'к' + str(korp) if korp else ''}-{flat}"
        if style == "words":
            kk = f", корпус {korp}" if korp else ""
            return f"{city}, {kw} {street}, дом {house}{kk}, квартира {flat}"
        if style == "region":
            reg = f"{region}, " if region else ""
            return f"{reg}{city_g}, {street_std}, д. {house}{k}, кв. {flat}"
        if style == "lower":
            return f"{city.lower()} {kw if rng.random() < .5 else kind.rstrip('.')} {street.lower()} {house}{' к' + str(korp) if korp else ''} кв {flat}"
        if style == "fias":
            return f"г {city}, {kind.rstrip('.')} {street}, д {house}{' к ' + str(korp) if korp else ''}, кв {flat}"
        if style == "full":
            reg = f"{region}, " if region else ""
            return f"Россия, {zipc}, {reg}{city_g}, {street_std}, д. {house}{k}, кв. {flat}"
        # dash
        return f"{city_g}, {street_std} {house}{('/' + str(korp)) if korp else ''}, кв.{flat}"


def gen_address_en() -> str:
    while True:
        r = rng.random()
        if r < 0.4:
            city, _c, _r, zp = rng.choice(CITIES)
            kind, street = rng.choice(STREETS)
            house, flat = rng.randint(1, 140), rng.randint(1, 320)
            if not claim("address", f"{city}|{street}|{house}|{flat}|en"):
                continue
            zipc = (zp + "".join(str(rng.randint(0, 9)) for _ in range(6 - len(zp))))
            kinds = {"ул.": "St.", "пр-т": "Ave.", "пер.": "Ln.", "б-р": "Blvd.", "ш.": "Hwy",
                     "наб.": "Emb.", "пр-д": "Dr."}
            return f"apt. {flat}, {house} {translit(street)} {kinds[kind]}, {translit(city)} {zipc}, Russia"
        if r < 0.7:
            n, flat = rng.randint(2, 220), rng.randint(1, 30)
            st = rng.choice(["Baker Street", "Elm Grove", "Kingsway", "Albert Road", "Mill Lane",
                             "Victoria Terrace", "Station Road", "Park Crescent", "Queen's Drive"])
            city, pc = rng.choice([("London", "NW1 6XE"), ("Leeds", "LS6 2AB"), ("Manchester", "M14 5RT"),
                                   ("Bristol", "BS8 1QU"), ("Edinburgh", "EH3 9DR"), ("Cardiff", "CF10 3NB")])
            if not claim("address", f"{city}|{st}|{n}|{flat}"):
                continue
            return f"Flat {flat}, {n} {st}, {city} {pc}, United Kingdom"
        n = rng.randint(10, 9800)
        st = rng.choice(["Oak Avenue", "Maple Street", "Lincoln Blvd", "Cedar Lane", "Sunset Drive",
                         "Pine Street", "Harbor Way"])
        apt = f"Apt {rng.randint(1, 40)}{rng.choice('ABCD')}"
        city = rng.choice(["Springfield, IL 62704", "Austin, TX 78701", "Portland, OR 97205",
                           "Denver, CO 80203", "Columbus, OH 43215"])
        if not claim("address", f"{city}|{st}|{n}|{apt}"):
            continue
        return f"{n} {st}, {apt}, {city}, USA"


# ---------------------------------------------------------------- request context

class Ctx:
    """Collects the labels of one request while its text is being written."""

    def __init__(self):
        self.labels: list[dict] = []

    def add(self, typ: str, value: str) -> str:
        item = {"type": typ, "value": value}
        if item not in self.labels:
            self.labels.append(item)
        return value

    # names
    def nm(self, s: str) -> str:
        return self.add("name", s)

    def phone(self, style=None):
        return self.add("phone", gen_phone(style))

    def intl_phone(self):
        return self.add("phone", gen_intl_phone())

    def card(self, style=None):
        return self.add("card", gen_card(style))

    def passport(self, style=None):
        return self.add("passport", gen_passport(style))

    def snils(self, style=None):
        return self.add("snils", gen_snils(style))

    def inn(self):
        return self.add("inn", gen_inn())

    def address(self, style=None):
        return self.add("address", gen_address(style))

    def address_en(self):
        return self.add("address", gen_address_en())

    def account(self, style=None, prefix=None):
        return self.add("account", gen_account(style, prefix))

    def email(self, p=None, first="", last=""):
        return self.add("email", gen_email(p, first, last))

    def birthdate(self, style=None):
        return self.add("birthdate", gen_birthdate(style))

    def cvv(self):
        return self.add("cvv", gen_cvv())


def ch(*options):
    return rng.choice(options)


_DRAW: dict[str, list] = {}


def draw(name: str, pool: list):
    """Take items from a pool without repeats until it is exhausted, then start over."""
    if not _DRAW.get(name):
        items = list(pool)
        rng.shuffle(items)
        _DRAW[name] = items
    return _DRAW[name].pop()


def pick(*fns):
    return rng.choice(fns)()


def maybe(p: float) -> bool:
    return rng.random() < p


def amount_rub() -> str:
    v = rng.choice([rng.randint(5, 999) * 10, rng.randint(1, 99) * 1000, rng.randint(100, 3000) * 1000])
    s = f"{v:,}".replace(",", " ")
    if maybe(0.3):
        s += f",{rng.randint(0, 99):02d}"
    return s + ch(" ₽", " руб.", " рублей", " р.")


def short_no() -> str:
    return str(rng.randint(1000, 999999))


def some_date(year=None) -> str:
    y = year or ch(2025, 2026)
    return f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{y}"


def respect(p: Person) -> str:
    return "Уважаемый" if p.sex == "m" else "Уважаемая"


def past(p: Person, m: str, f: str) -> str:
    return m if p.sex == "m" else f


# ---------------------------------------------------------------- system prompts

SYS_EMAIL = [
    "Ты помощник сотрудника банка. Пиши вежливо и кратко.",
    "Ты — ассистент менеджера по работе с клиентами. Составляй письма в деловом стиле, без канцелярита и без эмодзи.",
    "Вы пишете письма клиентам от имени банка. Не обещайте того, чего нет в задании. В конце подпись «С уважением, команда банка».",
    "Ты модуль генерации писем в CRM. Верни только текст письма: тема, обращение, 2–4 абзаца, подпись.",
    "Роль: копирайтер службы клиентского сервиса. Тон тёплый, но деловой. Объём до 150 слов.",
]
SYS_EMAIL_EN = [
    "You are an assistant for relationship managers at a retail bank. Write concise, polite business e-mails.",
    "You draft customer e-mails on behalf of the bank. Plain English, no promises beyond the facts given.",
]
SYS_SUMMARY = [
    "Ты суммаризируешь звонки колл-центра банка. Формат ответа: Тема; Суть обращения; Что сделано; Следующий шаг.",
    "Сделай краткое резюме разговора для карточки обращения (не более 5 предложений). Без оценочных суждений.",
    "Ты — модуль постобработки звонков. Выдели: причину звонка, результат, нужна ли эскалация (да/нет).",
    "Кратко перескажи диалог оператора и клиента списком из 3–6 пунктов.",
    "Ты помогаешь супервизору контакт-центра. Summarize: тема, настроение клиента, решено ли обращение.",
]
SYS_SUMMARY_EN = [
    "You summarise contact-centre calls for the CRM. Output: Topic, Customer request, Actions taken, Next steps.",
    "Summarise the following call transcript in at most five bullet points.",
]
CATS_1 = "карты, кредиты, вклады, переводы, мобильное_приложение, мошенничество, жалоба_на_сервис, другое"
CATS_2 = "BLOCK_CARD, DISPUTE, LOAN, DEPOSIT, TRANSFER, APP, FRAUD, COMPLAINT, DOCS, OTHER"
SYS_CLASS = [
    f"Ты классификатор обращений. Категории: {CATS_1}. Ответь JSON: {{\"category\": ..., \"priority\": \"low|medium|high\"}}.",
    f"Classify the ticket into one of: {CATS_2}. Return only the label.",
    f"Определи категорию обращения ({CATS_1}) и тональность (негатив/нейтрально/позитив). Ответ в одну строку через точку с запятой.",
    "Ты маршрутизатор тикетов. Выбери очередь: «Карты», «Кредиты», «Вклады и счета», «Дистанционное обслуживание», «Антифрод», «Претензии». Ответ — только название очереди.",
    "Проставь теги обращению (не больше трёх) из списка: карта, блокировка, перевыпуск, кредит, просрочка, вклад, перевод, приложение, смс, комиссия, жалоба, мошенничество, документы.",
]
SYS_TRANSLATE = [
    "Ты переводчик банка. Переводи точно, сохраняй форматирование и реквизиты.",
    "Translate the user's text. Keep numbers, names and formatting unchanged.",
    "Ты профессиональный переводчик финансовых документов. Перевод должен быть юридически точным.",
]
SYS_QA = [
    "Ты внутренний ассистент сотрудников банка. Отвечай по регламентам, если не знаешь — так и скажи.",
    "Ты помогаешь операционистам отделений. Отвечай коротко, по шагам.",
    "Ты консультант по внутренним процедурам банка (комплаенс, ПОД/ФТ, сервис). Отвечай со ссылкой на здравый смысл, без выдумок.",
]
SYS_EXTRACT = [
    "Извлеки данные из документа и верни JSON. Отсутствующие поля — null.",
    "Ты модуль распознавания анкет. Верни строго JSON без комментариев.",
    "Extract the requested fields as JSON. Use null for missing values.",
    "Выдели из текста реквизиты и верни их таблицей в формате Markdown.",
]
SYS_REWRITE = [
    "Ты редактор. Перепиши текст, сохранив смысл и все факты.",
    "Ты помогаешь сотрудникам банка писать грамотно. Исправь ошибки и сделай текст понятнее.",
    "Rewrite the text to be clear and professional. Keep all facts.",
]


def sys_msg(pool, p_absent=0.15):
    if maybe(p_absent):
        return []
    return [{"role": "system", "content": rng.choice(pool)}]


def u(text):
    return {"role": "user", "content": text}


def a(text):
    return {"role": "assistant", "content": text}


def any_name(p: Person, case="nom", styles=("fio", "fio", "fio", "iof", "f_io", "f_io_t", "io_f", "if", "fi")) -> str:
    st = rng.choice(styles)
    return {
        "fio": p.fio, "iof": p.iof, "f_io": p.f_io, "io_f": p.io_f, "if": p.if_, "fi": p.fi,
        "f_io_t": lambda c: p.f_io(c, tight=True),
    }[st](case)


# ================================================================ PII templates (generated)
# Each returns (task, lang, messages); values are labelled through the Ctx as they are written.

EMAIL_EVENTS = [
    ("одобрение кредита", "заявка на кредит наличными одобрена, сумма {amt}, срок 36 месяцев, ставка {pct} годовых"),
    ("перевыпуск карты", "карта перевыпущена по истечении срока и готова к выдаче"),
    ("окончание вклада", "срок вклада «Надёжный» заканчивается через 7 дней, можно продлить онлайн под {pct}"),
    ("задолженность", "по кредитной карте образовалась задолженность {amt}, платёж просрочен на 5 дней"),
    ("смена тарифа", "с 1 числа следующего месяца пакет обслуживания переводится на тариф «Базовый», кешбэк снижается до {pct}"),
    ("обновление анкеты", "необходимо обновить анкетные данные, так как истёк срок действия документа"),
    ("возврат средств", "по оспоренной операции поступил возврат {amt}"),
    ("запрос документов", "для завершения проверки по переводу нужно предоставить документы об источнике средств"),
    ("страховка", "по ипотечному договору заканчивается полис страхования, нужно продлить до конца месяца"),
    ("приглашение на встречу", "персональный менеджер приглашает обсудить условия инвестиционного счёта"),
]


def pii_email_crm(c: Ctx):
    p = new_person()
    tmpl, ev = rng.choice(EMAIL_EVENTS)
    ev = ev.format(amt=amount_rub(), pct=pct())
    fields = [f"ФИО клиента: {c.nm(p.fio())}"]
    if maybe(0.6):
        fields.append(f"Обращение: {respect(p)} {c.nm(p.io())}")
    opts = []
    if maybe(0.75):
        opts.append(f"E-mail: {c.email(p)}")
    if maybe(0.6):
        opts.append(f"{ch('Телефон', 'Моб. телефон', 'Контактный телефон')}: {c.phone()}")
    if maybe(0.25):
        opts.append(f"Дата рождения: {c.birthdate('dot')}")
    if maybe(0.3):
        opts.append(f"Счёт: {c.account()}")
    if maybe(0.2):
        opts.append(f"Адрес для корреспонденции: {c.address()}")
    if maybe(0.35):  # a masked card number is not personal data and is not labelled
        opts.append(f"Карта: *{rng.randint(1000, 9999)}")
    rng.shuffle(opts)
    fields += opts
    fields.append(f"Событие: {ev}")
    if maybe(0.5):
        fields.append(f"Канал: {ch('e-mail', 'e-mail + push', 'письмо в личный кабинет')}")
    head = ch(f"Сгенерируй письмо клиенту по сценарию «{tmpl}».",
              f"Нужен текст письма, сценарий: {tmpl}.",
              f"Сценарий CRM: {tmpl}. Подготовь письмо.")
    return "email_draft", "ru", sys_msg(SYS_EMAIL) + [u(head + "\nДанные из CRM:\n" + "\n".join(fields))]


def pii_email_free(c: Ctx):
    p = new_person()
    _, ev = rng.choice(EMAIL_EVENTS)
    ev = ev.format(amt=amount_rub(), pct=pct())
    style = rng.random()
    if style < 0.35:
        name = c.nm(p.if_("dat").lower() if maybe(0.5) else p.fio("dat").lower())
        txt = f"напиши письмо {name}, суть: {ev}. коротко и без воды"
        if maybe(0.6):
            txt += f". почта клиента {c.email(p)}"
        if maybe(0.4):
            txt += f", если что пусть звонит на {c.phone()}" if maybe(0.5) else f", мы перезвоним на номер {c.phone()}"
    elif style < 0.7:
        name = c.nm(any_name(p, "dat", ("fio", "f_io", "iof")))
        txt = f"Составь письмо {name}: {ev}."
        if maybe(0.5):
            txt += f" В письме обратись к клиенту по имени-отчеству ({c.nm(p.io())})."
        if maybe(0.5):
            txt += f" Отправлять будем на {c.email(p)}."
        if maybe(0.3):
            txt += f" {past(p, 'Клиент просил', 'Клиентка просила')} не звонить на {c.phone()} в рабочее время."
    else:
        name = c.nm(any_name(p, "gen", ("fio", "f_io", "f_io_t")))
        txt = (f"Подготовь ответ на обращение {name}. Ситуация: {ev}. "
               f"{ch('Тон официальный.', 'Тон дружелюбный.', 'Извинись за задержку.', 'Без юридических формулировок.')}")
        if maybe(0.6):
            txt += f" Клиент {past(p, 'указал', 'указала')} адрес для писем: {c.address()}."
        if maybe(0.4):
            txt += f" Телефон в профиле: {c.phone()}."
    return "email_draft", "ru", sys_msg(SYS_EMAIL) + [u(txt)]


def pii_email_overdue(c: Ctx):
    p = new_person()
    days = rng.randint(3, 90)
    name = c.nm(any_name(p, "dat", ("fio", "f_io", "iof")))
    acc = c.account(prefix="40817810")
    lines = [
        ch("Составь вежливое напоминание", "Напиши мягкое, но чёткое письмо-напоминание",
           "Нужно письмо-уведомление"),
        f" {name} о просрочке по кредитному договору № {short_no()} — {days} дн.",
        f" Сумма к погашению {amount_rub()}.",
        f" Погасить можно переводом на счёт {acc} или в приложении.",
    ]
    if maybe(0.5):
        lines.append(f" Последний раз {past(p, 'клиент обещал', 'клиентка обещала')} оплатить до {some_date()} по телефону {c.phone()}.")
    if maybe(0.4):
        lines.append(f" Письмо уйдёт на {c.email(p)}, продублируем бумажным по адресу {c.address()}.")
    lines.append(ch(" Без угроз и без упоминания коллекторов.", " Укажи, что при оплате в течение 5 дней штраф не начисляется.", ""))
    return "email_draft", "ru", sys_msg(SYS_EMAIL) + [u("".join(lines).strip())]


def pii_email_reissue(c: Ctx):
    p = new_person()
    txt = (f"{past(p, 'Клиент', 'Клиентка')} {c.nm(p.fio())}"
           f"{' (д.р. ' + c.birthdate() + ')' if maybe(0.5) else ''} заказал{'' if p.sex == 'm' else 'а'} перевыпуск карты {c.card()} "
           f"{ch('в связи с утерей', 'из-за повреждения чипа', 'по окончании срока действия', 'после компрометации')}. ")
    if maybe(0.6):
        txt += f"Новая карта будет доставлена курьером по адресу {c.address()}. "
    else:
        txt += "Новую карту можно будет забрать в отделении через 5 рабочих дней. "
    txt += ch("Напиши уведомление клиенту.", "Сделай короткое письмо-уведомление.", "Подготовь e-mail и смс (до 160 символов).")
    if maybe(0.5):
        txt += f" Адрес почты: {c.email(p)}."
    return "email_draft", "ru", sys_msg(SYS_EMAIL) + [u(txt)]


def pii_email_ip(c: Ctx):
    p = new_person()
    txt = (f"Напиши письмо индивидуальному предпринимателю {c.nm(p.fio('dat'))} (ИНН {c.inn()}). "
           f"По расчётному счёту {c.account(prefix='40802810')} "
           f"{ch('приостановлены операции до предоставления пояснений по платежам за прошлый месяц', 'с 1 числа меняется тариф на «Оборот»', 'не хватает актуальной выписки из ЕГРИП и копии паспорта', 'одобрен овердрафт в размере ' + amount_rub())}. ")
    if maybe(0.5):
        txt += f"В обращении используй «{respect(p)} {c.nm(p.io())}». "
    if maybe(0.6):
        txt += f"Контакты клиента: {c.email(p)}, {c.phone()}."
    return "email_draft", "ru", sys_msg(SYS_EMAIL) + [u(txt.strip())]


def pii_email_multiturn(c: Ctx):
    p = new_person()
    topic = ch("о переносе встречи в отделении на следующую неделю",
               "о том, что документы по ипотеке приняты и переданы на проверку",
               "с благодарностью за отзыв о работе отделения",
               "о готовности справки о доходах по вкладам")
    first = u(f"Напиши короткое письмо клиенту {topic}. Имя пока не знаю, оставь заглушку.")
    draft = a(f"Тема: Информация по вашему обращению\n\nЗдравствуйте, [Имя Отчество]!\n\nСообщаем вам {topic}. "
              "Если у вас остались вопросы, ответьте на это письмо.\n\nС уважением,\nкоманда банка")
    second = (f"Подставь: {c.nm(p.iof())}. {ch('Добавь', 'Допиши', 'Вставь')} в конце, что менеджер перезвонит на номер {c.phone()}"
              + (f", а копию отправим на {c.email(p)}" if maybe(0.5) else "") + ".")
    if maybe(0.3):
        second += f" И обращайся «{c.nm(p.io())}», без фамилии."
    return "email_draft", "ru", sys_msg(SYS_EMAIL, 0.4) + [first, draft, u(second)]


def pii_email_en(c: Ctx):
    if maybe(0.5):
        sx, first, last = en_person()
        full = c.nm(f"{first} {last}")
        title = ("Mr. " if sx == "m" else "Ms. ") + last
        salutation = f"Dear {c.nm(title)}" if maybe(0.5) else f"Dear {c.nm(first)}"
        email = c.email(first=first, last=last)
    else:
        p = new_person()
        full = c.nm(p.lat() if maybe(0.6) else f"{translit(p.first['nom'])} {translit(p.pat['nom'])} {translit(p.sur['nom'])}")
        salutation = f"Dear {c.nm(('Mr. ' if p.sex == 'm' else 'Ms. ') + p.lat_sur())}"
        email = c.email(p)
    what = pick(
        lambda: f"confirming that the incoming SWIFT transfer of $1,{rng.randint(100, 999)} to account {c.account(prefix='40817840')} has been credited",
        lambda: f"asking them to bring their passport to the branch to update their file; their registered address is {c.address_en()}",
        lambda: "explaining that their card was blocked after three wrong PIN attempts and how to unblock it in the app",
        lambda: f"letting them know that the term deposit matures next Friday and will be rolled over unless they call {c.intl_phone()}",
    )
    txt = f"Draft an email to our client {full} ({email}) {what}. Start with \"{salutation},\"."
    return "email_draft", "en", sys_msg(SYS_EMAIL_EN) + [u(txt)]


# ---------------------------------------------------------------- call transcripts with personal data

SPEAKERS_RU = [("Оператор", "Клиент"), ("О", "К"), ("Сотрудник", "Клиент"), ("Специалист", "Абонент"),
               ("SPEAKER_1", "SPEAKER_2"), ("Агент", "Клиент"), ("operator", "client")]


def render_dialog(lines, speakers, timestamps=False):
    op, cl = speakers
    out, t = [], rng.randint(0, 4)
    for who, text in lines:
        lab = op if who == "O" else cl
        if timestamps:
            out.append(f"[{t // 60:02d}:{t % 60:02d}] {lab}: {text}")
            t += rng.randint(4, 25)
        else:
            out.append(f"{lab}: {text}")
    return "\n".join(out)


def intro_lines(c: Ctx, p: Person):
    greet = ("O", ch("Здравствуйте! Служба поддержки банка, чем могу помочь?",
                     "Добрый день, банк, слушаю вас.",
                     "Здравствуйте, вы позвонили в контактный центр банка. Чем могу помочь?",
                     "Алло, добрый день, служба поддержки."))
    r = rng.random()
    if r < 0.4:
        return [greet, ("K", pick(lambda: f"Здравствуйте, меня зовут {c.nm(p.fio())}.",
                                   lambda: f"Добрый день, это {c.nm(p.if_())}, я ваш клиент.",
                                   lambda: f"Алло, здрасьте. {c.nm(p.fio())} беспокоит.")),
                ("O", ch("Слушаю вас.", "Да, слушаю.", "Здравствуйте. Чем могу помочь?"))], True
    if r < 0.7:
        return [greet, ("K", "Здравствуйте, у меня вопрос по карте."),
                ("O", "Для идентификации назовите, пожалуйста, ваши фамилию, имя, отчество и дату рождения."),
                ("K", f"{c.nm(p.fio())}, {c.birthdate(ch('dot', 'words'))}.")], True
    return [greet, ("K", ch("Здравствуйте. Мне нужна помощь.", "Добрый день, подскажите, пожалуйста.")),
            ("O", "Конечно. Как я могу к вам обращаться?"),
            ("K", f"{c.nm(p.io())}."),
            ("O", ch("Слушаю вас.", "Очень приятно. Что случилось?", "Хорошо, слушаю."))], False


def issue_lost_card(c, p):
    lines = [("K", ch("Я, кажется, потерял{} карту. Нужно срочно заблокировать.", "У меня украли кошелёк, там была карта.").format("" if p.sex == "m" else "а")),
             ("O", "Понимаю. Продиктуйте, пожалуйста, номер карты, если он у вас есть."),
             ("K", f"Да, у меня фотография сохранилась. {c.card()}."),
             ("O", "Спасибо, карта заблокирована. Хотите перевыпустить её с доставкой?"),
             ("K", "Да, если можно, привезите домой.")]
    lines += [("O", "Назовите адрес доставки."), ("K", f"{c.address(ch('std', 'words', 'short'))}.")]
    lines += [("O", f"Записал. Курьер позвонит заранее. Номер для связи тот же, {c.phone()}?"),
              ("K", ch("Да, этот.", "Да-да, верно."))]
    return lines, "утеря карты"


def issue_dispute(c, p):
    amt = amount_rub()
    lines = [("K", f"У меня списали {amt}, а я ничего не покупал{'' if p.sex == 'm' else 'а'}. Какой-то интернет-магазин."),
             ("O", "Давайте проверим. С какой карты было списание?"),
             ("K", f"С кредитки. Номер {c.card()}."),
             ("O", f"Вижу операцию от {some_date()} на сумму {amt}. Я оформлю претензию. Куда прислать бланк заявления?"),
             ("K", f"На почту {c.email(p)}."),
             ("O", "Бланк придёт в течение часа. Заполните его и отправьте ответным письмом. Срок рассмотрения до 30 дней.")]
    return lines, "оспаривание операции"


def issue_change_phone(c, p):
    old, new = c.phone(), c.phone()
    lines = [("K", f"Я сменил{'' if p.sex == 'm' else 'а'} номер телефона. Старый {old}, теперь у меня {new}."),
             ("O", "Для смены номера по телефону мне нужно подтвердить вашу личность. Назовите серию и номер паспорта."),
             ("K", f"{c.passport(ch('a', 'b', 'c'))}."),
             ("O", "Спасибо. Заявку на смену номера я создал, но подтвердить её нужно в отделении или в приложении по биометрии."),
             ("K", "А быстрее никак?"),
             ("O", "К сожалению, нет, это требование безопасности.")]
    return lines, "смена номера телефона"


def issue_tax(c, p):
    lines = [("K", "Мне нужна справка об уплаченных процентах по ипотеке для налогового вычета."),
             ("O", "Хорошо. Для справки понадобится ваш ИНН. Продиктуйте, пожалуйста."),
             ("K", f"Сейчас... {c.inn()}."),
             ("O", "Справку сформируем за три рабочих дня. Отправить на электронную почту?"),
             ("K", f"Да, {c.email(p)}."),
             ("O", "Записала. Также она появится в приложении в разделе «Документы».")]
    return lines, "справка для налогового вычета"


def issue_pension(c, p):
    lines = [("K", "Хочу, чтобы пенсию перечисляли к вам на карту «Мир»."),
             ("O", "Конечно. Для заявления нам понадобится СНИЛС. Можете продиктовать?"),
             ("K", f"{c.snils()}."),
             ("O", "Спасибо. И адрес регистрации, как в паспорте."),
             ("K", f"{c.address(ch('std', 'zip', 'region'))}."),
             ("O", "Заявление отправим в фонд, перевод начнётся со следующего месяца. Вам придёт смс.")]
    return lines, "перевод пенсии"


def issue_early_repayment(c, p):
    amt = amount_rub()
    lines = [("K", f"Хочу частично досрочно погасить кредит, примерно {amt}. Ставка у меня {pct()}, хочу сэкономить."),
             ("O", "Уменьшаем срок или платёж?"),
             ("K", "Платёж."),
             ("O", "Деньги должны быть на счёте погашения к дате платежа. Вы знаете номер счёта?"),
             ("K", f"Да, {c.account()}, я туда обычно и кладу."),
             ("O", "Верно, это ваш счёт. Заявление на досрочное погашение я оформил, подтвердите его в приложении.")]
    return lines, "досрочное погашение"


def issue_transfer_missing(c, p):
    r = new_person()
    rel = ch("сыну", "брату", "отцу", "племяннику") if r.sex == "m" else ch("дочери", "маме", "сестре", "племяннице")
    lines = [("K", f"Я вчера отправил{'' if p.sex == 'm' else 'а'} деньги {rel}, {c.nm(r.fio('dat'))}, а они не дошли."),
             ("O", "Вы переводили по номеру телефона или по реквизитам?"),
             ("K", f"По реквизитам, на счёт {c.account()}."),
             ("O", "Вижу перевод, он на проверке. Получатель — это ваш родственник?"),
             ("K", f"Да, {c.nm(r.if_())}, он{'' if r.sex == 'm' else 'а'} живёт в {rng.choice(CITIES)[1]}."),
             ("O", "Хорошо, я передам информацию, перевод обычно проходит в течение суток.")]
    return lines, "перевод не дошёл"


def issue_fraud(c, p):
    lines = [("K", "Мне позвонили из вашей службы безопасности, сказали, что кто-то оформляет кредит на меня."),
             ("O", "Наш банк не звонит с такими сообщениями. Что вы им сообщили?"),
             ("K", f"Ну... номер карты {c.card()} и три цифры сзади, {c.cvv()}. И код из смс."),
             ("O", "Я немедленно блокирую карту. Это были мошенники. Были ли списания?"),
             ("K", f"Пришло смс о переводе на {amount_rub()}."),
             ("O", "Я оформляю заявление о мошенничестве, также рекомендую обратиться в полицию."),
             ("K", f"Перезвоните мне, пожалуйста, на {c.phone()}, я сейчас с другого номера.")]
    return lines, "мошенничество"


def issue_address_change(c, p):
    lines = [("K", "Я переехал{}, хочу поменять адрес для писем.".format("" if p.sex == "m" else "а")),
             ("O", "Назовите, пожалуйста, новый адрес полностью."),
             ("K", f"{c.address(ch('words', 'std', 'zip', 'lower'))}."),
             ("O", "А прежний адрес какой у нас указан, проверим?"),
             ("K", f"Раньше был {c.address(ch('std', 'short'))}."),
             ("O", "Да, совпадает. Адрес обновлён, выписки будут приходить по новому адресу.")]
    return lines, "смена адреса"


def issue_inheritance(c, p):
    d = new_person("m")
    lines = [("K", f"У меня умер отец, {c.nm(d.fio())}. У него был вклад у вас, я наследни{'к' if p.sex == 'm' else 'ца'}."),
             ("O", "Примите соболезнования. Для консультации понадобится свидетельство о праве на наследство. Документ уже есть?"),
             ("K", "Нотариус выдаст через неделю."),
             ("O", f"Тогда подойдите в отделение с паспортом. Я вижу вклад на имя {c.nm(d.f_io('gen'))}."),
             ("K", f"Мой паспорт {c.passport()}, его записать?"),
             ("O", "Записывать не нужно, оригинал понадобится в отделении.")]
    return lines, "наследство"


ISSUES_RU = [issue_lost_card, issue_dispute, issue_change_phone, issue_tax, issue_pension,
             issue_early_repayment, issue_transfer_missing, issue_fraud, issue_address_change,
             issue_inheritance]


def pii_call_summary(c: Ctx):
    p = new_person()
    lines, named = intro_lines(c, p)
    k = rng.sample(ISSUES_RU, 2 if maybe(0.25) else 1)
    for i, fn in enumerate(k):
        body, _topic = fn(c, p)
        if i > 0:
            body = [("K", "И ещё один вопрос, раз уж дозвонил{}.".format("ся" if p.sex == "m" else "ась")),
                    ("O", ch("Да, конечно.", "Слушаю.", "Да, пожалуйста."))] + body
        lines += body
    if maybe(0.6):
        lines.append(("O", f"Могу ещё чем-то помочь, {c.nm(p.io())}?"))
        lines.append(("K", "Нет, спасибо."))
    lines.append(("O", ch("Спасибо за обращение, всего доброго!", "Хорошего дня!", "Спасибо за звонок.")))
    text = render_dialog(lines, rng.choice(SPEAKERS_RU), timestamps=maybe(0.3))
    lead = ch("Суммаризируй звонок:\n", "Транскрипт звонка:\n", "", "Сделай резюме разговора.\n\n",
              f"Звонок от {some_date()}, длительность {rng.randint(2, 14)} мин.\n")
    return "call_summary", "ru", sys_msg(SYS_SUMMARY, 0.1) + [u(lead + text)]


def pii_call_summary_en(c: Ctx):
    sx, first, last = en_person()
    full = c.nm(f"{first} {last}")
    title = c.nm(("Mr " if sx == "m" else "Ms ") + last)
    lines = [("O", "Good afternoon, you're through to the bank's customer service. How can I help?"),
             ("K", f"Hi, my name is {full}. I'm calling about a payment that hasn't arrived."),
             ("O", "I can look into that. Could you confirm your date of birth and postcode, please?"),
             ("K", f"Sure, {c.add('birthdate', gen_birthdate(ch('en', 'en2', 'slash')))}, and I live at {c.address_en()}."),
             ("O", f"Thank you, {title}. Which account was the payment sent to?"),
             ("K", f"My rouble account, {c.account(prefix=ch('40820810', '40817810'))}. It was sent from my UK bank five days ago."),
             ("O", "I can see an incoming transfer pending a compliance check. We may need proof of the source of funds."),
             ("K", f"Okay. Can you email me the list? It's {c.email(first=first, last=last)}."),
             ("O", "Of course. You'll receive it within the hour."),
             ("K", f"And you can reach me on {c.intl_phone()} if anything else is needed."),
             ("O", "Noted. Is there anything else I can help with today?"),
             ("K", "No, that's all, thanks.")]
    text = render_dialog(lines, ("Agent", "Customer"), timestamps=maybe(0.4))
    return "call_summary", "en", sys_msg(SYS_SUMMARY_EN, 0.1) + [u(ch("Call transcript:\n", "Summarise:\n", "") + text)]


# ---------------------------------------------------------------- tickets (classification)

def ticket_body(c: Ctx, p: Person) -> str:
    r = rng.random()
    if r < 0.15:
        return (f"{ch('добрый день', 'здравствуйте', 'помогите')}. карта {c.card()} {ch('заблокирована', 'не работает', 'не проходит оплата')}, "
                f"{ch('не могу расплатиться в магазине', 'в приложении пишет ошибка 403', 'уже второй день')}. "
                f"я {c.nm(p.if_().lower() if maybe(0.5) else p.fio().lower())}, тел {c.phone()}")
    if r < 0.3:
        return (f"Здравствуйте! Меня зовут {c.nm(p.fio())}. {ch('Вчера', 'Сегодня утром', 'На прошлой неделе')} с моего счёта {c.account()} "
                f"списали {amount_rub()} без моего согласия. Прошу вернуть деньги и разобраться. "
                f"{ch('Это уже второй раз!', 'Жду ответа.', 'Иначе буду жаловаться регулятору.')}")
    if r < 0.45:
        return (f"Прошу предоставить справку о полной выплате кредита по договору № {short_no()}. "
                f"Заёмщик: {c.nm(p.fio())}, дата рождения {c.birthdate()}, паспорт {c.passport()}. "
                f"Справку прошу направить на {c.email(p)}.")
    if r < 0.6:
        return (f"не приходят смс с кодами на номер {c.phone()}, не могу войти в приложение. "
                f"{ch('телефон новый', 'оператор тот же', past(p, 'сим-карту менял', 'сим-карту меняла'), past(p, 'перезагружал уже', 'перезагружала уже'))}. "
                f"{c.nm(any_name(p, 'nom', ('f_io', 'f_io_t', 'fi')))}")
    if r < 0.72:
        return (f"Жалоба на сотрудника отделения в {rng.choice(CITIES)[1]}. {ch('Грубо разговаривал', 'Отказался принять документы', 'Заставил ждать 40 минут')}. "
                f"Клиент: {c.nm(p.fio())}, контактный телефон {c.phone()}, адрес для ответа: {c.address()}.")
    if r < 0.84:
        return (f"Пенсия не пришла на карту. СНИЛС {c.snils()}, получатель {c.nm(p.fio())}. "
                f"{ch('Раньше приходила 5-го числа.', 'Звонили в фонд, говорят, отправили.', 'Что делать?')}")
    return (f"Добрый день. Я ИП {c.nm(any_name(p, 'nom', ('fio', 'f_io')))}, ИНН {c.inn()}. "
            f"{ch('Не могу подписать платёжку в интернет-банке', 'Банк заблокировал расчётный счёт по 115-ФЗ', 'Не пришла выписка за прошлый месяц')}. "
            f"Свяжитесь со мной: {c.email(p)}.")


def pii_classification(c: Ctx):
    p = new_person()
    body = ticket_body(c, p)
    fmt = rng.random()
    if fmt < 0.4:
        text = body
    elif fmt < 0.7:
        text = (f"Тикет #{short_no()}\nКанал: {ch('чат в приложении', 'e-mail', 'форма на сайте', 'мессенджер')}\n"
                f"Текст обращения:\n{body}")
    else:
        text = f"Классифицируй обращение:\n\"\"\"\n{body}\n\"\"\""
    return "classification", "ru", sys_msg(SYS_CLASS, 0.05) + [u(text)]


def pii_classification_en(c: Ctx):
    sx, first, last = en_person()
    body = pick(
        lambda: (f"Hello, my name is {c.nm(first + ' ' + last)}. My card {c.card()} was charged twice at a hotel. "
                 f"Please refund. You can reach me at {c.email(first=first, last=last)}."),
        lambda: (f"Customer {c.nm(last + ', ' + first)} reports that the app logs them out every time. "
                 f"Phone on file: {c.intl_phone()}. Priority please, they are travelling."),
        lambda: (f"I moved and need to update my address to {c.address_en()}. "
                 f"Account holder: {c.nm(first + ' ' + last)}, DOB {c.add('birthdate', gen_birthdate(ch('en', 'slash', 'iso')))}."),
    )
    return "classification", "en", sys_msg([SYS_CLASS[1]], 0.0) + [u(f"Ticket:\n{body}")]


# ---------------------------------------------------------------- translation

def pii_translate_reference(c: Ctx):
    p = new_person()
    city = rng.choice(CITIES)[0]
    text = (f"СПРАВКА\n\nНастоящим подтверждается, что {c.nm(p.fio())}, {c.birthdate('dot')} г.р., "
            f"паспорт {c.passport(ch('a', 'b', 'c'))}, является клиентом банка и имеет текущий счёт № {c.account()} "
            f"в рублях. Остаток денежных средств на {some_date()} составляет {amount_rub()}.\n"
            f"Справка выдана для предъявления в консульство.\n\n{city}, {some_date()}")
    ask = ch("Переведи справку на английский для визы.", "Translate into English, formal style:",
             "Нужен перевод на английский, клиент несёт в визовый центр:")
    return "translation", "ru", sys_msg(SYS_TRANSLATE, 0.3) + [u(f"{ask}\n\n{text}")]


def pii_translate_letter_en(c: Ctx):
    sx, first, last = en_person()
    full = c.nm(f"{first} {last}")
    body = (f"Dear Sir or Madam,\n\nMy name is {full} and I have held a current account with your bank since "
            f"{rng.randint(2015, 2023)}. On {rng.randint(1, 28)} {rng.choice(MONTHS_EN)} I tried to withdraw cash with my card "
            f"{c.card()} at an ATM, but the money was not dispensed and my account was debited.\n\n"
            f"Please investigate and refund the amount. I can be reached at {c.email(first=first, last=last)}"
            + (f" or by phone on {c.intl_phone()}" if maybe(0.6) else "") + ".\n"
            + (f"My postal address is {c.address_en()}.\n" if maybe(0.6) else "")
            + f"\nKind regards,\n{c.nm(first[0] + '. ' + last)}")
    ask = ch("Переведи письмо клиента на русский:", "Переведи на русский, это жалоба иностранного клиента.",
             "перевод на русский пжл")
    return "translation", "en", sys_msg(SYS_TRANSLATE, 0.3) + [u(f"{ask}\n\n{body}")]


def pii_translate_poa(c: Ctx):
    p, q = new_person(), new_person()
    text = (f"Я, {c.nm(p.fio())}, {c.birthdate('dot')} года рождения, паспорт {c.passport()}, "
            f"зарегистрированн{'ый' if p.sex == 'm' else 'ая'} по адресу: {c.address(ch('std', 'zip', 'full'))}, "
            f"настоящей доверенностью уполномочиваю {c.nm(q.fio('acc'))}, паспорт {c.passport()}, "
            f"распоряжаться денежными средствами на счёте № {c.account()}.")
    ask = ch("Translate this power of attorney into English:", "Переведи доверенность на английский язык:",
             "Переведи на английский (для иностранного банка-корреспондента):")
    return "translation", "ru", sys_msg(SYS_TRANSLATE, 0.3) + [u(f"{ask}\n\n{text}")]


def pii_translate_complaint(c: Ctx):
    p = new_person()
    text = (f"{ch('Здравствуйте', 'Добрый день')}. Я, {c.nm(p.fio())}, {ch('нахожусь в командировке', 'живу сейчас за границей', 'учусь за рубежом')}, "
            f"и моя карта {c.card()} перестала работать. Прошу разблокировать её или выпустить новую и отправить по адресу "
            f"{c.address_en()}. Мой номер для связи {c.phone()}.")
    ask = ch("Переведи на английский, отправим в банк-партнёр:", "Translate to English:",
             "Нужно перевести на английский для партнёрского банка.")
    return "translation", "ru", sys_msg(SYS_TRANSLATE, 0.3) + [u(f"{ask}\n\n{text}")]


def pii_translate_en2ru_form(c: Ctx):
    sx, first, last = en_person()
    text = (f"ACCOUNT OPENING REQUEST\nFull name: {c.nm(first + ' ' + last)}\n"
            f"Date of birth: {c.add('birthdate', gen_birthdate(ch('en', 'en2', 'slash')))}\n"
            f"Residential address: {c.address_en()}\nE-mail: {c.email(first=first, last=last)}\n"
            f"Mobile: {c.intl_phone()}\nPurpose of account: salary and savings")
    return "translation", "en", sys_msg(SYS_TRANSLATE, 0.2) + [u(f"Translate into Russian, keep the layout:\n\n{text}")]


# ---------------------------------------------------------------- internal questions

def pii_question(c: Ctx):
    p = new_person()
    q = pick(
        lambda: (f"{past(p, 'Клиент', 'Клиентка')} {c.nm(p.fio())}, паспорт {c.passport()}, хочет открыть вклад на имя несовершеннолетнего внука. "
                 f"Какие документы нужны?"),
        lambda: f"Почему по карте {c.card()} не проходит оплата за границей? Клиент {c.nm(p.f_io())} звонит уже третий раз.",
        lambda: f"Как оформить справку для налогового вычета клиенту с ИНН {c.inn()}? {past(p, 'Он', 'Она')} просит прислать на {c.email(p)}.",
        lambda: (f"У {past(p, 'клиента', 'клиентки')} {c.nm(p.fio('gen'))} (СНИЛС {c.snils()}) не отображается пенсия в приложении. "
                 f"Куда эскалировать?"),
        lambda: (f"можно ли выдать карту по доверенности? держатель {c.nm(p.if_().lower())}, доверенное лицо "
                 f"{c.nm(new_person().if_().lower())}, доверенность нотариальная"),
        lambda: (f"Клиент {c.nm(p.f_io(tight=True))}, д.р. {c.birthdate()}, хочет снять {amount_rub()} наличными со счёта {c.account()}. "
                 f"Нужно ли заказывать наличные заранее?"),
        lambda: (f"{c.nm(p.io())} ({c.nm(p.fio())}) просит сменить адрес регистрации на {c.address()} — "
                 f"это можно сделать по телефону или только в отделении?"),
        lambda: (f"Подскажи, {past(p, 'клиенту', 'клиентке')} {c.nm(p.fio('dat'))} пришло смс о входе с нового устройства, "
                 f"номер {c.phone()}. Что проверить в первую очередь?"),
    )
    return "question", "ru", sys_msg(SYS_QA, 0.2) + [u(q)]


def pii_question_en(c: Ctx):
    sx, first, last = en_person()
    q = pick(
        lambda: (f"Customer {c.nm(first + ' ' + last)} (passport {c.passport('g')}, Russian national living abroad) "
                 f"asks whether they can open a deposit remotely. What do we need from them?"),
        lambda: (f"Can we send a statement for account {c.account(prefix='40820810')} to {c.email(first=first, last=last)}? "
                 f"The holder, {c.nm(first + ' ' + last)}, asked by phone."),
        lambda: (f"Is it OK to change the registered phone of {c.nm(first + ' ' + last)} to {c.intl_phone()} "
                 f"based on an e-mail request?"),
    )
    return "question", "en", sys_msg(["You are an internal assistant for bank staff. Answer according to policy."], 0.2) + [u(q)]


# ---------------------------------------------------------------- extraction

EMPLOYERS = ["ООО «Вектор-Строй»", "АО «Северная логистика»", "МБОУ СОШ № 12", "ГБУЗ «Городская больница № 3»",
             "ООО «Технопарк Плюс»", "ИП (собственный бизнес)", "ПАО «Уралхиммаш»", "ООО «Зелёный квартал»",
             "не работает (пенсионер)", "ООО «Медиагруппа Восход»"]


def pii_extract_form(c: Ctx):
    p = new_person()
    rows = [("ФИО", c.nm(p.fio())), ("Дата рождения", c.birthdate(ch("dot", "dot", "dotg", "iso")))]
    pool = [
        ("Паспорт", lambda: c.passport()),
        ("Адрес регистрации", lambda: c.address(ch("zip", "full", "region", "std", "fias"))),
        ("Мобильный телефон", lambda: c.phone()),
        ("E-mail", lambda: c.email(p)),
        ("СНИЛС", lambda: c.snils()),
        ("ИНН", lambda: c.inn()),
        ("Место работы", lambda: rng.choice(EMPLOYERS)),
        ("Ежемесячный доход", lambda: amount_rub()),
        ("Счёт для зачисления", lambda: c.account(prefix="40817810")),
    ]
    chosen = rng.sample(pool, rng.randint(4, 7))
    for must in (pool[4], pool[5]):  # most application forms ask for SNILS and INN
        if must not in chosen and maybe(0.6):
            chosen[rng.randrange(len(chosen))] = must
    for k, fn in chosen:
        rows.append((k, fn()))
    sep = ch(": ", " — ", ":\t", " | ")
    form = "\n".join(f"{k}{sep}{v}" for k, v in rows)
    if maybe(0.3):  # OCR-looking text
        form = form.replace("Дата рождения", "Дата рожденiя").replace("Паспорт", "Пacпорт")
        form = "[OCR, стр. 1]\n" + form
    fields = ch("fio, birth_date, passport, address, phone, email, snils, inn, employer, income",
                "ФИО, дата рождения, паспорт (серия, номер), адрес, телефон, email",
                "все поля анкеты")
    head = ch(f"Извлеки из анкеты поля: {fields}.", f"Разбери заявление на кредит, нужны поля: {fields}.",
              f"Заполни JSON ({fields}) по тексту анкеты ниже.")
    return "extraction", "ru", sys_msg(SYS_EXTRACT, 0.1) + [u(f"{head}\n\n{form}")]


def pii_extract_payment(c: Ctx):
    payer, payee = new_person(), new_person()
    purpose = ch("Перевод собственных средств", "Оплата по договору аренды квартиры № " + short_no(),
                 "Возврат долга", "Алименты за " + ch("март", "апрель", "май", "июнь"), "Подарок")
    text = (f"Платёжное поручение № {rng.randint(1, 999)}\nПлательщик: {c.nm(payer.fio())}\n"
            f"Счёт плательщика: {c.account()}\n"
            + (f"ИНН плательщика: {c.inn()}\n" if maybe(0.6) else "")
            + f"Получатель: {c.nm(payee.fio())}\nСчёт получателя: {c.account()}\n"
            f"Сумма: {amount_rub()}\nНазначение платежа: {purpose}")
    ask = ch("Извлеки плательщика, получателя, счета и сумму в JSON.",
             "Достань из платёжки реквизиты сторон.", "Parse the payment order into JSON (payer, payee, accounts, amount, purpose).")
    return "extraction", "ru", sys_msg(SYS_EXTRACT, 0.2) + [u(f"{ask}\n\n{text}")]


def pii_extract_email_thread(c: Ctx):
    p = new_person()
    sig = (f"--\nС уважением,\n{c.nm(any_name(p, 'nom', ('fio', 'iof', 'if')))}\n"
           f"{ch('тел.', 'моб.', 'Тел:')} {c.phone()}\n{c.email(p)}")
    body = (f"Добрый день!\n\n{ch('Прошу закрыть мой вклад и перевести деньги на карту', 'Прошу увеличить кредитный лимит по карте', 'Прошу прислать выписку по счёту за полгода')}"
            f"{' ' + c.card() if maybe(0.5) else ''}. "
            f"{ch('Спасибо.', 'Заранее благодарю.', 'Жду ответа в течение недели.')}\n\n{sig}")
    ask = ch("Из письма клиента извлеки: ФИО, телефон, email, суть запроса, номер карты (если есть). Ответ JSON.",
             "Вытащи контактные данные отправителя и суть просьбы.")
    return "extraction", "ru", sys_msg(SYS_EXTRACT, 0.2) + [u(f"{ask}\n\n{body}")]


def pii_extract_call(c: Ctx):
    p = new_person()
    lines, _ = intro_lines(c, p)
    body, _ = rng.choice([issue_lost_card, issue_change_phone, issue_pension, issue_tax, issue_address_change])(c, p)
    lines += body
    text = render_dialog(lines, rng.choice(SPEAKERS_RU))
    ask = ch("Из транскрипта извлеки все реквизиты клиента в JSON (name, phone, card, passport, address, email, snils, inn).",
             "Заполни карточку обращения по звонку: клиент, контакты, продукт, суть.")
    return "extraction", "ru", sys_msg(SYS_EXTRACT, 0.3) + [u(f"{ask}\n\n{text}")]


def pii_extract_en(c: Ctx):
    sx, first, last = en_person()
    text = (f"From: {c.nm(first + ' ' + last)} <{c.email(first=first, last=last)}>\nSubject: wire details\n\n"
            f"Hi, please send the funds to my rouble account {c.account(prefix='40820810')}. "
            f"Beneficiary name as in passport: {c.nm(last.upper() + ' ' + first.upper())}. "
            f"If there's a problem call me on {c.intl_phone()}.\nThanks")
    return "extraction", "en", sys_msg(SYS_EXTRACT[2:3], 0.1) + [u(f"Extract beneficiary name, account, e-mail and phone as JSON.\n\n{text}")]


# ---------------------------------------------------------------- rewrite

def pii_rewrite_complaint(c: Ctx):
    p = new_person()
    raw = pick(
        lambda: (f"я {c.nm(p.fio().lower() if maybe(0.4) else p.fio())} уже третий раз пишу!!! карта {c.card()} заблокирована без причины, "
                 f"в отделении отправили звонить, на линии висела 40 минут. верните доступ к деньгам, мой номер {c.phone()}"),
        lambda: (f"Пишет {past(p, 'клиент', 'клиентка')} {c.nm(p.f_io())}: у меня с зарплатной карты *{rng.randint(1000, 9999)} сняли {amount_rub()} ({ch('1,5', '2', '0,9')}% от суммы кредита) за какую-то страховку, "
                 f"которую я не подключал{'' if p.sex == 'm' else 'а'}. требую вернуть. ответ прошу на {c.email(p)}"),
        lambda: (f"{c.nm(p.if_())} жалуется что курьер не привёз карту по адресу {c.address()}, "
                 f"хотя три раза подтверждали по телефону {c.phone()}. клиент очень недоволен, грозится закрыть все счета"),
        lambda: (f"Клиенту {c.nm(p.fio('dat'))} отказали в реструктуризации, {past(p, 'он не согласен', 'она не согласна')}. "
                 f"Говорит что {past(p, 'потерял', 'потеряла')} работу, "
                 f"доход упал. Договор {short_no()}, счёт {c.account()}. Просит пересмотреть."),
    )
    ask = ch("Перепиши жалобу официально для передачи в отдел претензий:",
             "Сделай из этого нормальный текст для служебной записки:",
             "Rewrite politely, in Russian, for the claims department:",
             "Перефразируй вежливо и кратко:")
    return "rewrite", "ru", sys_msg(SYS_REWRITE, 0.3) + [u(f"{ask}\n\n{raw}")]


def pii_rewrite_note(c: Ctx):
    p = new_person()
    raw = (f"{past(p, 'клиент', 'клиентка')} {c.nm(p.f_io(tight=True))} {past(p, 'звонил, просил', 'звонила, просила')} перезвонить на {c.phone()} после 18. "
           f"вопрос по ипотеке, хочет рефинанс. {ch('паспорт', 'паспорт рф')} {c.passport()}, "
           f"{ch('прописка', 'адрес')} {c.address('lower')}. менеджеру передать")
    ask = ch("Оформи заметку для CRM грамотно, полными предложениями:", "Исправь ошибки и оформи как запись в CRM:")
    return "rewrite", "ru", sys_msg(SYS_REWRITE, 0.3) + [u(f"{ask}\n{raw}")]


def pii_rewrite_en(c: Ctx):
    sx, first, last = en_person()
    raw = (f"hi its {c.nm(first.lower() + ' ' + last.lower())} again, my card {c.card()} still doesnt work abroad. "
           f"i already called twice from {c.intl_phone()}. pls fix asap or send new card to {c.address_en()}")
    return "rewrite", "en", sys_msg(SYS_REWRITE[2:3], 0.2) + [u(f"Rewrite this customer message as a clear, polite ticket description:\n\n{raw}")]


# ================================================================ hand-written requests WITH personal data
# (task, lang, [(role, content), ...]); values are marked up with [[type:value]] or {{kind}}.

S_EMAIL = "Ты помощник сотрудника банка. Пиши вежливо и кратко."

HAND_PII = [
    ("email_draft", "ru", [
        ("system", S_EMAIL),
        ("user", "Составь письмо клиенту [[name:Петрову Ивану Сергеевичу]] о том, что его заявка на кредит одобрена. "
                 "Телефон для связи [[phone:+7 916 123-45-67]]."),
    ]),
    ("call_summary", "ru", [
        ("system", "Ты суммаризируешь звонки колл-центра банка. Формат ответа: Тема; Суть обращения; Что сделано; Следующий шаг."),
        ("user", "Оператор: Добрый день, банк, слушаю вас.\n"
                 "Клиент: Здравствуйте. Я звоню по поводу мамы, у [[name:Смирновой Е. А.]] заблокировали карту, а она сама говорить не может, после инсульта.\n"
                 "Оператор: Сочувствую. Без согласия держателя мы не можем раскрывать информацию по счёту. Вы действуете по доверенности?\n"
                 "Клиент: Да, доверенность нотариальная. Я её дочь, [[name:Смирнова Ольга Павловна]].\n"
                 "Оператор: Хорошо. Продиктуйте номер карты и дату рождения держателя.\n"
                 "Клиент: Карта {{card}}, мама родилась [[birthdate:3 апреля 1946 г.]]\n"
                 "Оператор: Спасибо. Карта заблокирована из-за подозрительной операции в интернете. Для разблокировки нужно прийти в отделение с доверенностью и своим паспортом.\n"
                 "Клиент: Мой паспорт [[passport:45 09 771203]], может, вы его сразу запишете?\n"
                 "Оператор: Не нужно, в отделении сотрудник проверит оригинал.\n"
                 "Клиент: А пенсия на эту карту придёт? СНИЛС мамы {{snils}}, если надо.\n"
                 "Оператор: Пенсия зачислится на счёт, блокировка карты на это не влияет. Снять деньги можно будет после разблокировки.\n"
                 "Клиент: Понятно. Если что, перезвоните мне на [[phone:8 (903) 415-27-90]].\n"
                 "Оператор: Обязательно. Всего доброго, [[name:Ольга Павловна]]."),
    ]),
    ("classification", "ru", [
        ("system", "Ты классификатор обращений. Категории: карты, кредиты, вклады, переводы, мобильное_приложение, мошенничество, жалоба_на_сервис, другое. Ответь одним словом."),
        ("user", "Обращение № 48213\nОт: [[name:Иванов И.И.]]\nТема: перевод\n\n"
                 "Добрый день, третий день не могу перевести деньги на счёт {{acct}}, приложение пишет «операция отклонена». "
                 "Лимиты не превышены, деньги на карте есть. Прошу разобраться, мой телефон [[phone:89057713264]]."),
    ]),
    ("rewrite", "ru", [
        ("user", "перепиши нормально для заявки в отдел карт: клиентка [[name:анна ковалёва]] звонила, карту съел банкомат на вокзале, "
                 "номер карты {{card_plain}}, хочет забрать эту же карту а не перевыпускать, звонить ей на [[phone:8 926 504 18 33]] до обеда"),
    ]),
    ("email_draft", "ru", [
        ("system", "Ты — ассистент менеджера по работе с корпоративными клиентами. Пиши деловым стилем."),
        ("user", "Нужно ответить бухгалтеру нашего клиента, [[name:Ольга Викторовна]] спрашивала, почему не прошёл платёж по валютному контракту."),
        ("assistant", "Конечно. Уточните, пожалуйста, причину: платёж отклонён валютным контролем или не хватило средств?"),
        ("user", "Валютный контроль, нет подписанного контракта в системе. Пиши ей на [[email:o.lapteva@zelkvartal.ru]], "
                 "обращайся «Уважаемая [[name:Ольга Викторовна]]», полное имя для шапки — [[name:Лаптева Ольга Викторовна]]."),
    ]),
    ("translation", "ru", [
        ("system", "Ты переводчик банка. Переводи точно, сохраняй форматирование."),
        ("user", "Переведи на английский ответ клиенту:\n\n"
                 "Уважаемый [[name:Джон Смит]]!\n\nСообщаем, что ваш счёт № {{acct_usd}} открыт. Банковская карта будет готова через 5 рабочих дней, "
                 "её можно получить в отделении на Тверской. Курьерская доставка по адресу [[address:Москва, ул. Тверская, д. 18, кв. 64]] "
                 "также возможна — для этого позвоните по номеру, указанному на сайте.\n\n"
                 "Напоминаем, что [[name:Джону Смиту]] как нерезиденту необходимо предоставить миграционную карту до конца месяца."),
    ]),
    ("extraction", "ru", [
        ("system", "Ты модуль распознавания анкет. Верни строго JSON без комментариев."),
        ("user", "АНКЕТА-ЗАЯВЛЕНИЕ НА ВЫПУСК ДЕБЕТОВОЙ КАРТЫ\n"
                 "1. Фамилия, имя, отчество: [[name:Хайруллина Гульшат Рафаэлевна]]\n"
                 "2. Дата рождения: [[birthdate:17.11.1979]]   Место рождения: г. Набережные Челны\n"
                 "3. Документ: паспорт гражданина РФ, [[passport:серия 9204 номер 518337]]\n"
                 "4. Адрес регистрации: [[address:423800, Республика Татарстан, г. Набережные Челны, пр-т Мира, д. 49, кв. 212]]\n"
                 "5. Адрес проживания: совпадает с адресом регистрации\n"
                 "6. Телефон мобильный: [[phone:+7 (917) 285-64-09]]\n"
                 "7. E-mail: [[email:gulshat.khayrullina@mail.ru]]\n"
                 "8. ИНН (при наличии): {{inn}}\n"
                 "9. СНИЛС: {{snils}}\n"
                 "10. Кодовое слово: (заполняется клиентом собственноручно)\n"
                 "11. Тип карты: Мир Классическая\n\n"
                 "Верни: full_name, birth_date, passport_series, passport_number, registration_address, phone, email, inn, snils."),
    ]),
    ("question", "ru", [
        ("system", "Ты внутренний ассистент сотрудников банка. Отвечай по регламентам."),
        ("user", "Пришло постановление пристава об аресте счетов. Должник — [[name:Кузьмичёв Аркадий Львович]], [[birthdate:02.09.1971]] г.р., "
                 "ИНН {{inn}}, СНИЛС {{snils_plain}}. У нас у него два счёта: {{acct}} (зарплатный) и {{acct_dep}} (вклад). "
                 "С зарплатного счёта можно списывать всё или нужно оставить прожиточный минимум?"),
    ]),
    ("call_summary", "ru", [
        ("system", "Сделай краткое резюме разговора для карточки обращения (не более 5 предложений)."),
        ("user", "[00:00:03] Оператор: Добрый день, служба взыскания банка. Могу я услышать [[name:Гончаренко Виталия Игоревича]]?\n"
                 "[00:00:09] Собеседник: Его нет, это жена. А что случилось?\n"
                 "[00:00:13] Оператор: Я могу обсуждать вопрос только с самим клиентом. Когда с ним можно связаться?\n"
                 "[00:00:19] Собеседник: Он в рейсе до пятницы. Если это про кредит, мы знаем, заплатим с зарплаты.\n"
                 "[00:00:27] Оператор: Передайте, пожалуйста, чтобы [[name:Виталий Игоревич]] перезвонил нам. Его номер [[phone:+7 912 640-33-18]] сейчас недоступен?\n"
                 "[00:00:35] Собеседник: Там связи нет. Запишите мой: [[phone:+7 912 640-71-55]], [[name:Ирина]].\n"
                 "[00:00:41] Оператор: Записала. Всего доброго."),
    ]),
    ("email_draft", "en", [
        ("system", "You are an assistant for relationship managers at a retail bank. Write concise, polite business e-mails."),
        ("user", "Please draft a reply to Ms. [[name:Amelia Hartley]] ([[email:amelia.hartley@outlook.com]]). Her mortgage payment from account "
                 "{{acct_usd}} bounced on the 5th because of insufficient funds. Tell her there is no penalty if she tops up by Friday, "
                 "and that her case manager can call her back on [[phone:+44 7700 918342]]."),
    ]),
    ("extraction", "ru", [
        ("system", "Выдели из текста реквизиты и верни их таблицей в формате Markdown."),
        ("user", "Исполнительный лист ФС № 0417\nДолжник: [[name:Сёмина Лариса Геннадьевна]]\nДата рождения: [[birthdate:24.06.1983]]\n"
                 "Место рождения: г. Кострома\nАдрес должника: [[address:156013, г. Кострома, ул. Калиновская, д. 38, кв. 7]]\n"
                 "ИНН: {{inn}}\nСНИЛС: {{snils}}\nВзыскатель: ООО «Коммунальный сервис»\nСумма взыскания: 84 312,50 руб."),
    ]),
    ("rewrite", "ru", [
        ("system", "Ты редактор деловых текстов."),
        ("user", "Сделай из этого служебную записку на имя управляющего:\n\n"
                 "менеджер доп.офиса [[name:Зайнуллина Д. Р.]] просит разрешить выдачу наличных 1,2 млн клиенту без предварительного заказа, "
                 "клиент [[name:Ярцев Борис Олегович]], счёт {{acct}}, паспорт [[passport:4615 902144]] проверен, деньги нужны на сделку по квартире завтра в 10:00"),
    ]),
    ("classification", "ru", [
        ("system", "Раскидай обращения по категориям: карты / кредиты / переводы / приложение / жалобы. Ответ — список «номер: категория»."),
        ("user", "1) [[name:Тимофеева Алла]], [[phone:8-915-337-02-48]]: не могу войти в приложение после обновления, пишет «ошибка сервера»\n"
                 "2) [[name:Рахимов Ж.]], карта {{card_dash}}: списали комиссию за снятие наличных, хотя обещали бесплатно\n"
                 "3) [[name:Олейников Святослав Игоревич]]: прошу реструктуризацию кредита, потерял работу. Связь: [[email:s.oleynikov77@yandex.ru]]"),
    ]),
    ("question", "ru", [
        ("user", "проверь плиз ИНН клиента {{inn}} — он говорит это его личный инн, а не ИП. как быстро проверить? "
                 "клиент [[name:Дорохов Е. В.]]"),
    ]),
    ("call_summary", "ru", [
        ("user", "Суммаризируй звонок и выдели, что нужно сделать менеджеру.\n\n"
                 "К: Алло, это банк? Мне смс пришло, что у меня долг по кредитке.\n"
                 "О: Здравствуйте. Подскажите, как к вам обращаться?\n"
                 "К: [[name:Мирошниченко Тарас Богданович]].\n"
                 "О: [[name:Тарас Богданович]], для проверки назовите дату рождения.\n"
                 "К: [[birthdate:14 февраля 1988 года]].\n"
                 "О: Спасибо. Да, по кредитной карте платёж просрочен на 12 дней, сумма 6 480 рублей.\n"
                 "К: Я же платил! Через терминал, на счёт {{acct}}.\n"
                 "О: Этот счёт закрыт в прошлом году, деньги вернулись. Сейчас погашение идёт на счёт карты.\n"
                 "К: Никто меня не предупредил. Пришлите мне подтверждение, что счёт закрыт, на [[email:taras.miroshnichenko@gmail.com]].\n"
                 "О: Хорошо, я оформлю запрос. Штраф за просрочку могу попросить отменить, ответ придёт в течение трёх дней.\n"
                 "К: И не звоните мне на работу, только на мобильный [[phone:+7 (988) 241-70-36]]."),
    ]),
    ("translation", "en", [
        ("system", "Translate the user's text into Russian. Keep numbers and names as is."),
        ("user", "To whom it may concern,\n\nI, [[name:Oleksandr Hryhorenko]], born [[birthdate:March 3, 1990]], hereby authorise "
                 "Ms. [[name:Katarzyna Wolska]] to collect my bank card from your branch. My passport: [[passport:FP 491203]] (Ukraine). "
                 "I currently reside at [[address:14 Elm Grove, Flat 2, Leeds LS6 2AB, United Kingdom]].\n\nSigned, [[name:O. Hryhorenko]]"),
    ]),
    ("extraction", "en", [
        ("system", "Extract the requested fields as JSON. Use null for missing values."),
        ("user", "Fields: customer_name, card_number, expiry, cvv, phone.\n\n"
                 "Chat log:\nCustomer: hi, the payment on your site keeps failing\nBot: Sorry to hear that. Please never share your full card details in chat.\n"
                 "Customer: too late lol. card {{card_space}} exp 09/28 cvv [[cvv:418]], name on card [[name:DANIEL FERREIRA]]. "
                 "call me [[phone:+1 (415) 555-0193]]"),
    ]),
    ("rewrite", "en", [
        ("system", "Rewrite the text to be clear and professional. Keep all facts."),
        ("user", "make this sound less angry, its going to the complaints team:\n\n"
                 "I am [[name:Peter Lindqvist]] and your bank has lost my transfer AGAIN. 2,400 EUR sent from my account "
                 "{{acct_eur}} to my sister [[name:Ingrid Lindqvist]] never arrived. Fix it. [[email:p.lindqvist@proton.me]]"),
    ]),
    ("email_draft", "ru", [
        ("system", "Ты пишешь поздравления VIP-клиентам от имени персонального менеджера. Тёплый тон, без пафоса, 3–4 предложения."),
        ("user", "У клиента завтра день рождения: [[name:Белозёрская Виктория Андреевна]], дата рождения [[birthdate:15.07.1968]]. "
                 "Клиентка банка 12 лет, любит путешествовать. Упомяни, что её ждёт подарок — повышенная ставка по вкладу на месяц. "
                 "Обращение: «[[name:Виктория Андреевна]]»."),
    ]),
    ("question", "ru", [
        ("system", "Ты помогаешь операционистам отделений. Отвечай коротко, по шагам."),
        ("user", "клиент хочет перевести 300 тыс на карту [[name:Абрамяну Гранту Суреновичу]], по номеру карты {{card_space}}. "
                 "сам клиент [[name:Левицкий Роман Ефимович]], паспорт [[passport:40 17 665092]]. перевод третьему лицу такой суммой надо доп проверку делать?"),
    ]),
    ("extraction", "ru", [
        ("system", "Извлеки данные из документа и верни JSON. Отсутствующие поля — null."),
        ("user", "Справка с места работы (скан, распознано):\n\n"
                 "ООО «Северная логистика», ИНН {{org_inn}}\n"
                 "Дана [[name:Ефремовой Наталье Сергеевне]], [[birthdate:21.01.1992]] г.р., в том, что она работает в должности "
                 "старшего логиста с 01.03.2019 по настоящее время. Средняя заработная плата за последние 6 месяцев — 118 400 руб.\n"
                 "СНИЛС работника: {{snils}}\nСправка выдана для предоставления в банк.\n\nВыдана по месту требования."),
    ]),
    ("call_summary", "ru", [
        ("system", "Ты — модуль постобработки звонков. Выдели: причину звонка, результат, нужна ли эскалация (да/нет)."),
        ("user", "SPEAKER_1: банк добрый день\nSPEAKER_2: да здравствуйте мне тут ну сын перевёл деньги не туда\n"
                 "SPEAKER_1: подскажите ваше фио\nSPEAKER_2: [[name:кравец людмила николаевна]]\n"
                 "SPEAKER_1: [[name:людмила николаевна]] а перевод с вашей карты был\nSPEAKER_2: с моей да он с моего телефона переводил по номеру "
                 "хотел брату на [[phone:8 927 118 40 62]] а ввёл [[phone:8 927 118 40 26]] там цифры перепутал\n"
                 "SPEAKER_1: понимаю сумма какая\nSPEAKER_2: пятнадцать тысяч\nSPEAKER_1: вернуть перевод банк сам не может только получатель "
                 "может вернуть я создам обращение банку получателя\nSPEAKER_2: а мне куда сообщат\nSPEAKER_1: ответ придёт смс на ваш номер\n"
                 "SPEAKER_2: хорошо спасибо"),
    ]),
    ("translation", "ru", [
        ("user", "Translate into English for the correspondent bank compliance team:\n\n"
                 "Клиент [[name:Шарипов Бахтиёр Рустамович]], гражданин Узбекистана, [[birthdate:1994-05-30]], ИНН {{inn}}, "
                 "проживает по адресу [[address:г. Екатеринбург, ул. Волгоградская, д. 194а, кв. 56]], получает регулярные переводы "
                 "от [[name:Шариповой Дильноры]] на счёт {{acct}}. Источник средств — заработная плата отправителя."),
    ]),
    ("classification", "ru", [
        ("system", "Определи, является ли обращение мошенническим (fraud / not_fraud), и объясни в одном предложении."),
        ("user", "Входящее письмо на общий ящик:\n\n"
                 "«Здравствуйте, я [[name:Ногайцева М. С.]], мне позвонили от вашего имени и попросили перевести все деньги на "
                 "безопасный счёт {{acct}}. Я перевела 240 000 руб. с карты {{card}}. Теперь не могу дозвониться по номеру, с которого звонили. "
                 "Мой номер [[phone:+79052286417]]. Помогите!!!»"),
    ]),
    ("rewrite", "ru", [
        ("system", "Ты помогаешь сотрудникам банка писать грамотно. Исправь ошибки и сделай текст понятнее."),
        ("user", "Кл-т [[name:Вершинин А.П.]] обратился в отд. с просьбой сменить адрес регистрации, новый адрес "
                 "[[address:г Тюмень ул Мельникайте д 101 кв 18]], паспорт с новой пропиской [[passport:7119 402851]] предъявил, "
                 "также просит поменять эл. почту на [[email:vershinin.ap@bk.ru]]. Заявление принято, отсканировано."),
    ]),
    ("question", "en", [
        ("system", "You are an internal assistant for bank staff. Answer according to policy."),
        ("user", "A customer, [[name:Rahul Mehta]], date of birth [[birthdate:12/08/1987]], wants to open a rouble account. "
                 "He has an Indian passport and a Russian work permit, address [[address:Moscow, Leninsky Prospekt 90, apt. 311]]. "
                 "Which documents do we need and does he need an INN first?"),
    ]),
    ("email_draft", "ru", [
        ("system", "Ты модуль генерации писем в CRM. Верни только текст письма."),
        ("user", "{\"template\": \"loan_docs_request\", \"client\": {\"full_name\": \"[[name:Шевелёва Анастасия Дмитриевна]]\", "
                 "\"email\": \"[[email:nastya.sheveleva@icloud.com]]\", \"phone\": \"[[phone:79169022718]]\", "
                 "\"passport\": \"[[passport:4520 113987]]\"}, \"missing_docs\": [\"2-НДФЛ за 6 месяцев\", \"копия трудовой книжки\"], "
                 "\"deadline\": \"5 рабочих дней\"}"),
    ]),
    ("call_summary", "ru", [
        ("system", "Кратко перескажи диалог оператора и клиента списком из 3–6 пунктов."),
        ("user", "Оператор: Банк, здравствуйте.\nКлиент: Добрый день, хочу закрыть вклад досрочно и перевести деньги в другой банк.\n"
                 "Оператор: Назовите, пожалуйста, ваши ФИО.\nКлиент: [[name:Остроухов Геннадий Павлович]].\n"
                 "Оператор: [[name:Геннадий Павлович]], при досрочном закрытии проценты пересчитают по ставке 0,01%. Вы понимаете?\n"
                 "Клиент: Понимаю, ничего страшного.\nОператор: Куда переводим?\nКлиент: На мой счёт в другом банке, {{acct}}, получатель я же.\n"
                 "Оператор: Заявку создал. Подтвердите её кодом из смс, которое придёт на номер, заканчивающийся на 47.\n"
                 "Клиент: Пришло, код 5531.\nОператор: Спасибо, перевод выполнен. Выписку пришлём на [[email:g.ostroukhov@rambler.ru]]."),
    ]),
    ("extraction", "ru", [
        ("user", "из текста вытащи номер карты, срок, cvv и имя — это сообщение надо пометить как инцидент утечки:\n\n"
                 "«привет, вот данные маминой карты для оплаты путёвки: {{card_dash}}, 11/27, [[cvv:902]], "
                 "[[name:TATIANA BELOUSOVA]]. смс придёт ей на [[phone:+7 903 771-28-45]], я спрошу код»"),
    ]),
    ("rewrite", "ru", [
        ("user", "Сократи до двух предложений для смс-рассылки отдела взыскания (персонально):\n\n"
                 "Уважаемый [[name:Константин Эдуардович]]! По вашему кредитному договору № 602114 образовалась просроченная задолженность "
                 "в размере 12 800 руб. Просим погасить её до 25.12.2026, пополнив счёт {{acct}}. "
                 "Если вы уже внесли платёж, не обращайте внимания на это сообщение."),
    ]),
    ("translation", "ru", [
        ("system", "Ты профессиональный переводчик финансовых документов."),
        ("user", "Переведи на английский письмо клиента в иностранный банк:\n\n"
                 "Уважаемые господа!\n\nЯ, [[name:Ли Вэй]], прошу закрыть мой счёт в вашем банке и перевести остаток на мой счёт в России: "
                 "{{acct_usd}}. Мой адрес в России: [[address:690091, г. Владивосток, ул. Светланская, д. 29, кв. 15]]. "
                 "Телефон: [[phone:+7 (924) 331-08-72]], электронная почта: [[email:li.wei.vl@yandex.ru]].\n\nС уважением, [[name:Ли Вэй]]"),
    ]),
    ("question", "ru", [
        ("system", "Ты консультант по внутренним процедурам банка."),
        ("user", "Пришёл запрос из полиции по клиентке [[name:Захарченко Е. Ю.]] (паспорт [[passport:60 11 284530]], адрес "
                 "[[address:Ростов-на-Дону, пер. Газетный, 51, кв. 9]]). Можем ли мы ответить по электронной почте или нужен официальный запрос на бланке?"),
    ]),
    ("email_draft", "ru", [
        ("user", "Набросай письмо от отдела кадров банка новому сотруднику: [[name:Мельниченко Артур Валентинович]] выходит 12 января, "
                 "пропуск будет на ресепшене, зарплатную карту выпустим на его СНИЛС {{snils}}, письмо на личную почту "
                 "[[email:artur.melnichenko@gmail.com]]."),
    ]),
    ("classification", "en", [
        ("system", "Classify the ticket into one of: BLOCK_CARD, DISPUTE, LOAN, DEPOSIT, TRANSFER, APP, FRAUD, COMPLAINT, DOCS, OTHER. Return only the label."),
        ("user", "From: [[email:hugo.moreau.paris@gmail.com]]\nSubject: card stolen\n\nHello, my wallet was stolen in the metro an hour ago. "
                 "Please block my card {{card_space}} immediately. I am [[name:Hugo Moreau]], staying at [[address:Moscow, Myasnitskaya st. 24, apt. 8]] until Sunday."),
    ]),
    ("call_summary", "en", [
        ("system", "You summarise contact-centre calls for the CRM. Output: Topic, Customer request, Actions taken, Next steps."),
        ("user", "Agent: Good morning, customer service, how can I help?\nCustomer: Hi, I'm calling on behalf of my father, Mr. [[name:George Whitaker]].\n"
                 "Agent: Are you registered as his representative?\nCustomer: Yes, I have power of attorney. I'm [[name:Lucy Whitaker]].\n"
                 "Agent: Thank you. Could you give me his date of birth?\nCustomer: [[birthdate:21 November 1941]].\n"
                 "Agent: And the address we hold for him?\nCustomer: [[address:7 Albert Road, Flat 1, Bristol BS8 1QU, United Kingdom]].\n"
                 "Agent: Thank you. What do you need?\nCustomer: He'd like his pension to be paid to his rouble account {{acct}} instead of the old one.\n"
                 "Agent: I can start that. We'll send the form to your e-mail.\nCustomer: It's [[email:lucy.whitaker@icloud.com]].\nAgent: Done."),
    ]),
    ("extraction", "ru", [
        ("system", "Извлеки данные из документа и верни JSON. Отсутствующие поля — null."),
        ("user", "Заявление на перевыпуск карты\n\nЯ, [[name:Сухова-Ильина Ксения Олеговна]], прошу перевыпустить карту "
                 "{{card_plain}} в связи с повреждением. Доставить по адресу: [[address:Санкт-Петербург, Свердловская наб., 44, корп. 3, кв. 129]]. "
                 "Контактный телефон: [[phone:+7-921-945-13-07]]. Паспорт: [[passport:4008 219647]].\n\nДата: 28.11.2026  Подпись: ____"),
    ]),
    ("rewrite", "ru", [
        ("system", "Ты редактор. Перепиши текст, сохранив смысл и все факты."),
        ("user", "Перепиши отзыв клиента для публикации на сайте, убери всё лишнее:\n\n"
                 "«Спасибо огромное сотруднику [[name:Алсу Ринатовне]] из отделения! Мой отец [[name:Галимзянов Ринат Хамитович]] "
                 "потерял карту, она всё восстановила за день и даже сама позвонила нам на [[phone:8(843)212-64-71]]. "
                 "Всем советую!» — [[name:Лейла Галимзянова]]"),
    ]),
    ("question", "ru", [
        ("user", "Клиент прислал в чат фото паспорта, там: [[name:Демченко Олег Анатольевич]], [[birthdate:09.12.1965]], "
                 "[[passport:5710 846331]], зарегистрирован [[address:Пермский край, г. Пермь, ул. Куйбышева, д. 95, кв. 33]]. "
                 "Что делать с таким вложением по политике обработки персональных данных — удалить из чата?"),
    ]),
    ("translation", "ru", [
        ("user", "переведи на английский, это ответ службы поддержки:\n\n"
                 "[[name:Эмили Браун]], здравствуйте! Ваша карта {{card_dash}} разблокирована. Новый ПИН-код придёт смс на номер "
                 "[[phone:+7 965 240 33 91]]. Если вы не запрашивали разблокировку, срочно свяжитесь с нами."),
    ]),
]


def foreign_cyr_person():
    free = [f for f in FOREIGN_CYR if f[1][0].lower() not in USED["name"]]
    sx, forms = rng.choice(free)
    USED["name"].add(forms[0].lower())
    return sx, dict(zip(CASES, forms))


def pii_foreign_cyr(c: Ctx):
    sx, f = foreign_cyr_person()
    r = rng.random()
    if r < 0.35:
        txt = (f"Напиши письмо клиенту-нерезиденту {c.nm(f['dat'])}: счёт {c.account(prefix='40820810')} открыт, "
               f"карта будет готова через неделю. Пиши по-русски простыми словами, {'он' if sx == 'm' else 'она'} только учит язык. "
               f"Почта: {c.email(first=translit(f['nom'].split()[0]), last=translit(f['nom'].split()[-1]))}.")
        return "email_draft", "ru", sys_msg(SYS_EMAIL) + [u(txt)]
    if r < 0.7:
        txt = (f"Переведи на английский сообщение для {c.nm(f['gen'])}: «Ваш перевод на сумму {amount_rub()} задержан для проверки. "
               f"Пожалуйста, пришлите документы, подтверждающие источник средств, или позвоните нам. Мы перезвоним вам на номер {c.phone()}.»")
        return "translation", "ru", sys_msg(SYS_TRANSLATE, 0.3) + [u(txt)]
    txt = (f"Кл. {c.nm(f['nom'])}, иностранный гражданин, спрашивает, можно ли пополнять вклад «Надёжный» переводом из-за рубежа на счёт "
           f"{c.account(prefix='42305810')}. Адрес проживания в РФ: {c.address()}. Что ответить?")
    return "question", "ru", sys_msg(SYS_QA, 0.2) + [u(txt)]


def pii_extract_payroll(c: Ctx):
    n = rng.randint(3, 4)
    rows = []
    with_bd = set(rng.sample(range(n), rng.randint(1, n - 1)))
    with_phone = set(rng.sample(range(n), rng.randint(1, n)))
    for i in range(n):
        p = new_person()
        row = [c.nm(p.fio()), c.birthdate("dot") if i in with_bd else "", c.snils(ch("std", "plain", "std")), c.inn(),
               c.phone(ch("+7dddddddddd", "8ddddddddddd", "+7 ddd ddd-dd-dd")) if i in with_phone else "—"]
        rows.append(f"{i + 1}; " + "; ".join(row))
    head = "№; ФИО; дата рождения; СНИЛС; ИНН; телефон"
    org = ch("ООО «Технопарк Плюс»", "АО «Северная логистика»", "ООО «Медиагруппа Восход»", "ООО «Зелёный квартал»")
    ask = ch(f"Реестр сотрудников {org} на выпуск зарплатных карт (CSV). Проверь, все ли поля заполнены, и верни JSON-массив.",
             f"Зарплатный проект, клиент {org}. Разбери реестр в JSON, пустые поля отметь null.",
             f"Из реестра {org} извлеки ФИО, СНИЛС и ИНН каждого сотрудника.")
    return "extraction", "ru", sys_msg(SYS_EXTRACT, 0.1) + [u(f"{ask}\n\n{head}\n" + "\n".join(rows))]


def pii_cvv(c: Ctx):
    p = new_person()
    exp = f"{rng.randint(1, 12):02d}/{rng.randint(27, 31)}"
    r = rng.random()
    if r < 0.4:
        chat = (f"Клиент в чате: {ch('оплата не проходит', 'не могу оплатить билеты', 'магазин пишет ошибка')}, вот данные: "
                f"{c.card()} {exp} {ch('cvc', 'cvv', 'код')} {c.cvv()}, {c.nm(p.if_().upper() if maybe(0.5) else p.fio())}")
        return "classification", "ru", sys_msg(SYS_CLASS, 0.05) + [u(f"Классифицируй обращение:\n{chat}")]
    if r < 0.7:
        q = (f"Клиент по телефону сам продиктовал оператору номер карты {c.card()}, срок {exp} и CVV {c.cvv()} — "
             f"{c.nm(p.f_io())} хотел{'' if p.sex == 'm' else 'а'} «подтвердить карту». Что оператор должен сделать по регламенту?")
        return "question", "ru", sys_msg(SYS_QA, 0.2) + [u(q)]
    raw = (f"клиентка написала в форму: «карта {c.card()}, действует до {exp}, код сзади {c.cvv()}, владелец "
           f"{c.nm(p.fio().lower())}. верните деньги за заказ!!!»") if p.sex == "f" else (
           f"клиент написал в форму: «карта {c.card()}, действует до {exp}, код сзади {c.cvv()}, владелец "
           f"{c.nm(p.fio().lower())}. верните деньги за заказ!!!»")
    return "rewrite", "ru", sys_msg(SYS_REWRITE, 0.3) + [u(f"Перепиши обращение для тикета нейтрально:\n{raw}")]


def pii_social(c: Ctx):
    p = new_person()
    r = rng.random()
    if r < 0.35:
        q = (f"{past(p, 'Пенсионер', 'Пенсионерка')} {c.nm(p.fio())}, СНИЛС {c.snils()}, хочет оформить пенсионную карту Мир с доставкой на дом "
             f"({c.address(ch('std', 'words'))}). Можно ли оформить без визита в отделение?")
        return "question", "ru", sys_msg(SYS_QA, 0.2) + [u(q)]
    if r < 0.7:
        txt = (f"Напиши письмо {c.nm(p.fio('dat'))}: заявление о переводе пенсии принято, СНИЛС {c.snils()} проверен, "
               f"первое зачисление ожидается в следующем месяце. Отправим на {c.email(p)}.")
        return "email_draft", "ru", sys_msg(SYS_EMAIL) + [u(txt)]
    txt = (f"Заявление на софинансирование пенсионных накоплений\nЗаявитель: {c.nm(p.fio())}\nСНИЛС: {c.snils(ch('plain', 'spaces', 'std'))}\n"
           f"ИНН: {c.inn()}\nСчёт для зачисления: {c.account()}\nТелефон: {c.phone()}")
    return "extraction", "ru", sys_msg(SYS_EXTRACT, 0.1) + [u(f"Проверь заявление и верни поля в JSON:\n\n{txt}")]


# how many generated requests with personal data each template contributes
PII_PLAN = [
    (pii_email_crm, 6), (pii_email_free, 4), (pii_email_overdue, 4), (pii_email_reissue, 4),
    (pii_email_ip, 6), (pii_email_multiturn, 3), (pii_email_en, 4),
    (pii_call_summary, 21), (pii_call_summary_en, 3),
    (pii_classification, 15), (pii_classification_en, 3),
    (pii_translate_reference, 6), (pii_translate_letter_en, 4), (pii_translate_poa, 4),
    (pii_translate_complaint, 3), (pii_translate_en2ru_form, 2),
    (pii_question, 9), (pii_question_en, 3),
    (pii_extract_form, 11), (pii_extract_payment, 6), (pii_extract_email_thread, 4), (pii_extract_call, 4),
    (pii_extract_en, 3),
    (pii_rewrite_complaint, 8), (pii_rewrite_note, 5), (pii_rewrite_en, 3),
    (pii_foreign_cyr, 6), (pii_extract_payroll, 2), (pii_social, 8), (pii_cvv, 7),
]


# ================================================================ requests WITHOUT personal data (generated)

PRODUCTS = ["вклад «Надёжный»", "вклад «Доходный+»", "накопительный счёт «Копилка»", "карта Мир Supreme",
            "кредитная карта «120 дней без процентов»", "дебетовая карта «Кешбэк на всё»", "пакет «Премиум»",
            "ипотека «Семейная»", "кредит наличными «Простой»", "вклад «Пенсионный плюс»", "тариф «Бизнес Старт»",
            "карта Мир Classic", "вклад «Сезонный»", "программа лояльности «Бонус+»"]
CITY_ONLY = ["Казани", "Самаре", "Екатеринбурге", "Новосибирске", "Перми", "Воронеже", "Тюмени", "Уфе",
             "Краснодаре", "Ярославле", "Томске", "Иркутске"]


def pct() -> str:
    return f"{rng.randint(2, 22)},{rng.choice(['0', '5', '25', '75', '1', '8'])}%".replace(",0%", "%")


def money_big() -> str:
    return ch("50 000 ₽", "100 000 ₽", "150 000 ₽", "300 000 рублей", "1 500 000 ₽", "2 500 000 рублей",
              "5 млн ₽", "10 000 руб.", "30 000 ₽", "700 тыс. руб.", "1 млн рублей", "250 000 ₽")


NEWS_TOPICS = [
    lambda: f"повышение ставок по вкладу «Надёжный»: на 6 месяцев — {pct()} годовых, на год — {pct()}, минимальная сумма {money_big()}",
    lambda: f"новая версия мобильного приложения: вход по биометрии, тёмная тема и переводы по QR-коду; обновление доступно с {some_date()}",
    lambda: f"изменение тарифов на переводы: с {some_date()} переводы до {money_big()} в месяц бесплатны, свыше — комиссия 0,5%",
    lambda: "график работы отделений в праздники: 31 декабря до 15:00, 1–2 января выходные, с 3 января по обычному графику",
    lambda: "предупреждение о мошенниках: сотрудники банка никогда не просят назвать код из смс, CVV-код или перевести деньги на «безопасный счёт»",
    lambda: f"кешбэк {rng.randint(5, 15)}% в категории «Кафе и рестораны» по карте Мир Supreme до конца месяца, лимит {ch('3 000 ₽', '5 000 ₽', '2 000 ₽')} в месяц",
    lambda: f"снижение ставки по ипотеке «Семейная» до {pct()} для заявок, поданных до {some_date()}",
    lambda: f"плановые технические работы {some_date()} с 01:00 до 05:00 по московскому времени; в это время могут быть недоступны переводы и оплата услуг",
    lambda: f"открытие нового отделения в {rng.choice(CITY_ONLY)} с зоной самообслуживания 24/7",
    lambda: f"запуск накопительного счёта «Копилка» со ставкой {pct()} на остаток до {money_big()}",
    lambda: "прекращение выпуска пластиковых карт старого образца: действующие карты работают до конца срока действия",
    lambda: "новая программа лояльности «Бонус+»: 1 бонус за каждые 100 ₽ покупок, бонусы можно обменять на рубли по курсу 1 к 1",
    lambda: f"изменение лимитов на снятие наличных в банкоматах других банков: бесплатно до {money_big()} в месяц",
    lambda: "подключение уведомлений о входе в интернет-банк и рекомендации по настройке двухфакторной защиты",
    lambda: f"акция для малого бизнеса: 3 месяца обслуживания по тарифу «Бизнес Старт» бесплатно при открытии счёта до {some_date()}",
    lambda: f"повышение ставки по вкладу «Пенсионный плюс» до {pct()} для вкладчиков старше 60 лет",
]
AUDIENCES = [("всем клиентам", "все клиенты"), ("клиентам-пенсионерам", "клиенты-пенсионеры"),
             ("премиальным клиентам", "премиальные клиенты"), ("клиентам малого бизнеса", "малый бизнес"),
             ("держателям кредитных карт", "держатели кредитных карт"), ("вкладчикам", "вкладчики"),
             ("молодёжи 18–25 лет", "молодёжь 18–25 лет"), ("зарплатным клиентам", "зарплатные клиенты")]
NEWS_STYLE = ["Тон дружелюбный, без канцелярита.", "Официально, но понятно.", "Коротко, 3–4 предложения.",
              "Добавь тему письма и призыв к действию.", "Сделай два варианта: длинный и короткий для push.",
              "Без восклицательных знаков.", "Пиши на «вы» с маленькой буквы."]


def clean_newsletter(c: Ctx):
    topic = rng.choice(NEWS_TOPICS)()
    aud, aud_nom = rng.choice(AUDIENCES)
    txt = ch(f"Напиши рассылку {aud}: {topic}. {rng.choice(NEWS_STYLE)}",
             f"Подготовь текст e-mail рассылки. Аудитория: {aud_nom}. Повод: {topic}. {rng.choice(NEWS_STYLE)}",
             f"нужен текст письма {aud}, тема — {topic}. {rng.choice(NEWS_STYLE).lower()}",
             f"Составь информационное письмо для клиентов.\nТема: {topic}\nСегмент: {aud_nom}\nТребования: {rng.choice(NEWS_STYLE)}")
    return "email_draft", "ru", sys_msg(SYS_EMAIL) + [u(txt)]


NEWS_EN = [
    lambda: f"our new fixed-term deposit paying {rng.randint(8, 18)}% a year for 12 months, minimum ${rng.randint(1, 5)},000",
    lambda: "scheduled maintenance of online banking this Sunday from 2 a.m. to 5 a.m. Moscow time",
    lambda: f"the launch of contactless payments with a smartwatch, available to all debit card holders from {rng.randint(1, 28)} {rng.choice(MONTHS_EN)}",
    lambda: "a reminder that the bank will never ask for a one-time SMS code or the three digits on the back of the card",
    lambda: f"a {rng.randint(2, 5)}% cashback campaign on travel bookings until the end of the quarter",
    lambda: "new opening hours of our branches in Kazan and Samara during the holidays",
]


def clean_newsletter_en(c: Ctx):
    t = rng.choice(NEWS_EN)()
    txt = ch(f"Write a short customer newsletter about {t}.", f"Draft an e-mail to all retail customers announcing {t}. Keep it under 120 words.",
             f"Need a friendly push notification and a longer e-mail about {t}.")
    return "email_draft", "en", sys_msg(SYS_EMAIL_EN) + [u(txt)]


def clean_email_reply(c: Ctx):
    situ = ch(
        f"клиент спрашивает, почему по карте *{rng.randint(1000, 9999)} списали плату за обслуживание {ch('99 ₽', '149 ₽', '199 ₽')}",
        "клиентка недовольна, что вклад закрылся автоматически и проценты пересчитали по ставке 0,01%",
        "клиент просит объяснить, как считается льготный период по кредитной карте «120 дней без процентов»",
        f"обращение № {short_no()}: не пришёл кешбэк за прошлый месяц",
        "клиент спрашивает, можно ли пополнять вклад «Надёжный» через банкомат",
        f"жалоба на очередь в отделении в {rng.choice(CITY_ONLY)}, ждали больше часа",
    )
    txt = ch(f"Напиши ответ на обращение без имени клиента (обезличенный шаблон): {situ}.",
             f"Шаблон ответа для чата поддержки: {situ}. Обращение — «Здравствуйте!», без имени.",
             f"Сделай вежливый ответ: {situ}. Имя не указывай.")
    return "email_draft", "ru", sys_msg(SYS_EMAIL) + [u(txt)]


# ---------------------------------------------------------------- anonymous call transcripts

def anon_rates():
    r1, r2 = pct(), pct()
    return [("K", "Здравствуйте, хотела узнать, какие сейчас ставки по вкладам."),
            ("O", f"Добрый день. По вкладу «Надёжный» на полгода {r1} годовых, на год {r2}. Минимальная сумма {money_big()}."),
            ("K", "А если я открою в приложении, ставка будет выше?"),
            ("O", "Да, при открытии онлайн ставка выше на 0,5 процентного пункта."),
            ("K", "А пополнять можно?"),
            ("O", "Пополнять можно в течение первых 30 дней, частичное снятие не предусмотрено."),
            ("K", "Понятно, спасибо, я подумаю.")]


def anon_app_crash():
    return [("K", "Добрый день, у меня приложение вылетает сразу после входа."),
            ("O", "Подскажите, какая у вас операционная система и версия приложения?"),
            ("K", f"Андроид, версия приложения {rng.randint(5, 9)}.{rng.randint(0, 30)}, вчера обновилась."),
            ("O", "Мы знаем о проблеме, исправление выйдет в течение суток. Пока можно пользоваться интернет-банком в браузере."),
            ("K", "А переводы там тоже работают?"),
            ("O", "Да, все операции доступны."),
            ("K", "Хорошо, спасибо.")]


def anon_card_block_howto():
    return [("K", "Подскажите, как заблокировать карту, если я её потеряю? Заранее хочу знать."),
            ("O", "Это можно сделать в приложении: раздел «Карты», кнопка «Заблокировать». Или позвонить нам, оператор заблокирует после идентификации."),
            ("K", "А если телефон тоже украдут?"),
            ("O", "Тогда звоните с любого телефона, мы зададим контрольные вопросы."),
            ("K", "А перевыпуск платный?"),
            ("O", f"При утере перевыпуск стоит {ch('300 ₽', '500 ₽', '250 ₽')}, по истечении срока — бесплатно.")]


def anon_exchange():
    return [("K", "Какой у вас сегодня курс доллара в отделениях?"),
            ("O", f"Курс меняется в течение дня. Сейчас покупка {rng.randint(78, 99)},{rng.randint(10, 99)}, продажа {rng.randint(80, 102)},{rng.randint(10, 99)}."),
            ("K", "А наличные евро есть в отделении в " + rng.choice(CITY_ONLY) + "?"),
            ("O", "Наличие валюты лучше проверить в приложении или заказать заранее, заказ выполняется за один рабочий день."),
            ("K", "Спасибо.")]


def anon_mortgage():
    return [("K", "Добрый день, интересует ипотека на вторичное жильё."),
            ("O", f"Ставка от {pct()}, первоначальный взнос от 20%, срок до 30 лет."),
            ("K", f"А если квартира стоит {ch('7 млн', '9,5 млн', '12 млн', '5 800 000 рублей')}, какой будет платёж?"),
            ("O", "Точный расчёт зависит от срока и взноса. Могу рассказать, как посчитать в калькуляторе на сайте."),
            ("K", "Да, и какие документы нужны?"),
            ("O", "Паспорт, справка о доходах и документы по объекту. Подать заявку можно онлайн."),
            ("K", "Хорошо, спасибо.")]


def anon_atm():
    return [("K", f"Здравствуйте, банкомат в торговом центре в {rng.choice(CITY_ONLY)} не выдал деньги, а сумма списалась."),
            ("O", "Мне жаль. Чтобы проверить операцию, нужно вас идентифицировать. Удобнее будет написать в чат приложения — там вы уже авторизованы."),
            ("K", f"Хорошо. Сумма была {ch('5 000', '10 000', '3 000', '15 000')} рублей, около {rng.randint(9, 21)}:{rng.choice(['00', '15', '30', '45'])}, "
                  f"карта {ch('заканчивается на', 'последние цифры')} {rng.randint(1000, 9999)}."),
            ("O", "Обычно такие суммы возвращаются автоматически в течение нескольких дней после сверки банкомата."),
            ("K", "Ладно, напишу в чат.")]


def anon_fraud_question():
    return [("K", "Мне звонили, представились службой безопасности банка, просили назвать код из смс. Я ничего не сказала и положила трубку."),
            ("O", "Вы всё сделали правильно. Наш банк никогда не запрашивает коды и данные карты."),
            ("K", "А можно как-то проверить, что с картой всё в порядке?"),
            ("O", "Посмотрите историю операций в приложении. Если видите незнакомые операции, сразу блокируйте карту."),
            ("K", "Вроде всё нормально. Спасибо.")]


def anon_tariff():
    return [("K", "Сколько стоит обслуживание карты Мир Supreme?"),
            ("O", f"Бесплатно при тратах от {ch('30 000 ₽', '50 000 ₽', '20 000 ₽')} в месяц или остатке от {money_big()}, иначе {ch('490 ₽', '390 ₽', '299 ₽')} в месяц."),
            ("K", "А кешбэк какой?"),
            ("O", f"{rng.randint(1, 3)}% на всё и до {rng.randint(5, 10)}% в выбранных категориях."),
            ("K", "Категории можно менять каждый месяц?"),
            ("O", "Да, выбор доступен до 5-го числа каждого месяца.")]


def anon_transfer_limit():
    return [("K", "Почему у меня не проходит перевод в другой банк по номеру телефона?"),
            ("O", f"Возможно, превышен лимит: бесплатно до {money_big()} в месяц, а разовый лимит — {ch('150 000 ₽', '300 000 ₽', '1 млн ₽')}."),
            ("K", "А лимит можно поднять?"),
            ("O", "Да, в приложении в настройках переводов, подтверждение по коду."),
            ("K", "Поняла, попробую.")]


ANON_ISSUES = [anon_rates, anon_app_crash, anon_card_block_howto, anon_exchange, anon_mortgage, anon_atm,
               anon_fraud_question, anon_tariff, anon_transfer_limit]


def clean_call_summary(c: Ctx):
    parts = rng.sample(ANON_ISSUES, ch(1, 1, 2, 2, 2, 3))
    lines = [("O", ch("Здравствуйте! Служба поддержки банка, чем могу помочь?", "Добрый день, банк, слушаю вас.",
                      "Контактный центр, здравствуйте."))]
    for i, fn in enumerate(parts):
        body = fn()
        if i:
            body = [("K", "И ещё один вопрос, если можно."), ("O", ch("Да, конечно.", "Слушаю.", "Пожалуйста."))] + body
        lines += body
    lines.append(("O", ch("Спасибо за обращение, всего доброго!", "Хорошего дня!", "Обращайтесь, до свидания.")))
    text = render_dialog(lines, rng.choice(SPEAKERS_RU), timestamps=maybe(0.3))
    lead = ch("Суммаризируй звонок:\n", "Транскрипт звонка:\n", "", "Сделай резюме разговора.\n\n",
              f"Звонок от {some_date()}, длительность {rng.randint(2, 14)} мин., клиент не идентифицирован.\n")
    return "call_summary", "ru", sys_msg(SYS_SUMMARY, 0.1) + [u(lead + text)]


def clean_call_summary_en(c: Ctx):
    lines = rng.choice([
        [("O", "Good morning, customer service."), ("K", "Hi, what's the interest rate on your 12-month deposit?"),
         ("O", f"It's {rng.randint(8, 18)}% a year if opened in the app, half a point lower in a branch."),
         ("K", "Can I top it up later?"), ("O", "During the first 30 days, yes."), ("K", "Great, thanks.")],
        [("O", "Hello, you're through to the bank."), ("K", "Hi, my card doesn't work abroad, is there a restriction?"),
         ("O", "Some countries are blocked by default. You can enable them in the app under card settings. I can't look into your card without identifying you."),
         ("K", "Fine, I'll do it in the app."), ("O", "Anything else?"), ("K", "No, thank you.")],
        [("O", "Customer support, good afternoon."), ("K", "Hi. Someone called me saying they were from your security team and asked for a code."),
         ("O", "That was a scam. We never ask for codes. Did you share anything?"), ("K", "No, I hung up."),
         ("O", "Well done. Check your recent transactions in the app just in case."), ("K", "Will do.")],
    ])
    text = render_dialog(lines, ("Agent", "Caller"), timestamps=maybe(0.4))
    return "call_summary", "en", sys_msg(SYS_SUMMARY_EN, 0.1) + [u(ch("Call transcript:\n", "Summarise:\n", "") + text)]


# ---------------------------------------------------------------- anonymous tickets

ANON_TICKETS = [
    "Не приходит смс с кодом подтверждения, уже час пытаюсь войти.",
    "списали комиссию 150 ₽ за перевод, хотя в тарифе написано что бесплатно до 100 000 в месяц",
    "Приложение вылетает на андроиде после обновления, переустановка не помогает.",
    "Здравствуйте! Хочу закрыть вклад досрочно, что будет с процентами?",
    "почему кешбэк за октябрь начислили не полностью? должно было быть около 1 200 ₽, пришло 430",
    "Банкомат в торговом центре не выдал 5 000 рублей, но сумма списана. Что делать?",
    "Карта *7731 не работает за границей, пишет «операция запрещена».",
    "Мне звонили якобы из банка и просили назвать код из смс, я не назвал. Сообщаю на всякий случай.",
    "Можно ли оформить кредитную карту без справки о доходах?",
    "Второй день не могу оплатить ЖКХ через приложение: ошибка «сервис временно недоступен».",
    "Очень недоволен обслуживанием в отделении, ждал 50 минут, работало одно окно из пяти.",
    "Подскажите, как получить справку об остатке на счёте для визы?",
    "По кредиту пришло уведомление о просрочке, хотя платёж внесён 25-го. Договор № 58213.",
    "Хочу подключить уведомления по карте на второй телефон, как это сделать?",
    "Верните деньги за подписку, которую я не оформлял! 399 ₽ каждый месяц.",
    "Перевод в другой банк висит в статусе «в обработке» с утра, сумма 12 500 ₽.",
    "Как сменить кодовое слово?",
    "Добрый день, интересует рефинансирование ипотеки, ставка сейчас 11,9%, можно ли ниже?",
    "не могу привязать карту к телефону для бесконтактной оплаты, пишет что устройство не поддерживается",
    "Спасибо сотрудникам отделения в Казани за быстрое оформление вклада!",
    "После смены номера телефона не приходят пуш-уведомления. Номер поменял в приложении вчера.",
    "Что будет, если я не продлю вклад «Надёжный» в день окончания срока?",
    "В выписке операция на 2 990 ₽ от 14.11, я такую не совершал. Карта при мне.",
    "Хочу увеличить кредитный лимит по карте до 300 000 ₽.",
    "Приложение не даёт открыть накопительный счёт, кнопка неактивна.",
    "Сколько стоит выпуск дополнительной карты для ребёнка 12 лет?",
    "Снимаю наличные в банкомате другого банка, взяли комиссию 1%. Это нормально?",
    "не могу войти в интернет-банк, пишет «пользователь заблокирован» после трёх попыток",
    "Оператор в чате отвечал 2 часа, это ненормально.",
    "Как досрочно погасить кредит частично и уменьшить платёж, а не срок?",
    "Где посмотреть реквизиты своего счёта в приложении?",
    "Подозрительное письмо от «банка» со ссылкой на вход в личный кабинет, пересылаю вам для проверки.",
    "Карта истекает в следующем месяце, когда будет перевыпуск и где забрать?",
    "почему курс конвертации при оплате в евро отличается от курса в приложении?",
    "Хочу пожаловаться на навязывание страховки при оформлении кредита наличными на 400 000 ₽.",
    "Можно ли открыть вклад на ребёнка?",
    "Ошибка 500 при попытке скачать выписку в PDF за квартал.",
    "Добрый вечер. Как перевести пенсию в ваш банк? Какие документы нужны?",
    "Списали 2 раза оплату в такси, по 640 рублей. Карта заканчивается на 0912.",
    "Когда начислятся проценты по накопительному счёту за ноябрь?",
    "У меня заблокировали перевод 180 000 ₽ по 115-ФЗ, что нужно предоставить?",
    "Не работает оплата по QR-коду в магазинах, пишет «неверный формат».",
    "Хочу закрыть кредитную карту, задолженности нет. Как это сделать?",
    "Сколько дней идёт перевод SWIFT в долларах?",
    "Прошу не звонить мне с предложениями кредитов, я отказывался уже 5 раз.",
    "По карте *2284 не начислили кешбэк 5% за АЗС, хотя категория была выбрана до 5-го числа.",
    "Карта *9051 заблокирована после трёх неверных вводов ПИН-кода. Как разблокировать без похода в отделение?",
    "Дважды списали 1 250 ₽ в аптеке, карта *6630, время 20:14. Верните одно списание.",
]


def clean_classification(c: Ctx):
    t = draw("tickets", ANON_TICKETS)
    fmt = rng.random()
    if fmt < 0.4:
        text = t
    elif fmt < 0.7:
        text = (f"Тикет #{short_no()}\nКанал: {ch('чат в приложении', 'e-mail', 'форма на сайте', 'мессенджер')}\n"
                f"Текст обращения:\n{t}")
    else:
        text = f"Классифицируй обращение:\n\"\"\"\n{t}\n\"\"\""
    return "classification", "ru", sys_msg(SYS_CLASS, 0.05) + [u(text)]


ANON_TICKETS_EN = [
    "My card was declined at a hotel abroad even though I have enough money. Please advise.",
    "The app crashes every time I open the Payments tab (iOS 18).",
    "I was charged a $15 fee for a transfer that was supposed to be free.",
    "How do I close my savings account online?",
    "Got a suspicious text asking me to confirm my card details via a link. Forwarding it to you.",
    "The ATM kept my card, what should I do?",
    "Why is the exchange rate in the app different from the one on your website?",
]


def clean_classification_en(c: Ctx):
    return "classification", "en", sys_msg([SYS_CLASS[1]], 0.0) + [u(f"Ticket:\n{draw('tickets_en', ANON_TICKETS_EN)}")]


# ---------------------------------------------------------------- translation sources without personal data

TR_RU = [
    "Вклад «Надёжный» — срочный вклад с фиксированной ставкой. Проценты выплачиваются ежемесячно на карту или капитализируются. Пополнение возможно в течение первых 30 дней.",
    "Карта Мир Supreme: кешбэк до 10% в выбранных категориях, бесплатное снятие наличных в любых банкоматах до 100 000 ₽ в месяц, бизнес-залы в аэропортах 2 раза в месяц.",
    "Внимание! Сотрудники банка никогда не просят сообщить CVV-код, ПИН-код или код из смс. Если вам звонят с такой просьбой, положите трубку.",
    "Для открытия счёта нерезиденту необходимы: паспорт, миграционная карта или виза, документ о месте пребывания. Срок рассмотрения — до 3 рабочих дней.",
    "Льготный период по кредитной карте составляет до 120 дней. Чтобы не платить проценты, погасите всю задолженность до окончания льготного периода.",
    "Перевод по номеру телефона доступен круглосуточно. Комиссия не взимается при переводах до 100 000 ₽ в месяц.",
    "Ставка по накопительному счёту «Копилка» — 14% годовых на остаток до 1 500 000 ₽. Проценты начисляются на минимальный остаток за месяц.",
    "Ошибка: операция отклонена. Попробуйте повторить позже или обратитесь в поддержку.",
    "Введите код из смс. Код действителен 5 минут.",
    "Банк вправе запросить документы, подтверждающие экономический смысл операции, в соответствии с требованиями законодательства.",
    "Досрочное погашение кредита возможно в любой день без комиссий. Заявление подаётся в приложении не позднее дня платежа.",
    "Выписка по счёту формируется в формате PDF и подписывается электронной подписью банка.",
    "Страхование вкладов распространяется на сумму до 1,4 млн рублей включительно.",
    "Уважаемые клиенты! 1 и 2 января отделения не работают. Интернет-банк и мобильное приложение доступны круглосуточно.",
    "Комиссия за обслуживание пакета «Премиум» — 2 990 ₽ в месяц. Обслуживание бесплатно при остатке на счетах от 3 млн ₽.",
]
TR_EN = [
    "Your transfer is being processed. It may take up to 3 business days for international payments to arrive.",
    "We have updated our privacy notice. The changes take effect on 1 March and do not require any action from you.",
    "Contactless payments without a PIN are limited to 3,000 roubles per transaction.",
    "The correspondent bank charges a fee of USD 25 for each incoming SWIFT payment.",
    "Please note that cash withdrawals with a credit card are subject to a 3.9% fee, minimum 390 roubles.",
    "Two-factor authentication adds an extra layer of security to your online banking.",
    "Interest on the deposit is calculated daily and paid at maturity.",
    "Tap \"Forgot password\" to reset your login credentials.",
    "Our branches in Kazan will be closed on Monday due to a public holiday.",
    "Applications for the Family mortgage programme are accepted until 31 December 2026.",
]


def clean_translation(c: Ctx):
    if maybe(0.7):
        src = draw("tr_ru", TR_RU)
        ask = ch("Переведи на английский:", "Translate into English:", "Переведи на английский для сайта, сохрани тон.",
                 "нужен перевод на англ:", "Переведи на английский для англоязычной версии приложения:")
        return "translation", "ru", sys_msg(SYS_TRANSLATE, 0.3) + [u(f"{ask}\n\n{src}")]
    src = draw("tr_en", TR_EN)
    if maybe(0.5):
        return "translation", "en", sys_msg(SYS_TRANSLATE[1:2], 0.3) + [u(f"Translate into Russian:\n\n{src}")]
    ask = ch("Переведи на русский:", "Переведи на русский, стиль — деловой:", "переведи это уведомление банка-партнёра на русский:")
    return "translation", "en", sys_msg(SYS_TRANSLATE, 0.3) + [u(f"{ask}\n\n{src}")]


# ---------------------------------------------------------------- internal questions without personal data

QUESTIONS = [
    "Какой суточный лимит на снятие наличных по карте Мир Supreme?",
    "Можно ли досрочно закрыть вклад «Надёжный» без потери процентов?",
    "Какие документы нужны для открытия счёта ИП?",
    "Сколько дней хранится невостребованная карта в отделении перед уничтожением?",
    "Клиент спрашивает, страхуются ли вклады свыше 1,4 млн. Что ответить?",
    "Если клиент пришёл с паспортом с истёкшим сроком, можем ли мы выдать наличные?",
    "Можно ли принимать СНИЛС в электронном виде вместо бумажного при оформлении пенсионной карты?",
    "Какой порядок действий, если клиент сообщил о мошенническом звонке, но денег не переводил?",
    "По какому курсу конвертируются операции в тенге по карте Мир?",
    "Есть ли комиссия за перевод с кредитной карты на дебетовую внутри банка?",
    "Какие сроки рассмотрения претензии по оспариванию операции по карте?",
    "Нужно ли согласие на обработку персональных данных при выдаче дебетовой карты через курьера?",
    "Сколько стоит выпуск дополнительной карты к пакету «Премиум»?",
    "Как правильно оформить возврат ошибочно зачисленных средств?",
    "Можно ли открыть вклад на несовершеннолетнего без присутствия ребёнка?",
    "Какая максимальная сумма кредита наличными без залога и поручителей?",
    "Клиент просит справку об отсутствии задолженности. В какой срок мы обязаны её выдать?",
    "Если ключевая ставка снизится, изменится ли ставка по уже открытому вкладу?",
    "Какой минимальный платёж по кредитной карте «120 дней без процентов»?",
    "Можно ли принять наличные в долларах купюрами старого образца?",
    "Что делать, если банкомат выдал меньше денег, чем запрошено, а клиент стоит в отделении?",
    "Работают ли отделения в Самаре в субботу?",
    "Сколько раз в месяц можно бесплатно снимать наличные в банкоматах других банков по тарифу «Базовый»?",
    "Как клиенту поменять кодовое слово, если он его забыл?",
    "Какие операции блокируются при приостановке по 115-ФЗ?",
    "Какая ставка по ипотеке «Семейная» при первоначальном взносе 20%?",
    "Можно ли закрыть счёт, если на нём есть арест?",
    "Чем отличается накопительный счёт от вклада с точки зрения страхования?",
    "В какие сроки зачисляется перевод по номеру телефона из другого банка после 23:00?",
    "Кто согласует выдачу наличных свыше 1 млн ₽ без предварительного заказа?",
]
QUESTIONS_EN = [
    "What is the daily cash withdrawal limit for a standard debit card?",
    "Can a non-resident open a deposit online, or only in a branch?",
    "How long does it take to reissue an expired card?",
    "Which documents are required for a mortgage refinancing application?",
    "Is there a fee for incoming SWIFT transfers in euros?",
    "What should staff do if a customer reports a phishing text message?",
]
KB_SNIPPETS = [
    ("Вклад «Надёжный»: срок 3, 6, 12 месяцев; ставка 15%, 16%, 14,5% соответственно; минимальная сумма 50 000 ₽; пополнение в первые 30 дней; досрочное закрытие — по ставке 0,01%.",
     ["Сколько процентов получит клиент, если закроет вклад досрочно?", "Можно ли пополнить вклад через два месяца после открытия?",
      "Какой срок выгоднее по ставке?"]),
    ("Карта Мир Supreme: обслуживание 0 ₽ при тратах от 50 000 ₽ в месяц, иначе 490 ₽; снятие наличных без комиссии до 100 000 ₽ в месяц в любых банкоматах.",
     ["Сколько стоит обслуживание, если клиент тратит 30 тысяч в месяц?", "Есть ли комиссия за снятие 150 000 ₽ за месяц?"]),
    ("Кредит наличными «Простой»: сумма от 50 000 до 5 000 000 ₽, срок от 1 года до 7 лет, ставка от 19,9%.",
     ["Можно ли взять 40 000 ₽ на полгода?", "Какая минимальная ставка?"]),
    ("Перевыпуск карты при утере — 300 ₽; по истечении срока — бесплатно; срок изготовления — до 5 рабочих дней.",
     ["Клиент потерял карту — сколько заплатит и когда получит новую?", "Платный ли перевыпуск, если срок карты истёк?"]),
]


def clean_question(c: Ctx):
    if maybe(0.25):
        kb, qs = rng.choice(KB_SNIPPETS)
        q = rng.choice(qs + ["Ответь клиенту коротко, что важно знать об этом продукте."])
        return "question", "ru", sys_msg(SYS_QA, 0.0) + [u(f"Контекст из базы знаний:\n{kb}\n\nВопрос: {q}")]
    if maybe(0.12):
        return "question", "en", sys_msg(["You are an internal assistant for bank staff. Answer according to policy."], 0.2) + [u(draw('questions_en', QUESTIONS_EN))]
    q = draw("questions", QUESTIONS)
    if maybe(0.3):
        q = q[0].lower() + q[1:]
    return "question", "ru", sys_msg(SYS_QA, 0.25) + [u(q)]


# ---------------------------------------------------------------- extraction without personal data

EXTRACT_SRC = [
    ("Тарифы по вкладу «Доходный+» с 01.12.2026: на 91 день — 16,5%, на 181 день — 17%, на 367 дней — 15,2%. "
     "Минимальная сумма 100 000 ₽, максимальная 30 млн ₽. Выплата процентов в конце срока.",
     "Извлеки в JSON: product, terms (days, rate), min_amount, max_amount."),
    ("Пресс-релиз. Банк запускает программу рефинансирования ипотеки со ставкой от 9,9% годовых. "
     "Программа действует с 15 января по 30 июня 2027 года. Максимальная сумма — 20 млн рублей.",
     "Выдели даты начала и окончания, ставку и максимальную сумму."),
    ("Обращение клиента: «Вчера около 18:40 списали 2 990 ₽ за подписку, которую я не оформлял. Карта *4410.»",
     "Извлеки: сумма, время, последние цифры карты, суть претензии. JSON."),
    ("Протокол совещания 27.11: решено перенести релиз приложения на 10.12; бюджет рекламной кампании — 4,5 млн ₽; "
     "ответственный — отдел маркетинга; следующий созвон в четверг в 11:00.",
     "Сделай список задач: задача, срок, ответственный."),
    ("Условия акции: кешбэк 7% на АЗС, 5% в супермаркетах, 1% на всё остальное. Лимит кешбэка 3 000 ₽ в месяц. "
     "Срок акции: до 31.03.2027.",
     "Вытащи категории и проценты кешбэка в таблицу."),
    ("Инцидент INC-30412: с 02:10 до 03:25 недоступна оплата по QR; затронуто примерно 4 % операций; причина — сбой у процессингового партнёра.",
     "Извлеки: номер инцидента, время начала и окончания, доля затронутых операций, причина."),
    ("Ставки по кредиту наличными «Простой»: до 300 000 ₽ — 24,9%; от 300 000 до 1 млн ₽ — 21,9%; свыше 1 млн ₽ — 19,9%. Срок от 13 до 84 месяцев.",
     "Преобразуй в JSON массив диапазонов сумм и ставок."),
    ("Уведомление: с 1 февраля 2027 г. комиссия за снятие наличных с кредитной карты составит 3,9% + 390 ₽. "
     "Комиссия за перевод с кредитной карты — 2,9%, минимум 290 ₽.",
     "Выдели все комиссии с их размерами и датой вступления в силу."),
    ("Отчёт за ноябрь: обращений 18 240, из них по картам 41%, по кредитам 23%, по приложению 19%, прочие 17%. "
     "Среднее время ответа в чате — 3 мин 40 с.",
     "Извлеки метрики в JSON."),
    ("Чек: Кофейня «Зерно», 28.11.2026 09:12, капучино 290 ₽, круассан 210 ₽, итого 500 ₽, оплата картой *5521.",
     "Распарси чек: магазин, дата, позиции, итог."),
    ("Договор № 4471/К. Предмет: кредитная линия для юрлица. Лимит 25 000 000 ₽, ставка ключевая + 3%, срок 24 месяца, "
     "комиссия за открытие 0,5%.",
     "Извлеки основные условия договора в JSON."),
    ("Курсы на 01.12.2026 10:00: USD покупка 92,10 продажа 95,40; EUR покупка 99,80 продажа 103,60; CNY покупка 12,70 продажа 13,40.",
     "Сделай JSON с курсами покупки и продажи."),
    ("Условия вклада «Пенсионный плюс»: ставка 16% годовых, срок 12 месяцев, пополнение без ограничений, частичное снятие до неснижаемого остатка 10 000 ₽. "
     "Проценты ежемесячно.",
     "Заполни карточку продукта: ставка, срок, пополнение, снятие, выплата процентов."),
    ("Жалоба из чата: «третий день висит перевод на 45 000 ₽ в другой банк, статус “в обработке”, обращение № 221904, сколько можно ждать?!»",
     "Извлеки сумму, номер обращения, продукт и эмоцию клиента."),
    ("Лимиты по карте Мир Classic: покупки — до 1 млн ₽ в сутки; снятие наличных — до 300 000 ₽ в сутки и до 2 млн ₽ в месяц; "
     "переводы с карты на карту — до 150 000 ₽ за операцию.",
     "Верни лимиты в виде JSON: тип операции, период, сумма."),
    ("Итоги акции «Бонус+» за квартал: участников 41 300, начислено 12,6 млн бонусов, средний кешбэк 305 ₽, доля активных 37%.",
     "Извлеки числовые показатели в таблицу."),
    ("Объявление для отделений: с 09.12 по 13.12 обновление кассового ПО. Окна перерыва: с 13:00 до 13:45. "
     "Операции свыше 600 000 ₽ в эти дни проводить только после звонка в бэк-офис.",
     "Выдели даты, время и пороговую сумму."),
    ("SLA поддержки: первый ответ в чате — до 3 минут; по e-mail — до 24 часов; претензии по картам — до 30 календарных дней, "
     "трансграничные — до 60 дней.",
     "Сделай JSON: канал/тип обращения → срок."),
    ("Решение кредитного комитета № 58: одобрить лимит 12 млн ₽ на 18 месяцев под 17,5% для заёмщика-юрлица, залог — оборудование, "
     "поручительство учредителя не требуется.",
     "Извлеки номер решения, сумму, срок, ставку и обеспечение."),
    ("Прайс на сейфовые ячейки: малая — 1 500 ₽/мес, средняя — 2 300 ₽/мес, большая — 3 900 ₽/мес; при аренде на 6 месяцев скидка 10%, "
     "на 12 месяцев — 15%; залог за ключ 5 000 ₽.",
     "Распарси прайс в JSON."),
]
EXTRACT_SRC_EN = [
    ("Fee schedule update: from 1 April, incoming SWIFT transfers in USD cost USD 20; in EUR — EUR 15. Outgoing: 0.5%, min USD 30.",
     "Extract all fees as JSON (direction, currency, amount)."),
    ("Incident summary: card payments were unavailable from 14:05 to 14:40 on 3 November. Around 2% of transactions failed.",
     "Extract start time, end time, date and failure rate."),
]


def clean_extraction(c: Ctx):
    if maybe(0.12):
        src, ask = draw("extract_en", EXTRACT_SRC_EN)
        return "extraction", "en", sys_msg(SYS_EXTRACT[2:3], 0.2) + [u(f"{ask}\n\n{src}")]
    src, ask = draw("extract", EXTRACT_SRC)
    return "extraction", "ru", sys_msg(SYS_EXTRACT, 0.2) + [u(f"{ask}\n\n{src}")]


# ---------------------------------------------------------------- rewrite without personal data

REWRITE_SRC = [
    "В случае утраты карты держатель обязан незамедлительно уведомить банк любым доступным способом, включая, но не ограничиваясь, звонком в контактный центр, сообщением в мобильном приложении или обращением в отделение.",
    "Проценты по вкладу начисляются ежедневно на остаток денежных средств на начало операционного дня и выплачиваются в дату окончания срока вклада путём зачисления на счёт.",
    "уважаемые клиенты!!! с 1 числа меняются тарифы на переводы, подробнее на сайте. спасибо что вы с нами!!!",
    "Банк не несёт ответственности за задержку платежей, вызванную действиями третьих лиц, в том числе банков-корреспондентов.",
    "Для увеличения кредитного лимита необходимо обратиться в отделение либо оставить заявку в приложении, после чего банк рассмотрит возможность увеличения лимита в срок до 5 рабочих дней.",
    "FAQ: Как заблокировать карту? Ответ: заблокировать карту можно в приложении, в интернет-банке или по звонку в банк. Разблокировать — там же, но если карта заблокирована банком, то только по звонку.",
    "Наш новый вклад это супер выгодно!!! ставка аж 17% годовых, открывай прямо сейчас в приложении и получай доход каждый месяц",
    "При досрочном расторжении договора вклада проценты пересчитываются по ставке вклада «до востребования», действующей на дату расторжения, а излишне выплаченные проценты удерживаются из суммы вклада.",
    "Уважаемый клиент, ваша заявка на кредит рассмотрена. К сожалению, банк не может предоставить кредит на запрошенных условиях. Вы можете подать повторную заявку через 60 дней.",
    "Внимание!!! Мошенники звонят от имени банка!!! Не сообщайте никому коды!!! Банк никогда не звонит с просьбой перевести деньги!!!",
    "Сотрудникам отделений: с понедельника выдача карт осуществляется только после сверки данных в системе и подписи клиента на планшете, бумажные расписки больше не используются.",
    "Кэшбек начисляется в течении 5 рабочих дней после окончания месяца, в случае возврата покупки кэшбек списываеться.",
]
REWRITE_SRC_EN = [
    "Dear customer, we regret to inform you that due to technical works the service will be unavailable tomorrow night, we apologise for any inconvenience caused.",
    "The bank reserves the right to amend these terms at any time with a prior notice of no less than 15 calendar days published on the official website.",
    "our app now has dark mode!!! update now and enjoy :)",
]
REWRITE_ASKS = ["Перепиши простым языком:", "Сократи вдвое:", "Исправь ошибки:", "Сделай текст официальнее:",
                "Перепиши для пуш-уведомления (до 120 символов):", "Сделай дружелюбнее, но без фамильярности:",
                "перефразируй, чтобы было понятно пенсионерам:", "Перепиши для раздела FAQ на сайте:"]


def clean_rewrite(c: Ctx):
    if maybe(0.15):
        src = draw("rewrite_en", REWRITE_SRC_EN)
        ask = ch("Rewrite in plain English:", "Make this more professional:", "Shorten to one sentence:")
        return "rewrite", "en", sys_msg(SYS_REWRITE[2:3], 0.2) + [u(f"{ask}\n\n{src}")]
    return "rewrite", "ru", sys_msg(SYS_REWRITE, 0.3) + [u(f"{rng.choice(REWRITE_ASKS)}\n\n{draw('rewrite', REWRITE_SRC)}")]


# ================================================================ hand-written requests WITHOUT personal data

HAND_CLEAN = [
    ("email_draft", "ru", [
        ("system", "Ты помощник сотрудника банка. Пиши вежливо и кратко."),
        ("user", "Сделай рассылку о новых ставках по вкладам с 1 декабря: «Надёжный» на 6 мес. — 16,5%, на 12 мес. — 15%, "
                 "«Доходный+» на 3 мес. — 17%. Минимальная сумма 50 000 ₽, при открытии в приложении +0,5 п.п. "
                 "Акция до 31.12.2026. Тема письма нужна короткая."),
    ]),
    ("call_summary", "ru", [
        ("system", "Ты суммаризируешь звонки колл-центра банка. Формат ответа: Тема; Суть обращения; Что сделано; Следующий шаг."),
        ("user", "Оператор: Добрый день, банк, слушаю вас.\n"
                 "Клиент: Здравствуйте. Я не хочу называть себя, просто вопрос. Мне пришло смс, что по моей карте операция на 23 990 рублей в магазине электроники, а я ничего не покупал.\n"
                 "Оператор: Понимаю. Без идентификации я не смогу посмотреть вашу карту. Если вы не совершали операцию, первым делом заблокируйте карту в приложении.\n"
                 "Клиент: А это смс точно от вас? Там ссылка какая-то.\n"
                 "Оператор: Мы не присылаем ссылки в смс об операциях. Скорее всего, это мошенническое сообщение. По ссылке не переходите.\n"
                 "Клиент: То есть деньги не списались?\n"
                 "Оператор: Проверьте историю операций в приложении. Если операции там нет, значит, смс поддельное.\n"
                 "Клиент: Сейчас... Нет, последняя операция вчера, кофе за 180 рублей.\n"
                 "Оператор: Значит, всё в порядке. Можете переслать это смс на наш короткий номер для жалоб на мошенников — бесплатно.\n"
                 "Клиент: Хорошо, спасибо, вы меня успокоили.\n"
                 "Оператор: Всего доброго!"),
    ]),
    ("classification", "ru", [
        ("system", "Ты классификатор обращений. Категории: карты, кредиты, вклады, переводы, мобильное_приложение, мошенничество, жалоба_на_сервис, другое. Ответь JSON: {\"category\": ..., \"priority\": \"low|medium|high\"}."),
        ("user", "добрый день!! у меня в приложении пропала кнопка «пополнить» у вклада, вчера была. айфон, версия 8.14. это баг или вклад больше нельзя пополнять??"),
    ]),
    ("translation", "ru", [
        ("system", "Ты переводчик банка. Переводи точно, сохраняй форматирование."),
        ("user", "Переведи на английский описание продукта для сайта:\n\n"
                 "Карта Мир Supreme — премиальная дебетовая карта.\n• Кешбэк до 10% в трёх выбранных категориях\n"
                 "• 2 прохода в бизнес-залы аэропортов каждый месяц\n• Снятие наличных без комиссии до 150 000 ₽ в месяц\n"
                 "• Обслуживание — 0 ₽ при тратах от 75 000 ₽ в месяц, иначе 990 ₽"),
    ]),
    ("question", "ru", [
        ("system", "Ты внутренний ассистент сотрудников банка. Отвечай по регламентам, если не знаешь — так и скажи."),
        ("user", "Клиент (не идентифицирован, звонит с незнакомого номера) просит продиктовать остаток по счёту. "
                 "Говорит, что знает кодовое слово, но паспорт не с собой. Что можно сообщать, а что нельзя?"),
    ]),
    ("extraction", "ru", [
        ("system", "Извлеки данные из документа и верни JSON. Отсутствующие поля — null."),
        ("user", "Из текста тарифа извлеки: название, стоимость обслуживания, бесплатные условия, лимиты.\n\n"
                 "Пакет услуг «Премиум». Стоимость — 2 990 ₽ в месяц. Бесплатно при остатке на счетах от 3 000 000 ₽ "
                 "или тратах по картам от 200 000 ₽ в месяц. Лимит снятия наличных без комиссии — 1 млн ₽ в месяц. "
                 "Переводы в другие банки без комиссии до 5 млн ₽ в месяц."),
    ]),
    ("rewrite", "ru", [
        ("system", "Ты редактор. Перепиши текст, сохранив смысл и все факты."),
        ("user", "Перепиши ответ из FAQ понятнее:\n\n"
                 "Вопрос: Что делать, если банкомат не выдал денежные средства?\n"
                 "Ответ: В случае невыдачи денежных средств банкоматом при списании суммы операции со счёта Клиенту надлежит "
                 "обратиться в Банк с заявлением о несогласии с операцией не позднее 30 (тридцати) календарных дней с даты совершения операции. "
                 "Срок рассмотрения заявления составляет до 30 (тридцати) календарных дней, а в случае трансграничной операции — до 60 (шестидесяти) календарных дней."),
    ]),
    ("email_draft", "ru", [
        ("user", "напиши письмо всем сотрудникам отделений в Казани и Самаре что с понедельника меняется регламент выдачи наличных свыше 1 млн ₽ — "
                 "только по предварительному заказу за 1 рабочий день, заявку согласует управляющий. коротко, без воды"),
    ]),
    ("call_summary", "ru", [
        ("user", "О: Банк, здравствуйте.\nК: Здрасте. У вас в приложении написано, что ставка по «Копилке» 14%, а в отделении сказали 12. Где правда?\n"
                 "О: С 1 декабря ставка 14% действует на остаток до 1,5 млн ₽, свыше — 12%. Возможно, в отделении говорили про большую сумму.\n"
                 "К: А, ну да, я спрашивала про два миллиона.\nО: Тогда на 1,5 млн начислится 14%, на оставшиеся 500 тысяч — 12%.\n"
                 "К: Понятно. А проценты каждый месяц?\nО: Да, на минимальный остаток за месяц, выплата в первый рабочий день следующего месяца.\n"
                 "К: Спасибо, всё ясно."),
    ]),
    ("question", "en", [
        ("system", "You are an internal assistant for bank staff. Answer according to policy."),
        ("user", "A walk-in customer wants to exchange $1,200 in old-series banknotes (before 2013). Do we accept them, and is there a fee?"),
    ]),
    ("translation", "en", [
        ("system", "Translate the user's text. Keep numbers, names and formatting unchanged."),
        ("user", "Translate into Russian for the app release notes:\n\n"
                 "What's new in 8.15:\n- Split a bill with friends right from the payment screen\n- Faster login with Face ID\n"
                 "- Fixed: the deposit top-up button was missing for some users\n- Fixed: statements in PDF failed to download for periods longer than 90 days"),
    ]),
    ("rewrite", "ru", [
        ("user", "Сделай из этого нормальный пост для телеграм-канала банка, 3–4 предложения, можно 1–2 эмодзи:\n\n"
                 "с 15 декабря по 15 января кешбэк 10% на подарки в категории «Игрушки и товары для детей», лимит 2 000 ₽, только по картам Мир. "
                 "участвовать надо нажать кнопку в приложении до 20 декабря"),
    ]),
    ("classification", "ru", [
        ("system", "Проставь теги обращению (не больше трёх) из списка: карта, блокировка, перевыпуск, кредит, просрочка, вклад, перевод, приложение, смс, комиссия, жалоба, мошенничество, документы."),
        ("user", "Почему при переводе 50 000 ₽ с карты *3308 на карту другого банка взяли комиссию 750 ₽? В тарифе написано, что до 100 000 ₽ в месяц бесплатно. "
                 "В этом месяце переводила только это."),
    ]),
    ("question", "ru", [
        ("user", "Как считать полную стоимость кредита, если ставка 21,9%, срок 36 мес., сумма 600 000 ₽ и есть страховка 1,2% в год от суммы? "
                 "Нужна формула для объяснения клиенту на пальцах"),
    ]),
    ("extraction", "ru", [
        ("system", "Ты модуль разбора внутренних документов. Верни JSON."),
        ("user", "Служебная записка № 312 от 20.11.2026.\nО переносе сроков внедрения.\n\n"
                 "В связи с задержкой поставки оборудования внедрение терминалов самообслуживания в отделениях Перми и Тюмени переносится с 01.12.2026 на 15.01.2027. "
                 "Бюджет проекта не меняется и составляет 18,4 млн ₽. Ответственное подразделение — управление розничной сети.\n\n"
                 "Извлеки: номер и дату записки, города, старую и новую дату, бюджет, подразделение."),
    ]),
    ("email_draft", "en", [
        ("system", "You draft customer e-mails on behalf of the bank. Plain English, no promises beyond the facts given."),
        ("user", "Write a short e-mail template for customers whose card expires next month: the new card will be issued automatically, "
                 "it will be ready for pickup 10 days before the old one expires, and delivery by courier costs 0 roubles for premium customers. No names, use \"Dear customer\"."),
    ]),
    ("call_summary", "ru", [
        ("system", "Кратко перескажи диалог оператора и клиента списком из 3–6 пунктов."),
        ("user", "[00:00:02] Оператор: Контактный центр, здравствуйте.\n[00:00:05] Клиент: Добрый день. Хочу взять кредит наличными, миллион, на пять лет. Какой будет платёж примерно?\n"
                 "[00:00:14] Оператор: При ставке 19,9% платёж составит около 26 400 ₽ в месяц. Точная ставка определяется после рассмотрения заявки.\n"
                 "[00:00:26] Клиент: А страховка обязательна?\n[00:00:29] Оператор: Нет, страхование добровольное. Без страховки ставка может быть выше на 2 пункта.\n"
                 "[00:00:38] Клиент: А досрочно гасить можно?\n[00:00:41] Оператор: Да, в любой день, без комиссии, через приложение.\n"
                 "[00:00:48] Клиент: Хорошо, я подам заявку на сайте.\n[00:00:51] Оператор: Отлично, решение обычно приходит в течение 15 минут."),
    ]),
    ("rewrite", "en", [
        ("system", "Rewrite the text to be clear and professional. Keep all facts."),
        ("user", "Rewrite this notice so that it's easy to read:\n\n"
                 "PLEASE NOTE that from 01.02.2027 the fee for cash withdrawal from credit cards will be 3.9% + 390 RUB, "
                 "and the grace period will NOT apply to cash withdrawals and transfers, which is different from before when it applied for the first 30 days."),
    ]),
    ("question", "ru", [
        ("system", "Ты консультант по внутренним процедурам банка (комплаенс, ПОД/ФТ, сервис)."),
        ("user", "Если клиент регулярно получает переводы от физлиц на карту по 20–30 тыс. рублей, 15–20 раз в месяц, это повод для запроса документов по 115-ФЗ? "
                 "Какие критерии мы используем?"),
    ]),
    ("classification", "ru", [
        ("system", "Ты маршрутизатор тикетов. Выбери очередь: «Карты», «Кредиты», «Вклады и счета», «Дистанционное обслуживание», «Антифрод», «Претензии». Ответ — только название очереди."),
        ("user", "Тикет #77120\nКанал: форма на сайте\nТекст: Мне пришло письмо якобы от банка о «перерасчёте вклада», просят перейти по ссылке и ввести данные карты. "
                 "Письмо пересылаю. Данные я не вводила."),
    ]),
    ("translation", "ru", [
        ("user", "переведи на английский, это для иностранных студентов на сайте:\n\n"
                 "Студенческая карта выпускается бесплатно. Для оформления нужны паспорт, студенческий билет и миграционная карта. "
                 "Стипендия зачисляется без комиссии. Обслуживание — 0 ₽ до окончания учёбы."),
    ]),
    ("extraction", "en", [
        ("system", "Extract the requested fields as JSON. Use null for missing values."),
        ("user", "Extract product, rate, term and minimum amount:\n\n"
                 "Introducing the Flex Saver account: earn 12.5% AER on balances up to 2,000,000 roubles for the first 6 months. "
                 "No minimum deposit. Withdraw at any time."),
    ]),
    ("email_draft", "ru", [
        ("system", "Ты — ассистент менеджера по работе с клиентами. Составляй письма в деловом стиле."),
        ("user", "Нужен шаблон письма для клиентов малого бизнеса: с 1 января тариф «Бизнес Старт» стоит 490 ₽ в месяц вместо 0 ₽, "
                 "но в него добавлены 10 бесплатных платежей в другие банки и бухгалтерия для УСН. Переход на другой тариф — в интернет-банке."),
        ("assistant", "Тема: Изменения в тарифе «Бизнес Старт» с 1 января\n\nЗдравствуйте!\n\nС 1 января стоимость тарифа «Бизнес Старт» составит 490 ₽ в месяц. "
                      "Вместе с этим в тариф войдут 10 бесплатных платежей в другие банки и онлайн-бухгалтерия для УСН. "
                      "Если вам удобнее другой тариф, сменить его можно в интернет-банке.\n\nС уважением,\nкоманда банка"),
        ("user", "Хорошо, но сделай мягче начало — объясни, зачем меняем тариф, и добавь, что до 31 января можно перейти бесплатно."),
    ]),
    ("rewrite", "ru", [
        ("system", "Ты помогаешь сотрудникам банка писать грамотно. Исправь ошибки и сделай текст понятнее."),
        ("user", "коллеги, напоминаю что до пятницы нужно пройти тест по ПОД/ФТ в системе обучения, проходной балл 80%, "
                 "кто не пройдёт тот не получит премию за квартал. вопросы к отделу обучения, пишите в общий чат а не в личку"),
    ]),
    ("question", "ru", [
        ("user", "Контекст из базы знаний:\nПеревыпуск карты при утере — 300 ₽; по истечении срока — бесплатно; срок изготовления — до 5 рабочих дней; "
                 "доставка курьером — 0 ₽ для пакета «Премиум», 290 ₽ для остальных.\n\n"
                 "Вопрос клиента из чата: «а если я карту сломал, это утеря или нет? и сколько ждать?»"),
    ]),
    ("call_summary", "en", [
        ("system", "Summarise the following call transcript in at most five bullet points."),
        ("user", "Agent: Good afternoon, how can I help?\nCaller: Hi, I'm thinking about moving my savings to you. What's your best rate at the moment?\n"
                 "Agent: Our 6-month deposit pays 16.5% if opened in the app. For 12 months it's 15%.\nCaller: Is there a minimum?\n"
                 "Agent: 50,000 roubles. Deposits are insured up to 1.4 million roubles.\nCaller: And can I withdraw early?\n"
                 "Agent: Yes, but interest is then recalculated at 0.01%.\nCaller: OK, thanks, I'll think about it."),
    ]),
    ("classification", "en", [
        ("system", "Classify the ticket into one of: BLOCK_CARD, DISPUTE, LOAN, DEPOSIT, TRANSFER, APP, FRAUD, COMPLAINT, DOCS, OTHER. Return only the label."),
        ("user", "Ticket #55901: I was charged 2,490 RUB twice for the same order on 14 November. The shop says they only charged once. Card ending 6612."),
    ]),
    ("email_draft", "ru", [
        ("system", "Роль: копирайтер службы клиентского сервиса. Тон тёплый, но деловой. Объём до 150 слов."),
        ("user", "Письмо-извинение всем клиентам за сбой 28 ноября: с 10:15 до 12:40 не проходили платежи по картам в магазинах. "
                 "Всем, у кого в этот период была отклонена операция, начислим 300 бонусов. Деньги никуда не пропали."),
    ]),
    ("extraction", "ru", [
        ("user", "вытащи из текста все даты и суммы, оформи списком:\n\n"
                 "Погашение кредитов по программе господдержки: первый транш 1,2 млрд ₽ — 15.02.2027, второй 800 млн ₽ — 15.08.2027, "
                 "остаток 450 млн ₽ — до 31.12.2027. Проценты уплачиваются ежеквартально, ставка 7,5%."),
    ]),
    ("rewrite", "ru", [
        ("user", "Перепиши текст автоответа чата, чтобы он не звучал как робот:\n\n"
                 "Ваше обращение зарегистрировано. Среднее время ответа составляет 5 минут. Пожалуйста, не указывайте в чате полный номер карты, "
                 "CVV-код, пароли и коды из СМС. Для ускорения обработки опишите проблему в одном сообщении."),
    ]),
    ("question", "ru", [
        ("system", "Ты помогаешь операционистам отделений. Отвечай коротко, по шагам."),
        ("user", "клиент хочет открыть вклад на 2 500 000 рублей, а страхуется только 1,4 млн. как ему лучше посоветовать — разбить на два банка или на два вклада у нас? "
                 "что говорим по регламенту?"),
    ]),
    ("translation", "ru", [
        ("system", "Ты профессиональный переводчик финансовых документов."),
        ("user", "Переведи на английский фрагмент договора:\n\n"
                 "3.4. Проценты на сумму вклада начисляются со дня, следующего за днём поступления денежных средств на счёт, по день окончания срока вклада включительно. "
                 "3.5. При невостребовании вклада по окончании срока договор считается продлённым на тот же срок на условиях, действующих на дату продления."),
    ]),
    ("classification", "ru", [
        ("system", "Определи, является ли обращение мошенническим (fraud / not_fraud), и объясни в одном предложении."),
        ("user", "Входящее письмо на общий ящик:\n\n«Добрый день! Я ваш клиент. Хочу уточнить, правда ли, что с 1 января вы закрываете все карты старого образца? "
                 "Мне так сказала соседка. Спасибо.»"),
    ]),
    ("call_summary", "ru", [
        ("system", "Ты — модуль постобработки звонков. Выдели: причину звонка, результат, нужна ли эскалация (да/нет)."),
        ("user", "SPEAKER_1: банк добрый день\nSPEAKER_2: здравствуйте а у вас можно ячейку арендовать\nSPEAKER_1: да в некоторых отделениях есть "
                 "депозитарий вам в каком городе\nSPEAKER_2: в воронеже\nSPEAKER_1: в воронеже есть в двух отделениях аренда от 2 000 рублей в месяц "
                 "зависит от размера ячейки\nSPEAKER_2: а на полгода сколько\nSPEAKER_1: на полгода со скидкой 10 процентов точную сумму скажут в отделении\n"
                 "SPEAKER_2: а записаться заранее надо\nSPEAKER_1: лучше записаться в приложении или на сайте\nSPEAKER_2: хорошо спасибо"),
    ]),
    ("email_draft", "ru", [
        ("system", "Ты модуль генерации писем в CRM. Верни только текст письма."),
        ("user", "{\"template\": \"deposit_maturity_generic\", \"product\": \"Вклад «Сезонный»\", \"days_left\": 7, \"new_rate\": \"15,5%\", "
                 "\"channel\": \"push+email\", \"personalization\": false}"),
    ]),
    ("extraction", "ru", [
        ("system", "Выдели из текста реквизиты и верни их таблицей в формате Markdown."),
        ("user", "Из письма партнёра выдели условия сотрудничества (без контактов, их нет):\n\n"
                 "Предлагаем скидку 15% на первый заказ для держателей ваших карт, промокод БАНК15, срок действия с 01.12.2026 по 28.02.2027, "
                 "минимальная сумма заказа 3 000 ₽, не суммируется с другими акциями."),
    ]),
    ("rewrite", "ru", [
        ("system", "Ты редактор. Перепиши текст, сохранив смысл и все факты."),
        ("user", "Сократи до одного абзаца для внутренней рассылки:\n\n"
                 "Уважаемые коллеги! Информируем вас о том, что в связи с проведением плановых работ по обновлению автоматизированной банковской системы "
                 "в ночь с субботы на воскресенье, с 23:00 до 06:00 по московскому времени, будут недоступны следующие функции: открытие и закрытие счетов, "
                 "выдача кредитов, изменение лимитов по картам. Просим учитывать это при планировании работы дежурных смен и заранее предупреждать клиентов. "
                 "Операции по картам, переводы и платежи будут работать в штатном режиме."),
    ]),
    ("question", "en", [
        ("user", "Our call centre script says \"never ask for the full card number\". What's the recommended way to identify a caller then? Give a short checklist."),
    ]),
    ("translation", "en", [
        ("system", "Ты переводчик банка. Переводи точно, сохраняй форматирование."),
        ("user", "Translate into Russian:\n\nFraud alert: we will never call you to ask for your PIN, CVV or one-time passcode. "
                 "If in doubt, hang up and call the number on the back of your card."),
    ]),
    ("classification", "ru", [
        ("user", "Разметь по тональности (позитив/нейтрально/негатив) отзывы из магазина приложений:\n"
                 "1. Отличное приложение, всё быстро\n2. после обновления не могу войти, верните старую версию\n3. нормально, но кешбэк маловат\n"
                 "4. Переводы по номеру телефона — огонь, бесплатно до 100 тыс\n5. Три дня не работает оплата по QR, позор"),
    ]),
]


CLEAN_PLAN = [
    (clean_newsletter, 22), (clean_newsletter_en, 3), (clean_email_reply, 6),
    (clean_call_summary, 25), (clean_call_summary_en, 3),
    (clean_classification, 26), (clean_classification_en, 4),
    (clean_translation, 23), (clean_question, 20), (clean_extraction, 20), (clean_rewrite, 18),
]


# ================================================================ assembly

MARK = re.compile(r"\[\[(\w+):(.+?)\]\]|\{\{(\w+)\}\}")


def org_inn() -> str:
    while True:
        body = rng.choice(INN_REGIONS) + f"{rng.randint(1, 99):02d}" + f"{rng.randint(0, 99999):05d}"
        d = body + stdnum_inn.calc_company_check_digit(body)
        if claim("org_inn", d):
            ORG_VALUES.add(d)
            return d


ORG_VALUES: set[str] = set()

GEN_KINDS = {
    "card": lambda c: c.card("space"), "card_space": lambda c: c.card("space"),
    "card_dash": lambda c: c.card("dash"), "card_plain": lambda c: c.card("plain"),
    "snils": lambda c: c.snils("std"), "snils_plain": lambda c: c.snils("plain"),
    "inn": lambda c: c.inn(),
    "acct": lambda c: c.account("plain", "40817810"), "acct_sp": lambda c: c.account("sp", "40817810"),
    "acct_usd": lambda c: c.account("plain", "40817840"), "acct_eur": lambda c: c.account("plain", "40817978"),
    "acct_dep": lambda c: c.account("plain", "42305810"),
    "org_inn": lambda c: org_inn(),
}


def render_hand(msgs, c: Ctx):
    def rep(m):
        if m.group(1):
            typ, val = m.group(1), m.group(2)
            assert typ in TYPES, typ
            if {"type": typ, "value": val} not in c.labels and typ != "name":
                assert claim(typ, val), f"duplicate hand-written value {typ}: {val}"
            return c.add(typ, val)
        return GEN_KINDS[m.group(3)](c)

    return [{"role": r, "content": MARK.sub(rep, t)} for r, t in msgs]


PREFACE = {
    "classification": ("Сейчас пришлю обращение, определи категорию.", "Хорошо, присылайте текст обращения."),
    "extraction": ("Будет документ, нужно вытащить поля. Готов?", "Да, присылайте документ."),
    "translation": ("Нужно перевести текст, пришлю следующим сообщением.", "Хорошо, жду текст."),
    "rewrite": ("Помоги отредактировать текст, сейчас скину.", "Конечно, присылайте."),
    "question": ("У меня вопрос по работе с клиентом.", "Слушаю, задавайте вопрос."),
    "call_summary": ("Сейчас будет расшифровка звонка.", "Жду расшифровку."),
    "email_draft": ("Нужно письмо, сейчас опишу задачу.", "Хорошо, опишите задачу."),
}
PREFACE_EN = ("I'll paste the text in the next message.", "Sure, go ahead.")


DOUBLE_DOT = re.compile(r"(?<!\.)\.\.(?!\.)")


def maybe_multiturn(task, lang, messages):
    if len(messages) > 2 or not maybe(0.1):
        return messages
    head = [m for m in messages if m["role"] == "system"]
    rest = [m for m in messages if m["role"] != "system"]
    q_, a_ = PREFACE_EN if lang == "en" else PREFACE[task]
    return head + [u(q_), a(a_)] + rest


def build() -> list[dict]:
    # names used in hand-written text are reserved before anything is generated
    for _t, _l, msgs in HAND_PII:
        for _r, t in msgs:
            for m in MARK.finditer(t):
                if m.group(1) == "name":
                    USED["name"].add(m.group(2).lower())
                    for w in re.findall(r"[A-Za-z']+", m.group(2)):
                        if w.capitalize() in EN_LAST or w in EN_LAST:
                            USED["en_last"].add(w.capitalize() if w.isupper() else w)
    items, seen = [], set()

    def push(task, lang, messages, labels, origin):
        key = json.dumps(messages, ensure_ascii=False)
        if key in seen:
            return False
        seen.add(key)
        items.append({"task": task, "lang_hint": lang, "messages": messages, "pii": labels, "origin": origin})
        return True

    for task, lang, msgs in HAND_PII:
        c = Ctx()
        assert push(task, lang, render_hand(msgs, c), c.labels, "hand")
    for task, lang, msgs in HAND_CLEAN:
        c = Ctx()
        assert push(task, lang, render_hand(msgs, c), c.labels, "hand")
    for plan in (PII_PLAN, CLEAN_PLAN):
        for fn, n in plan:
            made = 0
            for _attempt in range(n * 30):
                if made == n:
                    break
                c = Ctx()
                task, lang, messages = fn(c)
                messages = [{"role": m["role"], "content": DOUBLE_DOT.sub(".", m["content"])} for m in messages]
                messages = maybe_multiturn(task, lang, messages)
                if task == "call_summary":
                    size = sum(len(m["content"]) for m in messages if m["role"] == "user")
                    if not 300 <= size <= 1500:
                        continue
                if push(task, lang, messages, c.labels, fn.__name__):
                    made += 1
            assert made == n, f"{fn.__name__}: only {made} of {n} unique requests"
    rng.shuffle(items)
    out = []
    for i, it in enumerate(items, 1):
        out.append({"id": f"g{i:03d}", "lang": it["lang_hint"], "task": it["task"],
                    "messages": it["messages"], "pii": it["pii"], "_origin": it["origin"]})
    return out


# ================================================================ YAML output

def q(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def block_ok(s: str) -> bool:
    if "\n" not in s or "\t" in s or "\r" in s:
        return False
    lines = s.split("\n")
    return (not lines[0].startswith(" ") and all(ln == ln.rstrip() for ln in lines)
            and not s.endswith("\n") and all(ln.strip() for ln in lines[:1]))


def dump_yaml(items: list[dict]) -> str:
    out = ["# Blind evaluation set for the model gateway's personal-data detector.",
           "# Generated by evals/gateway/tools/generate.py (seed %d); see README.md." % SEED, ""]
    for it in items:
        out.append(f"- id: {it['id']}")
        out.append(f"  lang: {it['lang']}")
        out.append(f"  task: {it['task']}")
        out.append("  messages:")
        for m in it["messages"]:
            out.append(f"    - role: {m['role']}")
            if block_ok(m["content"]):
                out.append("      content: |-")
                out.extend(("        " + ln) if ln else "" for ln in m["content"].split("\n"))
            else:
                out.append(f"      content: {q(m['content'])}")
        if not it["pii"]:
            out.append("  pii: []")
        else:
            out.append("  pii:")
            for p in it["pii"]:
                out.append(f"    - {{type: {p['type']}, value: {q(p['value'])}}}")
    return "\n".join(out) + "\n"


# ================================================================ verification

NAME_WORDS = ({w.lower() for w in MALE_FIRST + FEMALE_FIRST + EN_FIRST_M + EN_FIRST_F + EN_LAST}
              | {s.lower() for s in SURNAMES_OV + SURNAMES_CONS + SURNAMES_INDECL + SURNAMES_OI if len(s) > 3}
              | {(s + "ий").lower() for s in SURNAMES_SKY})
NAME_WORDS -= {"мира", "лев", "роман", "новая", "grace"}
BIRTHDATE_RE = re.compile(
    r"^(\d{2}\.\d{2}\.\d{4}( г\.)?|\d{1,2} [а-я]+ \d{4}( г\.| года)?|\d{4}-\d{2}-\d{2}|\d{2}/\d{2}/\d{4}|"
    r"[A-Z][a-z]+ \d{1,2}, \d{4}|\d{1,2} [A-Z][a-z]+ \d{4})$")
EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
NUMBER_RUN = re.compile(r"\d(?:[\d]|[ \-()](?=[\d(]))*\d|\d")


def value_ok(typ: str, v: str) -> str | None:
    d = re.sub(r"\D", "", v)
    if typ == "card":
        return None if card_valid(v) and re.fullmatch(r"[\d \-]+", v) else "bad card"
    if typ == "snils":
        return None if snils_valid(v) else "bad snils check digits"
    if typ == "inn":
        return None if len(d) == 12 and inn_valid(v) and d == v else "bad personal INN"
    if typ == "account":
        return None if account_valid(v) else "bad account / control key"
    if typ == "passport":
        if re.search(r"[A-Za-z]{2}", v):
            return None  # foreign passport in an English request
        return None if len(d) == 10 else "bad RU passport"
    if typ == "phone":
        return None if 10 <= len(d) <= 13 and re.fullmatch(r"[\d +\-()]+", v) else "bad phone"
    if typ == "email":
        return None if EMAIL_RE.match(v) else "bad email"
    if typ == "cvv":
        return None if re.fullmatch(r"\d{3}", v) else "bad cvv"
    if typ == "birthdate":
        return None if BIRTHDATE_RE.match(v) else "bad birthdate format"
    if typ in ("name", "address"):
        return None if len(v) >= 3 else "too short"
    return "unknown type"


def spans_of(text: str, values: list[str]):
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


def covered(spans, a, b) -> bool:
    return any(s <= a and b <= e for s, e in spans)


def verify(items: list[dict]) -> list[str]:
    errs: list[str] = []
    ids = [it["id"] for it in items]
    if len(set(ids)) != len(ids):
        errs.append("duplicate ids")
    with_pii = [it for it in items if it["pii"]]
    clean = [it for it in items if not it["pii"]]
    if len(items) != N_PII + N_CLEAN or len(with_pii) != N_PII or len(clean) != N_CLEAN:
        errs.append(f"counts: {len(items)} total, {len(with_pii)} with pii, {len(clean)} clean")
    seen_vals: dict[tuple, str] = {}
    for it in items:
        iid = it["id"]
        if it["task"] not in TASKS:
            errs.append(f"{iid}: bad task {it['task']}")
        if it["lang"] not in ("ru", "en"):
            errs.append(f"{iid}: bad lang")
        roles = [m["role"] for m in it["messages"]]
        if roles[-1] != "user" or any(r not in ("system", "user", "assistant") for r in roles) or \
                ("system" in roles and roles.index("system") != 0):
            errs.append(f"{iid}: bad roles {roles}")
        text = "\n".join(m["content"] for m in it["messages"])
        values = [p["value"] for p in it["pii"]]
        for p in it["pii"]:
            if p["type"] not in TYPES:
                errs.append(f"{iid}: unknown type {p['type']}")
                continue
            if p["value"] not in text:
                errs.append(f"{iid}: value not in text: {p['value']!r}")
            bad = value_ok(p["type"], p["value"])
            if bad:
                errs.append(f"{iid}: {bad}: {p['value']!r}")
            k = (p["type"], norm_key(p["type"], p["value"]))
            if k in seen_vals and seen_vals[k] != iid:
                errs.append(f"{iid}: {p['type']} {p['value']!r} also used in {seen_vals[k]}")
            seen_vals.setdefault(k, iid)
        spans = spans_of(text, values)
        # every long number in a request must be a labelled value (or a known organisation number)
        rest = text
        for v in sorted(values, key=len, reverse=True):
            rest = rest.replace(v, " § ")
        for m in NUMBER_RUN.finditer(rest):
            digits = re.sub(r"\D", "", m.group())
            long_run = max((len(x) for x in re.findall(r"\d+", m.group())), default=0)
            if (len(digits) >= 10 or long_run >= 7) and digits not in ORG_VALUES:
                errs.append(f"{iid}: unlabelled number {m.group()!r}")
        low = text.lower()
        if it["pii"]:
            # a surname that is labelled once must be labelled wherever it occurs
            for p in it["pii"]:
                if p["type"] != "name":
                    continue
                words = [w for w in re.findall(r"[A-Za-zА-Яа-яЁё'\-]+", p["value"]) if len(w) >= 4]
                if not words:
                    continue
                w = max(words, key=len).lower()
                stem = w[:max(4, len(w) - 2)]
                for mm in re.finditer(re.escape(stem), low):
                    if not covered(spans, mm.start(), mm.end()):
                        errs.append(f"{iid}: unlabelled mention of {stem!r} near {text[max(0, mm.start() - 20):mm.end() + 20]!r}")
        else:
            if "@" in text:
                errs.append(f"{iid}: clean request contains '@'")
            if re.search(r"(?i)(\bул\.\s|\bулица\s+[а-я]|\bкв\.?\s*\d|\bквартира\s+\d|\bд\.\s*\d|\bflat \d|\bapt\.? ?\d)", text):
                errs.append(f"{iid}: clean request looks like it contains an address")
            for w in re.findall(r"[A-Za-zА-Яа-яЁё']+", low):
                if w in NAME_WORDS:
                    errs.append(f"{iid}: clean request contains a name-like word {w!r}")
            if re.search(r"\b(Mr|Ms|Mrs)\.? [A-Z]", text):
                errs.append(f"{iid}: clean request contains a titled name")
    counts = collections.Counter(p["type"] for it in items for p in it["pii"])
    for t, mn in MINIMUMS.items():
        if counts[t] < mn:
            errs.append(f"type {t}: {counts[t]} values, need at least {mn}")
    return errs


def summary(items: list[dict]) -> str:
    lines = []
    with_pii = [it for it in items if it["pii"]]
    clean = [it for it in items if not it["pii"]]
    lines.append(f"requests: {len(items)} (with personal data {len(with_pii)}, without {len(clean)})")
    counts = collections.Counter(p["type"] for it in items for p in it["pii"])
    lines.append("values per type: " + ", ".join(f"{t} {counts[t]} (min {MINIMUMS[t]})" for t in TYPES))
    req_per_type = collections.Counter(t for it in items for t in {p["type"] for p in it["pii"]})
    lines.append("requests per type: " + ", ".join(f"{t} {req_per_type[t]}" for t in TYPES))
    for label, group in (("all", items), ("with pii", with_pii), ("clean", clean)):
        tc = collections.Counter(it["task"] for it in group)
        lc = collections.Counter(it["lang"] for it in group)
        lines.append(f"tasks [{label}]: " + ", ".join(f"{t} {tc[t]}" for t in TASKS))
        lines.append(f"langs [{label}]: " + ", ".join(f"{k} {lc[k]}" for k in ("ru", "en")))
    nvals = collections.Counter(len(it["pii"]) for it in with_pii)
    lines.append("values per request (with pii): " + ", ".join(f"{k}:{nvals[k]}" for k in sorted(nvals)))
    multi = sum(1 for it in with_pii if len(it["messages"]) - (it["messages"][0]["role"] == "system") > 1)
    lines.append(f"multi-turn requests: {sum(1 for it in items if sum(m['role'] != 'system' for m in it['messages']) > 1)} "
                 f"(with pii {multi})")
    for label, group in (("with pii", with_pii), ("clean", clean)):
        calls = sorted(sum(len(m["content"]) for m in it["messages"] if m["role"] == "user")
                       for it in group if it["task"] == "call_summary")
        lines.append(f"call_summary user-text length [{label}]: min {calls[0]}, median {calls[len(calls) // 2]}, max {calls[-1]}")
    origin = collections.Counter("hand" if it.get("_origin") == "hand" else "generated" for it in items)
    if any("_origin" in it for it in items):
        lines.append(f"hand-written: {origin['hand']}, generated from templates: {origin['generated']}")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true", help="only verify the existing requests.yaml")
    args = ap.parse_args()
    if not args.check:
        items = build()
        text = dump_yaml(items)
        loaded = yaml.safe_load(text)
        stripped = [{k: v for k, v in it.items() if not k.startswith("_")} for it in items]
        assert loaded == stripped, "YAML round trip changed the data"
        OUT_YAML.write_text(text, encoding="utf-8")
        hand_ids = [it["id"] for it in items if it["_origin"] == "hand"]
        print(f"wrote {OUT_YAML} ({len(items)} requests)")
        print("hand-written ids:", " ".join(hand_ids))
    else:
        items = yaml.safe_load(OUT_YAML.read_text(encoding="utf-8"))
        # rebuild the set of organisation numbers deterministically
        build()
    errs = verify(items)
    print(summary(items))
    if errs:
        print(f"\nFAILED: {len(errs)} problem(s)")
        for e in errs:
            print(" -", e)
        return 1
    print("\nOK: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
