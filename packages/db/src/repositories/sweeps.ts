// Sweeps: created with their audit event in one transaction (no sweep exists that the log does not show),
// moved through their statuses by the sweep workflow without ever reopening a finished one, and looked
// up for the API and the CLI.
import type { JsonObject } from '@medsweep/core';
import type { Project, Sweep } from '../generated/prisma/client.js';
import type { MetricGoal, SweepStatus } from '../generated/prisma/enums.js';
import { appendAuditEvent } from './audit.js';
import type { DbClient } from './db-client.js';
import { inTransaction } from './db-client.js';

/** Statuses a sweep never leaves. */
export const FINAL_SWEEP_STATUSES = [
  'cancelled',
  'completed',
  'failed',
] as const satisfies readonly SweepStatus[];

export interface CreateSweepInput {
  /** Chosen by the caller, so the workflow id can derive from it before the row exists. */
  id: string;
  projectId: string;
  name: string;
  /** The validated spec as submitted. */
  spec: object;
  /** sha256 of the canonical spec. */
  specHash: string;
  primaryMetric: string;
  primaryMetricGoal: MetricGoal;
  workflowId: string;
  /** The submitting user; null for the system. */
  createdById: string | null;
  /**
   * Set when the sweep trains on a leaky dataset, as its spec's dataset.allowLeakage allows: recorded in
   * the `sweep.submit` event with the dataset and the counts that made it leaky.
   */
  leakageAcknowledgement?: { reason: string; datasetId: string; counts: JsonObject };
  /** Who submits it, for the audit log. */
  actor: string;
}

/** Stores a queued sweep and its `sweep.submit` audit event, in one transaction. */
export function createSweep(db: DbClient, input: CreateSweepInput): Promise<Sweep> {
  const { actor, leakageAcknowledgement, ...data } = input;
  return inTransaction(db, async (tx) => {
    const sweep = await tx.sweep.create({ data: { ...data, status: 'queued' } });
    await appendAuditEvent(tx, {
      projectId: data.projectId,
      actor,
      action: 'sweep.submit',
      subjectType: 'sweep',
      subjectId: data.id,
      payload: {
        name: data.name,
        specHash: data.specHash,
        ...(leakageAcknowledgement ? { leakageAcknowledgement } : {}),
      },
    });
    return sweep;
  });
}

export function findSweep(db: DbClient, sweepId: string): Promise<Sweep | null> {
  return db.sweep.findUnique({ where: { id: sweepId } });
}

/** The sweep and its project; null when the sweep does not exist. */
export async function findSweepWithProject(
  db: DbClient,
  sweepId: string,
): Promise<{ sweep: Sweep; project: Project } | null> {
  const row = await db.sweep.findUnique({ where: { id: sweepId }, include: { project: true } });
  if (row === null) return null;
  const { project, ...sweep } = row;
  return { sweep, project };
}

/** A sweep as `medsweep sweep list` shows it. */
export type ListedSweep = Pick<Sweep, 'id' | 'name' | 'status' | 'createdAt'> & {
  _count: { trials: number };
};

/** Sweeps newest first (of one project, by slug, when given), each with its number of trials. */
export function listSweeps(
  db: DbClient,
  input: { projectSlug?: string; limit: number },
): Promise<ListedSweep[]> {
  return db.sweep.findMany({
    where: input.projectSlug === undefined ? {} : { project: { slug: input.projectSlug } },
    orderBy: { createdAt: 'desc' },
    take: input.limit,
    select: { id: true, name: true, status: true, createdAt: true, _count: { select: { trials: true } } },
  });
}

export interface SetSweepStatusInput {
  sweepId: string;
  status: Exclude<SweepStatus, 'queued'>;
  /** Who moves it, for the audit log, e.g. `system:sweep-workflow`. */
  actor: string;
}

/**
 * Moves the sweep to `status` with a `sweep.<status>` audit event, in one transaction; `running` also
 * sets startedAt the first time, a final status sets finishedAt. A finished sweep never changes again, and
 * setting the status it already has changes nothing and appends nothing (a late or replayed write is
 * harmless). Returns whether the status changed.
 */
export function setSweepStatus(db: DbClient, input: SetSweepStatusInput): Promise<boolean> {
  const { sweepId, status } = input;
  const final = (FINAL_SWEEP_STATUSES as readonly SweepStatus[]).includes(status);
  const now = new Date();
  return inTransaction(db, async (tx) => {
    const changed = await tx.sweep.updateMany({
      where: { id: sweepId, status: { notIn: [...FINAL_SWEEP_STATUSES, status] } },
      data: { status, ...(final ? { finishedAt: now } : {}) },
    });
    if (status === 'running')
      await tx.sweep.updateMany({ where: { id: sweepId, startedAt: null }, data: { startedAt: now } });
    if (changed.count === 0) return false;
    const { projectId } = await tx.sweep.findUniqueOrThrow({
      where: { id: sweepId },
      select: { projectId: true },
    });
    await appendAuditEvent(tx, {
      projectId,
      actor: input.actor,
      action: `sweep.${status}`,
      subjectType: 'sweep',
      subjectId: sweepId,
      payload: { status },
    });
    return true;
  });
}
