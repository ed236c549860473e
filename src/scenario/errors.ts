/** Errors for bad input: they name the file, the field and what was expected (exit code 2). */
import type { Issue } from './spec.ts';

/** Bad input from a user: a scenario file, a flag, a path. The CLI prints it and exits 2. */
export class InputError extends Error {
  readonly issues: Issue[];
  readonly source: string;
  constructor(source: string, issues: Issue[] | string) {
    const list = typeof issues === 'string' ? [{ path: '', message: issues }] : issues;
    super(formatIssues(source, list));
    this.name = 'InputError';
    this.source = source;
    this.issues = list;
  }
}

export function formatIssues(source: string, issues: Issue[]): string {
  if (issues.length === 1) {
    const i = issues[0];
    return `${source}: ${i.path ? `${i.path}: ` : ''}${i.message}`;
  }
  return `${source}: ${issues.length} problems\n${issues.map((i) => `  ${i.path ? `${i.path}: ` : ''}${i.message}`).join('\n')}`;
}

export function isInputError(e: unknown): e is InputError {
  return e instanceof InputError;
}
