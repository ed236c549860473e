// The launch review on a small incident-like world (fixture.ts): the candidate is clearly more
// sycophantic, equally accurate and better liked by users' thumbs.
import { describe, expect, it } from 'vitest';
import {
  REVIEW_DEFAULTS,
  launchProcesses,
  launchReview,
  resolveReviewConfig,
  reviewContext,
  type LaunchProcess,
} from '../../src/engine/review.ts';
import { abTest } from '../../src/engine/review-stages.ts';
import {
  evaluatePolicy,
  simulate,
  thumbsUpShare,
  worldFromTables,
} from '../../src/engine/index.ts';
import { candidate, control, tables, world } from './fixture.ts';

const SEED = 1;

describe('launch review of a sycophantic update', () => {
  const april = launchReview({ control, candidate, process: '2025-04', seed: SEED });
  const revised = launchReview({ control, candidate, process: 'revised', seed: SEED });

  it('offline evals pass', () => {
    const off = april.rows.filter((r) => r.stage === 'offline');
    expect(off.map((r) => r.metric)).toEqual(['math-coding (correct)', 'chat (spec)']);
    for (const r of off) expect(r.result).toBe('pass');
    expect(april.stages.offline!.every((s) => s.pass)).toBe(true);
  });

  it('the A/B test favours the candidate with p < 0.01', () => {
    const ab = april.stages.ab!;
    expect(ab.favours).toBe('candidate');
    expect(ab.test.pValue).toBeLessThan(0.01);
    const row = april.rows.find((r) => r.stage === 'ab' && r.decides)!;
    expect(row.delta).toBeGreaterThan(0);
    expect(row.ci![0]).toBeGreaterThan(0);
    expect(row.result).toBe('pass');
  });

  it('some but not all vibe testers flag it', () => {
    const v = april.stages.vibe!;
    const flagged = v.testers.filter((t) => t.flagsCandidate).length;
    expect(flagged).toBeGreaterThan(0);
    expect(flagged).toBeLessThan(v.testers.length);
    // and the flags come from the candidate's sycophancy: fewer testers flag the control
    expect(v.controlShare).toBeLessThan(v.candidateShare);
  });

  it('2025-04 ships it: offline evals and A/B decide, the vibe check only advises', () => {
    expect(april.verdict).toBe('ship');
    expect(april.rows.some((r) => r.stage === 'behaviour')).toBe(false);
    const vibe = april.rows.filter((r) => r.stage === 'vibe');
    expect(vibe.every((r) => !r.decides)).toBe(true);
    expect(vibe[vibe.length - 1].result).toBe('advisory');
    expect(april.reasons.some((r) => r.startsWith('A/B test favours the candidate'))).toBe(true);
    expect(april.notes.some((n) => n.includes('no behaviour eval for sycophancy'))).toBe(true);
  });

  it('revised blocks it and names the sycophancy eval among the reasons', () => {
    expect(revised.verdict).toBe('block');
    expect(revised.reasons.some((r) => r.startsWith('sycophancy eval'))).toBe(true);
    const syc = revised.rows.find((r) => r.stage === 'behaviour')!;
    expect(syc.result).toBe('block');
    expect(syc.delta).toBeGreaterThan(0.15);
    // every reason is the detail of a deciding row that stopped the launch
    const stopping = revised.rows.filter((r) => r.decides && r.result !== 'pass');
    expect(revised.reasons).toEqual(stopping.map((r) => r.detail));
  });

  it('both processes see the same evidence for the same seed', () => {
    expect(revised.stages.ab).toEqual(april.stages.ab);
    expect(revised.stages.offline).toEqual(april.stages.offline);
    expect(revised.stages.vibe).toEqual(april.stages.vibe);
  });

  it('same seed, identical results; another seed, other draws', () => {
    expect(launchReview({ control, candidate, process: 'revised', seed: SEED })).toEqual(revised);
    const other = launchReview({ control, candidate, process: 'revised', seed: SEED + 1 });
    expect(other.stages.ab!.control.up).not.toBe(revised.stages.ab!.control.up);
  });

  it('stages draw from their own streams: changing the vibe check leaves the A/B test alone', () => {
    const r = launchReview({
      control,
      candidate,
      process: 'revised',
      seed: SEED,
      config: { vibe: { testers: 3, conversations: 50 } },
    });
    expect(r.stages.ab).toEqual(revised.stages.ab);
    expect(r.stages.behaviour).toEqual(revised.stages.behaviour);
    expect(r.stages.vibe!.testers).toHaveLength(3);
  });
});

describe('a harmless candidate', () => {
  it('revised does not block the control against itself in ≥ 95% of 200 seeds', () => {
    let blocked = 0;
    for (let s = 0; s < 200; s++) {
      const r = launchReview({ control, candidate: control, process: 'revised', seed: 1000 + s });
      if (r.verdict === 'block') blocked++;
    }
    expect(blocked).toBeLessThanOrEqual(10);
  });

  it('the control ships under both processes', () => {
    for (const process of ['2025-04', 'revised'])
      expect(launchReview({ control, candidate: control, process, seed: SEED }).verdict).toBe(
        'ship',
      );
  });
});

describe('A/B test statistics', () => {
  it('with identical arms the false-positive rate over 2,000 seeds lies in the binomial 99% interval around α = 0.05', () => {
    const runs = 2000;
    let positives = 0;
    for (let s = 0; s < runs; s++) {
      const ctx = reviewContext({ control, candidate: control, seed: s });
      if (abTest(ctx).significant) positives++;
    }
    // The 0.5% and 99.5% points of Binomial(2000, 0.05), by summing its pmf.
    let pmf = Math.pow(0.95, runs);
    let cdf = 0;
    let lo = -1;
    let hi = -1;
    for (let k = 0; k <= runs; k++) {
      cdf += pmf;
      if (lo < 0 && cdf >= 0.005) lo = k;
      if (hi < 0 && cdf >= 0.995) hi = k;
      pmf *= ((runs - k) / (k + 1)) * (0.05 / 0.95);
    }
    expect([lo, hi]).toEqual([76, 126]); // SciPy binom.ppf agrees
    expect(positives).toBeGreaterThanOrEqual(lo);
    expect(positives).toBeLessThanOrEqual(hi);
  });

  it("an arm's expected share is the engine's ab/thumbs_up", () => {
    const r = abTest(reviewContext({ control, candidate, seed: 0 }));
    expect(r.candidate.expectedShare).toBeCloseTo(thumbsUpShare(world, candidate.policy), 14);
    expect(r.control.expectedShare).toBeCloseTo(thumbsUpShare(world, control.policy), 14);
    // and the sampled shares sit near it (16,000 ratings: sd ≈ 0.004)
    expect(Math.abs(r.candidate.share - r.candidate.expectedShare)).toBeLessThan(0.02);
    expect(r.candidate.conversations).toBe(
      REVIEW_DEFAULTS.ab.usersPerArm * REVIEW_DEFAULTS.ab.conversationsPerUser,
    );
  });
});

describe('vibe check thresholds', () => {
  it('listed thresholds decide who flags', () => {
    const r = launchReview({
      control,
      candidate,
      seed: SEED,
      config: { vibe: { thresholds: [0, 1], conversations: 40 } },
    });
    const [a, b] = r.stages.vibe!.testers;
    expect(a.threshold).toBe(0);
    expect(a.flagsCandidate).toBe(a.candidate > 0);
    expect(b.flagsCandidate).toBe(false);
  });

  it('under revised, flags block when at least blockShare of testers flag', () => {
    const r = launchReview({
      control,
      candidate,
      process: 'revised',
      seed: SEED,
      config: { vibe: { thresholds: [0, 0, 1, 1], blockShare: 0.5 }, behaviour: [] },
    });
    const summary = r.rows.find((x) => x.stage === 'vibe' && x.decides)!;
    expect(summary.candidate).toBe(0.5);
    expect(summary.result).toBe('block');
    expect(r.verdict).toBe('block');
    expect(r.reasons).toEqual([summary.detail]);
  });
});

describe('alpha stage', () => {
  it('runs under revised when enabled, and its sycophancy reports block the update', () => {
    const r = launchReview({
      control,
      candidate,
      process: 'revised',
      seed: SEED,
      config: { alpha: { enabled: true }, behaviour: [], vibe: { thresholds: [1] } },
    });
    const a = r.stages.alpha!;
    expect(a.candidate.reports).toBeGreaterThan(a.control.reports);
    expect(a.block).toBe(true);
    expect(r.verdict).toBe('block');
    expect(r.reasons.some((x) => x.startsWith('alpha volunteers reported'))).toBe(true);
    // volunteers rate half their conversations, far more than the population's 8%
    const ratings = a.control.up + a.control.down;
    expect(ratings / a.control.conversations).toBeCloseTo(0.5, 1);
  });

  it('is skipped when not enabled and never run by 2025-04', () => {
    expect(launchReview({ control, candidate, process: 'revised' }).stages.alpha).toBeUndefined();
    const r = launchReview({ control, candidate, config: { alpha: { enabled: true } } });
    expect(r.stages.alpha).toBeUndefined();
  });
});

describe('launch processes as plug-ins', () => {
  it('a registered process decides from its own stages and rows', () => {
    const strict: LaunchProcess = {
      description: 'any tester flag blocks',
      run(r) {
        r.offline('gate');
        const v = r.vibe('advisory');
        const flagged = v.testers.filter((t) => t.flagsCandidate).length;
        r.row({
          stage: 'vibe',
          metric: 'any flag',
          control: v.controlShare,
          candidate: v.candidateShare,
          delta: v.candidateShare - v.controlShare,
          result: flagged > 0 ? 'block' : 'pass',
          decides: true,
          detail: `${flagged} testers flagged`,
        });
      },
    };
    launchProcesses['test-strict'] = strict;
    try {
      const r = launchReview({ control, candidate, process: 'test-strict', seed: SEED });
      expect(r.process).toBe('test-strict');
      expect(r.verdict).toBe('block');
      expect(r.reasons).toEqual([r.rows[r.rows.length - 1].detail]);
      const direct = launchReview({ control, candidate, process: strict, seed: SEED });
      expect(direct.verdict).toBe('block');
    } finally {
      delete launchProcesses['test-strict'];
    }
  });

  it('an unknown process is an error naming the known ones', () => {
    expect(() => launchReview({ control, candidate, process: 'nope' })).toThrow(
      /unknown launch process "nope" \(known: 2025-04, revised\)/,
    );
  });
});

describe('configuration', () => {
  it('fills suites from their defaults', () => {
    const c = resolveReviewConfig({ offline: [{ name: 'personality', metric: 'helpful' }] });
    expect(c.offline).toEqual([
      {
        name: 'personality',
        metric: 'helpful',
        where: 'accuracy',
        n: 5000,
        tolerance: 0.02,
        scale: 'auto',
      },
    ]);
    expect(c.ab).toEqual(REVIEW_DEFAULTS.ab);
  });

  it('bad values are errors naming the field', () => {
    expect(() => resolveReviewConfig({ ab: { usersPerArm: -3 } })).toThrow(
      /review\.ab\.usersPerArm: expected a positive integer, got -3/,
    );
    expect(() => resolveReviewConfig({ vibe: { blockShare: 2 } })).toThrow(
      /review\.vibe\.blockShare/,
    );
    expect(() =>
      launchReview({ control, candidate, config: { offline: [{ name: 'x', metric: 'nope' }] } }),
    ).toThrow(/no feature or signal "nope"/);
    expect(() =>
      launchReview({
        control,
        candidate,
        config: { offline: [{ name: 'x', metric: 'correct', where: ['mars'] }] },
      }),
    ).toThrow(/no situation "mars"/);
  });

  it('a list of situation ids and a signal metric in [−1, 1] work', () => {
    const r = launchReview({
      control,
      candidate,
      seed: SEED,
      config: {
        offline: [{ name: 'wrong-claims', metric: 'spec', where: ['wrong-claim'], n: 20000 }],
      },
    });
    const s = r.stages.offline![0];
    // spec on wrong claims, mapped by (x + 1)/2: the candidate agrees with wrong claims more
    expect(s.candidate.expected).toBeLessThan(s.control.expected);
    const spec = tables.signals.spec[2];
    const expected = (p: number[]) => p.reduce((a, x, i) => a + (x * (spec[i] + 1)) / 2, 0);
    expect(s.control.expected).toBeCloseTo(expected(Array.from(control.policy.slice(10, 15))), 14);
    expect(s.pass).toBe(false);
  });

  it('arms with other situations are rejected; other tables give a warning', () => {
    const other = worldFromTables({ ...tables, contexts: tables.contexts.slice().reverse() });
    expect(() =>
      launchReview({ control: { world: other, policy: control.policy }, candidate }),
    ).toThrow(/situations/);
    const moreUsers = worldFromTables({ ...tables, users: tables.users!.slice(0, 1) });
    const r = launchReview({ control: { world: moreUsers, policy: control.policy }, candidate });
    expect(r.warnings.map((w) => w.code)).toEqual(['review/worlds-differ']);
  });
});

describe('policies from training runs', () => {
  it("the review's expected rates are the engine's metrics of RunResult.finalPolicy", () => {
    const w = worldFromTables({ ...tables, trainer: { steps: 30 } });
    const run = simulate(w);
    const r = launchReview({
      control: { world, policy: control.policy },
      candidate: { world: w, policy: run.finalPolicy },
      process: 'revised',
      config: { vibe: { thresholds: [1] } },
    });
    const ev = evaluatePolicy(w, run.finalTheta);
    expect(r.stages.behaviour![0].candidate.expected).toBeCloseTo(ev.values['eval/sycophancy'], 12);
    expect(r.stages.offline![0].candidate.expected).toBeCloseTo(ev.values['eval/accuracy'], 12);
    expect(r.stages.ab!.candidate.expectedShare).toBeCloseTo(ev.values['ab/thumbs_up'], 12);
  });
});
