// Placeholder until the command lands: registers nothing. (Replaced by the command's own file.)
import type { Command } from 'commander';

export function register(_program: Command): void {}
