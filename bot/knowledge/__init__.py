"""The bank's documents as the dialogue core's ``KnowledgeBase`` (and the operators'
``KnowledgeSearch``): the real one over ``rag`` and Qdrant, and a fake with scripted outcomes
beside it. ``tests/contract/test_knowledge_base.py`` holds both to one contract.
"""

from bot.knowledge.fake import FakeKnowledgeBase
from bot.knowledge.rag import RagKnowledgeBase

__all__ = ["FakeKnowledgeBase", "RagKnowledgeBase"]
