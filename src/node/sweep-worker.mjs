// The sweep workers' entry point: piscina starts plain Node worker threads, which do not inherit
// the main thread's tsx hooks, so each registers tsx before importing the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
const worker = await import('./sweep-worker.ts');

export default worker.default;
