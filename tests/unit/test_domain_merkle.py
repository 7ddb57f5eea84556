"""Merkle tree hashing (RFC 9162 / RFC 6962), checked against the Certificate Transparency
test vectors and an independent naive implementation."""

from __future__ import annotations

import hashlib

import pytest

from odr.domain.merkle import (
    EMPTY_ROOT,
    append,
    frontier_root,
    leaf_hash,
    node_hash,
    root_of,
    roots,
    tree_head_message,
)

# The leaves and the roots MTH(D[n]) for n = 0..8 from the certificate-transparency test suite.
CT_LEAVES = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    b"\x50\x51\x52\x53\x54\x55\x56\x57",
    b"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f",
]
CT_ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def naive_mth(entries: list[bytes]) -> bytes:
    """RFC 6962 section 2.1 over raw entries, straight from the text."""
    n = len(entries)
    if n == 0:
        return sha256(b"")
    if n == 1:
        return sha256(b"\x00" + entries[0])
    k = 1
    while k * 2 < n:
        k *= 2
    return sha256(b"\x01" + naive_mth(entries[:k]) + naive_mth(entries[k:]))


def entries(n: int) -> list[bytes]:
    return [f"audit entry {i}".encode() * (i % 3 + 1) for i in range(n)]


def test_leaf_and_node_hashes_are_prefixed_sha256() -> None:
    assert leaf_hash(b"") == sha256(b"\x00")
    assert leaf_hash(b"abc") == sha256(b"\x00abc")
    left, right = sha256(b"l"), sha256(b"r")
    assert node_hash(left, right) == sha256(b"\x01" + left + right)
    assert node_hash(left, right) != node_hash(right, left)


def test_leaves_and_nodes_are_domain_separated() -> None:
    left, right = sha256(b"l"), sha256(b"r")
    assert leaf_hash(left + right) != node_hash(left, right)
    assert leaf_hash(left + right) == sha256(b"\x00" + left + right)


def test_empty_root_is_sha256_of_nothing() -> None:
    assert EMPTY_ROOT.hex() == CT_ROOTS[0]
    assert root_of([]) == EMPTY_ROOT
    assert frontier_root([]) == EMPTY_ROOT


def test_naive_reference_matches_the_ct_vectors() -> None:
    for n, expected in enumerate(CT_ROOTS):
        assert naive_mth(CT_LEAVES[:n]).hex() == expected


@pytest.mark.parametrize("n", range(9))
def test_root_of_matches_the_ct_vectors(n: int) -> None:
    assert root_of([leaf_hash(e) for e in CT_LEAVES[:n]]).hex() == CT_ROOTS[n]


def test_incremental_roots_match_the_ct_vectors() -> None:
    replay = list(roots(leaf_hash(e) for e in CT_LEAVES))
    assert [size for size, _ in replay] == list(range(1, 9))
    assert [root.hex() for _, root in replay] == CT_ROOTS[1:]


def test_root_of_matches_the_naive_definition_up_to_70_leaves() -> None:
    data = entries(70)
    hashed = [leaf_hash(e) for e in data]
    for n in range(71):
        assert root_of(hashed[:n]) == naive_mth(data[:n]), n


def test_frontier_agrees_with_root_of_for_sizes_0_to_70() -> None:
    data = entries(70)
    hashed = [leaf_hash(e) for e in data]
    frontier: list[bytes] = []
    assert frontier_root(frontier) == root_of([])
    for size, leaf in enumerate(hashed):
        frontier = append(frontier, size, leaf)
        n = size + 1
        assert frontier_root(frontier) == root_of(hashed[:n]) == naive_mth(data[:n]), n


def perfect_subtrees(n: int) -> list[tuple[int, int]]:
    """(start, width) of the perfect subtrees along the right edge of a tree of n leaves."""
    spans, start = [], 0
    for bit in reversed(range(n.bit_length())):
        width = 1 << bit
        if n & width:
            spans.append((start, width))
            start += width
    return spans


def test_frontier_holds_the_perfect_subtree_roots_largest_first() -> None:
    data = entries(70)
    hashed = [leaf_hash(e) for e in data]
    frontier: list[bytes] = []
    for size, leaf in enumerate(hashed):
        frontier = append(frontier, size, leaf)
        n = size + 1
        spans = perfect_subtrees(n)
        assert len(frontier) == bin(n).count("1")
        assert frontier == [naive_mth(data[s : s + w]) for s, w in spans], n


def test_roots_replays_every_size_up_to_70() -> None:
    data = entries(70)
    hashed = [leaf_hash(e) for e in data]
    replay = list(roots(hashed))
    assert [size for size, _ in replay] == list(range(1, 71))
    for size, root in replay:
        assert root == naive_mth(data[:size]), size
    assert list(roots([])) == []


def test_append_does_not_mutate_the_frontier_it_is_given() -> None:
    hashed = [leaf_hash(e) for e in entries(7)]
    frontier: list[bytes] = []
    for size, leaf in enumerate(hashed):
        frontier = append(frontier, size, leaf)
    before = list(frontier)
    after = append(frontier, 7, leaf_hash(b"eighth"))
    assert frontier == before
    assert len(after) == 1  # 8 leaves: one perfect subtree


def test_any_tampering_changes_the_root() -> None:
    data = entries(13)
    hashed = [leaf_hash(e) for e in data]
    honest = root_of(hashed)
    for i in range(len(data)):
        tampered = [*hashed]
        tampered[i] = leaf_hash(data[i] + b"!")
        assert root_of(tampered) != honest, i
    swapped = [hashed[1], hashed[0], *hashed[2:]]
    assert root_of(swapped) != honest
    assert root_of(hashed[:-1]) != honest


def test_tree_head_message_layout() -> None:
    root = sha256(b"root")
    message = tree_head_message(0x0102, 1_700_000_000_123, root)
    assert message == (
        b"odr-sth-v1"
        + bytes.fromhex("0000000000000102")
        + (1_700_000_000_123).to_bytes(8, "big")
        + root
    )
    assert len(message) == 10 + 8 + 8 + 32
    assert tree_head_message(1, 5, root) != tree_head_message(2, 5, root)
    assert tree_head_message(1, 5, root) != tree_head_message(1, 6, root)
    with pytest.raises(OverflowError):
        tree_head_message(-1, 5, root)
