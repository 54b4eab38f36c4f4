"""``bot.privacy.ports.PersonalRecords`` in memory (the twin of ``SqlPersonalRecords``)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.privacy.ports import Purged, Retention
from bot.storage.memory.database import MemoryDatabase
from bot.storage.memory.gateway import MemoryGatewayStore
from bot.storage.memory.telegram import MemoryChatLedger


class MemoryPersonalRecords:
    def __init__(
        self, db: MemoryDatabase, chats: MemoryChatLedger, gateway: MemoryGatewayStore
    ) -> None:
        self.db = db
        self._chats = chats
        self._gateway = gateway

    async def customer_conversations(self, customer_id: str) -> list[str]:
        return [
            conversation_id
            for conversation_id, customers in self.db.customers.items()
            if customer_id in customers and conversation_id in self.db.conversations
        ]

    async def delete_conversations(self, conversation_ids: Sequence[str]) -> int:
        gone = {c for c in conversation_ids if c in self.db.conversations}
        db = self.db
        handoffs = {h for h, handoff in db.handoffs.items() if handoff.conversation_id in gone}
        db.events[:] = [e for e in db.events if e.handoff_id not in handoffs]
        for handoff_id in handoffs:
            del db.handoffs[handoff_id]
        for message_id in [m for m, msg in db.messages.items() if msg.conversation_id in gone]:
            del db.messages[message_id]
            db.sealed.pop(message_id, None)
        for conversation_id in gone:
            del db.conversations[conversation_id]
            db.customers.pop(conversation_id, None)
        self._chats.forget_conversations(gone)
        return len(gone)

    async def purge(self, retention: Retention) -> Purged:
        db, before = self.db, retention.conversations_before
        busy = {m.conversation_id for m in db.messages.values() if m.created_at >= before}
        busy |= {h.conversation_id for h in db.handoffs.values() if h.status.open}
        old = [
            c.id for c in db.conversations.values() if c.created_at < before and c.id not in busy
        ]
        conversations = await self.delete_conversations(old)
        kept = [e for e in db.audit if e.at is None or e.at >= retention.audit_before]
        audit = len(db.audit) - len(kept)
        db.audit[:] = kept
        audit += self._gateway.purge_calls(retention.audit_before)
        updates = self._chats.purge_updates(retention.telegram_updates_before)
        return Purged(conversations=conversations, audit_entries=audit, telegram_updates=updates)
