/**
 * Exit codes live here and only here: 0 success, 2 bad input (a file, a flag, a path), 1 an
 * internal error. Bad input prints one clear message and never a stack trace.
 */
import { CommanderError } from 'commander';
import { isInputError } from '../scenario/errors.ts';

export const EXIT = { ok: 0, internal: 1, input: 2 } as const;

/** Maps an error to its exit code and prints it. */
export function reportError(e: unknown): number {
  if (e instanceof CommanderError) {
    // commander has already printed its message (unknown option, missing argument, …)
    return e.exitCode === 0 ? EXIT.ok : EXIT.input;
  }
  if (isInputError(e)) {
    process.stderr.write(`rewardmix: ${e.message}\n`);
    return EXIT.input;
  }
  const err = e as Error;
  process.stderr.write(`rewardmix: internal error: ${err?.message ?? String(e)}\n`);
  if (process.env.REWARDMIX_DEBUG) process.stderr.write(`${err?.stack ?? ''}\n`);
  else process.stderr.write('(set REWARDMIX_DEBUG=1 to see the stack trace; please report it)\n');
  return EXIT.internal;
}
