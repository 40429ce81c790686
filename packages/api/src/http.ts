// Serving the API over HTTP with tRPC's fetch adapter, for a Next.js route handler:
//   export const GET = (req: Request) => handleTrpcRequest(req, deps); export const POST = GET;
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { appRouter } from './root.js';
import type { ApiDeps } from './trpc.js';
import { createContext } from './trpc.js';

/** Where apps/web mounts the API. */
export const TRPC_ENDPOINT = '/api/trpc';

export function handleTrpcRequest(
  request: Request,
  deps: ApiDeps,
  endpoint: string = TRPC_ENDPOINT,
): Promise<Response> {
  return fetchRequestHandler({
    endpoint,
    req: request,
    router: appRouter,
    createContext: ({ req, resHeaders }) => createContext({ headers: req.headers, resHeaders }, deps),
    onError: ({ error, path }) => {
      // Clients only see a fixed message for these (see trpc.ts): the details go to the server's log.
      if (error.code === 'INTERNAL_SERVER_ERROR')
        console.error(`tRPC ${path ?? '(unknown path)'} failed:`, error.cause ?? error);
    },
  });
}
