/** Every command, registered in the order `rewardmix --help` lists them. */
import type { Command } from 'commander';
import { register as compare } from './compare.ts';
import { register as chart } from './chart.ts';
import { register as demo } from './demo.ts';
import { register as deploy } from './deploy.ts';
import { register as explain } from './explain.ts';
import { register as explore } from './explore.ts';
import { register as inspect } from './inspect.ts';
import { register as merge } from './merge.ts';
import { register as pareto } from './pareto.ts';
import { register as report } from './report.ts';
import { register as review } from './review.ts';
import { register as run } from './run.ts';
import { register as sweep } from './sweep.ts';
import { register as tipping } from './tipping.ts';
import { register as tune } from './tune.ts';
import { register as validate } from './validate.ts';

export type Register = (program: Command) => void;

export const commands: Register[] = [
  demo,
  run,
  inspect,
  validate,
  explain,
  compare,
  review,
  deploy,
  report,
  chart,
  sweep,
  merge,
  tipping,
  pareto,
  tune,
  explore,
];
