// Before joining a hearing: is the camera giving pictures, does the microphone hear,
// and does the network answer in time? Each check gives "ok", "weak" or "fail".

/** Round trips to /healthz: `{ result, ms }` (median of three). */
export async function checkNetwork() {
  const times = [];
  for (let i = 0; i < 3; i += 1) {
    const started = performance.now();
    try {
      const response = await fetch(`/healthz?t=${Date.now()}`, { cache: "no-store" });
      if (!response.ok) return { result: "fail", ms: null };
      await response.text();
    } catch {
      return { result: "fail", ms: null };
    }
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const ms = Math.round(times[1]);
  return { result: ms < 800 ? "ok" : "weak", ms };
}

/**
 * Open the camera and microphone into `video`; measure the microphone's level for
 * `seconds`, calling `onLevel(0..1)`. Resolves `{ camera, mic, stream, level(), stop() }`;
 * `level()` reads the microphone's level now (0..1), for a live meter.
 */
export async function checkMedia(video, onLevel, seconds = 2) {
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      audio: true, video: { width: 320, height: 240, frameRate: 15 },
    });
  } catch {
    try { stream = await navigator.mediaDevices.getUserMedia({ audio: true }); }
    catch { return { camera: "fail", mic: "fail", stream: null, level: () => 0, stop() {} }; }
  }
  let context = null;
  const stop = () => {
    for (const track of stream.getTracks()) track.stop();
    if (context) context.close().catch(() => {});
    video.srcObject = null;
  };
  let camera = "fail";
  if (stream.getVideoTracks().length) {
    video.srcObject = stream;
    try {
      await video.play();
      await new Promise((resolve) => {
        if (video.videoWidth > 0) { resolve(); return; }
        video.addEventListener("loadeddata", resolve, { once: true });
        setTimeout(resolve, 3000);
      });
      camera = video.videoWidth > 0 ? "ok" : "fail";
    } catch { camera = "fail"; }
  }
  let mic = "fail";
  let level = () => 0;
  if (stream.getAudioTracks().length) {
    context = new AudioContext();
    await context.resume().catch(() => {});
    const analyser = context.createAnalyser();
    analyser.fftSize = 1024;
    context.createMediaStreamSource(stream).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    level = () => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const s of samples) sum += s * s;
      return Math.min(1, Math.sqrt(sum / samples.length) * 4);
    };
    let loudest = 0;
    const until = performance.now() + seconds * 1000;
    while (performance.now() < until) {
      const now = level();
      loudest = Math.max(loudest, now);
      onLevel(now);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    mic = loudest > 0.02 ? "ok" : loudest > 0.002 ? "weak" : "fail";
  }
  return { camera, mic, stream, level, stop };
}
