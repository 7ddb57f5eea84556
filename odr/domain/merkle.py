"""Merkle tree hashing as in RFC 9162 (Certificate Transparency 2.0), section 2.1.

The audit log keeps, besides its entries, the *frontier* of the tree: the roots of the
perfect subtrees along its right edge, largest first. Appending a leaf and computing the root
are then O(log n), and a verifier recomputes everything from the entries alone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def root_of(leaves: Sequence[bytes]) -> bytes:
    """MTH(D[n]) of RFC 9162 over already-hashed leaves, by its recursive definition."""
    n = len(leaves)
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return leaves[0]
    k = 1 << ((n - 1).bit_length() - 1)  # largest power of two smaller than n
    return node_hash(root_of(leaves[:k]), root_of(leaves[k:]))


def append(frontier: list[bytes], size: int, leaf: bytes) -> list[bytes]:
    """The frontier after appending ``leaf`` to a tree of ``size`` leaves."""
    stack = [*frontier, leaf]
    n = size
    while n & 1:  # each trailing 1 bit of the old size merges two equal subtrees
        right = stack.pop()
        left = stack.pop()
        stack.append(node_hash(left, right))
        n >>= 1
    return stack


def frontier_root(frontier: Sequence[bytes]) -> bytes:
    """The root of the tree whose right-edge subtree roots are ``frontier``."""
    if not frontier:
        return EMPTY_ROOT
    root = frontier[-1]
    for left in reversed(frontier[:-1]):
        root = node_hash(left, root)
    return root


def roots(leaves: Iterable[bytes]) -> Iterable[tuple[int, bytes]]:
    """(size, root) after each leaf, as a verifier replays the log."""
    frontier: list[bytes] = []
    for size, leaf in enumerate(leaves):
        frontier = append(frontier, size, leaf)
        yield size + 1, frontier_root(frontier)


def tree_head_message(size: int, timestamp_ms: int, root: bytes) -> bytes:
    """The bytes a tree head signature covers (RFC 9162's TreeHeadDataV2, simplified)."""
    return b"odr-sth-v1" + size.to_bytes(8, "big") + timestamp_ms.to_bytes(8, "big") + root
