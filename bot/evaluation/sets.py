"""Evaluation sets: a folder holds ``cases.yaml``, the bank's ``kb/`` and, optionally, the
sandbox bank's ``bank.json``; each set runs on its own fresh instance.

``examples/eval`` is the set the team tunes on; ``evals/holdout-*`` were written by authors
who never saw the code, the rules or the tuning cases, and are reported, not tuned on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.evaluation.cases import EvalCase

CASES_FILE = "cases.yaml"
KB_FOLDER = "kb"
BANK_FILE = "bank.json"


class SetError(Exception):
    pass


@dataclass(frozen=True, slots=True)
class EvalSet:
    name: str
    cases: Path
    kb: Path
    bank: Path | None


def from_folder(folder: Path) -> EvalSet:
    """The set in ``folder``, or a SetError naming what is missing."""
    cases, kb, bank = folder / CASES_FILE, folder / KB_FOLDER, folder / BANK_FILE
    if not cases.is_file():
        raise SetError(f"{folder}: no {CASES_FILE}")
    if not kb.is_dir():
        raise SetError(f"{folder}: no {KB_FOLDER}/ folder")
    return EvalSet(_name(folder), cases, kb, bank if bank.is_file() else None)


def _name(folder: Path) -> str:
    resolved = folder.resolve()
    return resolved.name if resolved.name != "eval" else resolved.parent.name


def per_route(cases: Sequence[EvalCase], limit: int | None) -> list[EvalCase]:
    """The first ``limit`` cases of each expected route, in file order (a quick subset that
    still covers every route); all of them without a limit."""
    if limit is None:
        return list(cases)
    taken: dict[str, int] = {}
    chosen = []
    for case in cases:
        seen = taken.get(case.expect.route, 0)
        if seen < limit:
            taken[case.expect.route] = seen + 1
            chosen.append(case)
    return chosen
