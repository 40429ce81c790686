// Workflows the API starts for a caller and reads back (sweeps, evaluations, verifications): started once
// per workflow id however often they are asked for, and how one stands.
import type { Client, Workflow, WorkflowStartOptions } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';

/** Starts the workflow, unless one with its id already ran or runs: a repeated ask starts it once. */
export async function startWorkflowOnce<W extends Workflow>(
  temporal: Client,
  workflowType: string,
  options: WorkflowStartOptions<W>,
): Promise<void> {
  try {
    await temporal.workflow.start<W>(workflowType, options);
  } catch (e) {
    if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
  }
}

/** How a workflow stands: running, done with its result, failed (the reason), or never started. */
export type WorkflowStanding<T> =
  | { state: 'running' }
  | { state: 'done'; result: T }
  | { state: 'failed'; error: string }
  | { state: 'none' };

export async function workflowStanding<T>(
  temporal: Client,
  workflowId: string,
): Promise<WorkflowStanding<T>> {
  const handle = temporal.workflow.getHandle(workflowId);
  try {
    const { status } = await handle.describe();
    if (status.name === 'RUNNING') return { state: 'running' };
    return await handle.result().then(
      (result: T): WorkflowStanding<T> => ({ state: 'done', result }),
      (e: unknown): WorkflowStanding<T> => ({ state: 'failed', error: innermostMessage(e) }),
    );
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return { state: 'none' };
    throw error;
  }
}

/** The innermost message of a failure chain: what actually went wrong. */
export function innermostMessage(error: unknown): string {
  let current = error as { message?: string; cause?: unknown } | undefined;
  let message = String(error);
  while (current) {
    if (current.message) message = current.message;
    current = current.cause as typeof current;
  }
  return message;
}
