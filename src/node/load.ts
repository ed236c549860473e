/**
 * Reading scenario files: YAML or JSON, `extends` resolved relative to the file (cycles and
 * missing files are errors), `--set` overrides, then the pure stages (normalize, compile).
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { World } from '../engine/types.ts';
import {
  compileScenario,
  normalizeScenario,
  type NormalizedScenario,
} from '../scenario/compile.ts';
import { InputError } from '../scenario/errors.ts';
import { deepMerge } from '../scenario/merge.ts';
import { applySets } from '../scenario/set.ts';

/** A loaded scenario with its provenance. */
export interface LoadedScenario {
  path: string;
  /** Files read, the scenario first, then what it extends. */
  files: string[];
  /** sha256 of the files' contents, in order. */
  hash: string;
  raw: Record<string, unknown>;
  scenario: NormalizedScenario;
  world: World;
}

export function displayPath(p: string): string {
  const r = relative(process.cwd(), p);
  return r && !r.startsWith('..') ? r : p;
}

/** Parses YAML or JSON text; errors name the file, line and column. */
export function parseScenarioText(text: string, file: string): Record<string, unknown> {
  const src = displayPath(file);
  if (file.endsWith('.json')) {
    try {
      const v = JSON.parse(text);
      if (typeof v !== 'object' || v === null || Array.isArray(v))
        throw new InputError(src, 'expected a JSON object at the top level');
      return v;
    } catch (e) {
      if (e instanceof InputError) throw e;
      throw new InputError(src, `malformed JSON: ${(e as Error).message}`);
    }
  }
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    const e = doc.errors[0];
    // linePos is only filled in with prettyErrors; otherwise derive it from the offset.
    const before = text.slice(0, e.pos?.[0] ?? 0).split('\n');
    const pos =
      e.linePos?.[0] ??
      (e.pos ? { line: before.length, col: before[before.length - 1].length + 1 } : undefined);
    throw new InputError(
      src,
      `malformed YAML${pos ? ` at line ${pos.line}, column ${pos.col}` : ''}: ${e.message.split('\n')[0]}`,
    );
  }
  const v = doc.toJS({ maxAliasCount: 100 });
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new InputError(src, 'expected a mapping (key: value lines) at the top level');
  return v as Record<string, unknown>;
}

/**
 * Parsed scenario files by path and content: a session that loads the same scenario again (the
 * sweep's planning, the explorer, a notebook) skips the YAML parser. Every caller gets its own
 * copy. Errors are not cached: the file is parsed again and the same error thrown.
 */
const parsedFiles = new Map<string, Record<string, unknown>>();

function parseCached(text: string, abs: string): Record<string, unknown> {
  const key = `${abs}\u0000${text}`;
  let raw = parsedFiles.get(key);
  if (!raw) {
    raw = parseScenarioText(text, abs);
    if (parsedFiles.size >= 64) parsedFiles.delete(parsedFiles.keys().next().value!);
    parsedFiles.set(key, raw);
  }
  return structuredClone(raw);
}

function readRaw(file: string, chain: string[], texts: string[]): Record<string, unknown> {
  const abs = resolve(file);
  const src = displayPath(abs);
  if (chain.includes(abs))
    throw new InputError(src, `circular extends: ${[...chain, abs].map(displayPath).join(' → ')}`);
  let text: string;
  try {
    if (statSync(abs).isDirectory())
      throw new InputError(src, 'is a directory, expected a scenario file (.yaml, .yml or .json)');
    text = readFileSync(abs, 'utf8');
  } catch (e) {
    if (e instanceof InputError) throw e;
    const from = chain.length ? ` (extended by ${displayPath(chain[chain.length - 1])})` : '';
    throw new InputError(
      src,
      `cannot read the scenario file${from}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
    );
  }
  texts.push(text);
  const raw = parseCached(text, abs);
  if (raw.extends === undefined) return raw;
  if (typeof raw.extends !== 'string')
    throw new InputError(
      src,
      `extends: found ${typeof raw.extends}, expected a relative file path`,
    );
  const base = readRaw(resolve(dirname(abs), raw.extends), [...chain, abs], texts);
  const merged = deepMerge(base, raw) as Record<string, unknown>;
  delete merged.extends;
  return merged;
}

/**
 * An error in a field the command line set (`--set`, `--steps`, `--trainer`) names the setting,
 * not only the file, which does not hold that value: "scenarios/x.yaml: mix.weights.thumbs (from
 * --set mix.weights.thumbs=-1): found -1, …". Other errors pass unchanged.
 */
function blameSets(e: unknown, sets: string[], flags: string[]): unknown {
  if (!(e instanceof InputError) || sets.length === 0) return e;
  const setPaths = sets.map((s) => s.slice(0, Math.max(0, s.indexOf('='))).trim());
  let changed = false;
  const issues = e.issues.map((i) => {
    const k = setPaths.findIndex(
      (p) => p && (i.path === p || i.path.startsWith(`${p}.`) || i.path.startsWith(`${p}[`)),
    );
    if (k < 0) return i;
    changed = true;
    return { ...i, path: `${i.path} (from ${flags[k]})` };
  });
  return changed ? new InputError(e.source, issues) : e;
}

/** Loads, merges, overrides, validates and compiles a scenario file. */
export function loadScenario(
  file: string,
  options: { sets?: string[]; steps?: number; trainer?: string } = {},
): LoadedScenario {
  const abs = resolve(file);
  const texts: string[] = [];
  let raw = readRaw(abs, [], texts);
  const sets = [...(options.sets ?? [])];
  // How each setting reads on the command line, for an error in a field it set.
  const flags = sets.map((s) => `--set ${s}`);
  if (options.steps !== undefined) {
    sets.push(`trainer.steps=${options.steps}`);
    flags.push(`--steps ${options.steps}`);
  }
  if (options.trainer !== undefined) {
    sets.push(`trainer.kind=${options.trainer}`);
    flags.push(`--trainer ${options.trainer}`);
  }
  raw = applySets(raw, sets);
  const src = displayPath(abs);
  let scenario;
  let world;
  try {
    scenario = normalizeScenario(raw, src);
    world = compileScenario(scenario, src);
  } catch (e) {
    throw blameSets(e, sets, flags);
  }
  const hash = createHash('sha256');
  for (const t of texts) hash.update(t);
  return { path: abs, files: [abs], hash: hash.digest('hex'), raw, scenario, world };
}
