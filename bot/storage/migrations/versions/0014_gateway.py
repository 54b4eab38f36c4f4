"""The gateway: its client systems' keys (hashes only) and the audit of their calls

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

_WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "gateway_keys",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("key_hash", sa.String(128), nullable=False, unique=True),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("models", sa.Text(), nullable=False),
        sa.Column("requests_per_minute", sa.Integer(), nullable=False),
        sa.Column("tokens_per_day", sa.Integer(), nullable=False),
        sa.Column("capabilities", sa.Text(), nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("revoked_at", _WHEN, nullable=True),
    )
    op.create_index("ix_gateway_keys_name", "gateway_keys", ["name"])
    op.create_table(
        "gateway_calls",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("at", _WHEN, nullable=False),
        sa.Column("key_name", sa.String(64), nullable=False),
        sa.Column("endpoint", sa.String(16), nullable=False),
        sa.Column("model", sa.String(128), nullable=False),
        sa.Column("upstream", sa.String(64), nullable=False),
        sa.Column("upstream_model", sa.String(128), nullable=False),
        sa.Column("reason", sa.String(128), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("prompt_tokens", sa.Integer(), nullable=False),
        sa.Column("completion_tokens", sa.Integer(), nullable=False),
        sa.Column("latency_ms", sa.Integer(), nullable=False),
        sa.Column("pii", sa.Text(), nullable=False),
        sa.Column("stream", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_gateway_calls_key_name_at", "gateway_calls", ["key_name", "at"])
    op.create_index("ix_gateway_calls_at", "gateway_calls", ["at"])


def downgrade() -> None:
    op.drop_index("ix_gateway_calls_at", "gateway_calls")
    op.drop_index("ix_gateway_calls_key_name_at", "gateway_calls")
    op.drop_table("gateway_calls")
    op.drop_index("ix_gateway_keys_name", "gateway_keys")
    op.drop_table("gateway_keys")
