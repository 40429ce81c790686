// Failed sign-ins are audit events (auth.login_failed, subject: the email tried), so every API process
// reads the same count without state of its own, and auditors see every attempt.
import { appendAuditEvent } from './audit.js';
import type { DbClient } from './db-client.js';

const FAILED = 'auth.login_failed';
const SUBJECT = 'login';

/** Audits a failed sign-in; `userId` when the email belongs to a user (the password was wrong). */
export async function recordFailedLogin(db: DbClient, email: string, userId: string | null): Promise<void> {
  await appendAuditEvent(db, {
    projectId: null,
    actor: 'anonymous',
    action: FAILED,
    subjectType: SUBJECT,
    subjectId: email,
    payload: { knownUser: userId !== null, ...(userId ? { userId } : {}) },
  });
}

/** When the latest (at most `limit`) failed sign-ins for `email` after `since` happened, newest first. */
export async function recentFailedLogins(
  db: DbClient,
  input: { email: string; since: Date; limit: number },
): Promise<Date[]> {
  const failures = await db.auditEvent.findMany({
    where: { subjectType: SUBJECT, subjectId: input.email, action: FAILED, createdAt: { gt: input.since } },
    select: { createdAt: true },
    orderBy: { seq: 'desc' },
    take: input.limit,
  });
  return failures.map((f) => f.createdAt);
}
