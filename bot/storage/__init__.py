"""Storage: every feature's ports implemented in SQL (SQLAlchemy 2 async; a SQLite file
embedded, PostgreSQL in production; Alembic migrations), each with an in-memory twin.

Only the composition root (``bot.container``) and storage itself import this package; the
features speak to their own Protocols. By concern:

- ``conversations`` + ``handoffs``: the dialogue's ``ConversationStore`` (and its handoff log);
- ``queue``, ``feed``, ``reports``: the operators' ``HandoffQueue``, ``EventLog``, ``Reports``
  (``reports`` is also the content team's ``UnansweredQuestions``); ``inbox``: their canned
  responses, private notes and the search of past conversations;
- ``staff``: ``StaffAccounts`` and ``StaffSessions``;
- ``content``: the content workflow's ``ContentStore``;
- ``telegram``: the Telegram channel's ``ChatLedger`` and ``TopicMap``;
- ``gateway``: the gateway's ``GatewayKeys`` and ``GatewayCalls`` (its clients' keys and the
  audit of their calls);
- ``memory/``: the same, in memory; ``tables``, ``mapping``, ``migrations``: the schema
  (``migrate`` applies it, and every process checks it at start);
- ``coordination``: the ``Coordinator`` replicas agree through (advisory locks, a leader);
  ``notices``: PostgreSQL's push of new operator events;
- ``redis/``: what replicas share in Redis (conversation queues, rate windows, presence).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.channels.telegram.ports import ChatLedger, TopicMap
from bot.content.ports import ContentStore, UnansweredQuestions
from bot.dialogue.ports import ConversationStore
from bot.gateway.ports import GatewayCalls, GatewayKeys
from bot.operators.ports import EventLog, HandoffQueue, InboxStore, Reports, Transcripts
from bot.privacy.ports import PersonalRecords
from bot.staff.ports import StaffAccounts, StaffSessions
from bot.storage.content import SqlContentStore
from bot.storage.conversations import SqlConversationStore
from bot.storage.database import create_engine
from bot.storage.feed import SqlEventLog
from bot.storage.gateway import SqlGatewayStore
from bot.storage.inbox import SqlInbox
from bot.storage.memory import (
    MemoryChatLedger,
    MemoryContentStore,
    MemoryConversationStore,
    MemoryDatabase,
    MemoryEventLog,
    MemoryHandoffQueue,
    MemoryReports,
    MemoryStaffStore,
    MemoryTopicMap,
)
from bot.storage.memory.gateway import MemoryGatewayStore
from bot.storage.memory.inbox import MemoryInbox
from bot.storage.memory.privacy import MemoryPersonalRecords
from bot.storage.migrate import upgrade_database
from bot.storage.privacy import SqlPersonalRecords
from bot.storage.queue import SqlHandoffQueue
from bot.storage.reports import SqlReports
from bot.storage.staff import SqlStaffStore
from bot.storage.telegram import SqlChatLedger, SqlTopicMap


class ConversationRecords(ConversationStore, Transcripts, Protocol):
    """What the conversation stores are: the dialogue's store and what people read of it."""


@dataclass(frozen=True, slots=True)
class Stores:
    """One of each port, over one database."""

    conversations: ConversationRecords
    queue: HandoffQueue
    events: EventLog
    reports: Reports
    unanswered: UnansweredQuestions
    staff_accounts: StaffAccounts
    staff_sessions: StaffSessions
    content: ContentStore
    chats: ChatLedger
    topics: TopicMap
    privacy: PersonalRecords
    inbox: InboxStore
    gateway_keys: GatewayKeys
    gateway_calls: GatewayCalls


def sql_stores(engine: AsyncEngine) -> Stores:
    reports, staff = SqlReports(engine), SqlStaffStore(engine)
    gateway = SqlGatewayStore(engine)
    return Stores(
        conversations=SqlConversationStore(engine),
        queue=SqlHandoffQueue(engine),
        events=SqlEventLog(engine),
        reports=reports,
        unanswered=reports,
        staff_accounts=staff,
        staff_sessions=staff,
        content=SqlContentStore(engine),
        chats=SqlChatLedger(engine),
        topics=SqlTopicMap(engine),
        privacy=SqlPersonalRecords(engine),
        inbox=SqlInbox(engine),
        gateway_keys=gateway,
        gateway_calls=gateway,
    )


def memory_stores(db: MemoryDatabase | None = None) -> Stores:
    db = db or MemoryDatabase()
    reports, staff, chats = MemoryReports(db), MemoryStaffStore(), MemoryChatLedger()
    gateway = MemoryGatewayStore()
    return Stores(
        conversations=MemoryConversationStore(db),
        queue=MemoryHandoffQueue(db),
        events=MemoryEventLog(db),
        reports=reports,
        unanswered=reports,
        staff_accounts=staff,
        staff_sessions=staff,
        content=MemoryContentStore(),
        chats=chats,
        topics=MemoryTopicMap(db),
        privacy=MemoryPersonalRecords(db, chats, gateway),
        inbox=MemoryInbox(db),
        gateway_keys=gateway,
        gateway_calls=gateway,
    )


__all__ = [
    "ConversationRecords",
    "MemoryConversationStore",
    "MemoryDatabase",
    "SqlConversationStore",
    "Stores",
    "create_engine",
    "memory_stores",
    "sql_stores",
    "upgrade_database",
]
