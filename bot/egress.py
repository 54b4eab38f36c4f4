"""Where Perimeter may connect: the hosts of the services the settings name, and no other.

Nothing leaves the bank but to these: the core banking API, the model server (Ollama or an
OpenAI-compatible one), Qdrant's server, PostgreSQL, Telegram's Bot API (or the bank's
proxy for it) when a bot token is set, the gateway's upstreams (an external one only with
``gateway.allow_external``) — plus loopback. The e2e suite runs the product with
every outbound connection recorded and fails on one to any other host
(``tests/e2e/test_egress.py``); telemetry of the libraries is off (``bot.cli.runtime``).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from bot.settings import Settings

LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


def allowed_hosts(settings: Settings) -> frozenset[str]:
    """Every host the settings send Perimeter to, with loopback."""
    urls = [
        settings.core_banking.base_url,
        settings.llm.ollama_host,
        settings.llm.openai_base_url,
        settings.qdrant.url,
        settings.database.url,
        settings.telegram.api_base if settings.telegram.token is not None else None,
        *(
            upstream.base_url
            for upstream in settings.gateway.upstreams
            if upstream.zone == "private" or settings.gateway.allow_external
        ),
    ]
    hosts = {host for url in urls if url for host in [_host(url)] if host}
    return frozenset(hosts | LOOPBACK)


def _host(url: str) -> str | None:
    if "://" not in url:
        url = f"http://{url}"  # «127.0.0.1:11434», as Ollama's host is often written
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None
