"""``odr probe``: two probes (the mediator admitting the lobby, and a party with its code) join
one hearing through the command line and each reports hearing and seeing the other."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from aiohttp.test_utils import TestServer
from hearing_support import ORIGIN, make_hearing
from procs import ODR, odr_env

from odr.cli.probe import describe, run_probe
from odr.settings import Settings
from signaling.probe import ProbeError


async def run_cli(argv: list[str], stdin: str = "") -> tuple[int, str, str]:
    """The real ``odr`` console script in a child process (the server runs in this one)."""
    child = await asyncio.create_subprocess_exec(
        ODR,
        *argv,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=odr_env(),
    )
    out, err = await asyncio.wait_for(child.communicate(stdin.encode()), 60)
    assert child.returncode is not None
    return child.returncode, out.decode(), err.decode()


@pytest.mark.slow
async def test_probe_cli_reports_what_each_side_receives(
    server: TestServer, settings: Settings, seeded: dict[str, Any]
) -> None:
    hearing = make_hearing(settings)
    url = str(server.make_url("/"))
    common = ["--server", url, "--origin", ORIGIN, "--hearing", str(hearing["id"])]
    small = ["--width", "160", "--height", "120", "--json"]
    password = next(u["password"] for u in seeded["users"] if u["username"] == "mediator")
    as_host = ["--user", "mediator", "--password-stdin", "--admit-all", "--seconds", "6"]
    host = run_cli(["probe", *common, *as_host, *small], password + "\n")
    party = run_cli(
        ["probe", *common, "--code", hearing["codes"]["applicant"], "--seconds", "5", *small],
    )
    (host_rc, host_out, host_err), (party_rc, party_out, party_err) = await asyncio.gather(
        host, party
    )
    assert host_rc == 0, host_err
    assert party_rc == 0, party_err
    host_report, party_report = json.loads(host_out), json.loads(party_out)
    assert host_report["is_host"] and host_report["room"] == "hearing"
    assert party_report["presence"] == "in_hearing"  # admitted by the host's --admit-all
    seen_by_party = {p["id"]: p for p in party_report["peers"]}[host_report["participant_id"]]
    assert seen_by_party["heard"] and seen_by_party["video_frames"] > 10
    assert party_report["audio_frames"] > 100
    assert party_report["heartbeat_rtt_ms"]["count"] >= 3
    # The same report for people, in the operator's language.
    chinese = describe(party_report, "zh-CN")
    assert f"庭审 {hearing['id']}" in chinese and "在庭审室" in chinese
    assert f"{host_report['name']}（在庭审室）" in chinese and "听得到" in chinese
    english = describe(party_report, "en")
    assert "In the hearing room" in english and ", heard (tone" in english


async def test_probe_explains_refusals(server: TestServer, settings: Settings) -> None:
    hearing = make_hearing(settings)
    url = str(server.make_url("/"))
    for options, code in [
        ({"code": "0000-0000-0000"}, "code_unknown"),
        ({"user": "mediator", "password": "wrong"}, "login_failed"),
    ]:
        with pytest.raises(ProbeError) as caught:
            await run_probe(url, hearing["id"], origin=ORIGIN, seconds=0, **options)
        assert caught.value.code == code
        assert caught.value.message  # translated, for the operator
    with pytest.raises(ProbeError) as caught:
        await run_probe("http://127.0.0.1:9", 1, code="x", seconds=0)
    assert caught.value.code == "unreachable"


@pytest.mark.slow
async def test_probe_cli_exit_status_and_message_on_refusal(
    server: TestServer, settings: Settings
) -> None:
    hearing = make_hearing(settings)
    url = str(server.make_url("/"))
    argv = ["probe", "--server", url, "--origin", ORIGIN, "--hearing", str(hearing["id"])]
    code, out, err = await run_cli([*argv, "--code", "0000-0000-0000"])
    assert code == 2 and out == ""
    assert "个人码不正确" in err and "（code_unknown）" in err  # in zh-CN, the default
