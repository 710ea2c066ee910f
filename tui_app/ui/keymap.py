"""Every key binding of the app by id: what the help screen lists and what `[keys]` may remap."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from textual.binding import Binding, BindingType
from textual.dom import DOMNode


@dataclass(frozen=True, slots=True)
class BindingInfo:
    id: str
    keys: str
    description: str
    where: str
    remapped: bool = False


def catalogue(places: Iterable[tuple[str, type[DOMNode]]], keymap: Mapping[str, str]) -> list[BindingInfo]:
    """The bindings with an id declared by each class in `places`, with the keys in force."""
    found: list[BindingInfo] = []
    seen: set[str] = set()
    for where, cls in places:
        for binding in _bindings(cls.BINDINGS):
            if binding.id is None or binding.id in seen:
                continue
            seen.add(binding.id)
            keys = keymap.get(binding.id, binding.key)
            name = binding.tooltip or binding.description
            found.append(BindingInfo(binding.id, keys, name, where, binding.id in keymap))
    return found


def unknown_ids(keymap: Mapping[str, str], known: Iterable[BindingInfo]) -> list[str]:
    ids = {info.id for info in known}
    return sorted(binding_id for binding_id in keymap if binding_id not in ids)


def _bindings(declared: Iterable[BindingType]) -> Iterable[Binding]:
    for item in declared:
        if isinstance(item, Binding):
            yield item
