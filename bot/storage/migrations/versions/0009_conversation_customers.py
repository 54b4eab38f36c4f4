"""which customers were ever authenticated in a conversation (data-subject requests)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30

Filled from the conversations' current customer and the audit log, which names the customer
of every core-banking call and code login made so far.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conversation_customers",
        sa.Column(
            "conversation_id",
            sa.String(64),
            sa.ForeignKey("conversations.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("customer_id", sa.String(64), primary_key=True),
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "ix_conversation_customers_customer_id", "conversation_customers", ["customer_id"]
    )
    op.execute(
        """
        INSERT INTO conversation_customers (conversation_id, customer_id, first_at)
        SELECT conversation_id, customer_id, MIN(first_at) FROM (
            SELECT id AS conversation_id, customer_id, created_at AS first_at
              FROM conversations WHERE customer_id IS NOT NULL
            UNION ALL
            SELECT a.conversation_id, a.customer_id, a.at AS first_at
              FROM audit_log a JOIN conversations c ON c.id = a.conversation_id
             WHERE a.customer_id IS NOT NULL
        ) known
        GROUP BY conversation_id, customer_id
        """
    )


def downgrade() -> None:
    op.drop_index("ix_conversation_customers_customer_id", "conversation_customers")
    op.drop_table("conversation_customers")
