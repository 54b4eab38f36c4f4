"""The workbench's pure parts: a zip unpacked within bounds, a line diff, a snippet."""

from __future__ import annotations

import io
import zipfile

import pytest

from bot.content.workbench import MAX_FILES, diff_rows, snippet, unpack
from bot.http.errors import InvalidInput, TooLarge


def zipped(entries: dict[str, str | bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in entries.items():
            z.writestr(name, body)
    return out.getvalue()


def test_a_zip_gives_its_files_by_their_own_names() -> None:
    files = unpack(
        zipped(
            {
                "folder/a.md": "x",
                "deep/er/c.md": "y",  # a folder of the archive's: the name alone is kept
                "../../etc/passwd.md": "no",  # a path up and out: skipped
                "__MACOSX/._a.md": "junk",
                ".hidden/b.md": "junk",
                "notes.exe": "z",
            }
        )
    )
    assert files == [("a.md", b"x"), ("c.md", b"y"), ("notes.exe", b"")]


def test_a_zip_out_of_bounds_is_refused_before_it_is_read() -> None:
    with pytest.raises(InvalidInput, match="not a zip"):
        unpack(b"PK but not really")
    with pytest.raises(InvalidInput, match="no files"):
        unpack(zipped({"__MACOSX/x": "junk"}))
    with pytest.raises(InvalidInput, match=f"at most {MAX_FILES}"):
        unpack(zipped({f"{n}.md": "x" for n in range(MAX_FILES + 1)}))
    with pytest.raises(TooLarge, match="unpacks to over"):
        unpack(zipped({"big.md": "я" * (60 * 1024 * 1024)}))


def test_diff_rows_pair_the_lines_of_two_versions() -> None:
    rows = diff_rows(["a", "b", "c"], ["a", "B", "c", "d"])
    assert [(r.kind, r.left, r.right, r.left_line, r.right_line) for r in rows] == [
        ("equal", "a", "a", 1, 1),
        ("replace", "b", "B", 2, 2),
        ("equal", "c", "c", 3, 3),
        ("insert", None, "d", None, 4),
    ]


def test_a_snippet_is_around_the_match() -> None:
    text = "начало " + "слово " * 100 + "ИСКОМОЕ место " + "хвост " * 100
    found = snippet(text, "искомое")
    assert "ИСКОМОЕ" in found and found.startswith("…") and found.endswith("…")
    assert len(found) <= 170
