// A leaderboard table as a file download: the API's export with the caller's session, served with
// Content-Disposition so the browser saves it.
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { metricChoice } from '../../../../../../lib/metric-choice';
import { serverCaller } from '../../../../../../server/caller';

const TABLES = ['leaderboard', 'scratchVsTransfer', 'paper', 'pairwise'] as const;
const FORMATS = ['csv', 'markdown', 'latex'] as const;

const pick = <T extends string>(allowed: readonly T[], value: string | null, fallback: T): T =>
  allowed.includes(value as T) ? (value as T) : fallback;

export async function GET(
  request: Request,
  { params }: { params: Promise<{ id: string }> },
): Promise<Response> {
  const { id } = await params;
  const query = new URL(request.url).searchParams;
  try {
    const file = await (
      await serverCaller()
    ).leaderboard.export({
      scope: { sweepId: id },
      table: pick(TABLES, query.get('table'), 'leaderboard'),
      format: pick(FORMATS, query.get('format'), 'csv'),
      ...metricChoice(query.get('metric'), query.get('goal')),
    });
    return new Response(file.body, {
      headers: {
        'content-type': file.contentType,
        'content-disposition': `attachment; filename="${file.filename}"`,
        'cache-control': 'no-store',
      },
    });
  } catch (e) {
    if (!(e instanceof TRPCError)) throw e;
    return new Response(`${e.message}\n`, {
      status: getHTTPStatusCodeFromError(e),
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
  }
}
