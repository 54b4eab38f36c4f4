"""The operators' inbox: canned responses (supervisors keep them) and private notes on handoffs

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "canned_responses",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("shortcut", sa.String(32), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("shortcut", "lang"),
    )
    op.create_table(
        "handoff_notes",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "handoff_id",
            sa.Integer(),
            sa.ForeignKey("handoff_requests.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("author", sa.String(64), nullable=False),
        sa.Column("author_name", sa.String(128), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_handoff_notes_handoff_id", "handoff_notes", ["handoff_id"])


def downgrade() -> None:
    op.drop_index("ix_handoff_notes_handoff_id", "handoff_notes")
    op.drop_table("handoff_notes")
    op.drop_table("canned_responses")
