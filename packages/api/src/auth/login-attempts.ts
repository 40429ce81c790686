// Failed sign-ins are audit events (auth.login_failed, subject: the email tried), and the throttle counts
// them: every API process sees the same count without state of its own, and auditors see every attempt.
// Unknown emails are counted like known ones, so the throttle does not tell which accounts exist.
import { appendAuditEvent } from '@medsweep/db';
import type { Db } from '@medsweep/db';
import { TooManyLoginAttemptsError } from '../errors.js';

/** Failed sign-ins allowed per email within the window before further attempts are refused unchecked. */
export const LOGIN_FAILURE_LIMIT = 10;
export const LOGIN_FAILURE_WINDOW_MS = 15 * 60_000;

const FAILED = 'auth.login_failed';
const SUBJECT = 'login';

/** Refuses a sign-in (before any password hashing) while `email` has LOGIN_FAILURE_LIMIT recent failures. */
export async function assertLoginAllowed(db: Db, email: string, now: Date = new Date()): Promise<void> {
  const failures = await db.auditEvent.findMany({
    where: {
      subjectType: SUBJECT,
      subjectId: email,
      action: FAILED,
      createdAt: { gt: new Date(now.getTime() - LOGIN_FAILURE_WINDOW_MS) },
    },
    select: { createdAt: true },
    orderBy: { seq: 'desc' },
    take: LOGIN_FAILURE_LIMIT,
  });
  const oldest = failures[LOGIN_FAILURE_LIMIT - 1];
  if (oldest) {
    throw new TooManyLoginAttemptsError(
      LOGIN_FAILURE_LIMIT,
      LOGIN_FAILURE_WINDOW_MS / 60_000,
      new Date(oldest.createdAt.getTime() + LOGIN_FAILURE_WINDOW_MS),
    );
  }
}

/** Audits a failed sign-in; `userId` when the email belongs to a user (the password was wrong). */
export async function recordFailedLogin(db: Db, email: string, userId: string | null): Promise<void> {
  await appendAuditEvent(db, {
    projectId: null,
    actor: 'anonymous',
    action: FAILED,
    subjectType: SUBJECT,
    subjectId: email,
    payload: { knownUser: userId !== null, ...(userId ? { userId } : {}) },
  });
}
