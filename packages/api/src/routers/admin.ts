// Administration: user accounts (an admin of any project), memberships and API tokens (an admin of the
// project). Every change is written to the audit log.
import {
  findUserById,
  listProjectApiTokens,
  listUsers,
  projectMembers,
  revokeApiToken,
  setMembership,
} from '@medsweep/db';
import { Role } from '@medsweep/db/types';
import { z } from 'zod';
import { createApiToken } from '../auth/api-tokens.js';
import { holdsAnywhere, actorOf } from '../auth/principal.js';
import { createUser } from '../auth/users.js';
import { AccessDeniedError, UserNotFoundError } from '../errors.js';
import { email, label, password, projectInput, uuid } from '../inputs.js';
import { projectBySlug, projectOfToken } from '../locate.js';
import { authedProcedure, projectProcedure, router } from '../trpc.js';

/** Instance-wide user administration: the caller must be an admin somewhere. */
const userAdminProcedure = authedProcedure.use(async ({ ctx, next }) => {
  if (!(await holdsAnywhere(ctx.db, ctx.principal, 'users.manage'))) {
    throw new AccessDeniedError('(any)', 'users.manage', null);
  }
  return next();
});

export const adminRouter = router({
  createUser: userAdminProcedure
    .input(z.strictObject({ email, password, displayName: label(200).optional() }))
    .mutation(async ({ ctx, input }) => {
      const user = await createUser(ctx.db, { ...input, actor: actorOf(ctx.principal) });
      return { id: user.id, email: user.email, displayName: user.displayName, createdAt: user.createdAt };
    }),

  listUsers: userAdminProcedure.query(({ ctx }) => listUsers(ctx.db)),

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

  /** Creates an API token for a user (default: the caller); its secret is in the answer and nowhere else. */
  createToken: projectProcedure(
    projectInput.extend({
      name: label(100),
      role: z.enum(Role),
      userId: uuid.optional(),
      /** Days until it expires; omitted: never. */
      expiresInDays: z.number().int().min(1).max(3650).optional(),
    }),
    'tokens.manage',
    projectBySlug,
  ).mutation(async ({ ctx, input }) => {
    const { project } = ctx.located;
    const userId = input.userId ?? ctx.principal.userId;
    if ((await findUserById(ctx.db, userId)) === null) throw new UserNotFoundError(userId);
    const expiresAt =
      input.expiresInDays === undefined ? null : new Date(Date.now() + input.expiresInDays * 86_400_000);
    const { secret, token } = await createApiToken(ctx.db, {
      userId,
      projectId: project.id,
      projectSlug: project.slug,
      role: input.role,
      name: input.name,
      expiresAt,
      actor: actorOf(ctx.principal),
    });
    return { id: token.id, name: token.name, role: token.role, expiresAt: token.expiresAt, secret };
  }),

  /** The project's tokens (never their secrets or hashes). */
  listTokens: projectProcedure(projectInput, 'tokens.manage', projectBySlug).query(({ ctx }) =>
    listProjectApiTokens(ctx.db, ctx.located.project.id),
  ),

  revokeToken: projectProcedure(
    projectInput.extend({ tokenId: uuid }),
    'tokens.manage',
    projectOfToken,
  ).mutation(async ({ ctx }) => {
    const { token } = ctx.located;
    const revokedAt = token.revokedAt ?? new Date();
    await revokeApiToken(ctx.db, { tokenId: token.id, revokedAt, actor: actorOf(ctx.principal) });
    return { id: token.id, revokedAt };
  }),
});
