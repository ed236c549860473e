// Reference check: the exact trainer against golden vectors from an independent NumPy
// implementation (../shared/golden). Agreement to 1e-9, the tilt to 1e-12. A clone that does not
// sit beside ../shared tests the repository's copy (test/golden-vectors/); where both exist, the
// copy must equal the shared vectors, so the two cannot drift apart unnoticed.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  fromRows,
  simulate,
  tiltOptimum,
  mixedReward,
  effectiveWeights,
  worldFromTables,
  policyProbabilities,
} from '../../src/engine/index.ts';

const SHARED = join(process.cwd(), '../shared/golden');
const COPY = join(process.cwd(), 'test/golden-vectors');
const dir = existsSync(SHARED) ? SHARED : COPY;
const vectors = (d: string) =>
  readdirSync(d)
    .filter((f) => f.startsWith('exact-') && f.endsWith('.json'))
    .sort();
const files = vectors(dir);

function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('golden vectors', () => {
  it('finds all four', () => expect(files.length).toBe(4));
  it.runIf(existsSync(SHARED))("the repository's copy equals the shared vectors", () => {
    expect(vectors(COPY)).toEqual(files);
    for (const f of files)
      expect(JSON.parse(readFileSync(join(COPY, f), 'utf8')), f).toEqual(
        JSON.parse(readFileSync(join(SHARED, f), 'utf8')),
      );
  });
  for (const f of files) {
    it(f, () => {
      const g = JSON.parse(readFileSync(join(dir, f), 'utf8'));
      const world = worldFromTables(g.world);
      const A = world.actions.length;
      const R = mixedReward(world, effectiveWeights(world, 0));
      expect(maxAbs(R, fromRows(g.world.reward))).toBeLessThan(1e-12);
      expect(
        maxAbs(tiltOptimum(R, world.referenceLogProbs, A, world.beta), fromRows(g.world.optimum)),
      ).toBeLessThan(1e-12);
      // The start policy (from the vector's initial parameters) before any update.
      expect(
        maxAbs(policyProbabilities(world, world.initialTheta), fromRows(g.world.initialPolicy)),
      ).toBeLessThan(1e-12);
      const res = simulate(world);
      expect(res.steps).toBe(g.world.trainer.steps);
      expect(maxAbs(res.finalPolicy, fromRows(g.expected.finalPolicy))).toBeLessThan(1e-9);
    });
  }
});
