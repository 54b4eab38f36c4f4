"""ORM tables (SQLAlchemy 2). Rows never leave ``bot.storage``: the stores map them.

Times are stored with their zone and always read back as aware UTC (``UtcDateTime``): SQLite
keeps no zone, PostgreSQL does.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """``DateTime(timezone=True)`` that never hands back a naive datetime."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    pass


class ConversationRow(Base):
    __tablename__ = "conversations"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    lang: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    customer_id: Mapped[str | None] = mapped_column(String(64), index=True)
    authenticated_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    auth_method: Mapped[str | None] = mapped_column(String(16))
    state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # DialogueState.to_json()
    authenticated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    secret_digest: Mapped[str | None] = mapped_column(String(64))  # sha256 of the web secret


class MessageRow(Base):
    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    route: Mapped[str | None] = mapped_column(String(32))
    sources: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    feedback: Mapped[int | None] = mapped_column(Integer)  # +1 / -1 from the customer
    answered_by: Mapped[str | None] = mapped_column(String(16))  # a bot answer: Reply.answered_by
    author: Mapped[str | None] = mapped_column(String(128))  # operator messages: who wrote it
    # Quick replies under a notice sent outside a turn (rate the operator, request a callback)
    buttons: Mapped[list[dict[str, str]] | None] = mapped_column(JSON)


class SealedMessageRow(Base):
    """A customer message as typed, encrypted (``privacy.raw_text_key``); only with it on."""

    __tablename__ = "sealed_messages"

    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    conversation_id: Mapped[str] = mapped_column(String(64), index=True)
    sealed: Mapped[str] = mapped_column(Text)


class HandoffRow(Base):
    """A conversation handed to people: queued → assigned → active → resolved."""

    __tablename__ = "handoff_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(String(32), index=True)
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    priority: Mapped[str] = mapped_column(String(8), default="normal")
    summary: Mapped[str] = mapped_column(Text)
    summary_source: Mapped[str] = mapped_column(String(16), default="extractive")
    trigger_message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"))
    passages: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    operator: Mapped[str | None] = mapped_column(String(64), index=True)
    assigned_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    first_reply_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    resolution: Mapped[str | None] = mapped_column(String(16))
    callback_offered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    ticket_id: Mapped[str | None] = mapped_column(String(64))
    csat: Mapped[int | None] = mapped_column(Integer)
    telegram_topic_id: Mapped[int | None] = mapped_column(BigInteger)


class CannedResponseRow(Base):
    """A canned reply the operators insert by its shortcut."""

    __tablename__ = "canned_responses"
    __table_args__ = (UniqueConstraint("shortcut", "lang"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    shortcut: Mapped[str] = mapped_column(String(32))
    lang: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(120))
    text: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class HandoffNoteRow(Base):
    """A private note on a handoff; erased with it (and with its conversation)."""

    __tablename__ = "handoff_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    handoff_id: Mapped[int] = mapped_column(
        ForeignKey("handoff_requests.id", ondelete="CASCADE"), index=True
    )
    author: Mapped[str] = mapped_column(String(64))
    author_name: Mapped[str] = mapped_column(String(128))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class HandoffEventRow(Base):
    """What operators must see, in commit order; ``actor`` records who did it."""

    __tablename__ = "handoff_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    kind: Mapped[str] = mapped_column(String(24))
    handoff_id: Mapped[int] = mapped_column(
        ForeignKey("handoff_requests.id", ondelete="CASCADE"), index=True
    )
    conversation_id: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[int | None] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(64))  # bot | customer | system | operator login


class StaffMemberRow(Base):
    """A staff account (operator, supervisor, editor); the table kept its first name."""

    __tablename__ = "operators"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(16))  # operator | supervisor | editor
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class StaffSessionRow(Base):
    """A staff page login; only the SHA-256 of the cookie's token is stored."""

    __tablename__ = "operator_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    operator_id: Mapped[int] = mapped_column(
        ForeignKey("operators.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class AuditRow(Base):
    """Every call to the bank's core systems. No foreign key: the audit outlives transcripts."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    conversation_id: Mapped[str] = mapped_column(String(64), index=True)
    customer_id: Mapped[str | None] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(32))
    outcome: Mapped[str] = mapped_column(String(40))
    latency_ms: Mapped[float] = mapped_column(Float)


class ConversationCustomerRow(Base):
    """Every customer ever authenticated in a conversation: a logout clears the
    conversation's customer, not this, so a data-subject request finds all of theirs."""

    __tablename__ = "conversation_customers"

    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    )
    customer_id: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
    first_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class UsedTokenRow(Base):
    """Ids of the bank's one-time web tokens already used (replay protection)."""

    __tablename__ = "used_web_tokens"

    token_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class TelegramChatRow(Base):
    """Which conversation a Telegram chat is in (one at a time; /start keeps it)."""

    __tablename__ = "telegram_chats"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class TelegramUpdateRow(Base):
    """Every update, stored before it is handled: a repeated ``update_id`` is ignored."""

    __tablename__ = "telegram_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    status: Mapped[str] = mapped_column(String(16), index=True)  # received | answered | done
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The reply as rendered for Telegram, stored before it is sent: after a restart it is
    # sent from here instead of asking the engine (and the model) again.
    reply: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class KbDocumentRow(Base):
    """A knowledge-base document managed by the content team; which version the bot uses."""

    __tablename__ = "kb_documents"

    doc_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(16))
    lang: Mapped[str] = mapped_column(String(8))
    published_version: Mapped[int | None] = mapped_column(Integer)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    # A publish in progress (claimed in one short transaction, the index written outside it)
    publishing_by: Mapped[str | None] = mapped_column(String(64))
    publishing_since: Mapped[datetime | None] = mapped_column(UtcDateTime())


class KbVersionRow(Base):
    """Every uploaded or edited version, kept: drafts, the published one, earlier ones."""

    __tablename__ = "kb_versions"
    __table_args__ = (UniqueConstraint("doc_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    doc_id: Mapped[str] = mapped_column(
        ForeignKey("kb_documents.doc_id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(300))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    content_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))  # draft | published | superseded | discarded
    author: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    published_by: Mapped[str | None] = mapped_column(String(64))


class KbActionRow(Base):
    """Who did what to the knowledge base, and when."""

    __tablename__ = "kb_actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16))  # upload | edit | publish | rollback | delete
    doc_id: Mapped[str] = mapped_column(String(128), index=True)
    version: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str | None] = mapped_column(Text)


class GatewayKeyRow(Base):
    """A client system's gateway key: its hash, never the key. A name is unique among the
    active keys only (the store checks it), so a revoked key's name can be given again."""

    __tablename__ = "gateway_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    key_hash: Mapped[str] = mapped_column(String(128), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    models: Mapped[str] = mapped_column(Text)  # a JSON list of model names
    requests_per_minute: Mapped[int] = mapped_column(Integer)
    tokens_per_day: Mapped[int] = mapped_column(Integer)
    capabilities: Mapped[str] = mapped_column(Text)  # a JSON list of Capability values
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class GatewayCallRow(Base):
    """One call to the gateway: counts and names, never a message's text. No foreign key:
    the audit outlives the key."""

    __tablename__ = "gateway_calls"
    __table_args__ = (Index("ix_gateway_calls_key_name_at", "key_name", "at"),)

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
    )
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    key_name: Mapped[str] = mapped_column(String(64))
    endpoint: Mapped[str] = mapped_column(String(16))
    model: Mapped[str] = mapped_column(String(128))
    upstream: Mapped[str] = mapped_column(String(64))
    upstream_model: Mapped[str] = mapped_column(String(128))
    reason: Mapped[str] = mapped_column(String(128))
    status: Mapped[int] = mapped_column(Integer)
    prompt_tokens: Mapped[int] = mapped_column(Integer)
    completion_tokens: Mapped[int] = mapped_column(Integer)
    latency_ms: Mapped[int] = mapped_column(Integer)
    pii: Mapped[str] = mapped_column(Text)  # a JSON object: kind -> count
    stream: Mapped[bool] = mapped_column(Boolean)
