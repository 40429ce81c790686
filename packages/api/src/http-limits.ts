// Limits on calls over HTTP that the browser's client must respect too: it imports this module alone
// (`@medsweep/api/http-limits`, nothing server-side comes with it).

/** Calls one batched request may carry; tRPC's batch link must be set to at most this many. */
export const MAX_BATCH_ITEMS = 20;

/**
 * Whether a procedure must be called on its own, never in a batch: signing in and out and changing
 * passwords, so that one request is one password check (a batch would multiply the throttle's charge).
 */
export function isUnbatched(path: string): boolean {
  return path.startsWith('auth.');
}
