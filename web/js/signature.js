// A signature pad: draw with a finger, pen or mouse on a canvas; or, without a pointer, type
// the name and it is written on the canvas. The result is a PNG data URL.
export class Pad {
  constructor(canvas, typed = null) {
    this.canvas = canvas;
    this.context = canvas.getContext("2d");
    this.typed = typed;
    this.strokes = 0;
    this.drawing = false;
    this.setUp();
    this.clear();
    canvas.addEventListener("pointerdown", (event) => this.start(event));
    canvas.addEventListener("pointermove", (event) => this.move(event));
    for (const type of ["pointerup", "pointercancel", "pointerleave"]) {
      canvas.addEventListener(type, () => { this.drawing = false; });
    }
    if (typed) typed.addEventListener("input", () => this.writeName(typed.value));
  }

  setUp() {
    const c = this.context;
    c.lineWidth = 3;
    c.lineCap = "round";
    c.lineJoin = "round";
    c.strokeStyle = "#10205a";
  }

  point(event) {
    const box = this.canvas.getBoundingClientRect();
    return [
      ((event.clientX - box.left) * this.canvas.width) / box.width,
      ((event.clientY - box.top) * this.canvas.height) / box.height,
    ];
  }

  start(event) {
    event.preventDefault();
    this.canvas.setPointerCapture?.(event.pointerId);
    if (this.typed && this.typed.value) { this.typed.value = ""; this.clear(); }
    this.drawing = true;
    const [x, y] = this.point(event);
    this.context.beginPath();
    this.context.moveTo(x, y);
    this.context.lineTo(x + 0.1, y + 0.1);
    this.context.stroke();
    this.strokes += 1;
  }

  move(event) {
    if (!this.drawing) return;
    event.preventDefault();
    const [x, y] = this.point(event);
    this.context.lineTo(x, y);
    this.context.stroke();
  }

  writeName(name) {
    this.clear();
    if (!name.trim()) return;
    const c = this.context;
    c.fillStyle = "#10205a";
    c.font = `italic 64px "Noto Serif CJK SC", "Segoe Script", cursive, serif`;
    c.textBaseline = "middle";
    c.fillText(name.trim(), 24, this.canvas.height / 2, this.canvas.width - 48);
    this.strokes = 1;
  }

  clear() {
    const c = this.context;
    c.fillStyle = "#fff";
    c.fillRect(0, 0, this.canvas.width, this.canvas.height);
    this.strokes = 0;
    this.setUp();
  }

  /** Start again: the drawing, or the typed name (the field too), wiped. */
  erase() {
    if (this.typed) this.typed.value = "";
    this.clear();
  }

  isEmpty() { return this.strokes === 0; }

  png() { return this.canvas.toDataURL("image/png"); }
}
