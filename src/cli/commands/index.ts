/**
 * Every command, in the order `rewardmix --help` lists them. Each is loaded only when needed:
 * `rewardmix run …` imports the run command alone, so one command's heavy dependencies (vega,
 * vite, worker pools) never slow down another's start; `--help` loads them all.
 */
import type { Command } from 'commander';

export type Register = (program: Command) => void;

export const commandModules: Record<string, () => Promise<{ register: Register }>> = {
  demo: () => import('./demo.ts'),
  run: () => import('./run.ts'),
  inspect: () => import('./inspect.ts'),
  validate: () => import('./validate.ts'),
  explain: () => import('./explain.ts'),
  compare: () => import('./compare.ts'),
  review: () => import('./review.ts'),
  deploy: () => import('./deploy.ts'),
  report: () => import('./report.ts'),
  chart: () => import('./chart.ts'),
  sweep: () => import('./sweep.ts'),
  merge: () => import('./merge.ts'),
  tipping: () => import('./tipping.ts'),
  pareto: () => import('./pareto.ts'),
  tune: () => import('./tune.ts'),
  explore: () => import('./explore.ts'),
};

/** The registration functions of the commands `argv` may need: the one named, else all. */
export async function commandsFor(argv: string[]): Promise<Register[]> {
  const named = argv.slice(2).find((a) => !a.startsWith('-'));
  const names =
    named && named in commandModules && argv[2] !== 'help' ? [named] : Object.keys(commandModules);
  const mods = await Promise.all(names.map((n) => commandModules[n]()));
  return mods.map((m) => m.register);
}
