// Reference tests for src/engine/stats.ts: values from SciPy 1.17 (norm.cdf, norm.ppf) and the
// textbook two-proportion z-test computed independently in Python; the binomial sampler against
// the exact pmf.
import { describe, expect, it } from 'vitest';
import {
  BINOMIAL_NORMAL_MIN_VARIANCE,
  binomialLogPmf,
  binomialSampler,
  logGamma,
  multinomialSample,
  normalCdf,
  normalQuantile,
  twoProportionZTest,
} from '../../src/engine/stats.ts';
import { stream } from '../../src/engine/rng.ts';

describe('normal distribution', () => {
  const cdf: [number, number][] = [
    [-10, 7.61985302416047e-24],
    [-8, 6.22096057427174e-16],
    [-5, 2.866515718791933e-7],
    [-3, 0.0013498980316300933],
    [-1.96, 0.024997895148220435],
    [-1, 0.15865525393145707],
    [-0.3, 0.3820885778110474],
    [0, 0.5],
    [0.5, 0.6914624612740131],
    [1, 0.8413447460685429],
    [1.96, 0.9750021048517795],
    [3, 0.9986501019683699],
    [6, 0.9999999990134123],
  ];
  it('Φ matches SciPy to 1e-14 absolute and 1e-7 relative in the tail', () => {
    for (const [x, ref] of cdf) {
      expect(Math.abs(normalCdf(x) - ref)).toBeLessThan(1e-14);
      if (x < 0) expect(Math.abs(normalCdf(x) / ref - 1)).toBeLessThan(1e-7);
    }
  });
  it('Φ⁻¹ matches SciPy', () => {
    const q: [number, number][] = [
      [1e-12, -7.034483825301131],
      [0.001, -3.090232306167813],
      [0.025, -1.9599639845400545],
      [0.3, -0.5244005127080409],
      [0.5, 0],
      [0.9, 1.2815515655446004],
      [0.975, 1.959963984540054],
      [0.999, 3.090232306167813],
    ];
    for (const [p, ref] of q) expect(Math.abs(normalQuantile(p) - ref)).toBeLessThan(1e-9);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 13);
  });
  it('log Γ matches factorials', () => {
    expect(logGamma(11)).toBeCloseTo(Math.log(3628800), 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
  });
});

describe('two-proportion z-test', () => {
  // [x1, n1, x2, n2] → z, two-sided p, 95% Wald interval (Python, independent implementation).
  const cases: [number[], number, number, [number, number]][] = [
    [
      [520, 1000, 480, 1000],
      1.7888543819998333,
      0.0736382701203024,
      [-0.003791052091614608, 0.08379105209161468],
    ],
    [
      [30, 200, 45, 250],
      -0.8485281374238568,
      0.3961439091520741,
      [-0.09867988996737193, 0.03867988996737193],
    ],
    [
      [1200, 16000, 1100, 15800],
      1.8517783726272434,
      0.06405765450328682,
      [-0.0003127632530479608, 0.01107225692393404],
    ],
    [
      [7, 50, 19, 60],
      -2.171627175867117,
      0.02988379549740123,
      [-0.328667926329008, -0.024665407004325318],
    ],
  ];
  it('matches the textbook formula on fixed inputs', () => {
    for (const [[x1, n1, x2, n2], z, p, ci] of cases) {
      const t = twoProportionZTest(x1, n1, x2, n2);
      expect(t.z).toBeCloseTo(z, 12);
      expect(t.pValue).toBeCloseTo(p, 12);
      expect(t.ci[0]).toBeCloseTo(ci[0], 12);
      expect(t.ci[1]).toBeCloseTo(ci[1], 12);
    }
  });
  it('x1=520, n1=1000, x2=480, n2=1000 gives z ≈ 1.789, p ≈ 0.0736', () => {
    const t = twoProportionZTest(520, 1000, 480, 1000);
    expect(t.z).toBeCloseTo(1.789, 3);
    expect(t.pValue).toBeCloseTo(0.0736, 4);
  });
  it('is antisymmetric and degenerate inputs give p = 1', () => {
    const a = twoProportionZTest(30, 200, 45, 250);
    const b = twoProportionZTest(45, 250, 30, 200);
    expect(b.z).toBeCloseTo(-a.z, 14);
    expect(b.pValue).toBeCloseTo(a.pValue, 14);
    expect(twoProportionZTest(0, 100, 0, 100).pValue).toBe(1);
    expect(twoProportionZTest(5, 0, 3, 10).pValue).toBe(1);
  });
});

/** χ² of draws against the exact pmf, over outcomes with expected count ≥ 5 (the rest pooled). */
function chiSquare(draws: number[], n: number, p: number): { chi2: number; df: number } {
  const counts = new Map<number, number>();
  for (const k of draws) counts.set(k, (counts.get(k) ?? 0) + 1);
  let chi2 = 0;
  let df = -1;
  let poolE = 0;
  let poolO = 0;
  for (let k = 0; k <= n; k++) {
    const e = draws.length * Math.exp(binomialLogPmf(k, n, p));
    const o = counts.get(k) ?? 0;
    if (e >= 5) {
      chi2 += (o - e) ** 2 / e;
      df++;
    } else {
      poolE += e;
      poolO += o;
    }
  }
  if (poolE > 0) {
    chi2 += (poolO - poolE) ** 2 / poolE;
    df++;
  }
  return { chi2, df };
}

describe('binomial sampler', () => {
  it('the exact regime fits the binomial pmf (χ² below the 99.9% point)', () => {
    const b = binomialSampler(stream(7, 'test:binomial'));
    // The 99.9% point of χ²(df) by Wilson–Hilferty (within 1.2% of the exact point for df ≥ 5, slightly above it).
    const crit = (df: number) =>
      df * (1 - 2 / (9 * df) + 3.090232306167813 * Math.sqrt(2 / (9 * df))) ** 3;
    for (const [n, p] of [
      [12, 0.3],
      [40, 0.9],
      [300, 0.02],
      [1000, 0.5],
    ]) {
      const draws = Array.from({ length: 20000 }, () => b(n, p));
      const { chi2, df } = chiSquare(draws, n, p);
      expect(df).toBeGreaterThanOrEqual(5);
      expect(chi2, `n=${n} p=${p} df=${df}`).toBeLessThan(crit(df));
    }
  });
  it('the normal regime has the right mean and variance', () => {
    const b = binomialSampler(stream(7, 'test:binomial-normal'));
    const n = 1_000_000;
    const p = 0.2;
    expect(n * p * (1 - p)).toBeGreaterThanOrEqual(BINOMIAL_NORMAL_MIN_VARIANCE);
    const m = 20000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < m; i++) {
      const k = b(n, p);
      expect(Number.isInteger(k)).toBe(true);
      s += k;
      s2 += k * k;
    }
    const mean = s / m;
    const variance = s2 / m - mean * mean;
    const sd = Math.sqrt(n * p * (1 - p));
    expect(Math.abs(mean - n * p)).toBeLessThan((4 * sd) / Math.sqrt(m));
    expect(variance / (sd * sd)).toBeGreaterThan(0.96);
    expect(variance / (sd * sd)).toBeLessThan(1.04);
  });
  it('handles the edges and the same stream gives the same draws', () => {
    const b = binomialSampler(stream(1, 'x'));
    expect(b(0, 0.5)).toBe(0);
    expect(b(10, 0)).toBe(0);
    expect(b(10, 1)).toBe(10);
    const d1 = Array.from({ length: 50 }, () => binomialSampler(stream(3, 'y'))(100, 0.4));
    expect(new Set(d1).size).toBe(1);
  });
  it('multinomial counts add up to n and follow the weights', () => {
    const b = binomialSampler(stream(2, 'test:multinomial'));
    const totals = [0, 0, 0];
    for (let i = 0; i < 2000; i++) {
      const c = multinomialSample(b, 100, [2, 1, 1]);
      expect(c[0] + c[1] + c[2]).toBe(100);
      c.forEach((x, j) => (totals[j] += x));
    }
    expect(totals[0] / 200000).toBeCloseTo(0.5, 2);
    expect(totals[2] / 200000).toBeCloseTo(0.25, 2);
  });
});
