"""The Dockerfile: a portable llama.cpp, torch only on request, non-root, liveness on
/healthz, and defaults that point at the bank's folders rather than the demo bank's."""

from __future__ import annotations

import json
import re

from tests.deploy.files import (
    MAKEFILE,
    dockerfile_env,
    dockerfile_instructions,
    final_stage,
    setting_names,
)


def makefile_llama_flags() -> list[str]:
    text = re.sub(r"\\\n\s*", " ", MAKEFILE.read_text(encoding="utf-8"))
    found = re.search(r"^LLAMA_CMAKE_ARGS\s*:=\s*(.+)$", text, re.MULTILINE)
    assert found, "the Makefile no longer defines LLAMA_CMAKE_ARGS"
    return found.group(1).split()


def args(keyword: str) -> list[str]:
    return [a for k, a in dockerfile_instructions() if k == keyword]


def test_llama_cpp_is_built_with_the_makefiles_portable_flags() -> None:
    declared = next(a for a in args("ARG") if a.startswith("LLAMA_CMAKE_ARGS="))
    flags = declared.partition("=")[2].strip('"').split()
    assert flags == makefile_llama_flags()
    assert "-DGGML_NATIVE=OFF" in flags
    assert 'CMAKE_ARGS="$LLAMA_CMAKE_ARGS" pip install' in " ".join(args("RUN"))


def test_torch_only_when_the_sentence_transformers_extra_is_asked_for() -> None:
    assert 'EXTRAS=""' in args("ARG")
    install = next(a for a in args("RUN") if "torch" in a)
    torch_branch = install.split("elif")[0]
    assert '[ "$EXTRAS" = "sentence-transformers" ]' in torch_branch
    assert "torch==" in torch_branch
    assert 'pip install --constraint constraints.txt ".${EXTRAS:+[$EXTRAS]}"' in install
    assert "--extra-index-url" not in install  # one index per package


def test_the_image_runs_as_uid_10001_with_perimeter_as_entrypoint() -> None:
    final = final_stage(dockerfile_instructions())
    users = [a for k, a in final if k == "USER"]
    assert users == ["10001:10001"]
    entrypoints = [json.loads(a) for k, a in final if k == "ENTRYPOINT"]
    assert entrypoints == [["perimeter"]], "exec form, so perimeter itself gets SIGTERM"
    assert any(k == "VOLUME" and "/data" in a for k, a in final)


def test_the_images_own_healthcheck_is_liveness() -> None:
    checks = [a for k, a in final_stage(dockerfile_instructions()) if k == "HEALTHCHECK"]
    assert len(checks) == 1
    assert "/healthz" in checks[0]


def test_the_defaults_point_at_the_banks_folders_not_the_demo() -> None:
    env = dockerfile_env()
    assert env["PERIMETER_KB_DIR"] == "/kb"
    assert env["PERIMETER_LOG_FORMAT"] == "json"
    assert not any("examples" in value for value in env.values())
    perimeter = {name for name in env if name.startswith("PERIMETER_")}
    assert perimeter <= setting_names(), sorted(perimeter - setting_names())


def test_the_base_image_is_one_build_argument() -> None:
    froms = args("FROM")
    assert froms == ["${PYTHON_IMAGE} AS build", "${PYTHON_IMAGE}"]
    base = next(a for a in args("ARG") if a.startswith("PYTHON_IMAGE="))
    assert re.fullmatch(r"PYTHON_IMAGE=python:3\.11\.\d+-slim-\w+", base), base
