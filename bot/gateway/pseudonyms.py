"""Pseudonymization: personal data replaced by placeholders on the way out, put back on the
way in. The table of what each placeholder stands for lives in the request's own object, in
this process, and dies with it: nothing outside the bank can reverse a placeholder.

«Напиши письмо Петрову И. С., тел. +7 916 123-45-67» goes out as «Напиши письмо [NAME_1]
И. С., тел. [PHONE_1]»; the answer «Уважаемый [NAME_1] …» comes back as «Уважаемый Петрову …».
The same value is the same placeholder everywhere in the request.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.gateway.screening import Screening

_PLACEHOLDER = re.compile(r"\[([A-Z]{2,10})_(\d{1,4})\]")
_LONGEST_PLACEHOLDER = 18


class Pseudonyms:
    """One request's placeholders."""

    def __init__(self) -> None:
        self._by_value: dict[str, str] = {}
        self._by_placeholder: dict[str, str] = {}
        self._counts: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._by_placeholder)

    def mask(self, text: str, screening: Screening) -> str:
        """``text`` with every span of ``screening`` (made over this text) replaced."""
        parts: list[str] = []
        at = 0
        for span in screening.spans:
            parts.append(text[at : span.start])
            parts.append(self._placeholder(span.kind, text[span.start : span.end]))
            at = span.end
        parts.append(text[at:])
        return "".join(parts)

    def _placeholder(self, kind: str, value: str) -> str:
        found = self._by_value.get(value)
        if found is not None:
            return found
        label = kind.upper()
        self._counts[label] = self._counts.get(label, 0) + 1
        placeholder = f"[{label}_{self._counts[label]}]"
        self._by_value[value] = placeholder
        self._by_placeholder[placeholder] = value
        return placeholder

    def restore(self, text: str) -> str:
        """``text`` with the placeholders this request made put back (others left alone)."""
        return _PLACEHOLDER.sub(lambda m: self._by_placeholder.get(m.group(), m.group()), text)

    def restorer(self) -> StreamRestorer:
        return StreamRestorer(self)


class StreamRestorer:
    """Puts values back into a streamed answer: a piece that may end inside a placeholder is
    held until the placeholder is whole (at most a few characters)."""

    def __init__(self, pseudonyms: Pseudonyms) -> None:
        self._pseudonyms = pseudonyms
        self._held = ""

    def feed(self, piece: str) -> str:
        text = self._held + piece
        cut = text.rfind("[")
        if cut != -1 and "]" not in text[cut:] and len(text) - cut < _LONGEST_PLACEHOLDER:
            self._held = text[cut:]
            text = text[:cut]
        else:
            self._held = ""
        return self._pseudonyms.restore(text)

    def flush(self) -> str:
        held, self._held = self._held, ""
        return self._pseudonyms.restore(held)


def mask_all(
    pseudonyms: Pseudonyms, texts: Sequence[str], screenings: Sequence[Screening]
) -> list[str]:
    return [pseudonyms.mask(t, s) for t, s in zip(texts, screenings, strict=True)]
