"""The VideoRoom and AudioBridge operations a hearing needs, on `JanusHandle`s.

A hearing on Janus is one VideoRoom (each participant publishes its camera once, Janus forwards
it to the others without re-encoding, and records each publisher's stream to ``.mjr``) and
AudioBridge rooms (each participant sends its microphone, Janus mixes one mix-minus track for
each and records the room's mix to a ``.wav``). The server holds every handle, so it enforces who
hears whom: `AudioBridge.mute` takes a participant out of the mix, `AudioBridge.move` moves a
participant's audio into another room (a private room, a caucus, a lobby), and
`VideoRoom.relay` stops or resumes forwarding a camera to one receiver, both without a new
negotiation.

Rooms are created through a control handle with the room `secret` (needed for mute, destroy and
recording changes) and, when the plugin is configured with one, the ``admin_key`` (needed to
create rooms at all). Feed and participant ids are the hearing's participant ids.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from signaling.media.janus.client import JanusHandle, JanusPluginError, Jsep, Json

VIDEOROOM = "janus.plugin.videoroom"
AUDIOBRIDGE = "janus.plugin.audiobridge"


def _no_answer(what: str) -> JanusPluginError:
    return JanusPluginError(0, f"{what}: Janus sent no SDP")


@dataclass
class VideoRoom:
    """One VideoRoom room, driven through `control` (a VideoRoom handle of the server)."""

    control: JanusHandle
    room: int
    secret: str

    @classmethod
    async def create(
        cls,
        control: JanusHandle,
        room: int,
        *,
        secret: str,
        admin_key: str | None = None,
        publishers: int = 6,
        bitrate: int = 512_000,
        record_dir: Path | None = None,
        description: str = "",
    ) -> VideoRoom:
        """A private VP8/Opus room for `publishers` cameras; every publisher recorded to
        ``.mjr`` files in `record_dir` if given (only the secret can change that)."""
        body: Json = {
            "request": "create",
            "room": room,
            "secret": secret,
            "is_private": True,
            "publishers": publishers,
            "bitrate": bitrate,
            "videocodec": "vp8",
            "audiocodec": "opus",
            "lock_record": True,
        }
        if description:
            body["description"] = description
        if admin_key is not None:
            body["admin_key"] = admin_key
        if record_dir is not None:
            body.update(record=True, rec_dir=str(record_dir))
        await control.request(body)
        return cls(control, room, secret)

    async def publish(
        self, handle: JanusHandle, feed_id: int, offer: Jsep, display: str = ""
    ) -> Jsep:
        """Join `handle` as publisher `feed_id` and publish the media of `offer`: the answer."""
        await handle.message(
            {
                "request": "join",
                "ptype": "publisher",
                "room": self.room,
                "id": feed_id,
                "display": display,
            }
        )
        _, answer = await handle.message({"request": "publish"}, offer)
        if answer is None:
            raise _no_answer("publish")
        return answer

    async def subscribe(self, handle: JanusHandle, feeds: Sequence[int]) -> tuple[Jsep, list[Json]]:
        """Subscribe `handle` to every stream of `feeds`: Janus's offer (to answer with `start`)
        and its stream list (mid -> feed_id, type)."""
        data, offer = await handle.message(
            {
                "request": "join",
                "ptype": "subscriber",
                "room": self.room,
                "streams": [{"feed": feed} for feed in feeds],
            }
        )
        if offer is None:
            raise _no_answer("subscribe")
        streams: list[Json] = data.get("streams", [])
        return offer, streams

    async def start(self, handle: JanusHandle, answer: Jsep) -> None:
        """Complete a subscription with the subscriber's answer."""
        await handle.message({"request": "start"}, answer)

    async def relay(self, handle: JanusHandle, sends: Mapping[str, bool]) -> None:
        """Start (True) or stop (False) relaying streams of the subscription of `handle`, by the
        subscriber's mid, with no new negotiation: how the server hides a camera from one
        receiver (a private room, video off) and shows it again."""
        await handle.message(
            {
                "request": "configure",
                "streams": [{"mid": mid, "send": send} for mid, send in sends.items()],
            }
        )

    async def publishers(self) -> list[Json]:
        data = await self.control.request({"request": "listparticipants", "room": self.room})
        return [p for p in data.get("participants", []) if p.get("publisher")]

    async def destroy(self) -> None:
        """Destroy the room (its recordings are closed; its participants are told)."""
        await self.control.request({"request": "destroy", "room": self.room, "secret": self.secret})


@dataclass
class AudioBridge:
    """One AudioBridge room (a mix), driven through `control` (an AudioBridge handle)."""

    control: JanusHandle
    room: int
    secret: str

    @classmethod
    async def create(
        cls,
        control: JanusHandle,
        room: int,
        *,
        secret: str,
        admin_key: str | None = None,
        sampling_rate: int = 16000,
        record_file: Path | None = None,
        description: str = "",
    ) -> AudioBridge:
        """A private mixing room; its mix recorded to the ``.wav`` `record_file` if given."""
        body: Json = {
            "request": "create",
            "room": room,
            "secret": secret,
            "is_private": True,
            "sampling_rate": sampling_rate,
            "audiolevel_event": False,
        }
        if description:
            body["description"] = description
        if admin_key is not None:
            body["admin_key"] = admin_key
        if record_file is not None:
            body.update(
                record=True, record_dir=str(record_file.parent), record_file=record_file.name
            )
        await control.request(body)
        return cls(control, room, secret)

    async def join(
        self,
        handle: JanusHandle,
        participant_id: int,
        offer: Jsep,
        *,
        muted: bool = False,
        display: str = "",
    ) -> Jsep:
        """Join `handle` as `participant_id` with the audio of `offer`: the answer. The
        participant hears the room's mix without its own voice."""
        _, answer = await handle.message(
            {
                "request": "join",
                "room": self.room,
                "id": participant_id,
                "display": display,
                "muted": muted,
            },
            offer,
        )
        if answer is None:
            raise _no_answer("join")
        return answer

    async def mute(self, participant_id: int) -> None:
        """Take the participant's voice out of the mix (they still hear it)."""
        await self._moderate("mute", participant_id)

    async def unmute(self, participant_id: int) -> None:
        await self._moderate("unmute", participant_id)

    async def _moderate(self, request: str, participant_id: int) -> None:
        await self.control.request(
            {"request": request, "room": self.room, "id": participant_id, "secret": self.secret}
        )

    async def move(
        self, handle: JanusHandle, participant_id: int, to: AudioBridge, *, muted: bool = False
    ) -> None:
        """Move the participant of `handle` from this room to `to` (same peer connection): from
        then on they hear, and are heard in, `to` only."""
        data, _ = await handle.message(
            {"request": "changeroom", "room": to.room, "id": participant_id, "muted": muted}
        )
        if data.get("audiobridge") != "roomchanged":
            raise JanusPluginError(0, f"changeroom answered {data!r}")

    async def record(self, target: Path | None) -> None:
        """Start recording the room's mix into the ``.wav`` `target`, or stop (None): Janus
        closes the file a moment later (`record.wait_closed`)."""
        body: Json = {"request": "enable_recording", "room": self.room, "secret": self.secret}
        if target is None:
            body["record"] = False
        else:
            body.update(record=True, record_dir=str(target.parent), record_file=target.name)
        await self.control.request(body)

    async def participants(self) -> list[Json]:
        data = await self.control.request({"request": "listparticipants", "room": self.room})
        participants: list[Json] = data.get("participants", [])
        return participants

    async def destroy(self) -> None:
        """Destroy the room; its ``.wav`` record is closed."""
        await self.control.request({"request": "destroy", "room": self.room, "secret": self.secret})
