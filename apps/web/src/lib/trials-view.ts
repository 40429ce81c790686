// What the trials table shows (sort, direction, filters) and the API input it asks for: one function,
// used by the server prefetch and by the table, so the first page the server fetched is the table's.
import type { RouterInputs } from '@medsweep/api';
import type { TrialStatus } from '@medsweep/db/types';
import { TRIAL_PAGE_SIZE } from './paging';

type ListInput = RouterInputs['trials']['list'];
export type TrialSort = NonNullable<ListInput['sort']>;

export interface TrialsView {
  sort: TrialSort;
  direction: 'asc' | 'desc';
  status: TrialStatus | null;
  architecture: string | null;
  arm: string | null;
}

export const DEFAULT_TRIALS_VIEW: TrialsView = {
  sort: { by: 'index' },
  direction: 'asc',
  status: null,
  architecture: null,
  arm: null,
};

export function trialsListInput(sweepId: string, view: TrialsView): Omit<ListInput, 'cursor'> {
  return {
    sweepId,
    sort: view.sort,
    direction: view.direction,
    limit: TRIAL_PAGE_SIZE,
    ...(view.status ? { statuses: [view.status] } : {}),
    ...(view.architecture ? { architectures: [view.architecture] } : {}),
    ...(view.arm ? { arms: [view.arm] } : {}),
  };
}

/** Whether two sort keys are the same column. */
export function sameSort(a: TrialSort, b: TrialSort): boolean {
  if (a.by !== b.by) return false;
  return (
    a.by !== 'metric' ||
    (b.by === 'metric' && a.metric.split === b.metric.split && a.metric.name === b.metric.name)
  );
}
