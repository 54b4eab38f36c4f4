"""dialogue state as a versioned document (DialogueState.to_json) instead of string keys

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28

Old rows hold flat string keys (``login_challenge`` with ``"-"`` for an unknown phone,
``login_failures``, ``pending_action``, ``pending_block_card``, ``choose_card``,
``failed_turns``); new rows hold ``{"version": 1, "pending": …, "failed_turns": n}``. The
conversion is spelled out here, not imported, so this revision keeps meaning what it meant
when the application code moves on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_conversations = sa.table(
    "conversations",
    sa.column("id", sa.String),
    sa.column("state", sa.JSON),
)
_BATCH = 500


def upgrade() -> None:
    _convert(upgraded)


def downgrade() -> None:
    _convert(downgraded)


def _convert(change: Callable[[Any], dict[str, Any]]) -> None:
    """Every conversation's state through ``change``, a batch of rows at a time."""
    connection = op.get_bind()
    last = ""
    while True:
        rows = connection.execute(
            sa.select(_conversations.c.id, _conversations.c.state)
            .where(_conversations.c.id > last, _conversations.c.state.is_not(None))
            .order_by(_conversations.c.id)
            .limit(_BATCH)
        ).all()
        for conversation_id, state in rows:
            connection.execute(
                _conversations.update()
                .where(_conversations.c.id == conversation_id)
                .values(state=change(state))
            )
        if len(rows) < _BATCH:
            return
        last = rows[-1][0]


def upgraded(old: Any) -> dict[str, Any]:
    """The old string-keyed state as a version-1 document (values that do not parse count as
    absent, as the old code would have failed on them)."""
    if not isinstance(old, dict):
        old = {}
    elif old.get("version") == 1:
        return dict(old)  # already converted
    action = _text(old.get("pending_action"))
    challenge = _text(old.get("login_challenge"))
    login: dict[str, Any] | None = None
    if challenge is not None:
        login = {
            "kind": "awaiting_code",
            "challenge_id": None if challenge == "-" else challenge,
            "failures": _count(old.get("login_failures")),
            "then": action,
        }
    elif action is not None:
        login = {"kind": "pending_action", "action": action}
    pending = login
    choose, block = _text(old.get("choose_card")), _text(old.get("pending_block_card"))
    if choose is not None:
        pending = {"kind": "choose_card", "action": choose, "login": login}
    elif block is not None:
        pending = {"kind": "confirm_block", "card_id": block, "login": login}
    return {"version": 1, "pending": pending, "failed_turns": _count(old.get("failed_turns"))}


def downgraded(new: Any) -> dict[str, Any]:
    """A version-1 document as the old string keys (absent keys for absent values)."""
    if not isinstance(new, dict) or new.get("version") != 1:
        return new if isinstance(new, dict) else {}
    old: dict[str, str] = {}
    pending = new.get("pending")
    login = pending.get("login") if isinstance(pending, dict) else None
    if isinstance(pending, dict) and pending.get("kind") == "choose_card":
        old["choose_card"] = str(pending.get("action"))
    elif isinstance(pending, dict) and pending.get("kind") == "confirm_block":
        old["pending_block_card"] = str(pending.get("card_id"))
    else:
        login = pending
    if isinstance(login, dict) and login.get("kind") == "awaiting_code":
        old["login_challenge"] = str(login.get("challenge_id") or "-")
        if login.get("failures"):
            old["login_failures"] = str(login["failures"])
        if login.get("then"):
            old["pending_action"] = str(login["then"])
    elif isinstance(login, dict) and login.get("kind") == "pending_action":
        old["pending_action"] = str(login.get("action"))
    if new.get("failed_turns"):
        old["failed_turns"] = str(new["failed_turns"])
    return old


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _count(value: Any) -> int:
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 0
