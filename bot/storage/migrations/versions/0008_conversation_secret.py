"""the web chat's conversation secret (its sha256) and when a customer's session began

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30

Web conversations created before this revision have no secret, so no client can resume them:
their customers start a new conversation (the id alone was the credential, issue 13 H1).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("secret_digest", sa.String(64), nullable=True))
        batch.add_column(sa.Column("authenticated_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("authenticated_at")
        batch.drop_column("secret_digest")
