"""FAQ files: answers, each with the several ways customers ask for it.

Only a double suffix marks an FAQ (``cards.faq.yaml``, ``cards.faq.yml``, ``cards.faq.csv``);
any other YAML or CSV file is not a knowledge-base document.

YAML: a mapping with ``id``, ``title``, ``lang`` (ru or en), optional ``tags`` and
``entries``, a list of ``{id, questions: [...], answer}``; the first question is the
canonical one.

CSV: UTF-8 with the header row ``id,question,answer`` (a ``;`` delimiter, as spreadsheets
in a Russian locale save it, is recognised too; extra columns are ignored). Rows with the
same id are phrasings of one entry; its answer may stand on the first row only (repeating
the same answer is fine, two different ones are an error). The document id is a slug of the
file name, the title the file name without ``.faq.csv``, the language guessed from the script.

Every entry needs an id (lowercase letters, digits, ``. _ -``), at least one question and
an answer; entry ids are unique within the file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from rag.errors import DocumentError
from rag.loaders.base import (
    ID_PATTERN,
    FaqEntry,
    SourceDocument,
    checked_id,
    decode_utf8,
    detect_lang,
    document_url,
    slug,
)

FAQ_SUFFIXES = (".faq.yaml", ".faq.yml", ".faq.csv")
CSV_COLUMNS = ("id", "question", "answer")
_REQUIRED_KEYS = ("id", "title", "lang", "entries")
_LABELS = {"ru": ("Вопрос", "Ответ"), "en": ("Question", "Answer")}
_BAD_ID = "invalid id {!r} (lowercase letters, digits, - . _)"


def entry_text(entry: FaqEntry, lang: str) -> str:
    """Every phrasing, then the answer: ``Вопрос: …`` lines and an ``Ответ: …`` line."""
    question, answer = _LABELS.get(lang, _LABELS["en"])
    lines = [f"{question}: {text}" for text in entry.questions]
    return "\n".join([*lines, f"{answer}: {entry.answer}"])


def base_name(path: Path) -> str:
    """The file name without its FAQ suffix: ``Cards.faq.csv`` gives ``Cards``."""
    lowered = path.name.lower()
    for suffix in FAQ_SUFFIXES:
        if lowered.endswith(suffix):
            return path.name[: -len(suffix)]
    return path.stem


def load_faq_yaml(path: Path, data: bytes, digest: str) -> SourceDocument:
    raw = decode_utf8(path, data)
    if not raw.strip():
        raise DocumentError(path, "empty document")
    try:
        meta = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        detail = f": {problem}" if problem else ""
        raise DocumentError(path, f"broken YAML{where}{detail}") from exc
    if not isinstance(meta, dict):
        raise DocumentError(path, "an FAQ file must be a mapping with id, title, lang, entries")
    missing = [key for key in _REQUIRED_KEYS if key not in meta]
    if missing:
        raise DocumentError(path, f"FAQ lacks {', '.join(missing)}")
    doc_id = checked_id(path, str(meta["id"]), "the FAQ header")
    lang = str(meta["lang"])
    if lang not in _LABELS:
        raise DocumentError(path, f"lang must be ru or en, got {lang!r}")
    tags = meta.get("tags") or []
    if not isinstance(tags, list):
        raise DocumentError(path, "tags must be a list")
    items = meta["entries"] or []
    if not isinstance(items, list):
        raise DocumentError(path, "entries must be a list of {id, questions, answer}")
    entries = tuple(_yaml_entry(path, number, item) for number, item in enumerate(items, 1))
    document = _document(path, digest, doc_id, str(meta["title"]), lang, entries, tags)
    return replace(document, url=document_url(path, meta.get("url")))


def load_faq_csv(path: Path, data: bytes, digest: str) -> SourceDocument:
    raw = decode_utf8(path, data)
    if not raw.strip():
        raise DocumentError(path, "empty document")
    header_line = raw.split("\n", 1)[0]
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(raw, newline=""), delimiter=delimiter, strict=True)
    drafts: dict[str, _Draft] = {}
    try:
        columns = _csv_columns(path, next(reader, []))
        for row in reader:
            if any(cell.strip() for cell in row):
                _csv_row(path, reader.line_num, columns, row, drafts)
    except csv.Error as exc:
        raise DocumentError(path, f"broken CSV at line {reader.line_num}: {exc}") from exc
    entries = tuple(draft.entry(path, entry_id) for entry_id, draft in drafts.items())
    text = " ".join(part for entry in entries for part in (*entry.questions, entry.answer))
    name = base_name(path)
    return _document(path, digest, slug(name), name, detect_lang(text), entries, [])


@dataclass(slots=True)
class _Draft:
    """An entry being collected from CSV rows."""

    line: int
    questions: list[str] = field(default_factory=list)
    answer: str = ""
    answer_line: int = 0

    def entry(self, path: Path, entry_id: str) -> FaqEntry:
        where = f"entry {entry_id!r} (line {self.line})"
        if not self.questions:
            raise DocumentError(path, f"{where}: no question")
        if not self.answer:
            raise DocumentError(path, f"{where}: missing answer")
        return FaqEntry(entry_id, tuple(self.questions), self.answer)


def _csv_columns(path: Path, header: list[str]) -> dict[str, int]:
    names = [cell.strip().lower() for cell in header]
    if not set(CSV_COLUMNS) <= set(names):
        got = ",".join(cell.strip() for cell in header)
        raise DocumentError(
            path, f"CSV needs the header row id,question,answer on line 1 (found {got!r})"
        )
    return {name: names.index(name) for name in CSV_COLUMNS}


def _csv_row(
    path: Path, line: int, columns: dict[str, int], row: list[str], drafts: dict[str, _Draft]
) -> None:
    def cell(name: str) -> str:
        index = columns[name]
        return _clean(row[index]) if index < len(row) else ""

    entry_id = cell("id")
    if not entry_id:
        raise DocumentError(path, f"line {line}: empty id")
    if not ID_PATTERN.match(entry_id):
        raise DocumentError(path, f"line {line}: " + _BAD_ID.format(entry_id))
    draft = drafts.setdefault(entry_id, _Draft(line))
    question = " ".join(cell("question").split())
    if question and question not in draft.questions:
        draft.questions.append(question)
    answer = cell("answer")
    if answer:
        if draft.answer and answer != draft.answer:
            raise DocumentError(
                path,
                f"entry {entry_id!r} has two different answers "
                f"(lines {draft.answer_line} and {line})",
            )
        draft.answer, draft.answer_line = answer, line


def _yaml_entry(path: Path, number: int, item: object) -> FaqEntry:
    if not isinstance(item, dict):
        raise DocumentError(path, f"entry {number}: must be a mapping of id, questions, answer")
    raw_id = item.get("id")
    if raw_id is None or not str(raw_id).strip():
        raise DocumentError(path, f"entry {number}: missing id")
    entry_id = str(raw_id).strip()
    if not ID_PATTERN.match(entry_id):
        raise DocumentError(path, f"entry {number}: " + _BAD_ID.format(entry_id))
    where = f"entry {number} ({entry_id})"
    raw_questions = item.get("questions")
    if isinstance(raw_questions, str):
        raw_questions = [raw_questions]
    if raw_questions is not None and not isinstance(raw_questions, list):
        raise DocumentError(path, f"{where}: questions must be a list")
    questions = [" ".join(_text(path, where, "a question", q).split()) for q in raw_questions or []]
    questions = list(dict.fromkeys(q for q in questions if q))
    if not questions:
        raise DocumentError(path, f"{where}: no question")
    answer = _text(path, where, "the answer", item.get("answer"))
    if not answer:
        raise DocumentError(path, f"{where}: missing answer")
    return FaqEntry(entry_id, tuple(questions), answer)


def _text(path: Path, where: str, what: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise DocumentError(path, f"{where}: {what} must be text (put it in quotes)")
    return _clean(str(value))


def _clean(text: str) -> str:
    return "\n".join(line.strip() for line in text.strip().splitlines())


def _document(
    path: Path,
    digest: str,
    doc_id: str,
    title: str,
    lang: str,
    entries: tuple[FaqEntry, ...],
    tags: Iterable[object],
) -> SourceDocument:
    if not entries:
        raise DocumentError(path, "empty document (no FAQ entries)")
    counts: dict[str, int] = {}
    for entry in entries:
        counts[entry.id] = counts.get(entry.id, 0) + 1
    duplicates = [entry_id for entry_id, count in counts.items() if count > 1]
    if duplicates:
        raise DocumentError(path, f"duplicate entry ids: {', '.join(duplicates)}")
    text = "\n\n".join(entry_text(entry, lang) for entry in entries)
    return SourceDocument(
        doc_id,
        title,
        lang,
        text,
        path,
        digest,
        tuple(str(tag) for tag in tags),
        markdown=False,
        kind="faq",
        faq=entries,
    )
