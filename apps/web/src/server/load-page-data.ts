import 'server-only';
import { TRPCError } from '@trpc/server';
import { notFound } from 'next/navigation';

export type Loaded<T> = { data: T; refused: null } | { data: null; refused: string };

/**
 * Runs a page's main query. An id the API does not know (or that is not an id) is the 404 page; a call
 * the caller's role is refused comes back as the API's message, for the page to show.
 */
export async function loadPageData<T>(fetch: () => Promise<T>): Promise<Loaded<T>> {
  try {
    return { data: await fetch(), refused: null };
  } catch (e) {
    if (e instanceof TRPCError && (e.code === 'NOT_FOUND' || e.code === 'BAD_REQUEST')) notFound();
    if (e instanceof TRPCError && e.code === 'FORBIDDEN') return { data: null, refused: e.message };
    throw e;
  }
}
