// One QueryClient factory for both sides: the server prefetches into it and dehydrates with superjson
// (dates, bigints survive), the browser hydrates with the same transformer.
import { QueryCache, QueryClient } from '@tanstack/react-query';
import superjson from 'superjson';

/** `onQueryError` sees every failed query (the browser uses it to send a signed-out user to the login). */
export function makeQueryClient(onQueryError?: (error: unknown) => void): QueryClient {
  return new QueryClient({
    ...(onQueryError ? { queryCache: new QueryCache({ onError: onQueryError }) } : {}),
    defaultOptions: {
      queries: {
        // Server-rendered data is fresh for a moment: the browser does not refetch it on hydration.
        staleTime: 5_000,
        retry: false,
      },
      dehydrate: { serializeData: superjson.serialize },
      hydrate: { deserializeData: superjson.deserialize },
    },
  });
}
