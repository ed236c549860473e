/**
 * Aggregation over seeds: for each point of a sweep and each metric, the mean, the standard
 * deviation (n − 1 in the denominator) and a 95% percentile bootstrap interval of the mean
 * (Efron & Tibshirani 1993, ch. 13), from a named stream per point and metric so the interval
 * does not depend on which other points or metrics were aggregated, or in what order.
 */
import { aleaNext, streamState } from '../rng.ts';

/** Mean, standard deviation and 95% bootstrap interval of the mean. */
export interface Summary {
  n: number;
  mean: number;
  sd: number;
  lo: number;
  hi: number;
}

export const BOOTSTRAP_RESAMPLES = 2000;

export function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
}

/** Sample standard deviation (0 for fewer than two values). */
export function sd(xs: ArrayLike<number>): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i] - m) ** 2;
  return Math.sqrt(s / (xs.length - 1));
}

/** The q-quantile of sorted values (linear interpolation between order statistics). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (h - lo);
}

/**
 * The summary of `xs`. The interval resamples the values B times with replacement from the
 * stream `bootstrap:<name>` under `seed`; with one value, or all values equal, it is the value.
 */
export function summarize(
  xs: ArrayLike<number>,
  seed: number | string,
  name: string,
  B = BOOTSTRAP_RESAMPLES,
): Summary {
  const n = xs.length;
  const m = mean(xs);
  const out: Summary = { n, mean: m, sd: sd(xs), lo: m, hi: m };
  let allEqual = true;
  for (let i = 1; i < n; i++) if (xs[i] !== xs[0]) allEqual = false;
  if (n < 2 || allEqual) return out;
  const s = streamState(seed, `bootstrap:${name}`);
  const means = new Float64Array(B);
  for (let b = 0; b < B; b++) {
    let t = 0;
    for (let i = 0; i < n; i++) t += xs[Math.floor(aleaNext(s) * n)];
    means[b] = t / n;
  }
  means.sort();
  out.lo = quantileSorted(means, 0.025);
  out.hi = quantileSorted(means, 0.975);
  return out;
}

/** A row of a sweep's results: run, point, seed, the axes' values and the metrics. */
export type ResultRow = Record<string, number>;

/** One point's aggregate: its axes' values, the runs it had, and a summary per metric. */
export interface PointSummary {
  point: number;
  values: Record<string, number>;
  metrics: Record<string, Summary>;
}

/**
 * Groups rows by `point` (in point order) and summarizes each metric over the point's seeds.
 * Missing or non-finite values are left out of that metric's summary.
 */
export function aggregateRows(
  rows: ResultRow[],
  paths: string[],
  metrics: string[],
  seed: number | string,
): PointSummary[] {
  const byPoint = new Map<number, ResultRow[]>();
  for (const r of rows) {
    let list = byPoint.get(r.point);
    if (!list) byPoint.set(r.point, (list = []));
    list.push(r);
  }
  return [...byPoint.keys()]
    .sort((a, b) => a - b)
    .map((point) => {
      const list = byPoint.get(point)!;
      return {
        point,
        values: Object.fromEntries(paths.map((p) => [p, list[0][p]])),
        metrics: Object.fromEntries(
          metrics.map((k) => {
            const xs = list.map((r) => r[k]).filter((x) => Number.isFinite(x));
            return [k, summarize(xs, seed, `${point}:${k}`)];
          }),
        ),
      };
    });
}

/** Flat rows of point summaries: `point, <paths>, n, <metric>:mean, :sd, :lo, :hi`. */
export function summaryRows(summaries: PointSummary[]): Record<string, number>[] {
  return summaries.map((s) => {
    const row: Record<string, number> = { point: s.point, ...s.values };
    const first = Object.values(s.metrics)[0];
    row.n = first ? first.n : 0;
    for (const [k, m] of Object.entries(s.metrics)) {
      row[`${k}:mean`] = m.mean;
      row[`${k}:sd`] = m.sd;
      row[`${k}:lo`] = m.lo;
      row[`${k}:hi`] = m.hi;
    }
    return row;
  });
}
