"""A text that grows by appending, in time linear in its final length.

A streamed part gains a delta per event, and the transcript is immutable: joining the old text
and the delta into a new string copies the whole text each time, O(n²) over a reply (a 10 MB
reply in 256-byte deltas: 200 GB copied). Here every version of one growing text shares one
list of pieces; a version is the first `count` of them. Growing the newest version appends a
piece in place, which no older version can see; growing an older version (a replay branching
off) copies that version once. The whole text is joined only when it is read, and the shared
list remembers the longest join so far, so reading it again after more deltas joins only what
came since.

Not for sharing between threads that grow it: each thread builds its own transcripts.
"""

from __future__ import annotations


class _Pieces:
    """The pieces shared by the versions of one text, and the longest join made of them."""

    __slots__ = ("pieces", "joined", "joined_count", "chars_copied")

    def __init__(self, pieces: list[str]) -> None:
        self.pieces = pieces
        self.joined = pieces[0] if len(pieces) == 1 else ""
        self.joined_count = 1 if len(pieces) == 1 else 0
        self.chars_copied = 0
        """Characters copied by joins and branches so far: the work done, for tests to check."""


class GrowingText:
    """One immutable version of a growing text. Compares, hashes and prints as its text."""

    __slots__ = ("_shared", "_count", "_size", "_text")

    def __init__(self, text: str = "") -> None:
        self._shared = _Pieces([text] if text else [])
        self._count = len(self._shared.pieces)
        self._size = len(text)
        self._text: str | None = text

    @classmethod
    def _view(cls, shared: _Pieces, count: int, size: int) -> GrowingText:
        version = cls.__new__(cls)
        version._shared, version._count, version._size, version._text = shared, count, size, None
        return version

    @property
    def size(self) -> int:
        """Its length in characters, without joining it."""
        return self._size

    def __len__(self) -> int:
        return self._size

    @property
    def chars_copied(self) -> int:
        """Characters copied so far by every version sharing these pieces (joins and branches)."""
        return self._shared.chars_copied

    def extended(self, more: str) -> GrowingText:
        """This text with `more` appended: O(len(more)) when this is the newest version."""
        if not more:
            return self
        shared = self._shared
        if self._count != len(shared.pieces):
            # A newer version exists: branch off with a list of our own, starting from our text.
            base = self.text
            shared = _Pieces([base] if base else [])
            shared.chars_copied = self._shared.chars_copied + len(base)
        elif self._count > 1 and shared.joined_count == self._count:
            # Read whole since the last piece came: go on from that join (no copy), so the pieces
            # it covers are freed with the older versions instead of being kept twice.
            copied = shared.chars_copied
            shared = _Pieces([shared.joined])
            shared.chars_copied = copied
        shared.pieces.append(more)
        return GrowingText._view(shared, len(shared.pieces), self._size + len(more))

    @property
    def text(self) -> str:
        if self._text is not None:
            return self._text
        shared = self._shared
        if shared.joined_count == self._count:
            text = shared.joined
        elif shared.joined_count < self._count:
            # Join only the pieces since the last join: reading after every few deltas stays
            # linear in what was added, plus the copy into the new string.
            text = shared.joined + "".join(shared.pieces[shared.joined_count : self._count])
            if self._count - shared.joined_count + bool(shared.joined) > 1:  # one piece is not copied
                shared.chars_copied += len(text)
            shared.joined, shared.joined_count = text, self._count
        else:
            text = "".join(shared.pieces[: self._count])  # an older version, read late
            shared.chars_copied += len(text) if self._count > 1 else 0
        self._text = text
        return text

    def __str__(self) -> str:
        return self.text

    def tail(self, start: int) -> str:
        """The text from character `start` on, joining only the pieces it spans."""
        if start <= 0:
            return self.text
        if start >= self._size:
            return ""
        if self._text is not None:
            return self._text[start:]
        pieces = self._shared.pieces
        index, begins = self._count, self._size
        while begins > start:
            index -= 1
            begins -= len(pieces[index])
        first = pieces[index][start - begins :]
        return first + "".join(pieces[index + 1 : self._count])

    def startswith(self, prefix: str) -> bool:
        """Whether the text begins with `prefix`, comparing only the pieces it spans."""
        if len(prefix) > self._size:
            return False
        if self._text is not None:
            return self._text.startswith(prefix)
        pieces, offset, index = self._shared.pieces, 0, 0
        while offset < len(prefix):
            piece = pieces[index]
            if not piece.startswith(prefix[offset : offset + len(piece)]):
                return False
            offset, index = offset + len(piece), index + 1
        return True

    def __eq__(self, other: object) -> bool:
        if isinstance(other, GrowingText):
            if self._size != other._size:
                return False
            if self._shared is other._shared and self._count == other._count:
                return True
            return self.text == other.text
        if isinstance(other, str):
            return self._size == len(other) and self.text == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.text)

    def __repr__(self) -> str:
        return f"GrowingText({self.text!r})" if self._size <= 80 else f"GrowingText(<{self._size:,} characters>)"
