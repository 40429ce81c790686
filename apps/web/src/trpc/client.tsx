'use client';
// The browser's tRPC client: batched HTTP to /api/trpc with the session cookie, hooks through TanStack
// Query. Auth procedures go alone (the API refuses them in a batch), batches stay within the API's limit.
// A call refused for want of a session sends the browser to the login page.
import type { AppRouter } from '@medsweep/api';
import { isUnbatched, MAX_BATCH_ITEMS } from '@medsweep/api/http-limits';
import { QueryClientProvider } from '@tanstack/react-query';
import type { QueryClient } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink, httpLink, splitLink, TRPCClientError } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import type { ReactNode } from 'react';
import { useState } from 'react';
import superjson from 'superjson';
import { makeQueryClient } from './query-client';

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

function redirectWhenSignedOut(error: unknown): void {
  if (
    error instanceof TRPCClientError &&
    error.data?.code === 'UNAUTHORIZED' &&
    location.pathname !== '/login'
  ) {
    location.assign(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);
  }
}

let browserQueryClient: QueryClient | undefined;

/** A new client per server render; one for the lifetime of the page in the browser. */
function queryClient(): QueryClient {
  if (typeof window === 'undefined') return makeQueryClient();
  browserQueryClient ??= makeQueryClient(redirectWhenSignedOut);
  return browserQueryClient;
}

export function ApiProvider({ children }: { children: ReactNode }) {
  const client = queryClient();
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        splitLink({
          condition: (op) => isUnbatched(op.path),
          true: httpLink({ url: '/api/trpc', transformer: superjson }),
          false: httpBatchLink({ url: '/api/trpc', transformer: superjson, maxItems: MAX_BATCH_ITEMS }),
        }),
      ],
    }),
  );
  return (
    <QueryClientProvider client={client}>
      <TRPCProvider trpcClient={trpcClient} queryClient={client}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
