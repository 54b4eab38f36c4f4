"""authenticated customer and dialogue state on conversations; audit log; used web tokens

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("customer_id", sa.String(64), nullable=True))
        batch.add_column(
            sa.Column("authenticated_until", sa.DateTime(timezone=True), nullable=True)
        )
        batch.add_column(sa.Column("auth_method", sa.String(16), nullable=True))
        batch.add_column(sa.Column("state", sa.JSON, nullable=True))
    op.create_index("ix_conversations_customer_id", "conversations", ["customer_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("conversation_id", sa.String(64), nullable=False),
        sa.Column("customer_id", sa.String(64), nullable=True),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("outcome", sa.String(40), nullable=False),
        sa.Column("latency_ms", sa.Float, nullable=False),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_conversation_id", "audit_log", ["conversation_id"])
    op.create_index("ix_audit_log_customer_id", "audit_log", ["customer_id"])
    op.create_table(
        "used_web_tokens",
        sa.Column("token_id", sa.String(128), primary_key=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_used_web_tokens_expires_at", "used_web_tokens", ["expires_at"])


def downgrade() -> None:
    op.drop_table("used_web_tokens")
    op.drop_table("audit_log")
    op.drop_index("ix_conversations_customer_id", "conversations")
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("state")
        batch.drop_column("auth_method")
        batch.drop_column("authenticated_until")
        batch.drop_column("customer_id")
