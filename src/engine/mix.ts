/**
 * The reward mix R[c,a] = Σ_i w_i r_i[c,a] with effective weights w (after optional
 * normalization and per-step schedules). docs/model.md, "Mix".
 */
import type { World } from './types.ts';

/** Effective weights at step t into `out` (one per signal, in `world.signals` order). */
export function effectiveWeights(world: World, t = 0, out?: Float64Array): Float64Array {
  const { weights, normalize, schedule } = world.mix;
  const w = out ?? new Float64Array(weights.length);
  for (let i = 0; i < weights.length; i++) {
    const s = schedule?.[i];
    w[i] = s ? s[Math.min(t, s.length - 1)] : weights[i];
  }
  if (normalize) {
    let sum = 0;
    for (let i = 0; i < w.length; i++) sum += w[i];
    // An all-zero normalized mix is rejected at compile time; a schedule that reaches zero
    // everywhere leaves the weights at zero rather than dividing by it.
    if (sum > 0) for (let i = 0; i < w.length; i++) w[i] /= sum;
  }
  return w;
}

/** True when no signal has a schedule, so R is the same at every step. */
export function mixIsFixed(world: World): boolean {
  return !world.mix.schedule || world.mix.schedule.every((s) => s === null);
}

/** R[c,a] for the given effective weights, into `out`. */
export function mixedReward(world: World, w: Float64Array, out?: Float64Array): Float64Array {
  const n = world.contexts.length * world.actions.length;
  const R = out ?? new Float64Array(n);
  R.fill(0);
  world.signals.forEach((s, i) => {
    const wi = w[i];
    if (wi === 0) return;
    const tab = s.table;
    for (let j = 0; j < n; j++) R[j] += wi * tab[j];
  });
  return R;
}

/** Effective weights at step t keyed by signal name. */
export function weightsByName(world: World, t = 0): Record<string, number> {
  const w = effectiveWeights(world, t);
  return Object.fromEntries(world.signals.map((s, i) => [s.name, w[i]]));
}
