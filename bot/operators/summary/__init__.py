"""The operator's summary of a conversation as the dialogue core's ``Summarizer``: written by
the local model (any LangChain chat model), or scripted by a fake beside it."""

from bot.operators.summary.fake import FakeSummarizer
from bot.operators.summary.model import ModelSummarizer

__all__ = ["FakeSummarizer", "ModelSummarizer"]
