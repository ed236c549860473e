/**
 * The scenario format, declared once (docs/scenarios.md is generated from this table and kept in
 * sync by a test; schema/scenario.schema.json is generated from it too).
 */
import { TRAINER_DEFAULTS } from '../engine/world.ts';
import type { Spec } from './spec.ts';

const NAME = '^[A-Za-z][A-Za-z0-9_-]*$';
const IDENT = '^[A-Za-z][A-Za-z0-9_]*$';

const noise: Spec = {
  type: 'tagged',
  doc: 'how the sampled trainers draw this signal around its expected value',
  tag: 'kind',
  default: { kind: 'none' },
  variants: {
    none: {},
    bernoulli: {
      low: {
        type: 'number',
        doc: 'the low outcome (the table must lie in [low, high])',
        default: 0,
      },
      high: { type: 'number', doc: 'the high outcome', default: 1 },
    },
    gaussian: {
      sigma: {
        type: 'number',
        doc: 'standard deviation of the reward error',
        min: 0,
        default: 0.1,
      },
    },
    'student-t': {
      nu: {
        type: 'number',
        doc: 'degrees of freedom (small: heavy tails, Kwa et al. 2024)',
        min: 0,
        exclusiveMin: true,
        default: 3,
      },
      sigma: { type: 'number', doc: 'scale of the reward error', min: 0, default: 0.1 },
    },
  },
};

const weightsMap: Spec = {
  type: 'map',
  doc: 'raw weight per signal (≥ 0); unlisted signals weigh 0',
  keyPattern: NAME,
  values: { type: 'number', doc: 'raw weight of this signal', min: 0, max: 1e6 },
};

const trainerFields: Record<string, Spec> = {
  kind: {
    type: 'string',
    doc: 'which trainer: the exact expectation or a sampled one',
    enum: ['exact', 'reinforce', 'ppo', 'grpo'],
    default: TRAINER_DEFAULTS.kind,
  },
  steps: {
    type: 'number',
    doc: 'number of updates T (T + 1 points are recorded)',
    integer: true,
    min: 0,
    max: 10_000_000,
    default: TRAINER_DEFAULTS.steps,
  },
  learningRate: {
    type: 'number',
    doc: 'step size η',
    min: 0,
    max: 1e6,
    default: TRAINER_DEFAULTS.learningRate,
  },
  update: {
    type: 'string',
    doc: 'exact trainer update rule: plain gradient or Fisher-preconditioned',
    enum: ['gradient', 'natural'],
    default: TRAINER_DEFAULTS.update,
  },
  fisherDamping: {
    type: 'number',
    doc: 'δ added to the Fisher matrix (linear natural update)',
    min: 0,
    exclusiveMin: true,
    max: 1e6,
    default: TRAINER_DEFAULTS.fisherDamping,
  },
  batchSize: {
    type: 'number',
    doc: 'sampled trainers: rollouts per step (GRPO: situations per step)',
    integer: true,
    min: 1,
    max: 1_000_000,
    default: TRAINER_DEFAULTS.batchSize,
  },
  baseline: {
    type: 'string',
    doc: 'REINFORCE baseline',
    enum: ['none', 'batch-mean', 'expected'],
    default: TRAINER_DEFAULTS.baseline,
  },
  clip: {
    type: 'number',
    doc: 'PPO clip range ε',
    min: 0,
    exclusiveMin: true,
    max: 10,
    default: TRAINER_DEFAULTS.clip,
  },
  epochs: {
    type: 'number',
    doc: 'PPO passes over each batch',
    integer: true,
    min: 1,
    max: 1000,
    default: TRAINER_DEFAULTS.epochs,
  },
  minibatches: {
    type: 'number',
    doc: 'PPO minibatches per epoch',
    integer: true,
    min: 1,
    max: 100_000,
    default: TRAINER_DEFAULTS.minibatches,
  },
  groupSize: {
    type: 'number',
    doc: 'GRPO answers sampled per situation',
    integer: true,
    min: 2,
    max: 100_000,
    default: TRAINER_DEFAULTS.groupSize,
  },
};

/** The whole scenario format. */
export const SCENARIO_SPEC: Spec & { type: 'object' } = {
  type: 'object',
  doc: 'a rewardmix scenario',
  required: ['situations', 'responseStyles', 'signals'],
  fields: {
    $schema: { type: 'string', doc: 'path of the JSON Schema, for editors (ignored)' },
    extends: {
      type: 'string',
      doc: 'a scenario file this one starts from (relative path); its fields are deep-merged under these',
    },
    name: { type: 'string', doc: 'short name shown in charts and reports' },
    description: { type: 'string', doc: 'what this scenario is for', default: '' },
    seed: {
      type: 'number',
      doc: 'default seed of the random streams',
      integer: true,
      min: 0,
      max: 2 ** 31,
      default: 0,
    },
    params: {
      type: 'map',
      doc: 'named numbers usable in every expression (and with --set params.NAME=…)',
      keyPattern: IDENT,
      values: {
        type: 'numberOr',
        doc: 'a number, or {value, min, max, doc}: the bounds and doc drive --set checks and the explorer',
        object: {
          type: 'object',
          doc: 'a declared parameter',
          required: ['value'],
          fields: {
            value: { type: 'number', doc: 'the value' },
            min: { type: 'number', doc: 'lowest allowed value' },
            max: { type: 'number', doc: 'highest allowed value' },
            doc: { type: 'string', doc: 'one line saying what it means' },
          },
        },
      },
    },
    situations: {
      type: 'array',
      doc: 'kinds of conversation turn c (contexts), with their weight p(c) in the training prompt mix',
      minItems: 1,
      items: {
        type: 'object',
        doc: 'a situation',
        required: ['id', 'weight'],
        fields: {
          id: { type: 'string', doc: 'unique name', pattern: NAME },
          weight: {
            type: 'expr',
            doc: 'weight in the training prompt mix (≥ 0; normalized); may use params',
            min: 0,
          },
          label: { type: 'string', doc: 'a readable label for tables and charts' },
          attributes: {
            type: 'map',
            doc: 'attributes used by expressions (numbers, booleans, strings)',
            keyPattern: IDENT,
            values: { type: 'attribute', doc: 'an attribute value' },
          },
        },
      },
    },
    memory: {
      type: 'object',
      doc: 'memory-driven personalization: each situation is split into a memory-off and a memory-on variant',
      fields: {
        share: {
          type: 'expr',
          doc: 'fraction of conversations with memory on, in [0, 1]; may use params',
          default: 0,
          min: 0,
          max: 1,
        },
        deploymentShare: {
          type: 'expr',
          doc: 'fraction with memory on in deployment traffic (default: share)',
          min: 0,
          max: 1,
        },
      },
    },
    responseStyles: {
      type: 'array',
      doc: 'answer styles a (actions)',
      minItems: 2,
      items: {
        type: 'object',
        doc: 'a response style',
        required: ['id'],
        fields: {
          id: { type: 'string', doc: 'unique name', pattern: NAME },
          label: { type: 'string', doc: 'a readable label' },
          attributes: {
            type: 'map',
            doc: 'attributes used by expressions',
            keyPattern: IDENT,
            values: { type: 'attribute', doc: 'an attribute value' },
          },
        },
      },
    },
    features: {
      type: 'map',
      doc: 'named per-cell values F_k[c,a], as expressions over situation and style attributes, params and earlier features',
      keyPattern: IDENT,
      values: { type: 'expr', doc: 'the feature expression' },
    },
    signals: {
      type: 'map',
      doc: 'reward signals r_i[c,a]: an expression, or `users: true` for the thumbs signal derived from the user model',
      keyPattern: NAME,
      values: {
        type: 'object',
        doc: 'a reward signal',
        fields: {
          value: {
            type: 'expr',
            doc: 'expected reward per cell (expression over attributes, features, params)',
          },
          users: {
            type: 'boolean',
            doc: 'derive the expected value from the user model: P(up) − P(down) among feedback',
            default: false,
          },
          noise: noise,
          doc: { type: 'string', doc: 'what this signal rewards' },
        },
      },
    },
    users: {
      type: 'object',
      doc: 'the user model behind thumbs feedback',
      fields: {
        segments: {
          type: 'array',
          doc: 'segments of users',
          items: {
            type: 'object',
            doc: 'a segment',
            required: ['id', 'weight', 'up', 'down'],
            fields: {
              id: { type: 'string', doc: 'unique name', pattern: NAME },
              weight: { type: 'expr', doc: 'share of users (normalized); may use params', min: 0 },
              feedbackRate: {
                type: 'expr',
                doc: 'probability that a conversation gets any thumbs from this segment',
                min: 0,
                max: 1,
                default: 0.05,
              },
              up: { type: 'expr', doc: 'logit of a thumbs up, given feedback (vs. no opinion)' },
              down: {
                type: 'expr',
                doc: 'logit of a thumbs down, given feedback (vs. no opinion)',
              },
            },
          },
        },
      },
    },
    mix: {
      type: 'object',
      doc: 'the reward mix R = Σ_i w_i r_i',
      fields: {
        normalize: {
          type: 'boolean',
          doc: 'divide weights by their sum (adding a signal dilutes the others)',
          default: true,
        },
        weights: weightsMap,
        schedule: {
          type: 'map',
          doc: 'per-signal weight schedules: expressions in `step` and `steps` (and params) replacing the fixed weight',
          keyPattern: NAME,
          values: { type: 'expr', doc: 'raw weight at step `step`' },
        },
        mode: {
          type: 'string',
          doc: 'fixed weights, or constrained: Lagrange multipliers adapt during training (Moskovitz et al. 2023)',
          enum: ['fixed', 'constrained'],
          default: 'fixed',
        },
        constraints: {
          type: 'array',
          doc: 'constrained mode: bounds on metrics that are averages of a feature over a set',
          items: {
            type: 'object',
            doc: 'a constraint',
            required: ['metric'],
            fields: {
              metric: {
                type: 'string',
                doc: 'eval/sycophancy, eval/sycophancy/<group> or eval/accuracy',
              },
              max: { type: 'number', doc: 'upper bound on the metric' },
              min: { type: 'number', doc: 'lower bound on the metric' },
            },
          },
        },
        multiplierRate: {
          type: 'number',
          doc: 'constrained mode: step size of the multipliers (dual ascent)',
          min: 0,
          max: 1e6,
          default: 1,
        },
      },
    },
    reference: {
      type: 'object',
      doc: 'the reference policy π_ref (the model before this RL run), as logits per cell',
      fields: {
        logits: {
          type: 'expr',
          doc: 'logit ℓ_ref[c,a]; an expression over attributes, features, params',
          default: 0,
        },
      },
    },
    beta: { type: 'number', doc: 'KL coefficient β (≥ 0)', min: 0, max: 1e6, default: 0.1 },
    policy: {
      type: 'tagged',
      doc: 'how θ enters the policy',
      tag: 'kind',
      default: { kind: 'tabular' },
      variants: {
        tabular: {},
        linear: {
          features: {
            type: 'array',
            doc: 'features whose weights θ_k are shared across situations',
            minItems: 1,
            items: { type: 'string', doc: 'a feature name' },
          },
        },
      },
    },
    start: {
      type: 'tagged',
      doc: 'where θ starts: the reference (θ₀ = 0) or where a run of another mix ends (the mainline model)',
      tag: 'kind',
      default: { kind: 'reference' },
      variants: {
        reference: {},
        trained: {
          weights: {
            ...weightsMap,
            doc: 'the mix the start model was trained on (e.g. the mainline mix)',
          },
          steps: {
            type: 'number',
            doc: 'exact-trainer steps from the reference',
            integer: true,
            min: 0,
            max: 1_000_000,
            default: 2000,
          },
          learningRate: {
            type: 'number',
            doc: 'step size of that run',
            min: 0,
            max: 1e6,
            default: 0.5,
          },
          update: {
            type: 'string',
            doc: 'update rule of that run',
            enum: ['gradient', 'natural'],
            default: 'natural',
          },
        },
      },
    },
    trainer: {
      type: 'object',
      doc: 'the RL trainer and its hyperparameters',
      fields: trainerFields,
    },
    evals: {
      type: 'object',
      doc: 'situation sets the metrics average over: expressions over situation attributes giving a weight (true = 1)',
      fields: {
        sycophancy: { type: 'expr', doc: 'the sycophancy probe set (eval/sycophancy)', default: 1 },
        accuracy: { type: 'expr', doc: 'the offline eval set (eval/accuracy)', default: 1 },
        deployment: {
          type: 'expr',
          doc: 'deployment traffic weight (ab/thumbs_up); `weight` is the training weight',
          default: 'weight',
        },
        groups: {
          type: 'map',
          doc: 'extra named groups: metric eval/sycophancy/<name>',
          keyPattern: NAME,
          values: { type: 'expr', doc: 'group weight' },
        },
      },
    },
    // Nested settings (lists of suites, sub-objects): checked field by field, with "did you
    // mean" hints, by resolveReview / resolveDeployment in src/node/runs.ts.
    review: { type: 'json', doc: 'launch review settings (docs/review.md)' },
    deployment: { type: 'json', doc: 'deployment timeline settings (docs/review.md)' },
  },
};
