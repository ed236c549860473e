/** The contract between a run and its trainer (docs/architecture.md, "Trainers"). */
import type { World } from '../types.ts';

/** What one update reports back. */
export interface StepResult {
  /** Trainer-specific diagnostics for this step (e.g. `ppo/clip_fraction`), or null. */
  stats: Record<string, number> | null;
  /**
   * When asked for: the update split into its parts, in θ space: one per signal (world order),
   * then the KL term. They add up to the whole update, which is what `pressure/*` decomposes. The arrays may be
   * reused by the next `step()`: copy them to keep them.
   */
  parts: Float64Array[] | null;
}

/** A trainer updates θ in place, one step at a time; the run owns the clock. */
export interface Trainer {
  step(t: number, wantParts: boolean): StepResult;
}

/** Builds a trainer over `theta` (owned by the run, mutated in place). Randomness comes from `seed`. */
export type TrainerFactory = (world: World, theta: Float64Array, seed: number | string) => Trainer;
