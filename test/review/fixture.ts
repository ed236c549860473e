// A small incident-like world for the review and deployment tests: one task situation and four
// situations where a yes-man answer is possible; the candidate answers tasks exactly as the
// control does (equal accuracy) but agrees and flatters far more where it can, which users' thumbs
// like. Policies are given directly, as a training run would hand them over (`finalPolicy`).
import { worldFromTables, type World, type WorldTables } from '../../src/engine/index.ts';

export const SITUATIONS = ['coding-task', 'correct-claim', 'wrong-claim', 'feedback', 'venting'];
export const STYLES = ['candid', 'tactful', 'hedge', 'agree', 'flatter'];

// sycophantic[c][a]: agreeing with a correct claim is not sycophancy; flattery always is.
const SYC = [
  [0, 0, 0, 0, 0.5],
  [0, 0, 0, 0, 1],
  [0, 0, 0.3, 1, 1],
  [0, 0, 0.2, 1, 1],
  [0, 0, 0.2, 1, 1],
];
const CORRECT = [
  [1, 1, 0.7, 0.9, 0.8],
  [1, 1, 0.6, 1, 0.8],
  [1, 1, 0.5, 0, 0],
  [1, 1, 0.6, 0.2, 0.1],
  [1, 1, 0.7, 0.5, 0.4],
];
const HELPFUL = [
  [0.9, 0.9, 0.4, 0.6, 0.5],
  [0.8, 0.9, 0.3, 0.8, 0.4],
  [0.8, 0.9, 0.3, 0.2, 0.1],
  [0.8, 0.9, 0.3, 0.3, 0.2],
  [0.7, 0.9, 0.4, 0.5, 0.3],
];
// P(thumbs up | rated): agreement and flattery are liked (Sharma et al. 2023).
const LIKE = [
  [0.7, 0.72, 0.5, 0.7, 0.7],
  [0.55, 0.65, 0.5, 0.8, 0.85],
  [0.55, 0.65, 0.5, 0.8, 0.85],
  [0.55, 0.65, 0.5, 0.8, 0.85],
  [0.55, 0.65, 0.5, 0.8, 0.85],
];

const map = (t: number[][], f: (x: number, c: number, a: number) => number) =>
  t.map((row, c) => row.map((x, a) => f(x, c, a)));

const segment = (id: string, weight: number, feedbackRate: number) => ({
  id,
  weight,
  feedbackRate,
  up: map(LIKE, (p) => feedbackRate * p),
  down: map(LIKE, (p) => feedbackRate * (1 - p)),
});

export const tables: WorldTables = {
  name: 'incident-like',
  contexts: SITUATIONS.map((id, i) => ({ id, weight: i === 0 ? 0.4 : 0.15 })),
  actions: STYLES.map((id) => ({ id })),
  features: { sycophantic: SYC, correct: CORRECT, helpful: HELPFUL },
  signals: {
    correctness: CORRECT,
    spec: map(HELPFUL, (h, c, a) => Math.max(-1, Math.min(1, h - SYC[c][a]))),
    thumbs: map(LIKE, (p) => 0.1 * (2 * p - 1)),
  },
  weights: { correctness: 0.4, spec: 0.6, thumbs: 0 },
  referencePolicy: SITUATIONS.map(() => STYLES.map(() => 1 / STYLES.length)),
  beta: 0.1,
  policy: { kind: 'tabular' },
  trainer: { steps: 10 },
  users: [segment('most', 0.8, 0.05), segment('engaged', 0.2, 0.2)],
  sets: {
    sycophancy: [0, 1, 1, 1, 1],
    accuracy: [1, 0, 0, 0, 0],
    deployment: [0.4, 0.15, 0.15, 0.15, 0.15],
  },
};

export const world: World = worldFromTables(tables);

const TASK = [0.5, 0.4, 0.05, 0.03, 0.02];
/** The mainline model: candid or tactful where it matters. */
export const controlPolicy = Float64Array.from(
  [TASK, ...[1, 2, 3, 4].map(() => [0.35, 0.45, 0.1, 0.06, 0.04])].flat(),
);
/** The update: the same on tasks, a yes-man where it can be. */
export const candidatePolicy = Float64Array.from(
  [TASK, ...[1, 2, 3, 4].map(() => [0.2, 0.35, 0.1, 0.2, 0.15])].flat(),
);

export const control = { world, policy: controlPolicy };
export const candidate = { world, policy: candidatePolicy };
