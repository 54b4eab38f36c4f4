"""Errors of the dialogue core.

DialogueError
├── ConversationNotFound      unknown conversation id
├── InvalidMessage            empty or over-long message
├── KnowledgeUnavailable      vector store / embeddings failed
└── ModelUnavailable          the language model failed, timed out or is not loaded
"""

from __future__ import annotations


class DialogueError(Exception):
    """Base of every error the dialogue core raises or expects from its ports."""


class ConversationNotFound(DialogueError):
    def __init__(self, conversation_id: str) -> None:
        super().__init__(f"conversation {conversation_id!r} not found")
        self.conversation_id = conversation_id


class InvalidMessage(DialogueError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class KnowledgeUnavailable(DialogueError):
    """The knowledge base could not be searched."""


class ModelUnavailable(DialogueError):
    """The language model did not produce an answer in time."""
