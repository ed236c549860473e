/**
 * The deployment timeline (docs/review.md, "Deployment"): an hourly simulation of a shipped
 * update. Traffic moves onto the update in a staged rollout; every hour serves sycophantic
 * answers (the expected `sycophantic` of the served policies over the deployment set times the
 * conversations); complaints follow them with binomial noise; the team detects the problem when
 * the complaints over a window reach a multiple of the usual; a system-prompt patch lowers the
 * update's sycophancy (it does not cure it); a rollback moves traffic back over about a day.
 *
 * Hour h covers the time [h, h + 1) from the start of the rollout; events are times in hours.
 * The hourly series are plain arrays of objects, ready for CSV and charts.
 */
import { binomialSampler } from './stats.ts';
import { stream } from './rng.ts';
import {
  launchReview,
  type LaunchProcess,
  type PartialReviewConfig,
  type ReviewArm,
  type ReviewResult,
  type SituationSelector,
} from './review.ts';
import { expectedUnder, metricProbabilities, situationWeights } from './review-stages.ts';
import type { Warning, World } from './types.ts';

// ---- configuration ----------------------------------------------------------------------------

/** The `deployment:` section of a scenario; every default is in DEPLOYMENT_DEFAULTS. */
export interface DeploymentConfig {
  /** Hours simulated from the start of the rollout. */
  hours: number;
  /** Conversations per hour over all traffic. */
  conversationsPerHour: number;
  /** Where conversations come from. */
  where: SituationSelector;
  /** The staged rollout: the share of traffic on the update rises over hours. */
  rollout: {
    /** Hours of the linear ramp from 0 to all traffic on the update. */
    hours: number;
    /** Explicit share of traffic on the update for each hour (the last one holds); null for the ramp. */
    shares: number[] | null;
  };
  /** Expected complaints per sycophantic answer served; counts are binomial. */
  complaintsPerSycophantic: number;
  /** When the team notices: complaints over a window against the usual level. */
  detection: {
    /** Hours of complaints the team watches; hours before launch count as control traffic. */
    windowHours: number;
    /** Detected when the window's complaints reach this multiple of the usual (the control's expectation). */
    factor: number;
  };
  /** The system-prompt patch. */
  patch: {
    /** Whether a system-prompt patch is applied. */
    enabled: boolean;
    /** Hour the patch takes effect; null for `afterDetectionHours` after detection. */
    hour: number | null;
    /** Hours from detection to the patch. */
    afterDetectionHours: number;
    /** Logit shift: −shift·sycophantic[c,a] added to the update's log-probabilities. */
    shift: number;
  };
  /** The rollback. */
  rollback: {
    /** Whether the update is rolled back. */
    enabled: boolean;
    /** Hour the rollback starts; null for `afterDetectionHours` after detection. */
    hour: number | null;
    /** Hours from detection to the start of the rollback. */
    afterDetectionHours: number;
    /** Hours the rollback takes to move all traffic back, linearly. */
    hours: number;
  };
}

/** What a scenario may give: every field optional. */
export interface PartialDeploymentConfig {
  hours?: number;
  conversationsPerHour?: number;
  where?: SituationSelector;
  rollout?: Partial<DeploymentConfig['rollout']>;
  complaintsPerSycophantic?: number;
  detection?: Partial<DeploymentConfig['detection']>;
  patch?: Partial<DeploymentConfig['patch']>;
  rollback?: Partial<DeploymentConfig['rollback']>;
}

/** Every deployment parameter's default (docs/review.md explains each). */
export const DEPLOYMENT_DEFAULTS: DeploymentConfig = {
  hours: 168,
  conversationsPerHour: 1_000_000,
  where: 'deployment',
  rollout: { hours: 24, shares: null },
  complaintsPerSycophantic: 1e-4,
  detection: { windowHours: 72, factor: 2 },
  patch: { enabled: true, hour: null, afterDetectionHours: 4, shift: 1 },
  rollback: { enabled: true, hour: null, afterDetectionHours: 16, hours: 24 },
};

function check(ok: boolean, field: string, expected: string, got: unknown): void {
  if (!ok) throw new Error(`deployment.${field}: expected ${expected}, got ${JSON.stringify(got)}`);
}
const isCount = (x: number) => Number.isInteger(x) && x >= 1;
const isHour = (x: number | null) => x === null || (Number.isInteger(x) && x >= 0);

/** The defaults with `partial` laid over them, checked; errors name the field. */
export function resolveDeploymentConfig(partial: PartialDeploymentConfig = {}): DeploymentConfig {
  const d = DEPLOYMENT_DEFAULTS;
  const cfg: DeploymentConfig = {
    ...d,
    ...partial,
    rollout: { ...d.rollout, ...partial.rollout },
    detection: { ...d.detection, ...partial.detection },
    patch: { ...d.patch, ...partial.patch },
    rollback: { ...d.rollback, ...partial.rollback },
  };
  check(isCount(cfg.hours), 'hours', 'a positive integer', cfg.hours);
  check(
    cfg.conversationsPerHour > 0,
    'conversationsPerHour',
    'a number > 0',
    cfg.conversationsPerHour,
  );
  check(isCount(cfg.rollout.hours), 'rollout.hours', 'a positive integer', cfg.rollout.hours);
  if (cfg.rollout.shares) {
    check(
      cfg.rollout.shares.length > 0,
      'rollout.shares',
      'a non-empty list or null',
      cfg.rollout.shares,
    );
    cfg.rollout.shares.forEach((s, i) =>
      check(s >= 0 && s <= 1, `rollout.shares[${i}]`, 'a share in [0, 1]', s),
    );
  }
  check(
    cfg.complaintsPerSycophantic >= 0 && cfg.complaintsPerSycophantic <= 1,
    'complaintsPerSycophantic',
    'a probability in [0, 1]',
    cfg.complaintsPerSycophantic,
  );
  check(
    isCount(cfg.detection.windowHours),
    'detection.windowHours',
    'a positive integer',
    cfg.detection.windowHours,
  );
  check(cfg.detection.factor > 0, 'detection.factor', 'a number > 0', cfg.detection.factor);
  check(isHour(cfg.patch.hour), 'patch.hour', 'null or an hour ≥ 0', cfg.patch.hour);
  check(
    isHour(cfg.patch.afterDetectionHours),
    'patch.afterDetectionHours',
    'an integer ≥ 0',
    cfg.patch.afterDetectionHours,
  );
  check(cfg.patch.shift >= 0, 'patch.shift', 'a number ≥ 0', cfg.patch.shift);
  check(isHour(cfg.rollback.hour), 'rollback.hour', 'null or an hour ≥ 0', cfg.rollback.hour);
  check(
    isHour(cfg.rollback.afterDetectionHours),
    'rollback.afterDetectionHours',
    'an integer ≥ 0',
    cfg.rollback.afterDetectionHours,
  );
  check(isCount(cfg.rollback.hours), 'rollback.hours', 'a positive integer', cfg.rollback.hours);
  return cfg;
}

// ---- the patch --------------------------------------------------------------------------------

/**
 * The system-prompt patch: π'(a|c) ∝ π(a|c)·exp(−shift·sycophantic[c,a]), i.e. −shift·syc added
 * to the log-probabilities and each row renormalized. It lowers the odds of sycophantic styles by
 * a factor of e^shift; it cannot remove them.
 */
export function patchedPolicy(
  policy: Float64Array,
  sycophantic: Float64Array,
  A: number,
  shift: number,
): Float64Array {
  const out = new Float64Array(policy.length);
  for (let row = 0; row < policy.length; row += A) {
    let s = 0;
    for (let a = 0; a < A; a++)
      s += out[row + a] = policy[row + a] * Math.exp(-shift * sycophantic[row + a]);
    for (let a = 0; a < A; a++) out[row + a] = s > 0 ? out[row + a] / s : policy[row + a];
  }
  return out;
}

// ---- the timeline -----------------------------------------------------------------------------

/** One hour of the timeline. */
export interface DeploymentHour {
  hour: number;
  /** Share of traffic on the update. */
  share: number;
  conversations: number;
  updateConversations: number;
  /** 1 when the update runs with the patched system prompt, else 0. */
  patched: number;
  /** Sycophantic answers per conversation on the update's traffic this hour. */
  updateSycophancyRate: number;
  /** Sycophantic answers served this hour (update and control traffic). */
  sycophanticServed: number;
  /** Of which on the update's traffic. */
  sycophanticServedUpdate: number;
  /** What the control alone would have served this hour. */
  controlSycophanticServed: number;
  complaints: number;
  /** Complaints over the detection window ending with this hour. */
  windowComplaints: number;
  /** The detection threshold: factor × the control's expected complaints over a window. */
  detectionThreshold: number;
}

export type DeploymentEventKind =
  | 'rollout-start'
  | 'rollout-complete'
  | 'detection'
  | 'patch'
  | 'rollback-start'
  | 'rollback-complete'
  | 'blocked';

/** A moment of the timeline (time in hours from the start of the rollout). */
export interface DeploymentEvent {
  hour: number;
  kind: DeploymentEventKind;
  label: string;
}

/** The timeline's totals. Hours count from the start of the rollout; null when it did not happen. */
export interface DeploymentTotals {
  conversations: number;
  /** Conversations served by the update. */
  updateConversations: number;
  /** Sycophantic answers the update served. */
  exposure: number;
  /** Of those, the ones the control would not have served on the same conversations. */
  excessExposure: number;
  /** Sycophantic answers served by either model. */
  sycophanticServed: number;
  complaints: number;
  hoursToRolloutComplete: number | null;
  hoursToDetection: number | null;
  hoursToPatch: number | null;
  hoursToRollbackStart: number | null;
  hoursToFullRollback: number | null;
}

export interface DeploymentTimeline {
  /** Whether the update shipped (false: the control kept all traffic). */
  shipped: boolean;
  config: DeploymentConfig;
  /** Sycophantic answers per conversation over the deployment set. */
  rates: { control: number; update: number; patched: number };
  series: DeploymentHour[];
  events: DeploymentEvent[];
  totals: DeploymentTotals;
  seed: number | string;
  warnings: Warning[];
}

/** The input of `deploymentTimeline`. */
export interface DeploymentInput {
  /** The model in production before the update. */
  control: ReviewArm;
  /** The update. Its world's features and sets are used (as in the review). */
  candidate: ReviewArm;
  config?: PartialDeploymentConfig;
  /** Seed of the `deploy:complaints` stream (default 0). */
  seed?: number | string;
  /** Whether the update ships (default true). When false the control keeps all traffic. */
  ship?: boolean;
}

/** Simulates the deployment hour by hour. */
export function deploymentTimeline(input: DeploymentInput): DeploymentTimeline {
  const cfg = resolveDeploymentConfig(input.config);
  const world: World = input.candidate.world;
  const A = world.actions.length;
  const seed = input.seed ?? 0;
  const shipped = input.ship ?? true;
  const warnings: Warning[] = [];
  if (!world.features['sycophantic'])
    throw new Error('deployment: the world has no `sycophantic` feature to count exposure by');
  const q = situationWeights(world, cfg.where);
  const syc = metricProbabilities(world, 'sycophantic', 'unit', warnings, q);
  for (const [name, p] of [
    ['control', input.control.policy],
    ['candidate', input.candidate.policy],
  ] as const)
    if (p.length !== syc.length)
      throw new Error(
        `deployment: the ${name} policy has ${p.length} entries, expected ${syc.length}`,
      );
  const patched = patchedPolicy(input.candidate.policy, syc, A, cfg.patch.shift);
  const rates = {
    control: expectedUnder(q, input.control.policy, syc, A),
    update: expectedUnder(q, input.candidate.policy, syc, A),
    patched: expectedUnder(q, patched, syc, A),
  };

  // ---- the schedule known in advance; detection fills in the rest -----------------------------
  const N = cfg.conversationsPerHour;
  const R = cfg.rollout.hours;
  const rolloutShare = (h: number): number => {
    if (!shipped || h < 0) return 0;
    const s = cfg.rollout.shares;
    if (s) return s[Math.min(h, s.length - 1)];
    return Math.min(1, (h + 0.5) / R); // the hour's average of a continuous ramp over [0, R]
  };
  let detection: number | null = null;
  let patchAt: number | null = shipped && cfg.patch.enabled ? cfg.patch.hour : null;
  let rollbackAt: number | null = shipped && cfg.rollback.enabled ? cfg.rollback.hour : null;
  const D = cfg.rollback.hours;
  const shareAt = (h: number): number => {
    if (rollbackAt === null || h < rollbackAt) return rolloutShare(h);
    const from = rolloutShare(rollbackAt - 1);
    return from * Math.max(0, 1 - (h + 0.5 - rollbackAt) / D);
  };

  // ---- complaints: the window starts with control-only history ---------------------------------
  const rate = cfg.complaintsPerSycophantic;
  const W = cfg.detection.windowHours;
  const binomial = binomialSampler(stream(seed, 'deploy:complaints'));
  const window: number[] = [];
  let windowSum = 0;
  for (let h = -W; h < 0; h++) {
    const c = binomial(Math.round(N * rates.control), rate);
    window.push(c);
    windowSum += c;
  }
  const threshold = cfg.detection.factor * W * N * rates.control * rate;

  // ---- hour by hour ----------------------------------------------------------------------------
  const series: DeploymentHour[] = [];
  for (let h = 0; h < cfg.hours; h++) {
    const share = shareAt(h);
    const isPatched = patchAt !== null && h >= patchAt && share > 0;
    const updateRate = isPatched ? rates.patched : rates.update;
    const updateConversations = N * share;
    const sycUpdate = updateConversations * updateRate;
    const sycServed = sycUpdate + (N - updateConversations) * rates.control;
    const complaints = binomial(Math.round(sycServed), rate);
    windowSum += complaints - window.shift()!;
    window.push(complaints);
    series.push({
      hour: h,
      share,
      conversations: N,
      updateConversations,
      patched: isPatched ? 1 : 0,
      updateSycophancyRate: share > 0 ? updateRate : 0,
      sycophanticServed: sycServed,
      sycophanticServedUpdate: sycUpdate,
      controlSycophanticServed: N * rates.control,
      complaints,
      windowComplaints: windowSum,
      detectionThreshold: threshold,
    });
    if (detection === null && shipped && windowSum >= threshold && rate > 0) {
      detection = h + 1;
      if (cfg.patch.enabled && patchAt === null)
        patchAt = detection + cfg.patch.afterDetectionHours;
      if (cfg.rollback.enabled && rollbackAt === null)
        rollbackAt = detection + cfg.rollback.afterDetectionHours;
    }
  }

  // ---- events and totals -----------------------------------------------------------------------
  const within = (t: number | null) => (t !== null && t <= cfg.hours ? t : null);
  const firstHour = (pred: (r: DeploymentHour) => boolean): number | null =>
    series.find(pred)?.hour ?? null;
  const rolloutComplete = shipped
    ? firstHour((r) => r.share >= 1 && (rollbackAt === null || r.hour < rollbackAt))
    : null;
  const rollbackComplete =
    rollbackAt !== null ? firstHour((r) => r.hour >= rollbackAt! && r.share === 0) : null;
  const events: DeploymentEvent[] = [];
  const push = (hour: number | null, kind: DeploymentEventKind, label: string) => {
    if (hour !== null) events.push({ hour, kind, label });
  };
  if (shipped) {
    push(0, 'rollout-start', 'staged rollout of the update starts');
    push(rolloutComplete, 'rollout-complete', 'rollout complete: all traffic on the update');
    push(
      detection,
      'detection',
      `detected: complaints over ${W} h reached ${cfg.detection.factor}× the usual`,
    );
    push(
      within(patchAt),
      'patch',
      `system-prompt patch (logit shift ${cfg.patch.shift} against sycophantic styles)`,
    );
    push(within(rollbackAt), 'rollback-start', `rollback starts (${D} h to move all traffic back)`);
    push(rollbackComplete, 'rollback-complete', 'rollback complete: all traffic on the control');
  } else {
    push(0, 'blocked', 'the update was blocked at review: the control keeps all traffic');
  }
  events.sort((a, b) => a.hour - b.hour);
  if (shipped && detection === null)
    warnings.push({
      code: 'deploy/not-detected',
      message: `complaints never reached ${cfg.detection.factor}× the usual within ${cfg.hours} h`,
    });
  if (rollbackAt !== null && rollbackComplete === null)
    warnings.push({
      code: 'deploy/rollback-incomplete',
      message: `the rollback did not finish within ${cfg.hours} h`,
    });

  let updateConversations = 0;
  let exposure = 0;
  let excessExposure = 0;
  let sycophanticServed = 0;
  let complaints = 0;
  for (const r of series) {
    updateConversations += r.updateConversations;
    exposure += r.sycophanticServedUpdate;
    excessExposure += r.sycophanticServedUpdate - r.updateConversations * rates.control;
    sycophanticServed += r.sycophanticServed;
    complaints += r.complaints;
  }
  return {
    shipped,
    config: cfg,
    rates,
    series,
    events,
    totals: {
      conversations: N * cfg.hours,
      updateConversations,
      exposure,
      excessExposure,
      sycophanticServed,
      complaints,
      hoursToRolloutComplete: rolloutComplete,
      hoursToDetection: detection,
      hoursToPatch: within(patchAt),
      hoursToRollbackStart: within(rollbackAt),
      hoursToFullRollback: rollbackComplete,
    },
    seed,
    warnings,
  };
}

// ---- review, then deployment, under two processes ---------------------------------------------

/** What happened under one launch process: its review and the timeline that followed. */
export interface DeployOutcome {
  process: string;
  review: ReviewResult;
  timeline: DeploymentTimeline;
}

export interface DeployResult {
  /** Under the process in force (default '2025-04'). */
  actual: DeployOutcome;
  /** The same timeline had the other process (default 'revised') been in force. */
  counterfactual: DeployOutcome;
  /** What the counterfactual process would have spared: actual minus counterfactual. */
  avoided: { updateConversations: number; exposure: number; excessExposure: number };
}

/** The input of `deploy`. */
export interface DeployInput {
  control: ReviewArm;
  candidate: ReviewArm;
  review?: PartialReviewConfig;
  deployment?: PartialDeploymentConfig;
  /** One seed for the review's and the deployment's streams (default 0). */
  seed?: number | string;
  /** The process in force (default '2025-04'). */
  process?: string | LaunchProcess;
  /** The process of the counterfactual (default 'revised'). */
  counterfactual?: string | LaunchProcess;
}

/**
 * Reviews the update under the process in force and under the counterfactual one, and runs the
 * timeline that follows each: the update ships where the review says ship (the same timeline,
 * same seed), otherwise the control keeps all traffic and the update's exposure is zero.
 */
export function deploy(input: DeployInput): DeployResult {
  const outcome = (process: string | LaunchProcess): DeployOutcome => {
    const review = launchReview({
      control: input.control,
      candidate: input.candidate,
      config: input.review,
      process,
      seed: input.seed,
    });
    const timeline = deploymentTimeline({
      control: input.control,
      candidate: input.candidate,
      config: input.deployment,
      seed: input.seed,
      ship: review.verdict === 'ship',
    });
    return { process: review.process, review, timeline };
  };
  const actual = outcome(input.process ?? '2025-04');
  const counterfactual = outcome(input.counterfactual ?? 'revised');
  const a = actual.timeline.totals;
  const c = counterfactual.timeline.totals;
  return {
    actual,
    counterfactual,
    avoided: {
      updateConversations: a.updateConversations - c.updateConversations,
      exposure: a.exposure - c.exposure,
      excessExposure: a.excessExposure - c.excessExposure,
    },
  };
}
