"""The personal-data detector: what is where in a text, and the text with it replaced.

``PiiDetector.find`` runs the recognizers of ``numbers`` and ``words`` (and natasha's NER
for names) and keeps, of overlapping findings, the longest. ``redact`` replaces each with
its placeholder (``kinds.PLACEHOLDERS``): «карта 4276 3801 2345 6787» → «карта [карта ••6787]».
"""

from __future__ import annotations

from bot.privacy.kinds import PLACEHOLDERS, Finding, PiiKind
from bot.privacy.numbers import find_numbers
from bot.privacy.words import NameTagger, find_addresses, find_emails, find_introduced_names

MAX_CHARS = 20_000  # longer texts are cut before they are scanned: the rest is redacted whole


class PiiDetector:
    def __init__(self, *, names: NameTagger | None = None) -> None:
        """``names`` None: no NER (names only from «меня зовут …» phrases)."""
        self._names = names

    def find(self, text: str) -> list[Finding]:
        """The personal data in ``text``, in order, without overlaps."""
        text = text[:MAX_CHARS]
        found = [
            *find_emails(text),
            *find_numbers(text),
            *find_addresses(text),
            *find_introduced_names(text),
        ]
        if self._names is not None:
            found.extend(self._names.names(text))
        return _without_overlaps(found)

    def redact(self, text: str) -> str:
        """``text`` with every finding replaced by its placeholder."""
        return self.redact_and_find(text)[0]

    def redact_and_find(self, text: str) -> tuple[str, list[Finding]]:
        """The redacted text and what was replaced."""
        found = self.find(text)
        parts: list[str] = []
        at = 0
        for finding in found:
            parts.append(text[at : finding.start])
            parts.append(placeholder(finding, text[finding.start : finding.end]))
            at = finding.end
        if len(text) > MAX_CHARS:
            parts.append(text[at:MAX_CHARS])
            parts.append(" […]")
        else:
            parts.append(text[at:])
        return "".join(parts), found


def placeholder(finding: Finding, value: str) -> str:
    digits = "".join(c for c in value if c.isdigit())
    return PLACEHOLDERS[finding.kind].format(last4=digits[-4:])


# Of two findings over the same characters the longer wins; at equal length, the kind
# that is surer (checked digits before words, a NER name before an address guess).
_RANK = {kind: rank for rank, kind in enumerate(PiiKind)}


def _without_overlaps(found: list[Finding]) -> list[Finding]:
    chosen: list[Finding] = []
    for finding in sorted(found, key=lambda f: (-(f.end - f.start), _RANK[f.kind], f.start)):
        if all(finding.end <= c.start or finding.start >= c.end for c in chosen):
            chosen.append(finding)
    return sorted(chosen, key=lambda f: f.start)
