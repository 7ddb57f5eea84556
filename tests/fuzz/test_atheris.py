"""The atheris harnesses (tests/fuzz/atheris_*.py), each run for a bounded time in its own
process: it must finish its runs without a crash (an exception or a broken property, which
libFuzzer reports with a non-zero exit and a ``crash-*`` file holding the input).

Heavy: about three minutes in all. Run one by hand with
``python tests/fuzz/atheris_codes.py CORPUS_DIR -max_total_time=60``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from property import signed_samples

HERE = Path(__file__).resolve().parent
# name: (seconds, libFuzzer flags). PDF verification runs ~45 inputs a second; the others
# tens of thousands.
BUDGETS = {
    "codes": (20, ["-max_len=200"]),
    "evidence": (20, ["-max_len=200"]),
    "signaling": (40, ["-max_len=4096"]),
    "verify": (100, ["-max_len=64", "-timeout=30"]),
}


@pytest.fixture(scope="module")
def signed_agreement(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("fuzz-court")
    samples = signed_samples.build(folder)
    pdf = folder / "agreement.pdf"
    pdf.write_bytes(samples.agreement)
    return {"ODR_FUZZ_PDF": str(pdf), "ODR_FUZZ_CA": str(samples.court.ca_path)}


@pytest.mark.heavy
@pytest.mark.parametrize("name", sorted(BUDGETS))
def test_harness_finds_no_crash(
    name: str, tmp_path: Path, signed_agreement: dict[str, str]
) -> None:
    seconds, flags = BUDGETS[name]
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    command = [
        sys.executable,
        str(HERE / f"atheris_{name}.py"),
        str(corpus),
        f"-max_total_time={seconds}",
        f"-artifact_prefix={tmp_path}/",
        "-rss_limit_mb=2048",
        *flags,
    ]
    env = {**os.environ, **signed_agreement}
    done = subprocess.run(  # nosec B603 - our own harness
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=seconds + 120
    )
    runs = re.search(r"Done (\d+) runs in (\d+) second", done.stderr)
    found = sorted(p.name for p in tmp_path.iterdir() if p.name != "corpus")
    assert done.returncode == 0 and not found, (found, done.stderr[-4000:])
    assert runs is not None, done.stderr[-2000:]
    print(f"atheris {name}: {runs[1]} runs in {runs[2]} s, corpus of {len(list(corpus.iterdir()))}")
    assert int(runs[1]) > 0
