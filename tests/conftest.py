"""Shared fixtures: real models from the user-level cache, isolated data directories."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Frame, Page, sync_playwright

from bot.settings import Settings, load_settings
from integrations.llm.catalog import MODELS
from integrations.llm.fetch import fetch_model
from rag.embeddings import UniversalSentenceEncoderEmbeddings

ROOT = Path(__file__).resolve().parents[1]
KB_DIR = ROOT / "examples" / "kb"
CASES = ROOT / "examples" / "eval" / "cases.yaml"
BANK = ROOT / "examples" / "bank.json"  # the sandbox ABS's demo bank
TEST_MODEL = "qwen2.5-coder-0.5b"


def cache_dir() -> Path:
    return Settings().cache_dir


@pytest.fixture(scope="session")
def test_gguf() -> Path:
    """The small real model the suite runs on (fetched once into the user cache)."""
    return fetch_model(MODELS[TEST_MODEL], cache_dir())


@pytest.fixture(scope="session")
def tiny_gguf() -> Path:
    """A 98 MB English model (SmolLM2 135M): for model servers whose words do not matter,
    only that they are real and fast (fetched once into the user cache)."""
    return fetch_model(MODELS["smollm2-135m"], cache_dir())


@pytest.fixture(scope="session")
def use_embeddings() -> UniversalSentenceEncoderEmbeddings:
    """The multilingual Universal Sentence Encoder, loaded once for the whole session: a test
    that only needs some real embeddings shares it (they keep no state between calls)."""
    embeddings = UniversalSentenceEncoderEmbeddings()
    embeddings.load()
    return embeddings


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No PERIMETER_* from the developer's shell or a .env file leaks into a test."""
    for name in list(os.environ):
        if name.startswith("PERIMETER_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def make_settings(tmp_path: Path, gguf: Path | None = None, **env: str) -> Settings:
    """Settings for an isolated test instance: its own data dir, SQLite and local Qdrant."""
    overrides: dict[str, object] = {
        "data_dir": tmp_path / "data",
        "kb_dir": KB_DIR,
        "llm": {
            "backend": "llamacpp",
            "gguf_path": gguf,
            "max_tokens": 96,
            "first_token_timeout_s": 120,
            "timeout_s": 240,
        },
    }
    overrides.update(env)
    return load_settings(**overrides)


@pytest.fixture(scope="module")
def sandbox_flags() -> tuple[str, ...]:
    """Extra flags of the module's sandbox ABS; a module overrides this fixture to change
    them, e.g. ``("--otp-resend-s", "0")``."""
    return ()


@pytest.fixture(scope="module")
def sandbox_bank() -> Path:
    """The seed file of the module's sandbox ABS: the demo bank; a module overrides this
    fixture to serve other customers as well."""
    return BANK


@pytest.fixture(scope="module")
def sandbox(sandbox_bank: Path, sandbox_flags: tuple[str, ...]) -> Iterator[str]:
    """The sandbox ABS seeded with ``sandbox_bank`` (the demo bank unless the module says
    otherwise), as a real process; its base URL (the token is
    ``tests.support.servers.SANDBOX_TOKEN``). One per test module."""
    from tests.support.servers import sandbox_server

    with sandbox_server(sandbox_bank, *sandbox_flags) as url:
        yield url


def _postgres(worker_id: str, purpose: str) -> str:
    from tests.support.postgres import ensure_database

    url = os.environ.get("PERIMETER_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("PERIMETER_TEST_POSTGRES_URL not set (.ci/run starts PostgreSQL and sets it)")
    name = f"{url.rpartition('/')[2]}_{purpose}_{worker_id}"
    # A thread of its own: an async fixture may ask for this one inside a running loop.
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, ensure_database(url, name)).result()


@pytest.fixture(scope="session")
def postgres_url(worker_id: str) -> str:
    """A PostgreSQL database of this test process (pytest-xdist workers each get their own)
    for the storage contracts, which migrate it once and empty it before each test."""
    return _postgres(worker_id, "contracts")


@pytest.fixture(scope="session")
def postgres_scratch_url(worker_id: str) -> str:
    """Another database of this test process, for tests that drop and migrate at will."""
    return _postgres(worker_id, "scratch")


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Redis of this test process, shared by its tests (each uses its own keys or
    flushes it)."""
    from tests.support.redis import redis_server

    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's headless Chromium through Playwright (one per test module)."""
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is required: apt-get install chromium (make test does)")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="ru-RU")
    tab = context.new_page()
    yield tab
    context.close()


# Screenshots and accessibility results the browser tests leave for people to look at.
ARTIFACTS = Path(os.environ.get("PERIMETER_TEST_ARTIFACTS", "var/test-artifacts"))


class Artifacts:
    """``var/test-artifacts`` (or ``PERIMETER_TEST_ARTIFACTS``): screenshots/, axe/."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def screenshot(self, page: Page, name: str) -> Path:
        path = self.root / "screenshots" / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), full_page=False)
        return path

    def audit(self, name: str, target: Page | Frame) -> list[str]:
        """axe on ``target``, its results kept as axe/<name>.json; the serious violations."""
        import json

        from tests.support.axe import audit

        found = audit(target)
        path = self.root / "axe" / f"{name}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        rules = sorted({f"{v['id']} ({v.get('impact')})" for v in found.violations})
        report = {"by_impact": found.by_impact, "serious": found.serious, "rules": rules}
        path.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
        return found.serious


@pytest.fixture(scope="session")
def artifacts() -> Artifacts:
    return Artifacts(ARTIFACTS)
