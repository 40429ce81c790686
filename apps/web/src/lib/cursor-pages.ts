// Cursor paging for a list procedure (`{ ..., cursor } -> { ..., nextCursor }`) as TanStack infinite-query
// options, shared by a page's server prefetch (in-process caller) and its client component (HTTP client).
//
// Not tRPC's own `infiniteQueryOptions`: that adds TanStack's `direction` to every page's input, which
// the API's strict input schemas (unknown keys refused) rightly reject. The key starts with the
// procedure's tRPC path key, so `trpc.<path>.pathFilter()` still invalidates these queries.
import { infiniteQueryOptions } from '@tanstack/react-query';

export function cursorPages<
  Params extends { cursor?: unknown },
  Page extends { nextCursor: Params['cursor'] },
>(
  pathKey: readonly unknown[],
  input: Omit<Params, 'cursor'>,
  /** The procedure itself: `caller.sweeps.list` on the server, `client.sweeps.list.query` in the browser. */
  fetchPage: (params: Params) => Promise<Page>,
) {
  type Cursor = NonNullable<Page['nextCursor']>;
  return infiniteQueryOptions({
    queryKey: [...pathKey, { input, type: 'cursor-pages' }],
    queryFn: ({ pageParam }) =>
      // The first page is the input as it is; the others add the previous page's cursor.
      fetchPage((pageParam === null ? input : { ...input, cursor: pageParam }) as Params),
    initialPageParam: null as Cursor | null,
    getNextPageParam: (page: Page): Cursor | null => page.nextCursor ?? null,
  });
}
