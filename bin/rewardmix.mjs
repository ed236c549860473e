#!/usr/bin/env node
// The rewardmix command: registers tsx so the TypeScript sources run as they are, then hands
// over to src/cli/main.ts (which owns exit codes).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
await main(process.argv);
