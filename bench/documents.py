"""Render, sign and verify times of the agreement and the ruling, beside a bare weasyprint render.

One process, warm (after ``--warmup`` runs of each step), median (and min) of ``--runs`` runs:

  (a) bare       ``weasyprint.HTML(string=html).write_pdf(stylesheets=[style.css])`` of the very
                 HTML the template produced (no PDF/A, no attachment, no fields)
  (b) render     ``render_agreement`` / ``render_ruling``: template + weasyprint + PDF/A-3b +
                 attachments + signature fields
  (c) sign       one PAdES signature (EC P-256) into a pre-created field: the applicant's first
                 signature on the agreement; the judge's locking signature on the ruling
  (d) verify     ``verify`` of the fully signed document (pyHanko validation + change analysis;
                 for the ruling this includes the embedded agreement)

The agreement is bilingual (zh-CN + en) with ``--clauses`` clauses (12 give three pages).
CPU time per run is printed too: on a machine shared with other work it moves less than the wall
time does.

    .venv/bin/python bench/documents.py [--runs 9] [--warmup 2] [--clauses 12] [--json]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

_t0 = time.perf_counter()
import weasyprint  # noqa: E402 - timed on purpose

IMPORT_SECONDS = time.perf_counter() - _t0

from documents import pki  # noqa: E402
from documents.model import Agreement, Clause, PartyInfo, Ruling  # noqa: E402
from documents.render import (  # noqa: E402
    TEMPLATES,
    agreement_html,
    render_agreement,
    render_ruling,
    ruling_html,
)
from documents.signing import sign  # noqa: E402
from documents.verify import verify  # noqa: E402

PASSPHRASE = b"bench-passphrase"


@dataclass
class Timing:
    label: str
    wall: list[float]
    cpu: list[float]
    pages: int | None = None
    size: int | None = None

    @property
    def median_ms(self) -> float:
        return statistics.median(self.wall) * 1000

    @property
    def min_ms(self) -> float:
        return min(self.wall) * 1000

    @property
    def cpu_ms(self) -> float:
        return statistics.median(self.cpu) * 1000


def measure(label: str, fn: Callable[[], Any], runs: int, warmup: int) -> tuple[Timing, Any]:
    result = None
    for _ in range(warmup):
        result = fn()
    wall, cpu = [], []
    for _ in range(runs):
        c0, t0 = time.process_time(), time.perf_counter()
        result = fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return Timing(label, wall, cpu), result


def sample(clauses: int) -> Agreement:
    terms = [
        Clause(
            text=f"第{n}项：被申请人李四同意就占用通道一事向申请人张三赔偿损失，"
            "并于约定期限内拆除临时围墙、恢复原状；双方就此不再另行主张其他权利。",
            amount_cents=100_00 * n if n % 2 else None,
            due=date(2026, 12, min(n, 28)) if n % 2 else None,
            payer="respondent" if n % 2 else None,
            payee="applicant" if n % 2 else None,
        )
        for n in range(1, clauses + 1)
    ]
    return Agreement(
        case_number="(2026)粤0101民特调123号",
        court_name="上田县人民法院",
        microcourt_name="上田村微法庭",
        mediator_name="王调解",
        parties=(
            PartyInfo(
                "applicant", "张三", "440101195501011234", "上田县上田村一组12号", "13800000001"
            ),
            PartyInfo(
                "respondent", "李四", "440101196002022345", "上田县上田村二组7号", "13800000002"
            ),
        ),
        facts="2026年9月，被申请人在翻修房屋时搭建临时围墙，占用了申请人家东侧的通道。" * 4,
        clauses=tuple(terms),
        free_text="本协议一式三份，双方当事人和调解组织各执一份。",
        languages=("zh-CN", "en"),
        version=1,
        drafted_at=datetime(2026, 11, 20, 2, 30, tzinfo=UTC),
        verify_url="https://odr.example.cn/verify/agreement-123",
    )


def bare(html: str) -> bytes:
    pdf: bytes = weasyprint.HTML(string=html, base_url=str(TEMPLATES)).write_pdf(
        stylesheets=[str(TEMPLATES / "style.css")]
    )
    return pdf


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--clauses", type=int, default=12)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--keep", type=Path, help="write the signed PDFs into this folder")
    args = parser.parse_args()
    runs, warmup = max(1, args.runs), max(0, args.warmup)

    ca = pki.create_ca("上田县人民法院", PASSPHRASE)
    people = {
        role: pki.issue(
            ca,
            PASSPHRASE,
            name=name,
            role=role,
            serial_hint=f"bench/{role}",
            key_passphrase=PASSPHRASE,
        )
        for role, name in (
            ("applicant", "张三"),
            ("respondent", "李四"),
            ("mediator", "王调解"),
            ("judge", "赵法官"),
        )
    }

    def signed(pdf: bytes, role: str, lock: bool = False) -> bytes:
        return sign(
            pdf,
            field=role,
            signer=people[role],
            key_passphrase=PASSPHRASE,
            ca_cert_pem=ca.cert_pem,
            reason="bench",
            location="bench",
            lock=lock,
        )

    agreement = sample(args.clauses)
    c0 = time.perf_counter()
    render_agreement(agreement)
    first_render = time.perf_counter() - c0
    results: list[Timing] = []

    html = agreement_html(agreement)
    t, _ = measure("agreement (a) bare weasyprint", lambda: bare(html), runs, warmup)
    results.append(t)
    t, rendered = measure(
        "agreement (b) render_agreement", lambda: render_agreement(agreement), runs, warmup
    )
    t.pages, t.size = rendered.pages, len(rendered.pdf)
    results.append(t)
    t, _ = measure(
        "agreement (c) sign (1st signature)",
        lambda: signed(rendered.pdf, "applicant"),
        runs,
        warmup,
    )
    results.append(t)
    full = rendered.pdf
    for role in ("applicant", "respondent", "mediator"):
        full = signed(full, role)
    t, report = measure(
        "agreement (d) verify (3 signatures)", lambda: verify(full, ca.cert_pem), runs, warmup
    )
    assert report.ok, report.problems
    t.size = len(full)
    results.append(t)

    ruling = Ruling(
        case_number="(2026)粤0101民特123号",
        court_name="上田县人民法院",
        judge_name="赵法官",
        agreement=agreement,
        agreement_sha256=hashlib.sha256(full).hexdigest(),
        decided_at=datetime(2026, 11, 27, 8, 0, tzinfo=UTC),
        languages=("zh-CN", "en"),
        verify_url="https://odr.example.cn/verify/ruling-123",
    )
    html = ruling_html(ruling)
    t, _ = measure("ruling (a) bare weasyprint", lambda: bare(html), runs, warmup)
    results.append(t)
    t, ruled = measure(
        "ruling (b) render_ruling", lambda: render_ruling(ruling, full), runs, warmup
    )
    t.pages, t.size = ruled.pages, len(ruled.pdf)
    results.append(t)
    t, final = measure(
        "ruling (c) sign (judge, lock)", lambda: signed(ruled.pdf, "judge", True), runs, warmup
    )
    results.append(t)
    t, report = measure(
        "ruling (d) verify (+ embedded agreement)", lambda: verify(final, ca.cert_pem), runs, warmup
    )
    assert report.ok, report.problems
    t.size = len(final)
    results.append(t)

    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        (args.keep / "agreement.pdf").write_bytes(full)
        (args.keep / "ruling.pdf").write_bytes(final)
        (args.keep / "ca.pem").write_bytes(ca.cert_pem)

    print()
    print(
        f"import weasyprint {IMPORT_SECONDS * 1000:.0f} ms; first (cold) render_agreement "
        f"{first_render * 1000:.0f} ms; then {warmup} warm-up + {runs} measured runs per step"
    )
    header = (
        f"{'step':<42} {'median ms':>9} {'min ms':>7} {'cpu ms':>7} {'vs bare':>8}"
        f" {'cpu vs':>7} {'pages':>5} {'KB':>6}"
    )
    print("-" * len(header))
    bare_ms: dict[str, tuple[float, float]] = {}
    for r in results:
        kind = r.label.split()[0]
        if "(a) bare" in r.label:
            bare_ms[kind] = (r.median_ms, r.cpu_ms)
        wall_ratio = cpu_ratio = "-"
        if kind in bare_ms:
            wall_ratio = f"{r.median_ms / bare_ms[kind][0]:.2f}"
            cpu_ratio = f"{r.cpu_ms / bare_ms[kind][1]:.2f}"
        print(
            f"{r.label:<42} {r.median_ms:>9.1f} {r.min_ms:>7.1f} {r.cpu_ms:>7.1f} "
            f"{wall_ratio:>8} {cpu_ratio:>7} "
            f"{'-' if r.pages is None else r.pages:>5} {'-' if r.size is None else r.size // 1024:>6}"
        )
    print()
    print(
        "vs bare / cpu vs: median wall / CPU time divided by the bare weasyprint render of the"
        " same HTML (same document kind). KB: the unsigned render for (b), the fully signed"
        " file for (d)."
    )
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "step": r.label,
                        "median_ms": round(r.median_ms, 2),
                        "min_ms": round(r.min_ms, 2),
                        "cpu_ms": round(r.cpu_ms, 2),
                        "pages": r.pages,
                        "bytes": r.size,
                    }
                    for r in results
                ],
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
