// The control worker's bookkeeping as local activities of a workflow: a Postgres write with its audit
// event, seconds at most, retried with backoff through database restarts.
import { proxyLocalActivities } from '@temporalio/workflow';
import type { ControlActivities } from '../activities.js';

export const localBookkeeping = proxyLocalActivities<ControlActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});
