// Signing in and out of the browser dashboard, and who the caller is. Login sets the session cookie on the
// response (resHeaders); API tokens need no login.
import { findUserByEmail, findUserView, recordFailedLogin } from '@medsweep/db';
import { z } from 'zod';
import { verifyPassword } from '../auth/passwords.js';
import { assertLoginAllowed } from '../auth/login-attempts.js';
import { actorOf, membershipsOf } from '../auth/principal.js';
import { endSession, startSession } from '../auth/session.js';
import { InvalidCredentialsError, UserNotFoundError } from '../errors.js';
import { email } from '../inputs.js';
import { authedProcedure, publicProcedure, router } from '../trpc.js';

export const authRouter = router({
  /**
   * Checks email and password and sets the session cookie. Unknown email and wrong password look alike; both
   * are audited, and an email with too many recent failures is refused without checking (TOO_MANY_REQUESTS).
   */
  login: publicProcedure
    // The password is only checked against its hash here: length limits only bound the hashing work.
    .input(z.strictObject({ email, password: z.string().min(1).max(256, 'must be at most 256 characters') }))
    .mutation(async ({ ctx, input }) => {
      const email = input.email.toLowerCase();
      await assertLoginAllowed(ctx.db, email);
      const user = await findUserByEmail(ctx.db, email);
      if (!(await verifyPassword(user?.passwordHash ?? null, input.password)) || user === null) {
        await recordFailedLogin(ctx.db, email, user?.id ?? null);
        throw new InvalidCredentialsError();
      }
      const session = await startSession(ctx.db, user.id, ctx.headers, ctx.resHeaders, ctx.session);
      return {
        user: { id: user.id, email: user.email, displayName: user.displayName },
        expiresAt: session.expiresAt,
      };
    }),

  /** Ends the browser session (its row is revoked, the cookie cleared). With an API token it does nothing. */
  logout: authedProcedure.mutation(async ({ ctx }) => {
    const { principal } = ctx;
    if (principal.kind !== 'session') return { sessionEnded: false };
    await endSession(
      ctx.db,
      principal.sessionId,
      actorOf(principal),
      ctx.headers,
      ctx.resHeaders,
      ctx.session,
    );
    return { sessionEnded: true };
  }),

  /** The caller: user, how they are signed in, and their role in each project they can act in. */
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
      memberships: memberships.map((m) => ({ project: m.project.slug, name: m.project.name, role: m.role })),
    };
  }),
});
