import type { SweepSpec } from '@medsweep/core';
import { dehydrate, HydrationBoundary } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { Refusal } from '../../../../components/refusal';
import { SweepOverview } from '../../../../components/sweeps/sweep-overview';
import { TrialsExplorer } from '../../../../components/trials/trials-explorer';
import type { PageWithId } from '../../../../lib/page-props';
import { cursorPages } from '../../../../lib/cursor-pages';
import { DEFAULT_TRIALS_VIEW, trialsListInput } from '../../../../lib/trials-view';
import { getQueryClient, serverCaller, trpc } from '../../../../server/caller';
import { loadPageData } from '../../../../server/load-page-data';
import { myProjects } from '../../../../server/session';

export const metadata: Metadata = { title: 'Sweep' };

export default async function SweepPage({ params }: PageWithId) {
  const { id } = await params;
  const queryClient = getQueryClient();
  const { data: sweep, refused } = await loadPageData(() =>
    queryClient.fetchQuery(trpc.sweeps.get.queryOptions({ sweepId: id })),
  );
  if (refused !== null) return <Refusal message={refused} />;
  const caller = await serverCaller();
  await queryClient.prefetchInfiniteQuery(
    cursorPages(trpc.trials.list.pathKey(), trialsListInput(id, DEFAULT_TRIALS_VIEW), caller.trials.list),
  );
  const spec = sweep.spec as unknown as SweepSpec;
  const role = (await myProjects()).find((p) => p.slug === sweep.project)?.role ?? null;
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <SweepOverview sweepId={id} role={role} />
      <TrialsExplorer
        sweepId={id}
        architectures={spec.architectures}
        arms={spec.arms}
        paramNames={Object.keys(spec.search.space).sort()}
      />
    </HydrationBoundary>
  );
}
