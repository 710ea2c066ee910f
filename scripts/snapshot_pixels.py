"""Whether regenerated snapshot SVGs show the same pixels as a revision's.

    python scripts/snapshot_pixels.py [REV]      (default HEAD; needs rsvg-convert)

A change that alters how Textual splits a screen into segments (a container drawn BLANK, say)
changes every snapshot's SVG, Rich's `terminal-N` id and the rects of a background split where
the segments split, and none of its pixels. This renders each SVG that differs from REV in the
working tree, and REV's, and compares the decoded pixel rows. Prints what differs; exit 1 if any.
"""

from __future__ import annotations

import struct
import subprocess
import sys
import zlib


def _png(svg: bytes) -> bytes:
    return subprocess.run(["rsvg-convert", "-f", "png"], input=svg, capture_output=True, check=True).stdout


def _pixels(png: bytes) -> bytes:
    position, data = 8, b""
    while position < len(png):
        length, kind = struct.unpack(">I4s", png[position : position + 8])
        if kind == b"IDAT":
            data += png[position + 8 : position + 8 + length]
        position += 12 + length
    return zlib.decompress(data)


def main(rev: str = "HEAD") -> int:
    changed = subprocess.run(["git", "diff", "--name-only", rev, "--", "*.svg"], capture_output=True, text=True, check=True).stdout.split()
    differ = []
    for path in changed:
        before = subprocess.run(["git", "show", f"{rev}:{path}"], capture_output=True, check=False)
        if before.returncode != 0:
            continue  # (new in the working tree: nothing to compare with)
        with open(path, "rb") as now:
            if _pixels(_png(before.stdout)) != _pixels(_png(now.read())):
                differ.append(path)
    print(f"{len(changed)} SVGs differ from {rev}; {len(differ)} of them in their pixels")
    for path in differ:
        print(f"  {path}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:2]))
