"""Logging in to a staff page (the operator console, the knowledge-base admin): one session
store, a cookie per page, and each page's own roles."""

from __future__ import annotations

from collections.abc import Collection

from fastapi import Request
from fastapi.responses import JSONResponse

from bot.operators.auth import BadCredentials, ConsoleAuth, LockedOut
from bot.operators.errors import DeskError
from bot.operators.models import OperatorRole


def error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"code": code, "message": message}, status_code=status)


async def refusal(request: Request, exc: Exception) -> JSONResponse:
    """The exception handler both staff pages install for ``DeskError``."""
    assert isinstance(exc, DeskError)
    return error(exc.status, exc.code, exc.message)


async def login(
    auth: ConsoleAuth,
    name: str,
    password: str,
    *,
    roles: Collection[OperatorRole],
    cookie: str,
    path: str,
    secure: bool,
    refusal: str,
) -> JSONResponse:
    """200 with the session cookie for ``path``; 401/429 for a bad or locked login; 403 when
    the account's role is not one of ``roles`` (its new session is ended at once)."""
    try:
        operator, token, expires = await auth.login(name, password)
    except LockedOut:
        return error(429, "locked", "Too many failed attempts: the account is locked for a while.")
    except BadCredentials:
        return error(401, "bad_credentials", "Wrong login or password.")
    if operator.role not in roles:
        await auth.logout(token)
        return error(403, "forbidden", refusal)
    response = JSONResponse(
        {"name": operator.name, "display_name": operator.display_name, "role": operator.role}
    )
    response.set_cookie(
        cookie, token, expires=expires, path=path, httponly=True, samesite="strict", secure=secure
    )
    return response
