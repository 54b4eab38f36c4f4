"""Knowledge gaps: unanswered questions grouped by meaning (real embeddings), and
`perimeter kb gaps` over the handoffs stored in the database."""

from __future__ import annotations

import asyncio
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app
from bot.dialogue.models import Channel, HandoffReason, HandoffRequest, Role
from bot.storage import SqlConversationStore, create_engine, upgrade_database
from rag.embeddings import UniversalSentenceEncoderEmbeddings
from rag.gaps import group_questions

SAFE_DEPOSIT = [
    "сколько стоит аренда банковской ячейки",
    "можно ли арендовать сейфовую ячейку в вашем банке",
    "ячейка в банке цена аренды",
]
METALS = ["есть ли металлические счета", "можно открыть счёт в золоте?"]


def test_questions_on_one_topic_form_one_group_biggest_first() -> None:
    embeddings = UniversalSentenceEncoderEmbeddings()
    embeddings.load()
    gaps = group_questions([*METALS, *SAFE_DEPOSIT, "  "], embeddings, min_similarity=0.45)
    assert [gap.size for gap in gaps][:2] == [3, 2]
    assert set(gaps[0].questions) == set(SAFE_DEPOSIT)
    assert set(gaps[1].questions) == set(METALS)
    assert group_questions([], embeddings) == []


def test_cli_lists_what_the_bot_could_not_answer_with_personal_data_hidden(
    tmp_path: Path, clean_env: None
) -> None:
    data = tmp_path / "data"

    async def record() -> None:
        url = f"sqlite+aiosqlite:///{(data / 'perimeter.db').resolve()}"
        data.mkdir(parents=True)
        await upgrade_database(url)
        database = create_engine(url)
        store = SqlConversationStore(database)
        asked = [(text, HandoffReason.LOW_CONFIDENCE) for text in SAFE_DEPOSIT] + [
            (
                "а ячейку в банке можно арендовать? мой телефон +7 903 111-22-33",
                HandoffReason.MODEL_ABSTAINED,
            ),
            ("позовите оператора", HandoffReason.CUSTOMER_REQUEST),  # not a knowledge gap
        ]
        for text, reason in asked:
            conversation = await store.create_conversation(Channel.WEBCHAT)
            trigger = await store.add_message(conversation.id, Role.CUSTOMER, text)
            await store.add_handoff(
                HandoffRequest(conversation.id, reason, f"- {text}", trigger.id)
            )
        await database.dispose()

    asyncio.run(record())
    result = CliRunner().invoke(
        app, ["kb", "gaps", "--min-similarity", "0.45"], env={"PERIMETER_DATA_DIR": str(data)}
    )
    assert result.exit_code == 0, result.output
    assert "4 unanswered questions" in result.output
    assert "позовите оператора" not in result.output
    assert "111-22-33" not in result.output and "[телефон]" in result.output
    first = next(line for line in result.output.splitlines() if line.strip().startswith("1."))
    assert "×4" in first and "ячейк" in first
