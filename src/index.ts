/**
 * rewardmix's public API (pure: runs in Node, Deno and the browser). The Node edge — reading
 * scenario files, rendering charts to SVG/PNG, writing runs, sweeps — is in `src/node/index.ts`.
 */
export * from './engine/index.ts';
export {
  normalizeScenario,
  compileScenario,
  memoryOnId,
  type NormalizedScenario,
} from './scenario/compile.ts';
export { InputError } from './scenario/errors.ts';
export { deepMerge } from './scenario/merge.ts';
export { applySets, parseSet } from './scenario/set.ts';
export { SCENARIO_SPEC } from './scenario/format.ts';
export { scenarioJsonSchema } from './scenario/schema.ts';
export * from './charts/index.ts';
export * from './report/index.ts';
