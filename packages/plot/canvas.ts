/**
 * A minimal RGBA raster for charts: filled rectangles, lines (solid or dashed), circles and
 * bitmap-font text, encoded to PNG (png.ts). No I/O.
 * @module
 */
import { encodeRgbaPng } from "./png.ts";
import {
  glyph,
  GLYPH_ADVANCE,
  GLYPH_ASCENT,
  GLYPH_DESCENT,
  GLYPH_WIDTH,
  textWidth,
} from "./font.ts";

/** A colour as [r, g, b, a], 0-255. */
export type Rgba = readonly [number, number, number, number];

/** Horizontal text alignment relative to the anchor point. */
export type TextAnchor = "start" | "middle" | "end";

/** An RGBA image with simple drawing operations (alpha blending "source over"). */
export class RgbaCanvas {
  readonly width: number;
  readonly height: number;
  /** `height x width x 4` bytes, row-major. */
  readonly data: Uint8Array;

  constructor(width: number, height: number, background: Rgba = [255, 255, 255, 255]) {
    this.width = Math.max(1, Math.round(width));
    this.height = Math.max(1, Math.round(height));
    this.data = new Uint8Array(this.width * this.height * 4);
    // One 32-bit fill (bytes r, g, b, a in memory order), not a set() call per pixel.
    const px = new Uint8Array(background);
    new Uint32Array(this.data.buffer).fill(new Uint32Array(px.buffer)[0]!);
  }

  /** Blend one pixel. */
  plot(x: number, y: number, c: Rgba): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = (y * this.width + x) * 4, a = c[3] / 255;
    if (a >= 1) {
      this.data[i] = c[0];
      this.data[i + 1] = c[1];
      this.data[i + 2] = c[2];
      this.data[i + 3] = 255;
      return;
    }
    if (a <= 0) return;
    const d = this.data, da = d[i + 3]! / 255, oa = a + da * (1 - a);
    for (let k = 0; k < 3; k++) d[i + k] = Math.round((c[k]! * a + d[i + k]! * da * (1 - a)) / oa);
    d[i + 3] = Math.round(oa * 255);
  }

  /** Fill the pixels whose centres fall inside the rectangle. */
  fillRect(x: number, y: number, w: number, h: number, c: Rgba): void {
    const x0 = Math.max(0, Math.round(x)), x1 = Math.min(this.width, Math.round(x + w));
    const y0 = Math.max(0, Math.round(y)), y1 = Math.min(this.height, Math.round(y + h));
    for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) this.plot(xx, yy, c);
  }

  /** A line `width` pixels thick; `dash` = [on, off] lengths in pixels. */
  line(
    x0: number,
    y0: number,
    x1: number,
    y1: number,
    c: Rgba,
    width = 1,
    dash?: readonly [number, number],
  ): void {
    const len = Math.hypot(x1 - x0, y1 - y0);
    const half = width / 2;
    if (x0 === x1 || y0 === y1) {
      // Axis-aligned: exact rectangles, dashes as segments.
      const horiz = y0 === y1;
      const a = horiz ? Math.min(x0, x1) : Math.min(y0, y1);
      const period = dash ? dash[0] + dash[1] : len + 1;
      for (let s = 0; s < len + 1e-9; s += period) {
        const e = Math.min(len, s + (dash ? dash[0] : len));
        if (horiz) this.fillRect(a + s, y0 - half, e - s, width, c);
        else this.fillRect(x0 - half, a + s, width, e - s, c);
      }
      return;
    }
    const steps = Math.ceil(len * 2);
    for (let i = 0; i <= steps; i++) {
      const t = i / steps;
      if (dash && (t * len) % (dash[0] + dash[1]) > dash[0]) continue;
      const x = x0 + (x1 - x0) * t, y = y0 + (y1 - y0) * t;
      this.fillRect(x - half, y - half, width, width, c);
    }
  }

  /** A circle outline (or disc when `fill`) of radius `r` pixels. */
  circle(cx: number, cy: number, r: number, c: Rgba, width = 1, fill = false): void {
    for (let y = Math.floor(cy - r - width); y <= Math.ceil(cy + r + width); y++) {
      for (let x = Math.floor(cx - r - width); x <= Math.ceil(cx + r + width); x++) {
        const d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
        if (fill ? d <= r : Math.abs(d - r) <= width / 2) this.plot(x, y, c);
      }
    }
  }

  /**
   * Draw `text` with the bitmap font at integer `scale`; (x, y) is the anchor on the
   * baseline. `rotate` = -90 writes bottom-to-top (for a y-axis label), anchored the same way.
   */
  text(
    x: number,
    y: number,
    text: string,
    c: Rgba,
    opts: { scale?: number; anchor?: TextAnchor; rotate?: 0 | -90 } = {},
  ): void {
    const s = Math.max(1, Math.round(opts.scale ?? 1));
    const w = textWidth(text, s);
    const shift = opts.anchor === "middle" ? -w / 2 : opts.anchor === "end" ? -w : 0;
    const rows = GLYPH_ASCENT + GLYPH_DESCENT;
    for (let i = 0; i < text.length; i++) {
      const bits = glyph(text[i]!);
      for (let r = 0; r < rows; r++) {
        for (let col = 0; col < GLYPH_WIDTH; col++) {
          if (!bits[r * GLYPH_WIDTH + col]) continue;
          // Offsets along the text direction (tx) and down from the baseline (ty).
          const tx = shift + (i * GLYPH_ADVANCE + col) * s;
          const ty = (r - GLYPH_ASCENT) * s;
          if (opts.rotate === -90) this.fillRect(x + ty, y - tx - s, s, s, c);
          else this.fillRect(x + tx, y + ty, s, s, c);
        }
      }
    }
  }

  /** Encode as PNG (8-bit RGBA). */
  toPng(): Uint8Array {
    return encodeRgbaPng(this.width, this.height, this.data);
  }
}
