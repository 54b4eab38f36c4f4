"""A serving process multiplies small matrices for many customers at once: its BLAS runs on
``embeddings.blas_threads`` threads (1 by default), because OpenBLAS's extra threads busy-wait
between calls (three quarters of a core at 47 replies/s in ``benchmarks/load.py``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from bot.settings import Settings

PROBE = """
import json, os, numpy
from threadpoolctl import threadpool_info
from bot.cli.runtime import limit_blas_threads
limit_blas_threads({threads})
print(json.dumps({{
    "blas": sorted({{i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"}}),
    "env": os.environ.get("OPENBLAS_NUM_THREADS"),
}}))
"""


def probe(threads: int, **env: str) -> dict[str, object]:
    clean = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(threads=threads)],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_the_default_is_one_thread(clean_env: None) -> None:
    assert Settings().embeddings.blas_threads == 1


def test_blas_loaded_now_and_later_uses_the_setting() -> None:
    assert probe(1) == {"blas": [1], "env": "1"}
    assert probe(2) == {"blas": [2], "env": "2"}


def test_a_variable_the_bank_set_is_kept_for_libraries_loaded_later() -> None:
    assert probe(1, OPENBLAS_NUM_THREADS="2")["env"] == "2"
