"""Staff accounts, roles, sessions and login, shared by the operator console and the
knowledge-base admin."""
