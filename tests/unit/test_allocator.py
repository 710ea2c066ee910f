"""The allocator set at start-up (`cli/allocator.py`): a large block freed is given back, and a
later one of the same size is mapped on its own again instead of left in the heap."""

from __future__ import annotations

import json
import platform
import subprocess
import sys

import pytest

from tui_app.cli.allocator import M_MMAP_THRESHOLD, M_TRIM_THRESHOLD, THRESHOLD_BYTES, tune_allocator

on_glibc = pytest.mark.skipif(
    platform.system() != "Linux" or platform.libc_ver()[0] != "glibc", reason="glibc's malloc only"
)

# In a process of its own (the settings last for the process): a 4 MiB block allocated and freed,
# then a 1 MiB one. glibc left alone raises its mmap threshold to 4 MiB on that free, so the
# 1 MiB block comes from the heap; tuned, it is mapped on its own, and unmapped when freed.
PROBE = """
import ctypes, json, sys
from tui_app.cli.allocator import tune_allocator

class MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]

libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p
libc.malloc.argtypes = (ctypes.c_size_t,)
libc.free.argtypes = (ctypes.c_void_p,)
libc.mallinfo2.restype = MallInfo2
set_ = tune_allocator({}) if sys.argv[1] == "tuned" else {}
libc.free(libc.malloc(4 << 20))
mapped_before = libc.mallinfo2().hblks
block = libc.malloc(1 << 20)
mapped_after = libc.mallinfo2().hblks
libc.free(block)
print(json.dumps({"set": set_, "mapped": mapped_after - mapped_before, "left_mapped": libc.mallinfo2().hblks - mapped_before}))
"""


def probe(mode: str) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", PROBE, mode], capture_output=True, text=True, timeout=60, check=True)
    return json.loads(done.stdout)  # type: ignore[no-any-return]


@on_glibc
def test_a_large_block_is_mapped_on_its_own_after_a_larger_one_was_freed() -> None:
    untuned, tuned = probe("plain"), probe("tuned")
    assert untuned["mapped"] == 0  # glibc's own threshold moved up: the block went into the heap
    assert tuned["set"] == {"MALLOC_MMAP_THRESHOLD_": THRESHOLD_BYTES, "MALLOC_TRIM_THRESHOLD_": THRESHOLD_BYTES}
    assert tuned["mapped"] == 1 and tuned["left_mapped"] == 0  # mapped, and given back when freed


def test_what_the_user_set_for_glibc_is_left_alone() -> None:
    calls: list[tuple[int, int]] = []

    def mallopt(parameter: int, value: int) -> int:
        calls.append((parameter, value))
        return 1

    set_ = tune_allocator({"MALLOC_MMAP_THRESHOLD_": "65536"}, mallopt=lambda: mallopt)
    assert set_ == {"MALLOC_TRIM_THRESHOLD_": THRESHOLD_BYTES}
    assert calls == [(M_TRIM_THRESHOLD, THRESHOLD_BYTES)]
    assert M_MMAP_THRESHOLD not in [parameter for parameter, _ in calls]


def test_nothing_is_set_without_glibc() -> None:
    assert tune_allocator({}, mallopt=lambda: None) == {}


def test_a_value_glibc_refuses_is_not_reported_as_set() -> None:
    assert tune_allocator({}, mallopt=lambda: lambda parameter, value: 0) == {}
