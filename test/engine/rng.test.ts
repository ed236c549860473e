// The inline alea port in rng.ts must give seedrandom's alea bit for bit, so runs stay
// reproducible against the library the issue names.
import alea from 'seedrandom/lib/alea.js';
import { describe, expect, it } from 'vitest';
import { aleaNext, aleaState, stream, streamState } from '../../src/engine/rng.ts';

describe('alea port', () => {
  for (const seed of ['rewardmix:0:contexts', 'rewardmix:42:rewards:thumbs', '', 'ünïcødé ✓']) {
    it(`matches seedrandom/lib/alea.js for 10,000 draws (seed ${JSON.stringify(seed)})`, () => {
      const ref = alea(seed);
      const s = aleaState(seed);
      for (let i = 0; i < 10_000; i++) {
        const x = aleaNext(s);
        const y = ref();
        if (x !== y) expect({ i, x }).toEqual({ i, x: y }); // report the first mismatch only
      }
      expect(aleaNext(s)).toBe(ref());
    });
  }

  it('stream(seed, name) is alea seeded by "rewardmix:<seed>:<name>"', () => {
    const ref = alea('rewardmix:7:actions');
    const u = stream(7, 'actions');
    const s = streamState(7, 'actions');
    for (let i = 0; i < 10_000; i++) {
      const y = ref();
      expect(u()).toBe(y);
      expect(aleaNext(s)).toBe(y);
    }
  });

  it('different names give different streams', () => {
    const a = stream(1, 'contexts');
    const b = stream(1, 'actions');
    expect(Array.from({ length: 5 }, a)).not.toEqual(Array.from({ length: 5 }, b));
  });
});
