// The sweep spec: what a user writes (YAML or JSON) to ask for a study. Validated in one place so every
// entry point (CLI, API, workflow) rejects the same mistakes with the same path-named messages.
import { z } from 'zod';
import { ARCHITECTURE_NAMES, CNN_ARCHITECTURE_NAMES, isClassicalModel } from './model-names.js';
import type { ArchitectureName } from './model-names.js';
import { acceleratorOfQueue, TRAIN_QUEUE_PATTERN, trainQueueFor } from './resources.js';

export {
  ARCHITECTURE_NAMES,
  CLASSICAL_MODEL_NAMES,
  CNN_ARCHITECTURE_NAMES,
  isClassicalModel,
} from './model-names.js';
export type { ArchitectureName, ClassicalModelName } from './model-names.js';

/** Hyperparameters a trial understands; each has the range it accepts. */
export const HYPERPARAMETERS = {
  lr: { min: 0, max: 10, minExclusive: true, integer: false },
  batchSize: { min: 1, max: 4096, minExclusive: false, integer: true },
  momentum: { min: 0, max: 1, minExclusive: false, integer: false },
  dropout: { min: 0, max: 0.95, minExclusive: false, integer: false },
  weightDecay: { min: 0, max: 1, minExclusive: false, integer: false },
  optimizer: { values: ['adam', 'sgd'] },
} as const;
export type HyperparameterName = keyof typeof HYPERPARAMETERS;

const positive = z.number().positive('must be > 0');
/** Square input size in pixels; images are resized to it. */
export const inputSizeSchema = z.number().int().min(32, 'must be >= 32').max(512);
/** Scales filter counts for small machines (1 = the published architecture). */
export const widthMultiplierSchema = z.number().gt(0, 'must be > 0').max(1, 'must be <= 1');

const choiceParam = z.strictObject({
  type: z.literal('choice'),
  values: z.array(z.union([z.number(), z.string()])).min(1, 'must list at least one value'),
});
const rangeParam = z
  .strictObject({
    type: z.enum(['uniform', 'log-uniform', 'int']),
    min: z.number(),
    max: z.number(),
    /** For int: the grid spacing (default 1). */
    step: z.number().int().positive().optional(),
  })
  .superRefine((p, ctx) => {
    if (!(p.max > p.min))
      ctx.addIssue({ code: 'custom', path: ['max'], message: `must be > min (${p.min})` });
    if (p.type === 'log-uniform' && p.min <= 0)
      ctx.addIssue({ code: 'custom', path: ['min'], message: 'must be > 0 for log-uniform' });
    if (p.type === 'int' && (!Number.isInteger(p.min) || !Number.isInteger(p.max))) {
      ctx.addIssue({
        code: 'custom',
        path: [Number.isInteger(p.min) ? 'max' : 'min'],
        message: 'must be a whole number for int',
      });
    }
  });
const paramSchema = z.union([choiceParam, rangeParam]);
export type ParamSpec = z.infer<typeof choiceParam> | z.infer<typeof rangeParam>;

const armSchema = z.union([
  z.literal('scratch'),
  z
    .string()
    .regex(
      /^pretrained:[a-z0-9][a-z0-9._-]*(,[a-z0-9][a-z0-9._-]*)*$/,
      "must be 'scratch' or 'pretrained:<weights ref>[,<fallback ref>...]' (lowercase letters, digits, . _ -)",
    ),
]);

/** A pretrained arm's transfer settings (also the resolved trial config's `transfer`). */
export const transferSchema = z
  .strictObject({
    mode: z.enum(['frozen', 'fine-tune-top', 'full']),
    /** Blocks unfrozen from the top in fine-tune-top mode. */
    blocks: z.number().int().min(1).optional(),
    /** Learning-rate multiplier for pretrained arms (fine-tuning uses a lower rate). */
    lrMultiplier: positive.max(1, 'must be <= 1').default(1),
  })
  .superRefine((t, ctx) => {
    if (t.mode === 'fine-tune-top' && t.blocks === undefined) {
      ctx.addIssue({ code: 'custom', path: ['blocks'], message: 'is required when mode is fine-tune-top' });
    }
  });

const scheduleSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('constant') }),
  z.strictObject({
    kind: z.literal('step'),
    milestones: z.array(z.number().int().min(1)).min(1, 'must list at least one epoch'),
    gamma: positive.max(1, 'must be <= 1').default(0.1),
  }),
  z.strictObject({ kind: z.literal('cosine'), minLr: z.number().min(0).default(0) }),
  z.strictObject({
    kind: z.literal('sgdr'),
    period: z.number().int().min(1),
    periodMultiplier: z.number().min(1).default(2),
    minLr: z.number().min(0).default(0),
  }),
]);

/** The validation metrics a sweep can compare trials by (rungs and leaderboard). */
export const primaryMetricSchema = z.enum(['val_auc', 'val_acc', 'val_loss']);
export type PrimaryMetric = z.infer<typeof primaryMetricSchema>;

const earlyStoppingSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('none') }),
  z.strictObject({
    kind: z.literal('asha'),
    /** Validation metric the rungs compare. */
    metric: primaryMetricSchema.default('val_auc'),
    mode: z.enum(['max', 'min']).default('max'),
    /** Epochs every trial runs before its first rung. */
    gracePeriod: z.number().int().min(1).default(1),
    /** Keep the top 1/reductionFactor at each rung. */
    reductionFactor: z.number().int().min(2).default(3),
  }),
]);

/** How every trial of the sweep trains (also the resolved trial config's `training`). */
export const trainingSchema = z
  .strictObject({
    schedule: scheduleSchema.default({ kind: 'constant' }),
    augmentation: z
      .strictObject({
        rotationDegrees: z.number().min(0).max(180).default(0),
        horizontalFlip: z.boolean().default(false),
        verticalFlip: z.boolean().default(false),
        scale: z.number().min(0).max(0.5).default(0),
      })
      .default({ rotationDegrees: 0, horizontalFlip: false, verticalFlip: false, scale: 0 }),
    classWeights: z.enum(['none', 'balanced']).default('none'),
    /** Early stopping inside a trial (patience in epochs on the validation metric). */
    patience: z.number().int().min(1).optional(),
  })
  .default({
    schedule: { kind: 'constant' },
    augmentation: { rotationDegrees: 0, horizontalFlip: false, verticalFlip: false, scale: 0 },
    classWeights: 'none',
  });

/** How a trained model is evaluated (also the resolved trial config's `evaluation`). */
export const evaluationSchema = z
  .strictObject({
    /** How the operating point is chosen on validation before it is applied to test. */
    operatingPoint: z
      .union([z.literal('youden'), z.strictObject({ targetSensitivity: z.number().gt(0).lt(1) })])
      .default('youden'),
    /**
     * Binary-class datasets: the class precision, recall, specificity, F1 and the operating point are
     * reported for: a class name, a label index, or `clinical` (the finding the dataset's metadata names,
     * e.g. BreastMNIST's `malignant`). Absent: MedMNIST's convention, label 1. It has no default so that
     * configs without it keep their hashes.
     */
    positiveClass: z.union([z.number().int().min(0), z.string().min(1)]).optional(),
  })
  .default({ operatingPoint: 'youden' });

const datasetNameSchema = z
  .string()
  .regex(/^([a-z0-9][a-z0-9._-]*|sha256:[0-9a-f]{64})$/, 'must be a dataset name or sha256:<manifest hash>');

/** The object form of a spec's dataset: its name, and the reason to train on it although it leaks. */
const datasetReferenceSchema = z.strictObject({
  name: datasetNameSchema,
  /**
   * Why the sweep may train on a dataset whose splits share patients, studies or images (e.g. "the
   * duplicates are re-crops of one frame, accepted for a pilot"). Recorded in lineage and the audit log.
   */
  allowLeakage: z.string().trim().min(1, 'must give a reason').max(500).optional(),
});

export const sweepSpecSchema = z
  .strictObject({
    name: z.string().min(1, 'must not be empty').max(120, 'must be at most 120 characters'),
    project: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a project slug (lowercase letters, digits, dashes)')
      .default('default'),
    description: z.string().max(2000).optional(),
    /**
     * A registered dataset name (e.g. `breastmnist`) or its manifest hash `sha256:<64 hex>`; or
     * `{ name, allowLeakage: "why" }` to train on a dataset import found leaky (see datasetOfSpec).
     */
    dataset: z.union([datasetNameSchema, datasetReferenceSchema], {
      error: 'must be a dataset name, sha256:<manifest hash>, or { name, allowLeakage }',
    }),
    architectures: z
      .array(z.enum(ARCHITECTURE_NAMES, { error: `must be one of ${ARCHITECTURE_NAMES.join(', ')}` }))
      .min(1, 'must list at least one architecture')
      .refine((a) => new Set(a).size === a.length, 'must not repeat an architecture'),
    model: z
      .strictObject({
        inputSize: inputSizeSchema.default(64),
        widthMultiplier: widthMultiplierSchema.default(1),
        /**
         * Per-architecture width, e.g. to keep a network whose ImageNet weights exist at full width while
         * the others are narrowed. Both arms of an architecture use it, so the comparison stays fair.
         */
        widthOverrides: z.partialRecord(z.enum(ARCHITECTURE_NAMES), widthMultiplierSchema).default({}),
      })
      .default({ inputSize: 64, widthMultiplier: 1, widthOverrides: {} }),
    arms: z
      .array(armSchema)
      .min(1, 'must list at least one arm')
      .refine((a) => new Set(a).size === a.length, 'must not repeat an arm'),
    transfer: transferSchema.default({ mode: 'full', lrMultiplier: 1 }),
    search: z
      .strictObject({
        strategy: z.enum(['grid', 'random', 'tpe']),
        space: z.record(z.string(), z.unknown()),
        /** Configurations to sample per architecture and arm (random, tpe). */
        samples: z.number().int().min(1).optional(),
        /** Seed of the sampler (not of training). */
        seed: z.number().int().min(0).default(0),
        /** TPE: random configurations before the model starts proposing. */
        startupSamples: z.number().int().min(1).default(4),
        /**
         * What ASHA's rungs rank, and so what TPE learns from. `trial`: each trial on its own, so one lucky
         * seed can outlive its pruned siblings (TPE observes a configuration's mean over seeds, a pruned
         * seed counting as the worst). `seed-mean`: a configuration, all its seeds started together, by its
         * mean over them; its seeds go on or are pruned together.
         */
        objective: z
          .enum(['trial', 'seed-mean'], {
            error:
              "must be 'trial' (each trial on its own) or 'seed-mean' (a configuration's mean over its seeds)",
          })
          .default('trial'),
      })
      .superRefine((s, ctx) => {
        if (s.strategy !== 'grid' && s.samples === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['samples'],
            message: `is required for strategy ${s.strategy}`,
          });
        }
      }),
    /** Training seeds; every configuration runs once per seed. */
    seeds: z
      .array(z.number().int().min(0))
      .min(1, 'must list at least one seed')
      .refine((a) => new Set(a).size === a.length, 'must not repeat a seed'),
    budget: z.strictObject({
      maxTrials: z.number().int().min(1).max(100_000),
      maxParallel: z.number().int().min(1).max(1000).default(4),
      maxEpochs: z.number().int().min(1).max(1000),
    }),
    training: trainingSchema,
    earlyStopping: earlyStoppingSchema.default({ kind: 'none' }),
    evaluation: evaluationSchema,
    resources: z
      .strictObject({
        /** The worker pool that trains it; default from gpus: train-gpu when > 0, else train. */
        queue: z
          .string()
          .regex(TRAIN_QUEUE_PATTERN, "must be 'train' or 'train-<kind>', e.g. train-gpu")
          .optional(),
        /** GPUs one trial trains on: the trainer places a trial on one device. */
        gpus: z
          .number()
          .int()
          .min(0)
          .max(1, 'must be 0 or 1: a trial trains on one device; run one worker per GPU')
          .default(0),
      })
      .superRefine(({ queue, gpus }, ctx) => {
        if (queue !== undefined && gpus > 0 && acceleratorOfQueue(queue) === 'cpu') {
          ctx.addIssue({
            code: 'custom',
            path: ['queue'],
            message: `${queue} is served by CPU workers only, but gpus is ${gpus}; name a GPU queue (e.g. train-gpu) or leave queue out`,
          });
        }
      })
      .default({ gpus: 0 })
      .transform(({ queue, gpus }) => ({ queue: queue ?? trainQueueFor(gpus), gpus })),
  })
  .superRefine((spec, ctx) => {
    const space = spec.search.space;
    for (const [name, raw] of Object.entries(space)) {
      const path = ['search', 'space', name];
      if (!(name in HYPERPARAMETERS)) {
        ctx.addIssue({
          code: 'custom',
          path,
          message: `unknown hyperparameter; accepted: ${Object.keys(HYPERPARAMETERS).join(', ')}`,
        });
        continue;
      }
      const parsed = paramSchema.safeParse(raw);
      if (!parsed.success) {
        for (const issue of parsed.error.issues)
          ctx.addIssue({ ...issue, path: [...path, ...issue.path] } as never);
        continue;
      }
      checkParamAgainstHyperparameter(name as HyperparameterName, parsed.data, path, ctx);
      if (spec.search.strategy === 'grid' && parsed.data.type !== 'choice' && parsed.data.type !== 'int') {
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'type'],
          message: `grid search needs choice or int parameters, got ${parsed.data.type}`,
        });
      }
    }
    if (Object.keys(space).length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['search', 'space'],
        message: 'must define at least one hyperparameter (e.g. lr)',
      });
    }
    checkClassicalModels(spec, ctx);
    if (spec.search.objective === 'seed-mean') checkSeedMean(spec, ctx);
    if (spec.transfer.mode !== 'full' && !spec.arms.some((a) => a.startsWith('pretrained:'))) {
      ctx.addIssue({
        code: 'custom',
        path: ['transfer', 'mode'],
        message: `${spec.transfer.mode} needs at least one pretrained:<ref> arm`,
      });
    }
    if (spec.training.schedule.kind === 'step') {
      const bad = spec.training.schedule.milestones.findIndex((m) => m > spec.budget.maxEpochs);
      if (bad >= 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['training', 'schedule', 'milestones', bad],
          message: `must be <= budget.maxEpochs (${spec.budget.maxEpochs})`,
        });
      }
    }
    if (spec.earlyStopping.kind === 'asha' && spec.earlyStopping.gracePeriod >= spec.budget.maxEpochs) {
      ctx.addIssue({
        code: 'custom',
        path: ['earlyStopping', 'gracePeriod'],
        message: `must be < budget.maxEpochs (${spec.budget.maxEpochs})`,
      });
    }
  });

/**
 * Classical models train from scratch and have neither width nor dropout: pretrained arms skip them, and
 * a width override or a dropout search next to one is refused rather than silently not applied to it.
 */
function checkClassicalModels(
  spec: {
    architectures: readonly ArchitectureName[];
    arms: readonly string[];
    model: { widthOverrides: Partial<Record<ArchitectureName, number>> };
    search: { space: Record<string, unknown> };
  },
  ctx: z.RefinementCtx,
): void {
  const classical = spec.architectures.filter(isClassicalModel);
  const listed = classical.join(' and ');
  const verb = classical.length === 1 ? 'accepts' : 'accept';
  if (classical.length > 0) {
    // Pretrained arms simply skip classical models (see trialGroups), but a sweep must train them somehow.
    if (!spec.arms.includes('scratch'))
      ctx.addIssue({
        code: 'custom',
        path: ['arms'],
        message: `${listed} ${verb} only the scratch arm (there are no pretrained weights for classical models); add scratch to arms`,
      });
    if ('dropout' in spec.search.space) {
      ctx.addIssue({
        code: 'custom',
        path: ['search', 'space', 'dropout'],
        message: `${listed} ${classical.length === 1 ? 'has' : 'have'} no dropout; search dropout in a sweep of CNN architectures only`,
      });
    }
  }
  for (const name of Object.keys(spec.model.widthOverrides).filter(isClassicalModel)) {
    ctx.addIssue({
      code: 'custom',
      path: ['model', 'widthOverrides', name],
      message: `${name} has no width to scale; widthOverrides apply to the CNN architectures (${CNN_ARCHITECTURE_NAMES.join(', ')})`,
    });
  }
}

/**
 * seed-mean starts all seeds of a configuration together and compares configurations only once their seeds
 * have reported: it needs more than one seed, and a slot and a place in the budget for each.
 */
function checkSeedMean(
  spec: { seeds: readonly number[]; budget: { maxTrials: number; maxParallel: number } },
  ctx: z.RefinementCtx,
): void {
  const seeds = spec.seeds.length;
  if (seeds < 2) {
    ctx.addIssue({
      code: 'custom',
      path: ['search', 'objective'],
      message:
        'seed-mean averages each configuration over its seeds, but seeds lists one; list at least two seeds, or use objective trial (the same thing with one seed)',
    });
    return;
  }
  for (const key of ['maxParallel', 'maxTrials'] as const) {
    if (spec.budget[key] < seeds) {
      ctx.addIssue({
        code: 'custom',
        path: ['budget', key],
        message: `must be >= the number of seeds (${seeds}) with search.objective seed-mean, which ${key === 'maxParallel' ? 'starts' : 'runs'} all seeds of a configuration together`,
      });
    }
  }
}

function checkParamAgainstHyperparameter(
  name: HyperparameterName,
  p: ParamSpec,
  path: (string | number)[],
  ctx: z.RefinementCtx,
): void {
  const rule = HYPERPARAMETERS[name];
  if ('values' in rule) {
    const allowed: readonly string[] = rule.values;
    if (p.type !== 'choice') {
      ctx.addIssue({
        code: 'custom',
        path: [...path, 'type'],
        message: `${name} is categorical: use type choice with values from ${allowed.join(', ')}`,
      });
      return;
    }
    p.values.forEach((v, i) => {
      if (!allowed.includes(String(v)))
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'values', i],
          message: `must be one of ${allowed.join(', ')}`,
        });
    });
    return;
  }
  const inRange = (v: unknown): string | undefined => {
    if (typeof v !== 'number') return 'must be a number';
    if (rule.integer && !Number.isInteger(v)) return 'must be a whole number';
    if (rule.minExclusive ? v <= rule.min : v < rule.min)
      return `must be ${rule.minExclusive ? '>' : '>='} ${rule.min}`;
    if (v > rule.max) return `must be <= ${rule.max}`;
    return undefined;
  };
  if (p.type === 'choice') {
    p.values.forEach((v, i) => {
      const problem = inRange(v);
      if (problem) ctx.addIssue({ code: 'custom', path: [...path, 'values', i], message: problem });
    });
  } else {
    for (const key of ['min', 'max'] as const) {
      const problem = inRange(p[key]);
      if (problem) ctx.addIssue({ code: 'custom', path: [...path, key], message: problem });
    }
    if (rule.integer && p.type !== 'int') {
      ctx.addIssue({
        code: 'custom',
        path: [...path, 'type'],
        message: `${name} takes whole numbers: use int or choice`,
      });
    }
  }
}

export type SweepSpecInput = z.input<typeof sweepSpecSchema>;
type ParsedSpec = z.output<typeof sweepSpecSchema>;
/** A validated spec with defaults filled in and the search space typed. */
export type SweepSpec = Omit<ParsedSpec, 'search'> & {
  search: Omit<ParsedSpec['search'], 'space'> & { space: Record<string, ParamSpec> };
};

/** The validation metric a sweep ranks trials by: its ASHA metric, else val_auc (the MedMNIST protocol's). */
export function primaryMetricOf(spec: Pick<SweepSpec, 'earlyStopping'>): PrimaryMetric {
  return spec.earlyStopping.kind === 'asha' ? spec.earlyStopping.metric : 'val_auc';
}

/**
 * The model settings one architecture of the sweep trains with (its width override applied). A
 * classical model has no width: model.widthMultiplier narrows the CNNs only, and it gets 1.
 */
export function modelFor(
  spec: Pick<SweepSpec, 'model'>,
  architecture: ArchitectureName,
): { inputSize: number; widthMultiplier: number } {
  return {
    inputSize: spec.model.inputSize,
    widthMultiplier: isClassicalModel(architecture)
      ? 1
      : (spec.model.widthOverrides[architecture] ?? spec.model.widthMultiplier),
  };
}

/** A spec's dataset in one form, whichever the spec was written in. */
export interface SpecDataset {
  /** A registered dataset name, or `sha256:<manifest hash>`. */
  name: string;
  /** The reason given to train although the dataset is leaky; undefined when none was given. */
  allowLeakage?: string;
}

/**
 * The spec's dataset reference. The spec keeps the form it was written in (a name, or { name,
 * allowLeakage }), so specs written before the object form existed hash exactly as they did.
 */
export function datasetOfSpec(spec: Pick<SweepSpec, 'dataset'>): SpecDataset {
  return typeof spec.dataset === 'string' ? { name: spec.dataset } : spec.dataset;
}
