"""The content team's admin over HTTP, at /admin: the page and a JSON API.

Logins, sessions, roles and the CSRF header are the staff gate's (``bot.staff.web``): only
accounts with the ``editor`` role get in (``perimeter staff add NAME --role editor``).
"""

# No ``from __future__ import annotations`` here: FastAPI must see the dependency aliases
# defined inside the route factories as objects, not as names it cannot resolve.

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi import Path as PathParam
from pydantic import BaseModel, ConfigDict, Field
from starlette.datastructures import UploadFile as StarletteUpload
from starlette.exceptions import HTTPException as StarletteHTTPException

from bot.content.gaps import GapFinder
from bot.content.models import KbDocument, KbVersion
from bot.content.service import ContentService
from bot.content.workbench import Workbench
from bot.http.body_limit import BodyTooLarge
from bot.http.errors import InvalidInput, TooLarge, error_responses
from bot.http.fields import VISIBLE, visible_text
from bot.staff.models import StaffMember, StaffRole
from bot.staff.web import StaffGate, StaffPage, require_staff
from rag.documents import MAX_BINARY_FILE_BYTES

STATIC = Path(__file__).parent / "static"
MAX_VERSION = 2_147_483_647  # the database's integer
Version = Annotated[int, PathParam(ge=1, le=MAX_VERSION, description="A version number")]
_ONE_FILE = "send the document as a multipart form with one field, «file»"
# The upload's body as the API description states it (the route reads the form itself).
_UPLOAD_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary"}},
                "additionalProperties": False,
            }
        }
    },
}
PAGE = StaffPage(
    path="/admin",
    cookie="perimeter_admin",
    csrf_value="perimeter-admin",
    roles=frozenset({StaffRole.EDITOR}),
    label="the knowledge base admin",
    refusal="This account is not an editor of the knowledge base.",
)


@dataclass
class Admin:
    """What the admin's endpoints need; built by the container."""

    content: ContentService
    gaps: GapFinder
    gate: StaffGate
    workbench: Workbench


class DraftIn(BaseModel):
    text: str = Field(max_length=5 * 1024 * 1024)


class PublishIn(BaseModel):
    expected_published: int | None = Field(None, ge=1, le=MAX_VERSION)


class RollbackIn(BaseModel):
    version: int = Field(ge=1, le=MAX_VERSION)
    expected_published: int | None = Field(None, ge=1, le=MAX_VERSION)


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


class KbActionOut(BaseModel):
    """One entry of who did what to the knowledge base."""

    model_config = ConfigDict(from_attributes=True)

    at: datetime
    actor: str
    action: str
    doc_id: str
    version: int | None
    detail: str | None


class DraftOut(BaseModel):
    """A document and the version just added to it."""

    document: DocumentOut
    version: VersionOut


class DocumentDetailOut(BaseModel):
    document: DocumentOut
    versions: list[VersionOut]
    text: str | None = Field(description="The newest version's text, for editable formats.")
    editable: bool


class ChunkOut(BaseModel):
    index: int
    section: str | None
    text: str


class PreviewAnswerOut(BaseModel):
    case_id: str
    question: str
    section: str | None
    score: float


class PreviewOut(BaseModel):
    chunks: list[ChunkOut]
    answers: list[PreviewAnswerOut] = Field(
        description="Test questions this version would be the best passage for."
    )
    warnings: list[str]


class DocumentResultOut(BaseModel):
    document: DocumentOut


class DocumentsOut(BaseModel):
    documents: list[DocumentOut]


class KbActionsOut(BaseModel):
    actions: list[KbActionOut]


class GapOut(BaseModel):
    size: int
    example: str
    questions: list[str]


class GapsOut(BaseModel):
    gaps: list[GapOut]


class UploadedOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    filename: str
    doc_id: str | None = None
    version: int | None = None
    error: str | None = Field(None, description="Why this file was refused; the others land.")


class BatchOut(BaseModel):
    results: list[UploadedOut]


class HitOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    doc_id: str
    title: str
    where: str = Field(description="published (what the bot answers from) or draft")
    section: str | None
    snippet: str


class HitsOut(BaseModel):
    hits: list[HitOut]


class DiffRowOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: str = Field(description="equal, insert, delete or replace")
    left: str | None
    right: str | None
    left_line: int | None
    right_line: int | None


class DiffOut(BaseModel):
    left: int
    right: int
    rows: list[DiffRowOut]


class AskIn(BaseModel):
    question: str = visible_text(1000, "The customer's question.")


class TrialPassageOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    doc_id: str
    title: str
    section: str | None
    text: str
    score: float
    from_draft: bool


class TrialOut(BaseModel):
    text: str = Field(description="The answer the bot would give; empty when it would not.")
    outcome: str = Field(
        description="faq, quoted, written, abstained, ungrounded, not_found, model_unavailable"
    )
    passages: list[TrialPassageOut]
    cited: list[str]


class IndexedOut(BaseModel):
    doc_id: str
    source: str
    chunks: int


class IndexedListOut(BaseModel):
    documents: list[IndexedOut]


def routes(admin: Admin) -> APIRouter:
    """The admin's page and its API under /admin/api."""
    content = admin.content
    Editor = Annotated[StaffMember, Depends(require_staff(admin.gate))]  # noqa: N806 - a type alias
    api = APIRouter(prefix="/admin/api", tags=["knowledge base admin"])
    read = error_responses(401, 403)
    one = error_responses(401, 403, 404)

    @api.get("/documents", responses=read, summary="Every document and its versions' state")
    async def documents(editor: Editor) -> DocumentsOut:
        return DocumentsOut(
            documents=[DocumentOut.model_validate(d) for d in await content.documents()]
        )

    @api.post(
        "/documents",
        status_code=201,
        responses=error_responses(401, 403, 413, 422),
        summary="Upload a file as a new draft of its document",
        openapi_extra={"requestBody": _UPLOAD_BODY},
    )
    async def upload(request: Request, editor: Editor) -> DraftOut:
        name, data = await _one_file(request)
        document, version = await content.upload(editor.name, name, data)
        return _drafted(document, version)

    @api.get("/documents/{doc_id}", responses=one, summary="A document, its versions, its text")
    async def document(doc_id: str, editor: Editor) -> DocumentDetailOut:
        detail = await content.detail(doc_id)
        return DocumentDetailOut(
            document=DocumentOut.model_validate(detail.document),
            versions=[VersionOut.model_validate(v) for v in detail.versions],
            text=detail.text,
            editable=detail.editable,
        )

    @api.put(
        "/documents/{doc_id}/draft",
        status_code=201,
        responses=error_responses(401, 403, 404, 422),
        summary="Save edited text as a new draft",
    )
    async def save_draft(doc_id: str, body: DraftIn, editor: Editor) -> DraftOut:
        document, version = await content.save_draft(editor.name, doc_id, body.text)
        return _drafted(document, version)

    @api.get(
        "/documents/{doc_id}/versions/{version}/preview",
        responses=error_responses(401, 403, 404, 422),
        summary="How a version would be chunked and which test questions it would answer",
    )
    async def preview(doc_id: str, version: Version, editor: Editor) -> PreviewOut:
        result = await content.preview(doc_id, version)
        return PreviewOut(
            chunks=[ChunkOut(index=c.index, section=c.section, text=c.text) for c in result.chunks],
            answers=[
                PreviewAnswerOut(
                    case_id=a.case_id, question=a.question, section=a.section, score=a.score
                )
                for a in result.answers
            ],
            warnings=result.warnings,
        )

    doc = "/documents/{doc_id}"
    publishing = error_responses(401, 403, 404, 409, 422, 503)

    @api.post(f"{doc}/versions/{{version}}/publish", responses=publishing, summary="Publish")
    async def publish(
        doc_id: str, version: Version, body: PublishIn, editor: Editor
    ) -> DocumentResultOut:
        """Make a version the one the bot answers from (re-indexes this document only)."""
        published = await content.publish(editor.name, doc_id, version, body.expected_published)
        return _result(published)

    @api.post(f"{doc}/rollback", responses=publishing, summary="Publish an earlier version")
    async def rollback(doc_id: str, body: RollbackIn, editor: Editor) -> DocumentResultOut:
        expected = body.expected_published
        return _result(await content.rollback(editor.name, doc_id, body.version, expected))

    @api.delete(doc, responses=error_responses(401, 403, 404, 503), summary="Delete")
    async def delete(doc_id: str, editor: Editor) -> DocumentResultOut:
        """Take a document out of the bot's knowledge (its versions are kept)."""
        return _result(await content.delete(editor.name, doc_id))

    bench = admin.workbench

    @api.post(
        "/documents/zip",
        status_code=201,
        responses=error_responses(401, 403, 413, 422),
        summary="Upload a zip of documents: each file becomes a draft (or says why not)",
        openapi_extra={"requestBody": _UPLOAD_BODY},
    )
    async def upload_zip(request: Request, editor: Editor) -> BatchOut:
        _, data = await _one_file(request)
        results = await bench.upload_zip(editor.name, data)
        return BatchOut(results=[UploadedOut.model_validate(r) for r in results])

    @api.get("/search", responses=error_responses(401, 403, 422), summary="Search documents' text")
    async def search(
        editor: Editor, q: Annotated[str, Query(min_length=1, max_length=200, pattern=VISIBLE)]
    ) -> HitsOut:
        return HitsOut(hits=[HitOut.model_validate(h) for h in await bench.search(q)])

    @api.get(
        f"{doc}/diff",
        responses=error_responses(401, 403, 404, 422),
        summary="Two versions side by side, line by line",
    )
    async def diff(
        doc_id: str,
        editor: Editor,
        left: Annotated[int, Query(ge=1, le=MAX_VERSION)],
        right: Annotated[int, Query(ge=1, le=MAX_VERSION)],
    ) -> DiffOut:
        rows = await bench.diff(doc_id, left, right)
        return DiffOut(left=left, right=right, rows=[DiffRowOut.model_validate(r) for r in rows])

    @api.post(
        f"{doc}/versions/{{version}}/ask",
        responses=error_responses(401, 403, 404, 422, 503),
        summary="Ask as a customer: what the bot would answer with this version published",
    )
    async def ask(doc_id: str, version: Version, body: AskIn, editor: Editor) -> TrialOut:
        trial = await bench.ask(doc_id, version, body.question)
        return TrialOut(
            text=trial.text,
            outcome=trial.outcome,
            passages=[TrialPassageOut.model_validate(p) for p in trial.passages],
            cited=trial.cited,
        )

    @api.get(
        "/indexed",
        responses=read,
        summary="Documents the bot answers from that /admin does not manage (kb ingest)",
    )
    async def indexed(editor: Editor) -> IndexedListOut:
        found = await bench.unmanaged()
        return IndexedListOut(
            documents=[IndexedOut(doc_id=d.doc_id, source=d.source, chunks=d.chunks) for d in found]
        )

    @api.post(
        "/indexed/{doc_id}/adopt",
        responses=publishing,
        summary="Take a command-line document under the admin (its file becomes version 1)",
    )
    async def adopt(doc_id: str, editor: Editor) -> DocumentResultOut:
        return _result(await bench.adopt(editor.name, doc_id))

    @api.get("/actions", responses=read, summary="Who did what, newest first")
    async def actions(
        editor: Editor, limit: Annotated[int, Query(ge=1, le=1000)] = 100
    ) -> KbActionsOut:
        return KbActionsOut(
            actions=[KbActionOut.model_validate(a) for a in await content.actions(limit)]
        )

    @api.get("/gaps", responses=read, summary="Unanswered questions grouped by topic")
    async def gaps(editor: Editor, days: Annotated[float, Query(gt=0, le=3660)] = 30.0) -> GapsOut:
        found = await admin.gaps.find(days)
        return GapsOut(
            gaps=[GapOut(size=g.size, example=g.example, questions=g.questions) for g in found]
        )

    return admin.gate.page_routes(api, STATIC / "admin.html")


async def _one_file(request: Request) -> tuple[str, bytes]:
    """The one file of a multipart form: its name and bytes, at most the file limit.

    The form is parsed only here, after the editor's session was checked: an anonymous body
    is never parsed nor spooled to disk (BodyLimit has bounded it before that).
    """
    try:
        async with request.form(max_files=1, max_fields=0) as form:
            file = form.get("file")
            if not isinstance(file, StarletteUpload):
                raise InvalidInput(_ONE_FILE)
            data = await file.read(MAX_BINARY_FILE_BYTES + 1)
            name = file.filename or ""
    except BodyTooLarge:
        raise
    except StarletteHTTPException as exc:  # not a form, or more than the one file
        raise InvalidInput(_ONE_FILE) from exc
    if len(data) > MAX_BINARY_FILE_BYTES:
        raise TooLarge(f"the file is over {MAX_BINARY_FILE_BYTES // (1024 * 1024)} MB")
    return name, data


def _result(document: KbDocument) -> DocumentResultOut:
    return DocumentResultOut(document=DocumentOut.model_validate(document))


def _drafted(document: KbDocument, version: KbVersion) -> DraftOut:
    return DraftOut(
        document=DocumentOut.model_validate(document), version=VersionOut.model_validate(version)
    )
