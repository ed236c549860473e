/** Results → report structure and Markdown (pure; re-exports only). */
export * from './input.ts';
export * from './facts.ts';
export * from './format.ts';
export * from './build.ts';
export * from './markdown.ts';
export * from './summary.ts';
