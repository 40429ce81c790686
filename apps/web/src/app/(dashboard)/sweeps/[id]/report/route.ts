// The sweep's auditor's report or model card as a file download: the API's reports.get with the caller's
// session, served with Content-Disposition so the browser saves it.
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { serverCaller } from '../../../../../server/caller';

const CHECKLISTS = ['tripod-ai', 'claim'] as const;
const FORMATS = ['markdown', 'html'] as const;

const pick = <T extends string>(allowed: readonly T[], value: string | null, fallback: T): T =>
  allowed.includes(value as T) ? (value as T) : fallback;

export async function GET(
  request: Request,
  { params }: { params: Promise<{ id: string }> },
): Promise<Response> {
  const { id } = await params;
  const query = new URL(request.url).searchParams;
  try {
    const files = await (
      await serverCaller()
    ).reports.get({
      sweepId: id,
      checklist: pick(CHECKLISTS, query.get('checklist'), 'tripod-ai'),
      format: pick(FORMATS, query.get('format'), 'markdown'),
    });
    const file = query.get('part') === 'model-card' ? files.modelCard : files.report;
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
