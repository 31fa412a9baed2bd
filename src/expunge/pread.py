"""Reading part of a memory-mapped array from its file, not through the mapping.

A page fault maps whole neighbourhoods of pages (fault-around, large folios) that stay
resident, so a merge streaming through many segments would grow its RSS; pread does not.
Used by the text index's and the photo index's segments.
"""

from __future__ import annotations

import os

import numpy as np


def read_slice(path: str | os.PathLike[str], array: np.ndarray, file_offset: int,
               begin: int, end: int) -> np.ndarray:  # fmt: skip
    """A copy of array[begin:end], where `array` is mapped from `path` at `file_offset`.
    EOFError when the file ends before the slice does (a truncated file)."""
    begin, end, _ = slice(begin, end).indices(len(array))
    part = np.empty(max(0, end - begin), array.dtype)
    if not len(part):
        return part
    if not hasattr(os, "preadv"):  # Windows: through the mapping
        part[:] = array[begin:end]
        return part
    view = part.view(np.uint8).data
    position = file_offset + begin * array.itemsize
    fd = os.open(path, os.O_RDONLY)
    try:
        while view:
            got = os.preadv(fd, [view], position)
            if not got:
                raise EOFError(f"{path}: truncated")
            view = view[got:]
            position += got
    finally:
        os.close(fd)
    return part
