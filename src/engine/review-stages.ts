/**
 * The launch review's stages (docs/review.md): what each measures, from which named stream, and
 * the rows it adds to the review table. Each measurement is a pure function of the review context;
 * the launch process (review.ts) decides which stages run and whether they can stop a launch.
 */
import { normalSampler, stream } from './rng.ts';
import { binomialSampler, multinomialSample, twoProportionZTest } from './stats.ts';
import type { TwoProportionTest } from './stats.ts';
import type {
  AlphaStageConfig,
  BehaviourEval,
  MetricScale,
  OfflineSuite,
  ReviewContext,
  SituationSelector,
} from './review.ts';
import type { Warning, World } from './types.ts';

// ---- situations and metrics -------------------------------------------------------------------
/** The weights q(c) of a selector, summing to 1. */
export function situationWeights(world: World, where: SituationSelector): Float64Array {
  const C = world.contexts.length;
  let w: Float64Array;
  if (Array.isArray(where)) {
    w = new Float64Array(C);
    for (const id of where) {
      const i = world.contexts.findIndex((c) => c.id === id);
      if (i < 0)
        throw new Error(
          `review: no situation "${id}" (situations: ${world.contexts.map((c) => c.id).join(', ')})`,
        );
      w[i] = 1;
    }
  } else if (where === 'sycophancy' || where === 'accuracy' || where === 'deployment') {
    w = world.sets[where];
  } else if (world.sets.groups[where]) {
    w = world.sets.groups[where];
  } else {
    const groups = Object.keys(world.sets.groups);
    throw new Error(
      `review: no situation set "${where}" (sets: sycophancy, accuracy, deployment${groups.length ? ', ' + groups.join(', ') : ''}; or a list of situation ids)`,
    );
  }
  let s = 0;
  for (let i = 0; i < C; i++) s += w[i];
  if (!(s > 0)) throw new Error(`review: the situation set ${JSON.stringify(where)} is empty`);
  return Float64Array.from(w, (x) => x / s);
}

/**
 * A metric as per-cell probabilities in [0, 1] (see MetricScale; the scale is judged on the whole
 * table). Values outside the scale's range are clamped, with a warning when a clamped cell lies
 * in the situations `q` the metric is used on (all situations when `q` is omitted).
 */
export function metricProbabilities(
  world: World,
  metric: string,
  scale: MetricScale,
  warnings?: Warning[],
  q?: Float64Array,
): Float64Array {
  const table = world.features[metric] ?? world.signals.find((s) => s.name === metric)?.table;
  if (!table)
    throw new Error(
      `review: no feature or signal "${metric}" (features: ${Object.keys(world.features).join(', ')}; signals: ${world.signals.map((s) => s.name).join(', ')})`,
    );
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of table) {
    lo = Math.min(lo, x);
    hi = Math.max(hi, x);
  }
  const signed = scale === 'signed' || (scale === 'auto' && (lo < 0 || hi > 1));
  const [min, max] = signed ? [-1, 1] : [0, 1];
  const A = world.actions.length;
  let clamped = 0;
  table.forEach((x, i) => {
    if ((x < min - 1e-12 || x > max + 1e-12) && (!q || q[Math.floor(i / A)] > 0)) clamped++;
  });
  if (clamped > 0)
    warnings?.push({
      code: 'review/metric-range',
      message: `metric "${metric}" has ${clamped} cells outside [${min}, ${max}] where it is used; they are clamped`,
    });
  return Float64Array.from(table, (x) => Math.min(1, Math.max(0, signed ? (x + 1) / 2 : x)));
}

/** Σ_c q(c) Σ_a π(a|c) m[c,a]. */
export function expectedUnder(
  q: Float64Array,
  policy: Float64Array,
  m: Float64Array,
  A: number,
): number {
  let s = 0;
  for (let c = 0, row = 0; c < q.length; c++, row += A) {
    if (q[c] === 0) continue;
    let e = 0;
    for (let a = 0; a < A; a++) e += policy[row + a] * m[row + a];
    s += q[c] * e;
  }
  return s;
}

// ---- stages: measurements ---------------------------------------------------------------------

/** A proportion measured on n items: `k` successes, `rate` = k/n, `expected` its mean. */
export interface Proportion {
  k: number;
  n: number;
  rate: number;
  expected: number;
}

/** One offline suite's scores. */
export interface OfflineSuiteResult {
  suite: OfflineSuite;
  control: Proportion;
  candidate: Proportion;
  /** Candidate minus control. */
  test: TwoProportionTest;
  pass: boolean;
}

/** One behaviour eval's rates. */
export interface BehaviourEvalResult {
  eval: BehaviourEval;
  control: Proportion;
  candidate: Proportion;
  test: TwoProportionTest;
  /** Why it blocks (empty when it does not). */
  trips: string[];
}

/** One A/B arm's counts. */
export interface AbArm {
  users: number;
  conversations: number;
  up: number;
  down: number;
  /** up + down */
  ratings: number;
  /** Thumbs-up share of ratings, up / (up + down). */
  share: number;
  /** The share's expected value under the user model (`thumbsUpShare`). */
  expectedShare: number;
}

/** The A/B test's arms and the z-test of the candidate's thumbs-up share against the control's. */
export interface AbTestResult {
  control: AbArm;
  candidate: AbArm;
  /** Candidate minus control, on the thumbs-up share of ratings. */
  test: TwoProportionTest;
  /** Thumbs up per conversation and thumbs down per conversation, candidate minus control. */
  upRate: TwoProportionTest;
  downRate: TwoProportionTest;
  significant: boolean;
  /** The arm significantly preferred, if any. */
  favours: 'candidate' | 'control' | null;
}

/** One expert tester of the vibe check. */
export interface VibeTester {
  id: string;
  /** Share of sycophantic answers past which this tester feels something is off. */
  threshold: number;
  /** Sycophantic answers seen in m conversations with each model. */
  control: number;
  candidate: number;
  conversations: number;
  flagsControl: boolean;
  flagsCandidate: boolean;
}

export interface VibeCheckResult {
  testers: VibeTester[];
  /** Shares of testers who flag each model. */
  controlShare: number;
  candidateShare: number;
}

/** One alpha arm: volunteers' ratings and reports. */
export interface AlphaArm {
  conversations: number;
  up: number;
  down: number;
  reports: number;
}

export interface AlphaStageResult {
  control: AlphaArm;
  candidate: AlphaArm;
  /** Sycophancy reports per conversation, candidate minus control. */
  reports: TwoProportionTest;
  /** Thumbs-up share of ratings, candidate minus control. */
  thumbs: TwoProportionTest;
  block: boolean;
}

function proportion(k: number, n: number, expected: number): Proportion {
  return { k, n, rate: k / n, expected };
}

function scoredPair(
  ctx: ReviewContext,
  streamName: string,
  metric: string,
  scale: MetricScale,
  where: SituationSelector,
  n: number,
): [Proportion, Proportion, TwoProportionTest] {
  const { world } = ctx;
  const A = world.actions.length;
  const q = situationWeights(world, where);
  const m = metricProbabilities(world, metric, scale, ctx.warnings, q);
  const pc = expectedUnder(q, ctx.control, m, A);
  const pk = expectedUnder(q, ctx.candidate, m, A);
  const binomial = binomialSampler(stream(ctx.seed, streamName));
  const control = proportion(binomial(n, pc), n, pc);
  const candidate = proportion(binomial(n, pk), n, pk);
  return [
    control,
    candidate,
    twoProportionZTest(candidate.k, n, control.k, n, ctx.config.ab.confidence),
  ];
}

/** Scores every offline suite: n items per model, each passed with probability metric[c,a]. */
export function offlineEvals(ctx: ReviewContext): OfflineSuiteResult[] {
  return ctx.config.offline.map((suite) => {
    const [control, candidate, test] = scoredPair(
      ctx,
      `review:offline:${suite.name}`,
      suite.metric,
      suite.scale,
      suite.where,
      suite.n,
    );
    return {
      suite,
      control,
      candidate,
      test,
      pass: candidate.rate >= control.rate - suite.tolerance,
    };
  });
}

/** Measures every behaviour eval's rate on n probes per model. */
export function behaviourEvals(ctx: ReviewContext): BehaviourEvalResult[] {
  return ctx.config.behaviour.map((ev) => {
    const [control, candidate, test] = scoredPair(
      ctx,
      `review:behaviour:${ev.name}`,
      ev.metric,
      ev.scale,
      ev.where,
      ev.n,
    );
    const trips: string[] = [];
    if (ev.maxRate !== null && candidate.rate > ev.maxRate)
      trips.push(`rate ${f3(candidate.rate)} > max ${f3(ev.maxRate)}`);
    if (ev.maxIncrease !== null && test.difference > ev.maxIncrease)
      trips.push(`increase ${f3(test.difference)} over control > max ${f3(ev.maxIncrease)}`);
    return { eval: ev, control, candidate, test, trips };
  });
}

/** Per segment: probabilities of a thumbs up and of a thumbs down per conversation over q. */
function segmentRates(
  world: World,
  policy: Float64Array,
  q: Float64Array,
): { weight: number; up: number; down: number }[] {
  const A = world.actions.length;
  return world.users.map((seg) => ({
    weight: seg.weight,
    up: expectedUnder(q, policy, seg.up, A),
    down: expectedUnder(q, policy, seg.down, A),
  }));
}

/**
 * One arm's ratings: users fall into segments (multinomial on the segments' weights); each of a
 * segment's conversations gets a thumbs up with probability U_s, otherwise a thumbs down with
 * probability D_s/(1 − U_s) (U_s, D_s: the segment's per-conversation rates under the policy
 * over q). Counting per segment is exact in distribution for the per-conversation model.
 */
function sampleRatings(
  rates: { weight: number; up: number; down: number }[],
  users: number,
  conversationsPerUser: number,
  binomial: (n: number, p: number) => number,
): { up: number; down: number } {
  const counts = multinomialSample(
    binomial,
    users,
    rates.map((r) => r.weight),
  );
  let up = 0;
  let down = 0;
  rates.forEach((r, s) => {
    const n = counts[s] * conversationsPerUser;
    const u = binomial(n, r.up);
    up += u;
    down += r.up < 1 ? binomial(n - u, r.down / (1 - r.up)) : 0;
  });
  return { up, down };
}

/** Runs the A/B test: thumbs-up share of ratings per arm and the two-proportion z-test. */
export function abTest(ctx: ReviewContext): AbTestResult {
  const { world } = ctx;
  const cfg = ctx.config.ab;
  if (world.users.length === 0)
    throw new Error('review: the A/B test needs a user model, and the world has no user segments');
  const q = situationWeights(world, cfg.where);
  const arm = (policy: Float64Array, name: string): AbArm => {
    const rates = segmentRates(world, policy, q);
    const { up, down } = sampleRatings(
      rates,
      cfg.usersPerArm,
      cfg.conversationsPerUser,
      binomialSampler(stream(ctx.seed, `review:ab:${name}`)),
    );
    let eu = 0;
    let ed = 0;
    for (const r of rates) {
      eu += r.weight * r.up;
      ed += r.weight * r.down;
    }
    return {
      users: cfg.usersPerArm,
      conversations: cfg.usersPerArm * cfg.conversationsPerUser,
      up,
      down,
      ratings: up + down,
      share: up + down > 0 ? up / (up + down) : 0,
      expectedShare: eu + ed > 0 ? eu / (eu + ed) : 0,
    };
  };
  const control = arm(ctx.control, 'control');
  const candidate = arm(ctx.candidate, 'candidate');
  const test = twoProportionZTest(
    candidate.up,
    candidate.ratings,
    control.up,
    control.ratings,
    cfg.confidence,
  );
  const significant = test.pValue < cfg.significance;
  return {
    control,
    candidate,
    test,
    upRate: twoProportionZTest(
      candidate.up,
      candidate.conversations,
      control.up,
      control.conversations,
      cfg.confidence,
    ),
    downRate: twoProportionZTest(
      candidate.down,
      candidate.conversations,
      control.down,
      control.conversations,
      cfg.confidence,
    ),
    significant,
    favours: !significant ? null : test.difference > 0 ? 'candidate' : 'control',
  };
}

/**
 * The vibe check. Tester i's threshold is listed or drawn once (normal around the mean, clamped
 * to [0, 1]) from the stream `review:vibe:tester-i:threshold`; their m conversations with each
 * model come from `review:vibe:tester-i`. A tester flags a model when the share of sycophantic
 * answers in their sample exceeds their threshold.
 */
export function vibeCheck(ctx: ReviewContext): VibeCheckResult {
  const { world } = ctx;
  const cfg = ctx.config.vibe;
  const A = world.actions.length;
  const q = situationWeights(world, cfg.where);
  const syc = metricProbabilities(world, 'sycophantic', 'unit', ctx.warnings, q);
  const sc = expectedUnder(q, ctx.control, syc, A);
  const sk = expectedUnder(q, ctx.candidate, syc, A);
  const K = cfg.thresholds ? cfg.thresholds.length : cfg.testers;
  const m = cfg.conversations;
  const testers: VibeTester[] = [];
  for (let i = 0; i < K; i++) {
    const id = `tester-${i + 1}`;
    const threshold = cfg.thresholds
      ? cfg.thresholds[i]
      : Math.min(
          1,
          Math.max(
            0,
            cfg.thresholdMean +
              cfg.thresholdSpread *
                normalSampler(stream(ctx.seed, `review:vibe:${id}:threshold`))(),
          ),
        );
    const binomial = binomialSampler(stream(ctx.seed, `review:vibe:${id}`));
    const control = binomial(m, sc);
    const candidate = binomial(m, sk);
    testers.push({
      id,
      threshold,
      control,
      candidate,
      conversations: m,
      flagsControl: control / m > threshold,
      flagsCandidate: candidate / m > threshold,
    });
  }
  return {
    testers,
    controlShare: testers.filter((t) => t.flagsControl).length / K,
    candidateShare: testers.filter((t) => t.flagsCandidate).length / K,
  };
}

/**
 * The opt-in alpha stage. Volunteers come from the same segments as the A/B users but rate a
 * `feedbackRate` share of their conversations, keeping each segment's odds of up against down
 * in each cell; independently, each answer is reported as sycophantic with probability
 * reportRate·sycophantic[c,a].
 */
export function alphaStage(ctx: ReviewContext): AlphaStageResult {
  const { world } = ctx;
  const cfg = ctx.config.alpha;
  const A = world.actions.length;
  if (world.users.length === 0)
    throw new Error(
      'review: the alpha stage needs a user model, and the world has no user segments',
    );
  const q = situationWeights(world, cfg.where);
  const syc = metricProbabilities(world, 'sycophantic', 'unit', ctx.warnings, q);
  const report = Float64Array.from(syc, (x) => cfg.reportRate * x);
  const alphaUsers = world.users.map((seg) => {
    const up = new Float64Array(seg.up.length);
    const down = new Float64Array(seg.down.length);
    for (let i = 0; i < up.length; i++) {
      const r = seg.up[i] + seg.down[i];
      if (r > 0) {
        up[i] = (cfg.feedbackRate * seg.up[i]) / r;
        down[i] = (cfg.feedbackRate * seg.down[i]) / r;
      }
    }
    return { ...seg, up, down };
  });
  const alphaWorld = { ...world, users: alphaUsers };
  const conversations = cfg.usersPerArm * cfg.conversationsPerUser;
  const arm = (policy: Float64Array, name: string): AlphaArm => {
    const binomial = binomialSampler(stream(ctx.seed, `review:alpha:${name}`));
    const { up, down } = sampleRatings(
      segmentRates(alphaWorld, policy, q),
      cfg.usersPerArm,
      cfg.conversationsPerUser,
      binomial,
    );
    const reports = binomial(conversations, expectedUnder(q, policy, report, A));
    return { conversations, up, down, reports };
  };
  const control = arm(ctx.control, 'control');
  const candidate = arm(ctx.candidate, 'candidate');
  const conf = ctx.config.ab.confidence;
  const reports = twoProportionZTest(
    candidate.reports,
    conversations,
    control.reports,
    conversations,
    conf,
  );
  const thumbs = twoProportionZTest(
    candidate.up,
    candidate.up + candidate.down,
    control.up,
    control.up + control.down,
    conf,
  );
  return {
    control,
    candidate,
    reports,
    thumbs,
    block: reports.difference > cfg.maxIncrease && reports.pValue < cfg.significance,
  };
}

// ---- stages: rows of the review table ---------------------------------------------------------

/** A stage of the review. Plug-in processes may add rows under their own stage names. */
export type ReviewStage = 'offline' | 'behaviour' | 'ab' | 'vibe' | 'alpha' | (string & {});

/**
 * A row's outcome: `pass` (a check met its criterion), `fail` (a quantitative gate was not met:
 * an offline regression, an A/B test significantly worse), `block` (a blocker tripped: a
 * behaviour eval, qualitative flags, alpha reports), `advisory` (shown, not deciding), `flag` (one
 * tester's "feels off").
 */
export type RowResult = 'pass' | 'fail' | 'block' | 'advisory' | 'flag';

/** One line of the review table. Plain data: it goes to tables, JSON and CSV as is. */
export interface ReviewRow {
  stage: ReviewStage;
  metric: string;
  control: number;
  candidate: number;
  /** candidate − control */
  delta: number;
  /** Interval on delta at the configured confidence, when the row has one. */
  ci?: [number, number];
  /** Two-sided p-value of delta = 0, when the row has one. */
  pValue?: number;
  result: RowResult;
  /** Whether this row took part in the verdict (its stage ran as a gate and it is a summary). */
  decides: boolean;
  detail: string;
}

/** Whether a stage decides the launch (`gate`) or only informs it (`advisory`). */
export type StageRole = 'gate' | 'advisory';

const f3 = (x: number) => x.toFixed(3);
const fp = (p: number) => (p < 1e-4 ? p.toExponential(1) : p.toFixed(4));
const fint = (x: number) => String(Math.round(x)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

function testRow(
  stage: ReviewStage,
  metric: string,
  test: TwoProportionTest,
): Pick<ReviewRow, 'stage' | 'metric' | 'control' | 'candidate' | 'delta' | 'ci' | 'pValue'> {
  return {
    stage,
    metric,
    control: test.p2,
    candidate: test.p1,
    delta: test.difference,
    ci: test.ci,
    pValue: test.pValue,
  };
}

/** Rows of the offline evals: each suite passes or fails (as a gate) or is advisory. */
export function offlineRows(results: OfflineSuiteResult[], role: StageRole): ReviewRow[] {
  return results.map((r) => ({
    ...testRow('offline', `${r.suite.name} (${r.suite.metric})`, r.test),
    result: role === 'advisory' ? 'advisory' : r.pass ? 'pass' : 'fail',
    decides: role === 'gate',
    detail: `${r.suite.name}: candidate ${f3(r.candidate.rate)} ${r.pass ? '≥' : '<'} control ${f3(r.control.rate)} − ${r.suite.tolerance} (${fint(r.suite.n)} items each)`,
  }));
}

/** Rows of the behaviour evals. */
export function behaviourRows(results: BehaviourEvalResult[], role: StageRole): ReviewRow[] {
  return results.map((r) => {
    const limits = [
      r.eval.maxRate !== null ? `max rate ${f3(r.eval.maxRate)}` : '',
      r.eval.maxIncrease !== null ? `max increase ${f3(r.eval.maxIncrease)}` : '',
    ].filter(Boolean);
    const blocks = r.trips.length > 0;
    return {
      ...testRow('behaviour', `${r.eval.name} (${r.eval.metric})`, r.test),
      result: role === 'advisory' ? 'advisory' : blocks ? 'block' : 'pass',
      decides: role === 'gate',
      detail: blocks
        ? `${r.eval.name} eval: ${r.trips.join('; ')} (${fint(r.eval.n)} probes each)`
        : `${r.eval.name} eval: candidate ${f3(r.candidate.rate)} within ${limits.join(', ') || 'no limits'} (${fint(r.eval.n)} probes each)`,
    };
  });
}

/** Rows of the A/B test: the deciding thumbs-up share and two informative per-conversation rates. */
export function abRows(r: AbTestResult, role: StageRole, significance: number): ReviewRow[] {
  const worse = r.favours === 'control';
  const verdict =
    r.favours === 'candidate'
      ? `favours the candidate (p = ${fp(r.test.pValue)} < ${significance})`
      : worse
        ? `candidate significantly worse (p = ${fp(r.test.pValue)} < ${significance})`
        : `no significant difference (p = ${fp(r.test.pValue)})`;
  return [
    {
      ...testRow('ab', 'thumbs-up share of ratings', r.test),
      result: role === 'advisory' ? 'advisory' : worse ? 'fail' : 'pass',
      decides: role === 'gate',
      detail: `A/B test ${verdict}; ${fint(r.candidate.ratings)} vs ${fint(r.control.ratings)} ratings from ${fint(r.candidate.users)} users per arm`,
    },
    {
      ...testRow('ab', 'thumbs up per conversation', r.upRate),
      result: 'advisory',
      decides: false,
      detail: `${fint(r.candidate.up)} vs ${fint(r.control.up)} thumbs up in ${fint(r.candidate.conversations)} conversations per arm`,
    },
    {
      ...testRow('ab', 'thumbs down per conversation', r.downRate),
      result: 'advisory',
      decides: false,
      detail: `${fint(r.candidate.down)} vs ${fint(r.control.down)} thumbs down in ${fint(r.candidate.conversations)} conversations per arm`,
    },
  ];
}

/** Rows of the vibe check: one per tester (never deciding) and the share of testers flagging. */
export function vibeRows(r: VibeCheckResult, role: StageRole, blockShare: number): ReviewRow[] {
  const rows: ReviewRow[] = r.testers.map((t) => ({
    stage: 'vibe',
    metric: `${t.id}: sycophantic share`,
    control: t.control / t.conversations,
    candidate: t.candidate / t.conversations,
    delta: (t.candidate - t.control) / t.conversations,
    result: t.flagsCandidate ? 'flag' : 'pass',
    decides: false,
    detail: `${t.id} ${t.flagsCandidate ? 'feels something is off' : 'notices nothing'}: ${t.candidate} of ${t.conversations} answers sycophantic (threshold ${f3(t.threshold)})`,
  }));
  const K = r.testers.length;
  const flagged = Math.round(r.candidateShare * K);
  const blocks = r.candidateShare >= blockShare;
  rows.push({
    stage: 'vibe',
    metric: 'testers flagging "feels off"',
    control: r.controlShare,
    candidate: r.candidateShare,
    delta: r.candidateShare - r.controlShare,
    result: role === 'advisory' ? 'advisory' : blocks ? 'block' : 'pass',
    decides: role === 'gate',
    detail:
      `vibe check: ${flagged} of ${K} testers flagged the candidate as "feels off" ` +
      `(${Math.round(r.controlShare * K)} flagged the control)` +
      (role === 'advisory'
        ? '; advisory only'
        : `; blocks at ≥ ${Math.round(blockShare * 100)}% of testers`),
  });
  return rows;
}

/** Rows of the alpha stage: sycophancy reports (deciding as a gate) and the volunteers' thumbs. */
export function alphaRows(
  r: AlphaStageResult,
  role: StageRole,
  cfg: AlphaStageConfig,
): ReviewRow[] {
  return [
    {
      ...testRow('alpha', 'sycophancy reports per conversation', r.reports),
      result: role === 'advisory' ? 'advisory' : r.block ? 'block' : 'pass',
      decides: role === 'gate',
      detail:
        `alpha volunteers reported ${fint(r.candidate.reports)} vs ${fint(r.control.reports)} sycophantic answers in ${fint(r.candidate.conversations)} conversations per arm` +
        ` (blocks on an increase > ${cfg.maxIncrease} with p < ${cfg.significance}; p = ${fp(r.reports.pValue)})`,
    },
    {
      ...testRow('alpha', 'alpha thumbs-up share of ratings', r.thumbs),
      result: 'advisory',
      decides: false,
      detail: `${fint(r.candidate.up + r.candidate.down)} vs ${fint(r.control.up + r.control.down)} ratings`,
    },
  ];
}
