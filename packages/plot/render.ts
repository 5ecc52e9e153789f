/**
 * A {@link Scene} as PNG (the SVG rasterized by resvg) or PDF (drawn with pdfkit), both in
 * DejaVu Sans, or as SVG text; {@link renderScene} picks by format name.
 * @module
 */
import { Buffer } from "node:buffer";
import { Resvg } from "@resvg/resvg-wasm";
import type PDFDocument from "pdfkit";
import { FONT_FAMILY, fontBytes, resvgReady } from "./assets.ts";
import { cssColor, type Rgba, type Scene, sceneToSvg, type Shape } from "./scene.ts";

/** Output formats of {@link renderScene}. */
export type SceneFormat = "png" | "pdf" | "svg";

/**
 * The format named by a file's extension (`.png`, `.pdf`, `.svg`), or null for another.
 * @example
 * ```ts
 * formatOfPath("velocity.pdf"); // "pdf"
 * ```
 */
export function formatOfPath(path: string): SceneFormat | null {
  const ext = path.toLowerCase().match(/\.([a-z]+)$/)?.[1];
  return ext === "png" || ext === "pdf" || ext === "svg" ? ext : null;
}

/** Rasterize a scene (its SVG) to PNG bytes with resvg, at one pixel per scene pixel. */
export async function sceneToPng(scene: Scene): Promise<Uint8Array> {
  await resvgReady();
  const r = new Resvg(sceneToSvg(scene), {
    font: { fontBuffers: [fontBytes()], loadSystemFonts: false, defaultFontFamily: FONT_FAMILY },
    shapeRendering: 2,
    textRendering: 1,
    imageRendering: 1,
  });
  try {
    const img = r.render();
    try {
      return img.asPng();
    } finally {
      img.free();
    }
  } finally {
    r.free();
  }
}

type Doc = InstanceType<typeof PDFDocument>;

function fill(doc: Doc, c: Rgba): void {
  doc.fillColor(cssColor(c), c[3] / 255);
}

function stroke(doc: Doc, c: Rgba, width: number): void {
  doc.strokeColor(cssColor(c), c[3] / 255).lineWidth(width);
}

function drawShape(doc: Doc, s: Shape): void {
  switch (s.kind) {
    case "rect":
      if (s.fill) {
        fill(doc, s.fill);
        doc.rect(s.x, s.y, s.w, s.h).fill();
      }
      if (s.stroke) {
        stroke(doc, s.stroke, s.strokeWidth ?? 1);
        doc.rect(s.x, s.y, s.w, s.h).stroke();
      }
      return;
    case "line":
      stroke(doc, s.stroke, s.width);
      if (s.dash) doc.dash(s.dash[0], { space: s.dash[1] });
      doc.moveTo(s.x0, s.y0).lineTo(s.x1, s.y1).stroke();
      if (s.dash) doc.undash();
      return;
    case "circle":
      if (s.fill) {
        fill(doc, s.fill);
        doc.circle(s.cx, s.cy, s.r).fill();
      }
      if (s.stroke) {
        stroke(doc, s.stroke, s.width ?? 1);
        doc.circle(s.cx, s.cy, s.r).stroke();
      }
      return;
    case "text": {
      doc.fontSize(s.size);
      const w = doc.widthOfString(s.text);
      const dx = s.anchor === "middle" ? -w / 2 : s.anchor === "end" ? -w : 0;
      fill(doc, s.color);
      doc.save();
      if (s.rotate === -90) doc.rotate(-90, { origin: [s.x, s.y] });
      doc.text(s.text, s.x + dx, s.y, { lineBreak: false, baseline: "alphabetic" });
      doc.restore();
      return;
    }
    case "polygon":
      if (s.fill) {
        fill(doc, s.fill);
        doc.polygon(...s.points.map(([x, y]) => [x, y])).fill();
      }
      if (s.stroke) {
        stroke(doc, s.stroke, s.width ?? 1);
        doc.polygon(...s.points.map(([x, y]) => [x, y])).stroke();
      }
      return;
    case "image":
      doc.image(Buffer.from(s.png), s.x, s.y, { width: s.w, height: s.h });
      return;
  }
}

let pdfkit: Promise<typeof PDFDocument> | null = null;

/** pdfkit, imported on first use: it takes ~50 ms to import (after fontkit). */
function loadPdfkit(): Promise<typeof PDFDocument> {
  pdfkit ??= import("pdfkit").then((m) => m.default);
  return pdfkit;
}

/**
 * Load what the first PNG and PDF need ahead of them: DejaVu Sans, resvg's WebAssembly
 * (compiled off this thread) and pdfkit. A failure is the first chart's failure.
 */
export async function preloadRenderer(): Promise<void> {
  fontBytes();
  await Promise.all([resvgReady(), loadPdfkit()]);
}

/** Draw a scene into a one-page PDF (`width / dpi` inches wide) with pdfkit. */
export async function sceneToPdf(scene: Scene): Promise<Uint8Array> {
  const k = 72 / (scene.dpi ?? 100);
  const PDFDocumentClass = await loadPdfkit();
  const doc: Doc = new PDFDocumentClass({
    size: [scene.width * k, scene.height * k],
    margin: 0,
    font: null as unknown as string,
    info: { Producer: "vinsar (pdfkit)", Creator: "vinsar", CreationDate: creationDate() },
  });
  const chunks: Uint8Array[] = [];
  doc.on("data", (c: Uint8Array) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    doc.on("end", () => resolve());
    doc.on("error", reject);
  });
  doc.registerFont(FONT_FAMILY, Buffer.from(fontBytes()));
  doc.font(FONT_FAMILY);
  doc.scale(k);
  fill(doc, scene.background);
  doc.rect(0, 0, scene.width, scene.height).fill();
  for (const s of scene.shapes) drawShape(doc, s);
  doc.end();
  await done;
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** A scene as SVG, PNG or PDF bytes. */
export async function renderScene(scene: Scene, format: SceneFormat): Promise<Uint8Array> {
  if (format === "svg") return new TextEncoder().encode(sceneToSvg(scene));
  return format === "png" ? await sceneToPng(scene) : await sceneToPdf(scene);
}

/**
 * The PDF's creation date: `SOURCE_DATE_EPOCH` (seconds; the reproducible-builds convention)
 * when set, so that the same run gives the same bytes, else now.
 */
function creationDate(): Date {
  const epoch = Number(Deno.env.get("SOURCE_DATE_EPOCH") ?? NaN);
  return Number.isFinite(epoch) ? new Date(epoch * 1000) : new Date();
}
