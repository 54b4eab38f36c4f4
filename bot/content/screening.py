"""What a draft adds that a second pair of eyes must see before customers do (the review's M9).

Knowledge-base text reaches customers verbatim (curated answers, quoted lines) and the model
reads every passage. A draft is **flagged** when it brings:

- contact details the published knowledge base does not have yet: phone numbers, e-mail
  addresses, web addresses, account and card numbers (a planted «звоните +7 …» or
  «переводите на счёт …» is how a fraud would use the bot);
- text addressed to the assistant rather than to customers («игнорируй инструкции»,
  «ignore previous instructions», «ты теперь …», chat-template tokens).

A flagged draft is published only by an editor other than its author (``ContentService``);
with ``content.two_person_publish`` every draft is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.privacy.detector import PiiDetector
from bot.privacy.kinds import PiiKind

_CONTACT_KINDS = frozenset({PiiKind.PHONE, PiiKind.EMAIL, PiiKind.ACCOUNT, PiiKind.CARD})
_URL = re.compile(r"(?<![\w.-])(?:https?://|www\.)[\w.-]{1,253}(?:/[^\s<>\"')]{0,200})?", re.I)
_TO_THE_MODEL = re.compile(
    r"(?:игнориру\w{0,4}|забудь\w{0,2}|не\s+обращай\s+внимания\s+на)\s+(?:\w+\s+){0,3}"
    r"(?:инструкци|правил|указани|промпт)"
    r"|ignore\s+(?:all\s+|the\s+|any\s+)?(?:previous|prior|above|earlier|system)"
    r"|disregard\s+(?:all\s+|the\s+)?(?:previous|prior|above|instructions)"
    r"|системн\w{1,3}\s+промпт|system\s+prompt"
    r"|(?:^|[.!?]\s{0,3})(?:ты\s+теперь|теперь\s+ты|you\s+are\s+now|act\s+as)\b"
    r"|(?:ассистент|бот|модель|assistant)\s{0,2}(?:должен|должна|обязан|must|should)\s"
    r"|скажи\s+клиенту|tell\s+the\s+customer"
    r"|<\|im_start\|>|<\|im_end\|>|<\|system\|>|\[INST\]|<</?SYS>>",
    re.IGNORECASE | re.MULTILINE,
)


class DraftScreen:
    def __init__(self, detector: PiiDetector | None = None) -> None:
        self._detector = detector or PiiDetector()  # the rules only: no names needed here

    def contacts(self, text: str) -> set[str]:
        """Phones, e-mails, URLs, account and card numbers in ``text``, normalised."""
        found = {
            _normal(text[f.start : f.end])
            for f in self._detector.find(text)
            if f.kind in _CONTACT_KINDS
        }
        found |= {m.group(0).lower().rstrip("./") for m in _URL.finditer(text)}
        return found

    def reasons(self, draft: str, published: Iterable[str]) -> list[str]:
        """Why ``draft`` needs a second editor, given the texts already published."""
        known: set[str] = set()
        for text in published:
            known |= self.contacts(text)
        reasons = []
        new = sorted(self.contacts(draft) - known)
        if new:
            shown = ", ".join(new[:5]) + (" …" if len(new) > 5 else "")
            reasons.append(f"contact details new to the knowledge base: {shown}")
        addressed = [m.group(0).strip() for m in _TO_THE_MODEL.finditer(draft)]
        if addressed:
            reasons.append(f"text addressed to the assistant: «{addressed[0][:60]}»")
        return reasons


def _normal(value: str) -> str:
    digits = "".join(c for c in value if c.isdigit())
    if "@" in value:
        return value.lower()
    if len(digits) == 11 and digits[0] in "78":
        return "7" + digits[1:]  # 8 800 … and +7 800 … are one number
    return digits
