/**
 * A chart as a flat list of shapes in pixel coordinates. {@link sceneToSvg} writes it as SVG
 * text; `render.ts` turns the same scene into PNG (resvg) and PDF (pdfkit), so every format
 * shows one layout in one font (DejaVu Sans).
 * @module
 */
import { Buffer } from "node:buffer";
import { FONT_FAMILY } from "./assets.ts";

/** A colour: red, green, blue and alpha, 0-255. */
export type Rgba = readonly [number, number, number, number];

/** Horizontal alignment of text at its anchor point. */
export type TextAnchor = "start" | "middle" | "end";

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

/** Text anchored on its baseline, `size` pixels high (the font size). */
export interface TextShape {
  kind: "text";
  x: number;
  y: number;
  text: string;
  color: Rgba;
  size: number;
  anchor?: TextAnchor;
  rotate?: 0 | -90;
}

/**
 * A raster image (an encoded PNG) stretched over a rectangle; drawn with nearest-neighbour
 * scaling, so each data pixel stays a sharp square, as matplotlib's `imshow` shows it.
 */
export interface ImageShape {
  kind: "image";
  x: number;
  y: number;
  w: number;
  h: number;
  png: Uint8Array;
}

/** A closed polygon through `points` (`[x, y]` pairs), filled and/or outlined. */
export interface PolygonShape {
  kind: "polygon";
  points: ReadonlyArray<readonly [number, number]>;
  fill?: Rgba;
  stroke?: Rgba;
  width?: number;
}

/** Any shape. */
export type Shape =
  | RectShape
  | LineShape
  | CircleShape
  | TextShape
  | ImageShape
  | PolygonShape;

/** A drawing: size in pixels, shapes in painting order, and pixels per inch (for PDF). */
export interface Scene {
  width: number;
  height: number;
  background: Rgba;
  shapes: Shape[];
  /** Pixels per inch: a PDF page is `width / dpi` inches wide. Default 100. */
  dpi?: number;
}

/** `#rrggbb` of a colour (alpha dropped). */
export function cssColor(c: Rgba): string {
  const hex = (v: number) => Math.round(v).toString(16).padStart(2, "0");
  return `#${hex(c[0])}${hex(c[1])}${hex(c[2])}`;
}

function paint(what: "fill" | "stroke", c: Rgba | undefined): string {
  if (!c) return what === "fill" ? ` fill="none"` : "";
  return ` ${what}="${cssColor(c)}"` +
    (c[3] >= 255 ? "" : ` ${what}-opacity="${(c[3] / 255).toFixed(3)}"`);
}

function esc(s: string): string {
  return s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

const num = (v: number) => String(Math.round(v * 100) / 100);

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

function shapeSvg(s: Shape): string {
  switch (s.kind) {
    case "rect":
      return `<rect x="${num(s.x)}" y="${num(s.y)}" width="${num(s.w)}" height="${num(s.h)}"` +
        paint("fill", s.fill) + paint("stroke", s.stroke) +
        (s.stroke ? ` stroke-width="${num(s.strokeWidth ?? 1)}"` : "") + `/>`;
    case "line":
      return `<line x1="${num(s.x0)}" y1="${num(s.y0)}" x2="${num(s.x1)}" y2="${num(s.y1)}"` +
        paint("stroke", s.stroke) + ` stroke-width="${num(s.width)}"` +
        (s.dash ? ` stroke-dasharray="${num(s.dash[0])} ${num(s.dash[1])}"` : "") + `/>`;
    case "circle":
      return `<circle cx="${num(s.cx)}" cy="${num(s.cy)}" r="${num(s.r)}"` +
        paint("fill", s.fill) + paint("stroke", s.stroke) +
        (s.stroke ? ` stroke-width="${num(s.width ?? 1)}"` : "") + `/>`;
    case "text": {
      const rot = s.rotate === -90 ? ` transform="rotate(-90 ${num(s.x)} ${num(s.y)})"` : "";
      return `<text x="${num(s.x)}" y="${num(s.y)}" font-size="${num(s.size)}" ` +
        `text-anchor="${s.anchor ?? "start"}"${paint("fill", s.color)}${rot}>${esc(s.text)}</text>`;
    }
    case "polygon":
      return `<polygon points="${s.points.map(([x, y]) => `${num(x)},${num(y)}`).join(" ")}"` +
        paint("fill", s.fill) + paint("stroke", s.stroke) +
        (s.stroke ? ` stroke-width="${num(s.width ?? 1)}"` : "") + `/>`;
    case "image":
      return `<image x="${num(s.x)}" y="${num(s.y)}" width="${num(s.w)}" height="${num(s.h)}" ` +
        `preserveAspectRatio="none" image-rendering="optimizeSpeed" ` +
        `style="image-rendering:pixelated" href="data:image/png;base64,${base64(s.png)}"/>`;
  }
}

/** Render a scene as a standalone SVG document. */
export function sceneToSvg(scene: Scene): string {
  const out = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${scene.width}" height="${scene.height}" ` +
    `viewBox="0 0 ${scene.width} ${scene.height}" ` +
    `font-family="${FONT_FAMILY}, Helvetica, Arial, sans-serif">`,
    `<rect x="0" y="0" width="${scene.width}" height="${scene.height}"${
      paint("fill", scene.background)
    }/>`,
    ...scene.shapes.map(shapeSvg),
    "</svg>",
  ];
  return out.join("\n") + "\n";
}
