"""The assistant's own answers through the router: an external upstream writes them only when
no message has personal data; a private one writes them all."""

from __future__ import annotations

from pathlib import Path

from langchain_core.messages import HumanMessage, SystemMessage

from bot.gateway.answers import RoutedChatModel
from bot.gateway.screening import Screen
from bot.privacy.detector import PiiDetector
from bot.settings import Settings
from integrations.llm import ScriptedChatModel


def routed(external: bool) -> tuple[RoutedChatModel, ScriptedChatModel, ScriptedChatModel]:
    local = ScriptedChatModel(reply="локальный ответ")
    upstream = ScriptedChatModel(reply="ответ побольше")
    model = RoutedChatModel(
        local=local, upstream=upstream, upstream_external=external, screen=Screen(PiiDetector())
    )
    return model, local, upstream


CLEAN = [SystemMessage("Отвечай по документам."), HumanMessage("Сколько стоит карта?")]
PERSONAL = [SystemMessage("Отвечай по документам."), HumanMessage("Мой телефон +7 916 123-45-67")]


async def test_an_external_upstream_writes_only_answers_free_of_personal_data() -> None:
    model, local, upstream = routed(external=True)
    streamed = "".join([str(c.content) async for c in model.astream(CLEAN)])
    assert streamed == "ответ побольше" and len(upstream.prompts) == 1
    assert (await model.ainvoke(PERSONAL)).content == "локальный ответ"
    assert model.invoke(PERSONAL).content == "локальный ответ"
    assert len(upstream.prompts) == 1 and len(local.prompts) == 2
    assert all("916" not in str(m.content) for p in upstream.prompts for m in p)


async def test_a_private_upstream_writes_them_all() -> None:
    model, local, upstream = routed(external=False)
    assert (await model.ainvoke(PERSONAL)).content == "ответ побольше"
    assert local.prompts == [] and len(upstream.prompts) == 1


def test_the_container_routes_answers_only_when_the_settings_name_an_upstream(
    tmp_path: Path,
) -> None:
    from bot.container import Container

    plain = Container(Settings(data_dir=tmp_path))
    assert plain.answer_model is plain.chat_backend.model
    cloud = {"name": "cloud", "base_url": "https://llm.example/v1", "zone": "external",
             "models": ["large"]}  # fmt: skip
    gateway = {"upstreams": [cloud], "allow_external": True, "answers_upstream": "cloud"}
    routed = Container(Settings(data_dir=tmp_path, gateway=gateway))  # type: ignore[arg-type]
    model = routed.answer_model
    assert isinstance(model, RoutedChatModel)
    assert model.upstream_external and model.local is routed.chat_backend.model
