"""Audio continuity as a listener hears it: which 20 ms frames arrived with sound in them.

A receiver notes each decoded frame (``AudioContinuity.frame``); the summary over a window
says what fraction of the window's 20 ms frames arrived carrying sound, the longest silence
(no voiced frame: lost, late or silent), each silence longer than ``GAP`` seconds, and the
voiced frames of each second, on the wall clock (so that another process can line them up
with what it did to the link).
"""

from __future__ import annotations

import itertools
import math
import time
from typing import Any

import numpy as np

FRAME_SECONDS = 0.02
VOICED_RMS = 300.0  # of a 3000 amplitude tone (RMS 2121): well above codec noise and PLC tails
GAP = 0.2  # silences at least this long are listed
MAX_GAPS = 50


def rms(samples: np.ndarray) -> float:
    if samples.size == 0:
        return 0.0
    values = samples.astype(np.float64)
    return float(np.sqrt(np.mean(values * values)))


class AudioContinuity:
    """Arrival times (``time.time()``) of the received frames that carried sound."""

    def __init__(self) -> None:
        self.frames = 0
        self.voiced: list[float] = []

    def frame(self, samples: np.ndarray, at: float | None = None) -> None:
        self.frames += 1
        if rms(samples) >= VOICED_RMS:
            self.voiced.append(time.time() if at is None else at)

    def first_voiced(self) -> float | None:
        return self.voiced[0] if self.voiced else None

    def summary(self, start: float, end: float) -> dict[str, Any]:
        """Continuity over ``[start, end]``: the fraction of its frames that arrived voiced
        (at most 1), the longest silence and the silences of ``GAP`` seconds or more."""
        inside = [t for t in self.voiced if start <= t <= end]
        expected = max(1.0, (end - start) / FRAME_SECONDS)
        edges = [start, *inside, end]
        gaps = [(a, b) for a, b in itertools.pairwise(edges) if b - a >= GAP]
        longest = max((b - a for a, b in itertools.pairwise(edges)), default=0.0)
        return {
            "window_s": round(end - start, 3),
            "voiced_frames": len(inside),
            "continuity": round(min(1.0, len(inside) / expected), 4),
            "longest_gap_ms": round(1000 * longest),
            "gaps": [[round(a, 3), round(b, 3)] for a, b in gaps[:MAX_GAPS]],
            "start": round(start, 3),
            "voiced_per_second": self.per_second(inside, start, end),
        }

    @staticmethod
    def per_second(voiced: list[float], start: float, end: float) -> list[int]:
        """Voiced frames in each second from ``start`` (50 is a whole second of sound)."""
        counts = [0] * max(1, math.ceil(end - start))
        for t in voiced:
            counts[min(len(counts) - 1, int(t - start))] += 1
        return counts
