"""Every storage port, one contract suite each, run in memory, on SQLite and on PostgreSQL."""
