// Signing in and out of the browser dashboard, changing one's password, who the caller is, and one's own
// API tokens (made, listed and revoked from a browser session; signing out with a token revokes it). Login
// sets the session cookie on the response (resHeaders); API tokens need no login.
import {
  changePasswordHash,
  clearLoginThrottle,
  findUserApiToken,
  findUserByEmail,
  findUserById,
  findUserView,
  listUserApiTokens,
  recordFailedLogin,
  revokeUserSessions,
} from '@medsweep/db';
import type { Db } from '@medsweep/db';
import { Role } from '@medsweep/db/types';
import { z } from 'zod';
import { issueApiToken, revokeToken } from '../auth/api-tokens.js';
import { OWN_TOKEN_DAYS } from '../auth/permissions.js';
import { UNKNOWN_CLIENT_ADDRESS } from '../auth/client-address.js';
import { chargeLogin } from '../auth/login-attempts.js';
import { hashPassword, verifyPassword } from '../auth/passwords.js';
import { actorOf, instanceAccess, membershipsOf } from '../auth/principal.js';
import { clearSessionCookie, endSession, startSession } from '../auth/session.js';
import {
  AccountDisabledError,
  InvalidCredentialsError,
  TokenNotFoundError,
  TooManyLoginAttemptsError,
  UserNotFoundError,
  WrongPasswordError,
} from '../errors.js';
import { email, label, password, projectInput, uuid } from '../inputs.js';
import { projectBySlug } from '../locate.js';
import type { Context } from '../trpc.js';
import { authedProcedure, publicProcedure, requireAccess, router, sessionProcedure } from '../trpc.js';

/** A password as typed at sign-in: only checked against its hash, so the limit only bounds hashing work. */
const typedPassword = z.string().min(1).max(256, 'must be at most 256 characters');

/**
 * Checks `typed` against `email`'s password, charged to the sign-in throttle of (email, client address)
 * first: a wait running refuses it unchecked (TooManyLoginAttemptsError, with Retry-After on the response).
 * A failure is audited; a success forgets the address's count. Returns the user when it matched.
 */
async function checkPassword(
  ctx: Pick<Context, 'db' | 'clientAddress' | 'resHeaders'>,
  emailAddress: string,
  typed: string,
) {
  const key = { email: emailAddress, address: ctx.clientAddress };
  try {
    await chargeLogin(ctx.db, key);
  } catch (e) {
    if (e instanceof TooManyLoginAttemptsError) {
      ctx.resHeaders.set(
        'retry-after',
        String(Math.max(1, Math.ceil((e.retryAt.getTime() - Date.now()) / 1000))),
      );
    }
    throw e;
  }
  const user = await findUserByEmail(ctx.db, emailAddress);
  if (!(await verifyPassword(user?.passwordHash ?? null, typed)) || user === null) {
    const address = ctx.clientAddress === UNKNOWN_CLIENT_ADDRESS ? undefined : ctx.clientAddress;
    await recordFailedLogin(ctx.db, emailAddress, user?.id ?? null, address);
    return null;
  }
  await clearLoginThrottle(ctx.db, key);
  return user;
}

async function userOf(db: Db, userId: string) {
  const user = await findUserById(db, userId);
  if (user === null) throw new UserNotFoundError(userId);
  return user;
}

export const authRouter = router({
  /**
   * Checks email and password and sets the session cookie (replacing the session this browser had).
   * Unknown email and wrong password look alike; both are audited. Attempts are throttled per email and
   * client address (TOO_MANY_REQUESTS while a wait runs); a disabled account is refused after its password
   * matched (FORBIDDEN).
   */
  login: publicProcedure
    .input(z.strictObject({ email, password: typedPassword }))
    .mutation(async ({ ctx, input }) => {
      const user = await checkPassword(ctx, input.email.toLowerCase(), input.password);
      if (user === null) throw new InvalidCredentialsError();
      if (user.disabledAt !== null) throw new AccountDisabledError();
      const session = await startSession(ctx.db, user.id, ctx.headers, ctx.resHeaders, ctx.session);
      return {
        user: { id: user.id, email: user.email, displayName: user.displayName },
        expiresAt: session.expiresAt,
      };
    }),

  /**
   * Signs the caller out: a browser session ends (its row is revoked, the cookie cleared); an API token is
   * revoked, so the same secret is refused from then on, wherever it was copied to.
   */
  logout: authedProcedure.mutation(async ({ ctx }) => {
    const { principal } = ctx;
    if (principal.kind === 'token') {
      await revokeToken(ctx.db, { id: principal.tokenId, revokedAt: null }, actorOf(principal));
      return { sessionEnded: false, tokenRevoked: true };
    }
    await endSession(
      ctx.db,
      principal.sessionId,
      actorOf(principal),
      ctx.headers,
      ctx.resHeaders,
      ctx.session,
    );
    return { sessionEnded: true, tokenRevoked: false };
  }),

  /** Ends every session of the caller, on every device, this one included. */
  logoutEverywhere: sessionProcedure.mutation(async ({ ctx }) => {
    const sessionsEnded = await revokeUserSessions(ctx.db, {
      userId: ctx.principal.userId,
      actor: actorOf(ctx.principal),
    });
    await clearSessionCookie(ctx.headers, ctx.resHeaders, ctx.session);
    return { sessionsEnded };
  }),

  /**
   * Changes the caller's password, given the current one (throttled like a sign-in), and ends every other
   * session of theirs; this one stays signed in.
   */
  changePassword: sessionProcedure
    .input(z.strictObject({ currentPassword: typedPassword, newPassword: password }))
    .mutation(async ({ ctx, input }) => {
      const { principal } = ctx;
      const user = await userOf(ctx.db, principal.userId);
      if ((await checkPassword(ctx, user.email, input.currentPassword)) === null)
        throw new WrongPasswordError();
      const otherSessionsEnded = await changePasswordHash(ctx.db, {
        userId: user.id,
        passwordHash: await hashPassword(input.newPassword),
        keepSessionId: principal.sessionId,
        actor: actorOf(principal),
      });
      return { otherSessionsEnded };
    }),

  /** The caller: user, how they are signed in, its instance role, and its role in each of its projects. */
  me: authedProcedure.query(async ({ ctx }) => {
    const { principal } = ctx;
    const user = await findUserView(ctx.db, principal.userId);
    if (user === null) throw new UserNotFoundError(principal.userId);
    const memberships = await membershipsOf(ctx.db, principal);
    return {
      user,
      via: principal.kind,
      /** For an API token: the role it acts with (narrowed by the user's role). */
      tokenRole: principal.kind === 'token' ? principal.role : null,
      /** The user's role over the whole instance (auditor, admin), if any. */
      instanceRole: principal.instanceRole,
      /** What the caller may do over the instance (an API token: only what its own role carries). */
      instanceActions: [...(await instanceAccess(ctx.db, principal))],
      memberships: memberships.map((m) => ({ project: m.project.slug, name: m.project.name, role: m.role })),
    };
  }),

  /**
   * Creates an API token of the caller in a project they are a member of, with their role there or a
   * smaller one, expiring after `expiresInDays` (90 by default, a year at most). Only through a browser
   * session: a token cannot mint tokens. The secret is in the answer and nowhere else.
   */
  createToken: sessionProcedure
    .input(
      projectInput.extend({
        name: label(100),
        /** Omitted: the caller's role in the project. */
        role: z.enum(Role).optional(),
        expiresInDays: z
          .number()
          .int()
          .min(1)
          .max(OWN_TOKEN_DAYS.max, `must be at most ${OWN_TOKEN_DAYS.max} days`)
          .default(OWN_TOKEN_DAYS.default),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { project } = await projectBySlug(ctx.db, input);
      // A member of any role may make a token; one who is not a member is refused here.
      const access = await requireAccess(ctx, project, 'project.read');
      return issueApiToken(ctx.db, {
        userId: ctx.principal.userId,
        project,
        role: input.role ?? access.role!,
        name: input.name,
        expiresInDays: input.expiresInDays,
        actor: actorOf(ctx.principal),
      });
    }),

  /** The caller's own API tokens in every project, newest first (never their secrets or hashes). */
  listTokens: sessionProcedure.query(({ ctx }) => listUserApiTokens(ctx.db, ctx.principal.userId)),

  /** Revokes one of the caller's own API tokens; another user's is NOT_FOUND. */
  revokeToken: sessionProcedure.input(z.strictObject({ tokenId: uuid })).mutation(async ({ ctx, input }) => {
    const token = await findUserApiToken(ctx.db, ctx.principal.userId, input.tokenId);
    if (token === null) throw new TokenNotFoundError(input.tokenId, null);
    return revokeToken(ctx.db, token, actorOf(ctx.principal));
  }),
});
