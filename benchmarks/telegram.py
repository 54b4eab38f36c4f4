"""Telegram update handling, measured against the Bot API double on 127.0.0.1.

    python benchmarks/telegram.py [--updates 300]

1. Overhead per update, excluding generation (replies sent whole): one update at a time, from
   the double handing it to getUpdates to the reply arriving at sendMessage. The real aiogram
   Bot and Dispatcher, the update ledger, the real engine with SQLite, USE embeddings and
   Qdrant retrieval; the chat model answers instantly.
2. Sustained updates/s: a burst of updates from distinct chats, with the production outbound
   limit (25 messages/s overall) and with the limit lifted (what this machine can do).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aiohttp import web  # noqa: E402

from benchmarks.latency import _instant_model  # noqa: E402
from bot.channels.telegram.app import build_bot, build_dispatcher  # noqa: E402
from bot.dialogue.engine import ChannelRates, DialogueEngine, EnginePolicy  # noqa: E402
from bot.knowledge import RagKnowledgeBase  # noqa: E402
from bot.storage import SqlConversationStore, create_engine, upgrade_database  # noqa: E402
from bot.storage.telegram import SqlChatLedger  # noqa: E402
from integrations.processes import free_port  # noqa: E402
from prompts import default_library  # noqa: E402
from rag.answering import AnswerPolicy, GroundedAnswerer  # noqa: E402
from rag.embeddings import UniversalSentenceEncoderEmbeddings  # noqa: E402
from rag.ingest import Ingestor  # noqa: E402
from rag.store import KnowledgeStore, open_client  # noqa: E402
from tests.support.doubles.telegram_api import TelegramDouble, message_update  # noqa: E402

TOKEN = "1:benchmark"  # noqa: S105 - the double accepts any token it is given
QUESTION = "Сколько стоит обслуживание дебетовой карты?"


def pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


async def wait_sent(double: TelegramDouble, count: int, within_s: float = 120) -> None:
    deadline = time.monotonic() + within_s
    while len(double.sent) < count:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{len(double.sent)}/{count} replies")
        await asyncio.sleep(0.002)


async def run(updates: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/bench.db"
        await upgrade_database(url)
        database = create_engine(url)
        store = SqlConversationStore(database)
        knowledge = KnowledgeStore(
            open_client(url=None, path=Path(tmp) / "q"), "kb", UniversalSentenceEncoderEmbeddings()
        )
        Ingestor(knowledge).ingest_dir(ROOT / "examples" / "kb")
        answerer = GroundedAnswerer(knowledge, _instant_model(), AnswerPolicy(faq_min_score=1.01))
        unlimited = EnginePolicy(rates=ChannelRates(telegram=None))  # the bench floods
        engine = DialogueEngine(
            store, RagKnowledgeBase(answerer, knowledge), default_library(), unlimited
        )

        for label, overall in (("production limit 25/s", 25.0), ("limit lifted", 10_000.0)):
            double = TelegramDouble(TOKEN, chat_interval_s=0)
            runner = web.AppRunner(double.app())
            await runner.setup()
            port = free_port()
            await web.TCPSite(runner, "127.0.0.1", port).start()
            bot = build_bot(TOKEN, f"http://127.0.0.1:{port}", overall_per_s=overall)
            chats = SqlChatLedger(database)
            dispatcher = build_dispatcher(engine, chats, default_library(), stream_replies=False)
            polling = asyncio.create_task(
                dispatcher.start_polling(bot, polling_timeout=1, handle_signals=False)
            )
            base = 10_000_000 if overall < 100 else 20_000_000
            if overall < 100:
                # 1. one at a time
                timings: list[float] = []
                for i in range(40):
                    started = time.perf_counter()
                    double.push(message_update(base + i, chat_id=900_000 + i, text=QUESTION))
                    await wait_sent(double, i + 1)
                    timings.append((time.perf_counter() - started) * 1000)
                timings = timings[5:]  # warm-up
                print(
                    f"overhead per update, no generation (ms)  p50 {pct(timings, 50):7.1f}"
                    f"  p95 {pct(timings, 95):7.1f}  (n={len(timings)})"
                )
                base += 1000
            # 2. a burst from distinct chats
            before = len(double.sent)
            started = time.perf_counter()
            double.push(
                *(
                    message_update(base + i, chat_id=1_000_000 + base % 7 + i * 7, text=QUESTION)
                    for i in range(updates)
                )
            )
            await wait_sent(double, before + updates, within_s=600)
            elapsed = time.perf_counter() - started
            rate = updates / elapsed
            print(f"sustained, {label:<22} {rate:7.1f} updates/s  ({updates} in {elapsed:.1f} s)")
            await dispatcher.stop_polling()
            await polling
            await bot.session.close()
            await runner.cleanup()
        await database.dispose()
        knowledge.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--updates", type=int, default=300)
    args = parser.parse_args()
    asyncio.run(run(args.updates))


if __name__ == "__main__":
    main()
