"""The evaluation case format (fixed; other test sets are written in it)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

ExpectedRoute = Literal[
    "answer", "action", "handoff", "auth_required", "smalltalk", "out_of_scope", "clarify"
]
ActionName = Literal[
    "check_balance", "next_payment", "card_status", "block_card", "recent_transactions"
]


class Expectation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    route: ExpectedRoute
    action: ActionName | None = None
    sources: list[str] = Field(default_factory=list)
    contains: list[str] = Field(default_factory=list)
    not_contains: list[str] = Field(default_factory=list)


class EvalCase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    text: str | None = None
    turns: list[str] | None = None
    customer: str | None = None
    expect: Expectation

    @model_validator(mode="after")
    def _one_of_text_turns(self) -> EvalCase:
        if (self.text is None) == (self.turns is None):
            raise ValueError("give exactly one of `text` or `turns`")
        if self.turns is not None and (not self.turns or not all(self.turns)):
            raise ValueError("`turns` must be a non-empty list of non-empty strings")
        return self

    @property
    def messages(self) -> list[str]:
        return self.turns if self.turns is not None else [self.text or ""]


class CaseFileError(Exception):
    pass


def load_cases(path: Path) -> list[EvalCase]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CaseFileError(f"{path}: cannot read ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise CaseFileError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(raw, list):
        raise CaseFileError(f"{path}: expected a list of cases")
    cases: list[EvalCase] = []
    seen: set[str] = set()
    for index, item in enumerate(raw, start=1):
        name = item.get("id") if isinstance(item, dict) else None
        label = f"case #{index}" + (f" ({name})" if name else "")
        try:
            case = EvalCase.model_validate(item)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'case'}: {e['msg']}" for e in exc.errors()
            )
            raise CaseFileError(f"{path}: {label}: {problems}") from None
        if case.id in seen:
            raise CaseFileError(f"{path}: {label}: duplicate id")
        seen.add(case.id)
        cases.append(case)
    return cases
