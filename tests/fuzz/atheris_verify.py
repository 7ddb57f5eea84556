"""Coverage-guided fuzzing of PDF verification (``documents.checks.verify_bytes``).

``ODR_FUZZ_PDF`` names a signed PDF and ``ODR_FUZZ_CA`` the CA it verifies against. Each
input either is a whole file, or describes changes to the signed one: bytes replaced,
inserted or removed at fuzzer-chosen places, or the file cut short. A crash is any exception
out of ``verify_bytes``, or a changed file that verifies.
"""

from __future__ import annotations

import os
from pathlib import Path

import atheris
import fuzzing

with atheris.instrument_imports(include=["documents"]):
    from documents.checks import verify_bytes

SIGNED = Path(os.environ["ODR_FUZZ_PDF"]).read_bytes()
CA = Path(os.environ["ODR_FUZZ_CA"]).read_bytes()


def changed(fdp: atheris.FuzzedDataProvider) -> bytes:
    pdf = SIGNED
    for _ in range(fdp.ConsumeIntInRange(1, 4)):
        if not pdf:
            break
        at = fdp.ConsumeIntInRange(0, len(pdf) - 1)
        how = fdp.ConsumeIntInRange(0, 3)
        if how == 0:
            pdf = pdf[:at] + fdp.ConsumeBytes(fdp.ConsumeIntInRange(1, 8)) + pdf[at + 1 :]
        elif how == 1:
            pdf = pdf[:at] + fdp.ConsumeBytes(fdp.ConsumeIntInRange(1, 8)) + pdf[at:]
        elif how == 2:
            pdf = pdf[:at] + pdf[at + fdp.ConsumeIntInRange(1, 8) :]
        else:
            pdf = pdf[:at]
    return pdf


def one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    pdf = fdp.ConsumeBytes(fdp.remaining_bytes()) if fdp.ConsumeBool() else changed(fdp)
    report = verify_bytes(pdf, CA)
    assert pdf == SIGNED or not report.ok, "a changed signed file verified"
    assert report.ok or report.problems


def main() -> None:
    fuzzing.run(one_input)


if __name__ == "__main__":
    main()
