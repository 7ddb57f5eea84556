// The hearing's media when the server runs on Janus (docs/protocol.md, "Media on Janus"): the
// same signaling socket, but three peer connections instead of the hub's one —
//   the voice:   Opus sendrecv (`janus_offer` kind "audio"), the room's mix comes back;
//   the camera:  VP8 sendonly (`janus_offer` kind "camera"), published in the VideoRoom;
//   the others:  Janus offers their cameras (a `janus_offer` event, one m-line a camera,
//                `streams` saying whose), answered on a new peer connection (`janus_answer`);
//                each new offer replaces the last.
// The subscription's mids are Janus's: each is given a tile ("1".."6") in the order offered,
// and `tileSlots` turns the server's `media` slots (by mid) into slots by tile.
import { SLOTS, gathered, preferCodec, qualityOf } from "./hearing-media.js";

export class JanusLink {
  constructor({ iceServers, stream, onAudio, onVideo, onState, onTiles }) {
    this.config = { iceServers: iceServers || [], bundlePolicy: "max-bundle" };
    this.onVideo = onVideo;
    this.onState = onState;
    this.onTiles = onTiles;
    this.voice = new RTCPeerConnection(this.config);
    this.camera = new RTCPeerConnection(this.config);
    this.viewer = null;
    this.tiles = {};  // subscription mid -> tile
    this.closed = false;
    const audioTrack = stream ? stream.getAudioTracks()[0] : null;
    const videoTrack = stream ? stream.getVideoTracks()[0] : null;
    const streams = stream ? [stream] : [];
    const audio = this.voice.addTransceiver(audioTrack || "audio", { direction: "sendrecv", streams });
    this.video = this.camera.addTransceiver(videoTrack || "video", { direction: "sendonly", streams });
    preferCodec(audio, "audio", "audio/opus");
    preferCodec(this.video, "video", "video/vp8");
    this.voice.addEventListener("track", (event) => onAudio(event.track));
    for (const pc of [this.voice, this.camera]) {
      pc.addEventListener("connectionstatechange", () => onState(this.connectionState));
    }
    this.last = null;  // the previous outbound byte count, for the bitrate
  }

  /** Offer the voice, then the camera (`send(event, payload)`: the ack); apply the answers. */
  async connect(send) {
    for (const [kind, pc] of [["audio", this.voice], ["camera", this.camera]]) {
      await pc.setLocalDescription(await pc.createOffer());
      await gathered(pc);
      const answer = await send("janus_offer", { kind, sdp: pc.localDescription.sdp, type: "offer" });
      if (this.closed) return;
      await pc.setRemoteDescription({ type: "answer", sdp: answer.sdp });
    }
  }

  /** Janus's (new) subscription offer: answered on a new peer connection. */
  async subscribe(offer, send) {
    if (this.viewer) this.viewer.close();
    const pc = new RTCPeerConnection(this.config);
    this.viewer = pc;
    this.tiles = {};
    Object.keys(offer.streams || {}).slice(0, SLOTS).forEach((mid, i) => {
      this.tiles[mid] = String(i + 1);
    });
    pc.addEventListener("track", (event) => {
      const tile = this.tiles[event.transceiver.mid];
      if (tile) this.onVideo(tile, event.track);
    });
    this.onTiles();
    await pc.setRemoteDescription({ type: "offer", sdp: offer.sdp });
    await pc.setLocalDescription(await pc.createAnswer());
    await gathered(pc);
    if (this.viewer !== pc) return;  // replaced meanwhile
    await send("janus_answer", { sdp: pc.localDescription.sdp, type: "answer" });
  }

  /** The server's `media` slots (subscription mid -> participant) by tile. */
  tileSlots(slots) {
    const byTile = {};
    for (const [mid, tile] of Object.entries(this.tiles)) byTile[tile] = slots[mid] ?? null;
    return byTile;
  }

  /** Swap the camera track (null: send no video). */
  async setVideoTrack(track) { await this.video.sender.replaceTrack(track); }

  /** Loss, round trip and sending bitrate of the voice and the camera (`qualityOf`). */
  quality() { return qualityOf([this.voice, this.camera], this); }

  /** "failed" when either of the two up-links failed, else the voice's state. */
  get connectionState() {
    if ([this.voice, this.camera].some((pc) => pc.connectionState === "failed")) return "failed";
    return this.voice.connectionState;
  }

  close() {
    this.closed = true;
    for (const pc of [this.voice, this.camera, this.viewer]) {
      try { if (pc) pc.close(); } catch { /* already closed */ }
    }
    this.viewer = null;
  }
}
