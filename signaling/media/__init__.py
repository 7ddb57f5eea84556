"""The server's star media hub (aiortc): one peer connection per participant, video forwarded
per receiver into fixed slots, one mix-minus audio track per receiver, and the hearing record.

Entry point: `MediaHub` (hub.py). Synthetic media and the tone measure for probes and tests:
`signaling.media.synthetic` (`ToneTrack`, `PatternTrack`, `tone_hz`, `goertzel_energy`).
"""

from signaling.media.hub import MediaHub
from signaling.media.profile import VideoProfile, named
from signaling.media.recorder import RecordingResult

__all__ = ["MediaHub", "RecordingResult", "VideoProfile", "named"]
