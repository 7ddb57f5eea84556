"""Courts, micro-courts and staff users."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from odr.domain import codes
from odr.domain.actors import Category, Role
from odr.errors import Conflict, InvalidInput, NotFound
from odr.services import audit
from odr.services.audit import AuditKey
from odr.settings import Settings
from odr.store.models import Court, MicroCourt, MicroCourtStaff, User


def password_hasher(settings: Settings) -> PasswordHasher:
    return PasswordHasher(
        time_cost=settings.argon2_time_cost, memory_cost=settings.argon2_memory_kib
    )


def add_court(
    session: Session, key: AuditKey, name: str, short_code: str, place: str = ""
) -> Court:
    short_code = short_code.strip().upper()
    if not name.strip() or not short_code.isascii() or not short_code.isalnum():
        raise InvalidInput("invalid_field", field="short_code", field_name="short_code")
    if session.exec(select(Court).where(Court.short_code == short_code)).first():
        raise Conflict("court_exists", field="short_code")
    court = Court(name=name.strip(), short_code=short_code, place=place)
    session.add(court)
    session.flush()
    audit.append(session, key, "court.added", "cli", court_id=court.id, name=court.name)
    return court


def add_microcourt(
    session: Session,
    key: AuditKey,
    court_id: int,
    name: str,
    place: str = "",
    categories: list[str] | None = None,
) -> MicroCourt:
    if session.get(Court, court_id) is None:
        raise NotFound("court_not_found", field="court")
    for category in categories or []:
        if category not in Category.__members__.values():
            raise InvalidInput("unknown_category", field="categories", value=category)
    while True:
        intake = codes.new_code(codes.INTAKE_LENGTH)
        if not session.exec(select(MicroCourt).where(MicroCourt.intake_code == intake)).first():
            break
    micro = MicroCourt(
        court_id=court_id,
        name=name.strip(),
        place=place,
        intake_code=intake,
        categories=",".join(categories or []),
    )
    session.add(micro)
    session.flush()
    audit.append(session, key, "microcourt.added", "cli", microcourt_id=micro.id, name=micro.name)
    return micro


def add_user(
    session: Session,
    key: AuditKey,
    hasher: PasswordHasher,
    username: str,
    password: str,
    role: Role,
    court_id: int | None,
    display_name: str = "",
    microcourt_ids: tuple[int, ...] = (),
) -> User:
    if len(password) < 10:
        raise InvalidInput("password_too_short", field="password", minimum=10)
    if role is not Role.ADMIN and court_id is None:
        raise InvalidInput("court_required", field="court")
    if court_id is not None and session.get(Court, court_id) is None:
        raise NotFound("court_not_found", field="court")
    user = User(
        username=username,
        display_name=display_name or username,
        role=role.value,
        court_id=court_id,
        password_hash=hasher.hash(password),
    )
    session.add(user)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict("user_exists", field="username") from None
    assert user.id is not None
    for micro_id in microcourt_ids:
        micro = session.get(MicroCourt, micro_id)
        if micro is None or micro.court_id != court_id:
            raise InvalidInput("microcourt_not_in_court", field="microcourt")
        session.add(MicroCourtStaff(microcourt_id=micro_id, user_id=user.id))
    audit.append(session, key, "user.added", "cli", user_id=user.id, role=role.value)
    return user


def find_user(session: Session, username: str) -> User | None:
    user = session.exec(select(User).where(User.username == username)).first()
    return user if user is not None and user.active else None


def password_matches(hasher: PasswordHasher, user: User | None, password: str) -> bool:
    """Slow on purpose (argon2id): call it off the event loop and outside a transaction."""
    if user is None:
        hasher.hash(password)  # the same cost whether or not the user exists
        return False
    try:
        return hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def court_id_of(session: Session, short_code: str) -> int:
    court = session.exec(select(Court).where(Court.short_code == short_code.upper())).first()
    if court is None or court.id is None:
        raise NotFound("court_not_found", field="court")
    return court.id
