"""Prompt templates and user-visible texts, as versioned files per language.

``prompts/<lang>/<name>.j2`` rendered by Jinja2 with ``StrictUndefined``: a missing variable is
an error, never an empty string in front of a customer.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound

from prompts.formatting import day, money

LANGUAGES = ("ru", "en")
_ROOT = Path(__file__).parent


class PromptNotFound(LookupError):
    pass


class PromptLibrary:
    """Renders ``<lang>/<name>.j2``; implements the dialogue core's ``TextCatalog`` port."""

    def __init__(self, root: Path = _ROOT) -> None:
        self._env = Environment(
            loader=FileSystemLoader(str(root)),
            undefined=StrictUndefined,
            autoescape=False,  # noqa: S701 - plain-text prompts, never HTML
            keep_trailing_newline=False,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self._env.filters["money"] = money
        self._env.filters["day"] = day

    def render(self, name: str, lang: str, /, **values: object) -> str:
        if lang not in LANGUAGES:
            raise PromptNotFound(f"unsupported language {lang!r}")
        try:
            template = self._env.get_template(f"{lang}/{name}.j2")
        except TemplateNotFound as exc:
            raise PromptNotFound(f"{lang}/{name}.j2") from exc
        return template.render(lang=lang, **values).strip()

    def names(self, lang: str) -> list[str]:
        return sorted(p.stem for p in (_ROOT / lang).glob("*.j2"))


@lru_cache(maxsize=1)
def default_library() -> PromptLibrary:
    return PromptLibrary()
