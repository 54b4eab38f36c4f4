"""Latency figures, measured side by side in one run (medians; the machine is shared).

    python benchmarks/latency.py [--gguf PATH] [--rounds 3]

1. Time to first token in the web chat (a real `perimeter serve`, over a real WebSocket)
   against llama.cpp's own time to first token for the same prompt (same GGUF, same
   passages, called directly), alternating question by question.
2. Engine overhead per message excluding generation: the real engine, SQLite, embeddings and
   Qdrant, with a chat model that answers instantly.
3. Ingestion chunks/s on the sample KB and on 10,000 chunks.
4. Retrieval latency p50/p95 on the sample KB and on 10,000 chunks.
5. Whole-reply latency of an account answer (authenticated customer, the sandbox ABS over
   HTTP, rasa-sdk actions) against a knowledge answer (retrieval + generation), alternating
   on one running server over WebSocket.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


from bot.settings import Settings  # noqa: E402
from integrations.llm import ScriptedChatModel  # noqa: E402
from integrations.llm.catalog import MODELS  # noqa: E402
from integrations.llm.fetch import model_path  # noqa: E402
from rag.answering import AnswerPolicy, GroundedAnswerer  # noqa: E402
from rag.chunking import Chunk  # noqa: E402
from rag.embeddings import UniversalSentenceEncoderEmbeddings  # noqa: E402
from rag.ingest import Ingestor  # noqa: E402
from rag.store import KnowledgeStore, open_client  # noqa: E402

KB = ROOT / "examples" / "kb"
QUESTIONS = [
    "Сколько стоит обслуживание дебетовой карты?",
    "Какой лимит переводов по СБП в месяц?",
    "Что делать, если потерял карту?",
    "Какая ставка по вкладу Надёжный?",
    "How much does a SWIFT transfer cost?",
]


ACCOUNT_QUESTIONS = [
    "какой у меня баланс?",
    "когда следующий платёж по кредиту?",
    "какой статус моей карты?",
    "покажи мои последние операции",
    "what is my balance?",
]
WEB_TOKEN_SECRET = secrets.token_urlsafe(32)  # this run only


def pct(values: list[float], q: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def fmt(values: list[float]) -> str:
    return f"p50 {pct(values, 50):8.1f}  p95 {pct(values, 95):8.1f}  (n={len(values)})"


async def ws_first_token(url: str, question: str) -> float:
    import websockets

    async with websockets.connect(url) as ws:
        await ws.send(json.dumps({"type": "hello"}))  # a new conversation
        await ws.recv()  # conversation
        started = time.perf_counter()
        await ws.send(json.dumps({"type": "message", "text": question}))
        first: float | None = None
        while True:
            frame = json.loads(await ws.recv())
            if frame["type"] == "token" and first is None:
                first = time.perf_counter() - started
            if frame["type"] in ("reply", "error"):
                return first if first is not None else float("nan")


def direct_first_token(llama: Any, answerer: GroundedAnswerer, question: str) -> float:
    passages = answerer.context(answerer._retrieve_sync(question))
    messages = answerer._messages(
        {
            "lang": "en" if question.isascii() else "ru",
            "history": [],
            "passages": passages,
            "question": question,
        }
    )
    payload = [
        {"role": {"system": "system", "human": "user"}[m.type], "content": str(m.content)}
        for m in messages
    ]
    started = time.perf_counter()
    for part in llama.create_chat_completion(
        messages=payload, stream=True, max_tokens=16, temperature=0.1
    ):
        if part["choices"][0]["delta"].get("content"):
            return time.perf_counter() - started
    return float("nan")


def time_to_first_token(gguf: Path, rounds: int, store: KnowledgeStore) -> None:
    from llama_cpp import Llama

    from tests.support.servers import perimeter_server

    answerer = GroundedAnswerer(store, _instant_model(), AnswerPolicy(faq_min_score=1.01))
    web: list[float] = []
    direct: list[float] = []
    with (
        tempfile.TemporaryDirectory() as tmp,
        perimeter_server(
            Path(tmp),
            llm__backend="llamacpp",
            llm__gguf_path=str(gguf),
            llm__max_tokens="16",
            log_level="WARNING",
        ) as server,
    ):
        llama = Llama(model_path=str(gguf), n_ctx=4096, verbose=False)
        for _ in range(rounds):
            for question in QUESTIONS:
                web.append(asyncio.run(ws_first_token(server.ws_url, question)) * 1000)
                direct.append(direct_first_token(llama, answerer, question) * 1000)
        del llama
    web = [v for v in web if v == v]
    ratio = statistics.median(web) / statistics.median(direct)
    print(f"time to first token, web chat (ms)   {fmt(web)}")
    print(f"time to first token, llama.cpp (ms)  {fmt(direct)}")
    print(f"  web / llama.cpp median ratio       {ratio:.2f}")


async def ws_reply_time(url: str, question: str, token: str | None = None) -> float:
    """Seconds from sending the question to the final reply frame (whole answer)."""
    import websockets

    async with websockets.connect(url) as ws:
        await ws.send(json.dumps({"type": "hello"}))  # a new conversation
        await ws.recv()  # conversation
        if token:
            await ws.send(json.dumps({"type": "auth", "token": token}))
            frame = json.loads(await ws.recv())
            assert frame["type"] == "auth", frame
        started = time.perf_counter()
        await ws.send(json.dumps({"type": "message", "text": question}))
        while True:
            frame = json.loads(await ws.recv())
            if frame["type"] in ("reply", "error"):
                return time.perf_counter() - started


def account_vs_knowledge(gguf: Path, rounds: int) -> None:
    from bot.web_token import sign_token
    from tests.support.servers import SANDBOX_TOKEN, perimeter_server, sandbox_server

    account: list[float] = []
    knowledge: list[float] = []
    with (
        tempfile.TemporaryDirectory() as tmp,
        sandbox_server(ROOT / "examples" / "bank.json") as sandbox,
        perimeter_server(
            Path(tmp),
            llm__backend="llamacpp",
            llm__gguf_path=str(gguf),
            core_banking__base_url=sandbox,
            core_banking__token=SANDBOX_TOKEN,
            auth__web_token_secret=WEB_TOKEN_SECRET,
            log_level="WARNING",
        ) as server,
    ):
        for _ in range(rounds):
            for asked, question in zip(ACCOUNT_QUESTIONS, QUESTIONS, strict=True):
                token = sign_token(WEB_TOKEN_SECRET, "c-2001")
                account.append(asyncio.run(ws_reply_time(server.ws_url, asked, token)) * 1000)
                knowledge.append(asyncio.run(ws_reply_time(server.ws_url, question)) * 1000)
    print(f"whole reply, account answer (ms)     {fmt(account)}")
    print(f"whole reply, knowledge answer (ms)   {fmt(knowledge)}")
    print(
        f"  knowledge / account median ratio   "
        f"{statistics.median(knowledge) / statistics.median(account):.0f}"
    )


def _instant_model() -> ScriptedChatModel:
    """A chat model that answers at once, every time: generation is not what is measured."""
    return ScriptedChatModel(reply="Обслуживание карты стоит 99 ₽ в месяц.")


async def engine_overhead(rounds: int) -> None:
    from bot.dialogue.engine import DialogueEngine
    from bot.dialogue.models import IncomingMessage
    from bot.dialogue.sinks import DiscardingSink
    from bot.knowledge import RagKnowledgeBase
    from bot.storage import SqlConversationStore, create_engine, upgrade_database
    from prompts import default_library

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/bench.db"
        await upgrade_database(url)
        database = create_engine(url)
        store = SqlConversationStore(database)
        knowledge = KnowledgeStore(
            open_client(url=None, path=Path(tmp) / "q"), "kb", UniversalSentenceEncoderEmbeddings()
        )
        Ingestor(knowledge).ingest_dir(KB)
        answerer = GroundedAnswerer(knowledge, _instant_model(), AnswerPolicy(faq_min_score=1.01))
        base = RagKnowledgeBase(answerer, knowledge)
        # As a started server does once its index is ready (Container.prepare_index).
        warmed = time.perf_counter()
        lines = await base.warm()
        warmed = time.perf_counter() - warmed
        engine = DialogueEngine(store, base, default_library())
        timings: list[float] = []
        # Distinct questions (the sample eval's knowledge questions): a repeated one would find
        # its vectors already computed, and flatter the figure.
        asked = distinct_questions(rounds * 10 + 5)
        for question in asked:
            conversation = await engine.start_conversation()
            started = time.perf_counter()
            await engine.handle(IncomingMessage(conversation.id, question), DiscardingSink())
            timings.append((time.perf_counter() - started) * 1000)
        await database.dispose()
        knowledge.close()
    print(f"line vectors computed ahead: {lines} in {warmed:.1f} s")
    print(
        f"engine overhead per message, no generation (ms, {len(timings) - 5} distinct"
        f" questions)  {fmt(timings[5:])}"
    )


def distinct_questions(n: int) -> list[str]:
    """Up to ``n`` different knowledge questions of the sample eval, in its order."""
    from bot.evaluation.cases import load_cases

    found: list[str] = []
    for case in load_cases(ROOT / "examples" / "eval" / "cases.yaml"):
        text = case.messages[-1]
        if case.expect.route == "answer" and len(case.messages) == 1 and text not in found:
            found.append(text)
    return (found or QUESTIONS)[:n]


def synthetic_chunks(n: int) -> list[Chunk]:
    base = [p.read_text(encoding="utf-8").split("\n## ") for p in sorted(KB.glob("*.md"))]
    sections = [s for doc in base for s in doc[1:]]
    return [
        Chunk(
            f"synthetic-{i // 10}",
            i % 10,
            f"Документ {i // 10}",
            f"Раздел {i}",
            f"Вариант {i}. " + sections[i % len(sections)][:800],
            "ru",
        )
        for i in range(n)
    ]


def search_times(store: KnowledgeStore, queries: list[str]) -> list[float]:
    timings = []
    for query in queries:
        started = time.perf_counter()
        store.search(query, 4)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def retrieval_and_ingest(embeddings: UniversalSentenceEncoderEmbeddings) -> KnowledgeStore:
    embeddings.load()
    queries = QUESTIONS * 10
    tmp = tempfile.mkdtemp()
    sample = KnowledgeStore(open_client(url=None, path=Path(tmp) / "sample"), "kb", embeddings)
    report = Ingestor(sample).ingest_dir(KB)
    print(f"ingest sample KB: {report.chunks} chunks, {report.chunks_per_second:.0f} chunks/s")
    sample_ms = search_times(sample, queries)

    big = KnowledgeStore(open_client(url=None, path=Path(tmp) / "big"), "kb", embeddings)
    big.ensure_collection()
    chunks = synthetic_chunks(10_000)
    started = time.perf_counter()
    for doc in range(0, len(chunks), 10):
        group = chunks[doc : doc + 10]
        big.replace_document(
            group[0].doc_id, group, content_hash="x", source="synthetic", is_new=True
        )
    seconds = time.perf_counter() - started
    print(f"ingest 10,000 chunks: {seconds:.1f} s, {len(chunks) / seconds:.0f} chunks/s")
    big_ms = search_times(big, queries)
    big.close()
    print(f"retrieval, sample KB (ms)      {fmt(sample_ms)}")
    print(f"retrieval, 10,000 chunks (ms)  {fmt(big_ms)}")
    return sample


def main() -> None:
    parser = argparse.ArgumentParser()
    default = model_path(MODELS[Settings().llm.embedded_model.value], Settings().cache_dir)
    parser.add_argument("--gguf", type=Path, default=default)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--only-accounts", action="store_true", help="only the account/knowledge comparison"
    )
    args = parser.parse_args()
    if args.only_accounts:
        account_vs_knowledge(args.gguf, args.rounds)
        return
    sample = retrieval_and_ingest(UniversalSentenceEncoderEmbeddings())
    asyncio.run(engine_overhead(args.rounds))
    time_to_first_token(args.gguf, args.rounds, sample)
    sample.close()
    account_vs_knowledge(args.gguf, args.rounds)


if __name__ == "__main__":
    main()
