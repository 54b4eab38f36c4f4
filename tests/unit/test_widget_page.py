"""The widget's page as the bank brands it: settings checked at start, the brand put into
the page escaped, the loader filled in, and frame-ancestors naming exactly the bank's sites."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import ValidationError

from bot.channels.webchat.page import WidgetPage, page_routes
from bot.settings import BrandSettings, ChatSettings, contrast_with_white
from prompts import PromptLibrary

SITE = "https://www.bank.example"


def page_of(brand: BrandSettings, origins: tuple[str, ...] = (SITE,)) -> WidgetPage:
    texts = PromptLibrary(
        bank={"ru": brand.name_ru, "en": brand.name_en},
        overrides={("greeting", "ru"): brand.greeting_ru},
    )
    return WidgetPage(brand, origins, texts)


def client(page: WidgetPage) -> TestClient:
    app = FastAPI()
    app.include_router(page_routes(page))
    return TestClient(app)


def brand_in(body: str) -> dict[str, object]:
    found = re.search(r'data-brand="([^"]*)"', body)
    assert found, "the page carries its brand"
    return json.loads(html.unescape(found.group(1)))  # type: ignore[no-any-return]


def test_the_page_names_the_bank_and_only_its_sites_may_frame_it() -> None:
    brand = BrandSettings(
        name_ru="Северный",
        name_en="Northern Bank",
        greeting_ru="Добрый день!",
        privacy_notice_ru="Переписка хранится 90 дней.",
        privacy_url="https://bank.example/p",
    )
    response = client(page_of(brand)).get("/")
    assert response.status_code == 200
    csp = response.headers["content-security-policy"]
    assert f"frame-ancestors 'self' {SITE}" in csp
    assert "connect-src 'self'" in csp
    config = brand_in(response.text)
    assert config["name"] == {"ru": "Северный", "en": "Northern Bank"}
    assert config["greeting"] == {
        "ru": "Добрый день!",
        "en": PromptLibrary(bank={"en": "Northern Bank"}).render("greeting", "en"),
    }
    assert config["privacy"] == {"ru": "Переписка хранится 90 дней.", "en": ""}
    assert config["origins"] == [SITE]
    assert config["logo"] is None


def test_markup_in_a_brand_text_stays_text() -> None:
    brand = BrandSettings(name_ru='"><script>alert(1)</script>', greeting_ru="<img src=x>")
    body = client(page_of(brand)).get("/").text
    assert "<script>alert" not in body and "<img src=x>" not in body
    assert brand_in(body)["name"] == {"ru": '"><script>alert(1)</script>', "en": ""}


def test_without_embed_origins_only_the_chat_itself_may_frame_it() -> None:
    response = client(page_of(BrandSettings(), origins=())).get("/")
    assert response.headers["content-security-policy"].endswith("frame-ancestors 'self'")


def test_the_loader_carries_the_colour_and_the_allowed_sites() -> None:
    response = client(page_of(BrandSettings(colour="#0A5C36"))).get("/embed.js")
    assert response.headers["content-type"].startswith("text/javascript")
    assert 'const BRAND_COLOUR = "#0a5c36";' in response.text
    assert f'const ALLOWED_ORIGINS = ["{SITE}"];' in response.text
    css = client(page_of(BrandSettings(colour="#0A5C36"))).get("/brand.css")
    assert css.text.strip() == ":root { --brand: #0a5c36; }"


def test_the_logo_is_served_from_here_and_runs_nothing(tmp_path: Path) -> None:
    logo = tmp_path / "logo.svg"
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    served = client(page_of(BrandSettings(logo_file=logo))).get("/brand/logo")
    assert served.headers["content-type"] == "image/svg+xml"
    assert "sandbox" in served.headers["content-security-policy"]
    assert brand_in(client(page_of(BrandSettings(logo_file=logo))).get("/").text)["logo"] == (
        "/brand/logo"
    )
    assert client(page_of(BrandSettings())).get("/brand/logo").status_code == 404


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("colour", "blue", "#rrggbb"),
        ("colour", "#ffd700", "contrast"),  # white text on gold is unreadable
        ("logo_file", "/nonexistent/logo.png", "no logo file"),
        ("logo_file", "/etc/hostname", "a logo is one of"),
        ("privacy_url", "javascript:alert(1)", "http:// or https://"),
        ("name_ru", "я" * 81, "at most 80"),
    ],
)
def test_a_wrong_brand_setting_is_refused_with_its_reason(
    field: str, value: str, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        BrandSettings.model_validate({field: value})


def test_a_large_logo_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "logo.png"
    big.write_bytes(b"\x89PNG" + b"\0" * 300_000)
    with pytest.raises(ValidationError, match="over 256 KB"):
        BrandSettings(logo_file=big)


@pytest.mark.parametrize(
    "origin", ["https://bank.example/chat", "https://*.bank.example", "bank.example", "*"]
)
def test_an_embed_origin_is_a_scheme_and_a_host(origin: str) -> None:
    with pytest.raises(ValidationError, match="is not an origin"):
        ChatSettings(embed_origins=[origin])


def test_embed_origins_come_comma_separated_from_the_environment() -> None:
    chat = ChatSettings.model_validate({"embed_origins": "https://A.example, http://b:8080"})
    assert chat.embed_origins == ["https://a.example", "http://b:8080"]


def test_contrast_is_wcags() -> None:
    assert contrast_with_white("#000000") == pytest.approx(21.0)
    assert contrast_with_white("#ffffff") == pytest.approx(1.0)
