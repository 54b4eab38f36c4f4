"""The content team's admin over HTTP, at /admin: the page and a JSON API.

Only accounts with the ``editor`` role get in (``perimeter operators add NAME --role
editor``). Every API call needs the admin session cookie (401 without one); writes also need
the ``X-Requested-With: perimeter-admin`` header (403 without it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Request, Response, UploadFile
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field

from bot.content.gaps import GapFinder
from bot.content.models import KbDocument, KbVersion
from bot.content.service import ContentService, TooLarge
from bot.operators import web_login
from bot.operators.auth import ConsoleAuth
from bot.operators.errors import DeskError, Forbidden
from bot.operators.models import Operator, OperatorRole
from rag.documents import MAX_BINARY_FILE_BYTES

STATIC = Path(__file__).parent / "static"
COOKIE = "perimeter_admin"
CSRF_HEADER = "x-requested-with"
CSRF_VALUE = "perimeter-admin"


@dataclass
class Admin:
    content: ContentService
    auth: ConsoleAuth
    gaps: GapFinder
    secure_cookie: bool = False


class NotLoggedIn(Exception):
    pass


def get_admin(request: Request) -> Admin:
    admin: Admin = request.app.state.admin
    return admin


AdminDep = Annotated[Admin, Depends(get_admin)]


async def current_editor(request: Request, admin: AdminDep) -> Operator:
    operator = await admin.auth.operator(request.cookies.get(COOKIE))
    if operator is None:
        raise NotLoggedIn()
    if operator.role is not OperatorRole.EDITOR:
        raise Forbidden("the knowledge base admin is for editors")
    if request.method not in ("GET", "HEAD") and request.headers.get(CSRF_HEADER) != CSRF_VALUE:
        raise Forbidden("missing the admin's X-Requested-With header")
    return operator


EditorDep = Annotated[Operator, Depends(current_editor)]


class LoginIn(BaseModel):
    name: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class DraftIn(BaseModel):
    text: str = Field(max_length=5 * 1024 * 1024)


class PublishIn(BaseModel):
    expected_published: int | None = None


class RollbackIn(BaseModel):
    version: int
    expected_published: int | None = None


class DocumentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    doc_id: str
    title: str
    kind: str
    lang: str
    published_version: int | None
    latest_version: int
    draft_version: int | None
    deleted: bool
    updated_at: datetime


class VersionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    version: int
    filename: str
    status: str
    size: int
    content_hash: str
    author: str
    created_at: datetime
    published_at: datetime | None
    published_by: str | None


class ActionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: datetime
    actor: str
    action: str
    doc_id: str
    version: int | None
    detail: str | None


def _drafted(document: KbDocument, version: KbVersion) -> dict[str, object]:
    return {
        "document": DocumentOut.model_validate(document),
        "version": VersionOut.model_validate(version),
    }


api = APIRouter(prefix="/admin/api")


@api.post("/login")
async def login(body: LoginIn, request: Request, admin: AdminDep) -> Response:
    if request.headers.get(CSRF_HEADER) != CSRF_VALUE:
        return web_login.error(403, "forbidden", "missing the admin's X-Requested-With header")
    return await web_login.login(
        admin.auth,
        body.name,
        body.password,
        roles={OperatorRole.EDITOR},
        cookie=COOKIE,
        path="/admin",
        secure=admin.secure_cookie,
        refusal="This account is not an editor of the knowledge base.",
    )


@api.post("/logout", status_code=204)
async def logout(request: Request, editor: EditorDep, admin: AdminDep) -> Response:
    token = request.cookies.get(COOKIE)
    if token:
        await admin.auth.logout(token)
    response = Response(status_code=204)
    response.delete_cookie(COOKIE, path="/admin")
    return response


@api.get("/me")
async def me(editor: EditorDep) -> dict[str, str]:
    return {"name": editor.name, "display_name": editor.display_name, "role": editor.role}


@api.get("/documents")
async def documents(editor: EditorDep, admin: AdminDep) -> dict[str, list[DocumentOut]]:
    return {"documents": [DocumentOut.model_validate(d) for d in await admin.content.documents()]}


@api.post("/documents", status_code=201)
async def upload(
    request: Request, file: UploadFile, editor: EditorDep, admin: AdminDep
) -> dict[str, object]:
    declared = int(request.headers.get("content-length") or 0)
    if declared > MAX_BINARY_FILE_BYTES + 64 * 1024:
        raise TooLarge(f"the file is over {MAX_BINARY_FILE_BYTES // (1024 * 1024)} MB")
    data = await file.read(MAX_BINARY_FILE_BYTES + 1)
    if len(data) > MAX_BINARY_FILE_BYTES:
        raise TooLarge(f"the file is over {MAX_BINARY_FILE_BYTES // (1024 * 1024)} MB")
    document, version = await admin.content.upload(editor.name, file.filename or "", data)
    return {
        "document": DocumentOut.model_validate(document),
        "version": VersionOut.model_validate(version),
    }


@api.get("/documents/{doc_id}")
async def document(doc_id: str, editor: EditorDep, admin: AdminDep) -> dict[str, object]:
    detail = await admin.content.detail(doc_id)
    return {
        "document": DocumentOut.model_validate(detail.document),
        "versions": [VersionOut.model_validate(v) for v in detail.versions],
        "text": detail.text,
        "editable": detail.editable,
    }


@api.put("/documents/{doc_id}/draft", status_code=201)
async def save_draft(
    doc_id: str, body: DraftIn, editor: EditorDep, admin: AdminDep
) -> dict[str, object]:
    document, version = await admin.content.save_draft(editor.name, doc_id, body.text)
    return {
        "document": DocumentOut.model_validate(document),
        "version": VersionOut.model_validate(version),
    }


@api.get("/documents/{doc_id}/versions/{version}/preview")
async def preview(
    doc_id: str, version: int, editor: EditorDep, admin: AdminDep
) -> dict[str, object]:
    result = await admin.content.preview(doc_id, version)
    return {
        "chunks": [{"index": c.index, "section": c.section, "text": c.text} for c in result.chunks],
        "answers": [
            {"case_id": a.case_id, "question": a.question, "section": a.section, "score": a.score}
            for a in result.answers
        ],
        "warnings": result.warnings,
    }


@api.post("/documents/{doc_id}/versions/{version}/publish")
async def publish(
    doc_id: str, version: int, body: PublishIn, editor: EditorDep, admin: AdminDep
) -> dict[str, DocumentOut]:
    published = await admin.content.publish(editor.name, doc_id, version, body.expected_published)
    return {"document": DocumentOut.model_validate(published)}


@api.post("/documents/{doc_id}/rollback")
async def rollback(
    doc_id: str, body: RollbackIn, editor: EditorDep, admin: AdminDep
) -> dict[str, DocumentOut]:
    document = await admin.content.rollback(
        editor.name, doc_id, body.version, body.expected_published
    )
    return {"document": DocumentOut.model_validate(document)}


@api.delete("/documents/{doc_id}")
async def delete(doc_id: str, editor: EditorDep, admin: AdminDep) -> dict[str, DocumentOut]:
    return {"document": DocumentOut.model_validate(await admin.content.delete(editor.name, doc_id))}


@api.get("/actions")
async def actions(
    editor: EditorDep, admin: AdminDep, limit: int = 100
) -> dict[str, list[ActionOut]]:
    limit = max(1, min(limit, 1000))
    return {"actions": [ActionOut.model_validate(a) for a in await admin.content.actions(limit)]}


@api.get("/gaps")
async def gaps(editor: EditorDep, admin: AdminDep, days: float = 30.0) -> dict[str, object]:
    found = await admin.gaps.find(days)
    return {
        "gaps": [{"size": g.size, "example": g.example, "questions": g.questions} for g in found]
    }


async def _not_logged_in(request: Request, exc: Exception) -> JSONResponse:
    return web_login.error(401, "not_logged_in", "Please log in to the knowledge base admin.")


def mount_admin(app: FastAPI, admin: Admin) -> None:
    app.state.admin = admin
    app.add_exception_handler(DeskError, web_login.refusal)
    app.add_exception_handler(NotLoggedIn, _not_logged_in)
    app.include_router(api)

    @app.get("/admin", include_in_schema=False)
    async def admin_page() -> FileResponse:
        return FileResponse(STATIC / "admin.html", media_type="text/html")

    if STATIC.is_dir():
        app.mount("/admin/static", StaticFiles(directory=STATIC), name="admin-static")
