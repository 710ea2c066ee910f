"""Attachments: how a file is fenced for Case.dev, shown in the transcript, and refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_app.core.attachments import Attachment, attached_line, fence_for, fenced, format_size, shown_text, typed_text
from tui_app.server import demo_agent
from tui_app.workspace.attachment_files import AttachmentRefused, read_attachment, read_attachments


def test_the_fence_is_longer_than_any_in_the_file() -> None:
    assert fence_for("plain text") == "```"
    assert fence_for("```python\nx\n```") == "````"
    assert fence_for("a ````` b ``` c") == "``````"
    assert fence_for("`` inline `code` only") == "```"


def test_a_fenced_file_is_read_back_whole_by_the_demo_agent() -> None:
    content = "````md\n```\nnested\n```\n````\nno newline at the end"
    block = fenced(Attachment("a.md", content, len(content)))
    assert block.startswith("`````a.md\n") and block.endswith("\n`````")
    # The demo agent (the server side) finds the same file, the newline the fence needs added.
    assert demo_agent.fenced_files(f"look\n{block}") == [("a.md", len(content) + 1)]


def test_the_transcript_line_says_what_went_with_the_message() -> None:
    files = (Attachment("notes.md", "x", 1234), Attachment("a.txt", "y", 80))
    assert attached_line(files) == "attached: notes.md (1.2 KiB), a.txt (80 B)"
    assert shown_text("hi", files) == "hi\n\nattached: notes.md (1.2 KiB), a.txt (80 B)"
    assert shown_text("hi", ()) == "hi"
    assert format_size(3 * 2**20) == "3.0 MiB"


def test_a_text_file_is_read_with_its_name_and_size(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("héllo\n", encoding="utf-8")
    attachment = read_attachment("notes.md", 1024, cwd=tmp_path)
    assert attachment == Attachment("notes.md", "héllo\n", 7, "notes.md")


def test_a_home_relative_path_is_expanded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "todo.txt").write_text("x", encoding="utf-8")
    assert read_attachment("~/todo.txt", 10).content == "x"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"PNG\0\x01\x02", "notes.md is a binary file: only text files can be attached."),
        (b"caf\xe9\n", "notes.md is not UTF-8 text: only text files can be attached."),
        (b"x" * 2049, "notes.md is 2.0 KiB, over the 2.0 KiB limit for an attachment (the max_attachment_kib setting, F2)."),
    ],
)
def test_binary_non_utf8_and_oversized_files_are_refused_with_the_reason(tmp_path: Path, data: bytes, reason: str) -> None:
    (tmp_path / "notes.md").write_bytes(data)
    with pytest.raises(AttachmentRefused) as refused:
        read_attachment("notes.md", 2048, cwd=tmp_path)
    assert str(refused.value) == reason


def test_a_missing_file_a_folder_and_two_files_of_one_name_are_refused(tmp_path: Path) -> None:
    with pytest.raises(AttachmentRefused, match="gone.md: no such file"):
        read_attachment("gone.md", 10, cwd=tmp_path)
    (tmp_path / "sub").mkdir()
    with pytest.raises(AttachmentRefused, match="is a folder"):
        read_attachment("sub", 10, cwd=tmp_path)
    (tmp_path / "a.md").write_text("1", encoding="utf-8")
    (tmp_path / "sub" / "a.md").write_text("2", encoding="utf-8")
    with pytest.raises(AttachmentRefused, match="Two attachments are named a.md"):
        read_attachments(["a.md", "sub/a.md"], 10, cwd=tmp_path)


def test_a_file_name_is_cleaned_and_fits_an_info_string(tmp_path: Path) -> None:
    (tmp_path / "a\x1b[31mred`x\nb.md").write_text("x", encoding="utf-8")
    attachment = read_attachment("a\x1b[31mred`x\nb.md", 10, cwd=tmp_path)
    assert attachment.name == "ared`x\nb.md"  # the escape sequence is gone
    assert fenced(attachment).splitlines()[0] == "```ared'x b.md"


def test_what_was_typed_comes_back_without_the_attached_line() -> None:
    files = (Attachment("notes.md", "x", 1234), Attachment("a b.txt", "y", 80))
    assert typed_text(shown_text("hi\n\nthere", files)) == "hi\n\nthere"
    assert typed_text("no files\n\nattached: nothing of the kind") == "no files\n\nattached: nothing of the kind"
