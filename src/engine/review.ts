/**
 * The launch review (docs/review.md): a candidate policy is compared with the control (the model
 * in production) by offline evals, behaviour evals, an A/B test on simulated users, a vibe check
 * by expert testers and an optional opt-in alpha stage. A named launch process decides which
 * stages run and which of them can stop the launch; the verdict names every reason that decided
 * it. This file holds the configuration, the processes and `launchReview`; the stages'
 * measurements and table rows are in review-stages.ts.
 *
 * Both policies are evaluated in one world: the candidate's (its features, signals, user model and
 * situation sets are the review's eval suites and users). The control's world must have the same
 * situations and answer styles. Every stage draws from its own named stream, so the same seed
 * gives the same evidence under every process and adding a stage shifts no other stage's draws.
 */
import {
  abRows,
  abTest,
  alphaRows,
  alphaStage,
  behaviourEvals,
  behaviourRows,
  offlineEvals,
  offlineRows,
  vibeCheck,
  vibeRows,
  type AbTestResult,
  type AlphaStageResult,
  type BehaviourEvalResult,
  type OfflineSuiteResult,
  type ReviewRow,
  type StageRole,
  type VibeCheckResult,
} from './review-stages.ts';
import type { Warning, World } from './types.ts';

// ---- configuration ----------------------------------------------------------------------------

/**
 * Which situations an eval draws from: a set of the world (`'sycophancy'`, `'accuracy'`,
 * `'deployment'`), the name of one of its groups, or a list of situation ids (equal weights).
 */
export type SituationSelector = string | string[];

/**
 * How a metric's per-cell values become a pass probability: `'unit'` uses them as they are
 * (clamped to [0, 1]); `'signed'` maps a value x in [−1, 1] to (x + 1)/2; `'auto'` is `'unit'`
 * when the whole table lies in [0, 1] and `'signed'` otherwise.
 */
export type MetricScale = 'auto' | 'unit' | 'signed';

/** An offline eval suite: n items drawn from `where`, each passed with probability metric[c,a]. */
export interface OfflineSuite {
  /** Name shown in the review table (e.g. 'math-coding'). */
  name: string;
  /** A feature or signal of the world ('correct', 'spec', ...); features are looked up first. */
  metric: string;
  /** Situations the items come from. */
  where: SituationSelector;
  /** Items scored per model. */
  n: number;
  /** The suite passes when candidate ≥ control − tolerance. */
  tolerance: number;
  /** How metric values become pass probabilities. */
  scale: MetricScale;
}

/** A behaviour eval: the rate of a behaviour over n probes; it can block a launch. */
export interface BehaviourEval {
  /** Name shown in the review table (e.g. 'sycophancy'). */
  name: string;
  /** The behaviour measured: a feature or signal. */
  metric: string;
  /** Situations the probes come from. */
  where: SituationSelector;
  /** Probes per model. */
  n: number;
  /** Block when the candidate's rate exceeds this; null for no absolute limit. */
  maxRate: number | null;
  /** Block when candidate − control exceeds this; null for no relative limit. */
  maxIncrease: number | null;
  /** How metric values become probabilities. */
  scale: MetricScale;
}

/** The A/B test: two arms of simulated users rating conversations with thumbs up or down. */
export interface AbTestConfig {
  /** Users in each arm. */
  usersPerArm: number;
  /** Conversations each user has during the test. */
  conversationsPerUser: number;
  /** Where the arms' conversations come from. */
  where: SituationSelector;
  /** Significance level α of the two-sided two-proportion z-test. */
  significance: number;
  /** Confidence level of the interval on the difference. */
  confidence: number;
}

/** The vibe check: expert testers who each flag "feels off" past their own threshold. */
export interface VibeCheckConfig {
  /** Number of testers K; ignored when `thresholds` lists them. */
  testers: number;
  /** Conversations each tester has with each model, m. */
  conversations: number;
  /** Where testers' conversations come from. */
  where: SituationSelector;
  /** Mean of the testers' noticing thresholds (a share of sycophantic answers). */
  thresholdMean: number;
  /** Standard deviation of the thresholds around the mean, clamped to [0, 1]. */
  thresholdSpread: number;
  /** Listed thresholds, one per tester; null to draw them. */
  thresholds: number[] | null;
  /** Where flags can block: block when at least this share of testers flag. */
  blockShare: number;
}

/** The opt-in alpha stage: volunteers who rate more often and report sycophancy directly. */
export interface AlphaStageConfig {
  /** Whether a process that offers the stage runs it (the stage is optional). */
  enabled: boolean;
  /** Volunteers in each arm. */
  usersPerArm: number;
  /** Conversations each volunteer has. */
  conversationsPerUser: number;
  /** Where their conversations come from. */
  where: SituationSelector;
  /** Share of their conversations that get a thumbs rating (each segment's odds of up against down are kept). */
  feedbackRate: number;
  /** Chance a volunteer reports an answer as sycophantic, times sycophantic[c,a]. */
  reportRate: number;
  /** Significance level of the z-test on report rates. */
  significance: number;
  /** Block when reports per conversation rise by more than this, significantly. */
  maxIncrease: number;
}

/** The `review:` section of a scenario; every default is in REVIEW_DEFAULTS. */
export interface ReviewConfig {
  /** Offline eval suites. */
  offline: OfflineSuite[];
  /** Behaviour evals (sycophancy probes and any others). */
  behaviour: BehaviourEval[];
  ab: AbTestConfig;
  vibe: VibeCheckConfig;
  alpha: AlphaStageConfig;
}

/** What a scenario may give: every field optional; suites and evals fill in from their defaults. */
export interface PartialReviewConfig {
  offline?: (Partial<OfflineSuite> & { name: string; metric: string })[];
  behaviour?: (Partial<BehaviourEval> & { name: string })[];
  ab?: Partial<AbTestConfig>;
  vibe?: Partial<VibeCheckConfig>;
  alpha?: Partial<AlphaStageConfig>;
}

/** Defaults of an offline suite's optional fields. */
export const OFFLINE_SUITE_DEFAULTS: Omit<OfflineSuite, 'name' | 'metric'> = {
  where: 'accuracy',
  n: 5000,
  tolerance: 0.02,
  scale: 'auto',
};

/** Defaults of a behaviour eval's optional fields. */
export const BEHAVIOUR_EVAL_DEFAULTS: Omit<BehaviourEval, 'name'> = {
  metric: 'sycophantic',
  where: 'sycophancy',
  n: 500,
  maxRate: 0.2,
  maxIncrease: 0.05,
  scale: 'auto',
};

/** Every review parameter's default (docs/review.md explains each). */
export const REVIEW_DEFAULTS: ReviewConfig = {
  offline: [
    { name: 'math-coding', metric: 'correct', ...OFFLINE_SUITE_DEFAULTS },
    // Chat quality graded by the spec signal on ordinary task prompts: broad enough to catch a
    // loss of helpfulness, not aimed at the yes-man-prone situations (the seed's "not broad or
    // deep enough").
    { name: 'chat', metric: 'spec', ...OFFLINE_SUITE_DEFAULTS },
  ],
  behaviour: [{ name: 'sycophancy', ...BEHAVIOUR_EVAL_DEFAULTS }],
  ab: {
    usersPerArm: 50_000,
    conversationsPerUser: 4,
    where: 'deployment',
    significance: 0.05,
    confidence: 0.95,
  },
  vibe: {
    testers: 8,
    conversations: 20,
    where: 'sycophancy',
    thresholdMean: 0.3,
    thresholdSpread: 0.1,
    thresholds: null,
    blockShare: 0.5,
  },
  alpha: {
    enabled: false,
    usersPerArm: 2000,
    conversationsPerUser: 10,
    where: 'deployment',
    feedbackRate: 0.5,
    reportRate: 0.3,
    significance: 0.01,
    maxIncrease: 0.01,
  },
};

function check(ok: boolean, field: string, expected: string, got: unknown): void {
  if (!ok) throw new Error(`review.${field}: expected ${expected}, got ${JSON.stringify(got)}`);
}
const isCount = (x: number) => Number.isInteger(x) && x >= 1;
const isProb = (x: number) => typeof x === 'number' && x >= 0 && x <= 1;

/** The defaults with `partial` laid over them, checked; errors name the field. */
export function resolveReviewConfig(partial: PartialReviewConfig = {}): ReviewConfig {
  const offline = (partial.offline ?? REVIEW_DEFAULTS.offline).map((s) => ({
    ...OFFLINE_SUITE_DEFAULTS,
    ...s,
  }));
  const behaviour = (partial.behaviour ?? REVIEW_DEFAULTS.behaviour).map((e) => ({
    ...BEHAVIOUR_EVAL_DEFAULTS,
    ...e,
  }));
  const cfg: ReviewConfig = {
    offline,
    behaviour,
    ab: { ...REVIEW_DEFAULTS.ab, ...partial.ab },
    vibe: { ...REVIEW_DEFAULTS.vibe, ...partial.vibe },
    alpha: { ...REVIEW_DEFAULTS.alpha, ...partial.alpha },
  };
  const names = new Set<string>();
  cfg.offline.forEach((s, i) => {
    check(typeof s.name === 'string' && s.name !== '', `offline[${i}].name`, 'a name', s.name);
    check(!names.has(s.name), `offline[${i}].name`, 'a unique suite name', s.name);
    names.add(s.name);
    check(isCount(s.n), `offline[${i}].n`, 'a positive integer', s.n);
    check(isProb(s.tolerance), `offline[${i}].tolerance`, 'a number in [0, 1]', s.tolerance);
  });
  cfg.behaviour.forEach((e, i) => {
    check(isCount(e.n), `behaviour[${i}].n`, 'a positive integer', e.n);
    check(
      e.maxRate === null || isProb(e.maxRate),
      `behaviour[${i}].maxRate`,
      'null or [0, 1]',
      e.maxRate,
    );
    check(
      e.maxIncrease === null || isProb(e.maxIncrease),
      `behaviour[${i}].maxIncrease`,
      'null or [0, 1]',
      e.maxIncrease,
    );
  });
  check(isCount(cfg.ab.usersPerArm), 'ab.usersPerArm', 'a positive integer', cfg.ab.usersPerArm);
  check(
    isCount(cfg.ab.conversationsPerUser),
    'ab.conversationsPerUser',
    'a positive integer',
    cfg.ab.conversationsPerUser,
  );
  check(
    cfg.ab.significance > 0 && cfg.ab.significance < 1,
    'ab.significance',
    '(0, 1)',
    cfg.ab.significance,
  );
  check(
    cfg.ab.confidence > 0 && cfg.ab.confidence < 1,
    'ab.confidence',
    '(0, 1)',
    cfg.ab.confidence,
  );
  const v = cfg.vibe;
  if (v.thresholds) {
    check(v.thresholds.length > 0, 'vibe.thresholds', 'a non-empty list or null', v.thresholds);
    v.thresholds.forEach((t, i) => check(isProb(t), `vibe.thresholds[${i}]`, '[0, 1]', t));
  } else check(isCount(v.testers), 'vibe.testers', 'a positive integer', v.testers);
  check(isCount(v.conversations), 'vibe.conversations', 'a positive integer', v.conversations);
  check(isProb(v.thresholdMean), 'vibe.thresholdMean', 'a number in [0, 1]', v.thresholdMean);
  check(v.thresholdSpread >= 0, 'vibe.thresholdSpread', 'a number ≥ 0', v.thresholdSpread);
  check(isProb(v.blockShare), 'vibe.blockShare', 'a number in [0, 1]', v.blockShare);
  const a = cfg.alpha;
  check(isCount(a.usersPerArm), 'alpha.usersPerArm', 'a positive integer', a.usersPerArm);
  check(
    isCount(a.conversationsPerUser),
    'alpha.conversationsPerUser',
    'a positive integer',
    a.conversationsPerUser,
  );
  check(isProb(a.feedbackRate), 'alpha.feedbackRate', 'a number in [0, 1]', a.feedbackRate);
  check(isProb(a.reportRate), 'alpha.reportRate', 'a number in [0, 1]', a.reportRate);
  check(a.significance > 0 && a.significance < 1, 'alpha.significance', '(0, 1)', a.significance);
  check(isProb(a.maxIncrease), 'alpha.maxIncrease', 'a number in [0, 1]', a.maxIncrease);
  return cfg;
}

// ---- the review's inputs ---------------------------------------------------------------------

/** A model under review: its world and its policy π(a|c) as a flat C·A table. */
export interface ReviewArm {
  world: World;
  /** π(a|c), row-major C·A (e.g. `RunResult.finalPolicy`). */
  policy: Float64Array;
}

/** What every stage reads. Build one with `reviewContext`. */
export interface ReviewContext {
  /** The world the review evaluates in: the candidate's. */
  world: World;
  control: Float64Array;
  candidate: Float64Array;
  config: ReviewConfig;
  seed: number | string;
  warnings: Warning[];
}

function sameTable(a: Float64Array | undefined, b: Float64Array | undefined): boolean {
  if (!a || !b || a.length !== b.length) return a === b;
  for (let i = 0; i < a.length; i++) if (Math.abs(a[i] - b[i]) > 1e-12) return false;
  return true;
}

/** Checks that the two arms fit together and resolves the configuration. */
export function reviewContext(input: {
  control: ReviewArm;
  candidate: ReviewArm;
  config?: PartialReviewConfig;
  seed?: number | string;
}): ReviewContext {
  const world = input.candidate.world;
  const other = input.control.world;
  const C = world.contexts.length;
  const A = world.actions.length;
  const ids = (w: World) => [w.contexts.map((c) => c.id), w.actions.map((a) => a.id)];
  const [wc, wa] = ids(world);
  const [oc, oa] = ids(other);
  if (wc.join('\n') !== oc.join('\n'))
    throw new Error(
      `review: the control's situations (${oc.join(', ')}) differ from the candidate's (${wc.join(', ')})`,
    );
  if (wa.join('\n') !== oa.join('\n'))
    throw new Error(
      `review: the control's answer styles (${oa.join(', ')}) differ from the candidate's (${wa.join(', ')})`,
    );
  for (const [name, p] of [
    ['control', input.control.policy],
    ['candidate', input.candidate.policy],
  ] as const) {
    if (p.length !== C * A)
      throw new Error(
        `review: the ${name} policy has ${p.length} entries, expected C·A = ${C * A}`,
      );
  }
  const warnings: Warning[] = [];
  const differs: string[] = [];
  for (const k of new Set([...Object.keys(world.features), ...Object.keys(other.features)]))
    if (!sameTable(world.features[k], other.features[k])) differs.push(`feature ${k}`);
  if (
    world.users.length !== other.users.length ||
    world.users.some(
      (u, i) => !sameTable(u.up, other.users[i].up) || !sameTable(u.down, other.users[i].down),
    )
  )
    differs.push('user model');
  for (const k of ['sycophancy', 'accuracy', 'deployment'] as const)
    if (!sameTable(world.sets[k], other.sets[k])) differs.push(`${k} set`);
  if (differs.length > 0)
    warnings.push({
      code: 'review/worlds-differ',
      message: `the control's world differs from the candidate's in ${differs.join(', ')}; the review evaluates both policies in the candidate's world`,
    });
  return {
    world,
    control: input.control.policy,
    candidate: input.candidate.policy,
    config: resolveReviewConfig(input.config),
    seed: input.seed ?? 0,
    warnings,
  };
}

// ---- launch processes -------------------------------------------------------------------------

/** What a launch process runs stages with: each call measures a stage and records its rows. */
export interface ReviewRecorder {
  readonly ctx: ReviewContext;
  offline(role: StageRole): OfflineSuiteResult[];
  behaviour(role: StageRole): BehaviourEvalResult[];
  ab(role: StageRole): AbTestResult;
  vibe(role: StageRole): VibeCheckResult;
  alpha(role: StageRole): AlphaStageResult;
  /** Adds a row of a custom check. */
  row(row: ReviewRow): void;
  /** Adds a note to the verdict (something the process did not do, an advisory caveat). */
  note(text: string): void;
}

/**
 * A launch process: which stages run and which of them can stop the launch. The verdict is
 * generic: `block` when any deciding row is `fail` or `block`, otherwise `ship`.
 *
 * To write a new one, register a function by name (docs/review.md has an example):
 *
 *     launchProcesses['strict'] = {
 *       description: 'behaviour evals and any tester flag block',
 *       run(r) {
 *         r.offline('gate');
 *         r.behaviour('gate');
 *         r.ab('gate');
 *         const v = r.vibe('advisory');
 *         if (v.candidateShare > 0) r.row({ stage: 'vibe', metric: 'any flag', ..., result: 'block', decides: true, detail: '...' });
 *       },
 *     };
 *
 * A process only chooses stages and roles; measurements come from the stage functions, so the
 * same seed gives every process the same evidence.
 */
export interface LaunchProcess {
  /** One line on what the process is. */
  description: string;
  run(r: ReviewRecorder): void;
}

/** The launch processes, by name. Add one by assigning a new key. */
export const launchProcesses: Record<string, LaunchProcess> = {
  '2025-04': {
    description:
      'the process of April 2025: offline evals and the A/B test decide; the vibe check is advisory; no sycophancy eval',
    run(r) {
      r.offline('gate');
      r.ab('gate');
      r.vibe('advisory');
      r.note('no behaviour eval for sycophancy: the 2025-04 process had none');
    },
  },
  revised: {
    description:
      'the revised process: behaviour evals block, qualitative flags can block, an optional opt-in alpha stage',
    run(r) {
      r.offline('gate');
      r.behaviour('gate');
      r.ab('gate');
      r.vibe('gate');
      if (r.ctx.config.alpha.enabled) r.alpha('gate');
      else r.note('alpha stage not run (alpha.enabled is false)');
    },
  },
};

export type ReviewVerdict = 'ship' | 'block';

/** Everything the review measured, and what the process decided. */
export interface ReviewResult {
  process: string;
  description: string;
  verdict: ReviewVerdict;
  /** Every reason that decided the verdict: the failing rows when blocked, the gates passed when shipped. */
  reasons: string[];
  /** Advisory findings and what the process left out. */
  notes: string[];
  rows: ReviewRow[];
  /** The stages' measurements, for the stages the process ran. */
  stages: {
    offline?: OfflineSuiteResult[];
    behaviour?: BehaviourEvalResult[];
    ab?: AbTestResult;
    vibe?: VibeCheckResult;
    alpha?: AlphaStageResult;
  };
  config: ReviewConfig;
  seed: number | string;
  warnings: Warning[];
}

/** The input of `launchReview`. */
export interface LaunchReviewInput {
  /** The model in production. */
  control: ReviewArm;
  /** The update under review. */
  candidate: ReviewArm;
  config?: PartialReviewConfig;
  /** A registered process name or a process (default '2025-04'). */
  process?: string | LaunchProcess;
  /** Seed of the review's named streams (default 0). */
  seed?: number | string;
}

function resolveProcess(p: string | LaunchProcess): [string, LaunchProcess] {
  if (typeof p !== 'string') return ['custom', p];
  const found = Object.prototype.hasOwnProperty.call(launchProcesses, p)
    ? launchProcesses[p]
    : null;
  if (!found)
    throw new Error(
      `review: unknown launch process "${p}" (known: ${Object.keys(launchProcesses).join(', ')})`,
    );
  return [p, found];
}

/** Runs a launch review of `candidate` against `control` under the launch process named in `input`. */
export function launchReview(input: LaunchReviewInput): ReviewResult {
  const ctx = reviewContext(input);
  const [name, launch] = resolveProcess(input.process ?? '2025-04');
  const rows: ReviewRow[] = [];
  const notes: string[] = [];
  const stages: ReviewResult['stages'] = {};
  const recorder: ReviewRecorder = {
    ctx,
    offline(role) {
      const r = (stages.offline ??= offlineEvals(ctx));
      rows.push(...offlineRows(r, role));
      return r;
    },
    behaviour(role) {
      const r = (stages.behaviour ??= behaviourEvals(ctx));
      rows.push(...behaviourRows(r, role));
      return r;
    },
    ab(role) {
      const r = (stages.ab ??= abTest(ctx));
      rows.push(...abRows(r, role, ctx.config.ab.significance));
      return r;
    },
    vibe(role) {
      const r = (stages.vibe ??= vibeCheck(ctx));
      const rs = vibeRows(r, role, ctx.config.vibe.blockShare);
      rows.push(...rs);
      if (role === 'advisory') {
        const flagged = r.testers.filter((t) => t.flagsCandidate).length;
        if (flagged > 0) notes.push(`${rs[rs.length - 1].detail} (did not decide)`);
      }
      return r;
    },
    alpha(role) {
      const r = (stages.alpha ??= alphaStage(ctx));
      rows.push(...alphaRows(r, role, ctx.config.alpha));
      return r;
    },
    row(row) {
      rows.push(row);
    },
    note(text) {
      notes.push(text);
    },
  };
  launch.run(recorder);
  const deciding = rows.filter((r) => r.decides);
  const stopping = deciding.filter((r) => r.result === 'fail' || r.result === 'block');
  const verdict: ReviewVerdict = stopping.length > 0 ? 'block' : 'ship';
  const reasons = (verdict === 'block' ? stopping : deciding).map((r) => r.detail);
  if (deciding.length === 0) reasons.push(`the ${name} process ran no deciding check`);
  const seen = new Set<string>();
  return {
    process: name,
    description: launch.description,
    verdict,
    reasons,
    notes,
    rows,
    stages,
    config: ctx.config,
    seed: ctx.seed,
    warnings: ctx.warnings.filter((w) => !seen.has(w.message) && seen.add(w.message)),
  };
}
