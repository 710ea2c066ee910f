"""How much of the newly streamed text the live Markdown tail may take now.

Textual's `Markdown.append` updates a growing paragraph, code fence or table in place, but it
removes and mounts again a list, a quote or a heading (their whole subtree, with its styles) on
every append: profiled at 50 tok/s, those re-mounts and the restyling and full layouts they
cause were most of the streaming CPU. So text that ends in such a block is committed at line
boundaries, as Codex's TUI commits every stream: the line being written waits until it ends
(or until the tail's hold timer lets it through, see `StreamingMarkdown`), and each list item
or heading is mounted about once per line instead of once per frame.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

UPDATED_IN_PLACE = frozenset({"paragraph_open", "fence", "code_block", "table_open"})
"""Top-level block tokens whose widget `Markdown.append` updates without re-mounting it."""


def last_block_kind(parser: MarkdownIt, source: str) -> str | None:
    """The token type that opens the last top-level block of `source` (None if it has none)."""
    kind = None
    for token in parser.parse(source):
        if token.level == 0 and token.nesting >= 0:
            kind = token.type
    return kind


def commit_length(parser: MarkdownIt, last_block: str, pending: str) -> int:
    """How many characters of `pending` to append to a tail whose last block's source (from its
    first line) is `last_block`: all of them when the result ends in a block that is updated in
    place, else only up to `pending`'s last line break (0 if it has none)."""
    complete = pending.rfind("\n") + 1
    if complete == len(pending):
        return complete
    if last_block_kind(parser, last_block + pending) in UPDATED_IN_PLACE:
        return len(pending)
    return complete
