"""``odr demo``: a demo court, micro-court and staff, so that a new user can try everything.

Seeded once per data folder; the generated passwords are kept in ``demo.json`` there
(readable by its owner only) and printed again on later calls.
"""

from __future__ import annotations

import json
import os
import secrets
from typing import Any

from odr.domain import codes
from odr.domain.actors import Role
from odr.i18n import DEFAULT, translate
from odr.services import courts
from odr.services.audit import AuditKey
from odr.settings import Settings
from odr.store.db import Database
from odr.store.models import Court

STAFF = (
    ("admin", Role.ADMIN, "管理员 Admin"),
    ("clerk", Role.CLERK, "书记员 王芳"),
    ("mediator", Role.MEDIATOR, "调解员 李建国"),
    ("judge", Role.JUDGE, "法官 陶洁"),
)


def seed(settings: Settings, db: Database, key: AuditKey) -> dict[str, Any]:
    path = settings.data_dir / "demo.json"
    if path.exists():
        seeded: dict[str, Any] = json.loads(path.read_text("utf-8"))
        if db.read_sync(lambda s: s.get(Court, seeded["court_id"])) is not None:
            seeded["base_url"] = settings.public_url
            return seeded
    hasher = courts.password_hasher(settings)

    def create(session: Any) -> dict[str, Any]:
        court = courts.add_court(session, key, "杭州市临安区人民法院", "LA", "浙江省杭州市临安区")
        assert court.id is not None
        micro = courts.add_microcourt(session, key, court.id, "上田村微法庭", "临安区板桥镇上田村")
        assert micro.id is not None
        users = []
        for username, role, name in STAFF:
            password = secrets.token_urlsafe(12)
            courts.add_user(
                session,
                key,
                hasher,
                username,
                password,
                role,
                court.id,
                name,
                (micro.id,) if role is Role.MEDIATOR else (),
            )
            users.append({"username": username, "password": password, "role": role.value})
        return {
            "court_id": court.id,
            "court": court.name,
            "microcourt_id": micro.id,
            "microcourt": micro.name,
            "intake_code": codes.display(micro.intake_code),
            "users": users,
        }

    seeded = db.write_sync(create)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(seeded, out, ensure_ascii=False, indent=2)
    seeded["base_url"] = settings.public_url
    return seeded


# Hearings: the demo case with a hearing open now, printed as "hearing" -----------------------


def seed_all(settings: Settings, db: Database, key: AuditKey) -> dict[str, Any]:
    """The demo court and staff, and the demo hearing with its parties' codes."""
    from odr.cli.demo_hearing import seed_hearing

    seeded = seed(settings, db, key)
    seeded["hearing"] = seed_hearing(settings, db, key, seeded)
    from odr.cli.demo_documents import seed_documents  # Settlement documents

    seeded["documents"] = seed_documents(settings, db, key, seeded)
    return seeded


def describe(seeded: dict[str, Any], lang: str = DEFAULT) -> str:
    """The seed for people, in ``lang``."""

    def tr(key: str, **params: Any) -> str:
        return translate(f"cli.demo.{key}", lang, **params)

    base = seeded["base_url"]
    lines = [
        tr("court", court=seeded["court"]),
        tr("microcourt", microcourt=seeded["microcourt"], intake_code=seeded["intake_code"]),
        tr("open", url=f"{base}/"),
        tr("terminal", url=f"{base}/kiosk?intake={seeded['intake_code']}"),
        tr("console", url=f"{base}/console"),
        tr("logins"),
    ]
    lines += [f"  {u['role']:<9} {u['username']} / {u['password']}" for u in seeded["users"]]
    if "hearing" in seeded:  # Hearings
        hearing = seeded["hearing"]
        lines.append(tr("hearing", id=hearing["id"], number=hearing.get("number", "")))
        lines += [f"  {role:<9} {tr('code')} {code}" for role, code in hearing["codes"].items()]
        lines.append(f"  {tr('join'):<9} {base}/hearing?id={hearing['id']}")
    if "documents" in seeded:  # Settlement documents
        docs = seeded["documents"]
        lines.append(tr("agreement", url=docs["agreement_url"]))
        lines.append(tr("ruling", url=docs["ruling_url"]))
        lines.append(tr("verify", url=docs["verify_url"], ca_url=docs["ca_url"]))
    return "\n".join(lines)
