// Attempts: one row per execution of a trial by a worker (a Temporal activity attempt), keyed by
// (trialId, attempt), so a retried write of the same attempt is a no-op. Starting and ending an attempt
// are audited, with the trial's status change when there is one.
import {
  InvalidRecordError,
  AttemptConflictError,
  AttemptNotFoundError,
  TrialNotFoundError,
} from '../errors.js';
import type { TrialAttempt } from '../generated/prisma/client.js';
import type { AttemptOutcome } from '../generated/prisma/enums.js';
import { appendAuditEvent } from './audit.js';
import type { DbClient } from './db-client.js';
import { inTransaction } from './db-client.js';

export interface RecordAttemptInput {
  trialId: string;
  /** 1-based, as Temporal counts activity attempts. */
  attempt: number;
  /** `<queue>@<host>#<pid>` (the worker's WorkerIdentity.identity). */
  workerIdentity: string;
  host: string;
  /** tfjs backend, e.g. `tensorflow`. */
  backend: string;
  backendVersion: string;
  /** git describe of the worker's code. */
  codeVersion: string;
  /** The worker's process id on `host`. */
  pid?: number | null;
  /** `cpu` or `gpu`: what the worker trains on. */
  accelerator?: string | null;
  /** The GPU it trains on (nvidia-smi name and driver), on GPU workers. */
  gpuModel?: string | null;
  gpuDriver?: string | null;
  /** Audit actor; default `system:worker:<workerIdentity>`. */
  actor?: string;
}

export interface RecordAttemptResult {
  attempt: TrialAttempt;
  /** False for a retried write of an attempt already recorded. */
  created: boolean;
}

const WORKER_FIELDS = ['workerIdentity', 'host', 'backend', 'backendVersion', 'codeVersion'] as const;

function requireAttemptNumber(operation: string, attempt: number): void {
  if (!Number.isSafeInteger(attempt) || attempt < 1 || attempt >= 2 ** 31) {
    throw new InvalidRecordError(
      operation,
      'attempt',
      attempt,
      'a positive 32-bit integer (Temporal counts from 1)',
    );
  }
}

async function trialOf(db: DbClient, operation: string, trialId: string) {
  const trial = await db.trial.findUnique({
    where: { id: trialId },
    select: { status: true, startedAt: true, sweep: { select: { projectId: true } } },
  });
  if (trial === null) throw new TrialNotFoundError(operation, [trialId]);
  return trial;
}

/**
 * Records that a worker started an attempt of a trial. The first attempt moves a pending trial to
 * running. A retried write (same trial, attempt and worker) returns the stored attempt and changes
 * nothing; the same attempt number from a different worker is refused (AttemptConflictError).
 */
export async function recordAttempt(db: DbClient, input: RecordAttemptInput): Promise<RecordAttemptResult> {
  const operation = 'recordAttempt';
  requireAttemptNumber(operation, input.attempt);
  for (const field of WORKER_FIELDS) {
    if (typeof input[field] !== 'string' || input[field] === '') {
      throw new InvalidRecordError(operation, field, input[field], 'a non-empty string');
    }
  }
  const { actor = `system:worker:${input.workerIdentity}`, ...attemptData } = input;
  return inTransaction(db, async (tx) => {
    const trial = await trialOf(tx, operation, input.trialId);
    const { count } = await tx.trialAttempt.createMany({ data: [attemptData], skipDuplicates: true });
    const attempt = await tx.trialAttempt.findUniqueOrThrow({
      where: { trialId_attempt: { trialId: input.trialId, attempt: input.attempt } },
    });
    for (const field of WORKER_FIELDS) {
      if (attempt[field] !== input[field]) {
        throw new AttemptConflictError(input.trialId, input.attempt, field, attempt[field], input[field]);
      }
    }
    if (count === 0) return { attempt, created: false };
    const starts = trial.status === 'pending';
    if (starts) {
      await tx.trial.update({
        where: { id: input.trialId },
        data: { status: 'running', startedAt: trial.startedAt ?? attempt.startedAt },
      });
    }
    await appendAuditEvent(tx, {
      projectId: trial.sweep.projectId,
      actor,
      action: 'trial.attempt.start',
      subjectType: 'trial',
      subjectId: input.trialId,
      payload: {
        attempt: input.attempt,
        workerIdentity: input.workerIdentity,
        host: input.host,
        backend: input.backend,
        backendVersion: input.backendVersion,
        codeVersion: input.codeVersion,
        pid: input.pid ?? null,
        accelerator: input.accelerator ?? null,
        gpuModel: input.gpuModel ?? null,
        gpuDriver: input.gpuDriver ?? null,
        status: starts ? { from: 'pending', to: 'running' } : null,
      },
    });
    return { attempt, created: true };
  });
}

export interface FinishAttemptInput {
  trialId: string;
  attempt: number;
  outcome: AttemptOutcome;
  /** Failure message for failed, cancelled and timed-out attempts. */
  error?: string | null;
  /** Audit actor; default `system:worker:<the attempt's worker>`. */
  actor?: string;
}

export interface FinishAttemptResult {
  attempt: TrialAttempt;
  /** False when the attempt's end was already recorded (a retried write). */
  recorded: boolean;
}

/**
 * Records how an attempt ended. Idempotent: ending it again with the same outcome is a no-op; with a
 * different outcome it is refused (AttemptConflictError). The trial's own status is set by
 * recordFinalResult, not here: a failed attempt may be retried.
 */
export async function finishAttempt(db: DbClient, input: FinishAttemptInput): Promise<FinishAttemptResult> {
  const operation = 'finishAttempt';
  requireAttemptNumber(operation, input.attempt);
  const where = { trialId_attempt: { trialId: input.trialId, attempt: input.attempt } };
  return inTransaction(db, async (tx) => {
    const { count } = await tx.trialAttempt.updateMany({
      where: { trialId: input.trialId, attempt: input.attempt, outcome: null },
      data: { outcome: input.outcome, error: input.error ?? null, endedAt: new Date() },
    });
    const attempt = await tx.trialAttempt.findUnique({ where });
    if (attempt === null) throw new AttemptNotFoundError(input.trialId, input.attempt);
    if (count === 0) {
      if (attempt.outcome !== input.outcome) {
        throw new AttemptConflictError(
          input.trialId,
          input.attempt,
          'outcome',
          attempt.outcome,
          input.outcome,
        );
      }
      return { attempt, recorded: false };
    }
    const trial = await trialOf(tx, operation, input.trialId);
    await appendAuditEvent(tx, {
      projectId: trial.sweep.projectId,
      actor: input.actor ?? `system:worker:${attempt.workerIdentity}`,
      action: 'trial.attempt.end',
      subjectType: 'trial',
      subjectId: input.trialId,
      payload: { attempt: input.attempt, outcome: input.outcome, error: input.error ?? null },
    });
    return { attempt, recorded: true };
  });
}

/** The numbers of the trial's attempts in [from, before) whose end was never recorded, ascending. */
export async function unfinishedAttempts(
  db: DbClient,
  input: { trialId: string; from: number; before: number },
): Promise<number[]> {
  const open = await db.trialAttempt.findMany({
    where: { trialId: input.trialId, attempt: { gte: input.from, lt: input.before }, outcome: null },
    select: { attempt: true },
    orderBy: { attempt: 'asc' },
  });
  return open.map((a) => a.attempt);
}
