/**
 * A small declarative description of the scenario format. Each field is declared once, with its
 * type, default, bounds and a one-line doc; the same declaration drives validation (with field
 * paths and "did you mean" hints), defaults, the JSON Schema, `--set` and the docs table.
 */

export type Spec =
  | {
      type: 'number';
      doc: string;
      default?: number;
      min?: number;
      max?: number;
      exclusiveMin?: boolean;
      integer?: boolean;
    }
  | { type: 'boolean'; doc: string; default?: boolean }
  | { type: 'string'; doc: string; default?: string; enum?: readonly string[]; pattern?: string }
  /** A number, or a mathjs expression string compiled by the scenario compiler. */
  | { type: 'expr'; doc: string; default?: number | string; min?: number; max?: number }
  /** A situation / style attribute: number, boolean or string. */
  | { type: 'attribute'; doc: string }
  | {
      type: 'object';
      doc: string;
      fields: Record<string, Spec>;
      required?: readonly string[];
      default?: Record<string, unknown>;
    }
  | {
      type: 'map';
      doc: string;
      values: Spec;
      keyPattern?: string;
      default?: Record<string, unknown>;
    }
  | { type: 'array'; doc: string; items: Spec; minItems?: number; default?: unknown[] }
  /** One of several object shapes chosen by the string field `tag`. */
  | {
      type: 'tagged';
      doc: string;
      tag: string;
      variants: Record<string, Record<string, Spec>>;
      default?: Record<string, unknown>;
    }
  /** Free-form JSON object checked by its own resolver (review and deployment settings). */
  | { type: 'json'; doc: string }
  /** A number or an object spec (e.g. a param: `1.2` or `{value: 1.2, min: 0, max: 3}`). */
  | { type: 'numberOr'; doc: string; object: Spec & { type: 'object' } };

/** One problem found in a scenario: where, what was found, what was expected. */
export interface Issue {
  path: string;
  message: string;
}

/** Renders a path array as `mix.weights.thumbs` / `situations[2].weight`. */
export function formatPath(parts: (string | number)[]): string {
  let s = '';
  for (const p of parts) s += typeof p === 'number' ? `[${p}]` : s ? `.${p}` : p;
  return s || '(top level)';
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string')
    return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : `${v}`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

/** Levenshtein distance, for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return d[b.length];
}

/** The closest of `known` to `name`, when close enough to be a likely typo. */
export function didYouMean(name: string, known: string[]): string {
  let best = '';
  let bestD = Infinity;
  for (const k of known) {
    const dist = editDistance(name.toLowerCase(), k.toLowerCase());
    if (dist < bestD) [best, bestD] = [k, dist];
  }
  return best && bestD <= Math.max(2, Math.floor(name.length / 3))
    ? ` (did you mean "${best}"?)`
    : '';
}

/** Largest magnitude accepted for any number, so that no overflow reaches the engine. */
export const MAX_MAGNITUDE = 1e12;

function checkNumber(
  spec: { min?: number; max?: number; exclusiveMin?: boolean; integer?: boolean },
  v: number,
  path: string,
  issues: Issue[],
): void {
  if (!Number.isFinite(v))
    return void issues.push({ path, message: `found ${describe(v)}, expected a finite number` });
  if (Math.abs(v) > MAX_MAGNITUDE)
    return void issues.push({
      path,
      message: `found ${v}, expected a number of magnitude at most ${MAX_MAGNITUDE}`,
    });
  if (spec.integer && !Number.isInteger(v))
    issues.push({ path, message: `found ${v}, expected a whole number` });
  if (spec.min !== undefined && (spec.exclusiveMin ? v <= spec.min : v < spec.min))
    issues.push({
      path,
      message: `found ${v}, expected a number ${spec.exclusiveMin ? '>' : '≥'} ${spec.min}`,
    });
  if (spec.max !== undefined && v > spec.max)
    issues.push({ path, message: `found ${v}, expected a number ≤ ${spec.max}` });
}

/**
 * Validates `value` against `spec`, fills defaults, and returns the normalized value.
 * Problems are appended to `issues` (validation never throws).
 */
export function validate(
  spec: Spec,
  value: unknown,
  parts: (string | number)[],
  issues: Issue[],
): unknown {
  const path = formatPath(parts);
  if (value === undefined) {
    if ('default' in spec && spec.default !== undefined) value = structuredClone(spec.default);
    else if (spec.type === 'object' || spec.type === 'map') value = {};
    else if (spec.type === 'array') value = [];
    else return undefined;
  }
  switch (spec.type) {
    case 'number':
      if (typeof value !== 'number')
        return void issues.push({ path, message: `found ${describe(value)}, expected a number` });
      checkNumber(spec, value, path, issues);
      return value;
    case 'boolean':
      if (typeof value !== 'boolean')
        return void issues.push({
          path,
          message: `found ${describe(value)}, expected true or false`,
        });
      return value;
    case 'string':
      if (typeof value !== 'string')
        return void issues.push({ path, message: `found ${describe(value)}, expected a string` });
      if (spec.enum && !spec.enum.includes(value))
        issues.push({
          path,
          message: `found "${value}", expected one of ${spec.enum.map((e) => `"${e}"`).join(', ')}${didYouMean(value, [...spec.enum])}`,
        });
      if (spec.pattern && !new RegExp(spec.pattern).test(value))
        issues.push({
          path,
          message: `found "${value}", expected a name matching ${spec.pattern}`,
        });
      return value;
    case 'expr':
      if (typeof value === 'number') {
        checkNumber(spec, value, path, issues);
        return value;
      }
      if (typeof value === 'boolean') return value ? 1 : 0;
      if (typeof value !== 'string' || value.trim() === '')
        return void issues.push({
          path,
          message: `found ${describe(value)}, expected a number or an expression string`,
        });
      return value;
    case 'attribute':
      if (typeof value === 'number') {
        checkNumber({}, value, path, issues);
        return value;
      }
      if (typeof value === 'boolean' || typeof value === 'string') return value;
      return void issues.push({
        path,
        message: `found ${describe(value)}, expected a number, true/false or a string`,
      });
    case 'json':
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        return void issues.push({ path, message: `found ${describe(value)}, expected an object` });
      return value;
    case 'numberOr':
      if (typeof value === 'number') {
        checkNumber(spec.object.fields.value as { min?: number }, value, path, issues);
        return { value };
      }
      return validate(spec.object, value, parts, issues);
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        return void issues.push({
          path,
          message: `found ${describe(value)}, expected an object with fields ${Object.keys(spec.fields).join(', ')}`,
        });
      return validateFields(
        spec.fields,
        spec.required ?? [],
        value as Record<string, unknown>,
        parts,
        issues,
      );
    }
    case 'tagged': {
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        return void issues.push({
          path,
          message: `found ${describe(value)}, expected an object with "${spec.tag}"`,
        });
      const obj = value as Record<string, unknown>;
      const tag = obj[spec.tag];
      const variants = Object.keys(spec.variants);
      if (typeof tag !== 'string' || !(tag in spec.variants))
        return void issues.push({
          path: formatPath([...parts, spec.tag]),
          message: `found ${describe(tag)}, expected one of ${variants.map((v) => `"${v}"`).join(', ')}${typeof tag === 'string' ? didYouMean(tag, variants) : ''}`,
        });
      const fields = { [spec.tag]: { type: 'string', doc: '' } as Spec, ...spec.variants[tag] };
      return validateFields(fields, [spec.tag], obj, parts, issues);
    }
    case 'map': {
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        return void issues.push({
          path,
          message: `found ${describe(value)}, expected an object of named entries`,
        });
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (spec.keyPattern && !new RegExp(spec.keyPattern).test(k))
          issues.push({
            path: formatPath([...parts, k]),
            message: `"${k}" is not a valid name (expected letters, digits, '-' or '_', starting with a letter)`,
          });
        out[k] = validate(spec.values, v, [...parts, k], issues);
      }
      return out;
    }
    case 'array': {
      if (!Array.isArray(value))
        return void issues.push({ path, message: `found ${describe(value)}, expected a list` });
      if (spec.minItems && value.length < spec.minItems)
        issues.push({
          path,
          message: `found ${value.length} entries, expected at least ${spec.minItems}`,
        });
      return value.map((v, i) => validate(spec.items, v, [...parts, i], issues));
    }
  }
}

function validateFields(
  fields: Record<string, Spec>,
  required: readonly string[],
  obj: Record<string, unknown>,
  parts: (string | number)[],
  issues: Issue[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const known = Object.keys(fields);
  for (const k of Object.keys(obj)) {
    if (!(k in fields))
      issues.push({
        path: formatPath([...parts, k]),
        message: `unknown field "${k}"${didYouMean(k, known)}; expected one of ${known.join(', ')}`,
      });
  }
  for (const k of required) {
    if (obj[k] === undefined)
      issues.push({
        path: formatPath([...parts, k]),
        message: `missing required field "${k}" (${fields[k].doc})`,
      });
  }
  for (const [k, s] of Object.entries(fields)) {
    const v = validate(s, obj[k], [...parts, k], issues);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** The JSON Schema (draft 2020-12) of a spec, with docs as descriptions. */
export function toJsonSchema(spec: Spec): Record<string, unknown> {
  const base: Record<string, unknown> = { description: spec.doc };
  if ('default' in spec && spec.default !== undefined) base.default = spec.default;
  const num = (s: { min?: number; max?: number; exclusiveMin?: boolean }) => ({
    ...(s.min !== undefined
      ? s.exclusiveMin
        ? { exclusiveMinimum: s.min }
        : { minimum: s.min }
      : {}),
    ...(s.max !== undefined ? { maximum: s.max } : {}),
  });
  switch (spec.type) {
    case 'number':
      return { ...base, type: spec.integer ? 'integer' : 'number', ...num(spec) };
    case 'boolean':
      return { ...base, type: 'boolean' };
    case 'string':
      return {
        ...base,
        type: 'string',
        ...(spec.enum ? { enum: spec.enum } : {}),
        ...(spec.pattern ? { pattern: spec.pattern } : {}),
      };
    case 'expr':
      return {
        ...base,
        anyOf: [
          { type: 'number', ...num(spec) },
          { type: 'boolean' },
          { type: 'string', minLength: 1 },
        ],
      };
    case 'attribute':
      return { ...base, type: ['number', 'boolean', 'string'] };
    case 'json':
      return { ...base, type: 'object' };
    case 'numberOr':
      return { ...base, anyOf: [{ type: 'number' }, toJsonSchema(spec.object)] };
    case 'object':
      return {
        ...base,
        type: 'object',
        additionalProperties: false,
        properties: Object.fromEntries(
          Object.entries(spec.fields).map(([k, s]) => [k, toJsonSchema(s)]),
        ),
        ...(spec.required?.length ? { required: spec.required } : {}),
      };
    case 'map':
      return {
        ...base,
        type: 'object',
        ...(spec.keyPattern ? { propertyNames: { pattern: spec.keyPattern } } : {}),
        additionalProperties: toJsonSchema(spec.values),
      };
    case 'array':
      return {
        ...base,
        type: 'array',
        items: toJsonSchema(spec.items),
        ...(spec.minItems ? { minItems: spec.minItems } : {}),
      };
    case 'tagged':
      return {
        ...base,
        oneOf: Object.entries(spec.variants).map(([tag, fields]) => ({
          type: 'object',
          additionalProperties: false,
          required: [spec.tag],
          properties: {
            [spec.tag]: { const: tag },
            ...Object.fromEntries(Object.entries(fields).map(([k, s]) => [k, toJsonSchema(s)])),
          },
        })),
      };
  }
}

/** One row of the reference table: a field's path, type, default, bounds and doc. */
export interface FieldRow {
  path: string;
  type: string;
  default: string;
  bounds: string;
  doc: string;
}

/** Every field of a spec as rows, depth first (`situations[].weight`, `mix.weights.<name>`). */
export function fieldRows(spec: Spec, path = ''): FieldRow[] {
  const bounds = (s: { min?: number; max?: number; exclusiveMin?: boolean }) =>
    [
      s.min !== undefined ? `${s.exclusiveMin ? '>' : '≥'} ${s.min}` : '',
      s.max !== undefined ? `≤ ${s.max}` : '',
    ]
      .filter(Boolean)
      .join(', ');
  const def = 'default' in spec && spec.default !== undefined ? JSON.stringify(spec.default) : '';
  const row = (type: string, b = ''): FieldRow => ({
    path,
    type,
    default: def,
    bounds: b,
    doc: spec.doc,
  });
  const join = (a: string, b: string) => (a ? `${a}.${b}` : b);
  switch (spec.type) {
    case 'number':
      return [row(spec.integer ? 'integer' : 'number', bounds(spec))];
    case 'expr':
      return [row('number or expression', bounds(spec))];
    case 'boolean':
      return [row('boolean')];
    case 'string':
      return [row(spec.enum ? spec.enum.map((e) => `"${e}"`).join(' \\| ') : 'string')];
    case 'attribute':
      return [row('number, boolean or string')];
    case 'json':
      return [row('object')];
    case 'numberOr':
      return [
        row('number or object'),
        ...Object.entries(spec.object.fields).flatMap(([k, s]) => fieldRows(s, join(path, k))),
      ];
    case 'object':
      return [
        ...(path ? [row('object')] : []),
        ...Object.entries(spec.fields).flatMap(([k, s]) => fieldRows(s, join(path, k))),
      ];
    case 'map':
      return [row('map'), ...fieldRows(spec.values, join(path, '<name>'))];
    case 'array':
      return [row('list'), ...fieldRows(spec.items, `${path}[]`)];
    case 'tagged':
      return [
        row(`object by "${spec.tag}"`),
        ...Object.entries(spec.variants).flatMap(([tag, fields]) =>
          Object.entries(fields).flatMap(([k, s]) =>
            fieldRows(s, `${path}{${spec.tag}: ${tag}}.${k}`),
          ),
        ),
      ];
  }
}

/** The spec of the field at `parts` (map keys and array indices walk into values/items). */
export function specAt(
  spec: Spec,
  parts: string[],
  tags: Record<string, string> = {},
): Spec | null {
  let s: Spec = spec;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (s.type === 'object') s = s.fields[p];
    else if (s.type === 'numberOr') s = s.object.fields[p];
    else if (s.type === 'map') s = s.values;
    else if (s.type === 'array') {
      if (!/^\d+$/.test(p) && !p.startsWith('[')) return null;
      s = s.items;
    } else if (s.type === 'tagged') {
      const tag = tags[parts.slice(0, i).join('.')];
      const variant = tag ? s.variants[tag] : Object.assign({}, ...Object.values(s.variants));
      s = p === s.tag ? { type: 'string', doc: '', enum: Object.keys(s.variants) } : variant?.[p];
    } else return null;
    if (!s) return null;
  }
  return s;
}
