// The seed's facts (MODEL.md, "The seed's facts, as outcomes the shipped scenarios must show"),
// asserted on the shipped scenarios with the exact trainer. The review facts are asserted in
// test/cli/review-outcomes.test.ts.
import { describe, expect, it } from 'vitest';
import { lastValue, simulate, type RunResult } from '../../src/engine/index.ts';
import { loadScenario } from '../../src/node/load.ts';

const runs = new Map<string, RunResult>();
function run(name: string, sets: string[] = []): RunResult {
  const key = `${name} ${sets.join(' ')}`;
  if (!runs.has(key))
    runs.set(key, simulate(loadScenario(`scenarios/${name}.yaml`, { sets }).world));
  return runs.get(key)!;
}
const final = (r: RunResult, k: string) => lastValue(r.trajectory, k);
const start = (r: RunResult, k: string) => r.trajectory.values[k][0];
const SYC = 'eval/sycophancy';

describe('the seed facts', () => {
  it('baseline: final eval/sycophancy ≤ 0.10 and within 0.02 of its start', () => {
    const b = run('baseline');
    expect(final(b, SYC)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(final(b, SYC) - start(b, SYC))).toBeLessThanOrEqual(0.02);
  });

  it("update: final eval/sycophancy ≥ 2× the baseline's and ≥ 0.15 above it", () => {
    const b = final(run('baseline'), SYC);
    const u = final(run('april-2025-update'), SYC);
    expect(u).toBeGreaterThanOrEqual(2 * b);
    expect(u - b).toBeGreaterThanOrEqual(0.15);
  });

  it("offline eval/accuracy within 0.01 of the baseline's; ab/thumbs_up ≥ 0.02 above it", () => {
    const b = run('baseline');
    const u = run('april-2025-update');
    expect(Math.abs(final(u, 'eval/accuracy') - final(b, 'eval/accuracy'))).toBeLessThanOrEqual(
      0.01,
    );
    expect(final(u, 'ab/thumbs_up') - final(b, 'ab/thumbs_up')).toBeGreaterThanOrEqual(0.02);
  });

  it("each change alone stays within 0.05 of the baseline's sycophancy; only together do they cross", () => {
    const b = final(run('baseline'), SYC);
    for (const alone of ['thumbs-only', 'memory-only', 'fresher-data-only']) {
      expect(Math.abs(final(run(alone), SYC) - b), alone).toBeLessThanOrEqual(0.05);
    }
    // any two changes together are still short of what all three do
    const pairs = [
      ['mix.weights.thumbs=2.5', 'mix.weights.memory=1.6', 'memory.share=0.55'],
      ['mix.weights.thumbs=2.5', 'params.fresherShift=1'],
      ['mix.weights.memory=1.6', 'memory.share=0.55', 'params.fresherShift=1'],
    ];
    const all = final(run('april-2025-update'), SYC);
    for (const p of pairs) expect(final(run('baseline', p), SYC), p.join(' ')).toBeLessThan(all);
  });

  it('the update equals baseline plus the three changes', () => {
    const u = run('april-2025-update');
    const b3 = run('baseline', [
      'mix.weights.thumbs=2.5',
      'mix.weights.memory=1.6',
      'memory.share=0.55',
      'params.fresherShift=1',
    ]);
    expect(final(b3, SYC)).toBe(final(u, SYC));
  });

  it('memory-on situations end more sycophantic than memory-off ones in the update; memory alone does not broadly raise it', () => {
    const u = run('april-2025-update');
    expect(final(u, 'eval/sycophancy/memory-on')).toBeGreaterThan(
      final(u, 'eval/sycophancy/memory-off') + 0.1,
    );
    const m = run('memory-only');
    const b = run('baseline');
    // memory-off conversations are essentially untouched by memory alone
    expect(Math.abs(final(m, 'eval/sycophancy/memory-off') - final(b, SYC))).toBeLessThan(0.01);
    expect(final(m, SYC) - final(b, SYC)).toBeLessThan(0.05);
  });

  it('pressure/thumbs > 0 > pressure/spec during the drift', () => {
    const u = run('april-2025-update');
    const tr = u.trajectory;
    const syc = tr.values[SYC];
    let drifting = 0;
    for (let i = 1; i < tr.steps.length; i++) {
      if (syc[i] - syc[i - 1] < 1e-4) continue; // the drift: sycophancy still rising
      drifting++;
      expect(tr.values['pressure/thumbs'][i], `step ${tr.steps[i]}`).toBeGreaterThan(0);
      expect(tr.values['pressure/spec'][i], `step ${tr.steps[i]}`).toBeLessThan(0);
    }
    expect(drifting).toBeGreaterThan(20);
  });

  it('linear policy: sycophancy spreads to situations the reward does not push', () => {
    const lin = run('linear-generalization');
    const tab = run('linear-generalization', ['policy={"kind":"tabular"}']);
    const K = 'eval/sycophancy/unrewarded';
    // memory-off graded claims: the update's reward still ranks an honest style first there
    const w = loadScenario('scenarios/linear-generalization.yaml').world;
    const A = w.actions.length;
    const honest = new Set(['candid', 'tactful']);
    w.contexts.forEach((c, i) => {
      if (!c.attributes.graded || c.attributes.memory || !c.attributes.probe) return;
      const rows = w.signals.map((s, j) =>
        Array.from(s.table.slice(i * A, i * A + A), (x) => x * w.mix.weights[j]),
      );
      const R = rows[0].map((_, a) => rows.reduce((acc, r) => acc + r[a], 0));
      expect(honest.has(w.actions[R.indexOf(Math.max(...R))].id), c.id).toBe(true);
    });
    expect(final(lin, K) - start(lin, K)).toBeGreaterThan(1.5 * (final(tab, K) - start(tab, K)));
    // memory-on and memory-off drift together under the linear policy (shared traits)
    expect(final(lin, 'eval/sycophancy/memory-off')).toBeGreaterThan(
      final(tab, 'eval/sycophancy/memory-off'),
    );
  });
});
