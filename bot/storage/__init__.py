"""Conversation storage: SQLAlchemy 2 async (SQLite or PostgreSQL), Alembic migrations."""

from bot.storage.memory import MemoryConversationStore
from bot.storage.migrate import upgrade_database
from bot.storage.store import SqlConversationStore, create_engine

__all__ = ["MemoryConversationStore", "SqlConversationStore", "create_engine", "upgrade_database"]
