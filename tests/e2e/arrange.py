"""Arranging a case through the HTTP API: the steps before the one a browser test is about.

Filed at the demo micro-court, accepted and in mediation (the respondent's personal code
issued), a draft settlement, signatures, the application for confirmation. Each step in a
browser context of its own, as the person who takes it.

    made = await with_a_draft(browser, live)       # case_id, number, applicant, respondent_code
    await sign_draft(browser, live, made, "applicant")   # ... "respondent", "mediator"
"""

from __future__ import annotations

from typing import Any

from playwright.async_api import Browser, BrowserContext
from support import filing


async def post(ctx: BrowserContext, live: Any, path: str, csrf: str = "", **data: Any) -> Any:
    """POST ``data`` as JSON with the CSRF token; the answer must be a success."""
    headers = {"X-CSRF-Token": csrf} if csrf else {}
    response = await ctx.request.post(live.url(path), data=data, headers=headers)
    assert response.ok, f"{path}: {await response.text()}"
    return await response.json()


async def log_in(ctx: BrowserContext, live: Any, role: str) -> str:
    """Log the demo's member of staff with ``role`` in; their CSRF token."""
    user = next(u for u in live.seeded["users"] if u["role"] == role)
    login = {k: user[k] for k in ("username", "password")}
    csrf: str = (await post(ctx, live, "/api/login", **login))["csrf_token"]
    return csrf


async def in_mediation(browser: Browser, live: Any) -> dict[str, Any]:
    """A filed case the mediator accepted and started: the filing's answer, and the
    respondent's personal code as ``respondent_code``."""
    desk = await browser.new_context()
    filed = await post(desk, live, "/api/cases", **filing(live.seeded["intake_code"]))
    case_id = filed["case_id"]
    csrf = await log_in(desk, live, "mediator")
    for target in ("accepted", "in_mediation"):
        await post(desk, live, f"/api/cases/{case_id}/transitions", csrf, target=target)
    case = await (await desk.request.get(live.url(f"/api/cases/{case_id}"))).json()
    other = next(p for p in case["parties"] if p["role"] == "respondent")
    code = (await post(desk, live, f"/api/parties/{other['id']}/code", csrf))["code"]
    await desk.close()
    return {**filed, "respondent_code": code}


async def with_a_draft(
    browser: Browser, live: Any, clause: str = "被申请人减免两个月租金。"
) -> dict[str, Any]:
    """A case in mediation (as ``in_mediation``) whose mediator drafted one ``clause``: the
    draft's id as ``version_id``."""
    made = await in_mediation(browser, live)
    desk = await browser.new_context()
    csrf = await log_in(desk, live, "mediator")
    path = f"/api/cases/{made['case_id']}/settlement/versions"
    version = await post(desk, live, path, csrf, clauses=[{"text": clause}])
    await desk.close()
    return {**made, "version_id": version["id"]}


async def sign_draft(browser: Browser, live: Any, made: dict[str, Any], who: str) -> None:
    """``who`` (applicant, respondent or mediator) signs the draft of ``made``."""
    ctx = await browser.new_context()
    if who == "mediator":
        csrf = await log_in(ctx, live, "mediator")
    else:
        code = made["applicant"]["code"] if who == "applicant" else made["respondent_code"]
        csrf = (await post(ctx, live, "/api/session", code=code))["csrf_token"]
    path = f"/api/cases/{made['case_id']}/settlement/signatures"
    await post(ctx, live, path, csrf, version_id=made["version_id"], confirmed=True)
    await ctx.close()


async def awaiting_a_ruling(browser: Browser, live: Any, clause: str) -> dict[str, Any]:
    """A settlement of ``clause`` signed by all, its judicial confirmation applied for."""
    made = await with_a_draft(browser, live, clause)
    for who in ("applicant", "respondent", "mediator"):
        await sign_draft(browser, live, made, who)
    desk = await browser.new_context()
    csrf = await log_in(desk, live, "mediator")
    await post(desk, live, f"/api/cases/{made['case_id']}/settlement/confirmation", csrf)
    await desk.close()
    return made
