/** The trainer registry: scenarios and the CLI name a trainer; the run resolves it here. */
import type { TrainerKind } from '../types.ts';
import { createExactTrainer } from './exact.ts';
import type { TrainerFactory } from './types.ts';

export const trainers: Partial<Record<TrainerKind, TrainerFactory>> = {
  exact: createExactTrainer,
};

export type { Trainer, TrainerFactory, StepResult } from './types.ts';
