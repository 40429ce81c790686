// The sign-in throttle, per (email, client address), and the audit of failed sign-ins. Each attempt is
// charged before its password is checked, by one INSERT ... ON CONFLICT DO UPDATE that both counts it and
// decides whether it may go ahead: concurrent attempts queue on the row's lock, so twenty at once are
// counted one after another instead of all reading the same count. Refused attempts change nothing.
import { appendAuditEvent } from './audit.js';
import type { DbClient } from './db-client.js';
import { inTransaction } from './db-client.js';

const FAILED = 'auth.login_failed';
const SUBJECT = 'login';

/** Audits a failed sign-in; `userId` when the email belongs to a user (the password was wrong). */
export async function recordFailedLogin(
  db: DbClient,
  email: string,
  userId: string | null,
  /** The client address it came from, when the API knows it. */
  address?: string,
): Promise<void> {
  await appendAuditEvent(db, {
    projectId: null,
    actor: 'anonymous',
    action: FAILED,
    subjectType: SUBJECT,
    subjectId: email,
    payload: { knownUser: userId !== null, ...(userId ? { userId } : {}), ...(address ? { address } : {}) },
  });
}

/** How attempts are paced: free attempts, then an exponentially growing wait, forgotten after a quiet spell. */
export interface LoginThrottlePolicy {
  /** Attempts (per email and address) charged without any wait; the last of them starts the first wait. */
  freeAttempts: number;
  /** The first wait; each further attempt doubles it. */
  baseDelayMs: number;
  /** The longest wait. */
  maxDelayMs: number;
  /** With no attempt for this long, the count starts over. */
  quietMs: number;
}

export interface LoginThrottleKey {
  /** Lower-case. */
  email: string;
  address: string;
}

export type LoginCharge =
  | { allowed: true; /** Attempts counted, this one included. */ attempts: number }
  | { allowed: false; attempts: number; retryAt: Date };

/**
 * Charges one sign-in attempt to (email, address), atomically: allowed when no wait is running (the count
 * goes up and the next wait is set), refused unchanged while one is. The caller checks the password only
 * when allowed, and clears the row when it matched (clearLoginThrottle).
 */
export async function chargeLoginAttempt(
  db: DbClient,
  key: LoginThrottleKey,
  policy: LoginThrottlePolicy,
  now: Date = new Date(),
): Promise<LoginCharge> {
  const { freeAttempts, baseDelayMs, maxDelayMs, quietMs } = policy;
  // The count after this attempt, and the wait it sets (none before the last free attempt).
  const quietSince = `$3::timestamptz - make_interval(secs => $7::float8 / 1000)`;
  const attempts = `CASE WHEN t.last_attempt_at < ${quietSince} THEN 1 ELSE t.failures + 1 END`;
  const waitMs = (count: string) =>
    `CASE WHEN ${count} < $4 THEN 0 ELSE least($5::float8 * power(2, ${count} - $4), $6::float8) END`;
  const rows = await db.$queryRawUnsafe<{ failures: number; next_attempt_at: Date }[]>(
    `INSERT INTO login_throttle AS t (email, address, failures, next_attempt_at, last_attempt_at)
     VALUES ($1, $2, 1, $3::timestamptz + make_interval(secs => (${waitMs('1')}) / 1000), $3::timestamptz)
     ON CONFLICT (email, address) DO UPDATE SET
       failures = ${attempts},
       next_attempt_at = $3::timestamptz + make_interval(secs => (${waitMs(`(${attempts})`)}) / 1000),
       last_attempt_at = $3::timestamptz
     WHERE t.next_attempt_at <= $3::timestamptz OR t.last_attempt_at < ${quietSince}
     RETURNING failures, next_attempt_at`,
    key.email,
    key.address,
    now,
    freeAttempts,
    baseDelayMs,
    maxDelayMs,
    quietMs,
  );
  const charged = rows[0];
  if (charged !== undefined) return { allowed: true, attempts: charged.failures };
  const state = await loginThrottleState(db, key);
  // The row can only have gone between the two statements (a success or an unlock): nothing to wait for.
  return state === null ? { allowed: true, attempts: 0 } : { allowed: false, ...state };
}

/** The count and the time before which attempts are refused; null when nothing is counted. */
export async function loginThrottleState(
  db: DbClient,
  key: LoginThrottleKey,
): Promise<{ attempts: number; retryAt: Date } | null> {
  const row = await db.loginThrottle.findUnique({ where: { email_address: key } });
  return row === null ? null : { attempts: row.failures, retryAt: row.nextAttemptAt };
}

/** Forgets the attempts of (email, address): its owner signed in from there. */
export async function clearLoginThrottle(db: DbClient, key: LoginThrottleKey): Promise<void> {
  await db.loginThrottle.deleteMany({ where: key });
}

/**
 * An instance admin's unlock: forgets the attempts counted for `email` from every address, with an
 * `auth.unlock` audit event, in one transaction. Returns how many addresses were waiting.
 */
export function unlockLogin(db: DbClient, input: { email: string; actor: string }): Promise<number> {
  return inTransaction(db, async (tx) => {
    const { count } = await tx.loginThrottle.deleteMany({ where: { email: input.email } });
    await appendAuditEvent(tx, {
      projectId: null,
      actor: input.actor,
      action: 'auth.unlock',
      subjectType: SUBJECT,
      subjectId: input.email,
      payload: { addresses: count },
    });
    return count;
  });
}
