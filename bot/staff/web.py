"""A staff page's door: the session cookie, the page's roles, and the CSRF header on writes.

Each staff page (the operator console at /operator, the knowledge-base admin at /admin) has
its own cookie, scoped to its path, over one session store; :class:`StaffGate` serves the
page's ``/api/login``, ``/api/logout`` and ``/api/me`` and gives its routes a
``require_staff`` dependency. Every API call without a live session is 401; an account whose
role is not the page's is 403 (a new session of such an account is ended at once); writes
without the page's ``X-Requested-With`` value are 403 — a page on another site cannot add
that header to a request that rides the cookie.
"""

# No ``from __future__ import annotations`` here: FastAPI must see the dependency aliases
# defined inside the route factories as objects, not as names it cannot resolve.

from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Request, Response, WebSocket
from fastapi.responses import FileResponse, JSONResponse

from bot.http.errors import Forbidden, NotLoggedIn, error_responses
from bot.staff.auth import StaffAuth
from bot.staff.models import StaffMember, StaffRole
from bot.staff.schemas import StaffLoginIn, StaffMemberOut

CSRF_HEADER = "x-requested-with"
_SAFE_METHODS = ("GET", "HEAD")


@dataclass(frozen=True, slots=True)
class StaffPage:
    path: str  # "/operator": the page, its API under path + "/api", the cookie's scope
    cookie: str
    csrf_value: str  # what the page's script sends in X-Requested-With
    roles: frozenset[StaffRole]
    label: str  # "the operator console", in messages
    refusal: str  # why another role is turned away


class StaffGate:
    def __init__(self, page: StaffPage, auth: StaffAuth, *, secure_cookie: bool) -> None:
        self.page = page
        self.auth = auth
        self._secure = secure_cookie

    async def member(self, token: str | None) -> StaffMember | None:
        """The holder of a live session of this page's roles (WebSockets check this)."""
        member = await self.auth.member(token)
        return member if member is not None and member.role in self.page.roles else None

    def token(self, request: Request | WebSocket) -> str | None:
        return request.cookies.get(self.page.cookie)

    def check_csrf(self, request: Request) -> None:
        if request.headers.get(CSRF_HEADER) != self.page.csrf_value:
            raise Forbidden(f"missing the X-Requested-With header of {self.page.label}")

    def same_origin(self, websocket: WebSocket) -> bool:
        """Browsers send Origin with WebSockets; a page on another site must not ride the
        cookie. No Origin: not a browser, so no cookie-riding is possible."""
        origin = websocket.headers.get("origin")
        return origin is None or urlsplit(origin).netloc == websocket.headers.get("host")

    async def require(self, request: Request) -> StaffMember:
        member = await self.auth.member(self.token(request), touch=True)
        if member is None:
            raise NotLoggedIn(f"Please log in to {self.page.label}.")
        if member.role not in self.page.roles:
            raise Forbidden(self.page.refusal)
        if request.method not in _SAFE_METHODS:
            self.check_csrf(request)
        return member

    def page_routes(
        self,
        api: APIRouter,
        page_file: Path,
        *,
        on_logout: Callable[[], Awaitable[None]] | None = None,
    ) -> APIRouter:
        """The whole staff page: its HTML at the page's path, the login endpoints, and
        ``api`` (the page's own routes, each guarded by :func:`require_staff`)."""
        router = APIRouter()
        router.include_router(self._session_routes(on_logout))
        router.include_router(api)

        @router.get(self.page.path, include_in_schema=False)
        async def page() -> FileResponse:
            return FileResponse(page_file, media_type="text/html")

        return router

    def _session_routes(self, on_logout: Callable[[], Awaitable[None]] | None) -> APIRouter:
        """``POST /login``, ``POST /logout`` and ``GET /me`` under the page's ``/api``."""
        page = self.page
        Member = Annotated[StaffMember, Depends(require_staff(self))]  # noqa: N806 - a type alias
        router = APIRouter(prefix=f"{page.path}/api", tags=["staff"])

        @router.post(
            "/login",
            response_model=StaffMemberOut,
            responses=error_responses(401, 403, 422, 429),
            summary="Log in; sets the page's session cookie",
        )
        async def login(body: StaffLoginIn, request: Request) -> Response:
            self.check_csrf(request)
            address = request.client.host if request.client else None
            member, token, expires = await self.auth.login(body.name, body.password, address)
            if member.role not in page.roles:
                await self.auth.logout(token)
                raise Forbidden(page.refusal)
            response = JSONResponse(StaffMemberOut.model_validate(member).model_dump())
            response.set_cookie(
                page.cookie,
                token,
                expires=expires,
                path=page.path,
                httponly=True,
                samesite="strict",
                # Behind TLS (directly, or the trusted proxy's X-Forwarded-Proto) always.
                secure=self._secure or request.url.scheme == "https",
            )
            return response

        @router.post(
            "/logout",
            status_code=204,
            responses=error_responses(401, 403),
            summary="End this session",
        )
        async def logout(request: Request, member: Member) -> Response:
            token = self.token(request)
            if token:
                await self.auth.logout(token)
            response = Response(status_code=204)
            response.delete_cookie(page.cookie, path=page.path)
            if on_logout is not None:
                await on_logout()
            return response

        @router.get("/me", responses=error_responses(401, 403), summary="Who is logged in")
        async def me(member: Member) -> StaffMemberOut:
            return StaffMemberOut.model_validate(member)

        return router


def require_staff(
    gate: StaffGate, roles: Collection[StaffRole] | None = None
) -> Callable[[Request], Awaitable[StaffMember]]:
    """A FastAPI dependency: the logged-in member of ``gate``'s page, narrowed to ``roles``."""

    async def dependency(request: Request) -> StaffMember:
        member = await gate.require(request)
        if roles is not None and member.role not in roles:
            raise Forbidden(f"only {' or '.join(sorted(roles))} may do this")
        return member

    return dependency
