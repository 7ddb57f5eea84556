"""A peer connection's link quality from its ``getStats()`` report: what the probe sends as
``quality`` (the browser computes the same from its own getStats, web/js/hearing-media.js)."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from typing import Any


def link_quality(report: Iterable[Any]) -> tuple[float, float, int]:
    """Loss (0..1) on what this side receives, mean round trip (ms) and bytes sent, from an
    aiortc ``getStats()`` report's values."""
    lost = received = sent = 0
    rtts = []
    for stats in report:
        if stats.type == "remote-inbound-rtp":
            rtts.append(stats.roundTripTime)
        elif stats.type == "inbound-rtp":
            lost += max(0, stats.packetsLost)
            received += stats.packetsReceived
        elif stats.type == "outbound-rtp":
            sent += stats.bytesSent
    loss = min(1.0, lost / max(1, lost + received))
    return loss, 1000 * statistics.mean(rtts) if rtts else 0.0, sent
