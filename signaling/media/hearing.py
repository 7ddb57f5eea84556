"""The media of one hearing: its peers, cameras, mixer, routing and record, and the slot rule."""

from __future__ import annotations

from collections.abc import Mapping

from av import VideoFrame

from odr.domain.hearing import Allowed
from signaling.media.forward import VideoSource
from signaling.media.mixer import Mixer
from signaling.media.peer import Peer
from signaling.media.profile import VideoProfile
from signaling.media.recorder import Recorder

NOBODY = Allowed()


class HearingMedia:
    def __init__(self, hearing_id: int, profile: VideoProfile) -> None:
        self.hearing_id = hearing_id
        self.profile = profile
        self.routing: dict[int, Allowed] = {}
        self.record_sources: frozenset[int] = frozenset()
        self.audio_only: set[int] = set()
        self.peers: dict[int, Peer] = {}
        self.cameras: dict[int, VideoSource] = {}
        self.mixer = Mixer()
        self.recorder: Recorder | None = None
        self.record_video = False

    def camera(self, participant_id: int) -> VideoSource:
        if participant_id not in self.cameras:
            self.cameras[participant_id] = VideoSource(participant_id)
        return self.cameras[participant_id]

    def allowed(self, participant_id: int) -> Allowed:
        return self.routing.get(participant_id, NOBODY)

    def set_routing(self, routing: Mapping[int, Allowed], record_sources: frozenset[int]) -> None:
        self.routing = dict(routing)
        self.record_sources = frozenset(record_sources)

    def record_cameras(self) -> list[int]:
        """Whose video goes into a video record: those the recorded voices (the hearing room)
        may see; never a private room's members, whom the hearing room may not see."""
        seen: set[int] = set()
        for pid in self.record_sources:
            seen |= self.allowed(pid).see
        return sorted(seen & self.peers.keys())

    def record_pictures(self) -> list[VideoFrame]:
        pictures = (self.cameras[pid].picture for pid in self.record_cameras())
        return [p for p in pictures if p is not None]

    def camera_wanted(self, participant_id: int) -> bool:
        camera = self.cameras.get(participant_id)
        if camera is not None and camera.watched:
            return True
        return (
            self.recorder is not None
            and self.record_video
            and (participant_id in self.record_cameras())
        )

    def apply(self) -> dict[int, dict[str, int | None]]:
        """Enforce the routing now: the mixer's hear sets (read at the next tick) and every
        receiver's video slots. Returns the slot maps that changed, by participant."""
        self.mixer.set_hearing(
            {pid: self.allowed(pid).hear for pid in self.peers}, self.record_sources
        )
        changed = {}
        for pid, peer in self.peers.items():
            before = peer.slot_map()
            self._assign_slots(pid, peer)
            after = peer.slot_map()
            if after != before:
                changed[pid] = after
        return changed

    def _assign_slots(self, receiver: int, peer: Peer) -> None:
        visible: list[int] = []
        if receiver not in self.audio_only:
            visible = [
                pid
                for pid in sorted(self.allowed(receiver).see - {receiver})
                if pid in self.peers and self.peers[pid].sends_video
            ]
        # Keep who is already shown where; fill free slots in id order; the rest wait.
        keep = {slot.source_id for slot in peer.slots} & set(visible)
        waiting = [pid for pid in visible if pid not in keep]
        for slot in peer.slots:
            if slot.source_id in keep:
                continue
            slot.show(self.camera(waiting.pop(0)) if waiting else None)
