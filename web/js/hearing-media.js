// The hearing's media: the camera and microphone, and ONE peer connection to the server's hub
// with the protocol's fixed layout (docs/protocol.md §4):
//   m-line 0 audio sendrecv (the microphone up, one mix down), 1 video sendrecv (camera up,
//   slot 1 down), 2..6 video recvonly (slots 2..6). VP8 and Opus; no renegotiation.
// On Janus the layout is another: hearing-janus.js, with the helpers exported here.

export const VIDEO = { width: 320, height: 240, frameRate: 15 };
export const SLOTS = 6;

/** Ask for the camera (320x240@15) and the microphone; audio alone when `audioOnly`. */
export async function openDevices(audioOnly) {
  const audio = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };
  const video = audioOnly ? false : {
    width: { ideal: VIDEO.width }, height: { ideal: VIDEO.height },
    frameRate: { ideal: VIDEO.frameRate, max: VIDEO.frameRate },
  };
  try {
    return await navigator.mediaDevices.getUserMedia({ audio, video });
  } catch (error) {
    if (video) {  // no camera: carry on with the microphone
      try { return await navigator.mediaDevices.getUserMedia({ audio, video: false }); }
      catch { /* fall through */ }
    }
    throw error;
  }
}

export function preferCodec(transceiver, kind, mime) {
  // VP8 and Opus only: the hub decodes and encodes them cheaply (no H264 on the server).
  if (typeof transceiver.setCodecPreferences !== "function" || !RTCRtpReceiver.getCapabilities) {
    return;
  }
  const caps = RTCRtpReceiver.getCapabilities(kind);
  const wanted = caps ? caps.codecs.filter((c) => c.mimeType.toLowerCase() === mime) : [];
  try { if (wanted.length) transceiver.setCodecPreferences(wanted); } catch { /* keep defaults */ }
}

export function gathered(pc, ms = 5000) {
  if (pc.iceGatheringState === "complete") return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      if (pc.iceGatheringState !== "complete") return;
      pc.removeEventListener("icegatheringstatechange", done);
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(resolve, ms);  // an unreachable TURN server must not hang us
    pc.addEventListener("icegatheringstatechange", done);
  });
}

/**
 * One peer connection to the hub. `onAudio(track)` gets the mixed audio, `onVideo(mid, track)`
 * each received video slot (mid "1".."6").
 */
export class Link {
  constructor({ iceServers, stream, onAudio, onVideo, onState }) {
    this.pc = new RTCPeerConnection({ iceServers: iceServers || [], bundlePolicy: "max-bundle" });
    const audioTrack = stream ? stream.getAudioTracks()[0] : null;
    const videoTrack = stream ? stream.getVideoTracks()[0] : null;
    const streams = stream ? [stream] : [];
    this.audio = this.pc.addTransceiver(audioTrack || "audio", { direction: "sendrecv", streams });
    this.video = this.pc.addTransceiver(videoTrack || "video", { direction: "sendrecv", streams });
    preferCodec(this.audio, "audio", "audio/opus");
    preferCodec(this.video, "video", "video/vp8");
    for (let i = 1; i < SLOTS; i += 1) {
      preferCodec(this.pc.addTransceiver("video", { direction: "recvonly" }), "video", "video/vp8");
    }
    this.pc.addEventListener("track", (event) => {
      const mid = event.transceiver.mid;
      if (event.track.kind === "audio") onAudio(event.track);
      else onVideo(mid, event.track);
    });
    this.pc.addEventListener("connectionstatechange", () => onState(this.pc.connectionState));
    this.last = null;  // the previous outbound byte count, for the bitrate
  }

  /** Create the offer, wait for ICE gathering, send it (`send("offer", offer)`: the ack),
   *  apply the answer. */
  async connect(send) {
    const offer = await this.pc.createOffer();
    await this.pc.setLocalDescription(offer);
    await gathered(this.pc);
    const answer = await send("offer", { sdp: this.pc.localDescription.sdp, type: "offer" });
    await this.pc.setRemoteDescription({ type: "answer", sdp: answer.sdp });
  }

  /** Swap the camera track (null: send no video). */
  async setVideoTrack(track) { await this.video.sender.replaceTrack(track); }

  /** Loss, round trip and sending bitrate of the link (`qualityOf`). */
  quality() { return qualityOf([this.pc], this); }

  get connectionState() { return this.pc.connectionState; }

  close() {
    try { this.pc.close(); } catch { /* already closed */ }
  }
}

/**
 * Loss (0..1), round trip (ms) and sending bitrate (kb/s) over the peer connections `pcs`,
 * from getStats, or null once closed. `holder.last` keeps the previous byte count between calls.
 */
export async function qualityOf(pcs, holder) {
  if (pcs.every((pc) => pc.connectionState === "closed")) return null;
  let lossSum = 0; let lossCount = 0; let rtt = null; let bytes = 0; let at = 0;
  for (const pc of pcs) {
    if (pc.connectionState === "closed") continue;
    const report = await pc.getStats();
    report.forEach((s) => {
      if (s.type === "remote-inbound-rtp") {
        if (typeof s.fractionLost === "number") { lossSum += s.fractionLost; lossCount += 1; }
        if (typeof s.roundTripTime === "number") rtt = Math.max(rtt ?? 0, s.roundTripTime * 1000);
      } else if (s.type === "outbound-rtp") {
        bytes += s.bytesSent || 0;
        at = Math.max(at, s.timestamp || 0);
      } else if (s.type === "candidate-pair" && s.nominated && rtt === null
                 && typeof s.currentRoundTripTime === "number") {
        rtt = s.currentRoundTripTime * 1000;
      }
    });
  }
  if (!holder.last) { // a rate needs two samples: take the first, and the second a second on
    holder.last = { bytes, at };
    await new Promise((resolve) => { setTimeout(resolve, 1000); });
    return qualityOf(pcs, holder);
  }
  const kbps = at > holder.last.at ? ((bytes - holder.last.bytes) * 8) / (at - holder.last.at) : 0;
  holder.last = { bytes, at };
  return {
    loss: Math.min(1, Math.max(0, lossCount ? lossSum / lossCount : 0)),
    rtt_ms: Math.min(60000, Math.max(0, rtt ?? 0)),
    bitrate_kbps: Math.min(100000, Math.max(0, kbps)),
  };
}

/** "good", "fair", "poor" or "unknown" for a quality report. */
export function level(q) {
  if (!q) return "unknown";
  if (q.loss > 0.1 || q.rtt_ms > 800) return "poor";
  if (q.loss > 0.03 || q.rtt_ms > 300) return "fair";
  return "good";
}
