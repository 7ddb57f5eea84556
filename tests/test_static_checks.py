"""The static checks of `make lint` catch what they are there for: a copy of the tree with one
forbidden import (or one unsafe call) planted in it fails, naming the broken rule."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for package in ("odr", "signaling", "documents"):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "lint-imports"), "--no-cache"],
        cwd=tree,
        env={"PATH": str(BIN), "PYTHONPATH": str(tree), "COLUMNS": "400"},  # one line each
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def plant(tree: Path, module: str, line: str) -> None:
    path = tree / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")


def test_the_tree_as_it_is_keeps_every_contract(tree: Path) -> None:
    done = lint_imports(tree)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "broken" in done.stdout and " 0 broken" in done.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("odr/domain/codes.py", "import aiohttp", "Domain rules import no framework"),
        ("odr/domain/merkle.py", "import weasyprint", "Domain rules import no framework"),
        ("odr/domain/hearing.py", "import aiortc", "Domain rules import no framework"),
        ("odr/services/cases.py", "import socketio", "Services and store import no edge"),
        ("odr/store/__init__.py", "import odr.services.cases", "Layers of docs/architecture.md"),
        ("signaling/actions.py", "import odr.http.app", "never import odr's HTTP layer"),
    ],
)
def test_a_forbidden_import_breaks_its_contract(
    tree: Path, module: str, line: str, contract: str
) -> None:
    plant(tree, module, line)
    done = lint_imports(tree)
    assert done.returncode != 0
    broken = [row for row in done.stdout.splitlines() if row.endswith("BROKEN")]
    assert any(contract in row for row in broken), done.stdout


def test_bandit_flags_an_unsafe_call(tree: Path) -> None:
    def bandit() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(BIN / "bandit"), "-q", "-c", "pyproject.toml", "-r", "odr"],
            cwd=tree,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    assert bandit().returncode == 0
    plant(tree, "odr/services/cases.py", "import subprocess\nsubprocess.call('ls', shell=True)")
    done = bandit()
    assert done.returncode != 0
    assert "B602" in done.stdout
