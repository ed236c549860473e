/** The pure simulation engine's public surface (re-exports only; no side effects). */
export * from './types.ts';
export * from './rng.ts';
export * from './policy.ts';
export * from './mix.ts';
export * from './optimum.ts';
export * from './linalg.ts';
export * from './metrics.ts';
export * from './world.ts';
export * from './run.ts';
export { trainers } from './trainers/index.ts';
export { createExactTrainer } from './trainers/exact.ts';
export type { Trainer, TrainerFactory, StepResult } from './trainers/types.ts';
export * from './stats.ts';
export * from './review.ts';
export * from './review-stages.ts';
export * from './deployment.ts';
