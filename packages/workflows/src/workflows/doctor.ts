import { proxyActivities } from '@temporalio/workflow';
import type { DoctorActivities, DoctorReport } from '../activities.js';

/**
 * Runs on the control queue and sends one probe to a worker of `queue` (default: its own queue), so
 * every queue of the fleet can be checked, including train queues whose workers run no workflows.
 */
export async function doctorWorkflow(input: { probeId: string; queue?: string }): Promise<DoctorReport> {
  const { probeWorker } = proxyActivities<DoctorActivities>({
    ...(input.queue ? { taskQueue: input.queue } : {}),
    // Waiting for a worker of that queue to pick the probe up is bounded by the workflow's own timeout.
    scheduleToStartTimeout: '5 minutes',
    // A probe does two small round trips; a minute means the worker or a service is stuck.
    startToCloseTimeout: '1 minute',
    // Blips are retried, but a doctor must answer within minutes rather than hide an outage.
    retry: { maximumAttempts: 3, initialInterval: '1 second' },
  });
  return probeWorker({ probeId: input.probeId });
}
