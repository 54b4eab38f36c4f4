"""PostgreSQL pushes every new handoff event to listening replicas (LISTEN perimeter_events)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite is one machine: its processes poll
    # NOTIFY is delivered at commit, so a listener never reads ahead of the transaction;
    # one notice per statement (the listeners read everything after their cursor anyway).
    op.execute(
        """
        CREATE OR REPLACE FUNCTION perimeter_notify_events() RETURNS trigger AS $$
        BEGIN
            PERFORM pg_notify('perimeter_events', '');
            RETURN NULL;
        END;
        $$ LANGUAGE plpgsql
        """
    )
    op.execute(
        """
        CREATE TRIGGER handoff_events_notify AFTER INSERT ON handoff_events
        FOR EACH STATEMENT EXECUTE FUNCTION perimeter_notify_events()
        """
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS handoff_events_notify ON handoff_events")
    op.execute("DROP FUNCTION IF EXISTS perimeter_notify_events()")
