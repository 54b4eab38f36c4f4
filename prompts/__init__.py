"""Prompt templates and user-visible texts, as versioned files per language.

``prompts/<lang>/<name>.j2`` rendered by Jinja2 with ``StrictUndefined``: a missing variable is
an error, never an empty string in front of a customer.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound

from prompts.formatting import day, money

LANGUAGES = ("ru", "en")
_ROOT = Path(__file__).parent


class PromptNotFound(LookupError):
    pass


class PromptLibrary:
    """Renders ``<lang>/<name>.j2``; implements the dialogue core's ``TextCatalog`` port.

    ``bank`` names the bank per language: every template sees it as ``bank`` ("" when the
    bank has not set it, and the texts then say «банк» / "the bank"). ``overrides`` are the
    bank's own texts for some templates, by (name, language), given as they are: plain text
    from the settings is never rendered as a template.
    """

    def __init__(
        self,
        root: Path = _ROOT,
        *,
        bank: Mapping[str, str] | None = None,
        overrides: Mapping[tuple[str, str], str] | None = None,
    ) -> None:
        self._root = root
        self._bank = dict(bank or {})
        self._overrides = {key: text for key, text in (overrides or {}).items() if text.strip()}
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
        if (own := self._overrides.get((name, lang))) is not None:
            return own.strip()
        try:
            template = self._env.get_template(f"{lang}/{name}.j2")
        except TemplateNotFound as exc:
            raise PromptNotFound(f"{lang}/{name}.j2") from exc
        return template.render({"lang": lang, "bank": self._bank.get(lang, ""), **values}).strip()

    def names(self, lang: str) -> list[str]:
        return sorted(p.stem for p in (self._root / lang).glob("*.j2"))


@lru_cache(maxsize=1)
def default_library() -> PromptLibrary:
    return PromptLibrary()
