"""Who drafts and signs a settlement, and what a drawn signature may be (pure rules)."""

from __future__ import annotations

import base64

import pytest

from odr.domain import access
from odr.domain.actors import Actor, Anonymous, CaseFacts, PartyActor, PartyRole, Role, Staff
from odr.errors import InvalidInput, TooLarge
from odr.services.settlement_signing import MAX_SIGNATURE_IMAGE, PNG_MAGIC, signature_image

CASE = CaseFacts(10, 1, 100, mediator_id=7, state="in_mediation")

# (actor, may draft, box signed)
TABLE: list[tuple[str, Actor, bool, str | None]] = [
    ("applicant", PartyActor(1, 10, PartyRole.APPLICANT), False, "applicant"),
    ("respondent", PartyActor(3, 10, PartyRole.RESPONDENT), False, "respondent"),
    ("agent", PartyActor(2, 10, PartyRole.APPLICANT_AGENT), False, None),
    ("interpreter", PartyActor(6, 10, PartyRole.INTERPRETER), False, None),
    ("party of another case", PartyActor(5, 11, PartyRole.APPLICANT), False, None),
    ("the case's mediator", Staff(7, Role.MEDIATOR, 1, frozenset({100})), True, "mediator"),
    ("another mediator", Staff(8, Role.MEDIATOR, 1, frozenset({100})), False, None),
    ("judge", Staff(30, Role.JUDGE, 1), True, None),
    ("judge of another court", Staff(31, Role.JUDGE, 2), False, None),
    ("clerk", Staff(20, Role.CLERK, 1), False, None),
    ("nobody", Anonymous(), False, None),
]


@pytest.mark.parametrize(("name", "actor", "drafts", "box"), TABLE, ids=[t[0] for t in TABLE])
def test_who_drafts_and_which_box_they_sign(
    name: str, actor: Actor, drafts: bool, box: str | None
) -> None:
    assert access.can_draft_settlement(actor, CASE) is drafts
    assert access.signature_field(actor, CASE) == box
    for field in ("applicant", "respondent", "mediator", "judge"):
        assert access.can_sign_settlement(actor, CASE, field) is (field == box)


def test_only_parties_ask_for_changes() -> None:
    asking = {name for name, actor, _, _ in TABLE if access.can_request_changes(actor, CASE)}
    assert asking == {"applicant", "respondent", "agent"}


def _url(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode()


def test_a_drawn_signature_must_be_a_png_of_bounded_size() -> None:
    png = PNG_MAGIC + b"\x00" * 100
    assert signature_image(_url(png)) == png
    assert signature_image(None) is None
    assert signature_image("") is None
    for bad in ("data:image/jpeg;base64,AAAA", "data:image/png;base64,@@@@", _url(b"GIF89a" * 20)):
        with pytest.raises(InvalidInput) as refused:
            signature_image(bad)
        assert refused.value.code == "signature_png_invalid"
    with pytest.raises(TooLarge):
        signature_image(_url(PNG_MAGIC + b"\x00" * MAX_SIGNATURE_IMAGE))
