/**
 * What-if analysis, the pure parts (docs/what-if.md): sweep plans and shards, aggregation over
 * seeds, tipping points, Pareto fronts and the constrained tuner. No I/O: the Node side
 * (src/node/sweep.ts) runs the plans in worker threads and writes the files.
 */
export * from './plan.ts';
export * from './aggregate.ts';
export * from './tipping.ts';
export * from './pareto.ts';
export * from './tune.ts';
