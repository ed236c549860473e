/**
 * Constrained training (Moskovitz et al. 2023, docs/what-if.md "Constrained training"). Each
 * constraint j bounds a set-average of a feature, g_j(θ) = Σ_c q_j(c) Σ_a π(a|c) f_j[c,a]. Its
 * Lagrange multiplier λ_j ≥ 0 adapts during training by projected dual ascent
 *
 *   max-constraint (g ≤ b):  λ ← max(0, λ + η_λ (g(θ_t) − b))
 *   min-constraint (g ≥ b):  λ ← max(0, λ + η_λ (b − g(θ_t)))
 *
 * and acts as a dynamic weight: the trainer ascends the Lagrangian J(θ) − Σ_j λ_j s_j (g_j − b_j)
 * (s_j = +1 for max, −1 for min). Since g_j = Σ_c p(c) Σ_a π(a|c) (q_j(c)/p(c)) f_j[c,a], that is
 * J with the reward shaped to
 *
 *   R'[c,a] = R[c,a] − Σ_j λ_j s_j (q_j(c)/p(c)) f_j[c,a].
 *
 * Here each constraint becomes one extra signal (named `constraint/<metric>`, noise none) with
 * table −s_j (q_j/p) f_j and weight λ_j, written step by step into the schedule of a training
 * world that the trainer sees; so every trainer (exact and sampled) trains on the shaped reward
 * without knowing about constraints, and the update's parts split into the signals', the
 * constraints' and the KL term's as before.
 *
 * Where p(c) = 0 but q_j(c) > 0 the shaping is 0: no training prompt comes from c, so the reward
 * there is never seen and the constraint can act only through the situations that are trained
 * on (for a linear policy, through the shared weights). Its multiplier still measures g_j over
 * all of q_j, so a bound that cannot be met that way makes λ_j grow without limit: a sign that
 * the constraint needs training prompts from its set.
 */
import { effectiveWeights } from './mix.ts';
import { logitShift, softmaxRows } from './policy.ts';
import type { MixConstraint, Signal, World } from './types.ts';

/** The name of constraint j's shaping signal in the training world. */
export function constraintSignalName(c: MixConstraint): string {
  return `constraint/${c.metric}`;
}

/** The multipliers of a constrained run and the world its trainer sees. */
export interface Multipliers {
  /** The scenario's signals plus one shaping signal per constraint, all weights per step. */
  readonly trainWorld: World;
  /** λ_j now (one per constraint, world order). */
  readonly lambda: Float64Array;
  /**
   * Before the trainer's step t at policy θ_t: writes step t's weights (the mix's effective
   * weights and λ_t) into the training world, then takes the dual step to λ_{t+1} from g(θ_t).
   * Returns λ_t (a copy), the multipliers the step uses.
   */
  advance(t: number, theta: Float64Array): Float64Array;
  /** Writes step t's weights with the current λ, without a dual step (for the final point). */
  write(t: number): void;
}

/** Keys `multipliers/<metric>` for λ values (one per constraint). */
export function multiplierValues(world: World, lambda: ArrayLike<number>): Record<string, number> {
  const out: Record<string, number> = {};
  world.mix.constraints.forEach((c, j) => (out[`multipliers/${c.metric}`] = lambda[j]));
  return out;
}

/** g_j(π) = Σ_c q(c) Σ_a π(a|c) f[c,a]: the constraint's metric under the policy `prob`. */
export function constraintValue(c: MixConstraint, prob: Float64Array, A: number): number {
  let s = 0;
  for (let ctx = 0, row = 0; ctx < c.set.length; ctx++, row += A) {
    const q = c.set[ctx];
    if (q === 0) continue;
    let e = 0;
    for (let a = 0; a < A; a++) e += prob[row + a] * c.feature[row + a];
    s += q * e;
  }
  return s;
}

/** The shaping table −s (q/p) f of one constraint (0 where p(c) = 0). */
export function shapingTable(world: World, c: MixConstraint): Float64Array {
  const A = world.actions.length;
  const p = world.contextWeights;
  const sign = c.sense === 'max' ? -1 : 1;
  const out = new Float64Array(p.length * A);
  for (let ctx = 0, row = 0; ctx < p.length; ctx++, row += A) {
    if (p[ctx] === 0 || c.set[ctx] === 0) continue;
    const k = (sign * c.set[ctx]) / p[ctx];
    for (let a = 0; a < A; a++) out[row + a] = k * c.feature[row + a];
  }
  return out;
}

/** Starts the multipliers of `world` (which must have constraints) at 0. */
export function createMultipliers(world: World): Multipliers {
  const { constraints, multiplierRate: rate } = world.mix;
  const S = world.signals.length;
  const J = constraints.length;
  const A = world.actions.length;
  const n = world.contexts.length * A;
  const T = world.trainer.steps;
  const lambda = new Float64Array(J);
  // The schedule holds entry t for step t (types.ts Mix), written just before step t.
  const schedule = Array.from({ length: S + J }, () => new Float64Array(T + 1));
  const shaping: Signal[] = constraints.map((c) => ({
    name: constraintSignalName(c),
    table: shapingTable(world, c),
    noise: { kind: 'none' },
  }));
  const trainWorld: World = {
    ...world,
    signals: [...world.signals, ...shaping],
    mix: {
      ...world.mix,
      weights: new Float64Array(S + J),
      normalize: false,
      schedule,
      constraints: [],
    },
  };
  const w = new Float64Array(S);
  const shift = new Float64Array(n);
  const prob = new Float64Array(n);
  const logProb = new Float64Array(n);

  function write(t: number): void {
    const i = Math.min(t, T);
    effectiveWeights(world, t, w);
    for (let s = 0; s < S; s++) schedule[s][i] = w[s];
    for (let j = 0; j < J; j++) schedule[S + j][i] = lambda[j];
  }

  return {
    trainWorld,
    lambda,
    write,
    advance(t, theta) {
      write(t);
      const used = lambda.slice();
      softmaxRows(world.referenceLogProbs, logitShift(world, theta, shift), A, prob, logProb);
      constraints.forEach((c, j) => {
        const g = constraintValue(c, prob, A);
        const violation = c.sense === 'max' ? g - c.bound : c.bound - g;
        lambda[j] = Math.max(0, lambda[j] + rate * violation);
      });
      return used;
    },
  };
}

/**
 * The pressure keys of the training world's update parts: `pressure/<signal>` for the scenario's
 * signals, `pressure/constraint` for every constraint's shaping signal (their parts add), and
 * `pressure/kl`. Use with `pressures(world, gradient, parts, keys)`.
 */
export function constrainedPartKeys(world: World): string[] {
  return [
    ...world.signals.map((s) => `pressure/${s.name}`),
    ...world.mix.constraints.map(() => 'pressure/constraint'),
    'pressure/kl',
  ];
}
