// The sign-in throttle: it counts the failed sign-ins recorded in the audit log (see the db's
// recordFailedLogin), so every API process sees the same count without state of its own. Unknown emails
// are counted like known ones, so the throttle does not tell which accounts exist.
import { recentFailedLogins } from '@medsweep/db';
import type { Db } from '@medsweep/db';
import { TooManyLoginAttemptsError } from '../errors.js';

/** Failed sign-ins allowed per email within the window before further attempts are refused unchecked. */
export const LOGIN_FAILURE_LIMIT = 10;
export const LOGIN_FAILURE_WINDOW_MS = 15 * 60_000;

/** Refuses a sign-in (before any password hashing) while `email` has LOGIN_FAILURE_LIMIT recent failures. */
export async function assertLoginAllowed(db: Db, email: string, now: Date = new Date()): Promise<void> {
  const failures = await recentFailedLogins(db, {
    email,
    since: new Date(now.getTime() - LOGIN_FAILURE_WINDOW_MS),
    limit: LOGIN_FAILURE_LIMIT,
  });
  const oldest = failures[LOGIN_FAILURE_LIMIT - 1];
  if (oldest) {
    throw new TooManyLoginAttemptsError(
      LOGIN_FAILURE_LIMIT,
      LOGIN_FAILURE_WINDOW_MS / 60_000,
      new Date(oldest.getTime() + LOGIN_FAILURE_WINDOW_MS),
    );
  }
}
