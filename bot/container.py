"""The composition root: the one place where settings become objects."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path

from langchain_core.language_models import BaseChatModel

from bot.banking import (
    BankAuthenticator,
    CrmCallbacks,
    CustomerDirectory,
    RasaAccountActions,
)
from bot.content.api import Admin
from bot.content.gaps import GapFinder
from bot.content.service import ContentService
from bot.dialogue.engine import ChannelRates, DialogueEngine, EnginePolicy, HandoffPolicy, Rate
from bot.dialogue.models import Passage
from bot.evaluation.cases import CaseFileError, load_cases
from bot.intents import EmbeddingIntentClassifier, load_intent_examples
from bot.knowledge import RagKnowledgeBase
from bot.observability.metrics import Metrics
from bot.operators.api import Console
from bot.operators.auth import ConsoleAuth
from bot.operators.delivery import ChannelDelivery
from bot.operators.desk import OperatorDesk
from bot.operators.live import EventFeed
from bot.operators.summary import ModelSummarizer
from bot.operators.sweeper import QueueSweeper
from bot.settings import LLMBackend, Settings
from bot.storage import SqlConversationStore, create_engine, upgrade_database
from bot.storage.content import SqlContentStore
from bot.storage.operators import SqlOperatorStore
from bot.web_token import WebTokenVerifier
from integrations.core_banking import CoreBankingClient, CoreBankingConfig
from integrations.llm import LLMConfig, build_chat_model
from integrations.llm.catalog import MODELS
from integrations.llm.fetch import model_path
from integrations.llm.lifecycle import close_chat_model
from prompts import PromptLibrary, default_library
from rag.answering import AnswerPolicy, GroundedAnswerer
from rag.embeddings import LocalEmbeddings, build_embeddings
from rag.errors import StoreError
from rag.ingest import Ingestor
from rag.sparse import LexicalSparseEmbeddings
from rag.store import KnowledgeStore, open_client
from rag.store import RetrievalMode as StoreMode

log = logging.getLogger(__name__)


def resolve_llm_config(settings: Settings) -> LLMConfig:
    llm = settings.llm
    backend = llm.backend
    if backend is LLMBackend.AUTO:
        if llm.openai_base_url:
            backend = LLMBackend.OPENAI
        elif llm.ollama_host:
            backend = LLMBackend.OLLAMA
        else:
            backend = LLMBackend.LLAMACPP
    gguf = llm.gguf_path or model_path(MODELS[llm.embedded_model.value], settings.cache_dir)
    return LLMConfig(
        backend=backend.value,
        model=llm.model,
        ollama_host=llm.ollama_host,
        openai_base_url=llm.openai_base_url,
        openai_api_key=llm.openai_api_key.get_secret_value(),
        gguf_path=gguf,
        context_tokens=llm.context_tokens,
        threads=llm.threads,
        max_tokens=llm.max_tokens,
        temperature=llm.temperature,
        timeout_s=llm.timeout_s,
    )


def build_core_banking_client(settings: Settings) -> CoreBankingClient:
    section = settings.core_banking
    return CoreBankingClient(
        CoreBankingConfig(
            base_url=section.base_url,
            token=section.token.get_secret_value() if section.token else None,
            client_cert=section.client_cert,
            client_key=section.client_key,
            ca_bundle=section.ca_bundle,
            timeout_s=section.timeout_s,
            read_retries=section.read_retries,
            breaker_failures=section.breaker_failures,
            breaker_reset_s=section.breaker_reset_s,
        )
    )


def build_embeddings_from(settings: Settings) -> LocalEmbeddings:
    section = settings.embeddings
    return build_embeddings(section.backend.value, section.model_path, section.batch_size)


def build_knowledge_store(settings: Settings, embeddings: LocalEmbeddings) -> KnowledgeStore:
    api_key = settings.qdrant.api_key.get_secret_value() if settings.qdrant.api_key else None
    client = open_client(
        url=settings.qdrant.url,
        path=settings.qdrant_path,
        api_key=api_key,
        timeout_s=settings.qdrant.timeout_s,
    )
    return KnowledgeStore(
        client,
        settings.qdrant.collection,
        embeddings,
        LexicalSparseEmbeddings(),
        mode=StoreMode(settings.retrieval.mode.value),
    )


@dataclass
class Container:
    settings: Settings
    store: SqlConversationStore
    knowledge_store: KnowledgeStore
    embeddings: LocalEmbeddings
    llm: BaseChatModel
    answerer: GroundedAnswerer
    engine: DialogueEngine
    metrics: Metrics
    texts: PromptLibrary
    intents: EmbeddingIntentClassifier | None
    core_banking: CoreBankingClient
    web_tokens: WebTokenVerifier | None
    console: Console
    sweeper: QueueSweeper
    admin: Admin

    async def start(self, *, ingest_dir: Path | None = None) -> None:
        """Migrate the database, load the models, and index the KB if it is empty."""
        await upgrade_database(self.settings.database_url)
        await asyncio.to_thread(self.embeddings.load)
        if self.intents is not None:
            await asyncio.to_thread(self.intents.load)
        store = self.knowledge_store
        await asyncio.to_thread(store.ensure_collection)
        if store.needs_rebuild:
            if ingest_dir is None:
                raise StoreError(
                    f"the knowledge base {store.collection!r} was indexed with another "
                    "embedding model: run `perimeter kb ingest DIR --rebuild`"
                )
            log.info("embedding model changed: rebuilding the index from %s", ingest_dir)
            published = await self.admin.content.published()

            def fill(staging: KnowledgeStore) -> None:
                Ingestor(staging).ingest_dir(ingest_dir)
                self.admin.content.reindex_published(staging, published)

            await asyncio.to_thread(store.rebuild, fill)
        elif ingest_dir is not None and await asyncio.to_thread(store.count) == 0:
            report = await asyncio.to_thread(Ingestor(store).ingest_dir, ingest_dir)
            log.info("indexed %d chunks from %s", report.chunks, ingest_dir)
        load = getattr(self.llm, "load", None)
        if callable(load):
            await asyncio.to_thread(load)

    async def close(self) -> None:
        await self.engine.aclose()
        await self.core_banking.aclose()
        await self.store.close()
        self.knowledge_store.close()
        await close_chat_model(self.llm)


def build_container(settings: Settings) -> Container:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    metrics = Metrics()
    texts = default_library()
    store = SqlConversationStore(create_engine(settings.database_url, echo=settings.database.echo))
    embeddings = build_embeddings_from(settings)
    knowledge_store = build_knowledge_store(settings, embeddings)
    llm = build_chat_model(resolve_llm_config(settings))
    answerer = GroundedAnswerer(
        knowledge_store,
        llm,
        AnswerPolicy(
            top_k=settings.retrieval.top_k,
            min_score=settings.retrieval.min_score,
            context_passages=settings.retrieval.context_passages,
            min_support=settings.retrieval.min_support,
            faq_min_score=settings.retrieval.faq_min_score,
            first_token_timeout_s=settings.llm.first_token_timeout_s,
            total_timeout_s=settings.llm.timeout_s,
        ),
        texts,
    )
    intents = build_intent_classifier(settings, embeddings)
    core_banking = build_core_banking_client(settings)
    engine = DialogueEngine(
        store,
        RagKnowledgeBase(answerer),
        texts,
        EnginePolicy(
            max_message_chars=settings.chat.max_message_chars,
            history_turns=settings.chat.history_turns,
            default_language="en" if settings.chat.default_language == "en" else "ru",
            session_ttl_s=settings.auth.session_ttl_s,
            max_code_failures=settings.auth.max_code_failures,
            handoff=handoff_policy(settings),
            rates=ChannelRates(
                webchat=Rate(settings.chat.rate_messages, settings.chat.rate_window_s),
                telegram=Rate(settings.telegram.flood_messages, settings.telegram.flood_window_s),
            ),
        ),
        observer=metrics,
        intents=intents,
        actions=RasaAccountActions(core_banking),
        authenticator=BankAuthenticator(core_banking),
        summarizer=ModelSummarizer(llm, texts) if settings.operators.model_summary else None,
        callbacks=CrmCallbacks(core_banking),
    )
    secret = settings.auth.web_token_secret
    web_tokens = (
        WebTokenVerifier(
            secret.get_secret_value(),
            store,
            audience=settings.auth.web_token_audience,
            max_age_s=settings.auth.web_token_max_age_s,
        )
        if secret
        else None
    )
    console = build_console(settings, store, knowledge_store, texts, metrics, core_banking)
    sweeper = QueueSweeper(
        console.store,
        console.desk,
        metrics,
        timeout_s=settings.operators.queue_timeout_s,
        interval_s=settings.operators.sweep_interval_s,
        online=lambda: sum(1 for count in console.feed.online.values() if count > 0),
    )
    admin = build_admin(settings, store, knowledge_store, embeddings, console)
    return Container(
        settings,
        store,
        knowledge_store,
        embeddings,
        llm,
        answerer,
        engine,
        metrics,
        texts,
        intents,
        core_banking,
        web_tokens,
        console,
        sweeper,
        admin,
    )


def build_admin(
    settings: Settings,
    store: SqlConversationStore,
    knowledge_store: KnowledgeStore,
    embeddings: LocalEmbeddings,
    console: Console,
) -> Admin:
    questions: list[tuple[str, str]] = []
    if settings.eval_cases_file.is_file():
        try:
            cases = load_cases(settings.eval_cases_file)
        except CaseFileError as exc:
            log.warning("admin preview without test questions: %s", exc)
        else:
            questions = [(case.id, case.messages[-1]) for case in cases]
    content = ContentService(
        SqlContentStore(store.engine),
        knowledge_store,
        embeddings,
        questions=questions,
        min_score=settings.retrieval.min_score,
    )
    return Admin(
        content,
        console.auth,
        GapFinder(store, embeddings),
        secure_cookie=settings.operators.secure_cookie,
    )


def handoff_policy(settings: Settings) -> HandoffPolicy:
    section = settings.operators
    hours = section.hours()
    return HandoffPolicy(
        failed_turns_limit=section.failed_turns_limit,
        reopen_window_s=section.reopen_window_s,
        csat_window_s=section.csat_window_s,
        hours=None if hours.always else hours,
        escalate_complaints=section.escalate_complaints,
        escalate_fraud=section.escalate_fraud,
        summary_timeout_s=section.summary_timeout_s,
    )


def build_console(
    settings: Settings,
    store: SqlConversationStore,
    knowledge_store: KnowledgeStore,
    texts: PromptLibrary,
    metrics: Metrics,
    core_banking: CoreBankingClient,
) -> Console:
    section = settings.operators
    operators = SqlOperatorStore(store.engine)

    async def search(query: str, k: int) -> list[Passage]:
        chunks = await asyncio.to_thread(knowledge_store.search, query, k)
        return [Passage(c.doc_id, c.title, c.text, c.score, c.section, c.lang) for c in chunks]

    desk = OperatorDesk(
        operators,
        store,
        texts,
        ChannelDelivery(),
        metrics,
        profiles=CustomerDirectory(core_banking).profile,
        search=search,
        default_language="en" if settings.chat.default_language == "en" else "ru",
    )
    auth = ConsoleAuth(
        operators,
        session_ttl_s=section.session_ttl_s,
        max_failures=section.max_login_failures,
        lockout_s=section.lockout_s,
    )
    return Console(operators, auth, desk, EventFeed(operators), section.secure_cookie)


def build_intent_classifier(
    settings: Settings, embeddings: LocalEmbeddings
) -> EmbeddingIntentClassifier | None:
    path, chat = settings.intents_file, settings.chat
    if not path.is_file():
        log.warning("no intents file at %s: account questions go to the knowledge base", path)
        return None
    return EmbeddingIntentClassifier(
        load_intent_examples(path),
        embeddings,
        threshold=chat.intent_threshold,
        margin=chat.intent_margin,
        clarify_threshold=min(
            settings.chat.intent_clarify_threshold, settings.chat.intent_threshold
        ),
    )
