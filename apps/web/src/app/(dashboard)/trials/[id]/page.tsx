import { dehydrate, HydrationBoundary } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { Refusal } from '../../../../components/refusal';
import { TrialDetail } from '../../../../components/trial/trial-detail';
import type { PageWithId } from '../../../../lib/page-props';
import { getQueryClient, trpc } from '../../../../server/caller';
import { loadPageData } from '../../../../server/load-page-data';
import { myProjects } from '../../../../server/session';

export const metadata: Metadata = { title: 'Trial' };

export default async function TrialPage({ params }: PageWithId) {
  const { id } = await params;
  const queryClient = getQueryClient();
  const { data: detail, refused } = await loadPageData(() =>
    queryClient.fetchQuery(trpc.trials.get.queryOptions({ trialId: id })),
  );
  if (refused !== null) return <Refusal message={refused} />;
  const project = (await myProjects()).find((p) => p.slug === detail.project);
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <TrialDetail
        trialId={id}
        canVerify={project?.actions.includes('audit.verify') ?? false}
        canEvaluate={project?.actions.includes('sweep.submit') ?? false}
      />
    </HydrationBoundary>
  );
}
