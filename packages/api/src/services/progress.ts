// A sweep's live progress for clients that poll (the CLI's `sweep watch`): the sweep workflow's progress
// query and, per running trial, where its training activity's last heartbeat says it is.
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import { trialWorkflowId } from '@medsweep/workflows';
import type { SweepProgress } from '@medsweep/workflows';
import { sweepProgress } from './sweeps.js';

/** Where one running trial is, from its training activity's last heartbeat. */
export interface TrialPosition {
  epoch: number;
  batch: number;
  batches: number;
  loss?: number | null;
}

/** The running trial's position; undefined before its first heartbeat (or when it has just finished). */
async function trialPosition(temporal: Client, sweepId: string, index: number) {
  try {
    const description = await temporal.workflow.getHandle(trialWorkflowId(sweepId, index)).describe();
    const payload = description.raw.pendingActivities?.[0]?.heartbeatDetails?.payloads?.[0]?.data;
    if (!payload) return undefined;
    return JSON.parse(Buffer.from(payload).toString('utf8')) as TrialPosition;
  } catch {
    // The trial finished between the progress query and this describe: it has no position any more.
    return undefined;
  }
}

export interface LiveProgress extends Omit<SweepProgress, 'running'> {
  running: (SweepProgress['running'][number] & { position: TrialPosition | null })[];
}

/** Null when the sweep has no workflow (never started, or past Temporal's retention). */
export async function liveProgress(temporal: Client, sweepId: string): Promise<LiveProgress | null> {
  let progress: SweepProgress;
  try {
    // A finished workflow still answers queries (from its last state).
    progress = await sweepProgress(temporal, sweepId);
  } catch (e) {
    if (e instanceof WorkflowNotFoundError) return null;
    throw e;
  }
  const positions = await Promise.all(progress.running.map((t) => trialPosition(temporal, sweepId, t.index)));
  return {
    ...progress,
    running: progress.running.map((t, i) => ({ ...t, position: positions[i] ?? null })),
  };
}
