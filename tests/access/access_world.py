"""The people and cases of the access matrix, made once per module on one in-process server.

Court A (the demo court) has a case in mediation ("this case") with its applicant, its
respondent, a hearing and an interpreter invited to it; a second case of the same court
belongs to "another" party; court B has its own judge. Cases are made through the services
(fast, no HTTP), people log in through the API like everyone else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import CookieJar
from aiohttp.test_utils import TestClient, TestServer
from sqlmodel import Session, col, select
from support import Client

from odr.domain.actors import PartyRole, Role, Staff
from odr.domain.case_state import CaseState
from odr.http import keys
from odr.services import cases, codes, courts, hearings
from odr.services.hearing_schemas import InviteIn, ScheduleIn
from odr.services.schemas import FileCaseIn, PartyIn, TransitionIn
from odr.store.models import MicroCourt, MicroCourtStaff, SettlementConfirmation, SettlementVersion

ORIGIN = "http://odr.test"  # make_settings' base_url
ROLES = (
    "anonymous",
    "party",  # the applicant of this case
    "other_party",  # the applicant of another case of the same court
    "clerk",
    "mediator",  # this case's mediator
    "judge",  # a judge of this court
    "other_judge",  # a judge of another court
    "admin",  # this court's administrator
    "interpreter",  # invited to this case's hearing
)
STAFF = ("clerk", "mediator", "judge", "admin")
OTHER_JUDGE = ("other-judge", "other-judge-password")


@dataclass
class Caller:
    """One person's browser: its cookie jar and the session's CSRF token."""

    client: Client
    csrf: str = ""

    async def send(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Origin": ORIGIN, **kwargs.pop("headers", {})}
        if self.csrf:
            headers["X-CSRF-Token"] = self.csrf
        return await self.client.request(method, path, headers=headers, **kwargs)


@dataclass
class Scene:
    """A case in mediation, its parties' codes, a hearing with an invited interpreter."""

    case_id: int
    hearing_id: int
    parties: dict[str, int]  # applicant, respondent, interpreter -> party id
    codes: dict[str, str]  # the same -> personal code
    participants: dict[str, int]  # applicant, interpreter -> participant id in the hearing
    ids: dict[str, Any] = field(default_factory=dict)  # path parameters found later
    callers: dict[str, Caller] = field(default_factory=dict)  # party, interpreter


class World:
    def __init__(self, server: TestServer, seeded: dict[str, Any]) -> None:
        self.server = server
        self.seeded = seeded
        self.db = server.app[keys.DB]
        self.key = server.app[keys.AUDIT_KEY]
        self.staff: dict[str, Caller] = {}
        self.user_ids: dict[str, int] = {}
        self.other: Scene | None = None
        self.clients: list[Client] = []

    # --- people ---------------------------------------------------------------------------

    async def client(self) -> Client:
        jar = CookieJar(unsafe=True, treat_as_secure_origin=str(self.server.make_url("/")))
        client: Client = TestClient(self.server, cookie_jar=jar)
        await client.start_server()
        self.clients.append(client)
        return client

    async def close(self) -> None:
        for client in self.clients:
            await client.session.close()

    async def login(self, username: str, password: str) -> Caller:
        caller = Caller(await self.client())
        answer = await caller.send(
            "POST", "/api/login", json={"username": username, "password": password}
        )
        assert answer.status == 200, await answer.text()
        caller.csrf = (await answer.json())["csrf_token"]
        return caller

    async def enter(self, code: str) -> Caller:
        caller = Caller(await self.client())
        answer = await caller.send("POST", "/api/session", json={"code": code})
        assert answer.status == 200, await answer.text()
        caller.csrf = (await answer.json())["csrf_token"]
        return caller

    def password(self, role: str) -> tuple[str, str]:
        if role == "other_judge":
            return OTHER_JUDGE
        user = next(u for u in self.seeded["users"] if u["role"] == role)
        return user["username"], user["password"]

    async def start(self) -> World:
        await self.db.write(self._other_court)
        for role in (*STAFF, "other_judge"):
            self.staff[role] = await self.login(*self.password(role))
        self.other = await self.scene()
        return self

    def _other_court(self, session: Session) -> None:
        hasher = courts.password_hasher(self.server.app[keys.SETTINGS])
        court = courts.add_court(session, self.key, "余杭区人民法院", "YH")
        assert court.id is not None
        courts.add_user(session, self.key, hasher, *OTHER_JUDGE, Role.JUDGE, court.id)
        for role in STAFF:
            user = courts.find_user(session, role)
            assert user is not None and user.id is not None
            self.user_ids[role] = user.id

    async def caller(self, role: str, scene: Scene, *, fresh: bool = False) -> Caller:
        """Who plays ``role`` for ``scene``; ``fresh``: a new session of the same person."""
        if role == "anonymous":
            return Caller(await self.client())
        if role == "other_party":
            assert self.other is not None
            return await self.enter(self.other.codes["applicant"])
        if role in self.staff:
            return await self.login(*self.password(role)) if fresh else self.staff[role]
        code_of = "applicant" if role == "party" else "interpreter"
        if fresh or role not in scene.callers:
            caller = await self.enter(scene.codes[code_of])
            if fresh:
                return caller
            scene.callers[role] = caller
        return scene.callers[role]

    # --- cases ----------------------------------------------------------------------------

    async def scene(self) -> Scene:
        return await self.db.write(self._scene)

    def _mediator(self, session: Session) -> Staff:
        mediator_id = self.user_ids["mediator"]
        micro_ids = session.exec(
            select(MicroCourtStaff.microcourt_id).where(MicroCourtStaff.user_id == mediator_id)
        ).all()
        return Staff(mediator_id, Role.MEDIATOR, self.seeded["court_id"], frozenset(micro_ids))

    def _scene(self, session: Session) -> Scene:
        micro = session.get(MicroCourt, self.seeded["microcourt_id"])
        assert micro is not None
        filed = cases.file_case(
            session,
            self.key,
            FileCaseIn(
                intake_code=micro.intake_code,
                category="rent",
                applicant=PartyIn(name="小燕", phone="13800000000"),
                respondent=PartyIn(name="Marco Rossi", language="en"),
                facts="租下商铺一间，未付租金。",
                claims="请求减免部分租金。",
            ),
            "127.0.0.1",
        )
        case_id = filed.case.id
        assert case_id is not None
        mediator = self._mediator(session)
        ref = f"user:{mediator.user_id}"
        for target in (CaseState.ACCEPTED, CaseState.IN_MEDIATION):
            cases.transition(session, self.key, mediator, ref, case_id, TransitionIn(target=target))
        parties = {p.role: p for p in cases.parties_of(session, case_id)}
        respondent = parties[PartyRole.RESPONDENT.value]
        start = datetime.now(UTC) + timedelta(days=1)
        hearing = hearings.schedule(
            session, self.key, mediator, ref, case_id, ScheduleIn(start=start)
        )
        assert hearing.id is not None
        invited = hearings.invite(
            session, self.key, mediator, ref, hearing.id, InviteIn(name="译员 Ana", language="en")
        )
        assert invited.code is not None and invited.participant.id is not None
        applicant_row = hearings.row_of_party(session, hearing.id, parties["applicant"].id or 0)
        assert applicant_row is not None and applicant_row.id is not None
        return Scene(
            case_id=case_id,
            hearing_id=hearing.id,
            parties={
                "applicant": parties["applicant"].id or 0,
                "respondent": respondent.id or 0,
                "interpreter": invited.party.id or 0,
            },
            codes={
                "applicant": filed.code,
                "respondent": codes.issue(session, self.key, respondent, ref),
                "interpreter": invited.code,
            },
            participants={"applicant": applicant_row.id, "interpreter": invited.participant.id},
        )

    async def new_hearing(self, scene: Scene) -> int:
        """Another hearing of the scene's case, the interpreter invited to it too."""

        def work(session: Session) -> int:
            mediator = self._mediator(session)
            ref = f"user:{mediator.user_id}"
            start = datetime.now(UTC) + timedelta(days=2)
            hearing = hearings.schedule(
                session, self.key, mediator, ref, scene.case_id, ScheduleIn(start=start)
            )
            assert hearing.id is not None
            invite = InviteIn(party_id=scene.parties["interpreter"])
            hearings.invite(session, self.key, mediator, ref, hearing.id, invite)
            return hearing.id

        return await self.db.write(work)

    async def documents(self, scene: Scene) -> None:
        """The ids of the scene's settlement: its newest version and public references."""

        def work(session: Session) -> dict[str, Any]:
            version = session.exec(
                select(SettlementVersion)
                .where(SettlementVersion.case_id == scene.case_id)
                .order_by(col(SettlementVersion.number).desc())
            ).first()
            ruling = session.exec(
                select(SettlementConfirmation).where(
                    SettlementConfirmation.case_id == scene.case_id
                )
            ).first()
            found: dict[str, Any] = {}
            if version is not None:
                found.update(version_id=version.id, ref=version.ref, sha256=version.current_sha256)
            if ruling is not None:
                found["ruling_ref"] = ruling.ref
            return found

        scene.ids.update(await self.db.read(work))
