// The leaderboard of one sweep, rendered on the server (it is read, not edited): configurations ranked
// with t intervals over seeds and two-level intervals for new patients, the scratch-vs-transfer table per
// architecture, pairwise significance of the top entries with Holm-adjusted p-values (loaded after the
// page, as it reads the compared runs' predictions), exports, and which class is positive.
import type { Metadata } from 'next';
import Link from 'next/link';
import { LeaderboardTable } from '../../../../../components/leaderboard/leaderboard-table';
import { Refusal } from '../../../../../components/refusal';
import { MetricPicker } from '../../../../../components/leaderboard/metric-picker';
import { ExportLinks } from '../../../../../components/leaderboard/export-links';
import { PairwiseSignificance } from '../../../../../components/leaderboard/pairwise-significance';
import { ScratchVsTransferTable } from '../../../../../components/leaderboard/scratch-vs-transfer-table';
import { metricChoice } from '../../../../../lib/metric-choice';
import type { PageWithId } from '../../../../../lib/page-props';
import { serverCaller } from '../../../../../server/caller';
import { loadPageData } from '../../../../../server/load-page-data';

export const metadata: Metadata = { title: 'Leaderboard' };

export default async function LeaderboardPage({ params, searchParams }: PageWithId) {
  const { id } = await params;
  const query = await searchParams;
  const choice = metricChoice(query.metric, query.goal);
  const caller = await serverCaller();
  const { data: sweep, refused } = await loadPageData(() => caller.sweeps.get({ sweepId: id }));
  if (refused !== null) return <Refusal message={refused} />;
  const scope = { sweepId: id };
  const [board, arms, sample] = await Promise.all([
    caller.leaderboard.get({ scope, ...choice }),
    caller.leaderboard.scratchVsTransfer({ scope, ...choice }),
    caller.trials.list({ sweepId: id, statuses: ['completed'], limit: 1 }),
  ]);
  const metrics = sample.rows[0]?.finalMetrics.map(({ split, name }) => ({ split, name })) ?? [choice.metric];
  const label = `${choice.metric.split} ${choice.metric.name}`;
  return (
    <>
      <p className="crumbs">
        <Link href={`/sweeps?project=${encodeURIComponent(sweep.project)}`}>{sweep.project}</Link> /{' '}
        <Link href={`/sweeps/${id}`}>{sweep.name}</Link> / leaderboard
      </p>
      <h1>Leaderboard: {sweep.name}</h1>
      <MetricPicker metrics={metrics} choice={choice} />
      <ExportLinks sweepId={id} choice={choice} />
      {board.positiveClass !== null && (
        <p className="muted" data-testid="positive-class">
          Positive class of precision, recall, specificity, F1 and operating points: {board.positiveClass}.
        </p>
      )}
      <h2 id="leaderboard-heading">
        Configurations by mean {label} ({board.totalConfigurations})
      </h2>
      <LeaderboardTable entries={board.entries} metricLabel={label} />
      {board.totalConfigurations > board.entries.length && (
        <p className="muted">
          Showing the top {board.entries.length} of {board.totalConfigurations}; the CSV export has them all.
        </p>
      )}
      <h2 id="arms-heading">Scratch vs transfer per architecture</h2>
      <ScratchVsTransferTable rows={arms.rows} metricLabel={label} />
      <h2 id="pairwise-heading">Pairwise significance against the leader</h2>
      <PairwiseSignificance sweepId={id} choice={choice} />
    </>
  );
}
