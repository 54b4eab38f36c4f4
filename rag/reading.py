"""The careful reader: which sentence or table row answers the question, and whether a draft
answer's facts stand in it.

Retrieval finds the right passage; the facts are lost after it, when a small model copies the
rate of the neighbouring row or an office's hours from the wrong line. So the passages the
model saw are cut into *units* — prose sentences and table rows, each row made self-contained
with its table's header, caption and section — and every unit is scored against the question's
key terms (Russian lemmas and English stems, numbers, durations: «полгода» is «6 месяцев»),
each term weighted by how rare it is among the units, so «12» singles out its row where «вклад»
matches them all.

:class:`Reading` then serves four purposes:

* the best lines go to the model after its passages, as the lines that answer the question
  (``prompt_lines``): lines are ranked by that coverage, half the dense model's similarity and
  a bonus for a figure when one is asked;
* :meth:`Reading.check` is the verifier: every figure of the draft (two or more digits, or any
  percentage) must stand in the question or in a line of the passages — and when the question
  singles out a term, a product or a place, in a line about it, so a figure copied from the
  neighbouring row or another office fails — and the draft must be a sentence in the
  customer's script;
* :meth:`Reading.stating` finds the line that says a terse draft's figure as a sentence;
* :meth:`Reading.quote` is the extractive answer, used when the draft fails the check or the
  model abstains and one line answers a question asking for a figure with confidence: the
  sentence or row, with its source, as written in the knowledge base.

``docs/answers.md`` explains the thresholds and how they were measured.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from rag.loaders.tables import is_table_row, is_table_start
from rag.sparse import LexicalSparseEmbeddings
from rag.store import ScoredChunk

_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_THOUSANDS = re.compile(r"(?<=\d)[\s\u00a0\u202f](?=\d{3}(?!\d))")
_COMMA_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_PERCENT = re.compile(r"(?<!\d)(\d+(?:[.,]\d+)?)\s*%")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[«\"(A-ZА-ЯЁ])")
# «ул. Тверская», «д. 15», «им. Ленина»: a period after these does not end a sentence.
_ABBREVIATION = re.compile(
    r"(?:^|\s)(?:ул|д|г|пр|просп|стр|им|корп|тел|т|руб|коп|мин|макс|кв|оф|пом|ст|пер|наб|пл|ш|"
    r"обл|р|тыс|млн|e\.g|i\.e|St|Mr|Mrs|Dr|No)\.$",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")
_MARKUP = re.compile(r"\*\*|__|`")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_LETTERS = re.compile(r"[a-zа-яё]", re.IGNORECASE)
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
_SHORTHAND_THOUSANDS = re.compile(
    r"\b(\d+(?:[.,]\d+)?)\s*(?:к|k|тыс\w*|тыщ\w*|тр|т\.р\.?)(?!\w)", re.I
)
_SHORTHAND_MILLIONS = re.compile(r"\b(\d+(?:[.,]\d+)?)\s*(?:млн|мил+ион\w*|лям\w*)(?!\w)", re.I)

# Words customers use for what documents abbreviate or write in figures.
_SPELLED = (
    (re.compile(r"\bсуббот", re.I), "сб"),
    (re.compile(r"\bвоскрес", re.I), "вс"),
    (re.compile(r"\bвыходн", re.I), "сб вс"),
    (re.compile(r"\bкруглосуточн|\b24\s*/\s*7|\baround the clock", re.I), "круглосуточно 24/7"),
    (re.compile(r"\bsaturday", re.I), "sat"),
    (re.compile(r"\bsunday", re.I), "sun"),
)
# Durations customers write in words, as the figures tables use: «на полгода» → 6 месяцев.
_DURATIONS = (
    (
        re.compile(r"\bполгода\b|\bпол\s+года\b|\bhalf\s+a\s+year\b|\bsix\s+months\b", re.I),
        "6 месяцев",
    ),
    (re.compile(r"\bполтора\s+года\b", re.I), "18 месяцев"),
    (
        re.compile(
            r"\b(?:на|за|в|через|1)\s+год\b|\bгодовой\s+вклад|\ba\s+year\b|\bone\s+year\b", re.I
        ),
        "12 месяцев",
    ),
    (re.compile(r"\b(?:на|за)\s+(?:два|2)\s+года\b|\btwo\s+years\b", re.I), "24 месяца"),
    (re.compile(r"\b(?:на|за)\s+(?:три|3)\s+года\b|\bthree\s+years\b", re.I), "36 месяцев"),
    (re.compile(r"\b(?:на|за)\s+(?:три|3)\s+месяца\b|\bквартал\b", re.I), "3 месяца"),
)

# Questions whose answer is a figure: a price, a rate, a limit, a term, a time, a date.
_ASKS_FIGURE = re.compile(
    r"сколько|скока|скоко|скольк|какой процент|какая ставк|ставк|процент|стоит|стоимост|цен[аыу]|"
    r"комисси|лимит|максим|миним|до како|от како|срок|как долго|когда|во сколько|час|дн[еяи]|"
    r"how much|how many|how long|rate|fee|cost|price|limit|when|hours|minimum|maximum",
    re.IGNORECASE,
)
# How lines are ranked: coverage + SIMILARITY_SHARE x the dense cosine, + FIGURE_BONUS for a
# line stating a figure when the question asks for one. On the tuning set and the first holdout
# set (benchmarks/calibration.py), the line holding the expected figure came first most often
# around these values; the dense model adds little to the terms.
SIMILARITY_SHARE = 0.5
FIGURE_BONUS = 0.4
# Lines whose rank is this close to the best line's are as good as it (for the quote).
TIE = 0.02
# Figures too common to single out a line («1 раз», «за 2 дня»); amounts do not single out
# a line either (a table gives them as ranges: «от 100 000 до 1 000 000 ₽»), terms do.
_TRIVIAL = frozenset({"0", "1", "2"})
_SELECTING_BELOW = 1000
# A term only in the unit's document title or section counts this much: the topic, not the fact.
_CONTEXT_WEIGHT = 0.5
MIN_WORDS = 2  # «Да, можно.» is an answer; «Да» or «99» alone is not
# A table row copied as it was shown («Программа: …; Ставка: 18,9%; Взнос: …») is not a
# sentence to a customer, whatever its figures.
_ROW_COPY = re.compile(r"[^;:\n]{1,60}:\s[^;\n]+;\s*[^;:\n]{1,60}:\s")
# Lines scoring at least this share of the best line's score answer the question too (the
# lines the model is shown first).
ANSWERING_SHARE = 0.75
# A question that singles out no term or name is quoted only when one line holds nearly all
# of it: on the first holdout set the best line held the expected figure less than half the
# time otherwise (benchmarks/calibration.py).
UNSINGLED_QUOTE_COVERAGE = 0.75
# A quote replaces the model's answer only when it covers this share of the question's weight.
QUOTE_COVERAGE = 0.55


@lru_cache(maxsize=1)
def _lexicon() -> LexicalSparseEmbeddings:
    return LexicalSparseEmbeddings()


# Words a customer and a tariff table use for the same thing, as one term.
_SAME = {
    **dict.fromkeys(("процент", "ставка", "годовой", "rate", "interest"), "ставка"),
    **dict.fromkeys(
        ("стоить", "стоимость", "цена", "плата", "комиссия", "cost", "price", "fee", "commission"),
        "цена",
    ),
    **dict.fromkeys(("лимит", "ограничение", "максимум", "limit", "maximum"), "лимит"),
    **dict.fromkeys(("снять", "снятие", "обналичить", "наличные", "наличка"), "наличные"),
    **dict.fromkeys(("кредитка", "credit"), "кредитный"),
    **dict.fromkeys(("дебетовка", "debit"), "дебетовый"),
    **dict.fromkeys(("кража", "украсть", "украденный", "stolen", "steal"), "кража"),
    **dict.fromkeys(("утеря", "потерять", "утерять", "потеря", "lost", "lose"), "утеря"),
}


def _terms(text: str) -> frozenset[str]:
    return frozenset(_SAME.get(t, t) for t in _lexicon().terms(text) if "_" not in t)


def _plain(text: str) -> str:
    """Digit groups joined: «30 000», "30,000" → 30000 (a comma before exactly three digits
    and no fourth is a thousands separator in English; a decimal comma has one or two)."""
    return _COMMA_THOUSANDS.sub("", _THOUSANDS.sub("", text))


def figures(text: str) -> set[str]:
    """Figures in a text, normalised: «30 000» → 30000, «14,5» → 14.5; «10 тыс.» and «1,5 млн»
    also as 10000 and 1500000, so a paraphrase and the table compare equal."""
    plain = _plain(text)
    found = {n.replace(",", ".") for n in _NUMBER.findall(plain)}
    for pattern, scale in ((_SHORTHAND_THOUSANDS, 1000), (_SHORTHAND_MILLIONS, 1_000_000)):
        for match in pattern.finditer(plain):
            value = float(match.group(1).replace(",", ".")) * scale
            found.add(str(int(value)) if value.is_integer() else str(value))
    return found


def _scaled(text: str) -> set[str]:
    """The bare numbers of shorthand amounts («300» of «300 тыс.», «2» of «2 ляма»)."""
    return {
        match.group(1).replace(",", ".")
        for pattern in (_SHORTHAND_THOUSANDS, _SHORTHAND_MILLIONS)
        for match in pattern.finditer(text)
    }


def _facts(text: str) -> set[str]:
    """The figures an answer asserts: two or more digits, or a percentage («5 %»); «10 тыс.»
    asserts 10000 (its «10» alone is not a separate claim)."""
    plain = _plain(text)
    scaled = _scaled(plain)
    found = {n for n in figures(plain) if len(n.split(".")[0]) > 1 and n not in scaled}
    found |= {m.replace(",", ".") for m in _PERCENT.findall(plain)}
    return found


def expand_question(text: str) -> str:
    """The question with the figures it implies spelled out: «500к» → 500000, «полгода» →
    «6 месяцев»; the original words stay."""
    extra: list[str] = []
    for pattern, figure in (*_DURATIONS, *_SPELLED):
        if pattern.search(text):
            extra.append(figure)
    for match in _SHORTHAND_THOUSANDS.finditer(text):
        value = float(match.group(1).replace(",", "."))
        extra.append(str(int(value * 1000)))
    for match in _SHORTHAND_MILLIONS.finditer(text):
        value = float(match.group(1).replace(",", "."))
        extra.append(str(int(value * 1_000_000)))
    return f"{text} {' '.join(extra)}" if extra else text


@dataclass(frozen=True, slots=True)
class Unit:
    """A sentence or a table row of a passage, with what it is about."""

    text: str  # as a customer may read it: a sentence, or a row as «Срок: 6 месяцев; Ставка: 18%»
    passage: ScoredChunk
    rank: int  # the passage's rank in the search
    terms: frozenset[str]  # its own words (a row's: with its table's header and caption)
    figures: frozenset[str]
    context: frozenset[str] = frozenset()  # its document's title and section: half weight
    names: frozenset[str] = frozenset()  # products «…», cities, offices it names (with section)
    row: bool = False
    lead: str = ""  # a row's caption or section, to introduce it
    cells: tuple[tuple[str, str], ...] = ()  # a row's (header, value) pairs
    span: tuple[float, float] | None = None  # the sum of money a row stands for («до 99 999 ₽»)


def _clean(line: str) -> str:
    return " ".join(_MARKUP.sub("", _BULLET.sub("", line)).split())


def _cells(line: str) -> list[str]:
    inner = line.strip().strip("|")
    return [cell.strip().replace("\\|", "|") for cell in _CELL_SPLIT.split(inner)]


def key_terms(text: str) -> frozenset[str]:
    """The words of ``text`` that carry meaning, as the reader compares them: lemmas, with
    synonyms folded («сколько стоит» and «цена» are one term), stop words left out."""
    return _terms(expand_question(text))


def line_terms(text: str) -> frozenset[str]:
    """The terms of every sentence and table row of a passage's ``text`` (its vocabulary)."""
    units = split_units(ScoredChunk("", "", None, text, None, 0.0), 0)
    return frozenset().union(*(unit.terms for unit in units)) if units else frozenset()


def split_units(passage: ScoredChunk, rank: int) -> list[Unit]:
    """A passage as sentences and self-contained table rows."""
    context = f"{passage.title} {passage.section or ''}"
    heading_terms = _terms(context)
    section_names = names_in(passage.section or "")
    lines = passage.text.split("\n")
    found: list[Unit] = []
    caption = ""
    index = 0
    while index < len(lines):
        line = lines[index]
        if index + 1 < len(lines) and is_table_start(line, lines[index + 1]):
            header = _cells(line)
            lead = caption or passage.section or passage.title
            lead_terms = _terms(lead)
            index += 2
            while index < len(lines) and is_table_row(lines[index]):
                cells = _cells(lines[index])
                index += 1
                named = tuple(
                    (name, value) for name, value in zip(header, cells, strict=False) if value
                )
                if not named:
                    continue
                text = _row_text(named)
                found.append(
                    Unit(
                        text,
                        passage,
                        rank,
                        _terms(" ".join(header)) | _terms(text) | lead_terms,
                        frozenset(figures(text)),
                        heading_terms,
                        names_in(f"{lead}. {text}") | section_names,
                        row=True,
                        lead=lead.rstrip(":").strip(),
                        cells=named,
                        span=amount_range(named[0][1]),
                    )
                )
            caption = ""
            continue
        cleaned = _clean(line)
        index += 1
        if not cleaned:
            continue
        for sentence in sentences(cleaned):
            if len(_LETTERS.findall(sentence)) < 3:
                continue
            found.append(
                Unit(
                    sentence,
                    passage,
                    rank,
                    _terms(sentence),
                    frozenset(figures(sentence)),
                    heading_terms,
                    names_in(sentence) | section_names,
                )
            )
        caption = sentences(cleaned)[-1] if cleaned.endswith(":") else ""
    return found


def _row_text(cells: Sequence[tuple[str, str]]) -> str:
    return "; ".join(f"{name}: {value}" if name else value for name, value in cells)


_AMOUNT = r"(\d+(?:[.,]\d+)?)"
_RANGES = (
    (re.compile(rf"\bот\s+{_AMOUNT}\D{{0,12}}?\s+до\s+{_AMOUNT}", re.I), "both"),
    (re.compile(rf"\bfrom\s+{_AMOUNT}\D{{0,12}}?\s+to\s+{_AMOUNT}", re.I), "both"),
    (re.compile(rf"(?<!\d){_AMOUNT}\s*[₽$€]?\s*[–—-]\s*{_AMOUNT}"), "both"),
    (re.compile(rf"(?:\bдо|\bне\s+более|\bup\s+to|\bunder|\bbelow|<|≤)\s*{_AMOUNT}", re.I), "upto"),
    (
        re.compile(
            rf"(?:\bот|\bсвыше|\bболее|\bбольше|\bfrom|\bover|\babove|>|≥)\s*{_AMOUNT}", re.I
        ),
        "from",
    ),
)
_YEARS = range(1990, 2101)


def amount_range(text: str) -> tuple[float, float] | None:
    """The sum of money a table's header or row label stands for: «500 000 – 1 499 999 ₽»,
    «от 100 000 до 999 999,99 ₽», «до 99 999 ₽», «от 1 500 000 ₽»; None when the text is not
    a range of money (a term «от 3 до 12 месяцев» is not: money is counted in thousands)."""
    plain = _plain(text)
    for pattern, kind in _RANGES:
        match = pattern.search(plain)
        if match is None:
            continue
        values = [float(g.replace(",", ".")) for g in match.groups()]
        if kind == "both":
            low, high = values
        elif kind == "upto":
            low, high = 0.0, values[0]
        else:
            low, high = values[0], math.inf
        largest = low if high == math.inf else high
        return (low, high) if low <= high and largest >= _SELECTING_BELOW else None
    return None


def _amounts(expanded: str) -> frozenset[float]:
    """The sums of money a question names: 1000 or more, not a year («в 2027 году»)."""
    found = set()
    for figure in figures(expanded):
        value = float(figure)
        if value >= _SELECTING_BELOW and not (value.is_integer() and int(value) in _YEARS):
            found.add(value)
    return frozenset(found)


def _within(value: float, bounds: tuple[float, float]) -> bool:
    return bounds[0] <= value <= bounds[1]


def narrowed(unit: Unit, amounts: frozenset[float], wanted: frozenset[str] = frozenset()) -> Unit:
    """A row with only the columns the question asks about, when its columns are alternatives:
    sums of money («50 000 – 499 999 ₽ | 500 000 – 1 499 999 ₽») of which the question names
    one, or products, tariffs, periods («Старт | Оборот | Магистраль», «в сутки | в месяц»)
    of which the question names some by a word no other column has. The row's first cell (what
    the row is about) stays. The other columns' figures are not this customer's answer: the
    model and the verifier must not read them as one."""
    if len(unit.cells) < 3:
        return unit
    keep = _amount_columns(unit.cells, amounts) or _named_columns(unit.cells, wanted)
    if not keep:
        return unit
    cells = tuple(cell for index, cell in enumerate(unit.cells) if index == 0 or index in keep)
    text = _row_text(cells)
    return replace(unit, text=text, figures=frozenset(figures(text)), cells=cells)


def _amount_columns(cells: Sequence[tuple[str, str]], amounts: frozenset[float]) -> set[int]:
    """The one column whose header is a range of money holding the question's amount, with
    the columns that are not ranges; empty when that does not single out one."""
    if not amounts:
        return set()
    ranged = {
        index: bounds
        for index, (name, _) in enumerate(cells)
        if index and (bounds := amount_range(name)) is not None
    }
    if len(ranged) < 2:
        return set()
    hit = [index for index, bounds in ranged.items() if any(_within(a, bounds) for a in amounts)]
    if len(hit) != 1:
        return set()
    return {index for index in range(1, len(cells)) if index not in ranged} | {hit[0]}


_TIME = re.compile(r"\d{1,2}:\d{2}")
_MONEY = re.compile(r"₽|\bруб|\$|€|¥|\b(?:usd|eur|cny|rub)\b", re.IGNORECASE)


def _kind(value: str) -> str | None:
    """What a cell states: a share, a time, money, another number, or no figure at all."""
    if not any(ch.isdigit() for ch in value):
        return None
    if "%" in value:
        return "share"
    if _TIME.search(value):
        return "time"
    return "money" if _MONEY.search(value) else "number"


def _named_columns(cells: Sequence[tuple[str, str]], wanted: frozenset[str]) -> set[int]:
    """The columns whose header holds a word of the question that no other header holds, when
    the columns are alternatives (every cell states the same kind of figure: the rates of
    three tariffs, the hours of each day), not a row's different attributes (a programme's
    rate, down payment and maximum sum); empty when the question names none of them, or all."""
    kinds = {_kind(value) for _, value in cells[1:]} - {None}
    if not wanted or len(kinds) != 1:
        return set()
    headers = {index: _terms(name) for index, (name, _) in enumerate(cells) if index and name}
    if len(headers) < 2:
        return set()
    named = set()
    for index, terms in headers.items():
        others = frozenset().union(*(t for i, t in headers.items() if i != index))
        if (terms - others) & wanted:
            named.add(index)
    if not named or len(named) == len(headers):
        return set()
    return named | {index for index in range(1, len(cells)) if index not in headers}


_QUOTED = re.compile(r"«([^»]{1,60})»|\"([^\"]{1,60})\"")
_CAPITALIZED = re.compile(r"(?<=[\w,;:)»\-–—]\s)[A-ZА-ЯЁ][\w-]+")
_PROPER = frozenset({"Geox", "Orgn", "Name", "Surn", "Patr", "Trad"})


def names_in(text: str) -> frozenset[str]:
    """What a line names: products in quotes («Надёжный»), and cities, streets and other proper
    names written with a capital inside a sentence (Казани, Moscow)."""
    # Product names are a word or two («Надёжный», «Периметр 120»); longer quotes name screens
    # and buttons («Отделения и банкоматы»).
    found = [q for a, b in _QUOTED.findall(text) if len((q := a or b).split()) <= 2]
    for word in _CAPITALIZED.findall(text):
        if word.isascii() or _PROPER & set(str(_tag(word)).replace(" ", ",").split(",")):
            found.append(word)
    return _terms(" ".join(found)) if found else frozenset()


@lru_cache(maxsize=65_536)
def _tag(word: str) -> object:
    from rag.sparse import morph_analyzer

    parses = morph_analyzer().parse(word)
    return parses[0].tag if parses else ""


def _names_a_thing(term: str) -> bool:
    """A noun or a foreign word («осаго», «ип», "swift"), not «можно», «чё» or «сгорят»: a
    question's subject, which the lines may lack."""
    return term.isascii() or "NOUN" in str(_tag(term))


def sentences(line: str) -> list[str]:
    """A line of prose cut into sentences, abbreviations («ул. Тверская») kept whole."""
    parts: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(line):
        head = line[start : match.start()]
        if _ABBREVIATION.search(head):
            continue
        parts.append(head.strip())
        start = match.end()
    parts.append(line[start:].strip())
    return [part for part in parts if part]


@dataclass(frozen=True, slots=True)
class Scored:
    unit: Unit
    score: float  # weighted share of the question's key terms the unit holds (0..1)
    similarity: float = 0.0  # the dense model's cosine of the line and the question
    rank: float = 0.0  # what orders the lines (see SIMILARITY_SHARE)


@dataclass(frozen=True, slots=True)
class Reading:
    """The units of the passages the model sees, ranked against one question."""

    question: str
    ranked: tuple[Scored, ...]
    question_figures: frozenset[str] = field(default=frozenset())
    wanted: frozenset[str] = field(default=frozenset())  # the question's key terms
    # What the question singles out among the lines: figures («12 месяцев», «500000») and
    # names («Надёжный», Казань) that some lines hold, but not most. A line about something
    # else (another term, another office) must not supply the answer's figures; a line must
    # hold every name the question singles out.
    selecting_figures: frozenset[str] = field(default=frozenset())
    selecting_names: frozenset[str] = field(default=frozenset())
    wants_figure: bool = False
    # Sums of money the question names that fall in some row's range («от 100 000 до
    # 999 999 ₽»): a row for another range is about another customer.
    selecting_amounts: frozenset[float] = field(default=frozenset())
    # The question's nouns that no line holds («ОСАГО» where the bank has none): what it asks
    # about may not be in these passages at all.
    absent: frozenset[str] = field(default=frozenset())
    _answering: tuple[Scored, ...] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def fits(self, unit: Unit) -> bool:
        """The line is about what the question singles out (or the question singles nothing)."""
        if self.selecting_figures and not self.selecting_figures & unit.figures:
            return False
        span = unit.span if self.selecting_amounts else None
        if span is not None and not any(_within(a, span) for a in self.selecting_amounts):
            return False
        return not self.selecting_names or bool(
            self.selecting_names & (unit.names | unit.terms | unit.context)
        )

    @property
    def best(self) -> Scored | None:
        return self.ranked[0] if self.ranked else None

    @property
    def coverage(self) -> float:
        return self.ranked[0].score if self.ranked else 0.0

    def answering(self) -> list[Scored]:
        """The lines about what the question singles out that answer it about as well as the
        best of them (``ANSWERING_SHARE`` of its rank); worked out once, on first use."""
        if self._answering is None:
            fitting = [s for s in self.ranked if s.score > 0 and self.fits(s.unit)]
            floor = fitting[0].rank * ANSWERING_SHARE if fitting else 0.0
            object.__setattr__(self, "_answering", tuple(s for s in fitting if s.rank >= floor))
        return list(self._answering or ())

    def prompt_lines(self, limit: int = 3) -> list[str]:
        """The best units, for the model to quote from, best first."""
        return [line_text(scored.unit) for scored in self.answering()[:limit]]

    def check(self, answer: str, lang: str) -> list[str]:
        """Why ``answer`` cannot be shown as it is; empty when it passes.

        Every figure must stand in the question or in a line of the passages, and when the
        question singles out a term, a product or an office, in a line about it (the row of
        the asked term, the sentence about the asked office): a figure found only in lines
        about something else is the neighbouring row's. The answer must be a sentence (a bare
        «Да», «YES» or «99» is not), in the customer's script.
        """
        problems: list[str] = []
        words = re.findall(r"[^\W\d_]{2,}", answer)
        if len(words) < MIN_WORDS or _ROW_COPY.search(answer):
            problems.append("not a sentence")
        elif script(answer) != _script_of(lang):
            problems.append("another language")
        allowed = set(self.question_figures)
        for scored in self.ranked:
            if self.fits(scored.unit):
                allowed |= scored.unit.figures
        stray = _facts(answer) - allowed
        if stray:
            problems.append("figures not in a line about the question: " + ", ".join(sorted(stray)))
        return problems

    def stating(self, answer: str, lang: str) -> Scored | None:
        """The best line, about what the question singles out, that states every figure of a
        terse answer («17%», «15 рабочих дней»): the model chose the figure, the line says it
        as a sentence. Not when the question asks no figure and names something no line holds
        («тарифы для ИП?» — «99 ₽» is some other line's price)."""
        facts = _facts(answer)
        if not facts or (self.absent and not self.wants_figure):
            return None
        wanted_script = _script_of(lang)
        for scored in self.ranked:
            unit = scored.unit
            if (
                facts <= unit.figures | self.question_figures
                and facts & unit.figures
                and self.fits(unit)
                and script(unit.text) == wanted_script
            ):
                return scored
        return None

    def quote(
        self, lang: str, min_coverage: float = QUOTE_COVERAGE, *, replied: bool = False
    ) -> Scored | None:
        """The line to quote instead of a failed or missing answer, when it is confident: the
        question asks for a figure and the best line about what it singles out states one —
        or the model ``replied`` with a bare word («Да», "YES") and the line says what it
        meant —, covers enough of the question (all but certainly when the question singles
        nothing out), no more than one other line covers it as well (or they agree), and it
        is written in the customer's script."""
        answering = self.answering()
        if not (self.wants_figure or replied) or not answering:
            return None
        best = answering[0]
        singled = bool(self.selecting_figures or self.selecting_names)
        floor = min_coverage if singled else max(min_coverage, UNSINGLED_QUOTE_COVERAGE)
        if best.score < floor:
            return None
        if self.wants_figure and not _facts(best.unit.text) - self.question_figures:
            return None
        if not self.wants_figure and self.absent:
            return None  # «можно ли оформить ОСАГО?» — «Да», and no line names ОСАГО
        tied = [s.unit for s in answering if s.rank >= best.rank - TIE]
        if len(tied) > 2 and not _agree(tied):
            return None  # several offices, several cards alike: which one is not for a quote
        if script(best.unit.text) != _script_of(lang):
            return None
        return best


def _agree(units: Sequence[Unit], most: int = 4) -> bool:
    """A few equally good lines that state one common figure say the same thing."""
    stated = [_facts(unit.text) for unit in units]
    stated = [facts for facts in stated if facts]
    return len(units) <= most and (not stated or bool(set.intersection(*stated)))


def _script_of(lang: str) -> str:
    return "cyrillic" if lang == "ru" else "latin"


def script(text: str) -> str:
    """``cyrillic`` or ``latin``: which letters a text is mostly written in."""
    cyrillic = len(_CYRILLIC.findall(text))
    latin = len(_LETTERS.findall(text)) - cyrillic
    return "cyrillic" if cyrillic >= latin else "latin"


# A question's term that no line holds (a filler, a misspelling, a story's detail) weighs this
# much in the coverage: it cannot rank lines, and it is only weak evidence of another topic.
ABSENT_WEIGHT = 0.69


def line_text(unit: Unit) -> str:
    """A line as the model and the dense model read it: a row with its caption."""
    return f"{unit.lead}: {unit.text}" if unit.row and unit.lead else unit.text


def read(
    question: str,
    passages: Sequence[ScoredChunk],
    similarity: Callable[[str, list[str]], list[float]] | None = None,
) -> Reading:
    """Score every unit of ``passages`` against ``question``; with ``similarity`` (the dense
    model's cosine of the question and each line) the lines are ranked by both."""
    expanded = expand_question(question)
    wanted = _terms(expanded)
    amounts = _amounts(expanded)
    units = [
        narrowed(unit, amounts, wanted)
        for rank, p in enumerate(passages)
        for unit in split_units(p, rank)
    ]
    if not wanted or not units:
        return Reading(question, (), frozenset(figures(expanded)))
    frequency = {
        term: sum(term in unit.terms or term in unit.context for unit in units) for term in wanted
    }
    total = len(units)
    weight = {
        term: math.log(1 + total / frequency[term]) if frequency[term] else ABSENT_WEIGHT
        for term in wanted
    }
    whole = sum(weight.values())

    def held(unit: Unit) -> float:
        return sum(
            weight[t] * (1.0 if t in unit.terms else _CONTEXT_WEIGHT if t in unit.context else 0)
            for t in wanted
        )

    wants_figure = bool(_ASKS_FIGURE.search(question))
    dense = similarity(question, [line_text(u) for u in units]) if similarity else [0.0] * total
    scored = []
    for unit, cosine in zip(units, dense, strict=True):
        coverage = round(held(unit) / whole, 3)
        bonus = FIGURE_BONUS if wants_figure and _facts(unit.text) else 0.0
        rank = coverage + SIMILARITY_SHARE * cosine + bonus
        scored.append(Scored(unit, coverage, round(cosine, 3), round(rank, 3)))

    def order(item: Scored) -> tuple[float, float, int]:
        # Equal rank: the line with the fewest words besides the question's (a table row over
        # a document's introduction), then the earlier passage.
        own = len(item.unit.terms) or 1
        matched = sum(t in item.unit.terms for t in wanted)
        return (item.rank, matched / own, -item.unit.rank)

    ranked = sorted(scored, key=order, reverse=True)
    asked = frozenset(figures(expanded))
    held_figures = frozenset().union(*(unit.figures for unit in units))
    held_names = frozenset().union(*(unit.names for unit in units))
    return Reading(
        question,
        tuple(ranked),
        asked,
        wanted,
        # «300 тыс.» asks about 300000, not about a line that says 300.
        selecting_figures=frozenset(
            f
            for f in (asked - _scaled(_plain(expanded))) & held_figures
            if f not in _TRIVIAL and float(f) < _SELECTING_BELOW
        ),
        selecting_names=frozenset(
            name
            for name in wanted & held_names
            if sum(name in unit.names or name in unit.terms for unit in units) <= total / 2
        ),
        wants_figure=wants_figure,
        absent=frozenset(term for term in wanted if not frequency[term] and _names_a_thing(term)),
        selecting_amounts=frozenset(
            amount
            for amount in amounts
            if any(unit.span is not None and _within(amount, unit.span) for unit in units)
        ),
    )


def render_quote(scored: Scored, lang: str) -> str:
    """The quote as the customer's answer: whole sentences, the source named."""
    unit = scored.unit
    title = unit.passage.title
    body = unit.text
    if unit.row:
        lead = unit.lead or title
        pairs = [pair.replace(": ", " — ", 1) for pair in body.split("; ")]
        body = f"{lead}: {', '.join(pairs)}"
    if body[-1] not in ".!?…":
        body += "."
    if lang == "ru":
        return f"Вот что об этом сказано в разделе «{title}»: {body}"
    return f"Here is what «{title}» says: {body}"
