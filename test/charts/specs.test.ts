// Every chart builder's spec compiles with vega-lite without warnings, validates against
// vega-lite's own JSON schema, carries a description and tooltips, and matches its golden file.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import Ajv from 'ajv';
import * as prettier from 'prettier';
import { compile } from 'vega-lite';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHART_NAMES, charts, type ChartName, type Spec } from '../../src/charts/index.ts';
import { chartInputs } from './fixtures.ts';

const require = createRequire(import.meta.url);
const schemaPath = join(
  require.resolve('vega-lite').replace(/index\.js$/, ''),
  'vega-lite-schema.json',
);
const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));

let inputs: ReturnType<typeof chartInputs>;
let validate: ReturnType<Ajv['compile']>;
const build = (name: ChartName): Spec => (charts[name].build as (i: unknown) => Spec)(inputs[name]);

beforeAll(() => {
  inputs = chartInputs();
  // The schema is JSON Schema draft-07: Ajv's default class. Formats (uri, color-hex) unchecked.
  expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  validate = ajv.compile(schema);
});

/** Collects vega-lite's log messages while compiling. */
function compileQuietly(spec: Spec): { warnings: string[] } {
  const warnings: string[] = [];
  const logger = {
    level: () => logger,
    warn: (...a: unknown[]) => (warnings.push(a.join(' ')), logger),
    info: (...a: unknown[]) => (warnings.push(a.join(' ')), logger),
    debug: () => logger,
    error: (...a: unknown[]) => (warnings.push(a.join(' ')), logger),
  };
  compile(spec, { logger: logger as never });
  return { warnings };
}

function collect(node: unknown, key: string, out: unknown[] = []): unknown[] {
  if (Array.isArray(node)) node.forEach((n) => collect(n, key, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === key) out.push(v);
      if (k !== 'values') collect(v, key, out);
    }
  }
  return out;
}

describe('the schema check', () => {
  it('rejects a spec vega-lite would not accept (so passing means something)', () => {
    const spec = { ...(build('drift') as object), mark: 'lines' };
    expect(validate(spec)).toBe(false);
  });
});

describe('chart registry', () => {
  it('has the fourteen charts by kebab-case name, each with title and description', () => {
    expect(CHART_NAMES).toEqual([
      'drift',
      'reward-decomposition',
      'tug-of-war',
      'dashboard',
      'policy-heatmap',
      'effective-weights',
      'launch-review',
      'deployment-timeline',
      'optimum-tilt',
      'sweep-heatmap',
      'tipping-curve',
      'pareto-front',
      'parallel-coordinates',
      'multipliers',
    ]);
    for (const name of CHART_NAMES) {
      expect(charts[name].title.length).toBeGreaterThan(3);
      expect(charts[name].description.length).toBeGreaterThan(20);
    }
  });
});

describe.each(CHART_NAMES)('%s', (name) => {
  it('compiles with vega-lite without warnings', () => {
    const spec = build(name);
    const { warnings } = compileQuietly(spec);
    expect(warnings).toEqual([]);
  });

  it("validates against vega-lite's JSON schema", () => {
    const spec = build(name);
    const ok = validate(spec);
    expect(ok ? [] : validate.errors!.slice(0, 5)).toEqual([]);
  });

  it('has the v6 schema, a description, inline data, tooltips and titled axes', () => {
    const spec = build(name) as unknown as Record<string, unknown>;
    expect(spec.$schema).toBe('https://vega.github.io/schema/vega-lite/v6.json');
    expect(String(spec.description).length).toBeGreaterThan(40);
    const data = spec.data as { values: unknown[] };
    expect(Array.isArray(data.values) && data.values.length > 0).toBe(true);
    expect(collect(spec, 'tooltip').length).toBeGreaterThan(0);
    // Every positional encoding of a field says what it shows (or deliberately hides its title
    // where a panel title, header or legend says it).
    for (const ch of ['x', 'y']) {
      for (const enc of collect(spec, ch) as Record<string, unknown>[]) {
        if (!enc || typeof enc !== 'object' || !('field' in enc)) continue;
        expect('title' in enc, `${ch} of field ${String(enc.field)} has a title`).toBe(true);
      }
    }
  });

  it('matches its golden spec', async () => {
    const file = `./__snapshots__/${name}.vl.json`;
    // Formatted as the project's prettier would, so `prettier --check .` stays clean.
    const options = await prettier.resolveConfig(join(import.meta.dirname, file));
    const text = await prettier.format(JSON.stringify(build(name)), { ...options, parser: 'json' });
    await expect(text).toMatchFileSnapshot(file);
  });
});

describe('on a dark background', () => {
  const DARK = { background: '#1e1e1e' };
  // Every colour a spec names for its marks (not the data): color, stroke, fill, and the values
  // and ranges of colour encodings.
  const colours = (node: unknown, out: string[] = []): string[] => {
    if (Array.isArray(node)) node.forEach((n) => colours(n, out));
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === 'data') continue;
        if (['color', 'stroke', 'fill'].includes(k) && typeof v === 'string') out.push(v);
        else colours(v, out);
        if (k === 'range' && Array.isArray(v))
          v.forEach((c) => typeof c === 'string' && out.push(c));
        if (k === 'value' && typeof v === 'string' && v.startsWith('#')) out.push(v);
      }
    }
    return out;
  };

  it.each(CHART_NAMES)(
    '%s draws no black line, rule or text (the net line turns light)',
    (name) => {
      const spec = (charts[name].build as (i: unknown, t: unknown) => Spec)(inputs[name], DARK);
      const named = colours({ ...(spec as object), config: undefined });
      expect(named.filter((c) => /^(#000000|#000|black|#555555)$/i.test(c))).toEqual([]);
      expect(JSON.stringify(spec)).not.toMatch(/Black line|black line/);
    },
  );
});
