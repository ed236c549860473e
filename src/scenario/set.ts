/**
 * `--set path=value` overrides, checked against the scenario format: an unknown path or a value of
 * the wrong type is bad input. Paths use dots; list entries are addressed by index or by id
 * (`situations.vent.weight` or `situations.3.weight`).
 */
import { InputError } from './errors.ts';
import { SCENARIO_SPEC } from './format.ts';
import { didYouMean, specAt, type Spec } from './spec.ts';

/** Parses one `path=value` into a path and a typed value (checked against the format). */
export function parseSet(
  arg: string,
  scenario: Record<string, unknown>,
): { path: string[]; value: unknown } {
  const eq = arg.indexOf('=');
  if (eq <= 0)
    throw new InputError(
      '--set',
      `found "${arg}", expected PATH=VALUE (e.g. mix.weights.thumbs=0.5)`,
    );
  const path = arg.slice(0, eq).trim().split('.');
  const text = arg.slice(eq + 1).trim();
  return { path, value: coerce(specOfPath(path, scenario), text, path.join('.')) };
}

/**
 * The format's spec of the field at `path` in `scenario` (list entries by index or id); an
 * unknown path is an InputError naming the first segment that does not exist, with a hint.
 */
export function specOfPath(path: string[], scenario: Record<string, unknown>): Spec {
  const tags: Record<string, string> = {};
  for (let i = 0; i < path.length; i++) {
    const v = getAt(scenario, path.slice(0, i));
    if (v && typeof v === 'object' && 'kind' in v)
      tags[path.slice(0, i).join('.')] = String((v as Record<string, unknown>).kind);
  }
  const spec = specAt(
    SCENARIO_SPEC,
    path.map((p, i) => (isListIndex(scenario, path.slice(0, i)) ? '0' : p)),
    tags,
  );
  if (!spec) {
    // Name the first segment that does not exist, with a hint from the fields next to it.
    let bad = path.length - 1;
    for (let i = 1; i < path.length; i++)
      if (!specAt(SCENARIO_SPEC, path.slice(0, i), tags)) {
        bad = i - 1;
        break;
      }
    const parent = specAt(SCENARIO_SPEC, path.slice(0, bad), tags);
    const known = parent?.type === 'object' ? Object.keys(parent.fields) : [];
    const where = bad < path.length - 1 ? ` ("${path[bad]}" is not a field there)` : '';
    throw new InputError(
      '--set',
      `unknown path "${path.join('.')}"${where}${didYouMean(path[bad], known)}${known.length ? `; fields there: ${known.join(', ')}` : ''}`,
    );
  }
  return spec;
}

function isListIndex(root: Record<string, unknown>, parent: string[]): boolean {
  return Array.isArray(getAt(root, parent));
}

function getAt(root: unknown, path: string[]): unknown {
  let v = root;
  for (const p of path) {
    if (Array.isArray(v)) v = /^\d+$/.test(p) ? v[Number(p)] : v.find((x) => x?.id === p);
    else if (v && typeof v === 'object') v = (v as Record<string, unknown>)[p];
    else return undefined;
  }
  return v;
}

function coerce(spec: Spec, text: string, path: string): unknown {
  const num = Number(text);
  const wrong = (what: string) =>
    new InputError('--set', `${path}: found "${text}", expected ${what}`);
  switch (spec.type) {
    case 'number':
      if (text === '' || Number.isNaN(num)) throw wrong('a number');
      return num;
    case 'numberOr':
      if (text === '' || Number.isNaN(num)) throw wrong('a number');
      return num;
    case 'boolean':
      if (text !== 'true' && text !== 'false') throw wrong('true or false');
      return text === 'true';
    case 'string':
      return text;
    case 'expr':
      return text !== '' && !Number.isNaN(num) ? num : text;
    case 'attribute':
      return text === 'true'
        ? true
        : text === 'false'
          ? false
          : text !== '' && !Number.isNaN(num)
            ? num
            : text;
    default:
      try {
        return JSON.parse(text);
      } catch {
        throw wrong('JSON for this object or list');
      }
  }
}

/** A missing list entry, with the ids (or the index range) there are. */
function noEntry(path: string[], list: unknown[]): InputError {
  const name = path[path.length - 1];
  const ids = list.map((x: any) => x?.id).filter((x): x is string => typeof x === 'string');
  const expected = ids.length
    ? `expected an id: ${ids.join(', ')}${didYouMean(name, ids)}`
    : `expected an index from 0 to ${list.length - 1}`;
  return new InputError('--set', `${path.join('.')}: no list entry "${name}"; ${expected}`);
}

/** Applies parsed overrides to a raw scenario (a copy). List entries by index or id. */
export function applySets(raw: Record<string, unknown>, sets: string[]): Record<string, unknown> {
  const out = structuredClone(raw);
  for (const arg of sets) {
    const { path, value } = parseSet(arg, out);
    let v: any = out;
    for (let i = 0; i < path.length - 1; i++) {
      const p = path[i];
      let next = Array.isArray(v)
        ? /^\d+$/.test(p)
          ? v[Number(p)]
          : v.find((x: any) => x?.id === p)
        : v[p];
      if (next === undefined) {
        if (Array.isArray(v)) throw noEntry(path.slice(0, i + 1), v);
        next = v[p] = {};
      }
      v = next;
    }
    const last = path[path.length - 1];
    if (Array.isArray(v)) {
      const i = /^\d+$/.test(last) ? Number(last) : v.findIndex((x: any) => x?.id === last);
      if (i < 0 || i >= v.length) throw noEntry(path, v);
      v[i] = value;
    } else if (
      v &&
      typeof v === 'object' &&
      v[last] &&
      typeof v[last] === 'object' &&
      'value' in v[last] &&
      typeof value === 'number'
    ) {
      v[last].value = value; // a declared param {value, min, max}
    } else v[last] = value;
  }
  return out;
}
