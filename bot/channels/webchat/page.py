"""The widget as the bank presents it: its page with the bank's brand, the brand's colour and
logo, and the loader a bank's site embeds it with.

- ``/``: the chat page. Its ``data-brand`` attribute carries the brand (name, greeting,
  privacy notice, logo, the sites allowed to embed it) as HTML-escaped JSON: the page's CSP
  allows no inline script, and the first paint already has the bank's name.
- ``/brand.css``: the bank's colour as a CSS variable (a validated ``#rrggbb``).
- ``/brand/logo``: the logo file of the settings, served from here (no request leaves for
  the bank's CDN).
- ``/embed.js``: the loader. ``<script src="https://chat.bank.ru/embed.js" async>`` on any page
  of an allowed origin adds a launcher button that opens the chat in an iframe.

The chat page's ``frame-ancestors`` names exactly the allowed origins: a site not listed gets
a blank frame from the browser. ``connect-src`` stays ``'self'``: in the iframe the chat runs
on this server's origin, and the bank's page itself connects nowhere.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse, Response

from bot.dialogue.models import Lang
from bot.dialogue.ports import TextCatalog
from bot.settings import LOGO_TYPES, BrandSettings

STATIC = Path(__file__).parent / "static"
_NO_BRAND = 'data-brand="{}"'  # index.html as written: filled in with the brand's JSON
_LOGO_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
_LANGS: tuple[Lang, ...] = ("ru", "en")


@dataclass(frozen=True)
class WidgetPage:
    brand: BrandSettings
    embed_origins: tuple[str, ...]
    texts: TextCatalog

    @property
    def csp(self) -> str:
        ancestors = " ".join(("'self'", *self.embed_origins))
        return (
            "default-src 'self'; connect-src 'self'; img-src 'self' data:; "
            f"frame-ancestors {ancestors}"
        )

    @cached_property
    def config(self) -> dict[str, object]:
        """What the widget's script reads from the page."""
        brand = self.brand
        return {
            "name": {lang: brand.name(lang) for lang in _LANGS},
            "greeting": {lang: self.texts.render("greeting", lang) for lang in _LANGS},
            "privacy": {lang: brand.privacy_notice(lang) for lang in _LANGS},
            "privacy_url": brand.privacy_url or None,
            "logo": "/brand/logo" if brand.logo_file else None,
            "origins": list(self.embed_origins),
        }

    @cached_property
    def html(self) -> str:
        page = (STATIC / "index.html").read_text(encoding="utf-8")
        brand = html.escape(json.dumps(self.config, ensure_ascii=False), quote=True)
        assert _NO_BRAND in page, "index.html lost its data-brand attribute"
        return page.replace(_NO_BRAND, f'data-brand="{brand}"', 1)

    @cached_property
    def loader(self) -> str:
        """``embed.js`` with the brand's colour and the allowed origins filled in."""
        script = (STATIC / "embed.js").read_text(encoding="utf-8")
        for blank, value in (
            (
                'const BRAND_COLOUR = "#1f4e8c";',
                f"const BRAND_COLOUR = {json.dumps(self.brand.colour)};",
            ),
            (
                "const ALLOWED_ORIGINS = [];",
                f"const ALLOWED_ORIGINS = {json.dumps(list(self.embed_origins))};",
            ),
        ):
            assert blank in script, f"embed.js lost {blank!r}"
            script = script.replace(blank, value, 1)
        return script

    @cached_property
    def css(self) -> str:
        return f":root {{ --brand: {self.brand.colour}; }}\n"


def page_routes(page: WidgetPage) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/")
    async def index() -> HTMLResponse:
        return HTMLResponse(page.html, headers={"Content-Security-Policy": page.csp})

    @router.get("/brand.css")
    async def brand_css() -> Response:
        return Response(page.css, media_type="text/css", headers={"Cache-Control": "no-cache"})

    @router.get("/brand/logo", response_model=None)
    async def logo() -> FileResponse | Response:
        path = page.brand.logo_file
        if path is None:
            return Response(status_code=404)
        # An SVG opened on its own runs nothing and loads nothing.
        headers = {"Content-Security-Policy": _LOGO_CSP}
        return FileResponse(path, media_type=LOGO_TYPES[path.suffix.lower()], headers=headers)

    @router.get("/embed.js")
    async def loader() -> Response:
        return Response(
            page.loader,
            media_type="text/javascript",
            headers={"Cache-Control": "no-cache"},  # a new version reaches the bank's pages
        )

    return router
