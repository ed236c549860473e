// fastExp must stay within 2 ulp of Math.exp everywhere the trainers use it, and agree exactly
// on the special values.
import { describe, expect, it } from 'vitest';
import { fastExp } from '../../src/engine/fastexp.ts';
import { stream } from '../../src/engine/rng.ts';

const f64 = new Float64Array(1);
const i64 = new BigInt64Array(f64.buffer);
/** Distance in units in the last place between two positive doubles. */
function ulps(a: number, b: number): number {
  f64[0] = a;
  const x = i64[0];
  f64[0] = b;
  return Math.abs(Number(x - i64[0]));
}

describe('fastExp', () => {
  it('is within 2 ulp of Math.exp on 10^6 arguments over (−745, 709)', () => {
    const u = stream(1, 'fastexp');
    let worst = 0;
    for (let i = 0; i < 1_000_000; i++) {
      // most where softmax lives (−40 … 0), some over the whole range
      const x = i % 4 === 0 ? -745 + 1454 * u() : -40 * u() * u();
      const e = Math.exp(x);
      if (e < 2.2250738585072014e-308) continue; // subnormal results: absolute error only
      worst = Math.max(worst, ulps(fastExp(x), e));
    }
    expect(worst).toBeLessThanOrEqual(2);
  });

  it('agrees on the special values', () => {
    expect(fastExp(0)).toBe(1);
    expect(fastExp(-0)).toBe(1);
    expect(fastExp(-Infinity)).toBe(0);
    expect(fastExp(Infinity)).toBe(Infinity);
    expect(fastExp(NaN)).toBeNaN();
    expect(fastExp(-800)).toBe(0);
    expect(fastExp(710)).toBe(Infinity);
    expect(fastExp(1)).toBeCloseTo(Math.E, 15);
  });

  it('subnormal results are within one subnormal ulp', () => {
    for (let x = -744.9; x < -708; x += 0.37)
      expect(Math.abs(fastExp(x) - Math.exp(x))).toBeLessThanOrEqual(
        Number.MIN_VALUE * 2 + Math.exp(x) * 4.5e-16,
      );
  });
});
