"""The composition root: the one place where settings become objects, and where the
components that start and stop (models, the database, background services) are run.

Every component is built on first use and kept; an entry point (``perimeter serve``,
``perimeter telegram``, each CLI command) asks for what it needs, then enters
``async with container.running():``, which starts what was built, in dependency order, and
stops it in reverse. A command that only needs the database never loads a model.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from functools import cached_property
from pathlib import Path

from aiogram import Bot
from aiogram.fsm.storage.redis import RedisEventIsolation, RedisStorage
from langchain_core.language_models import BaseChatModel
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.background import Background
from bot.banking import BankAuthenticator, CrmCallbacks, CustomerDirectory, RasaAccountActions
from bot.channels.telegram.app import SharedState
from bot.channels.telegram.assembly import TelegramChannel, assemble, bot_for
from bot.channels.telegram.delivery import TelegramDelivery
from bot.channels.telegram.operators_group import OperatorsGroup
from bot.channels.telegram.webhook import TelegramWebhook
from bot.channels.webchat.api import WebChat
from bot.channels.webchat.hub import ConversationHub
from bot.channels.webchat.page import WidgetPage
from bot.content import api as admin_api
from bot.content.api import Admin
from bot.content.gaps import GapFinder
from bot.content.index import prepare_index
from bot.content.service import ContentService
from bot.content.sync import IndexFollower
from bot.content.workbench import Workbench
from bot.dialogue.engine import ChannelRates, DialogueEngine, EnginePolicy, HandoffPolicy, Rate
from bot.dialogue.login import CodeLimits
from bot.dialogue.ports import ConversationLocks, RateLimiter
from bot.dialogue.rate_limits import MemoryRateLimiter
from bot.evaluation.cases import CaseFileError, load_cases
from bot.gateway.answers import RoutedChatModel
from bot.gateway.keys import KeyRing
from bot.gateway.knowledge import KnowledgeModel
from bot.gateway.models import Zone
from bot.gateway.router import RoutePolicy
from bot.gateway.screening import Screen
from bot.gateway.service import Gateway, GatewayPolicy
from bot.gateway.upstreams import LocalUpstream, OpenAIUpstream, Upstream
from bot.intents import EmbeddingIntentClassifier, load_intent_examples
from bot.knowledge import RagKnowledgeBase
from bot.knowledge.trial import DraftTrial
from bot.lifecycle import Coordinator, Leadership, Lifecycle
from bot.observability.metrics import Metrics
from bot.operators import api as console_api
from bot.operators.api import Console
from bot.operators.assignment import AutoAssigner
from bot.operators.dashboard import Dashboard
from bot.operators.delivery import ChannelDelivery
from bot.operators.desk import OperatorDesk
from bot.operators.export import find_font
from bot.operators.feed import EventFeed
from bot.operators.inbox import Inbox
from bot.operators.ports import Presence, TypingStore
from bot.operators.presence import MemoryPresence
from bot.operators.summary import ModelSummarizer
from bot.operators.sweeper import QueueSweeper
from bot.operators.typing import MemoryTyping, Throttled
from bot.privacy.detector import PiiDetector
from bot.privacy.redactor import PiiRedactor
from bot.privacy.requests import DataSubjectRequests, RetentionDays, RetentionJob
from bot.privacy.sealing import FernetSealer
from bot.privacy.words import NameTagger
from bot.readiness import Readiness
from bot.settings import LLMBackend, Settings
from bot.staff.accounts import DEMO_PASSWORD, StaffDirectory
from bot.staff.auth import StaffAuth
from bot.staff.web import StaffGate, StaffPage
from bot.storage import Stores, create_engine, sql_stores
from bot.storage.coordination import FileCoordinator, PgCoordinator
from bot.storage.database import ping
from bot.storage.migrate import check_schema, upgrade_database
from bot.storage.notices import PgEventNotices
from bot.storage.redis import RedisConversationLocks, RedisPresence, RedisRateLimiter, connect
from bot.storage.redis.typing import RedisTyping
from bot.web_token import WebTokenVerifier
from integrations.core_banking import CoreBankingClient, CoreBankingConfig
from integrations.llm import ChatBackend, LLMConfig, build_chat_backend
from integrations.llm.catalog import MODELS
from integrations.llm.fetch import model_path
from prompts import LANGUAGES, PromptLibrary
from rag.admission import ModelAdmission
from rag.answering import AnswerPolicy, GroundedAnswerer
from rag.cache import AnswerCache, CachePolicy
from rag.embeddings import LocalEmbeddings, build_embeddings
from rag.errors import RagError
from rag.sparse import LexicalSparseEmbeddings
from rag.store import KnowledgeStore, open_client
from rag.vocabulary import Vocabulary

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
    draft = llm.draft_gguf_path or (
        model_path(MODELS[llm.draft_model.value], settings.cache_dir) if llm.draft_model else None
    )
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
        prefix_cache=llm.prefix_cache,
        prefix_cache_mb=llm.prefix_cache_mb,
        speculative=llm.speculative,
        draft_tokens=llm.draft_tokens,
        draft_gguf_path=draft,
        extra_body=llm.openai_extra_body,
        ollama_keep_alive=llm.ollama_keep_alive,
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


class Container:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lifecycle = Lifecycle()
        self._warming = Background()  # the reader's line vectors, after the index is ready

    @asynccontextmanager
    async def running(self) -> AsyncIterator[Container]:
        """Start what was built (migrate, load models, open the index, begin background
        work); stop it all on the way out."""
        async with self._lifecycle.run():
            yield self

    async def warn_if_demo(self) -> None:
        """What a bank must not go live with, said loudly at startup: demo mode, and staff
        accounts that still have the demo password."""
        if self.settings.demo:
            log.warning("demo mode (PERIMETER_DEMO=true): demo tools are on; never in production")
        try:
            names = await self.staff.still_with_password(DEMO_PASSWORD)
        except Exception:
            log.exception("could not check staff accounts for the demo password")
            return
        for name in names:
            log.warning(
                "staff login %s still has the demo password: change it (perimeter staff passwd)"
                " or disable it (perimeter staff disable)",
                name,
            )

    async def prepare_index(self, ingest_dir: Path | None) -> None:
        """Index ``ingest_dir`` into an empty knowledge base, or rebuild it (with the content
        team's published documents) when the embedding model changed: one process at a time,
        so replicas starting together build it once."""
        async with self.coordinator.exclusive("index"):
            await asyncio.to_thread(self.knowledge_store.ensure_collection)  # as built by another
            await prepare_index(self.knowledge_store, self.content, ingest_dir)
        self._warming.start(self._warm_reading())

    async def _warm_reading(self) -> None:
        started = time.perf_counter()
        try:
            added = await self.knowledge.warm()
        except RagError:
            log.exception("could not compute the knowledge base's line vectors ahead")
            return
        log.info("line vectors computed ahead: %d in %.1f s", added, time.perf_counter() - started)

    async def check_database(self) -> None:
        """Raises ``StartupRefused`` unless the database is at this version's schema (on an
        engine of its own: call it before ``running()``, from any event loop)."""
        engine = create_engine(self.settings.database_url)
        try:
            await check_schema(engine)
        finally:
            await engine.dispose()

    async def upgrade_database(self) -> None:
        """Apply the migrations (``perimeter db upgrade``): one process at a time."""
        async with self.coordinator.exclusive("migrate"):
            await upgrade_database(self.settings.database_url)

    # --- infrastructure ----------------------------------------------------------------------

    @cached_property
    def metrics(self) -> Metrics:
        return Metrics()

    @cached_property
    def texts(self) -> PromptLibrary:
        """The bot's texts, with the bank's name and own greeting from the settings."""
        brand = self.settings.brand
        return PromptLibrary(
            bank={lang: brand.name(lang) for lang in LANGUAGES},
            overrides={("greeting", lang): brand.greeting(lang) for lang in LANGUAGES},
        )

    @cached_property
    def database(self) -> AsyncEngine:
        """The database, checked at start to be at this version's schema (only
        ``perimeter db upgrade`` migrates it)."""
        url = self.settings.database_url
        if url.startswith("sqlite+aiosqlite:///"):
            Path(url.removeprefix("sqlite+aiosqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=self.settings.database.echo)

        async def start() -> None:
            try:
                await check_schema(engine)
            except BaseException:
                await engine.dispose()  # a refused start leaves no connection behind
                raise

        self._lifecycle.add("database", start=start, stop=engine.dispose)
        return engine

    @property
    def _postgres(self) -> bool:
        return self.settings.database_url.startswith("postgresql")

    @cached_property
    def coordinator(self) -> Coordinator:
        """Locks and leadership the replicas agree on: PostgreSQL's advisory locks, or lock
        files beside the embedded database."""
        if self._postgres:
            return PgCoordinator(self.database)
        return FileCoordinator(self.settings.data_dir / "locks")

    @cached_property
    def leadership(self) -> Leadership:
        """Duties that run in one process of all replicas."""
        leadership = Leadership(self.coordinator, "background duties")
        self.database  # noqa: B018 - started first: leading needs it
        self._lifecycle.add("leadership", start=leadership.start, stop=leadership.close)
        return leadership

    @cached_property
    def readiness(self) -> Readiness:
        """What ``/readyz`` checks: the database, Redis when configured, the knowledge base's
        collection and the model."""
        database, store, backend = self.database, self.knowledge_store, self.chat_backend
        checks = {
            "database": lambda: ping(database),
            "knowledge_base": lambda: asyncio.to_thread(store.ready),
            "model": backend.ready,
        }
        redis = self.redis
        if redis is not None:
            checks["redis"] = lambda: _ping(redis)
        return Readiness(checks)

    @cached_property
    def redis(self) -> Redis | None:
        """The Redis that replicas share, when configured."""
        url = self.settings.redis.url
        if url is None:
            return None
        client = connect(url.get_secret_value())
        self._lifecycle.add("redis", start=lambda: _ping(client), stop=client.aclose)
        return client

    @cached_property
    def conversation_locks(self) -> ConversationLocks | None:
        """Shared by the replicas with Redis; else the engine's own, in this process."""
        if self.redis is None:
            return None
        return RedisConversationLocks(self.redis, lease_s=self.settings.redis.lock_lease_s)

    @cached_property
    def presence(self) -> Presence:
        if self.redis is None:
            return MemoryPresence()
        return RedisPresence(self.redis, ttl_s=self.settings.redis.presence_ttl_s)

    @cached_property
    def typing(self) -> TypingStore:
        """Who is typing in which conversation (customer, operator), shared like presence."""
        if self.redis is None:
            return Throttled(MemoryTyping())
        return Throttled(RedisTyping(self.redis))

    @cached_property
    def stores(self) -> Stores:
        return sql_stores(self.database)

    @cached_property
    def embeddings(self) -> LocalEmbeddings:
        embeddings = self._new_embeddings()
        self._lifecycle.add("embeddings", start=lambda: asyncio.to_thread(embeddings.load))
        return embeddings

    def _new_embeddings(self) -> LocalEmbeddings:
        section = self.settings.embeddings
        return build_embeddings(section.backend.value, section.model_path, section.batch_size)

    @cached_property
    def knowledge_store(self) -> KnowledgeStore:
        store = self._open_index(self.embeddings)

        async def close() -> None:
            store.close()

        self._lifecycle.add(
            "knowledge store", start=lambda: asyncio.to_thread(store.ensure_collection), stop=close
        )
        return store

    @contextmanager
    def index_reader(self) -> Iterator[KnowledgeStore]:
        """The index opened only to read what it holds: no embedding model is loaded.
        Raises ``StoreLocked`` while a running server holds a local index."""
        store = self._open_index(self._new_embeddings())
        try:
            yield store
        finally:
            store.close()

    def _open_index(self, embeddings: LocalEmbeddings) -> KnowledgeStore:
        settings = self.settings
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
            mode=settings.retrieval.mode,
        )

    @cached_property
    def chat_backend(self) -> ChatBackend:
        backend = build_chat_backend(resolve_llm_config(self.settings))
        self._lifecycle.add(
            "language model", start=lambda: asyncio.to_thread(backend.warm_up), stop=backend.aclose
        )
        return backend

    @cached_property
    def answer_model(self) -> BaseChatModel:
        """What writes the knowledge answers and the summaries: the local model, or the
        gateway's ``answers_upstream`` for what the data rules let go there."""
        section = self.settings.gateway
        name = section.answers_upstream
        local = self.chat_backend.model
        if name is None or name == "local":
            return local
        upstream = next(u for u in section.upstreams if u.name == name)  # settings checked it
        llm = self.settings.llm
        backend = build_chat_backend(
            LLMConfig(
                backend="openai",
                model=upstream.models[0],
                openai_base_url=upstream.base_url,
                openai_api_key=(
                    upstream.api_key.get_secret_value() if upstream.api_key else "not-needed"
                ),
                max_tokens=llm.max_tokens,
                temperature=llm.temperature,
                timeout_s=upstream.timeout_s,
                extra_body=llm.openai_extra_body,
            )
        )
        self._lifecycle.add(f"answers upstream {name}", stop=backend.aclose)
        return RoutedChatModel(
            local=local,
            upstream=backend.model,
            upstream_external=upstream.zone == "external",
            screen=Screen(self.pii_detector),
        )

    @cached_property
    def core_banking(self) -> CoreBankingClient:
        client = build_core_banking_client(self.settings)
        self._lifecycle.add("core banking", stop=client.aclose)
        self.metrics.watch_breaker("core_banking", lambda: client.breaker.state == "open")
        return client

    # --- the dialogue ------------------------------------------------------------------------

    @cached_property
    def knowledge(self) -> RagKnowledgeBase:
        answerer = self._answerer_over(
            self.knowledge_store, cache=self.answer_cache, vocabulary=self.vocabulary
        )
        self._lifecycle.add("line vectors", stop=self._warming.stop)  # stopped before the store
        return RagKnowledgeBase(answerer, self.knowledge_store)

    def _answerer_over(
        self,
        store: KnowledgeStore,
        *,
        cache: AnswerCache | None = None,
        vocabulary: Vocabulary | None = None,
    ) -> GroundedAnswerer:
        """The bot's answerer over ``store``: the live index, or a draft's trial index."""
        retrieval, llm = self.settings.retrieval, self.settings.llm
        return GroundedAnswerer(
            store,
            self.answer_model,
            AnswerPolicy(
                top_k=retrieval.top_k,
                min_score=retrieval.min_score,
                context_passages=retrieval.context_passages,
                min_support=retrieval.min_support,
                faq_min_score=retrieval.faq_min_score,
                min_coverage=retrieval.min_coverage,
                min_line_rank=retrieval.min_line_rank,
                quote_coverage=retrieval.quote_coverage,
                first_token_timeout_s=llm.first_token_timeout_s,
                total_timeout_s=llm.timeout_s,
                # The context less the answer, and room for the chat template's markers.
                prompt_tokens=llm.context_tokens - llm.max_tokens - 64,
            ),
            self.texts,
            admission=self.model_admission,
            count_tokens=self.chat_backend.count_tokens,
            cache=cache,
            observer=self.metrics,
            vocabulary=vocabulary,
        )

    @cached_property
    def draft_trial(self) -> DraftTrial:
        """«Ask as a customer» against a draft in the admin."""
        return DraftTrial(
            self.knowledge_store,
            self.embeddings,
            self._answerer_over,
            top_k=self.settings.retrieval.top_k,
        )

    @cached_property
    def vocabulary(self) -> Vocabulary:
        """The terms of the knowledge base's lines, for the FAQ's and the cache's matches."""
        vocabulary = Vocabulary(self.knowledge_store.texts)
        self.knowledge_store.on_change(vocabulary.invalidate)
        return vocabulary

    @cached_property
    def answer_cache(self) -> AnswerCache | None:
        section = self.settings.answer_cache
        if not section.enabled:
            return None
        store = self.knowledge_store
        cache = AnswerCache(
            store.query_vector,
            store.document_version,
            self.vocabulary,
            CachePolicy(section.min_similarity, section.ttl_s, section.max_entries),
            observer=self.metrics,
        )
        store.on_change(cache.invalidate)  # a publish, rollback or rebuild here
        return cache

    @cached_property
    def model_admission(self) -> ModelAdmission:
        """The one queue in front of the model, for answers and summaries alike."""
        llm = self.settings.llm
        return ModelAdmission(
            running=llm.max_running,
            waiting=llm.max_waiting,
            observer=self.metrics,
            # A wait that would outlast the answer's first-token budget is refused at once:
            # the customer reaches an operator now instead of after a timeout.
            max_wait_s=llm.first_token_timeout_s,
        )

    @cached_property
    def intents(self) -> EmbeddingIntentClassifier | None:
        settings = self.settings
        path, chat = settings.intents_file, settings.chat
        if not path.is_file():
            log.warning("no intents file at %s: account questions go to the knowledge base", path)
            return None
        classifier = EmbeddingIntentClassifier(
            load_intent_examples(path),
            self.embeddings,
            threshold=chat.intent_threshold,
            margin=chat.intent_margin,
            clarify_threshold=min(chat.intent_clarify_threshold, chat.intent_threshold),
        )
        self._lifecycle.add("intents", start=lambda: asyncio.to_thread(classifier.load))
        return classifier

    @cached_property
    def engine(self) -> DialogueEngine:
        settings = self.settings
        core = self.core_banking
        summarizer = (
            ModelSummarizer(self.answer_model, self.texts, admission=self.model_admission)
            if settings.operators.model_summary
            else None
        )
        engine = DialogueEngine(
            self.stores.conversations,
            self.knowledge,
            self.texts,
            EnginePolicy(
                max_message_chars=settings.chat.max_message_chars,
                history_turns=settings.chat.history_turns,
                default_language=settings.chat.default_language,
                session_ttl_s=settings.auth.session_ttl_s,
                max_code_failures=settings.auth.max_code_failures,
                codes=CodeLimits(
                    interval_s=settings.auth.code_interval_s,
                    per_phone=Rate(settings.auth.codes_per_phone, settings.auth.codes_window_s),
                    checks_per_phone=Rate(
                        settings.auth.code_checks_per_phone, settings.auth.codes_window_s
                    ),
                    per_conversation=Rate(
                        settings.auth.codes_per_conversation, settings.auth.codes_window_s
                    ),
                    reply_min_s=settings.auth.code_reply_min_s,
                ),
                handoff=handoff_policy(settings),
                rates=ChannelRates(
                    webchat=Rate(settings.chat.rate_messages, settings.chat.rate_window_s),
                    telegram=Rate(
                        settings.telegram.flood_messages, settings.telegram.flood_window_s
                    ),
                ),
            ),
            observer=self.metrics,
            intents=self.intents,
            actions=RasaAccountActions(core),
            authenticator=BankAuthenticator(core),
            summarizer=summarizer,
            callbacks=CrmCallbacks(core),
            limiter=self.rate_limiter,
            redactor=self.redactor,
            sealer=self.sealer,
            locks=self.conversation_locks,
        )
        grace = settings.http.shutdown_grace_s
        self._lifecycle.add("dialogue engine", stop=lambda: engine.aclose(grace))
        return engine

    @cached_property
    def pii_detector(self) -> PiiDetector:
        return PiiDetector(names=NameTagger() if self.settings.privacy.names else None)

    @cached_property
    def redactor(self) -> PiiRedactor:
        """Personal data out of everything stored or sent to staff, counted by kind."""
        metrics = self.metrics
        return PiiRedactor(
            self.pii_detector, on_found=lambda kind: metrics.pii_redacted.labels(kind).inc()
        )

    @cached_property
    def sealer(self) -> FernetSealer | None:
        """Keeps redacted customer messages as typed too, encrypted, when a key is set."""
        key = self.settings.privacy.raw_text_key
        return FernetSealer(key.get_secret_value()) if key is not None else None

    @cached_property
    def data_subject_requests(self) -> DataSubjectRequests:
        section = self.settings.privacy
        return DataSubjectRequests(
            self.stores.privacy,
            self.stores.conversations,
            RetentionDays(
                conversations=section.conversation_days,
                audit=section.audit_days,
                telegram_updates=section.telegram_update_days,
            ),
            opener=self.sealer,
        )

    @cached_property
    def retention_job(self) -> RetentionJob:
        job = RetentionJob(self.data_subject_requests, self.settings.privacy.purge_interval_s)

        async def start() -> None:
            job.start()

        self.leadership.add("retention purge", start=start, stop=job.close)
        return job

    @cached_property
    def rate_limiter(self) -> RateLimiter:
        """One limiter for every per-conversation and per-address rate, and Telegram's
        outbound budget: in Redis when the replicas share one, else in this process."""
        url = self.settings.redis.url
        if url is None:
            return MemoryRateLimiter()
        assert self.redis is not None
        return RedisRateLimiter(self.redis, url.get_secret_value())

    @cached_property
    def web_tokens(self) -> WebTokenVerifier | None:
        auth = self.settings.auth
        if auth.web_token_secret is None:
            return None
        return WebTokenVerifier(
            auth.web_token_secret.get_secret_value(),
            self.stores.conversations,
            audience=auth.web_token_audience,
            max_age_s=auth.web_token_max_age_s,
        )

    # --- staff ---------------------------------------------------------------------------------

    @cached_property
    def staff_auth(self) -> StaffAuth:
        section = self.settings.staff
        return StaffAuth(
            self.stores.staff_accounts,
            self.stores.staff_sessions,
            session_ttl_s=section.session_ttl_s,
            idle_timeout_s=section.idle_timeout_s,
            max_failures=section.max_login_failures,
            lockout_s=section.lockout_s,
            limiter=self.rate_limiter,
            address_rate=Rate(section.logins_per_address, section.logins_window_s),
        )

    @cached_property
    def staff(self) -> StaffDirectory:
        return StaffDirectory(self.stores.staff_accounts, self.stores.staff_sessions)

    def staff_gate(self, page: StaffPage) -> StaffGate:
        return StaffGate(page, self.staff_auth, secure_cookie=self.settings.staff.secure_cookie)

    # --- operators -----------------------------------------------------------------------------

    @cached_property
    def delivery(self) -> ChannelDelivery:
        """Where an operator's reply goes; Telegram registers itself when it is built (the web
        chat follows the feed itself)."""
        return ChannelDelivery()

    @cached_property
    def desk(self) -> OperatorDesk:
        stores = self.stores
        return OperatorDesk(
            stores.queue,
            stores.conversations,
            stores.staff_accounts,
            self.texts,
            self.delivery,
            self.metrics,
            profiles=CustomerDirectory(self.core_banking),
            search=self.knowledge,
            default_language=self.settings.chat.default_language,
            max_reply_chars=self.settings.chat.max_message_chars,
        )

    @cached_property
    def feed(self) -> EventFeed:
        notices = PgEventNotices(self.database) if self._postgres else None
        feed = EventFeed(self.stores.events, notices=notices)
        self._lifecycle.add("operators' feed", start=feed.start, stop=feed.close)
        return feed

    @cached_property
    def console(self) -> Console:
        return Console(
            self.desk,
            self.feed,
            self.stores.events,
            self.stores.queue,
            self.staff_gate(console_api.PAGE),
            self.presence,
            Dashboard(self.stores.reports, self.gaps),
            Inbox(self.stores.inbox, self.stores.conversations, self.desk),
            find_font(self.settings.operators.pdf_font),
            self.typing,
        )

    @property
    def _assigner(self) -> AutoAssigner:
        stores = self.stores
        return AutoAssigner(stores.queue, stores.staff_accounts, self.presence, self.desk)

    @cached_property
    def sweeper(self) -> QueueSweeper:
        section = self.settings.operators
        sweeper = QueueSweeper(
            self.stores.queue,
            self.stores.conversations,
            self.stores.reports,
            self.desk,
            self.metrics,
            timeout_s=section.queue_timeout_s,
            interval_s=section.sweep_interval_s,
            presence=self.presence,
            assigner=(
                AutoAssigner(
                    self.stores.queue, self.stores.staff_accounts, self.presence, self.desk
                )
                if section.auto_assign
                else None
            ),
        )

        async def start() -> None:
            sweeper.start()

        self.leadership.add("queue sweeper", start=start, stop=sweeper.close)
        return sweeper

    # --- the content team ----------------------------------------------------------------------

    def _content_service(
        self, knowledge: KnowledgeStore | None, embeddings: LocalEmbeddings
    ) -> ContentService:
        questions: list[tuple[str, str]] = []
        cases_file = self.settings.eval_cases_file
        if cases_file.is_file():
            try:
                cases = load_cases(cases_file)
            except CaseFileError as exc:
                log.warning("admin preview without test questions: %s", exc)
            else:
                questions = [(case.id, case.messages[-1]) for case in cases]
        return ContentService(
            self.stores.content,
            knowledge,
            embeddings,
            questions=questions,
            min_score=self.settings.retrieval.min_score,
            two_person_publish=self.settings.content.two_person_publish,
        )

    @cached_property
    def content(self) -> ContentService:
        """The content workflow with the index: publish, roll back, delete, preview."""
        return self._content_service(self.knowledge_store, self.embeddings)

    @cached_property
    def index_follower(self) -> IndexFollower | None:
        """With an index of its own (Qdrant local mode), this process follows what the others
        publish; a Qdrant server is one index for all, written once per publish."""
        if self.settings.qdrant.url is not None:
            return None
        follower = IndexFollower(self.content, self.settings.content.sync_interval_s)
        self._lifecycle.add("index follower", start=follower.start, stop=follower.close)
        return follower

    @cached_property
    def content_records(self) -> ContentService:
        """The content workflow without opening the index (a running server may hold a local
        one) nor warming the embedding model: list, upload, history."""
        return self._content_service(None, self._new_embeddings())

    @cached_property
    def gaps(self) -> GapFinder:
        return GapFinder(self.stores.unanswered, self.embeddings)

    @cached_property
    def admin(self) -> Admin:
        return Admin(
            self.content,
            self.gaps,
            self.staff_gate(admin_api.PAGE),
            Workbench(self.content, self.draft_trial, self.settings.kb_dir),
        )

    # --- the gateway -------------------------------------------------------------------------

    @cached_property
    def gateway_keys(self) -> KeyRing:
        return KeyRing(self.stores.gateway_keys)

    @cached_property
    def upstreams(self) -> list[Upstream]:
        """The local model first, then the servers the settings name."""
        settings = self.settings
        config = resolve_llm_config(settings)
        local_name = (
            settings.llm.embedded_model.value if config.backend == "llamacpp" else config.model
        )
        backend = self.chat_backend
        found: list[Upstream] = [
            LocalUpstream(
                backend.model,
                self.model_admission,
                backend.count_tokens,
                backend.call_options,
                model_name=local_name,
                context_tokens=settings.llm.context_tokens,
                max_tokens=settings.llm.max_tokens,
                max_waiting=settings.gateway.local_max_waiting,
            )
        ]
        for upstream in settings.gateway.upstreams:
            remote = OpenAIUpstream(
                upstream.name,
                upstream.base_url,
                zone=Zone(upstream.zone),
                models=tuple(upstream.models),
                context_tokens=upstream.context_tokens,
                api_key=upstream.api_key.get_secret_value() if upstream.api_key else None,
                timeout_s=upstream.timeout_s,
                max_concurrent=upstream.max_concurrent,
            )
            self._lifecycle.add(f"upstream {upstream.name}", stop=remote.aclose)
            found.append(remote)
        return found

    @cached_property
    def gateway(self) -> Gateway:
        section = self.settings.gateway
        return Gateway(
            self.gateway_keys,
            self.stores.gateway_calls,
            Screen(self.pii_detector),
            self.upstreams,
            self.rate_limiter,
            GatewayPolicy(
                RoutePolicy(
                    allow_external=section.allow_external,
                    redact_for_external=section.redact_for_external,
                    fallback=section.fallback,
                ),
                max_messages=section.max_messages,
                max_request_chars=section.max_request_chars,
                default_max_tokens=section.default_max_tokens,
                max_completion_tokens=section.max_completion_tokens,
                retry_after_s=section.retry_after_s,
            ),
            knowledge=KnowledgeModel(self.knowledge, self.settings.chat.default_language),
            embedder=self.embeddings,
            observer=self.metrics,
        )

    # --- channels ------------------------------------------------------------------------------

    @cached_property
    def web_chat(self) -> WebChat:
        hub = ConversationHub(self.stores.events, self.stores.conversations, self.feed)
        self._lifecycle.add("web chat hub", start=hub.start, stop=hub.close)
        chat = self.settings.chat
        return WebChat(
            engine=self.engine,
            hub=hub,
            texts=self.texts,
            metrics=self.metrics,
            web_tokens=self.web_tokens,
            max_message_chars=chat.max_message_chars,
            max_frame_bytes=chat.max_frame_bytes,
            default_language=chat.default_language,
            wake_operators=self.feed.poke,
            limiter=self.rate_limiter,
            conversation_rate=Rate(chat.rate_conversations, chat.rate_conversations_window_s),
            page=WidgetPage(self.settings.brand, tuple(chat.embed_origins), self.texts),
            typing=self.typing,
        )

    def telegram(self, token: str) -> TelegramChannel:
        """The Telegram bot, its dispatcher and, when configured, the operators' group."""
        settings = self.settings
        group_id = settings.operators.telegram_group_id
        channel = assemble(
            settings.telegram,
            token,
            engine=self.engine,
            chats=self.stores.chats,
            texts=self.texts,
            operators_group=None if group_id is None else self._operators_group(group_id),
            limiter=self.rate_limiter,
            shared=self._telegram_shared_state(),
        )
        self.delivery.register("telegram", TelegramDelivery(channel.bot, channel.chats))
        self._lifecycle.add("telegram bot", stop=channel.bot.session.close)
        if channel.group is not None:
            group = channel.group
            self._lifecycle.add("operators' group", start=group.start, stop=group.close)
        return channel

    @cached_property
    def telegram_sender(self) -> Bot | None:
        """With a Telegram token, the web app reaches Telegram customers: through the webhook's
        bot when it serves the webhook, else through a bot of its own (polling runs in
        ``perimeter telegram``)."""
        section = self.settings.telegram
        if section.token is None:
            return None
        if self.telegram_webhook is not None:
            return self.telegram_webhook.bot
        bot = bot_for(section, section.token.get_secret_value(), self.rate_limiter)
        self.delivery.register("telegram", TelegramDelivery(bot, self.stores.chats))
        self._lifecycle.add("telegram sender", stop=bot.session.close)
        return bot

    def _telegram_shared_state(self) -> SharedState | None:
        """aiogram's FSM storage and per-chat event isolation in the shared Redis."""
        if self.redis is None:
            return None
        return SharedState(RedisStorage(self.redis), RedisEventIsolation(self.redis))

    def _operators_group(self, group_id: int) -> Callable[[Bot], OperatorsGroup]:
        stores, desk, feed, texts = self.stores, self.desk, self.feed, self.texts

        def build(bot: Bot) -> OperatorsGroup:
            return OperatorsGroup(
                bot,
                events=stores.events,
                queue=stores.queue,
                topics=stores.topics,
                messages=stores.conversations,
                desk=desk,
                feed=feed,
                texts=texts,
                group_id=group_id,
                redactor=self.redactor,
            )

        return build

    @cached_property
    def telegram_webhook(self) -> TelegramWebhook | None:
        """Telegram's webhook in the web app, when a token and a webhook secret are set."""
        section = self.settings.telegram
        if section.token is None or section.webhook_secret is None:
            return None
        channel = self.telegram(section.token.get_secret_value())
        webhook = TelegramWebhook(
            channel.bot,
            channel.dispatcher,
            channel.chats,
            section.webhook_secret.get_secret_value(),
            grace_s=self.settings.http.shutdown_grace_s,
        )
        url = section.webhook_url

        async def register() -> None:
            if url:
                await webhook.register(url)

        self._lifecycle.add("telegram webhook", start=register, stop=webhook.close)

        async def take_over() -> None:
            webhook.start_taking_over(section.resume_after_s, every_s=section.resume_after_s / 3)

        self.leadership.add("telegram take-over", start=take_over, stop=webhook.stop_taking_over)
        return webhook


async def _ping(client: Redis) -> None:
    await client.ping()


def build_container(settings: Settings) -> Container:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return Container(settings)
