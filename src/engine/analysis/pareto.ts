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
 * Indices (into `rows`, ascending) of the non-dominated rows. Rows are visited best-first on the
 * first objective, so a row only needs comparing with the front found so far: O(n · front).
 * Duplicates (equal on every objective) are all kept.
 */
export function paretoFront(rows: Record<string, number>[], objectives: Objective[]): number[] {
  if (objectives.length === 0) throw new Error('Pareto: at least one objective is needed');
  const ok = rows
    .map((_, i) => i)
    .filter((i) => objectives.every((o) => Number.isFinite(rows[i][o.key])));
  const better = (i: number, j: number): number => {
    for (const o of objectives) {
      const d =
        o.sense === 'max' ? rows[j][o.key] - rows[i][o.key] : rows[i][o.key] - rows[j][o.key];
      if (d !== 0) return d;
    }
    return i - j;
  };
  ok.sort(better);
  const front: number[] = [];
  for (const i of ok) {
    if (!front.some((j) => dominates(rows[j], rows[i], objectives))) front.push(i);
  }
  return front.sort((a, b) => a - b);
}
