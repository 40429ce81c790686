// Which statuses are still moving: pages poll while anything they show is in one of these.
import type { SweepStatus, TrialStatus } from '@medsweep/db/types';

const ACTIVE_SWEEP: readonly SweepStatus[] = ['queued', 'running', 'paused', 'cancelling'];
const ACTIVE_TRIAL: readonly TrialStatus[] = ['pending', 'running'];

export const isActiveSweep = (status: SweepStatus): boolean => ACTIVE_SWEEP.includes(status);
export const isActiveTrial = (status: TrialStatus): boolean => ACTIVE_TRIAL.includes(status);

/** How often live parts refetch while something runs. */
export const LIVE_REFRESH_MS = 2_000;
