/**
 * Pareto fronts: the runs no other run beats on every objective at once (docs/what-if.md).
 * Run a dominates run b when a is at least as good on every objective and strictly better on
 * one; rows with a missing or non-finite objective are left out.
 */

export type Sense = 'max' | 'min';

/** An objective: a metric key and whether more or less of it is better. */
export interface Objective {
  key: string;
  sense: Sense;
}

/** True when `a` dominates `b` under the objectives. */
export function dominates(
  a: Record<string, number>,
  b: Record<string, number>,
  objectives: Objective[],
): boolean {
  let strictly = false;
  for (const o of objectives) {
    const d = o.sense === 'max' ? a[o.key] - b[o.key] : b[o.key] - a[o.key];
    if (d < 0) return false;
    if (d > 0) strictly = true;
  }
  return strictly;
}

/**
 * Indices (into `rows`, ascending) of the non-dominated rows. The objectives' values are read
 * once into a table, each turned so that more is better, and the rows sorted best-first on the
 * first objective (then the next, …). With two objectives one pass over that order finds the
 * front, O(n log n): a row is on it when no row before it with a strictly better first value is
 * as good on the second, and no row with the same first value is better on the second. With more,
 * a row is compared with the front found so far, O(n · front). Duplicates (equal on every
 * objective) are all kept.
 */
export function paretoFront(rows: Record<string, number>[], objectives: Objective[]): number[] {
  const k = objectives.length;
  if (k === 0) throw new Error('Pareto: at least one objective is needed');
  const ok = rows
    .map((_, i) => i)
    .filter((i) => objectives.every((o) => Number.isFinite(rows[i][o.key])));
  const n = ok.length;
  // v[r·k + o]: objective o of the r-th row kept, negated where less is better (exact, and for
  // finite values a comparison of two is the sign of their difference, which `dominates` takes)
  const v = new Float64Array(n * k);
  for (let r = 0; r < n; r++)
    for (let o = 0; o < k; o++) {
      const x = rows[ok[r]][objectives[o].key];
      v[r * k + o] = objectives[o].sense === 'max' ? x : -x;
    }
  const order = Array.from({ length: n }, (_, r) => r);
  order.sort((a, b) => {
    for (let o = 0; o < k; o++) {
      const x = v[a * k + o];
      const y = v[b * k + o];
      if (x !== y) return x > y ? -1 : 1;
    }
    return a - b;
  });
  const front: number[] = [];
  if (k <= 2) {
    // Best-first: `best2` is the best second value among the rows with a better first value.
    let best2 = -Infinity;
    for (let g = 0; g < n;) {
      const first = v[order[g] * k];
      const top2 = k === 2 ? v[order[g] * k + 1] : 0; // the group's best second value
      let h = g;
      for (; h < n && v[order[h] * k] === first; h++) {
        const second = k === 2 ? v[order[h] * k + 1] : 0;
        if (second === top2 && second > best2) front.push(ok[order[h]]);
      }
      best2 = Math.max(best2, top2);
      g = h;
    }
  } else {
    const kept: number[] = []; // rows (into v) on the front so far
    for (const r of order) {
      let dominated = false;
      for (const q of kept) {
        let strictly = false;
        let o = 0;
        for (; o < k; o++) {
          const d = v[q * k + o] - v[r * k + o];
          if (d < 0) break;
          if (d > 0) strictly = true;
        }
        if (o === k && strictly) {
          dominated = true;
          break;
        }
      }
      if (!dominated) {
        kept.push(r);
        front.push(ok[r]);
      }
    }
  }
  return front.sort((a, b) => a - b);
}
