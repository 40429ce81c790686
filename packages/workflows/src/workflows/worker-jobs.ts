// The one-off jobs the API asks of a trial's train worker (an evaluation, a verification): the same
// heartbeat watch and retries, only their time limits differ.
import { proxyActivities } from '@temporalio/workflow';
import type { ActivityOptions } from '@temporalio/workflow';

/**
 * The activities of a job on `taskQueue`. The job heartbeats while it works, so a dead worker is noticed
 * within two minutes and the job starts again elsewhere (jobs are deterministic or only read); bad data
 * or weights fail at once (the activities mark those non-retryable).
 */
export function workerJobActivities<A extends object>(
  taskQueue: string,
  startToCloseTimeout: ActivityOptions['startToCloseTimeout'],
) {
  return proxyActivities<A>({
    taskQueue,
    startToCloseTimeout,
    heartbeatTimeout: '2 minutes',
    retry: {
      initialInterval: '2 seconds',
      backoffCoefficient: 2,
      maximumInterval: '1 minute',
      maximumAttempts: 5,
    },
  });
}
