/**
 * Terminal output shared by the commands: aligned text tables, number formatting, and a progress
 * bar on stderr that appears only on a terminal and only when a run takes long enough to matter.
 */
import cliProgress from 'cli-progress';

/** A column of a text table: header and alignment (numbers right, text left). */
export interface Column {
  header: string;
  align?: 'left' | 'right';
}

/** An aligned text table with a header rule; cells are strings already formatted. */
export function textTable(columns: (Column | string)[], rows: string[][], indent = ''): string {
  const cols = columns.map((c) => (typeof c === 'string' ? { header: c } : c));
  const width = cols.map((c, i) =>
    Math.max(c.header.length, ...rows.map((r) => (r[i] ?? '').length)),
  );
  const line = (cells: string[]) =>
    indent +
    cells
      .map((s, i) => (cols[i].align === 'right' ? s.padStart(width[i]) : s.padEnd(width[i])))
      .join('  ')
      .trimEnd();
  return [
    line(cols.map((c) => c.header)),
    indent + width.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map((r) => line(cols.map((_, i) => r[i] ?? ''))),
  ].join('\n');
}

/** A number with `digits` decimals; very small or large magnitudes in exponent notation. */
export function fmt(x: number | null | undefined, digits = 4): string {
  if (x === null || x === undefined) return '—';
  if (!Number.isFinite(x)) return String(x);
  if (x !== 0 && (Math.abs(x) < 10 ** -digits || Math.abs(x) >= 1e9))
    return x.toExponential(Math.max(1, digits - 2));
  return x.toFixed(digits);
}

/** A signed difference (+0.1234 / −0.1234). */
export function fmtDelta(x: number, digits = 4): string {
  const s = fmt(Math.abs(x), digits);
  return x > 0 ? `+${s}` : x < 0 ? `-${s}` : ` ${s}`;
}

/** An integer with thousands separators. */
export function fmtInt(x: number): string {
  return String(Math.round(x)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A p-value: 4 decimals, or exponent notation below 1e-4. */
export function fmtP(p: number | undefined): string {
  if (p === undefined) return '';
  return p < 1e-4 ? p.toExponential(1) : p.toFixed(4);
}

/** A percentage with `digits` decimals. */
export function fmtPct(x: number, digits = 1): string {
  return `${(100 * x).toFixed(digits)}%`;
}

/** A progress reporter for runs: `update(done, total)` and `stop()`. */
export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

/**
 * A progress bar on stderr (cli-progress), shown only when stderr is a terminal, `quiet` is off,
 * and the work has taken more than `delayMs`: short runs and piped output stay clean.
 */
export function progressBar(label: string, quiet = false, delayMs = 500): Progress {
  const stream = process.stderr;
  if (quiet || !stream.isTTY) return { update() {}, stop() {} };
  const start = Date.now();
  let bar: cliProgress.SingleBar | null = null;
  return {
    update(done, total) {
      if (!bar) {
        if (Date.now() - start < delayMs || done >= total) return;
        bar = new cliProgress.SingleBar(
          {
            stream,
            format: `${label} [{bar}] {percentage}% | step {value}/{total} | eta {eta_formatted}`,
            hideCursor: true,
            clearOnComplete: true,
            etaBuffer: 20,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, done);
      } else bar.update(done);
    },
    stop() {
      bar?.stop();
      bar = null;
    },
  };
}
