// The resolved configuration of one trial: everything that shapes its training and evaluation besides
// the data and the initial weights (which lineage hashes separately). The train worker stores it on the
// trial's row and hashes it into the lineage's configHash; `medsweep verify` reads it back through the
// schema here, so writer and readers agree on every field and on the protocol's defaults.
import { z } from 'zod';
import { TrialConfigError } from '../errors.js';
import type { JsonObject } from '../lineage/canonical-json.js';
import { configHash } from '../lineage/configuration.js';
import { formatPath } from '../sweep/parse.js';
import type { TrialPlan } from '../sweep/plan.js';
import type { HyperparameterName, SweepSpec } from '../sweep/spec.js';
import {
  ARCHITECTURE_NAMES,
  evaluationSchema,
  HYPERPARAMETERS,
  inputSizeSchema,
  modelFor,
  primaryMetricOf,
  primaryMetricSchema,
  trainingSchema,
  transferSchema,
  widthMultiplierSchema,
} from '../sweep/spec.js';

/** Settings of the MedMNIST benchmark protocol, for hyperparameters a search space leaves out. */
export const PROTOCOL_DEFAULTS = { lr: 1e-3, batchSize: 128, optimizer: 'adam' } as const;

/** A sampled value of a numeric hyperparameter, in the range HYPERPARAMETERS gives it. */
function numericParam(rule: { min: number; max: number; minExclusive: boolean; integer: boolean }) {
  const number = rule.integer ? z.number().int() : z.number();
  return (rule.minExclusive ? number.gt(rule.min) : number.min(rule.min)).max(rule.max).optional();
}

/** A trial's sampled hyperparameters: those its sweep searched, each as its spec allows. */
const paramsSchema = z.strictObject({
  lr: numericParam(HYPERPARAMETERS.lr),
  batchSize: numericParam(HYPERPARAMETERS.batchSize),
  momentum: numericParam(HYPERPARAMETERS.momentum),
  dropout: numericParam(HYPERPARAMETERS.dropout),
  weightDecay: numericParam(HYPERPARAMETERS.weightDecay),
  optimizer: z.enum(HYPERPARAMETERS.optimizer.values).optional(),
} satisfies Record<HyperparameterName, z.ZodType>);

export const resolvedTrialConfigSchema = z.strictObject({
  architecture: z.enum(ARCHITECTURE_NAMES),
  /** `scratch` or `pretrained:<weights ref>[,...]`. */
  arm: z.string(),
  params: paramsSchema,
  seed: z.number().int().min(0),
  /** The architecture's model settings (modelFor: its width override applied). */
  model: z.strictObject({ inputSize: inputSizeSchema, widthMultiplier: widthMultiplierSchema }),
  training: trainingSchema,
  /** null for a scratch arm, which ignores the transfer settings (equal runs keep equal hashes). */
  transfer: transferSchema.nullable(),
  evaluation: evaluationSchema,
  maxEpochs: z.number().int().min(1),
  primaryMetric: primaryMetricSchema,
});
export type ResolvedTrialConfig = z.output<typeof resolvedTrialConfigSchema>;

/**
 * The resolved configuration of the trial `plan` of `spec`, as stored and hashed. Built field by field
 * (never through the schema, whose defaults could add keys and change the hash of an existing trial).
 */
export function resolvedTrialConfig({ plan, spec }: { plan: TrialPlan; spec: SweepSpec }): JsonObject {
  const config: ResolvedTrialConfig = {
    architecture: plan.architecture,
    arm: plan.arm,
    // The planner samples only the hyperparameters the spec validated, each within its range.
    params: plan.params as ResolvedTrialConfig['params'],
    seed: plan.seed,
    model: modelFor(spec, plan.architecture),
    training: spec.training,
    transfer: plan.arm === 'scratch' ? null : spec.transfer,
    evaluation: spec.evaluation,
    maxEpochs: spec.budget.maxEpochs,
    primaryMetric: primaryMetricOf(spec),
  };
  // Plain JSON (it arrives as a Temporal payload and is stored as jsonb); the cast only forgets the
  // precise field types.
  return config as unknown as JsonObject;
}

/** The trial's configHash: the lineage's and the trial row's (configHash of resolvedTrialConfig). */
export function trialConfigHash(trial: { plan: TrialPlan; spec: SweepSpec }): string {
  return configHash(resolvedTrialConfig(trial));
}

/**
 * Reads a stored resolved trial config; `source` names it in errors (e.g. `trial <id>`). Throws
 * TrialConfigError naming the first field that does not fit.
 */
export function parseResolvedTrialConfig(stored: unknown, source: string): ResolvedTrialConfig {
  const parsed = resolvedTrialConfigSchema.safeParse(stored);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0] as z.core.$ZodIssue;
  const received = issue.path.reduce<unknown>(
    (value, key) =>
      typeof value === 'object' && value !== null ? (value as Record<PropertyKey, unknown>)[key] : undefined,
    stored,
  );
  throw new TrialConfigError(source, formatPath(issue.path), received, issue.message);
}
