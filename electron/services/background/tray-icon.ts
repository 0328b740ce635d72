/**
 * The tray icons, drawn here (no icon file, so no licence to track): a round
 * glyph per state, dark on light panels and light on dark ones; "needs you"
 * carries an orange disc on either. Shapes are tested per pixel with 4×4
 * supersampling for smooth edges and written as PNG (zlib's deflate and crc32).
 */
import { crc32, deflateSync } from "node:zlib";
import type { TrayState } from "./tray-model.js";

export type Panel = "light" | "dark";
type Rgb = [number, number, number];
/** does the point (in a 0..1 square) belong to the shape */
type Shape = (x: number, y: number) => boolean;

const INK: Record<Panel, Rgb> = { light: [34, 34, 34], dark: [238, 238, 238] };
const ALERT: Rgb = [232, 89, 12];
const WHITE: Rgb = [255, 255, 255];

const dist = (x: number, y: number, cx: number, cy: number) => Math.hypot(x - cx, y - cy);
const disc = (cx: number, cy: number, r: number): Shape => (x, y) => dist(x, y, cx, cy) <= r;
const ring = (r0: number, r1: number, gaps: Array<[number, number]> = []): Shape => (x, y) => {
  const d = dist(x, y, 0.5, 0.5);
  if (d < r0 || d > r1) return false;
  const a = (Math.atan2(y - 0.5, x - 0.5) * 180) / Math.PI;
  return !gaps.some(([from, to]) => a >= from && a <= to);
};
/** a stroke from (ax, ay) to (bx, by), half-width w, round ends */
const stroke = (ax: number, ay: number, bx: number, by: number, w: number): Shape => (x, y) => {
  const [dx, dy] = [bx - ax, by - ay];
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
  return dist(x, y, ax + t * dx, ay + t * dy) <= w;
};
const rect = (x0: number, y0: number, x1: number, y1: number): Shape => (x, y) => x >= x0 && x <= x1 && y >= y0 && y <= y1;
const tri = (p: Array<[number, number]>): Shape => (x, y) => {
  const s = (i: number) => {
    const [a, b] = [p[i]!, p[(i + 1) % 3]!];
    return (b[0] - a[0]) * (y - a[1]) - (b[1] - a[1]) * (x - a[0]);
  };
  const [s0, s1, s2] = [s(0), s(1), s(2)];
  return (s0 >= 0 && s1 >= 0 && s2 >= 0) || (s0 <= 0 && s1 <= 0 && s2 <= 0);
};
const any = (...shapes: Shape[]): Shape => (x, y) => shapes.some((f) => f(x, y));

const OUTLINE = ring(0.38, 0.47);
const W = 0.055;

/** Each state's layers, bottom first: a shape and its colour. */
function layers(state: TrayState, panel: Panel): Array<[Shape, Rgb]> {
  const ink = INK[panel];
  switch (state) {
    case "in-sync":
      return [[any(OUTLINE, stroke(0.32, 0.52, 0.45, 0.64, W), stroke(0.45, 0.64, 0.69, 0.37, W)), ink]];
    case "syncing":
      // two arcs chasing each other, an arrowhead at the end of each
      return [[any(ring(0.27, 0.37, [[-100, -70], [80, 110]]), tri([[0.5, 0.05], [0.5, 0.33], [0.68, 0.19]]), tri([[0.5, 0.95], [0.5, 0.67], [0.32, 0.81]])), ink]];
    case "offline":
      return [[any(ring(0.38, 0.47, [[-50, -40], [130, 140]]), ring(0.12, 0.2), stroke(0.2, 0.8, 0.8, 0.2, W)), ink]];
    case "paused":
      return [[any(OUTLINE, rect(0.36, 0.3, 0.45, 0.7), rect(0.55, 0.3, 0.64, 0.7)), ink]];
    case "needs-you":
      return [
        [disc(0.5, 0.5, 0.47), ALERT],
        [any(rect(0.45, 0.2, 0.55, 0.6), disc(0.5, 0.74, 0.065)), WHITE],
      ];
    case "no-pairs":
      return [[any(OUTLINE, stroke(0.35, 0.5, 0.65, 0.5, W)), ink]];
  }
}

/** The icon as RGBA pixels, `size`×`size`. */
export function drawIcon(state: TrayState, panel: Panel, size: number): Uint8Array {
  const px = new Uint8Array(size * size * 4);
  const parts = layers(state, panel);
  const n = 4;
  for (let py = 0; py < size; py++) {
    for (let pxi = 0; pxi < size; pxi++) {
      const o = (py * size + pxi) * 4;
      for (const [shape, rgb] of parts) {
        let hit = 0;
        for (let sy = 0; sy < n; sy++) for (let sx = 0; sx < n; sx++) if (shape((pxi + (sx + 0.5) / n) / size, (py + (sy + 0.5) / n) / size)) hit++;
        const a = hit / (n * n);
        if (!a) continue;
        // "over" onto what is below
        const below = px[o + 3]! / 255;
        const outA = a + below * (1 - a);
        for (let c = 0; c < 3; c++) px[o + c] = Math.round((rgb[c]! * a + px[o + c]! * below * (1 - a)) / outA);
        px[o + 3] = Math.round(outA * 255);
      }
    }
  }
  return px;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "ascii");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** RGBA pixels as a PNG file (8-bit, no filter). */
export function encodePng(rgba: Uint8Array, width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) raw.set(rgba.subarray(y * width * 4, (y + 1) * width * 4), y * (width * 4 + 1) + 1);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
}

/** The PNG of a state's icon for a panel, at 1× (16 px) and 2× (32 px). */
export function trayIconPngs(state: TrayState, panel: Panel): { scale: number; png: Buffer }[] {
  return [1, 2].map((scale) => ({ scale, png: encodePng(drawIcon(state, panel, 16 * scale), 16 * scale, 16 * scale) }));
}
