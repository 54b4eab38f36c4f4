"""A bot answer records what gave it (faq, cache, quoted, written): the supervisors' dashboard
shows the share of answers given without the model

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("messages", sa.Column("answered_by", sa.String(16), nullable=True))


def downgrade() -> None:
    op.drop_column("messages", "answered_by")
