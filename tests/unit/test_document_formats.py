"""Knowledge-base formats: HTML, PDF, DOCX and FAQ files, read from real files made here."""

from __future__ import annotations

import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from fpdf import FPDF

from rag.chunking import Chunk, Chunker
from rag.documents import (
    MAX_FILE_BYTES,
    SUPPORTED_SUFFIXES,
    FaqEntry,
    SourceDocument,
    content_hash,
    discover,
    load_document,
)
from rag.errors import DocumentError
from rag.loaders.pdf import clean_text

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

PAGE = """<!DOCTYPE html>
<html lang="ru">
<head>
  <title>Тарифы по картам</title>
  <meta name="perimeter:id" content="cards-tariffs">
  <meta name="keywords" content="cards, tariffs">
  <style>.price { color: red }</style>
  <script>window.trackingSecret = "do-not-index";</script>
</head>
<body>
  <header><a href="/">Банк Периметр — главная</a></header>
  <nav><ul><li>Меню навигации</li><li>Вклады</li></ul></nav>
  <!-- черновик: не публиковать -->
  <h1>Тарифы по картам</h1>
  <p>Обслуживание карт   <b>бесплатное</b> для пенсионеров.</p>
  <h2>Стоимость обслуживания</h2>
  <table>
    <thead><tr><th>Карта</th><th>Цена | в месяц</th></tr></thead>
    <tbody>
      <tr><td>Классика</td><td>99 ₽</td></tr>
      <tr><td>Золотая</td><td>299 ₽<br>или бесплатно</td></tr>
    </tbody>
  </table>
  <h2>Как заказать карту</h2>
  <ul><li>В приложении «Периметр Онлайн»</li><li>В любом <a href="/map">отделении</a></li></ul>
  <form><input name="q"><button>Найти на сайте</button></form>
  <footer>© Банк Периметр, все права защищены</footer>
  <script>alert("leaked script")</script>
</body>
</html>
"""

FAQ_YAML = """\
id: cards-faq
title: Частые вопросы о картах
lang: ru
tags: [cards, faq]
entries:
  - id: block-card
    questions:
      - Как заблокировать карту?
      - Потерял карту, что делать?
      - Украли карту
    answer: Заблокируйте карту в приложении или позвоните по номеру 8 800 000-00-00.
  - id: card-fee
    questions: ["Сколько стоит обслуживание карты?"]
    answer: |
      Карта «Классика» стоит 99 ₽ в месяц.
      Для пенсионеров — бесплатно.
"""

FAQ_CSV = """\
id,question,answer
reissue,Как перевыпустить карту?,"Перевыпуск бесплатный, карта будет готова через 5 дней."
reissue,Карта истекает — что делать?,
reissue,Нужно ли идти в отделение для перевыпуска?,
pin,Как сменить ПИН-код?,В приложении: Карты → Настройки → Сменить ПИН.
"""


# ----------------------------------------------------------------------------- builders


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def unicode_font() -> Path | None:
    if DEJAVU.exists():
        return DEJAVU
    fonts = (
        sorted(Path("/usr/share/fonts").rglob("*.ttf")) if Path("/usr/share/fonts").is_dir() else []
    )
    return fonts[0] if fonts else None


def make_pdf(
    path: Path,
    lines: list[str],
    *,
    title: str | None = None,
    font: Path | None = None,
    encrypt: bool = False,
) -> Path:
    pdf = FPDF()
    if title:
        pdf.set_title(title)
    pdf.add_page()
    if font is not None:
        pdf.add_font("Body", fname=str(font))
        pdf.set_font("Body", size=12)
    else:
        pdf.set_font("Helvetica", size=12)
    for line in lines:
        pdf.multi_cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    if encrypt:
        pdf.set_encryption(owner_password="owner-secret", user_password="user-secret")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(pdf.output()))
    return path


def make_docx(path: Path, *, core_title: str | None = "Перевыпуск карты") -> Path:
    document = docx.Document()
    if core_title:
        document.core_properties.title = core_title
    document.add_heading("Перевыпуск и блокировка карты", level=0)
    document.add_paragraph("Карту перевыпускают бесплатно, если истёк срок действия.")
    document.add_heading("Стоимость", level=1)
    table = document.add_table(rows=3, cols=2)
    for row, (name, price) in enumerate(
        [("Причина", "Цена"), ("Истёк срок", "0 ₽"), ("Утеря | кража", "300 ₽")]
    ):
        table.cell(row, 0).text = name
        table.cell(row, 1).text = price
    document.add_heading("Сроки", level=2)
    document.add_paragraph("В отделении за 5 дней", style="List Bullet")
    document.add_paragraph("Курьером за 7 дней", style="List Bullet")
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def table_page(rows: int) -> str:
    body = "".join(
        f"<tr><td>Город {n}</td><td>Улица Центральная, дом {n}</td><td>9:00–20:00</td></tr>"
        for n in range(rows)
    )
    return (
        '<html lang="ru"><head><title>Отделения</title></head><body><h2>Адреса</h2>'
        "<p>Все отделения банка.</p><table><tr><th>Город</th><th>Адрес</th><th>Часы</th></tr>"
        f"{body}</table><p>Список обновляется ежедневно.</p></body></html>"
    )


def reason_of(path: Path) -> str:
    with pytest.raises(DocumentError) as caught:
        load_document(path)
    assert caught.value.path == path
    assert path.name in str(caught.value)
    return caught.value.reason


# ----------------------------------------------------------------------------- HTML


def test_html_page_becomes_markdown_with_a_pipe_table(tmp_path: Path) -> None:
    document = load_document(write(tmp_path, "tariffs.html", PAGE))
    assert (document.doc_id, document.title, document.lang, document.kind) == (
        "cards-tariffs",
        "Тарифы по картам",
        "ru",
        "html",
    )
    assert document.tags == ("cards", "tariffs")
    assert document.markdown
    text = document.text
    assert "| Карта | Цена \\| в месяц |\n|---|---|\n| Классика | 99 ₽ |" in text
    assert "| Золотая | 299 ₽ или бесплатно |" in text
    assert "- В приложении «Периметр Онлайн»\n- В любом отделении" in text
    assert "Обслуживание карт бесплатное для пенсионеров." in text
    for leaked in ("do-not-index", "leaked script", "Меню навигации", "главная", "черновик"):
        assert leaked not in text
    for leaked in ("Найти на сайте", "все права защищены", "<", ">"):
        assert leaked not in text


def test_html_headings_become_sections(tmp_path: Path) -> None:
    chunks = Chunker().split(load_document(write(tmp_path, "tariffs.html", PAGE)))
    assert [c.section for c in chunks] == [None, "Стоимость обслуживания", "Как заказать карту"]
    assert chunks[1].text.startswith("| Карта |")
    assert chunks[1].embedding_text.startswith("Тарифы по картам. Стоимость обслуживания")


def test_html_without_metadata_falls_back_to_file_name_h1_and_script(tmp_path: Path) -> None:
    page = "<html><body><h1>Opening hours</h1><p>Branches open at 9.</p></body></html>"
    document = load_document(write(tmp_path, "Branch Hours.htm", page))
    assert (document.doc_id, document.title, document.lang, document.tags) == (
        "branch-hours",
        "Opening hours",
        "en",
        (),
    )


def test_html_in_a_declared_legacy_charset_is_read(tmp_path: Path) -> None:
    page = '<html><head><meta charset="windows-1251"></head><body><p>Привет</p></body></html>'
    path = tmp_path / "legacy.html"
    path.write_bytes(page.encode("cp1251"))
    document = load_document(path)
    assert (document.text, document.lang) == ("Привет", "ru")


def test_html_bad_id_in_meta_is_named(tmp_path: Path) -> None:
    page = '<html><head><meta name="doc-id" content="Bad Id"></head><body>x</body></html>'
    assert "invalid id 'Bad Id'" in reason_of(write(tmp_path, "bad.html", page))


# ----------------------------------------------------------------------------- tables


@pytest.mark.parametrize("max_chars", [300, 600])
def test_every_chunk_of_a_long_table_repeats_the_header(tmp_path: Path, max_chars: int) -> None:
    document = load_document(write(tmp_path, "branches.html", table_page(40)))
    chunks = Chunker(max_chars=max_chars).split(document)
    header = "| Город | Адрес | Часы |\n|---|---|---|"
    with_rows = [c for c in chunks if "| Город " in c.text and "Улица" in c.text]
    assert len(with_rows) > 3
    for chunk in with_rows:
        assert header in chunk.text
        assert chunk.section == "Адреса"
        assert len(chunk.text) <= max_chars
        for line in chunk.text.splitlines():
            if line.startswith("| "):
                assert line.endswith(" |")  # no row is cut
                assert line.count(" | ") == 2  # three cells: the row is whole
    rows = [line for c in chunks for line in c.text.splitlines() if "Улица" in line]
    assert len(rows) == len(set(rows)) == 40  # every row once
    assert "Все отделения банка." in chunks[0].text


def test_short_table_shares_a_chunk_with_its_text(tmp_path: Path) -> None:
    chunks = Chunker().split(load_document(write(tmp_path, "branches.html", table_page(3))))
    assert len(chunks) == 1
    assert "Все отделения банка." in chunks[0].text
    assert "| Город 2 |" in chunks[0].text


def test_markdown_table_longer_than_a_chunk_keeps_its_header(tmp_path: Path) -> None:
    rows = "\n".join(f"| {n} месяцев | {n}% |" for n in range(1, 60))
    text = (
        "---\nid: rates\ntitle: Ставки\nlang: ru\ntags: []\n---\n# Ставки\n\n## Таблица\n"
        f"Ставки по сроку:\n\n| Срок | Ставка |\n|---|---|\n{rows}\n"
    )
    chunks = Chunker(max_chars=300).split(load_document(write(tmp_path, "rates.md", text)))
    table_chunks = [c for c in chunks if "месяцев |" in c.text]
    assert len(table_chunks) > 2
    assert all("| Срок | Ставка |\n|---|---|" in c.text for c in table_chunks)


# ----------------------------------------------------------------------------- PDF


def test_cyrillic_pdf_text_title_and_lang(tmp_path: Path) -> None:
    font = unicode_font()
    if font is None:
        pytest.skip("no TrueType font with Cyrillic on this machine")
    path = make_pdf(
        tmp_path / "SBP Transfers.pdf",
        [
            "Переводы по номеру телефона",
            "Перевод через СБП выполняется мгновен-",
            "но и бесплатно до 100 000 ₽ в месяц.",
        ],
        font=font,
    )
    document = load_document(path)
    assert (document.doc_id, document.lang, document.kind, document.markdown) == (
        "sbp-transfers",
        "ru",
        "pdf",
        True,
    )
    assert document.title == "Переводы по номеру телефона"
    assert "выполняется мгновенно и бесплатно" in document.text
    assert Chunker().split(document)[0].text.startswith("Переводы по номеру телефона")


def make_structured_pdf(path: Path, font: Path) -> Path:
    """A tariff leaflet as a bank's PDF: headings set larger, a paragraph wrapped over lines, a
    bullet list, a ruled table that runs onto the next page, and a running footer."""
    pdf = FPDF()
    pdf.add_font("Body", fname=str(font))
    pdf.add_font("Body", style="B", fname=str(font))
    pdf.set_auto_page_break(False)

    def footer() -> None:
        pdf.set_font("Body", size=7)
        pdf.set_xy(10, 285)
        pdf.cell(0, 5, f"Банк Пример · стр. {pdf.page_no()}")
        pdf.set_xy(10, 20)

    pdf.add_page()
    footer()
    pdf.set_font("Body", "B", 16)
    pdf.multi_cell(0, 9, "Вклады", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Body", size=10)
    pdf.multi_cell(
        0,
        5,
        "Все вклады застрахованы. Проценты выплачиваются в конце срока или ежемесячно, "
        "по выбору клиента при открытии вклада в приложении или в любом офисе банка, без "
        "комиссий и без визита в отделение.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(4)
    pdf.set_font("Body", "B", 13)
    pdf.multi_cell(0, 7, "Вклад «Прилив»", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Body", size=10)
    for item in ("• Минимальная сумма — 50 000 ₽.", "• Пополнение не предусмотрено."):
        pdf.multi_cell(0, 5, item, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("Body", size=9)
    rows = [("Срок", "до 500 000 ₽", "от 500 000 ₽")]
    rows += [(f"{n} месяцев", f"{10 + n},1%", f"{10 + n},5%") for n in (3, 6, 9, 12)]
    with pdf.table() as table:
        for row in rows:
            table.row(row)
    pdf.add_page()
    footer()
    pdf.set_font("Body", size=9)
    with pdf.table(first_row_as_headings=False) as table:
        table.row(("24 месяца", "9,0%", "9,4%"))
    path.write_bytes(bytes(pdf.output()))
    return path


def test_pdf_layout_becomes_markdown_headings_paragraphs_and_tables(tmp_path: Path) -> None:
    font = unicode_font()
    if font is None:
        pytest.skip("no TrueType font with Cyrillic on this machine")
    document = load_document(make_structured_pdf(tmp_path / "deposits.pdf", font))
    text = document.text
    assert document.markdown
    assert text.startswith("# Вклады\n")
    assert "\n## Вклад «Прилив»\n" in text
    # A paragraph wrapped over three lines reads as one.
    assert "ежемесячно, по выбору клиента" in text
    assert "- Минимальная сумма — 50 000 ₽.\n- Пополнение не предусмотрено." in text
    # The ruled table, its header first, continued from the next page without a header.
    assert "| Срок | до 500 000 ₽ | от 500 000 ₽ |\n|---|---|---|" in text
    assert "| 12 месяцев | 22,1% | 22,5% |\n| 24 месяца | 9,0% | 9,4% |" in text
    # The running footer is not content.
    assert "стр." not in text
    # The table's rows stay under their section, with the header, for the reader.
    chunks = Chunker().split(document)
    row_chunk = next(c for c in chunks if "24 месяца" in c.text)
    assert row_chunk.section is not None and "Прилив" in row_chunk.section
    assert "| Срок |" in row_chunk.text


def test_a_pdf_whose_layout_cannot_be_read_is_read_as_plain_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rag.loaders import pdf

    def broken(data: object) -> str:
        raise ValueError("pdfminer could not parse the layout")

    monkeypatch.setattr(pdf, "pdf_markdown", broken)
    path = make_pdf(tmp_path / "swift.pdf", ["International transfers", "A transfer costs 25 USD."])
    document = load_document(path)
    assert not document.markdown
    assert "A transfer costs 25 USD." in document.text


def test_english_pdf_title_comes_from_metadata(tmp_path: Path) -> None:
    path = make_pdf(
        tmp_path / "swift.pdf",
        ["International transfers", "A SWIFT transfer costs 25 USD."],
        title="SWIFT transfers",
    )
    document = load_document(path)
    assert (document.doc_id, document.title, document.lang) == ("swift", "SWIFT transfers", "en")
    assert "A SWIFT transfer costs 25 USD." in document.text


def test_pdf_text_is_cleaned() -> None:
    raw = "Пере-\nвод   выполняется\r\nмгнов\u00ad\nенно.\n\n\n\nМосква-\nСити\x07"
    assert clean_text(raw) == "Перевод выполняется\nмгновенно.\n\nМосква-\nСити"


def test_encrypted_pdf_is_refused(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "locked.pdf", ["Secret tariffs"], encrypt=True)
    assert "encrypted PDF: remove the password" in reason_of(path)


def test_corrupt_pdf_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    assert "corrupt PDF" in reason_of(path)


def test_pdf_without_a_text_layer_is_refused(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")  # a "scan": marks on the page, no text
    path = tmp_path / "scan.pdf"
    path.write_bytes(bytes(pdf.output()))
    assert "no text layer: scanned PDF?" in reason_of(path)


def test_file_named_pdf_that_is_not_a_pdf(tmp_path: Path) -> None:
    assert "not a PDF file" in reason_of(write(tmp_path, "notes.pdf", "just some text"))


# ----------------------------------------------------------------------------- DOCX


def test_docx_becomes_markdown_with_headings_table_and_list(tmp_path: Path) -> None:
    document = load_document(make_docx(tmp_path / "Card Reissue.docx"))
    assert (document.doc_id, document.title, document.lang, document.kind) == (
        "card-reissue",
        "Перевыпуск карты",
        "ru",
        "docx",
    )
    text = document.text
    assert text.startswith("# Перевыпуск и блокировка карты\n\nКарту перевыпускают")
    assert "# Стоимость\n\n| Причина | Цена |\n|---|---|\n| Истёк срок | 0 ₽ |" in text
    assert "| Утеря \\| кража | 300 ₽ |" in text
    assert "## Сроки\n\n- В отделении за 5 дней\n- Курьером за 7 дней" in text

    chunks = Chunker().split(document)
    assert [c.section for c in chunks] == [None, "Стоимость", "Сроки"]
    assert chunks[1].text.startswith("| Причина | Цена |")


def test_docx_title_falls_back_to_the_title_paragraph(tmp_path: Path) -> None:
    document = load_document(make_docx(tmp_path / "reissue.docx", core_title=None))
    assert document.title == "Перевыпуск и блокировка карты"


def test_corrupt_docx_is_refused(tmp_path: Path) -> None:
    not_zip = tmp_path / "broken.docx"
    not_zip.write_bytes(b"this is not a zip archive at all")
    assert "corrupt DOCX: not a zip archive" in reason_of(not_zip)

    other_zip = tmp_path / "other.docx"
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("hello.txt", "not a Word document")
    assert "corrupt DOCX" in reason_of(other_zip)

    old_doc = tmp_path / "old.docx"
    old_doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    assert "save it as .docx without a password" in reason_of(old_doc)


# ----------------------------------------------------------------------------- FAQ


def test_faq_yaml_gives_one_chunk_per_entry_with_every_phrasing(tmp_path: Path) -> None:
    document = load_document(write(tmp_path, "cards.faq.yaml", FAQ_YAML))
    assert (document.doc_id, document.title, document.lang, document.kind) == (
        "cards-faq",
        "Частые вопросы о картах",
        "ru",
        "faq",
    )
    assert document.tags == ("cards", "faq")
    assert document.faq[0] == FaqEntry(
        "block-card",
        ("Как заблокировать карту?", "Потерял карту, что делать?", "Украли карту"),
        "Заблокируйте карту в приложении или позвоните по номеру 8 800 000-00-00.",
    )
    chunks = Chunker(max_chars=100, overlap=10).split(document)  # an entry is never split
    assert len(chunks) == 2
    first = chunks[0]
    assert (first.faq_id, first.section, first.index) == (
        "block-card",
        "Как заблокировать карту?",
        0,
    )
    assert first.text == (
        "Вопрос: Как заблокировать карту?\n"
        "Вопрос: Потерял карту, что делать?\n"
        "Вопрос: Украли карту\n"
        "Ответ: Заблокируйте карту в приложении или позвоните по номеру 8 800 000-00-00."
    )
    assert first.answer == document.faq[0].answer
    assert all(q in first.embedding_text for q in document.faq[0].questions)
    assert first.answer in first.embedding_text
    assert chunks[1].answer == "Карта «Классика» стоит 99 ₽ в месяц.\nДля пенсионеров — бесплатно."


def test_faq_csv_groups_phrasings_by_id(tmp_path: Path) -> None:
    document = load_document(write(tmp_path, "Card Service.faq.csv", FAQ_CSV))
    assert (document.doc_id, document.lang, document.kind) == ("card-service", "ru", "faq")
    assert document.title == "Card Service"
    assert [entry.id for entry in document.faq] == ["reissue", "pin"]
    reissue = document.faq[0]
    assert reissue.questions == (
        "Как перевыпустить карту?",
        "Карта истекает — что делать?",
        "Нужно ли идти в отделение для перевыпуска?",
    )
    assert reissue.answer == "Перевыпуск бесплатный, карта будет готова через 5 дней."
    chunks = Chunker().split(document)
    assert [(c.faq_id, c.section) for c in chunks] == [
        ("reissue", "Как перевыпустить карту?"),
        ("pin", "Как сменить ПИН-код?"),
    ]
    assert chunks[0].text.count("Вопрос: ") == 3


def test_english_faq_csv_with_semicolons(tmp_path: Path) -> None:
    csv_text = "id;question;answer\nswift;How long does SWIFT take?;Up to 3 business days.\n"
    document = load_document(write(tmp_path, "transfers.faq.csv", csv_text))
    assert document.lang == "en"
    chunk = Chunker().split(document)[0]
    assert chunk.text == "Question: How long does SWIFT take?\nAnswer: Up to 3 business days."


@pytest.mark.parametrize(
    ("name", "text", "reason"),
    [
        (
            "noanswer.faq.yaml",
            "id: f\ntitle: F\nlang: ru\nentries:\n  - id: a\n    questions:\n      - Вопрос?\n",
            "entry 1 (a): missing answer",
        ),
        (
            "noquestion.faq.yaml",
            "id: f\ntitle: F\nlang: ru\nentries:\n  - id: a\n    questions: []\n    answer: x\n",
            "entry 1 (a): no question",
        ),
        (
            "dup.faq.yaml",
            "id: f\ntitle: F\nlang: ru\nentries:\n"
            "  - {id: a, questions: [q1], answer: x}\n"
            "  - {id: b, questions: [q2], answer: y}\n"
            "  - {id: a, questions: [q3], answer: z}\n",
            "duplicate entry ids: a",
        ),
        (
            "badid.faq.yaml",
            "id: f\ntitle: F\nlang: ru\nentries:\n  - {id: Карта, questions: [q], answer: x}\n",
            "entry 1: invalid id 'Карта'",
        ),
        (
            "broken.faq.yaml",
            "id: f\ntitle: F\nlang: ru\nentries:\n  - id: a\n    questions: [unclosed\n",
            "broken YAML at line 7",
        ),
        ("nolang.faq.yml", "id: f\ntitle: F\nentries: []\n", "FAQ lacks lang"),
        ("noentries.faq.yml", "id: f\ntitle: F\nlang: en\nentries: []\n", "empty document"),
        ("noheader.faq.csv", "a,Вопрос?,Ответ\n", "header row id,question,answer"),
        ("noanswer.faq.csv", "id,question,answer\na,Вопрос?,\n", "entry 'a' (line 2): missing"),
        (
            "twoanswers.faq.csv",
            "id,question,answer\na,q1,Ответ один\na,q2,Ответ два\n",
            "two different answers (lines 2 and 3)",
        ),
        ("noid.faq.csv", "id,question,answer\n,q,a\n", "line 2: empty id"),
    ],
)
def test_bad_faq_files_name_the_problem(tmp_path: Path, name: str, text: str, reason: str) -> None:
    assert reason in reason_of(write(tmp_path, name, text))


# ----------------------------------------------------------------------------- bad input


def make_empty_docx(path: Path) -> Path:
    docx.Document().save(str(path))
    return path


@pytest.mark.parametrize(
    "make",
    [
        lambda d: write(d, "empty.html", ""),
        lambda d: write(d, "chrome-only.html", "<html><body><nav>Меню</nav><script>x()</script>"),
        lambda d: write(d, "empty.pdf", ""),
        lambda d: write(d, "empty.docx", ""),
        lambda d: make_empty_docx(d / "blank.docx"),
        lambda d: write(d, "empty.faq.yaml", "\n"),
        lambda d: write(d, "empty.faq.csv", ""),
        lambda d: write(d, "empty.md", ""),
        lambda d: write(d, "empty.txt", "  \n"),
    ],
    ids=["html", "html-chrome-only", "pdf", "docx", "docx-no-text", "yaml", "csv", "md", "txt"],
)
def test_empty_documents_are_refused(tmp_path: Path, make: Callable[[Path], Path]) -> None:
    assert "empty document" in reason_of(make(tmp_path))


@pytest.mark.parametrize("name", ["huge.pdf", "huge.docx", "huge.html", "huge.faq.csv"])
def test_50_mb_file_is_refused_without_reading_it(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    with path.open("wb") as sparse:
        sparse.truncate(50 * 1024 * 1024)
    started = time.perf_counter()
    reason = reason_of(path)
    assert time.perf_counter() - started < 1.0
    assert reason.startswith("larger than ")
    assert "(50.0 MB)" in reason


def test_size_limits() -> None:
    assert MAX_FILE_BYTES == 5 * 1024 * 1024


def test_html_that_is_binary_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "image.html"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    assert "not text" in reason_of(path)


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("tariffs.xlsx", "'.xlsx'"),
        ("setup.exe", "'.exe'"),
        ("old.doc", "save it as .docx"),
        ("rates.yaml", "*.faq.yaml"),
        ("export.csv", "*.faq.csv"),
        ("README", "no extension"),
    ],
)
def test_unsupported_formats_list_the_supported_ones(tmp_path: Path, name: str, hint: str) -> None:
    reason = reason_of(write(tmp_path, name, "data"))
    assert reason.startswith("unsupported format")
    assert hint in reason
    for suffix in (".md", ".txt", ".html", ".pdf", ".docx", ".faq.yaml", ".faq.csv"):
        assert suffix in reason


# ----------------------------------------------------------------------------- a folder


def test_a_folder_mixing_every_format(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    write(kb, "fees.md", "---\nid: fees\ntitle: Fees\nlang: en\ntags: []\n---\n# Fees\nNone.")
    write(kb, "hours.txt", "Часы работы\nПн–Пт 9–20.")
    write(kb, "pages/tariffs.html", PAGE)
    make_pdf(kb / "swift.pdf", ["SWIFT transfers take up to 3 days."])
    make_docx(kb / "reissue.docx")
    write(kb, "faq/cards.faq.yaml", FAQ_YAML)
    write(kb, "faq/service.faq.csv", FAQ_CSV)
    broken = kb / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\n" + b"\x00garbage" * 100)
    write(kb, "notes.xlsx", "not supported")
    write(kb, "settings.yaml", "key: value")
    write(kb, ".hidden.md", "---\nid: h\n---\n")
    write(kb, ".git/readme.md", "hidden folder")
    (kb / "~$reissue.docx").write_bytes(b"lock file")

    files = discover(kb)
    assert [p.relative_to(kb).as_posix() for p in files] == [
        "broken.pdf",
        "faq/cards.faq.yaml",
        "faq/service.faq.csv",
        "fees.md",
        "hours.txt",
        "pages/tariffs.html",
        "reissue.docx",
        "swift.pdf",
    ]
    loaded: dict[str, SourceDocument] = {}
    failed: dict[str, str] = {}
    for path in files:
        try:
            document = load_document(path)
        except DocumentError as exc:
            failed[path.name] = exc.reason
            continue
        loaded[document.doc_id] = document
        assert document.content_hash == content_hash(path.read_bytes())
    assert list(failed) == ["broken.pdf"]
    assert "corrupt PDF" in failed["broken.pdf"]
    assert {d.kind for d in loaded.values()} == {"markdown", "text", "html", "pdf", "docx", "faq"}
    chunks: list[Chunk] = [c for d in loaded.values() for c in Chunker().split(d)]
    assert all(c.text.strip() for c in chunks)
    assert sum(1 for c in chunks if c.faq_id) == 4


def test_supported_suffixes_cover_every_format() -> None:
    assert set(SUPPORTED_SUFFIXES) >= {".md", ".txt", ".html", ".pdf", ".docx", ".faq.csv"}


def test_a_framed_note_in_a_pdf_is_text_not_a_table() -> None:
    from rag.loaders.pdf_layout import _render, _Table

    note = _Table(0, 100.0, [["Внимание: банк никогда не просит код\nиз SMS."]])
    assert _render([], [note]) == "Внимание: банк никогда не просит код из SMS."
    table = _Table(0, 100.0, [["Срок", "Ставка"], ["6 месяцев", "14%"]])
    assert _render([], [table]).startswith("| Срок | Ставка |\n|---|---|")
