// Browser sessions: iron-session seals a random session secret into an httpOnly, SameSite=Lax cookie; the
// secret's sha256 names a row in `sessions`, so logging out (or revoking the row) ends the session even
// though the cookie itself would still unseal. The cookie carries nothing else. A session ends at its
// expiry, after `idleSeconds` without use, when revoked (logout, sign-out everywhere, a password change
// elsewhere, the user disabled), or when the same browser signs in again (the new login replaces it).
import type { Db } from '@medsweep/db';
import { createLoginSession, findSessionBySecretHash, revokeSession, touchSession } from '@medsweep/db';
import type { Session, User } from '@medsweep/db/types';
import { getIronSession } from 'iron-session';
import type { SessionOptions } from 'iron-session';
import { newSecret, secretHash } from './secrets.js';

/** The session cookie's name. */
export const SESSION_COOKIE = 'medsweep_session';

/** A session row's lastSeenAt is refreshed at most this often, not on every request. */
const LAST_SEEN_RESOLUTION_MS = 60_000;

export interface SessionSettings {
  /** Password iron-session seals the cookie with: at least 32 characters (config auth.sessionSecret). */
  secret: string;
  /** How long a login lasts; the cookie expires a minute earlier. */
  ttlSeconds: number;
  /** A session unused for this long is no longer accepted (config auth.sessionIdleSeconds). */
  idleSeconds: number;
  /** Send the cookie only over HTTPS. */
  secure: boolean;
}

interface SessionCookie {
  /** The session secret (prefix `mss_`), whose sha256 is `sessions.secret_hash`. */
  sid?: string;
}

function sessionOptions(settings: SessionSettings): SessionOptions {
  return {
    cookieName: SESSION_COOKIE,
    password: settings.secret,
    ttl: settings.ttlSeconds,
    cookieOptions: { httpOnly: true, sameSite: 'lax', secure: settings.secure, path: '/' },
  };
}

/**
 * The sealed cookie of a request. iron-session writes Set-Cookie onto a Response; `flush` copies it to the
 * response headers the API hands back (tRPC's resHeaders).
 */
async function cookieSession(headers: Headers, resHeaders: Headers, settings: SessionSettings) {
  const carrier = new Response(null);
  const request = new Request('http://medsweep.invalid/', {
    headers: { cookie: headers.get('cookie') ?? '' },
  });
  const session = await getIronSession<SessionCookie>(request, carrier, sessionOptions(settings));
  const flush = () => {
    for (const cookie of carrier.headers.getSetCookie()) resHeaders.append('set-cookie', cookie);
  };
  return { session, flush };
}

/** The session row a request's cookie names, whatever its state; null without a readable cookie. */
async function cookieSessionRow(db: Db, headers: Headers, settings: SessionSettings) {
  if (!headers.get('cookie')?.includes(`${SESSION_COOKIE}=`)) return null;
  const sid = await cookieSession(headers, new Headers(), settings).then(
    ({ session }) => session.sid,
    () => undefined, // a malformed seal is no session, not a server error
  );
  return typeof sid === 'string' ? findSessionBySecretHash(db, secretHash(sid)) : null;
}

/**
 * Creates a session for `userId` (audited as its login) and sets its cookie on `resHeaders`. A session the
 * request's cookie still names (this browser's previous login, whoever it was) is revoked with it: one
 * browser, one session, and a cookie planted before the login is worth nothing after it.
 */
export async function startSession(
  db: Db,
  userId: string,
  headers: Headers,
  resHeaders: Headers,
  settings: SessionSettings,
): Promise<Session> {
  const secret = newSecret('mss_');
  const previous = await cookieSessionRow(db, headers, settings);
  const row = await createLoginSession(db, {
    secretHash: secretHash(secret),
    userId,
    expiresAt: new Date(Date.now() + settings.ttlSeconds * 1000),
    replacesSessionId: previous?.id ?? null,
  });
  const { session, flush } = await cookieSession(headers, resHeaders, settings);
  session.sid = secret;
  await session.save();
  flush();
  return row;
}

/**
 * The live session a request's cookie names, with its user; null when there is no cookie, it does not
 * unseal (forged, other secret, expired seal), or its row is unknown, revoked, expired or idle too long.
 */
export async function currentSession(
  db: Db,
  headers: Headers,
  settings: SessionSettings,
): Promise<{ session: Session; user: User } | null> {
  const row = await cookieSessionRow(db, headers, settings);
  const now = new Date();
  if (row === null || row.revokedAt !== null || row.expiresAt <= now) return null;
  // lastSeenAt is refreshed once a minute at most: idleness is known to within that minute.
  const lastUse = row.lastSeenAt ?? row.createdAt;
  if (now.getTime() - lastUse.getTime() > settings.idleSeconds * 1000) return null;
  if (row.lastSeenAt === null || now.getTime() - row.lastSeenAt.getTime() > LAST_SEEN_RESOLUTION_MS) {
    await touchSession(db, row.id, now);
  }
  const { user, ...session } = row;
  return { session, user };
}

/** Revokes the session row (audited as a logout by `actor`) and clears the cookie on `resHeaders`. */
export async function endSession(
  db: Db,
  sessionId: string,
  actor: string,
  headers: Headers,
  resHeaders: Headers,
  settings: SessionSettings,
): Promise<void> {
  await revokeSession(db, { sessionId, actor });
  await clearSessionCookie(headers, resHeaders, settings);
}

/** Clears the session cookie on `resHeaders` (its row is the caller's to revoke). */
export async function clearSessionCookie(
  headers: Headers,
  resHeaders: Headers,
  settings: SessionSettings,
): Promise<void> {
  const { session, flush } = await cookieSession(headers, resHeaders, settings);
  session.destroy();
  flush();
}
