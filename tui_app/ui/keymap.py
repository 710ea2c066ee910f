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


@dataclass(frozen=True, slots=True)
class KeyConflict:
    """A remapped binding given a key that another binding in force at the same place has."""

    key: str
    remapped: BindingInfo
    other: BindingInfo

    def sentence(self) -> str:
        return (
            f"{self.key} is given to {self.remapped.id} ({self.remapped.description}) and is also "
            f"{self.other.id} ({self.other.description}, {self.other.where}): one of them never works"
        )


def _keys(info: BindingInfo) -> list[str]:
    return [part.strip().lower() for part in info.keys.split(",") if part.strip()]


def _overlap(one: BindingInfo, other: BindingInfo) -> bool:
    # The app's own bindings are in force wherever the focus is; the others only in their place.
    return one.where == other.where or APP_PLACE in (one.where, other.where)


APP_PLACE = "app"


def conflicts(bindings: Iterable[BindingInfo]) -> list[KeyConflict]:
    """Each key a remapped binding shares with another binding in force at the same place.
    Bindings that share a key by design (Escape closes every dialog) are not remapped: not named."""
    found: list[KeyConflict] = []
    listed = list(bindings)
    for info in listed:
        if not info.remapped:
            continue
        for other in listed:
            if other is info or not _overlap(info, other):
                continue
            shared = [key for key in _keys(info) if key in _keys(other)]
            # Two remapped bindings on one key: named once.
            if shared and not (other.remapped and listed.index(other) < listed.index(info)):
                found += [KeyConflict(key, info, other) for key in shared]
    return found


def keymap_problems(keymap: Mapping[str, str], known: list[BindingInfo], config_file: str) -> list[str]:
    """What is wrong with `[keys]`: ids no binding has, and keys given twice."""
    problems = []
    unknown = unknown_ids(keymap, known)
    if unknown:
        problems.append(f"{config_file}: [keys] has no binding called {', '.join(unknown)}; F1 lists the ids")
    problems += [f"{config_file}: [keys]: {conflict.sentence()}" for conflict in conflicts(known)]
    return problems
