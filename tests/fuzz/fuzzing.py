"""Running an atheris harness: its seed inputs go into an empty corpus folder first.

``python tests/fuzz/atheris_NAME.py CORPUS_DIR -runs=N -max_total_time=T`` (libFuzzer flags).
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import atheris


def run(one_input: Callable[[bytes], None], seeds: Sequence[str | bytes] = ()) -> None:
    corpus = next((Path(a) for a in sys.argv[1:] if not a.startswith("-")), None)
    if corpus is not None and corpus.is_dir() and not any(corpus.iterdir()):
        for seed in seeds:
            data = seed.encode("utf-8", "surrogatepass") if isinstance(seed, str) else seed
            (corpus / hashlib.sha1(data).hexdigest()).write_bytes(data)  # noqa: S324  # nosec B324
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()
