"""A mounted widget and its descendants painted into lines, through Textual's public API only.

`StreamingMarkdown` captures finished Markdown blocks once, as lines, so they never need layout
again. Textual renders a subtree only inside its (private) compositor, so this does the same job
from public parts: every widget paints its whole region (`Widget.render_lines`, background
included), parents before their children, each child clipped to its parent's content region, as
the compositor does. Unlike the screen, the root is not clipped to the screen: a block scrolled
out of view is captured whole.
"""

from __future__ import annotations

from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widget import Widget


def render_subtree(root: Widget, height: int) -> list[Strip]:
    """The first `height` rows of `root` as the screen shows them (root must be laid out)."""
    origin = root.region
    width = origin.width
    height = min(height, origin.height)
    if width <= 0 or height <= 0:
        return []
    canvas = list(root.render_lines(Region(0, 0, width, height)))
    area = Region(origin.x, origin.y, width, height)
    _paint_children(root, area.intersection(root.scrollable_content_region), canvas, origin)
    return canvas


def _paint_children(parent: Widget, clip: Region, canvas: list[Strip], origin: Region) -> None:
    for child in parent.children:
        if not isinstance(child, Widget) or not child.display:
            continue
        region = child.region
        visible = region.intersection(clip)
        if visible and child.visible:
            crop = Region(visible.x - region.x, visible.y - region.y, visible.width, visible.height)
            x = visible.x - origin.x
            for row, strip in enumerate(child.render_lines(crop)):
                y = visible.y - origin.y + row
                line = canvas[y]
                canvas[y] = Strip.join([line.crop(0, x), strip, line.crop(x + visible.width, origin.width)])
        if child.children and visible:
            _paint_children(child, clip.intersection(child.scrollable_content_region), canvas, origin)


def layout_is_current(root: Widget) -> bool:
    """Whether the screen's layout of `root`'s subtree matches its content now.

    A widget whose content changed is laid out again only at the screen's next refresh; a capture
    before that would freeze a stale height. Each displayed leaf with `height: auto` must have
    the height its content asks for, and every displayed widget a place on the screen.
    """
    return _leaves_current(root, root.screen.size)


def _leaves_current(parent: Widget, viewport: Size) -> bool:
    for child in parent.children:
        if not isinstance(child, Widget) or not child.display:
            continue
        region = child.region
        if region.width <= 0:
            return False  # mounted but not placed yet
        if any(isinstance(node, Widget) and node.display for node in child.children):
            if not _leaves_current(child, viewport):
                return False
            continue
        height = child.styles.height
        if height is not None and height.is_auto:
            wanted = child.get_content_height(parent.size, viewport, child.size.width)
            if wanted != child.size.height:
                return False
    return True
