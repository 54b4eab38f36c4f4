"""axe-core (the package axe-playwright-python carries it, served from disk) in Chromium:
the accessibility violations of a page or a frame."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Frame, Page

SERIOUS = ("serious", "critical")


@dataclass(frozen=True)
class Audit:
    violations: list[dict[str, Any]]

    @property
    def by_impact(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for v in self.violations:
            counts[str(v.get("impact"))] = counts.get(str(v.get("impact")), 0) + 1
        return counts

    @property
    def serious(self) -> list[str]:
        """The serious and critical violations as «rule (impact): selectors» lines."""
        return [
            f"{v['id']} ({v['impact']}): {', '.join(str(n['target']) for n in v['nodes'][:3])}"
            for v in self.violations
            if v.get("impact") in SERIOUS
        ]


def audit(target: Page | Frame) -> Audit:
    """axe's WCAG 2.x A/AA and best-practice rules on ``target`` as it is now."""
    return Audit(list(Axe().run(target).response["violations"]))
