"""Sample agreements and rulings for the document tests (plain values, no database)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

from documents.model import Agreement, Clause, PartyInfo, Ruling
from documents.pki import Identity, create_ca, issue
from documents.render import Rendered
from documents.signing import sign

DRAFTED = datetime(2026, 11, 20, 2, 30, tzinfo=UTC)
DECIDED = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)


def agreement(languages: tuple[str, ...] = ("zh-CN",), *, clauses: int = 3) -> Agreement:
    terms = [
        Clause(
            text="被申请人李四因修房占用申请人宅基地东侧通道，同意赔偿申请人损失。",
            amount_cents=1_500_00,
            due=date(2026, 12, 31),
            payer="respondent",
            payee="applicant",
        ),
        Clause(text="被申请人于2026年12月15日前拆除临时围墙，恢复通道原状。"),
        Clause(
            text="申请人自愿承担本次调解中产生的测量费用的一半。",
            amount_cents=200_50,
            payer="applicant",
            payee="respondent",
        ),
    ]
    while len(terms) < clauses:
        terms.append(Clause(text=f"双方约定的第{len(terms) + 1}项事项：互不追究其他责任。"))
    return Agreement(
        case_number="(2026)粤0101民特调123号",
        court_name="上田县人民法院",
        microcourt_name="上田村微法庭",
        mediator_name="王调解",
        parties=(
            PartyInfo(
                role="applicant",
                name="张三",
                id_number="440101195501011234",
                address="上田县上田村一组12号",
                phone="13800000001",
            ),
            PartyInfo(
                role="respondent",
                name="李四<b>&",
                id_number="440101196002022345",
                address="上田县上田村二组7号",
                phone="13800000002",
            ),
        ),
        facts=(
            "2026年9月，被申请人在翻修房屋时搭建临时围墙，占用了申请人家东侧的通道，"
            "致申请人农用车无法通行。双方多次协商未果，申请人向微法庭申请调解。\n"
            "经调解员主持，双方在视频调解中陈述了意见。"
        ),
        clauses=tuple(terms[:clauses]),
        free_text="本协议一式三份，双方当事人和调解组织各执一份。",
        languages=languages,
        version=2,
        drafted_at=DRAFTED,
        verify_url="https://odr.example.cn/verify/agreement-123",
    )


def ruling(agreement_pdf: bytes, languages: tuple[str, ...] = ("zh-CN",)) -> Ruling:
    return Ruling(
        case_number="(2026)粤0101民特123号",
        court_name="上田县人民法院",
        judge_name="赵法官",
        agreement=agreement(languages),
        agreement_sha256=hashlib.sha256(agreement_pdf).hexdigest(),
        decided_at=DECIDED,
        languages=languages,
        verify_url="https://odr.example.cn/verify/ruling-123",
    )


PASSPHRASE = b"test-court-passphrase"
PEOPLE = {"applicant": "张三", "respondent": "李四<b>&", "mediator": "王调解", "judge": "赵法官"}


@dataclass(frozen=True)
class Court:
    """A test court CA with one certificate per role (as the workflow would issue them)."""

    ca: Identity
    people: dict[str, Identity]
    ca_path: Path

    def sign(self, pdf: bytes, role: str, **options: Any) -> bytes:
        signer = options.pop("signer", self.people[role])
        return sign(
            pdf,
            field=options.pop("field", role),
            signer=signer,
            key_passphrase=PASSPHRASE,
            ca_cert_pem=self.ca.cert_pem,
            reason=options.pop("reason", f"signed as {role}"),
            location=options.pop("location", "Shangtian"),
            **options,
        )


@dataclass(frozen=True)
class Signed:
    """A rendered document and the file after every signature."""

    rendered: Rendered  # the unsigned render
    pdf: bytes
    path: Path


def court(directory: Path, court_name: str = "上田县人民法院") -> Court:
    ca = create_ca(court_name, PASSPHRASE)
    people = {
        role: issue(
            ca,
            PASSPHRASE,
            name=name,
            role=role,
            serial_hint=f"LA-2026-0001/{role}",
            key_passphrase=PASSPHRASE,
        )
        for role, name in PEOPLE.items()
    }
    directory.mkdir(parents=True, exist_ok=True)
    ca_path = directory / "ca.pem"
    ca_path.write_bytes(ca.cert_pem)
    return Court(ca, people, ca_path)


def drawn_signature_png() -> bytes:
    """A blue handwritten-like stroke on a transparent background."""
    image = Image.new("RGBA", (300, 110), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.line([(10, 95), (70, 15), (140, 85), (200, 25), (290, 60)], fill=(0, 0, 200, 255), width=7)
    out = BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
