/**
 * A chart's data as a table: the main dataset of a spec (its top-level inline `data.values`)
 * and CSV text for it. Pure, so the report can reuse it for its tables.
 */
import type { Spec } from './common.ts';

type Cell = unknown;

function inlineValues(node: unknown): Record<string, Cell>[] | null {
  if (!node || typeof node !== 'object') return null;
  const data = (node as { data?: { values?: unknown } }).data;
  return Array.isArray(data?.values) ? (data.values as Record<string, Cell>[]) : null;
}

/**
 * The chart's main dataset: the top-level `data.values`, else the first inline dataset found
 * in the spec (depth first), else an empty list.
 */
export function mainData(spec: Spec): Record<string, Cell>[] {
  const top = inlineValues(spec);
  if (top) return top;
  const stack: unknown[] = [spec];
  while (stack.length) {
    const node = stack.shift();
    const found = inlineValues(node);
    if (found) return found;
    if (node && typeof node === 'object') {
      for (const v of Object.values(node as object)) if (v && typeof v === 'object') stack.push(v);
    }
  }
  return [];
}

function csvCell(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  const s = typeof v === 'string' ? v : typeof v === 'boolean' ? String(v) : JSON.stringify(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 CSV of rows: the union of their fields in first-seen order, a header line, CRLF-free. */
export function toCsv(rows: Record<string, Cell>[]): string {
  const cols: string[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    for (const k of Object.keys(r)) {
      if (!seen.has(k)) {
        seen.add(k);
        cols.push(k);
      }
    }
  }
  const lines = [cols.map(csvCell).join(',')];
  for (const r of rows) lines.push(cols.map((c) => csvCell(r[c])).join(','));
  return lines.join('\n') + '\n';
}
