// Trials are created idempotently from the workflow's trial key: the first write creates the row, every
// retry returns it unchanged, and a retry that describes a different trial is refused.
import { configHash, configurationGroupKey, SEED_KEY, type JsonObject } from '@medsweep/core';
import { InvalidRecordError, TrialConflictError } from '../errors.js';
import type { Project, Trial } from '../generated/prisma/client.js';
import type { DbClient } from './db-client.js';

export interface UpsertTrialInput {
  sweepId: string;
  /** Idempotency key from the workflow, unique within the sweep. */
  trialKey: string;
  /** Position in the sweep's expansion, 0-based, unique within the sweep. */
  index: number;
  datasetId: string;
  architecture: string;
  /** Initialisation arm, e.g. `scratch`, `imagenet`. */
  initialisation: string;
  /** Initial weights of a pretrained arm; null or absent for scratch. */
  weightsSourceId?: string | null;
  transferMode: string;
  /** The resolved hyper-parameters. The seed is added under `seed` if absent, and must match if present. */
  config: JsonObject;
  seed: number;
  /** Create the row as running since this time instead of pending (a trial registered as it starts). */
  startedAt?: Date;
}

export interface UpsertTrialResult {
  trial: Trial;
  /** False when the trial already existed (a retried write). */
  created: boolean;
}

/** The fields that define a trial; a second write must agree on all of them. */
const DEFINING_FIELDS = [
  'index',
  'datasetId',
  'architecture',
  'initialisation',
  'weightsSourceId',
  'transferMode',
  'seed',
  'configHash',
] as const;

function resolvedConfig(input: UpsertTrialInput): JsonObject {
  const operation = 'upsertTrial';
  if (!Number.isSafeInteger(input.seed) || input.seed < -(2 ** 31) || input.seed >= 2 ** 31) {
    throw new InvalidRecordError(operation, 'seed', input.seed, 'a 32-bit integer');
  }
  if (!Number.isSafeInteger(input.index) || input.index < 0 || input.index >= 2 ** 31) {
    throw new InvalidRecordError(operation, 'index', input.index, 'a non-negative 32-bit integer');
  }
  const configSeed = input.config[SEED_KEY];
  if (configSeed !== undefined && configSeed !== input.seed) {
    throw new InvalidRecordError(
      operation,
      `config.${SEED_KEY}`,
      configSeed,
      `the trial's seed ${input.seed}`,
    );
  }
  return { ...input.config, [SEED_KEY]: input.seed };
}

/**
 * Creates the trial (status pending, or running from `startedAt`) or returns the existing one with the
 * same (sweepId, trialKey). The stored config always carries the seed; configHash and groupKey are
 * computed here (core's configHash and configurationGroupKey), so every writer derives them the same way.
 * Throws TrialConflictError when the key (or the index) is taken by a trial with a different definition.
 */
export async function upsertTrial(db: DbClient, input: UpsertTrialInput): Promise<UpsertTrialResult> {
  const config = resolvedConfig(input);
  const data = {
    sweepId: input.sweepId,
    trialKey: input.trialKey,
    index: input.index,
    datasetId: input.datasetId,
    architecture: input.architecture,
    initialisation: input.initialisation,
    weightsSourceId: input.weightsSourceId ?? null,
    transferMode: input.transferMode,
    config,
    configHash: configHash(config),
    groupKey: configurationGroupKey({ ...input, config }),
    seed: input.seed,
  };
  // ON CONFLICT DO NOTHING on either unique key: concurrent retries never fail, exactly one inserts. The
  // first write (the common case) is one statement: the insert returns the row.
  const [inserted] = await db.trial.createManyAndReturn({
    data: [{ ...data, ...(input.startedAt ? { status: 'running', startedAt: input.startedAt } : {}) }],
    skipDuplicates: true,
  });
  if (inserted) return { trial: inserted, created: true };
  const existing = await db.trial.findUnique({
    where: { sweepId_trialKey: { sweepId: input.sweepId, trialKey: input.trialKey } },
  });
  if (existing === null) {
    // Skipped, yet no trial has this key: the index belongs to another key.
    const holder = await db.trial.findUniqueOrThrow({
      where: { sweepId_index: { sweepId: input.sweepId, index: input.index } },
    });
    throw new TrialConflictError(
      input.sweepId,
      input.trialKey,
      `index ${input.index}`,
      `trial ${holder.trialKey}`,
      `trial ${input.trialKey}`,
    );
  }
  for (const field of DEFINING_FIELDS) {
    if (existing[field] !== data[field]) {
      throw new TrialConflictError(input.sweepId, input.trialKey, field, existing[field], data[field]);
    }
  }
  return { trial: existing, created: false };
}

/**
 * Moves a pending trial to running from `startedAt` (a row someone else created as pending, e.g. an
 * import, starts when a worker registers it); a trial in any other status is left as it is.
 */
export async function startPendingTrial(db: DbClient, trialId: string, startedAt: Date): Promise<void> {
  await db.trial.updateMany({
    where: { id: trialId, status: 'pending' },
    data: { status: 'running', startedAt },
  });
}

/** The trial and the project of its sweep; null when the trial does not exist. */
export async function findTrialWithProject(
  db: DbClient,
  trialId: string,
): Promise<{ trial: Trial; project: Project } | null> {
  const row = await db.trial.findUnique({
    where: { id: trialId },
    include: { sweep: { select: { project: true } } },
  });
  if (row === null) return null;
  const { sweep, ...trial } = row;
  return { trial, project: sweep.project };
}

/** The sweep's completed trials, highest primary-metric value first (nulls first, as Postgres sorts DESC). */
export function completedTrials(db: DbClient, sweepId: string): Promise<Trial[]> {
  return db.trial.findMany({
    where: { sweepId, status: 'completed' },
    orderBy: { primaryMetricValue: 'desc' },
  });
}
