// The deployment timeline of the incident-like update (fixture.ts) and its counterfactual.
import { describe, expect, it } from 'vitest';
import {
  DEPLOYMENT_DEFAULTS,
  deploy,
  deploymentTimeline,
  patchedPolicy,
  resolveDeploymentConfig,
} from '../../src/engine/deployment.ts';
import { candidate, control, world } from './fixture.ts';

const SEED = 1;
const result = deploy({ control, candidate, seed: SEED });
const tl = result.actual.timeline;
const at = (kind: string) => tl.events.find((e) => e.kind === kind)?.hour ?? null;

describe('deployment of the update', () => {
  it('ships under 2025-04 and is detected only after the rollout completes', () => {
    expect(result.actual.review.verdict).toBe('ship');
    expect(tl.shipped).toBe(true);
    const complete = at('rollout-complete')!;
    const detected = at('detection')!;
    expect(complete).toBe(DEPLOYMENT_DEFAULTS.rollout.hours);
    expect(detected).toBeGreaterThan(complete);
    expect(tl.series[complete].share).toBe(1);
    expect(tl.series[complete - 1].share).toBeLessThan(1);
    // detection is when the window's complaints first reached the threshold
    const h = detected - 1;
    expect(tl.series[h].windowComplaints).toBeGreaterThanOrEqual(tl.series[h].detectionThreshold);
    expect(tl.series.slice(0, h).every((r) => r.windowComplaints < r.detectionThreshold)).toBe(
      true,
    );
    expect(tl.totals.hoursToDetection).toBe(detected);
  });

  it('the patch lowers hourly sycophantic answers served, but not to the control level', () => {
    const patch = at('patch')!;
    expect(patch).toBe(at('detection')! + DEPLOYMENT_DEFAULTS.patch.afterDetectionHours);
    expect(patch).toBeLessThan(at('rollback-start')!);
    const before = tl.series[patch - 1];
    const after = tl.series[patch];
    expect(before.share).toBe(1);
    expect(after.share).toBe(1);
    expect(before.patched).toBe(0);
    expect(after.patched).toBe(1);
    expect(after.sycophanticServed).toBeLessThan(before.sycophanticServed);
    expect(after.sycophanticServed).toBeGreaterThan(after.controlSycophanticServed);
    expect(tl.rates.patched).toBeLessThan(tl.rates.update);
    expect(tl.rates.patched).toBeGreaterThan(tl.rates.control);
  });

  it('the rollback completes within 24 ± 2 hours of its start', () => {
    const start = at('rollback-start')!;
    const done = at('rollback-complete')!;
    expect(Math.abs(done - start - 24)).toBeLessThanOrEqual(2);
    expect(tl.series[done].share).toBe(0);
    expect(tl.series[done - 1].share).toBeGreaterThan(0);
    // traffic moves back steadily
    for (let h = start + 1; h <= done; h++)
      expect(tl.series[h].share).toBeLessThan(tl.series[h - 1].share);
    expect(tl.totals.hoursToFullRollback).toBe(done);
  });

  it('the revised-process counterfactual blocks the update: zero exposure', () => {
    const cf = result.counterfactual;
    expect(cf.process).toBe('revised');
    expect(cf.review.verdict).toBe('block');
    expect(cf.timeline.shipped).toBe(false);
    expect(cf.timeline.totals.exposure).toBe(0);
    expect(cf.timeline.totals.updateConversations).toBe(0);
    expect(cf.timeline.series.every((r) => r.share === 0)).toBe(true);
    expect(cf.timeline.events.map((e) => e.kind)).toEqual(['blocked']);
    expect(result.avoided.exposure).toBe(tl.totals.exposure);
    expect(tl.totals.exposure).toBeGreaterThan(0);
  });

  it('a counterfactual process that also ships gives the same timeline', () => {
    const same = deploy({ control, candidate, seed: SEED, counterfactual: '2025-04' });
    expect(same.counterfactual.timeline).toEqual(tl);
    expect(same.avoided.exposure).toBe(0);
  });

  it('totals are the sums of the hourly series', () => {
    const sum = (k: 'updateConversations' | 'sycophanticServedUpdate' | 'complaints') =>
      tl.series.reduce((a, r) => a + r[k], 0);
    expect(tl.totals.updateConversations).toBeCloseTo(sum('updateConversations'), 3);
    expect(tl.totals.exposure).toBeCloseTo(sum('sycophanticServedUpdate'), 3);
    expect(tl.totals.complaints).toBe(sum('complaints'));
    expect(tl.series).toHaveLength(DEPLOYMENT_DEFAULTS.hours);
    // served sycophancy is the expected `sycophantic` of the served mix times conversations
    for (const r of tl.series) {
      const rate = r.patched ? tl.rates.patched : tl.rates.update;
      expect(r.sycophanticServed).toBeCloseTo(
        r.updateConversations * rate + (r.conversations - r.updateConversations) * tl.rates.control,
        6,
      );
    }
  });

  it('same seed, identical results; another seed, other complaints', () => {
    expect(deploy({ control, candidate, seed: SEED })).toEqual(result);
    const other = deploymentTimeline({ control, candidate, seed: SEED + 1 });
    expect(other.series.map((r) => r.complaints)).not.toEqual(tl.series.map((r) => r.complaints));
    // the served answers do not depend on the seed before detection
    expect(other.series[10].sycophanticServed).toBe(tl.series[10].sycophanticServed);
  });
});

describe('the system-prompt patch', () => {
  it('adds −shift·sycophantic to the log-probabilities and renormalizes', () => {
    const A = world.actions.length;
    const syc = world.features['sycophantic'];
    const p = patchedPolicy(candidate.policy, syc, A, 1.5);
    for (let row = 0; row < p.length; row += A) {
      let s = 0;
      for (let a = 0; a < A; a++) s += p[row + a];
      expect(s).toBeCloseTo(1, 14);
      for (let a = 1; a < A; a++) {
        const lhs = Math.log(p[row + a] / p[row]);
        const rhs =
          Math.log(candidate.policy[row + a] / candidate.policy[row]) -
          1.5 * (syc[row + a] - syc[row]);
        expect(lhs).toBeCloseTo(rhs, 12);
      }
    }
    expect(patchedPolicy(candidate.policy, syc, A, 0)).toEqual(candidate.policy);
  });
});

describe('configuration and edges', () => {
  it('explicit patch and rollback hours, and explicit rollout shares', () => {
    const t = deploymentTimeline({
      control,
      candidate,
      seed: SEED,
      config: {
        hours: 48,
        rollout: { shares: [0.1, 0.5, 1] },
        patch: { hour: 5 },
        rollback: { hour: 10, hours: 6 },
      },
    });
    expect(t.series.slice(0, 4).map((r) => r.share)).toEqual([0.1, 0.5, 1, 1]);
    expect(t.series[4].patched).toBe(0);
    expect(t.series[5].patched).toBe(1);
    expect(t.totals.hoursToPatch).toBe(5);
    expect(t.totals.hoursToRollbackStart).toBe(10);
    expect(t.totals.hoursToFullRollback).toBe(16);
  });

  it('no detection within the horizon is a warning, not an error', () => {
    const t = deploymentTimeline({
      control,
      candidate,
      seed: SEED,
      config: { hours: 20, detection: { factor: 50 } },
    });
    expect(t.totals.hoursToDetection).toBeNull();
    expect(t.totals.hoursToPatch).toBeNull();
    expect(t.warnings.map((w) => w.code)).toEqual(['deploy/not-detected']);
  });

  it('bad values are errors naming the field', () => {
    expect(() => resolveDeploymentConfig({ rollback: { hours: 0 } })).toThrow(
      /deployment\.rollback\.hours: expected a positive integer, got 0/,
    );
    expect(() => resolveDeploymentConfig({ rollout: { shares: [0.5, 2] } })).toThrow(
      /deployment\.rollout\.shares\[1\]/,
    );
  });
});
