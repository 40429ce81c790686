import { dehydrate, HydrationBoundary } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { DatasetDetail } from '../../../../components/datasets/dataset-detail';
import { Refusal } from '../../../../components/refusal';
import type { PageWithId } from '../../../../lib/page-props';
import { getQueryClient, trpc } from '../../../../server/caller';
import { loadPageData } from '../../../../server/load-page-data';

export const metadata: Metadata = { title: 'Dataset' };

export default async function DatasetPage({ params }: PageWithId) {
  const { id } = await params;
  const queryClient = getQueryClient();
  const { refused } = await loadPageData(() =>
    queryClient.fetchQuery(trpc.datasets.get.queryOptions({ datasetId: id })),
  );
  if (refused !== null) return <Refusal message={refused} />;
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <DatasetDetail datasetId={id} />
    </HydrationBoundary>
  );
}
