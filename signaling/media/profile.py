"""Video profile of a hearing: the size and frame rate the hub forwards (village links first)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from av import VideoFrame


@dataclass(frozen=True)
class VideoProfile:
    """The largest picture and the highest frame rate forwarded to any receiver."""

    width: int = 320
    height: int = 240
    fps: int = 15


LOW = VideoProfile(160, 120, 10)  # the host lowers everyone's video


def named(name: str, default: VideoProfile) -> VideoProfile:
    """The profile a host picks by name: ``standard`` is the server's default
    (settings.video_*); ``low`` is LOW, or the default when that is smaller still."""
    if name == "low":
        return VideoProfile(
            min(LOW.width, default.width),
            min(LOW.height, default.height),
            min(LOW.fps, default.fps),
        )
    return default


def fitted(width: int, height: int, profile: VideoProfile) -> tuple[int, int]:
    """The size of a `width` x `height` picture scaled down (never up) into the profile's box,
    keeping its aspect ratio; both sides even (yuv420p)."""
    scale = min(1.0, profile.width / width, profile.height / height)
    return max(2, int(width * scale) // 2 * 2), max(2, int(height * scale) // 2 * 2)


def scaled(frame: VideoFrame, profile: VideoProfile) -> VideoFrame:
    """The frame as yuv420p, scaled down into the profile's box (a new frame)."""
    width, height = fitted(frame.width, frame.height, profile)
    return frame.reformat(width=width, height=height, format="yuv420p")


class FrameGate:
    """Lets through at most `fps` frames a second (drops the others), on the monotonic clock."""

    def __init__(self) -> None:
        self._due = 0.0

    def admit(self, fps: int, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        if now + 0.25 / fps < self._due:
            return False
        period = 1.0 / fps
        # Catch up after a pause instead of letting a burst through.
        self._due = max(self._due + period, now + 0.5 * period)
        return True
