"""Request and response models of the web chat (one naming family)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from bot.dialogue.models import Reply, SourceRef, StoredMessage


class SourcePublic(BaseModel):
    id: str
    title: str
    section: str | None = None
    url: str | None = Field(
        None, description="The document on the bank's site (http or https), when it has one."
    )

    @classmethod
    def of(cls, source: SourceRef) -> SourcePublic:
        return cls(id=source.doc_id, title=source.title, section=source.section, url=source.url)


class MessagePublic(BaseModel):
    id: str
    role: str
    text: str
    route: str | None = None
    sources: list[SourcePublic] = []
    created_at: datetime
    author: str | None = None  # the operator's name on an operator's message
    feedback: bool | None = Field(
        None, description="The customer's rating of this bot reply: true 👍, false 👎."
    )

    @classmethod
    def of(cls, message: StoredMessage) -> MessagePublic:
        return cls(
            id=message.id,
            role=message.role.value,
            text=message.text,
            route=message.route.value if message.route else None,
            sources=[SourcePublic.of(s) for s in message.sources],
            created_at=message.created_at,
            author=message.author,
            feedback=message.feedback,
        )


class ConversationOut(BaseModel):
    conversation_id: str
    token: str | None = Field(
        None,
        description="The conversation's secret, only when it was created: send it as "
        "`Authorization: Bearer <token>` on every call, and keep it out of URLs.",
    )
    authenticated: bool = False
    messages: list[MessagePublic] = []


class ButtonPublic(BaseModel):
    title: str
    payload: str = Field(description="Sent as the customer's next message when pressed.")


class TokenIn(BaseModel):
    token: str = Field(description="The bank's signed web token (JWT HS256).", max_length=4096)


class FeedbackIn(BaseModel):
    """The customer's 👍 (true) or 👎 (false) on one of the bot's replies."""

    helpful: bool = Field(description="true: the reply helped; false: it did not.")


class AuthOut(BaseModel):
    authenticated: bool
    expires_at: datetime | None = None


class TurnOut(BaseModel):
    """The outcome of one customer message: its id and the bot's reply."""

    message_id: str = Field(description="Id of the stored customer message.")
    reply_id: str | None
    text: str
    route: str
    handoff: bool
    action: str | None = None
    authenticated: bool = False
    sources: list[SourcePublic]
    buttons: list[ButtonPublic] = []
    cached: bool = Field(
        default=False, description="An earlier answer to the same question, given again."
    )

    @classmethod
    def of(cls, message_id: str, reply: Reply) -> TurnOut:
        return cls(
            message_id=message_id,
            reply_id=reply.message_id,
            text=reply.text,
            route=reply.route.value,
            handoff=reply.handoff is not None,
            action=reply.action,
            authenticated=reply.authenticated,
            sources=[SourcePublic.of(s) for s in reply.sources],
            buttons=[ButtonPublic(title=b.title, payload=b.payload) for b in reply.buttons],
            cached=reply.cached,
        )


class TypingOut(BaseModel):
    operator_typing: bool = Field(description="An operator is typing a reply (the last 5 s).")
