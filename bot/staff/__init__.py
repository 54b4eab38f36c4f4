"""Staff accounts, roles, sessions and login, shared by the operator console and the
knowledge-base admin.

- ``models``: who a staff member is (``StaffMember``, ``StaffRole``);
- ``ports``: what this package needs from storage (``StaffAccounts``, ``StaffSessions``);
- ``passwords``: argon2id hashing and the strength rule;
- ``auth``: logging in (lockout after failures), server-side sessions, creating accounts;
- ``web``: the login/logout/me endpoints of a staff page and ``require_staff``;
- ``errors``: what logging in can refuse (subclasses of ``bot.http.errors``).
"""
