// Browser sessions: a row per login, named by the sha256 of the secret sealed in its cookie. Starting and
// ending one is audited (auth.login, auth.logout) with the row's write.
import type { Session, User } from '../generated/prisma/client.js';
import { appendAuditEvent } from './audit.js';
import type { DbClient } from './db-client.js';
import { inTransaction } from './db-client.js';

/**
 * Creates the session of a successful login and its `auth.login` audit event, in one transaction. A login
 * from a browser that still held a session replaces it: `replacesSessionId` is revoked in the same
 * transaction (and named in the event).
 */
export function createLoginSession(
  db: DbClient,
  input: { secretHash: string; userId: string; expiresAt: Date; replacesSessionId?: string | null },
): Promise<Session> {
  const { replacesSessionId = null, ...data } = input;
  return inTransaction(db, async (tx) => {
    const replaced =
      replacesSessionId === null
        ? 0
        : (
            await tx.session.updateMany({
              where: { id: replacesSessionId, revokedAt: null },
              data: { revokedAt: new Date() },
            })
          ).count;
    const session = await tx.session.create({ data });
    await appendAuditEvent(tx, {
      projectId: null,
      actor: `user:${input.userId}`,
      action: 'auth.login',
      subjectType: 'session',
      subjectId: session.id,
      payload: {
        expiresAt: session.expiresAt.toISOString(),
        ...(replaced > 0 ? { replacedSessionId: replacesSessionId } : {}),
      },
    });
    return session;
  });
}

/** The session whose secret hashes to `secretHash`, with its user; null when unknown. */
export function findSessionBySecretHash(
  db: DbClient,
  secretHash: string,
): Promise<(Session & { user: User }) | null> {
  return db.session.findUnique({ where: { secretHash }, include: { user: true } });
}

/** Records that the session was used at `at`. */
export async function touchSession(db: DbClient, sessionId: string, at: Date): Promise<void> {
  await db.session.update({ where: { id: sessionId }, data: { lastSeenAt: at } });
}

/**
 * Revokes the session (a revoked one keeps its first revocation time) and appends its `auth.logout`
 * audit event, in one transaction.
 */
export function revokeSession(db: DbClient, input: { sessionId: string; actor: string }): Promise<void> {
  return inTransaction(db, async (tx) => {
    await tx.session.updateMany({
      where: { id: input.sessionId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    await appendAuditEvent(tx, {
      projectId: null,
      actor: input.actor,
      action: 'auth.logout',
      subjectType: 'session',
      subjectId: input.sessionId,
      payload: {},
    });
  });
}

/**
 * Signs a user out everywhere: revokes every live session of theirs, with an `auth.logout_everywhere` audit
 * event, in one transaction. Returns how many were ended.
 */
export function revokeUserSessions(db: DbClient, input: { userId: string; actor: string }): Promise<number> {
  return inTransaction(db, async (tx) => {
    const { count } = await tx.session.updateMany({
      where: { userId: input.userId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    await appendAuditEvent(tx, {
      projectId: null,
      actor: input.actor,
      action: 'auth.logout_everywhere',
      subjectType: 'user',
      subjectId: input.userId,
      payload: { sessionsEnded: count },
    });
    return count;
  });
}
