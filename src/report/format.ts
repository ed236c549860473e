/**
 * How the report writes numbers: fixed decimals (so a reader, and a test, can read them back),
 * thousands separators for counts, shares as percentages, and inline Markdown helpers.
 */

/** `x` with `digits` decimals; '—' for missing or non-finite values. */
export function fixed(x: number | null | undefined, digits = 3): string {
  return x == null || !Number.isFinite(x) ? '—' : x.toFixed(digits);
}

/** A difference with its sign: '+0.159', '-0.001', '0.000'. */
export function signed(x: number | null | undefined, digits = 3): string {
  if (x == null || !Number.isFinite(x)) return '—';
  const s = x.toFixed(digits);
  return Number(s) > 0 ? `+${s}` : Number(s) === 0 ? (0).toFixed(digits) : s;
}

/** A share as a percentage with one decimal: '66.7%'. */
export function percent(x: number | null | undefined, digits = 1): string {
  return x == null || !Number.isFinite(x) ? '—' : `${(100 * x).toFixed(digits)}%`;
}

/** A count rounded to an integer with thousands separators: '4,060,713'. */
export function count(x: number | null | undefined): string {
  if (x == null || !Number.isFinite(x)) return '—';
  const n = Math.round(x);
  const s = String(Math.abs(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return n < 0 ? `-${s}` : s;
}

/** An hour from the start of the rollout, or 'never' when it did not happen. */
export function hour(x: number | null | undefined): string {
  return x == null ? 'never' : `hour ${x}`;
}

/** Inline code in Markdown (backticks in the text are dropped: names never hold them). */
export function code(text: string): string {
  return `\`${text.replace(/`/g, '')}\``;
}

/** 'rose', 'fell' or 'stayed' for a change, judged at the shown precision. */
export function moved(from: number, to: number, digits = 3): 'rose' | 'fell' | 'stayed' {
  const d = Number(to.toFixed(digits)) - Number(from.toFixed(digits));
  return d > 0 ? 'rose' : d < 0 ? 'fell' : 'stayed';
}

/** Upper-case verdict in bold: '**SHIP**'. */
export function verdict(v: string): string {
  return `**${v.toUpperCase()}**`;
}
