"""HTML pages as Markdown: headings, paragraphs, lists and pipe tables; no markup survives.

Page chrome and anything that is not content is dropped: ``<script>``, ``<style>``,
``<nav>``, ``<header>``, ``<footer>``, forms and their controls, embedded objects, elements
marked ``hidden`` and comments. Metadata: the title is ``<title>`` (else the first ``<h1>``,
else the first line of text); the language is ``<html lang>`` when it is ru or en, else
guessed from the script; the id is ``<meta name="perimeter:id">`` (or ``name="doc-id"``),
else a slug of the file name; tags come from ``<meta name="keywords">``.
"""

from __future__ import annotations

import codecs
import warnings
from collections.abc import Iterable
from pathlib import Path

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning
from bs4.dammit import EncodingDetector
from bs4.element import NavigableString, PageElement, PreformattedString, Tag

from rag.errors import DocumentError
from rag.loaders.base import (
    MAX_TITLE_CHARS,
    SourceDocument,
    checked_id,
    detect_lang,
    first_line,
    slug,
)
from rag.loaders.tables import pipe_table

_DROPPED = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "nav",
        "header",
        "footer",
        "form",
        "button",
        "input",
        "select",
        "textarea",
        "iframe",
        "object",
        "embed",
        "svg",
        "canvas",
        "head",
    }
)
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_LISTS = frozenset({"ul", "ol"})
_BLOCKS = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "main",
        "aside",
        "blockquote",
        "address",
        "figure",
        "figcaption",
        "dl",
        "dt",
        "dd",
        "details",
        "summary",
        "center",
        "caption",
        "fieldset",
        "hgroup",
        "td",
        "th",
        "tr",
        "li",
    }
)
_ID_META = ("perimeter:id", "doc-id")
_BREAK = "\ue000"  # a <br> while inline text is gathered (private-use: never in real text)
_MAX_SPAN = 50


def load_html(path: Path, data: bytes, digest: str) -> SourceDocument:
    soup = _parse(_decode(path, data))
    title = _title(soup)
    doc_id = _meta_id(path, soup) or slug(path.stem)
    tags = _keywords(soup)
    declared_lang = _declared_lang(soup)
    for element in list(soup.find_all(_is_dropped)):
        element.decompose()
    root = soup.body or soup
    writer = _MarkdownWriter()
    writer.walk(root)
    text = writer.text()
    if not text:
        raise DocumentError(path, "empty document")
    return SourceDocument(
        doc_id,
        title or first_line(text),
        declared_lang or detect_lang(text),
        text,
        path,
        digest,
        tags,
        markdown=True,
        kind="html",
    )


def _decode(path: Path, data: bytes) -> str:
    """UTF-8 unless the page declares another charset; UTF-16 only with a byte-order mark."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise DocumentError(path, f"not UTF-16 text (byte {exc.start})") from exc
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            text = _declared_charset(data) or ""
            if not text:
                raise DocumentError(
                    path, f"not text: not UTF-8 (byte {exc.start}) and no usable charset declared"
                ) from exc
    if "\x00" in text:
        raise DocumentError(path, "binary content, not an HTML page")
    return text


def _declared_charset(data: bytes) -> str | None:
    declared = EncodingDetector.find_declared_encoding(data, is_html=True)
    if not declared:
        return None
    try:
        return data.decode(declared)
    except (LookupError, UnicodeDecodeError):
        return None


def _parse(markup: str) -> BeautifulSoup:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        return BeautifulSoup(markup, "lxml")


def _is_dropped(tag: Tag) -> bool:
    return tag.name in _DROPPED or tag.has_attr("hidden")


def _attr(tag: Tag, name: str) -> str:
    value = tag.get(name)
    if isinstance(value, str):
        return value.strip()
    return " ".join(value).strip() if value else ""


def _title(soup: BeautifulSoup) -> str:
    for tag in (soup.title, soup.find("h1")):
        if isinstance(tag, Tag):
            text = " ".join(tag.get_text(" ").split())
            if text:
                return text[:MAX_TITLE_CHARS]
    return ""


def _meta(soup: BeautifulSoup, names: Iterable[str]) -> str:
    wanted = set(names)
    for tag in soup.find_all("meta"):
        if _attr(tag, "name").lower() in wanted:
            return _attr(tag, "content")
    return ""


def _meta_id(path: Path, soup: BeautifulSoup) -> str:
    value = _meta(soup, _ID_META)
    return checked_id(path, value, '<meta name="perimeter:id">') if value else ""


def _keywords(soup: BeautifulSoup) -> tuple[str, ...]:
    words = (word.strip() for word in _meta(soup, ["keywords"]).replace(";", ",").split(","))
    return tuple(dict.fromkeys(word for word in words if word))


def _declared_lang(soup: BeautifulSoup) -> str | None:
    html = soup.find("html")
    if not isinstance(html, Tag):
        return None
    value = (_attr(html, "lang") or _attr(html, "xml:lang")).lower()
    primary = value.replace("_", "-").split("-")[0]
    return primary if primary in ("ru", "en") else None


def _is_text(node: PageElement) -> bool:
    """Visible text: not a comment, doctype, CDATA or processing instruction."""
    return isinstance(node, NavigableString) and not isinstance(node, PreformattedString)


def _gather(node: Tag, out: list[str], skip: frozenset[str]) -> None:
    for child in node.children:
        if isinstance(child, Tag):
            if child.name in skip:
                continue
            if child.name == "br":
                out.append(_BREAK)
            elif child.name in _BLOCKS or child.name in _HEADINGS or child.name in _LISTS:
                out.append(" ")
                _gather(child, out, skip)
                out.append(" ")
            else:
                _gather(child, out, skip)
        elif _is_text(child):
            out.append(str(child))


def _collapse(text: str, *, keep_breaks: bool) -> str:
    lines = (" ".join(line.split()) for line in text.split(_BREAK))
    return ("\n" if keep_breaks else " ").join(line for line in lines if line)


def _inline(node: Tag, skip: frozenset[str] = frozenset()) -> str:
    """All text of ``node`` on one line."""
    parts: list[str] = []
    _gather(node, parts, skip)
    return _collapse("".join(parts), keep_breaks=False)


class _MarkdownWriter:
    def __init__(self) -> None:
        self._blocks: list[str] = []
        self._inline: list[str] = []

    def text(self) -> str:
        self._flush()
        return "\n\n".join(self._blocks)

    def walk(self, node: Tag) -> None:
        for child in node.children:
            if isinstance(child, Tag):
                self._element(child)
            elif _is_text(child):
                self._inline.append(str(child))

    def _flush(self) -> None:
        text = _collapse("".join(self._inline), keep_breaks=True)
        self._inline.clear()
        if text:
            self._blocks.append(text)

    def _element(self, tag: Tag) -> None:
        name = tag.name
        if name == "br":
            self._inline.append(_BREAK)
            return
        if name in _HEADINGS:
            self._flush()
            text = _inline(tag)
            level = int(name[1])
            if text:
                self._blocks.append(f"{'#' * level} {text}" if level <= 3 else text)
        elif name in _LISTS:
            self._flush()
            lines = _list_lines(tag, 0)
            if lines:
                self._blocks.append("\n".join(lines))
        elif name == "table":
            self._flush()
            self._table(tag)
        elif name == "pre":
            self._flush()
            code = tag.get_text().strip("\n")
            if code.strip():
                self._blocks.append(f"```\n{code}\n```")
        elif name == "hr":
            self._flush()
        elif name in _BLOCKS:
            self._flush()
            self.walk(tag)
            self._flush()
        else:
            self.walk(tag)

    def _table(self, table: Tag) -> None:
        caption = table.find("caption")
        if isinstance(caption, Tag) and caption.find_parent("table") is table:
            text = _inline(caption)
            if text:
                self._blocks.append(text)
        cells = [tr.find_all(["td", "th"], recursive=False) for tr in _own_rows(table)]
        if all(len(row) <= 1 for row in cells):
            # A layout table (one cell a row) holds blocks of the page, not data.
            for row in cells:
                for cell in row:
                    self._element(cell)
            return
        rows = _table_rows(table)
        if rows:
            self._blocks.append(pipe_table(rows))


def _list_lines(listing: Tag, depth: int) -> list[str]:
    lines: list[str] = []
    for number, item in enumerate(listing.find_all("li", recursive=False), start=1):
        marker = f"{number}." if listing.name == "ol" else "-"
        text = _inline(item, skip=_LISTS)
        if text:
            lines.append(f"{'  ' * depth}{marker} {text}")
        for sub in item.find_all(_LISTS):
            if sub.find_parent("li") is item:
                lines.extend(_list_lines(sub, depth + 1))
    return lines


def _span(cell: Tag, name: str) -> int:
    value = _attr(cell, name)
    return min(max(int(value), 1), _MAX_SPAN) if value.isdigit() else 1


def _table_rows(table: Tag) -> list[list[str]]:
    """Cell texts row by row; a cell spanning rows or columns repeats in each row it spans."""
    rows: list[list[str]] = []
    carried: dict[int, tuple[str, int]] = {}  # column -> (text, rows still to fill)
    for tr in _own_rows(table):
        row: list[str] = []
        for cell in tr.find_all(["td", "th"], recursive=False):
            _fill_carried(row, carried)
            text = _inline(cell)
            rowspan = _span(cell, "rowspan")
            for offset in range(_span(cell, "colspan")):
                if rowspan > 1:
                    carried[len(row)] = (text if offset == 0 else "", rowspan - 1)
                row.append(text if offset == 0 else "")
        while carried and max(carried) >= len(row):
            if len(row) in carried:
                _fill_carried(row, carried)
            else:
                row.append("")
        if any(row):
            rows.append(row)
    return rows


def _own_rows(table: Tag) -> list[Tag]:
    """The rows of ``table`` itself, not of tables nested in its cells."""
    return [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]


def _fill_carried(row: list[str], carried: dict[int, tuple[str, int]]) -> None:
    while len(row) in carried:
        text, left = carried.pop(len(row))
        if left > 1:
            carried[len(row)] = (text, left - 1)
        row.append(text)
