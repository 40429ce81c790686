import { proxyActivities } from '@temporalio/workflow';
import type { DoctorActivities, DoctorReport } from '../activities.js';

const { probeWorker } = proxyActivities<DoctorActivities>({
  // A probe does two small round trips; a minute means the worker or a service is stuck.
  startToCloseTimeout: '1 minute',
  // Blips are retried, but a doctor must answer within minutes rather than hide an outage.
  retry: { maximumAttempts: 3, initialInterval: '1 second' },
});

/**
 * Activities default to the workflow's own task queue, so starting this on `train` probes a train
 * worker and on `control` a control worker: each queue of the fleet is checked on its own.
 */
export async function doctorWorkflow(input: { probeId: string }): Promise<DoctorReport> {
  return probeWorker(input);
}
