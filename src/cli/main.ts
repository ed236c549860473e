/**
 * The rewardmix CLI: one file per command under ./commands, each exporting `register(program)`.
 * Commands are thin (parse, call, write); exit codes are decided in ./exit.ts only.
 */
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { commandsFor, type Register } from './commands/index.ts';
import { EXIT, reportError } from './exit.ts';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** The rewardmix version (written into every summary's provenance). */
export const VERSION = pkg.version;

export function buildProgram(commands: Register[]): Command {
  const program = new Command('rewardmix')
    .description(
      'Simulate RL reward-signal mixing: how a user-feedback reward weakens the signal that held sycophancy back.',
    )
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeErr: (s) => process.stderr.write(s),
      // Commander's own errors (an unknown option, a missing argument) read like every other
      // message: "rewardmix: unknown option '--sed'", not "error: unknown option …".
      outputError: (s, write) => write(`rewardmix: ${s.replace(/^error: /, '')}`),
    });
  for (const register of commands) register(program);
  program.commands.forEach((c) => c.exitOverride());
  return program;
}

/** Runs the CLI and exits with the code ./exit.ts decides. */
export async function main(argv: string[]): Promise<void> {
  // Output piped into a reader that stops early (`rewardmix pareto … | head`): the reader has
  // what it wanted, so stop quietly, as Unix tools do, rather than with an EPIPE stack trace.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? EXIT.ok);
    throw e;
  });
  let code: number = EXIT.ok;
  try {
    await buildProgram(await commandsFor(argv)).parseAsync(argv);
  } catch (e) {
    code = reportError(e);
  }
  process.exitCode = code;
}
