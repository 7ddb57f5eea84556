"""Janus (a WebRTC media server) as the hearing's media engine: a client for its HTTP API
(`JanusSession`, `JanusHandle`) and the VideoRoom / AudioBridge operations a hearing needs
(`VideoRoom`, `AudioBridge`). Groundwork for ``ODR_MEDIA_BACKEND=janus``.
"""

from signaling.media.janus.client import (
    JanusError,
    JanusHandle,
    JanusPluginError,
    JanusSession,
    Jsep,
)
from signaling.media.janus.rooms import AUDIOBRIDGE, VIDEOROOM, AudioBridge, VideoRoom

__all__ = [
    "AUDIOBRIDGE",
    "VIDEOROOM",
    "AudioBridge",
    "JanusError",
    "JanusHandle",
    "JanusPluginError",
    "JanusSession",
    "Jsep",
    "VideoRoom",
]
