/**
 * A chart as a flat list of shapes in pixel coordinates, rendered either to SVG (vector,
 * real fonts) or to PNG (the bitmap font), so both files show the same layout.
 * @module
 */
import { type Rgba, RgbaCanvas, type TextAnchor } from "./canvas.ts";

/** A filled and/or outlined rectangle. */
export interface RectShape {
  kind: "rect";
  x: number;
  y: number;
  w: number;
  h: number;
  fill?: Rgba;
  stroke?: Rgba;
  strokeWidth?: number;
}

/** A straight line, optionally dashed (`[on, off]` pixels). */
export interface LineShape {
  kind: "line";
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  stroke: Rgba;
  width: number;
  dash?: readonly [number, number];
}

/** A circle outline or disc. */
export interface CircleShape {
  kind: "circle";
  cx: number;
  cy: number;
  r: number;
  stroke?: Rgba;
  fill?: Rgba;
  width?: number;
}

/** Text anchored on its baseline; `scale` is the bitmap-font scale (cap height 7 x scale). */
export interface TextShape {
  kind: "text";
  x: number;
  y: number;
  text: string;
  color: Rgba;
  scale: number;
  anchor?: TextAnchor;
  rotate?: 0 | -90;
}

/** Any shape. */
export type Shape = RectShape | LineShape | CircleShape | TextShape;

/** A drawing: size in pixels and shapes in painting order. */
export interface Scene {
  width: number;
  height: number;
  background: Rgba;
  shapes: Shape[];
}

function strokeCss(c: Rgba): string {
  const hex = (v: number) => Math.round(v).toString(16).padStart(2, "0");
  return `#${hex(c[0])}${hex(c[1])}${hex(c[2])}`;
}

/** `fill="..."` attribute(s) of a colour, or no fill. */
function fillAttr(c: Rgba | undefined): string {
  if (!c) return `fill="none"`;
  return `fill="${strokeCss(c)}"` +
    (c[3] >= 255 ? "" : ` fill-opacity="${(c[3] / 255).toFixed(3)}"`);
}

function esc(s: string): string {
  return s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

const num = (v: number) => String(Math.round(v * 100) / 100);

/** Render a scene as a standalone SVG document. */
export function sceneToSvg(scene: Scene): string {
  const out = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${scene.width}" height="${scene.height}" ` +
    `viewBox="0 0 ${scene.width} ${scene.height}" ` +
    `font-family="DejaVu Sans, Helvetica, Arial, sans-serif">`,
    `<rect x="0" y="0" width="${scene.width}" height="${scene.height}" ${
      fillAttr(scene.background)
    }/>`,
  ];
  for (const s of scene.shapes) {
    switch (s.kind) {
      case "rect":
        out.push(
          `<rect x="${num(s.x)}" y="${num(s.y)}" width="${num(s.w)}" height="${num(s.h)}" ${
            fillAttr(s.fill)
          }${
            s.stroke
              ? ` stroke="${strokeCss(s.stroke)}" stroke-width="${num(s.strokeWidth ?? 1)}"`
              : ""
          }/>`,
        );
        break;
      case "line":
        out.push(
          `<line x1="${num(s.x0)}" y1="${num(s.y0)}" x2="${num(s.x1)}" y2="${num(s.y1)}" ` +
            `stroke="${strokeCss(s.stroke)}" stroke-width="${num(s.width)}"${
              s.dash ? ` stroke-dasharray="${s.dash[0]} ${s.dash[1]}"` : ""
            }/>`,
        );
        break;
      case "circle":
        out.push(
          `<circle cx="${num(s.cx)}" cy="${num(s.cy)}" r="${num(s.r)}" ${fillAttr(s.fill)}${
            s.stroke ? ` stroke="${strokeCss(s.stroke)}" stroke-width="${num(s.width ?? 1)}"` : ""
          }/>`,
        );
        break;
      case "text": {
        const anchor = s.anchor ?? "start";
        const rot = s.rotate === -90 ? ` transform="rotate(-90 ${num(s.x)} ${num(s.y)})"` : "";
        out.push(
          `<text x="${num(s.x)}" y="${num(s.y)}" font-size="${num(s.scale * 9.5)}" ` +
            `text-anchor="${anchor}" fill="${strokeCss(s.color)}"${rot}>${esc(s.text)}</text>`,
        );
        break;
      }
    }
  }
  out.push("</svg>");
  return out.join("\n") + "\n";
}

/** Paint a scene onto a new canvas. */
export function sceneToCanvas(scene: Scene): RgbaCanvas {
  const cv = new RgbaCanvas(scene.width, scene.height, scene.background);
  for (const s of scene.shapes) {
    switch (s.kind) {
      case "rect":
        if (s.fill) cv.fillRect(s.x, s.y, s.w, s.h, s.fill);
        if (s.stroke) {
          const w = s.strokeWidth ?? 1;
          cv.line(s.x, s.y, s.x + s.w, s.y, s.stroke, w);
          cv.line(s.x, s.y + s.h, s.x + s.w, s.y + s.h, s.stroke, w);
          cv.line(s.x, s.y, s.x, s.y + s.h, s.stroke, w);
          cv.line(s.x + s.w, s.y, s.x + s.w, s.y + s.h, s.stroke, w);
        }
        break;
      case "line":
        cv.line(s.x0, s.y0, s.x1, s.y1, s.stroke, s.width, s.dash);
        break;
      case "circle":
        if (s.fill) cv.circle(s.cx, s.cy, s.r, s.fill, 1, true);
        if (s.stroke) cv.circle(s.cx, s.cy, s.r, s.stroke, s.width ?? 1);
        break;
      case "text":
        cv.text(s.x, s.y, s.text, s.color, { scale: s.scale, anchor: s.anchor, rotate: s.rotate });
        break;
    }
  }
  return cv;
}

/** Render a scene as PNG bytes. */
export function sceneToPng(scene: Scene): Uint8Array {
  return sceneToCanvas(scene).toPng();
}
