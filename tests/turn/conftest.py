"""A real coturn process (one per test module) relaying from a TEST-NET address; the tests skip
when coturn is not installed or the relay interface cannot be made."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from coturn_proc import CoturnProcess, relay_interface, skip_without_coturn


@pytest.fixture(scope="module")
def coturn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CoturnProcess]:
    skip_without_coturn()
    with relay_interface():
        process = CoturnProcess(tmp_path_factory.mktemp("coturn"))
        process.start()
        try:
            yield process
        finally:
            process.stop()
