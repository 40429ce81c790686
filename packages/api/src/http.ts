// Serving the API over HTTP with tRPC's fetch adapter, for a Next.js route handler:
//   export const GET = (req: Request) => handleTrpcRequest(req, deps); export const POST = GET;
// Before any procedure runs, a request is refused when its batch is too large or includes an auth
// procedure (400), when a browser sent a state-changing request from another site (403), or when its body
// is larger than its procedures accept (413, before the body is read whole).
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { clientAddressOf } from './auth/client-address.js';
import type { RequestRefusedError } from './errors.js';
import { BatchRefusedError, CrossOriginRequestError, RequestTooLargeError } from './errors.js';
import { isUnbatched, MAX_BATCH_ITEMS } from './http-limits.js';
import { appRouter } from './root.js';
import type { ApiDeps } from './trpc.js';
import { createContext } from './trpc.js';

/** Where apps/web mounts the API. */
export const TRPC_ENDPOINT = '/api/trpc';

/** The largest request body accepted. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** The largest body of calls that carry spec text (256 Ki characters, up to 4 bytes each in UTF-8). */
export const MAX_SPEC_BODY_BYTES = 2 * 1024 * 1024;
const SPEC_PROCEDURES = new Set(['sweeps.create', 'sweeps.validateSpec']);

/** The procedures a request calls: `a.b,c.d` after the endpoint. */
function procedurePaths(url: URL, endpoint: string): string[] {
  const rest = url.pathname.startsWith(`${endpoint}/`) ? url.pathname.slice(endpoint.length + 1) : '';
  let decoded: string;
  try {
    decoded = decodeURIComponent(rest);
  } catch {
    decoded = rest;
  }
  return decoded.split(',').filter((p) => p !== '');
}

function checkBatch(url: URL, paths: readonly string[]): void {
  const batch = url.searchParams.get('batch');
  if (batch !== '1' && batch !== 'true') return;
  if (paths.length > MAX_BATCH_ITEMS) {
    throw new BatchRefusedError(
      `${paths.length} calls, at most ${MAX_BATCH_ITEMS} are accepted in one request`,
    );
  }
  const alone = paths.find(isUnbatched);
  if (alone !== undefined) {
    throw new BatchRefusedError(`${alone} is never batched: call it on its own, without ?batch=1`);
  }
}

/**
 * A POST from a page of another site: its Sec-Fetch-Site is not same-origin (or none: typed by the user),
 * or its Origin names another host than the one the request was sent to. Browsers send at least one of
 * them on every cross-origin POST; an API token (Authorization) cannot be attached by another site.
 */
function checkSameOrigin(request: Request, url: URL): void {
  if (request.method !== 'POST' || request.headers.has('authorization')) return;
  // Behind a proxy the host the browser used arrives as X-Forwarded-Host (no page can set it on a request).
  const hosts = [url.host, request.headers.get('x-forwarded-host')].filter((h): h is string => !!h);
  const site = request.headers.get('sec-fetch-site');
  if (site !== null && site !== 'same-origin' && site !== 'none') {
    throw new CrossOriginRequestError(`Sec-Fetch-Site ${site}`, hosts[0]!);
  }
  const origin = request.headers.get('origin');
  if (origin === null) return;
  if (!hosts.includes(hostOf(origin) ?? '')) throw new CrossOriginRequestError(`Origin ${origin}`, hosts[0]!);
}

/** The host of an Origin header; null for `null` (sandboxed frames, file: pages) or anything unparseable. */
function hostOf(origin: string): string | null {
  try {
    return origin === 'null' ? null : new URL(origin).host;
  } catch {
    return null;
  }
}

/** Reads the body up to `limit` bytes; throws RequestTooLargeError as soon as it (or its declared length) is over. */
async function readBody(request: Request, limit: number): Promise<Uint8Array<ArrayBuffer> | null> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > limit) throw new RequestTooLargeError(limit);
  if (request.body === null) return null;
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      throw new RequestTooLargeError(limit);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  return body;
}

/** A refusal in tRPC's error shape (as the superjson transformer wraps it), so clients show its message. */
function refusal(error: RequestRefusedError): Response {
  const code = { 400: 'BAD_REQUEST', 403: 'FORBIDDEN', 413: 'PAYLOAD_TOO_LARGE' }[error.status];
  const rpcCode = { 400: -32600, 403: -32003, 413: -32013 }[error.status];
  return Response.json(
    {
      error: {
        json: {
          message: error.message,
          code: rpcCode,
          data: { code, httpStatus: error.status, fieldIssues: null, errorName: error.name },
        },
      },
    },
    { status: error.status },
  );
}

export async function handleTrpcRequest(
  request: Request,
  deps: ApiDeps,
  endpoint: string = TRPC_ENDPOINT,
): Promise<Response> {
  const url = new URL(request.url);
  const paths = procedurePaths(url, endpoint);
  let req: Request;
  try {
    checkBatch(url, paths);
    checkSameOrigin(request, url);
    const limit = paths.some((p) => SPEC_PROCEDURES.has(p)) ? MAX_SPEC_BODY_BYTES : MAX_BODY_BYTES;
    const body = await readBody(request, limit);
    req = new Request(request.url, { method: request.method, headers: request.headers, body });
  } catch (e) {
    if (
      e instanceof BatchRefusedError ||
      e instanceof CrossOriginRequestError ||
      e instanceof RequestTooLargeError
    )
      return refusal(e);
    throw e;
  }
  const clientAddress = clientAddressOf(request.headers, deps.trustedProxyHops ?? 0);
  return fetchRequestHandler({
    endpoint,
    req,
    router: appRouter,
    maxBatchSize: MAX_BATCH_ITEMS,
    createContext: ({ req: r, resHeaders }) =>
      createContext({ headers: r.headers, resHeaders, clientAddress }, deps),
    onError: ({ error, path }) => {
      // Clients only see a fixed message for these (see trpc.ts): the details go to the server's log.
      if (error.code === 'INTERNAL_SERVER_ERROR')
        console.error(`tRPC ${path ?? '(unknown path)'} failed:`, error.cause ?? error);
    },
  });
}
