"""operators: handoff lifecycle, events, operator accounts and sessions, operator messages

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("author", sa.String(128), nullable=True))
        batch.add_column(sa.Column("buttons", sa.JSON, nullable=True))
    with op.batch_alter_table("handoff_requests") as batch:
        batch.add_column(
            sa.Column("priority", sa.String(8), nullable=False, server_default="normal")
        )
        batch.add_column(
            sa.Column("summary_source", sa.String(16), nullable=False, server_default="extractive")
        )
        batch.add_column(sa.Column("operator", sa.String(64), nullable=True))
        batch.add_column(sa.Column("assigned_at", _WHEN, nullable=True))
        batch.add_column(sa.Column("first_reply_at", _WHEN, nullable=True))
        batch.add_column(sa.Column("resolved_at", _WHEN, nullable=True))
        batch.add_column(sa.Column("resolution", sa.String(16), nullable=True))
        batch.add_column(sa.Column("callback_offered_at", _WHEN, nullable=True))
        batch.add_column(sa.Column("ticket_id", sa.String(64), nullable=True))
        batch.add_column(sa.Column("csat", sa.Integer, nullable=True))
        batch.add_column(sa.Column("telegram_topic_id", sa.BigInteger, nullable=True))
        batch.create_index("ix_handoff_requests_status", ["status"])
        batch.create_index("ix_handoff_requests_operator", ["operator"])
    # Requests stored before there was a queue were never served by a console: close them
    # rather than flood the first shift's queue with conversations that ended long ago.
    op.execute(
        "UPDATE handoff_requests SET status = 'resolved', resolution = 'expired', "
        "resolved_at = created_at WHERE status = 'requested'"
    )
    op.create_table(
        "handoff_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", _WHEN, nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column(
            "handoff_id",
            sa.Integer,
            sa.ForeignKey("handoff_requests.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("conversation_id", sa.String(64), nullable=False),
        sa.Column("message_id", sa.Integer, nullable=True),
        sa.Column("actor", sa.String(64), nullable=False),
    )
    op.create_table(
        "operators",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("display_name", sa.String(128), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(256), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("failed_logins", sa.Integer, nullable=False, server_default="0"),
        sa.Column("locked_until", _WHEN, nullable=True),
        sa.Column("created_at", _WHEN, nullable=False),
    )
    op.create_table(
        "operator_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column(
            "operator_id",
            sa.Integer,
            sa.ForeignKey("operators.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("expires_at", _WHEN, nullable=False, index=True),
        sa.Column("last_seen_at", _WHEN, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("operator_sessions")
    op.drop_table("operators")
    op.drop_table("handoff_events")
    op.execute("UPDATE handoff_requests SET status = 'requested' WHERE status <> 'resolved'")
    with op.batch_alter_table("handoff_requests") as batch:
        batch.drop_index("ix_handoff_requests_operator")
        batch.drop_index("ix_handoff_requests_status")
        for column in (
            "telegram_topic_id",
            "csat",
            "ticket_id",
            "callback_offered_at",
            "resolution",
            "resolved_at",
            "first_reply_at",
            "assigned_at",
            "operator",
            "summary_source",
            "priority",
        ):
            batch.drop_column(column)
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("buttons")
        batch.drop_column("author")
