// Browser sessions: iron-session seals a random session secret into an httpOnly, SameSite=Lax cookie; the
// secret's sha256 names a row in `sessions`, so logging out (or revoking the row) ends the session even
// though the cookie itself would still unseal. The cookie carries nothing else.
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

/** Creates a session for `userId` (audited as its login) and sets its cookie on `resHeaders`. */
export async function startSession(
  db: Db,
  userId: string,
  headers: Headers,
  resHeaders: Headers,
  settings: SessionSettings,
): Promise<Session> {
  const secret = newSecret('mss_');
  const row = await createLoginSession(db, {
    secretHash: secretHash(secret),
    userId,
    expiresAt: new Date(Date.now() + settings.ttlSeconds * 1000),
  });
  const { session, flush } = await cookieSession(headers, resHeaders, settings);
  session.sid = secret;
  await session.save();
  flush();
  return row;
}

/**
 * The live session a request's cookie names, with its user; null when there is no cookie, it does not
 * unseal (forged, other secret, expired seal), or its row is unknown, revoked or expired.
 */
export async function currentSession(
  db: Db,
  headers: Headers,
  settings: SessionSettings,
): Promise<{ session: Session; user: User } | null> {
  if (!headers.get('cookie')?.includes(`${SESSION_COOKIE}=`)) return null;
  const sid = await cookieSession(headers, new Headers(), settings).then(
    ({ session }) => session.sid,
    () => undefined, // a malformed seal is no session, not a server error
  );
  if (typeof sid !== 'string') return null;
  const row = await findSessionBySecretHash(db, secretHash(sid));
  const now = new Date();
  if (row === null || row.revokedAt !== null || row.expiresAt <= now) return null;
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
  const { session, flush } = await cookieSession(headers, resHeaders, settings);
  session.destroy();
  flush();
}
