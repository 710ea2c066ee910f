"""Cleaning a growing text incrementally gives exactly what cleaning it whole gives."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from tui_app.core.growing_clean import GrowingCleaner, settled
from tui_app.core.sanitize import clean_text

# Everything that starts, continues or ends an escape sequence, and every other class of
# character `clean_text` treats apart: a split falls on the awkward places often.
_ALPHABET = st.sampled_from(
    list("\x1b[]PX^_\\\x07\x9b\x9c\x90 ;/0?@m~a1\n\t\r\x00\x7f")
    + ["\u202e", "\u200b", "\ufeff", "\ud800", "\udc00", "é", "😀"]
)
_TEXT = st.text(alphabet=_ALPHABET, max_size=60)


@settings(max_examples=1500)
@given(_TEXT, st.lists(st.integers(min_value=0, max_value=60), max_size=8))
def test_every_version_is_cleaned_as_if_whole(text: str, cuts: list[int]) -> None:
    cleaner = GrowingCleaner()
    for end in sorted({*cuts, len(text)}):
        version = text[:end]
        assert cleaner.clean("part", version) == clean_text(version)


@settings(max_examples=1500)
@given(_TEXT, _TEXT)
def test_a_settled_prefix_is_final_whatever_follows(text: str, more: str) -> None:
    n = settled(text)
    assert clean_text(text + more) == clean_text(text[:n]) + clean_text((text + more)[n:])


@given(_TEXT, _TEXT, _TEXT)
def test_a_text_that_is_not_a_continuation_is_cleaned_whole(first: str, second: str, third: str) -> None:
    cleaner = GrowingCleaner()
    for version in (first + second, first, third, third + first):
        assert cleaner.clean("part", version) == clean_text(version)


def test_a_plain_reply_is_cleaned_once_in_all() -> None:
    """The structural point: each character is cleaned once, not once per version."""
    cleaner = GrowingCleaner()
    text = ""
    for n in range(2000):
        text += f"token{n} "
        assert cleaner.clean("part", text) is text  # nothing to clean: not even copied
    assert cleaner.chars_cleaned == len(text)


def test_text_after_an_escape_sequence_is_cleaned_once_too() -> None:
    cleaner = GrowingCleaner()
    text = "start \x1b[31mred\x1b[0m \u202e"
    for n in range(500):
        text += f"w{n} "
        assert cleaner.clean("part", text) == clean_text(text)
    assert cleaner.chars_cleaned < 2 * len(text)


def test_an_escape_split_between_versions_is_removed_whole() -> None:
    cleaner = GrowingCleaner()
    assert cleaner.clean("p", "a\x1b[3") == "a3"  # what the text says so far
    assert cleaner.clean("p", "a\x1b[31mb") == "ab"
    assert cleaner.clean("p", "a\x1b[31mb\x1b]0;t") == "ab"
    assert cleaner.clean("p", "a\x1b[31mb\x1b]0;title\x1b\\c") == "abc"


def test_it_keeps_a_bounded_number_of_texts() -> None:
    cleaner = GrowingCleaner(capacity=4)
    for n in range(100):
        cleaner.clean(n, f"text {n}")
    assert len(cleaner._entries) == 4
