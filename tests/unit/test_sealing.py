"""Messages kept as typed are sealed with the bank's key, and open with it only."""

from __future__ import annotations

import pytest

from bot.privacy.sealing import FernetSealer, SealError, new_key


def test_a_sealed_text_opens_with_its_key_only() -> None:
    sealer = FernetSealer(new_key())
    sealed = sealer.seal("карта 4276 3801 2345 6787")
    assert "4276" not in sealed
    assert sealer.open(sealed) == "карта 4276 3801 2345 6787"
    with pytest.raises(SealError, match="does not open"):
        FernetSealer(new_key()).open(sealed)


def test_a_key_that_is_not_a_fernet_key_is_refused_with_how_to_make_one() -> None:
    with pytest.raises(SealError, match="perimeter privacy new-key"):
        FernetSealer("not-a-key")
