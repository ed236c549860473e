// The scenarios/ folder as a golden set: every shipped scenario validates against the generated
// JSON Schema, compiles, and runs with every trainer at a tiny budget, deterministically.
import { readdirSync, readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { simulate, trainers } from '../../src/engine/index.ts';
import { loadScenario } from '../../src/node/load.ts';
import { scenarioJsonSchema } from '../../src/scenario/schema.ts';

const files = readdirSync('scenarios').filter((f) => /\.(ya?ml|json)$/.test(f));
const validateSchema = new Ajv2020({ strict: false, allErrors: true }).compile(
  scenarioJsonSchema(),
);

describe('shipped scenarios', () => {
  it('include the incident set', () => {
    for (const f of [
      'baseline.yaml',
      'april-2025-update.yaml',
      'thumbs-only.yaml',
      'memory-only.yaml',
      'fresher-data-only.yaml',
      'linear-generalization.yaml',
    ])
      expect(files).toContain(f);
  });
  for (const f of files) {
    describe(f, () => {
      it('validates against the JSON Schema', () => {
        const ok = validateSchema(parse(readFileSync(`scenarios/${f}`, 'utf8')));
        expect(validateSchema.errors ?? [], JSON.stringify(validateSchema.errors)).toEqual([]);
        expect(ok).toBe(true);
      });
      for (const kind of Object.keys(trainers)) {
        it(`runs with the ${kind} trainer at a tiny budget, deterministically`, () => {
          const load = () =>
            loadScenario(`scenarios/${f}`, {
              sets: [`trainer.kind=${kind}`, 'trainer.steps=5', 'trainer.batchSize=16'],
            }).world;
          const a = simulate(load(), { seed: 3 });
          const b = simulate(load(), { seed: 3 });
          expect(a.steps).toBe(5);
          expect(a.trajectory.steps.at(-1)).toBe(5);
          for (const k of a.trajectory.keys) {
            for (const v of a.trajectory.values[k]) expect(Number.isFinite(v), k).toBe(true);
            expect(b.trajectory.values[k]).toEqual(a.trajectory.values[k]);
          }
          expect(Array.from(b.finalPolicy)).toEqual(Array.from(a.finalPolicy));
        });
      }
    });
  }
});
