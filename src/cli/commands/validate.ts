/**
 * `rewardmix validate`: checks scenario files (format, expressions, extends, the review and
 * deployment sections) without running them. Exit 0 when every file is valid, 2 otherwise, with
 * every problem of every file.
 */
import type { Command } from 'commander';
import { displayPath } from '../../node/load.ts';
import { loadForRun } from '../../node/runs.ts';
import { InputError, isInputError } from '../../scenario/errors.ts';
import { resolve } from 'node:path';

const EXAMPLES = `
Examples:
  $ rewardmix validate scenarios/*.yaml
  $ rewardmix validate my-scenario.yaml && rewardmix run my-scenario.yaml

Prints "ok <file>" for each valid file; every problem of every invalid file goes to stderr,
naming the file, the field and what was expected. Exit code 0 when all are valid, 2 otherwise.`;

/** Checks one file: loads, compiles and resolves its review and deployment sections. */
export function validateFile(file: string): void {
  loadForRun(file);
}

export function register(program: Command): void {
  program
    .command('validate')
    .description('check scenario files without running them (exit 0 when all are valid)')
    .argument('<scenario...>', 'scenario files')
    .addHelpText('after', EXAMPLES)
    .action((files: string[]) => {
      const bad: string[] = [];
      for (const file of files) {
        try {
          validateFile(file);
          process.stdout.write(`ok ${displayPath(resolve(file))}\n`);
        } catch (e) {
          if (!isInputError(e)) throw e;
          process.stderr.write(`${e.message}\n`);
          bad.push(displayPath(resolve(file)));
        }
      }
      if (bad.length)
        throw new InputError(
          'validate',
          `${bad.length} of ${files.length} scenario file${files.length > 1 ? 's' : ''} invalid: ${bad.join(', ')}`,
        );
    });
}
