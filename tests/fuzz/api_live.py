"""A live ``odr serve`` for the API fuzzer, and who calls it.

On SQLite and on PostgreSQL (the stricter: 32-bit ids, bounded text, no NUL): the demo court
with its hearing case (a draft settlement and a photo added here) and its
confirmed case; three callers: nobody, the demo mediator (staff session cookie and CSRF
header) and the hearing case's applicant (a personal code's session). ``Live.real`` holds what
a fuzzed path parameter or body field may be swapped for, so that requests reach real cases,
hearings, versions, codes and logins and not only 404s.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
import requests
from procs import Server, odr
from support import filing

POSTGRES_URL = os.environ.get(
    "ODR_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
COOKIE = "__Host-odr_session"  # odr serve's default: secure cookies
# The fuzzer sends thousands of wrong codes and passwords from one address: past the real
# limits every intake look-up, filing, login and code would be answered 429, fuzzing nothing.
LIMITS = {
    "ODR_CODE_FAILURES_PER_ADDRESS": "1000000",
    "ODR_CODE_FAILURES_GLOBAL_PER_HOUR": "1000000",
    "ODR_VERIFY_PER_ADDRESS_PER_MINUTE": "1000000",
    "ODR_VERIFY_GLOBAL_PER_HOUR": "1000000",
}
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@dataclass
class Live:
    database: str  # sqlite, postgresql
    server: Server
    seeded: dict[str, Any]
    http: requests.Session = field(default_factory=requests.Session)
    real: dict[str, list[Any]] = field(default_factory=dict)  # name -> real values
    seen: defaultdict[tuple[str, str], Counter[int]] = field(
        default_factory=lambda: defaultdict(Counter)
    )  # (caller, "METHOD /path") -> answers by status

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def user(self, role: str) -> dict[str, str]:
        user: dict[str, str] = next(u for u in self.seeded["users"] if u["role"] == role)
        return user

    def call(self, method: str, path: str, caller: Caller | None = None, **kwargs: Any) -> Any:
        """A setup step; it must succeed."""
        headers = caller.headers() if caller is not None else {}
        response = self.http.request(
            method, self.base_url + path, headers=headers, timeout=60, **kwargs
        )
        assert response.ok, f"{method} {path}: {response.status_code} {response.text}"
        return response.json() if response.content else None


@dataclass
class Caller:
    """Who sends a request: nobody, a member of staff, or a party with a personal code."""

    kind: str  # anonymous, staff, party
    live: Live
    token: str = ""
    csrf: str = ""
    code: str = ""  # a party's personal code

    def headers(self) -> dict[str, str]:
        if not self.token:
            return {}
        return {"Cookie": f"{COOKIE}={self.token}", "X-CSRF-Token": self.csrf}

    def sign_in(self) -> None:
        """A fresh session: a fuzzed request may have logged out, or revoked the code."""
        if self.kind == "staff":
            mediator = self.live.user("mediator")
            login = {"username": mediator["username"], "password": mediator["password"]}
            assert self._start("/api/login", **login)
        elif self.kind == "party" and not self._start("/api/session", code=self.code):
            self.code = self._new_code()
            assert self._start("/api/session", code=self.code)

    def _new_code(self) -> str:
        """The mediator reissues the applicant's code; if the fuzzed case no longer allows
        that, the applicant files a new case."""
        desk = Caller("staff", self.live)
        desk.sign_in()
        party_id = self.live.seeded["hearing"]["parties"]["applicant"]
        path = f"{self.live.base_url}/api/parties/{party_id}/code"
        reissued = self.live.http.post(path, headers=desk.headers(), timeout=60)
        if reissued.status_code == 201:
            return str(reissued.json()["code"])
        filed = self.live.call("POST", "/api/cases", json=filing(self.live.seeded["intake_code"]))
        return str(filed["applicant"]["code"])

    def _start(self, path: str, **body: str) -> bool:
        response = self.live.http.post(self.live.base_url + path, json=body, timeout=60)
        if response.status_code != 200:
            return False
        self.token, self.csrf = response.cookies[COOKIE], response.json()["csrf_token"]
        return True


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Live]:
    """``odr serve`` on a new database of each kind, seeded by ``odr demo``; the rows it made
    in ``real``. The answers it gave are printed at the end."""
    root = tmp_path_factory.mktemp("fuzz")
    data_dir = root / "data"
    with _database(request.param, data_dir) as url:
        seeded = odr(data_dir, url, "demo", "--json")
        assert seeded.returncode == 0, seeded.stderr
        server = Server(data_dir, url, root / "server.log", env=LIMITS)
        asyncio.run(server.start())
        try:
            live = Live(request.param, server, json.loads(seeded.stdout))
            live.real = _real_rows(live)
            yield live
        finally:
            server.kill()
    print(f"\n{request.param}: odr serve's log is {server.log}")
    for (kind, operation), answers in sorted(live.seen.items()):
        print(f"{kind:<9} {operation:<70} {dict(sorted(answers.items()))}")


@contextmanager
def _database(kind: str, data_dir: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{data_dir}/odr.sqlite3"
        return
    admin = POSTGRES_URL.replace("+psycopg", "")
    name = f"odr_fuzz_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield POSTGRES_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def callers(live: Live) -> dict[str, Caller]:
    party = Caller("party", live, code=live.seeded["hearing"]["codes"]["applicant"])
    staff = Caller("staff", live)
    for caller in (party, staff):
        caller.sign_in()
        assert live.call("GET", "/api/me", caller)["kind"] == caller.kind  # fuzzed past login
    return {"anonymous": Caller("anonymous", live), "staff": staff, "party": party}


def _real_rows(live: Live) -> dict[str, list[Any]]:
    """A draft on the hearing case, a photo from its applicant, a case filed anew; then the
    ids, codes, references and logins that exist."""
    hearing = live.seeded["hearing"]
    case_id = hearing["case_id"]
    who = callers(live)
    staff, party = who["staff"], who["party"]
    draft = {"clauses": [{"text": "被申请人减免两个月租金。"}]}
    live.call("POST", f"/api/cases/{case_id}/settlement/versions", staff, json=draft)
    photo = {"file": ("photo.png", PNG, "image/png")}
    evidence = live.call("POST", f"/api/cases/{case_id}/evidence", party, files=photo)
    filed = live.call("POST", "/api/cases", json=filing(live.seeded["intake_code"]))
    cases = [c["id"] for c in live.call("GET", "/api/cases", staff)["cases"]]
    versions = [
        v["id"]
        for c in cases
        for v in live.call("GET", f"/api/cases/{c}/settlement", staff)["versions"]
    ]
    participants = live.call("GET", f"/api/hearings/{hearing['id']}", staff)["participants"]
    documents = live.seeded["documents"]
    refs = [documents[k].rsplit("/", 2)[1] for k in ("agreement_url", "ruling_url")]
    agreement = live.http.get(f"{live.base_url}/api/records/{refs[0]}/document.pdf").content
    mediator = live.user("mediator")
    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    return {
        "case_id": cases,
        "party_id": [*hearing["parties"].values(), filed["applicant"]["party_id"]],
        "hearing_id": [hearing["id"]],
        "participant_id": [p["id"] for p in participants],
        "version_id": versions,
        "evidence_id": [evidence["id"]],
        "mediator_id": [u["id"] for u in live.call("GET", "/api/staff", staff)["staff"]],
        "intake_code": [live.seeded["intake_code"], live.seeded["intake_code"].lower()],
        "code": [*hearing["codes"].values(), filed["applicant"]["code"]],
        "username": [mediator["username"]],
        "password": [mediator["password"]],
        "lang": ["zh-CN", "en"],
        "ref": refs,
        "sha256": [hashlib.sha256(agreement).hexdigest()],
        "timezone": ["Asia/Shanghai", "Europe/Rome"],
        "start": [soon.isoformat(), soon.replace(tzinfo=None).isoformat()],
    }
