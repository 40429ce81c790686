'use client';
// Asking for an evaluation and following it: the button starts it (the API refuses what cannot run, with
// the reason), then its state is polled until it is recorded, when the trial's evaluations are refetched.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { RouterInputs } from '@medsweep/api';
import { errorMessage } from '../../lib/api-error';
import { useTRPC } from '../../trpc/client';

type Ask = RouterInputs['evaluations']['run']['ask'];

/** How often a running evaluation's state is asked for. */
const POLL_MS = 2_000;

export function useEvaluationRequest(trialId: string, ask: Ask | null) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const run = useMutation(trpc.evaluations.run.mutationOptions());
  const status = useQuery(
    trpc.evaluations.status.queryOptions(
      { trialId, ask: ask ?? { kind: 'robustness', seed: 0 } },
      {
        enabled: ask !== null && run.isSuccess,
        refetchInterval: (q) => (q.state.data?.state === 'running' ? POLL_MS : false),
      },
    ),
  );
  const recorded = status.data?.state === 'recorded';
  if (recorded) void queryClient.invalidateQueries({ queryKey: trpc.evaluations.list.queryKey({ trialId }) });
  const state = run.isPending ? 'starting' : (status.data?.state ?? null);
  const error = run.isError
    ? errorMessage(run.error)
    : status.data?.state === 'failed'
      ? status.data.error
      : null;
  return { start: (a: Ask) => run.mutate({ trialId, ask: a }), state, error };
}

export function RequestState({
  state,
  error,
  testId,
}: {
  state: string | null;
  error: string | null;
  testId: string;
}) {
  if (error !== null) {
    return (
      <p className="notice error" role="alert" data-testid={`${testId}-error`}>
        {error}
      </p>
    );
  }
  if (state === 'starting' || state === 'running' || state === 'none') {
    return (
      <p className="muted" data-testid={`${testId}-running`}>
        Evaluating… (the page updates when it is recorded)
      </p>
    );
  }
  return null;
}
