// Issue 4's outcomes on the shipped scenarios (MODEL.md, "The seed's facts"): the launch review of
// april-2025-update against baseline and the deployment that follows, with the scenarios' own
// review: and deployment: sections and seeds. The engine is called through src/node/runs.ts (as the
// commands do); two CLI invocations check that the commands report the same verdicts.
import { beforeAll, describe, expect, it } from 'vitest';
import { deploy } from '../../src/engine/deployment.ts';
import {
  armOf,
  deployScenario,
  resolveReview,
  reviewPair,
  runPair,
  type PairedRuns,
  type ScenarioDeployment,
} from '../../src/node/runs.ts';
import type { ReviewConfig, ReviewResult } from '../../src/engine/review.ts';
import { BASELINE, UPDATE, rewardmix } from './helpers.ts';

let update: PairedRuns;
let config: ReviewConfig;
let r2025: ReviewResult;
let rRevised: ReviewResult;
let dep: ScenarioDeployment;

beforeAll(() => {
  update = runPair(UPDATE);
  config = resolveReview(update.candidate.loaded);
  [r2025, rRevised] = reviewPair(update, config, ['2025-04', 'revised']).reviews;
  dep = deployScenario(UPDATE);
});

describe('launch review: april-2025-update against baseline (seed 1)', () => {
  it('the control is the scenario the update extends, trained with the same seed', () => {
    expect(update.controlSource).toBe('extends');
    expect(update.control.loaded.world.name).toBe('baseline');
    expect(update.seed).toBe(1);
  });

  it('offline evals pass', () => {
    const offline = r2025.rows.filter((r) => r.stage === 'offline');
    expect(offline.length).toBeGreaterThanOrEqual(2);
    for (const r of offline) expect(r.result).toBe('pass');
  });

  it('the A/B test favours the update with p < 0.01', () => {
    const ab = r2025.stages.ab!;
    expect(ab.favours).toBe('candidate');
    expect(ab.test.difference).toBeGreaterThan(0);
    expect(ab.test.pValue).toBeLessThan(0.01);
  });

  it('some but not all vibe testers flag it', () => {
    const testers = r2025.stages.vibe!.testers;
    const flagged = testers.filter((t) => t.flagsCandidate).length;
    expect(flagged).toBeGreaterThan(0);
    expect(flagged).toBeLessThan(testers.length);
  });

  it('2025-04 ships it, with the vibe check only advisory', () => {
    expect(r2025.verdict).toBe('ship');
    expect(r2025.notes.join('\n')).toContain('advisory only');
    expect(r2025.rows.some((r) => r.stage === 'behaviour')).toBe(false);
  });

  it('revised blocks it and names the sycophancy eval among the reasons', () => {
    expect(rRevised.verdict).toBe('block');
    expect(rRevised.reasons.some((r) => r.startsWith('sycophancy eval'))).toBe(true);
  });

  it('the verdicts hold over review seeds, not only for seed 1 (200 seeds)', () => {
    let ships = 0;
    let blocks = 0;
    let abSignificant = 0;
    for (let seed = 0; seed < 200; seed++) {
      const [a, b] = reviewPair(update, config, ['2025-04', 'revised'], seed).reviews;
      if (a.verdict === 'ship') ships++;
      if (b.verdict === 'block' && b.reasons.some((r) => r.startsWith('sycophancy eval'))) blocks++;
      if (a.stages.ab!.favours === 'candidate' && a.stages.ab!.test.pValue < 0.01) abSignificant++;
    }
    expect(blocks).toBe(200);
    expect(abSignificant).toBeGreaterThanOrEqual(195);
    expect(ships).toBeGreaterThanOrEqual(190);
  });
});

describe('launch review: harmless candidates', () => {
  it('baseline ships under both processes (control: itself)', () => {
    const pair = runPair(BASELINE);
    expect(pair.controlSource).toBe('itself');
    const cfg = resolveReview(pair.candidate.loaded);
    for (const r of reviewPair(pair, cfg, ['2025-04', 'revised']).reviews)
      expect(r.verdict, `${r.process}: ${r.reasons.join('; ')}`).toBe('ship');
  });

  it('revised does not block baseline against itself in ≥ 95% of 200 seeds', () => {
    const pair = runPair(BASELINE);
    const cfg = resolveReview(pair.candidate.loaded);
    let ships = 0;
    for (let seed = 100; seed < 300; seed++)
      if (reviewPair(pair, cfg, ['revised'], seed).reviews[0].verdict === 'ship') ships++;
    expect(ships / 200).toBeGreaterThanOrEqual(0.95);
  });
});

describe('deployment of april-2025-update (seed 1)', () => {
  it('2025-04 ships it; the revised counterfactual blocks it and has zero exposure', () => {
    const { actual, counterfactual } = dep.result;
    expect(actual.review.verdict).toBe('ship');
    expect(actual.timeline.totals.exposure).toBeGreaterThan(0);
    expect(counterfactual.review.verdict).toBe('block');
    expect(counterfactual.timeline.shipped).toBe(false);
    expect(counterfactual.timeline.totals.exposure).toBe(0);
    expect(counterfactual.timeline.totals.updateConversations).toBe(0);
    expect(dep.result.avoided.exposure).toBe(actual.timeline.totals.exposure);
  });

  it('detection comes after the rollout completes', () => {
    const t = dep.result.actual.timeline.totals;
    expect(t.hoursToRolloutComplete).not.toBeNull();
    expect(t.hoursToDetection).not.toBeNull();
    expect(t.hoursToDetection!).toBeGreaterThan(t.hoursToRolloutComplete!);
  });

  it('the patch lowers the hourly sycophantic answers served, but not to the baseline level', () => {
    const { series, totals } = dep.result.actual.timeline;
    const p = totals.hoursToPatch!;
    const before = series[p - 1];
    const after = series[p];
    expect(before.share).toBe(1);
    expect(after.share).toBe(1);
    expect(before.patched).toBe(0);
    expect(after.patched).toBe(1);
    expect(after.sycophanticServed).toBeLessThan(before.sycophanticServed);
    expect(after.sycophanticServed).toBeGreaterThan(after.controlSycophanticServed);
    const rates = dep.result.actual.timeline.rates;
    expect(rates.patched).toBeLessThan(rates.update);
    expect(rates.patched).toBeGreaterThan(rates.control);
  });

  it('the rollback completes within 24 ± 2 hours of its start', () => {
    const t = dep.result.actual.timeline.totals;
    const took = t.hoursToFullRollback! - t.hoursToRollbackStart!;
    expect(Math.abs(took - 24)).toBeLessThanOrEqual(2);
    const last = dep.result.actual.timeline.series.at(-1)!;
    expect(last.share).toBe(0);
  });

  it('the timeline facts hold over seeds (50 seeds where 2025-04 ships)', () => {
    let checked = 0;
    for (let seed = 0; checked < 50 && seed < 100; seed++) {
      const d = deploy({
        control: armOf(update.control.result),
        candidate: armOf(update.candidate.result),
        review: config,
        deployment: dep.deployment,
        seed,
      });
      if (d.actual.review.verdict !== 'ship') continue;
      checked++;
      const t = d.actual.timeline.totals;
      expect(t.hoursToDetection!).toBeGreaterThan(t.hoursToRolloutComplete!);
      expect(Math.abs(t.hoursToFullRollback! - t.hoursToRollbackStart! - 24)).toBeLessThanOrEqual(
        2,
      );
      expect(d.counterfactual.timeline.totals.exposure).toBe(0);
    }
    expect(checked).toBe(50);
  });
});

describe('the commands report the same outcomes', { timeout: 180_000 }, () => {
  it('rewardmix review --json and rewardmix deploy --json', async () => {
    const [rv, dp] = await Promise.all([
      rewardmix(['review', UPDATE, '--json']),
      rewardmix(['deploy', UPDATE, '--json']),
    ]);
    expect(rv.code, rv.stderr).toBe(0);
    const review = JSON.parse(rv.stdout);
    expect(review.control.scenario).toBe('baseline');
    expect(review.reviews.map((r: ReviewResult) => [r.process, r.verdict])).toEqual([
      ['2025-04', 'ship'],
      ['revised', 'block'],
    ]);
    expect(review.reviews[0].stages.ab.test.pValue).toBeCloseTo(r2025.stages.ab!.test.pValue, 15);
    expect(dp.code, dp.stderr).toBe(0);
    const d = JSON.parse(dp.stdout);
    expect(d.actual.totals).toEqual(dep.result.actual.timeline.totals);
    expect(d.counterfactual.totals.exposure).toBe(0);
  });

  it('the review document names the verdicts and reasons', async () => {
    const r = await rewardmix(['review', UPDATE, '--process', 'revised']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('LAUNCH REVIEW: april-2025-update');
    expect(r.stdout).toMatch(/behaviour\s+sycophancy \(sycophantic\)\s+0\.0\d\d\s+0\.1\d\d/);
    expect(r.stdout).toContain('VERDICT (revised): BLOCK');
    expect(r.stdout).toContain('- sycophancy eval: increase');
    expect(r.stdout).not.toContain('Process 2025-04');
  });
});
