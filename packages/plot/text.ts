/**
 * Text measurement in DejaVu Sans (the font the SVG names and resvg and pdfkit embed), so a
 * layout knows how wide a label is before it is drawn. Widths come from the font's own
 * advance widths through fontkit.
 * @module
 */
import * as fontkit from "fontkit";
import { fontBytes } from "./assets.ts";

/** Height of a capital letter as a fraction of the font size (DejaVu Sans: 0.729 em). */
export const CAP_HEIGHT = 0.729;
/** Depth below the baseline of descenders as a fraction of the font size (0.236 em). */
export const DESCENT = 0.236;

interface Font {
  unitsPerEm: number;
  layout(text: string): { advanceWidth: number };
}

let font: Font | null = null;
const cache = new Map<string, number>();

/**
 * Width in pixels of `text` set at `size` pixels.
 * @example
 * ```ts
 * const w = textWidth("2020", 12); // about 30 px
 * ```
 */
export function textWidth(text: string, size: number): number {
  let em = cache.get(text);
  if (em === undefined) {
    font ??= (fontkit as unknown as { create(b: Uint8Array): Font }).create(fontBytes());
    em = font.layout(text).advanceWidth / font.unitsPerEm;
    if (cache.size < 4096) cache.set(text, em);
  }
  return em * size;
}
