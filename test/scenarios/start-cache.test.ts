// The trained start model is cached by everything the start run reads: a compile that hits the
// cache must give the bits training gives, and an override that changes what the start run
// sees must train again.
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/node/load.ts';
import { clearStartCache, compileScenario, normalizeScenario } from '../../src/scenario/compile.ts';
import { applySets } from '../../src/scenario/set.ts';

const loaded = loadScenario('scenarios/april-2025-update.yaml');
const theta = (sets: string[]) =>
  compileScenario(normalizeScenario(applySets(loaded.raw, sets), 'x'), 'x').initialTheta;
const fresh = (sets: string[]) => {
  clearStartCache();
  return theta(sets);
};

describe('the start-model cache', () => {
  const cases = [
    [],
    ['params.approvalBias=2.5'], // the thumbs table only: the start run weighs thumbs 0
    ['params.specPenalty=1.7'], // the spec table, which the start run weighs
    ['beta=0.09'],
    ['start.steps=500'],
    ['start.weights.thumbs=0.5'],
  ];

  it('gives the bits training gives, hit or miss', () => {
    const trained = cases.map(fresh);
    // Warm: every case compiled once already, in another order, then each again.
    for (const sets of [...cases].reverse()) theta(sets);
    cases.forEach((sets, i) => expect(theta(sets)).toEqual(trained[i]));
    // bit for bit, not just to toEqual's tolerance
    cases.forEach((sets, i) =>
      expect(Buffer.from(theta(sets).buffer)).toEqual(Buffer.from(trained[i].buffer)),
    );
  });

  it('trains again when the start run sees something new', () => {
    const base = fresh([]);
    expect(theta(['params.approvalBias=2.5'])).toEqual(base);
    for (const sets of cases.slice(2)) expect(theta(sets)).not.toEqual(base);
  });

  it('hands out copies: changing a world does not change the next one', () => {
    const a = theta([]);
    const before = a.slice();
    a.fill(7);
    expect(theta([])).toEqual(before);
  });
});
