// Administration. Over the whole instance (an instance admin): user accounts, their instance roles, disabling
// them and unlocking their sign-in. Within one project (its admins): memberships and the project's API
// tokens, each token acting as the admin who creates it. Every change is written to the audit log.
import {
  findUserById,
  listProjectApiTokens,
  listUsers,
  projectMembers,
  setInstanceRole,
  setMembership,
  setUserDisabled,
  unlockLogin,
} from '@medsweep/db';
import { InstanceRole, Role } from '@medsweep/db/types';
import { z } from 'zod';
import { issueApiToken, revokeToken } from '../auth/api-tokens.js';
import { actorOf } from '../auth/principal.js';
import { createUser } from '../auth/users.js';
import { UserNotFoundError } from '../errors.js';
import { email, label, password, projectInput, uuid } from '../inputs.js';
import { projectBySlug, projectOfToken } from '../locate.js';
import { instanceProcedure, projectProcedure, requireSession, router } from '../trpc.js';

/** Instance-wide user administration: the caller must be an instance admin. */
const userAdminProcedure = instanceProcedure('instance.users');

export const adminRouter = router({
  createUser: userAdminProcedure
    .input(z.strictObject({ email, password, displayName: label(200).optional() }))
    .mutation(async ({ ctx, input }) => {
      const user = await createUser(ctx.db, { ...input, actor: actorOf(ctx.principal) });
      return { id: user.id, email: user.email, displayName: user.displayName, createdAt: user.createdAt };
    }),

  listUsers: userAdminProcedure.query(({ ctx }) => listUsers(ctx.db)),

  /**
   * Disables a user (their sessions end; no sign-in, session or API token of theirs is accepted) or enables
   * them again. The last enabled instance admin cannot be disabled.
   */
  setUserDisabled: userAdminProcedure
    .input(z.strictObject({ userId: uuid, disabled: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      const user = await findUserById(ctx.db, input.userId);
      if (user === null) throw new UserNotFoundError(input.userId);
      await setUserDisabled(ctx.db, { ...input, actor: actorOf(ctx.principal) });
      return { userId: user.id, disabled: input.disabled };
    }),

  /** Gives a user an instance role (auditor, admin) or takes it away (null); one enabled admin always stays. */
  setInstanceRole: userAdminProcedure
    .input(z.strictObject({ userId: uuid, role: z.enum(InstanceRole).nullable() }))
    .mutation(async ({ ctx, input }) => {
      const user = await findUserById(ctx.db, input.userId);
      if (user === null) throw new UserNotFoundError(input.userId);
      await setInstanceRole(ctx.db, { ...input, actor: actorOf(ctx.principal) });
      return { userId: user.id, role: input.role };
    }),

  /** Forgets the failed sign-ins counted for an email from every address, so its waits end at once. */
  unlockSignIn: userAdminProcedure.input(z.strictObject({ email })).mutation(async ({ ctx, input }) => {
    const addresses = await unlockLogin(ctx.db, {
      email: input.email.toLowerCase(),
      actor: actorOf(ctx.principal),
    });
    return { email: input.email.toLowerCase(), addresses };
  }),

  /** A project's members and their roles. */
  listMemberships: projectProcedure(projectInput, 'members.manage', projectBySlug).query(({ ctx }) =>
    projectMembers(ctx.db, ctx.located.project.id),
  ),

  /** Gives a user a role in the project, changes it, or (role null) removes them from it. */
  setMembership: projectProcedure(
    projectInput.extend({ userId: uuid, role: z.enum(Role).nullable() }),
    'members.manage',
    projectBySlug,
  ).mutation(async ({ ctx, input }) => {
    const { project } = ctx.located;
    const user = await findUserById(ctx.db, input.userId);
    if (user === null) throw new UserNotFoundError(input.userId);
    await setMembership(ctx.db, {
      projectId: project.id,
      projectSlug: project.slug,
      userId: user.id,
      role: input.role,
      actor: actorOf(ctx.principal),
    });
    return { userId: user.id, project: project.slug, role: input.role };
  }),

  /**
   * Creates an API token of the caller (a token always acts as the user who created it, never as someone
   * else); its secret is in the answer and nowhere else. Only through a browser session: a token cannot
   * mint tokens, so a leaked one cannot outlive its revocation or expiry through a successor.
   */
  createToken: projectProcedure(
    projectInput.extend({
      name: label(100),
      role: z.enum(Role),
      /** Days until it expires; omitted: never. */
      expiresInDays: z.number().int().min(1).max(3650).optional(),
    }),
    'tokens.manage',
    projectBySlug,
  )
    .use(requireSession)
    .mutation(({ ctx, input }) =>
      issueApiToken(ctx.db, {
        userId: ctx.principal.userId,
        project: ctx.located.project,
        role: input.role,
        name: input.name,
        expiresInDays: input.expiresInDays,
        actor: actorOf(ctx.principal),
      }),
    ),

  /** The project's tokens (never their secrets or hashes). */
  listTokens: projectProcedure(projectInput, 'tokens.manage', projectBySlug).query(({ ctx }) =>
    listProjectApiTokens(ctx.db, ctx.located.project.id),
  ),

  revokeToken: projectProcedure(
    projectInput.extend({ tokenId: uuid }),
    'tokens.manage',
    projectOfToken,
  ).mutation(({ ctx }) => revokeToken(ctx.db, ctx.located.token, actorOf(ctx.principal))),
});
