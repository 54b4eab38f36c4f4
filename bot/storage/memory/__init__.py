"""Every storage port in memory: the twins of the SQL stores, for fast unit tests.

They share one :class:`MemoryDatabase` the way the SQL stores share one database, so a
handoff the dialogue opens is the one the operators' queue sees. ``tests/contract`` runs each
twin through the same suite as its SQL original.
"""

from bot.storage.memory.content import MemoryContentStore
from bot.storage.memory.conversations import MemoryConversationStore
from bot.storage.memory.database import MemoryDatabase
from bot.storage.memory.feed import MemoryEventLog
from bot.storage.memory.queue import MemoryHandoffQueue
from bot.storage.memory.reports import MemoryReports
from bot.storage.memory.staff import MemoryStaffStore
from bot.storage.memory.telegram import MemoryChatLedger, MemoryTopicMap

__all__ = [
    "MemoryChatLedger",
    "MemoryContentStore",
    "MemoryConversationStore",
    "MemoryDatabase",
    "MemoryEventLog",
    "MemoryHandoffQueue",
    "MemoryReports",
    "MemoryStaffStore",
    "MemoryTopicMap",
]
