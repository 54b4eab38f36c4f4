"""What the staff pages (console, admin) refuse; their APIs map each to an HTTP status."""

from __future__ import annotations


class DeskError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DeskError):
    status, code = 404, "not_found"


class Forbidden(DeskError):
    status, code = 403, "forbidden"


class Conflict(DeskError):
    status, code = 409, "conflict"


class AlreadyTaken(Conflict):
    code = "already_taken"


class InvalidInput(DeskError):
    status, code = 422, "invalid"
