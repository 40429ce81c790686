// A leaderboard table as a file download: the API's export with the caller's session.
import { metricChoice } from '../../../../../../lib/metric-choice';
import { serverCaller } from '../../../../../../server/caller';
import { fileDownload, pick } from '../../../../../../server/file-download';

const TABLES = ['leaderboard', 'scratchVsTransfer', 'paper', 'pairwise'] as const;
const FORMATS = ['csv', 'markdown', 'latex'] as const;

export async function GET(
  request: Request,
  { params }: { params: Promise<{ id: string }> },
): Promise<Response> {
  const { id } = await params;
  const query = new URL(request.url).searchParams;
  return fileDownload(async () =>
    (await serverCaller()).leaderboard.export({
      scope: { sweepId: id },
      table: pick(TABLES, query.get('table'), 'leaderboard'),
      format: pick(FORMATS, query.get('format'), 'csv'),
      ...metricChoice(query.get('metric'), query.get('goal')),
    }),
  );
}
