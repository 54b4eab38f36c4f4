"""customer messages as typed, encrypted, for banks that must keep them (privacy.raw_text_key)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sealed_messages",
        sa.Column(
            "message_id",
            sa.Integer,
            sa.ForeignKey("messages.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        ),
        sa.Column("conversation_id", sa.String(64), nullable=False),
        sa.Column("sealed", sa.Text, nullable=False),
    )
    op.create_index("ix_sealed_messages_conversation_id", "sealed_messages", ["conversation_id"])


def downgrade() -> None:
    op.drop_index("ix_sealed_messages_conversation_id", "sealed_messages")
    op.drop_table("sealed_messages")
