"""The API's own description: ``/openapi.json`` and the reference page at ``/docs``.

Both are off unless ``PERIMETER_HTTP__API_DOCS=true``: a bank need not publish its API's
shape on the customers' port. The page's Swagger UI comes from the ``fastapi-offline``
package and is served by the app itself (banks have no CDN), under the app's CSP.

Every refusal is documented as ``ErrorOut``: the request-validation error FastAPI documents
by default (``HTTPValidationError``) is replaced, because the app answers those in the
common shape too (``bot.http.errors.validation_error_handler``).
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from bot.http.errors import ErrorOut

STATIC = Path(__file__).parent / "static"
OPENAPI_URL = "/openapi.json"
_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")


def describe(app: FastAPI) -> None:
    """Serve ``/openapi.json`` and ``/docs`` for ``app``, which is made with FastAPI's own
    documentation routes off (``openapi_url=None``)."""
    app.openapi = lambda: openapi_schema(app)  # type: ignore[method-assign]
    router = APIRouter()

    @router.get(OPENAPI_URL, include_in_schema=False)
    async def openapi() -> JSONResponse:
        return JSONResponse(app.openapi())

    @router.get("/docs", include_in_schema=False)
    async def docs() -> FileResponse:
        return FileResponse(STATIC / "docs.html", media_type="text/html")

    app.include_router(router)
    vendor = Path(str(files("fastapi_offline") / "static"))
    app.mount("/docs/vendor", StaticFiles(directory=vendor), name="docs-vendor")
    app.mount("/docs/static", StaticFiles(directory=STATIC), name="docs-static")


def openapi_schema(app: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI document, with every refusal as ``ErrorOut``."""
    if app.openapi_schema is None:
        schema = get_openapi(
            title=app.title,
            version=app.version,
            summary=app.summary,
            description=app.description,
            routes=app.routes,
        )
        app.openapi_schema = _common_refusals(schema)
    return app.openapi_schema


def _common_refusals(schema: dict[str, Any]) -> dict[str, Any]:
    """Every documented 422 is an ``ErrorOut``, like every other refusal; every operation
    with a body can also answer 400 (a body that cannot be parsed as its content type)."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["ErrorOut"] = ErrorOut.model_json_schema()
    error_out = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            invalid = responses.get("422")
            if invalid is not None:
                invalid["content"] = error_out
                invalid["description"] = "The request is well-formed but invalid."
            if "requestBody" in operation:
                responses.setdefault(
                    "400", {"description": "The body cannot be parsed.", "content": error_out}
                )
    for name in _VALIDATION_SCHEMAS:
        components.pop(name, None)
    return schema
