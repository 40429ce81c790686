// Calling the API in-process from server components: the request's cookies authenticate the call exactly
// as they do over HTTP, without a round trip. `cache` makes one context per request.
import 'server-only';
import { appRouter, createCaller, createContext } from '@medsweep/api';
import type { AppRouter } from '@medsweep/api';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { headers } from 'next/headers';
import { cache } from 'react';
import { makeQueryClient } from '../trpc/query-client';
import { apiDeps } from './api-deps';

const requestContext = cache(async () =>
  createContext({ headers: new Headers(await headers()), resHeaders: new Headers() }, apiDeps()),
);

/** The QueryClient of this request, whose prefetched queries the page hands to the browser. */
export const getQueryClient = cache(() => makeQueryClient());

/** Query options for prefetching in server components (`queryClient.prefetchQuery(trpc.x.queryOptions())`). */
export const trpc = createTRPCOptionsProxy<AppRouter>({
  ctx: requestContext,
  router: appRouter,
  queryClient: getQueryClient,
});

/** Direct calls for server components that need a value now (the auth guard, redirects). */
export async function serverCaller() {
  return createCaller(await requestContext());
}
