"""The egress allow-list names the gateway's upstreams: private ones always, external ones
only when the settings allow external upstreams at all."""

from __future__ import annotations

from bot.egress import allowed_hosts
from bot.settings import Settings

UPSTREAMS = [
    {"name": "big", "base_url": "http://vllm-72b.bank.local:8000/v1", "zone": "private",
     "models": ["qwen2.5-72b"]},
    {"name": "cloud", "base_url": "https://llm.provider.example/v1", "zone": "external",
     "models": ["provider-large"]},
]  # fmt: skip


def test_external_upstreams_are_not_in_the_allow_list_while_off() -> None:
    hosts = allowed_hosts(Settings(gateway={"upstreams": UPSTREAMS}))  # type: ignore[arg-type]
    assert "vllm-72b.bank.local" in hosts
    assert "llm.provider.example" not in hosts


def test_allowing_external_upstreams_names_them() -> None:
    settings = Settings(gateway={"upstreams": UPSTREAMS, "allow_external": True})  # type: ignore[arg-type]
    assert "llm.provider.example" in allowed_hosts(settings)
