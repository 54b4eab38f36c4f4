"""The content workflow's vocabulary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class VersionStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"  # the version the bot answers from
    SUPERSEDED = "superseded"  # published once, replaced by a later publish or rollback
    DISCARDED = "discarded"  # a draft never published before its document was deleted


@dataclass(frozen=True, slots=True)
class KbDocument:
    doc_id: str
    title: str
    kind: str
    lang: str
    published_version: int | None
    latest_version: int
    draft_version: int | None
    deleted: bool
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class KbVersion:
    doc_id: str
    version: int
    filename: str
    status: VersionStatus
    size: int
    content_hash: str
    author: str
    created_at: datetime
    published_at: datetime | None = None
    published_by: str | None = None


@dataclass(frozen=True, slots=True)
class KbAction:
    at: datetime
    actor: str
    action: str
    doc_id: str
    version: int | None
    detail: str | None


@dataclass(frozen=True, slots=True)
class PublishedVersion:
    """A document's published version with its bytes (what an index rebuild reads)."""

    doc_id: str
    version: int
    filename: str
    content: bytes


class PublishConflict(Exception):
    """Someone else published (or rolled back) this document since the editor looked, or is
    publishing it right now."""
