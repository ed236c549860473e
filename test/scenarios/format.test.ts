// The scenario format's own behaviour: generated docs/schema in sync, validation messages,
// expression hardening, extends merging and --set parsing.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileScenario, normalizeScenario } from '../../src/scenario/compile.ts';
import { InputError } from '../../src/scenario/errors.ts';
import { compileExpression } from '../../src/scenario/expressions.ts';
import { deepMerge } from '../../src/scenario/merge.ts';
import { scenarioJsonSchema, withFieldTable } from '../../src/scenario/schema.ts';
import { applySets } from '../../src/scenario/set.ts';
import { loadScenario } from '../../src/node/load.ts';

function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error('expected an InputError');
}

const base = () => loadScenario('scenarios/baseline.yaml').raw;

describe('generated artifacts', () => {
  it('docs/scenarios.md field table is in sync with the format', () => {
    const md = readFileSync('docs/scenarios.md', 'utf8');
    expect(withFieldTable(md)).toBe(md);
    expect(md).toContain('`mix.weights.<name>`');
  });
  it('schema/scenario.schema.json is in sync with the format', () => {
    expect(JSON.parse(readFileSync('schema/scenario.schema.json', 'utf8'))).toEqual(
      scenarioJsonSchema(),
    );
  });
});

describe('validation', () => {
  it('names the field, what was found and what was expected', () => {
    const raw = base();
    (raw.mix as any).weights.thumbs = -1;
    expect(messageOf(() => normalizeScenario(raw, 'x.yaml'))).toBe(
      'x.yaml: mix.weights.thumbs: found -1, expected a number ≥ 0',
    );
  });
  it('lists every problem and hints at typos', () => {
    const raw = { ...base(), betta: 0.1, trainer: { kind: 'exakt' } };
    const msg = messageOf(() => normalizeScenario(raw, 'x.yaml'));
    expect(msg).toContain('2 problems');
    expect(msg).toContain('betta: unknown field "betta" (did you mean "beta"?)');
    expect(msg).toContain(
      'trainer.kind: found "exakt", expected one of "exact", "reinforce", "ppo", "grpo" (did you mean "exact"?)',
    );
  });
  it('rejects unknown signals in the mix with the known ones listed', () => {
    const raw = base();
    (raw.mix as any).weights = { thumbz: 1, spec: 1 };
    const msg = messageOf(() => compileScenario(normalizeScenario(raw, 'x.yaml'), 'x.yaml'));
    expect(msg).toContain('mix.weights.thumbz: unknown signal "thumbz" (did you mean "thumbs"?)');
  });
  it('rejects an all-zero normalized mix', () => {
    const raw = base();
    (raw.mix as any).weights = { correctness: 0, spec: 0 };
    expect(messageOf(() => compileScenario(normalizeScenario(raw, 'x.yaml'), 'x.yaml'))).toContain(
      'all weights are 0 with normalize: true',
    );
  });
  it('rejects non-finite and huge numbers', () => {
    for (const v of [NaN, Infinity, 1e300]) {
      const raw = { ...base(), beta: v };
      expect(messageOf(() => normalizeScenario(raw, 'x.yaml'))).toMatch(
        /^x\.yaml: beta: found .*expected a/,
      );
    }
  });
  it('rejects probabilities outside [0, 1] computed by expressions', () => {
    const raw = base();
    (raw as any).memory = { share: '0.5 + 0.6' };
    expect(messageOf(() => compileScenario(normalizeScenario(raw, 'x.yaml'), 'x.yaml'))).toContain(
      'memory.share: "0.5 + 0.6" gave 1.1, expected ≤ 1',
    );
  });
  it('names the cell where an expression fails', () => {
    const raw = base();
    (raw.features as any).bad = 'log(agrees - 0.5)';
    const msg = messageOf(() => compileScenario(normalizeScenario(raw, 'x.yaml'), 'x.yaml'));
    expect(msg).toMatch(/features\.bad: .* for situation "task" and style "candid"/);
  });
});

describe('expressions are hardened', () => {
  const names = new Set(['x']);
  for (const src of [
    'import({}, {override: true})',
    'evaluate("1+1")',
    'parse("1")',
    'createUnit("foo")',
    'simplify("x")',
    'x.constructor',
    'f(y) = y',
    'x = 2',
    '[1, 2]',
    '{a: 1}',
    'x[1]',
    'cos(x)',
    'compile("1")',
  ]) {
    it(`rejects ${src}`, () =>
      expect(() => compileExpression(src, names)).toThrow(/not allowed|cannot parse/));
  }
  it('rejects unknown names, listing the known ones', () => {
    expect(() => compileExpression('y + 1', names)).toThrow(
      'unknown name "y" in "y + 1"; known names: x',
    );
  });
  it('evaluates the allowed language', () => {
    const e = compileExpression(
      'x > 1 ? clamp(sigmoid(x) + 2, 0, 2.5) : min(1, x) + is("a", "a")',
      names,
    );
    expect(e.evaluate({ x: 3 })).toBe(2.5);
    expect(e.evaluate({ x: 0.5 })).toBe(1.5);
  });
});

describe('extends and --set', () => {
  it('merges objects deeply, lists of ids by id, and null removes', () => {
    const a = {
      mix: { weights: { a: 1, b: 2 } },
      items: [
        { id: 'x', w: 1 },
        { id: 'y', w: 2 },
      ],
      drop: 1,
    };
    const b = {
      mix: { weights: { b: 3 } },
      items: [
        { id: 'y', w: 5 },
        { id: 'z', w: 0 },
      ],
      drop: null,
    };
    expect(deepMerge(a, b)).toEqual({
      mix: { weights: { a: 1, b: 3 } },
      items: [
        { id: 'x', w: 1 },
        { id: 'y', w: 5 },
        { id: 'z', w: 0 },
      ],
    });
  });
  it('the update reads as baseline plus three changes', () => {
    const u = loadScenario('scenarios/april-2025-update.yaml').scenario;
    expect(u.mix.weights).toEqual({ correctness: 1, spec: 2, thumbs: 2.5, memory: 1.6 });
    expect(u.params.fresherShift.value).toBe(1);
    expect(u.memory?.share).toBe(0.55);
    expect(u.situations.map((s) => s.id)).toEqual(
      loadScenario('scenarios/baseline.yaml').scenario.situations.map((s) => s.id),
    );
  });
  it('--set addresses fields, list entries by id or index, and declared params', () => {
    const raw = applySets(base(), [
      'mix.weights.thumbs=1',
      'situations.venting.weight=0.3',
      'situations.0.label=T',
      'params.approvalBias=2',
      'beta=0.2',
      'mix.normalize=false',
    ]);
    expect((raw.mix as any).weights.thumbs).toBe(1);
    expect((raw.situations as any[]).find((s) => s.id === 'venting').weight).toBe(0.3);
    expect((raw.situations as any[])[0].label).toBe('T');
    expect((raw.params as any).approvalBias.value).toBe(2);
    expect(raw.beta).toBe(0.2);
    expect((raw.mix as any).normalize).toBe(false);
  });
  it('--set rejects unknown paths and wrong types', () => {
    expect(messageOf(() => applySets(base(), ['betta=1']))).toContain(
      'unknown path "betta" (did you mean "beta"?)',
    );
    expect(messageOf(() => applySets(base(), ['beta=abc']))).toBe(
      '--set: beta: found "abc", expected a number',
    );
    expect(messageOf(() => applySets(base(), ['mix.normalize=yes']))).toBe(
      '--set: mix.normalize: found "yes", expected true or false',
    );
    expect(messageOf(() => applySets(base(), ['situations.nope.weight=1']))).toContain(
      'no list entry "nope"',
    );
    expect(messageOf(() => applySets(base(), ['nonsense']))).toContain('expected PATH=VALUE');
  });
});
