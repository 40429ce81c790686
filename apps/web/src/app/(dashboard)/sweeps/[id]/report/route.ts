// The sweep's auditor's report or model card as a file download: the API's reports.get with the caller's
// session.
import { serverCaller } from '../../../../../server/caller';
import { fileDownload, pick } from '../../../../../server/file-download';

const CHECKLISTS = ['tripod-ai', 'claim'] as const;
const FORMATS = ['markdown', 'html'] as const;

export async function GET(
  request: Request,
  { params }: { params: Promise<{ id: string }> },
): Promise<Response> {
  const { id } = await params;
  const query = new URL(request.url).searchParams;
  return fileDownload(async () => {
    const files = await (
      await serverCaller()
    ).reports.get({
      sweepId: id,
      checklist: pick(CHECKLISTS, query.get('checklist'), 'tripod-ai'),
      format: pick(FORMATS, query.get('format'), 'markdown'),
    });
    return query.get('part') === 'model-card' ? files.modelCard : files.report;
  });
}
