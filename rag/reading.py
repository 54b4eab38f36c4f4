"""The careful reader: which sentence or table row answers the question, and whether a draft
answer's facts stand in it.

Retrieval finds the right passage; the facts are lost after it, when a small model copies the
rate of the neighbouring row or an office's hours from the wrong line. So the passages the
model saw are cut into *units* — prose sentences and table rows, each row made self-contained
with its table's header, caption and section — and every unit is scored against the question's
key terms (Russian lemmas and English stems, numbers, durations: «полгода» is «6 месяцев»),
each term weighted by how rare it is among the units, so «12» singles out its row where «вклад»
matches them all.

:class:`Reading` then serves three purposes:

* the best units go to the model first, as the lines to quote (``prompt_lines``);
* :meth:`Reading.check` is the verifier: every figure of the draft (two or more digits, or any
  percentage) must stand in one of the units that answer the question (those scoring close to
  the best one) or in the question itself, and the draft must be a sentence in the customer's
  script. A fact copied from another row or sentence fails;
* :meth:`Reading.quote` is the extractive answer, used when the draft fails the check or the
  model abstains but the best unit covers the question well: the sentence or row, with its
  source, as written in the knowledge base.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rag.loaders.tables import is_table_row, is_table_start
from rag.sparse import LexicalSparseEmbeddings
from rag.store import ScoredChunk

_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_THOUSANDS = re.compile(r"(?<=\d)[\s\u00a0\u202f](?=\d{3}(?!\d))")
_PERCENT = re.compile(r"(\d+(?:[.,]\d+)?)\s*%")
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
_SHORTHAND_THOUSANDS = re.compile(r"\b(\d+(?:[.,]\d+)?)\s*(?:к|k|тыс\w*|тр|т\.р\.?)(?!\w)", re.I)
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
# A term only in the unit's document title or section counts this much: the topic, not the fact.
_CONTEXT_WEIGHT = 0.5
# Units scoring at least this share of the best unit's score answer the question too.
ANSWERING_SHARE = 0.75
# A quote replaces the model's answer only when it covers this share of the question's weight.
QUOTE_COVERAGE = 0.55


@lru_cache(maxsize=1)
def _lexicon() -> LexicalSparseEmbeddings:
    return LexicalSparseEmbeddings()


# Words a customer and a tariff table use for the same thing, as one term.
_SAME = {
    **dict.fromkeys(("процент", "ставка", "годовой", "rate", "interest"), "ставка"),
    **dict.fromkeys(("стоить", "стоимость", "цена", "плата", "cost", "price", "fee"), "цена"),
    **dict.fromkeys(("лимит", "ограничение", "максимум", "limit", "maximum"), "лимит"),
    **dict.fromkeys(("снять", "снятие", "обналичить", "наличные", "наличка"), "наличные"),
    **dict.fromkeys(("кредитка", "credit"), "кредитный"),
    **dict.fromkeys(("дебетовка", "debit"), "дебетовый"),
    **dict.fromkeys(("кража", "украсть", "украденный", "stolen", "steal"), "кража"),
    **dict.fromkeys(("утеря", "потерять", "утерять", "потеря", "lost", "lose"), "утеря"),
}


def _terms(text: str) -> frozenset[str]:
    return frozenset(_SAME.get(t, t) for t in _lexicon().terms(text) if "_" not in t)


def figures(text: str) -> set[str]:
    """Figures in a text, normalised: «30 000» → 30000, «14,5» → 14.5."""
    return {n.replace(",", ".") for n in _NUMBER.findall(_THOUSANDS.sub("", text))}


def _facts(text: str) -> set[str]:
    """The figures an answer asserts: two or more digits, or a percentage («5 %»)."""
    plain = _THOUSANDS.sub("", text)
    found = {n for n in figures(plain) if len(n.split(".")[0]) > 1}
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
    row: bool = False
    lead: str = ""  # a row's caption or section, to introduce it


def _clean(line: str) -> str:
    return " ".join(_MARKUP.sub("", _BULLET.sub("", line)).split())


def _cells(line: str) -> list[str]:
    inner = line.strip().strip("|")
    return [cell.strip().replace("\\|", "|") for cell in _CELL_SPLIT.split(inner)]


def split_units(passage: ScoredChunk, rank: int) -> list[Unit]:
    """A passage as sentences and self-contained table rows."""
    context = f"{passage.title} {passage.section or ''}"
    heading_terms = _terms(context)
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
                pairs = [
                    f"{name}: {value}" if name else value
                    for name, value in zip(header, cells, strict=False)
                    if value
                ]
                if not pairs:
                    continue
                text = "; ".join(pairs)
                found.append(
                    Unit(
                        text,
                        passage,
                        rank,
                        _terms(" ".join(header)) | _terms(text) | lead_terms,
                        frozenset(figures(text)),
                        heading_terms,
                        row=True,
                        lead=lead.rstrip(":").strip(),
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
                )
            )
        caption = sentences(cleaned)[-1] if cleaned.endswith(":") else ""
    return found


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


@dataclass(frozen=True, slots=True)
class Reading:
    """The units of the passages the model sees, ranked against one question."""

    question: str
    ranked: tuple[Scored, ...]
    question_figures: frozenset[str] = field(default=frozenset())

    @property
    def best(self) -> Scored | None:
        return self.ranked[0] if self.ranked else None

    @property
    def coverage(self) -> float:
        return self.ranked[0].score if self.ranked else 0.0

    def answering(self) -> list[Scored]:
        """The units that answer the question about as well as the best one."""
        if not self.ranked or self.ranked[0].score <= 0:
            return []
        floor = self.ranked[0].score * ANSWERING_SHARE
        return [s for s in self.ranked if s.score >= floor]

    def prompt_lines(self, limit: int = 3) -> list[str]:
        """The best units, for the model to quote from, best first."""
        lines = []
        for scored in self.answering()[:limit]:
            unit = scored.unit
            lines.append(f"{unit.lead}: {unit.text}" if unit.row and unit.lead else unit.text)
        return lines

    def check(self, answer: str, lang: str) -> list[str]:
        """Why ``answer`` cannot be shown as it is; empty when it passes.

        Every figure must stand in a unit that answers the question (or in the question); the
        answer must be a sentence, in the customer's script.
        """
        problems: list[str] = []
        words = re.findall(r"[^\W\d_]{2,}", answer)
        if len(words) < 3:
            problems.append("not a sentence")
        elif _script(answer) != ("cyrillic" if lang == "ru" else "latin"):
            problems.append("another language")
        allowed = set(self.question_figures)
        for scored in self.answering():
            allowed |= scored.unit.figures
        stray = _facts(answer) - allowed
        if stray:
            problems.append("figures not in the answering lines: " + ", ".join(sorted(stray)))
        return problems

    def quote(self, lang: str, min_coverage: float = QUOTE_COVERAGE) -> Scored | None:
        """The unit to quote instead of a failed or missing answer, when it is confident: it
        covers enough of the question, no more than one other unit covers it as well, and it is
        written in the customer's script."""
        best = self.best
        if best is None or best.score < min_coverage:
            return None
        tied = [s.unit for s in self.ranked if s.score >= best.score]
        if len(tied) > 2 and not _agree(tied):
            return None  # several offices, several cards alike: which one is not for a quote
        if _script(best.unit.text) != ("cyrillic" if lang == "ru" else "latin"):
            return None
        return best


def _agree(units: Sequence[Unit], most: int = 4) -> bool:
    """A few equally good lines that state one common figure say the same thing."""
    stated = [_facts(unit.text) for unit in units]
    stated = [facts for facts in stated if facts]
    return len(units) <= most and (not stated or bool(set.intersection(*stated)))


def _script(text: str) -> str:
    cyrillic = len(_CYRILLIC.findall(text))
    latin = len(_LETTERS.findall(text)) - cyrillic
    return "cyrillic" if cyrillic >= latin else "latin"


def read(question: str, passages: Sequence[ScoredChunk]) -> Reading:
    """Score every unit of ``passages`` against ``question``."""
    expanded = expand_question(question)
    wanted = _terms(expanded)
    units = [unit for rank, p in enumerate(passages) for unit in split_units(p, rank)]
    if not wanted or not units:
        return Reading(question, (), frozenset(figures(expanded)))
    frequency = {
        term: sum(term in unit.terms or term in unit.context for unit in units) for term in wanted
    }
    total = len(units)
    # A term no unit holds weighs like a term every unit holds: it neither helps rank nor
    # proves the passage off topic (fillers, misspellings).
    weight = {term: math.log(1 + total / (frequency[term] or total)) for term in wanted}
    whole = sum(weight.values())

    def held(unit: Unit) -> float:
        return sum(
            weight[t] * (1.0 if t in unit.terms else _CONTEXT_WEIGHT if t in unit.context else 0)
            for t in wanted
        )

    scored = [Scored(unit, round(held(unit) / whole, 3)) for unit in units]
    wants_figure = bool(_ASKS_FIGURE.search(question))

    def order(item: Scored) -> tuple[float, bool, float, int]:
        # Equal coverage: a unit with a figure when one is asked for, then the unit with the
        # fewest words besides the question's (a table row over a document's introduction).
        own = len(item.unit.terms) or 1
        matched = sum(t in item.unit.terms for t in wanted)
        return (
            item.score,
            wants_figure and bool(item.unit.figures),
            matched / own,
            -item.unit.rank,
        )

    ranked = sorted(scored, key=order, reverse=True)
    return Reading(question, tuple(ranked), frozenset(figures(expanded)))


def render_quote(scored: Scored, lang: str) -> str:
    """The quote as the customer's answer: whole sentences, the source named."""
    unit = scored.unit
    title = unit.passage.title
    body = unit.text
    if unit.row:
        lead = unit.lead or title
        body = f"{lead}: {body.replace('; ', ', ')}"
    if body[-1] not in ".!?…":
        body += "."
    if lang == "ru":
        return f"Вот что об этом сказано в разделе «{title}»: {body}"
    return f"Here is what «{title}» says: {body}"
