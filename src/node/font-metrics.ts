/**
 * Text widths from the DejaVu TTFs themselves, for vega's headless layout. Without a canvas,
 * vega guesses 0.8 em per character, which truncates labels early and leaves gaps; the PNG is
 * drawn with DejaVu, so measuring with DejaVu's advance widths makes the layout fit the text.
 * A minimal TrueType reader: `head` (units per em), `hhea` + `hmtx` (advances) and `cmap`
 * formats 4 and 12 (characters to glyphs). Kerning is ignored (a pixel or two on long labels).
 */
import { readFileSync } from 'node:fs';

export interface FontMetrics {
  /** Width in px of `text` at `fontSize` px. */
  width(text: string, fontSize: number): number;
}

/** Reads the advance widths of a TrueType font file. */
export function readFontMetrics(path: string): FontMetrics {
  const buf = readFileSync(path);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const tables = new Map<string, number>();
  const numTables = view.getUint16(4);
  for (let i = 0; i < numTables; i++) {
    const rec = 12 + 16 * i;
    const tag = String.fromCharCode(...buf.subarray(rec, rec + 4));
    tables.set(tag, view.getUint32(rec + 8));
  }
  const table = (tag: string): number => {
    const off = tables.get(tag);
    if (off === undefined) throw new Error(`${path}: no "${tag}" table`);
    return off;
  };
  const unitsPerEm = view.getUint16(table('head') + 18);
  const numberOfHMetrics = view.getUint16(table('hhea') + 34);
  const hmtx = table('hmtx');
  const advance = (glyph: number): number =>
    view.getUint16(hmtx + 4 * Math.min(glyph, numberOfHMetrics - 1));
  const glyphOf = cmapLookup(view, table('cmap'));
  const cache = new Map<number, number>();
  const charAdvance = (code: number): number => {
    let a = cache.get(code);
    if (a === undefined) cache.set(code, (a = advance(glyphOf(code))));
    return a;
  };
  return {
    width(text, fontSize) {
      let units = 0;
      for (const ch of text) units += charAdvance(ch.codePointAt(0)!);
      return (units * fontSize) / unitsPerEm;
    },
  };
}

/** A character-to-glyph function from the best Unicode cmap subtable (format 12, else 4). */
function cmapLookup(view: DataView, cmap: number): (code: number) => number {
  const n = view.getUint16(cmap + 2);
  let format4 = -1;
  let format12 = -1;
  for (let i = 0; i < n; i++) {
    const rec = cmap + 4 + 8 * i;
    const platform = view.getUint16(rec);
    const encoding = view.getUint16(rec + 2);
    const sub = cmap + view.getUint32(rec + 4);
    const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
    if (!unicode) continue;
    const format = view.getUint16(sub);
    if (format === 4 && format4 < 0) format4 = sub;
    if (format === 12 && format12 < 0) format12 = sub;
  }
  if (format12 >= 0) {
    const groups = view.getUint32(format12 + 12);
    return (code) => {
      for (let g = 0; g < groups; g++) {
        const rec = format12 + 16 + 12 * g;
        const start = view.getUint32(rec);
        const end = view.getUint32(rec + 4);
        if (code >= start && code <= end) return view.getUint32(rec + 8) + code - start;
      }
      return 0;
    };
  }
  if (format4 < 0) return () => 0;
  const segCount = view.getUint16(format4 + 6) / 2;
  const ends = format4 + 14;
  const starts = ends + 2 * segCount + 2;
  const deltas = starts + 2 * segCount;
  const ranges = deltas + 2 * segCount;
  return (code) => {
    if (code > 0xffff) return 0;
    for (let s = 0; s < segCount; s++) {
      if (view.getUint16(ends + 2 * s) < code) continue;
      const start = view.getUint16(starts + 2 * s);
      if (start > code) return 0;
      const delta = view.getInt16(deltas + 2 * s);
      const rangeAt = ranges + 2 * s;
      const range = view.getUint16(rangeAt);
      if (range === 0) return (code + delta) & 0xffff;
      const glyph = view.getUint16(rangeAt + range + 2 * (code - start));
      return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
    }
    return 0;
  };
}
