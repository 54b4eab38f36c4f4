"""What every HTTP API of Perimeter answers when it refuses, and the one handler that renders it.

Each error is a status, a stable machine-readable ``code`` and a human-readable ``message``;
the body is always ``ErrorOut`` (``{"code": …, "message": …}``), also for FastAPI's request
validation errors and Starlette's own 404/405, so a client parses one shape::

    ApiError                    400 bad_request
     ├── NotLoggedIn            401 not_logged_in
     │    └── BadCredentials    401 bad_credentials      (bot.staff)
     ├── Forbidden              403 forbidden
     ├── NotFound               404 not_found
     ├── Conflict               409 conflict
     │    └── AlreadyTaken      409 already_taken        (bot.operators)
     ├── TooLarge               413 too_large
     ├── InvalidInput           422 invalid
     │    └── InvalidDocument   422 invalid_document     (bot.content)
     ├── TooManyRequests        429 too_many_requests
     │    └── LockedOut         429 locked               (bot.staff)
     └── Unavailable            503 unavailable
          └── IndexUnavailable  503 index_unavailable    (bot.content)

Features subclass these; a route documents what it can raise with :func:`error_responses`.
Messages never carry what the client sent (a password, a customer's words).
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any, ClassVar

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Route


class ErrorOut(BaseModel):
    """The body of every refusal."""

    code: str = Field(description="Stable machine-readable reason, e.g. `not_found`.")
    message: str = Field(description="What went wrong, for a person.")


class ApiError(Exception):
    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.error_code = code or self.code
        self.headers = dict(headers or {})


class NotLoggedIn(ApiError):
    status, code = 401, "not_logged_in"


class Forbidden(ApiError):
    status, code = 403, "forbidden"


class NotFound(ApiError):
    status, code = 404, "not_found"


class Conflict(ApiError):
    status, code = 409, "conflict"


class TooLarge(ApiError):
    status, code = 413, "too_large"


class InvalidInput(ApiError):
    status, code = 422, "invalid"


class TooManyRequests(ApiError):
    status, code = 429, "too_many_requests"


class Unavailable(ApiError):
    status, code = 503, "unavailable"


def error_body(code: str, message: str) -> dict[str, str]:
    return {"code": code, "message": message}


async def api_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return JSONResponse(
        error_body(exc.error_code, exc.message), status_code=exc.status, headers=exc.headers
    )


async def validation_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """422 in the common shape; names the fields, never echoes their values."""
    assert isinstance(exc, RequestValidationError)
    problems = []
    for error in exc.errors()[:5]:
        where = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
        problems.append(f"{where or 'body'}: {error.get('msg', 'invalid')}")
    return JSONResponse(error_body("invalid", "; ".join(problems) or "invalid request"), 422)


async def http_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """Starlette's own refusals (an unknown path, a wrong method, a body it cannot parse) in
    the common shape. A 405 lists in ``Allow`` every method the path has, across routes."""
    assert isinstance(exc, StarletteHTTPException)
    phrase = HTTPStatus(exc.status_code).phrase
    code = getattr(exc, "code", None) or phrase.lower().replace(" ", "_").replace("-", "_")
    message = exc.detail if isinstance(exc.detail, str) else phrase
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = ", ".join(_allowed_methods(request))
    return JSONResponse(error_body(code, message), status_code=exc.status_code, headers=headers)


def _allowed_methods(request: Request) -> list[str]:
    """The methods of every route whose path matches (one path may be several routes)."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        if isinstance(route, Route) and route.methods:
            match, _ = route.matches({**request.scope, "method": next(iter(route.methods))})
            if match is Match.FULL:
                methods |= route.methods
    return sorted(methods)


_DESCRIPTIONS = {
    400: "The request is malformed.",
    401: "Not logged in, or the credentials are wrong.",
    403: "Logged in, but not allowed (role, missing X-Requested-With header, disabled).",
    404: "No such resource.",
    409: "Someone else changed it first.",
    413: "The body is too large.",
    422: "The request is well-formed but invalid.",
    429: "Too many requests or attempts; see Retry-After when given.",
    503: "A backend this needs is unavailable.",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the refusals a route can answer, all with ``ErrorOut``."""
    return {
        status: {"model": ErrorOut, "description": _DESCRIPTIONS[status]} for status in statuses
    }
