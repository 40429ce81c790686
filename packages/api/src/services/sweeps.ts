import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import { canonicalHash, datasetOfSpec, primaryMetricOf, trialGroups } from '@medsweep/core';
import type { JsonObject, StoredDatasetReport, SweepSpec } from '@medsweep/core';
import {
  appendAuditEvent,
  createSweep,
  datasetNames,
  ensureProject,
  FINAL_SWEEP_STATUSES,
  findLatestDataset,
  leakageCounts,
  findSweep,
  findWeightsSources,
} from '@medsweep/db';
import type { Db } from '@medsweep/db';
import { pauseSignal, progressQuery, resumeSignal, sweepWorkflowId, TASK_QUEUES } from '@medsweep/workflows';
import type { DatasetRef, SweepInput, SweepProgress, sweepWorkflow, WeightsRef } from '@medsweep/workflows';
import {
  LeakyDatasetError,
  SweepFinishedError,
  SweepNotFoundError,
  UnknownDatasetError,
  UnknownWeightsError,
} from '../errors.js';
import { startWorkflowOnce } from './workflow-jobs.js';

export interface SweepServiceDeps {
  db: Db;
  temporal: Client;
  /** Task queue sweep workflows start on; default TASK_QUEUES.control. */
  taskQueue?: string;
}

/** A sweep's references resolved: what its workflow starts with, and what its submission records. */
export type ResolvedSweep = Omit<SweepInput, 'sweepId' | 'specHash'> & {
  projectId: string;
  /** Present when the spec allows training on a leaky dataset: the reason and what it acknowledges. */
  leakageAcknowledgement?: { reason: string; datasetId: string; counts: ReturnType<typeof leakageCounts> };
};

/**
 * Resolves the dataset and every pretrained weights source before anything is stored or started, and
 * refuses a leaky dataset (LeakyDatasetError) unless the spec gives dataset.allowLeakage.
 */
export async function resolveSweep(db: Db, spec: SweepSpec): Promise<ResolvedSweep> {
  // The spec's project is created on first use: a new project needs no ceremony on a local stack.
  const project = await ensureProject(db, spec.project);
  const { name, allowLeakage } = datasetOfSpec(spec);
  const byHash = name.startsWith('sha256:') ? name.slice('sha256:'.length) : undefined;
  const dataset = await findLatestDataset(db, project.id, byHash ? { contentHash: byHash } : { name });
  if (!dataset) {
    throw new UnknownDatasetError(spec.project, name, await datasetNames(db, project.id));
  }
  // A leaky dataset is always stored with its report (the report is what marks it leaky).
  const counts =
    dataset.leaky && dataset.report !== null
      ? leakageCounts(dataset.report as unknown as StoredDatasetReport)
      : undefined;
  if (counts && allowLeakage === undefined) throw new LeakyDatasetError(spec.project, name, counts);
  const datasetRef: DatasetRef = {
    id: dataset.id,
    manifestUri: dataset.manifestUri,
    manifestSha256: dataset.contentHash,
    numClasses: dataset.numClasses,
    task: dataset.task,
  };

  // `pretrained:a,b` takes, per architecture, the first of `a/<arch>`, `b/<arch>` that is registered.
  const weights: Record<string, Record<string, WeightsRef>> = {};
  const missing: string[] = [];
  for (const arm of spec.arms.filter((a) => a.startsWith('pretrained:'))) {
    const refs = arm.slice('pretrained:'.length).split(',');
    // Only the architectures this arm trains (classical models have no pretrained arm).
    const architectures = trialGroups(spec)
      .filter((g) => g.arm === arm)
      .map((g) => g.architecture);
    const names = architectures.flatMap((a) => refs.map((r) => `${r}/${a}`));
    const found = await findWeightsSources(db, project.id, names);
    const byArch: Record<string, WeightsRef> = {};
    for (const arch of architectures) {
      const w = refs.map((r) => found.find((f) => f.name === `${r}/${arch}`)).find((f) => f !== undefined);
      if (!w) missing.push(refs.map((r) => `${r}/${arch}`).join(' or '));
      else byArch[arch] = { weightsSourceId: w.id, uri: w.uri, sha256: w.sha256, format: w.format };
    }
    weights[arm] = byArch;
  }
  if (missing.length > 0) throw new UnknownWeightsError(spec.project, missing);
  return {
    projectId: project.id,
    spec,
    dataset: datasetRef,
    weights,
    ...(counts && allowLeakage !== undefined
      ? { leakageAcknowledgement: { reason: allowLeakage, datasetId: dataset.id, counts } }
      : {}),
  };
}

export interface SubmittedSweep {
  sweepId: string;
  workflowId: string;
}

/**
 * Stores the sweep (with its audit event) and starts its workflow. Every reference is resolved first, so
 * an invalid sweep stores nothing. Starting is idempotent: the workflow id derives from the sweep id. A
 * start that fails is audited too (`sweep.start_failed`) before the error is rethrown.
 */
export async function submitSweep(
  deps: SweepServiceDeps,
  spec: SweepSpec,
  actor: string,
  /** The submitting user, who may later cancel, pause and resume it as a member; null for the system. */
  createdById: string | null = null,
): Promise<SubmittedSweep> {
  const { projectId, leakageAcknowledgement, ...resolved } = await resolveSweep(deps.db, spec);
  const sweepId = randomUUID();
  const workflowId = sweepWorkflowId(sweepId);
  const primaryMetric = primaryMetricOf(spec);
  const goal =
    spec.earlyStopping.kind === 'asha' && spec.earlyStopping.mode === 'min' ? 'minimize' : 'maximize';
  const specHash = canonicalHash(spec as unknown as JsonObject);
  await createSweep(deps.db, {
    id: sweepId,
    projectId,
    name: spec.name,
    spec,
    specHash,
    primaryMetric,
    primaryMetricGoal: goal,
    workflowId,
    createdById,
    ...(leakageAcknowledgement ? { leakageAcknowledgement } : {}),
    actor,
  });
  try {
    await startSweepWorkflow(deps.temporal, { sweepId, specHash, ...resolved }, deps.taskQueue);
  } catch (e) {
    // The sweep is stored (and its submission audited) but never ran: the log says so.
    await appendAuditEvent(deps.db, {
      projectId,
      actor,
      action: 'sweep.start_failed',
      subjectType: 'sweep',
      subjectId: sweepId,
      payload: { error: e instanceof Error ? e.name : 'unknown' },
    });
    throw e;
  }
  return { sweepId, workflowId };
}

export async function startSweepWorkflow(
  temporal: Client,
  input: SweepInput,
  taskQueue: string = TASK_QUEUES.control,
): Promise<void> {
  await startWorkflowOnce<typeof sweepWorkflow>(temporal, 'sweepWorkflow', {
    workflowId: sweepWorkflowId(input.sweepId),
    taskQueue,
    args: [input],
  });
}

async function sweepRow(db: Db, sweepId: string) {
  const row = await findSweep(db, sweepId);
  if (!row) throw new SweepNotFoundError(sweepId);
  return row;
}

/**
 * Acts on a running sweep's workflow, then audits the action: a sweep recorded as finished, or whose
 * workflow Temporal no longer runs, is refused (SweepFinishedError, 409) with nothing audited, so the log
 * only ever says what happened.
 */
async function controlSweep(
  deps: SweepServiceDeps,
  sweepId: string,
  actor: string,
  verb: 'pause' | 'resume' | 'cancel',
  act: (handle: ReturnType<Client['workflow']['getHandle']>) => Promise<void>,
): Promise<void> {
  const row = await sweepRow(deps.db, sweepId);
  if ((FINAL_SWEEP_STATUSES as readonly string[]).includes(row.status)) {
    throw new SweepFinishedError(sweepId, row.status, verb);
  }
  const handle = deps.temporal.workflow.getHandle(row.workflowId);
  try {
    // Temporal accepts a cancellation of a closed workflow silently: ask first.
    const { status } = await handle.describe();
    if (status.name !== 'RUNNING') throw new SweepFinishedError(sweepId, status.name.toLowerCase(), verb);
    await act(handle);
  } catch (e) {
    // NotFound: no such workflow any more, or (signals) one that has closed since.
    if (e instanceof WorkflowNotFoundError)
      throw new SweepFinishedError(sweepId, 'finished', verb, { cause: e });
    throw e;
  }
  await appendAuditEvent(deps.db, {
    projectId: row.projectId,
    actor,
    action: `sweep.${verb}`,
    subjectType: 'sweep',
    subjectId: sweepId,
    payload: {},
  });
}

/** Cancels a sweep: running trials stop at their next heartbeat and are recorded as cancelled. */
export function cancelSweep(deps: SweepServiceDeps, sweepId: string, actor: string): Promise<void> {
  return controlSweep(deps, sweepId, actor, 'cancel', (handle) => handle.cancel().then(() => undefined));
}

/** Pauses (no new trials start) or resumes a sweep. */
export function pauseSweep(
  deps: SweepServiceDeps,
  sweepId: string,
  actor: string,
  pause: boolean,
): Promise<void> {
  return controlSweep(deps, sweepId, actor, pause ? 'pause' : 'resume', (handle) =>
    handle.signal(pause ? pauseSignal : resumeSignal),
  );
}

/** Live progress from the workflow itself (counts, running trials). */
export async function sweepProgress(temporal: Client, sweepId: string): Promise<SweepProgress> {
  return temporal.workflow.getHandle(sweepWorkflowId(sweepId)).query(progressQuery);
}
