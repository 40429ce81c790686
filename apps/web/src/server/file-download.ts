// A file the API produced, served as a download with the caller's session: Content-Disposition so the
// browser saves it, and the API's refusal (403, 404, ...) as plain text with its HTTP status.
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';

export interface DownloadFile {
  body: string;
  contentType: string;
  filename: string;
}

/** A query parameter's value when it is one of `allowed`, else `fallback`. */
export const pick = <T extends string>(allowed: readonly T[], value: string | null, fallback: T): T =>
  allowed.includes(value as T) ? (value as T) : fallback;

export async function fileDownload(produce: () => Promise<DownloadFile>): Promise<Response> {
  try {
    const file = await produce();
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
