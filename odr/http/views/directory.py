"""The court's staff directory (``GET /api/staff?role=mediator``): names for the console.

Staff only. Each member of staff sees the people of their own court (a platform administrator
without a court sees everyone); logins and password hashes are never listed.
"""

from __future__ import annotations

from aiohttp import web
from pydantic import BaseModel
from sqlmodel import Session, col, select

from odr.domain import access
from odr.domain.actors import Role, Staff
from odr.errors import InvalidInput
from odr.http.io import actor_of, respond
from odr.http.keys import DB
from odr.store.models import MicroCourtStaff, User


class StaffMemberOut(BaseModel):
    id: int
    display_name: str
    role: str  # admin | clerk | mediator | judge
    court_id: int | None
    active: bool  # an inactive mediator may still be named on older cases
    microcourt_ids: list[int]  # the micro-courts whose cases a mediator is offered


class StaffListOut(BaseModel):
    staff: list[StaffMemberOut]


async def list_staff(request: web.Request) -> web.Response:
    actor = actor_of(request)
    access.require(isinstance(actor, Staff), actor)
    assert isinstance(actor, Staff)
    raw_role = request.query.get("role")
    try:
        role = Role(raw_role) if raw_role else None
    except ValueError:
        raise InvalidInput("invalid_field", field="role", field_name="role") from None

    def load(session: Session) -> StaffListOut:
        query = select(User).order_by(col(User.display_name), col(User.id))
        if actor.court_id is not None or actor.role is not Role.ADMIN:
            query = query.where(User.court_id == actor.court_id)
        if role is not None:
            query = query.where(User.role == role.value)
        users = session.exec(query).all()
        ids = [u.id for u in users if u.id is not None]
        where: dict[int, list[int]] = {i: [] for i in ids}
        if ids:
            links = session.exec(
                select(MicroCourtStaff).where(col(MicroCourtStaff.user_id).in_(ids))
            ).all()
            for link in links:
                where[link.user_id].append(link.microcourt_id)
        return StaffListOut(
            staff=[
                StaffMemberOut(
                    id=u.id,
                    display_name=u.display_name or u.username,
                    role=u.role,
                    court_id=u.court_id,
                    active=u.active,
                    microcourt_ids=sorted(where[u.id]),
                )
                for u in users
                if u.id is not None
            ]
        )

    return respond(await request.app[DB].read(load))
