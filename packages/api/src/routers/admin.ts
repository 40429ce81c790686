// Administration: user accounts (an admin of any project), memberships and API tokens (an admin of the
// project). Every change is written to the audit log.
import { appendAuditEvent } from '@medsweep/db';
import { Role } from '@medsweep/db/types';
import { z } from 'zod';
import { createApiToken } from '../auth/api-tokens.js';
import { holdsAnywhere, actorOf } from '../auth/principal.js';
import { createUser } from '../auth/users.js';
import { AccessDeniedError, LastAdminError, UserNotFoundError } from '../errors.js';
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

const userView = { id: true, email: true, displayName: true, createdAt: true } as const;

export const adminRouter = router({
  createUser: userAdminProcedure
    .input(z.strictObject({ email, password, displayName: label(200).optional() }))
    .mutation(async ({ ctx, input }) => {
      const user = await createUser(ctx.db, { ...input, actor: actorOf(ctx.principal) });
      return { id: user.id, email: user.email, displayName: user.displayName, createdAt: user.createdAt };
    }),

  listUsers: userAdminProcedure.query(({ ctx }) =>
    ctx.db.user.findMany({
      select: {
        ...userView,
        memberships: { select: { role: true, project: { select: { slug: true } } } },
      },
      orderBy: { email: 'asc' },
    }),
  ),

  /** A project's members and their roles. */
  listMemberships: projectProcedure(projectInput, 'members.manage', projectBySlug).query(({ ctx }) =>
    ctx.db.membership.findMany({
      where: { projectId: ctx.located.project.id },
      select: { role: true, createdAt: true, user: { select: userView } },
      orderBy: { user: { email: 'asc' } },
    }),
  ),

  /** Gives a user a role in the project, changes it, or (role null) removes them from it. */
  setMembership: projectProcedure(
    projectInput.extend({ userId: uuid, role: z.enum(Role).nullable() }),
    'members.manage',
    projectBySlug,
  ).mutation(async ({ ctx, input }) => {
    const { project } = ctx.located;
    const user = await ctx.db.user.findUnique({ where: { id: input.userId } });
    if (user === null) throw new UserNotFoundError(input.userId);
    const where = { userId_projectId: { userId: user.id, projectId: project.id } };
    await ctx.db.$transaction(async (tx) => {
      const current = await tx.membership.findUnique({ where });
      if (current?.role === 'admin' && input.role !== 'admin') {
        const admins = await tx.membership.count({ where: { projectId: project.id, role: 'admin' } });
        if (admins === 1) throw new LastAdminError(project.slug, user.id);
      }
      if (input.role === null)
        await tx.membership.deleteMany({ where: { userId: user.id, projectId: project.id } });
      else {
        await tx.membership.upsert({
          where,
          update: { role: input.role },
          create: { userId: user.id, projectId: project.id, role: input.role },
        });
      }
      await appendAuditEvent(tx, {
        projectId: project.id,
        actor: actorOf(ctx.principal),
        action: 'membership.set',
        subjectType: 'user',
        subjectId: user.id,
        payload: { role: input.role },
      });
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
    if ((await ctx.db.user.findUnique({ where: { id: userId } })) === null)
      throw new UserNotFoundError(userId);
    const expiresAt =
      input.expiresInDays === undefined ? null : new Date(Date.now() + input.expiresInDays * 86_400_000);
    const { secret, token } = await createApiToken(ctx.db, {
      userId,
      projectId: project.id,
      projectSlug: project.slug,
      role: input.role,
      name: input.name,
      expiresAt,
    });
    await appendAuditEvent(ctx.db, {
      projectId: project.id,
      actor: actorOf(ctx.principal),
      action: 'token.create',
      subjectType: 'api_token',
      subjectId: token.id,
      payload: { name: token.name, userId, role: token.role, expiresAt: expiresAt?.toISOString() ?? null },
    });
    return { id: token.id, name: token.name, role: token.role, expiresAt: token.expiresAt, secret };
  }),

  /** The project's tokens (never their secrets or hashes). */
  listTokens: projectProcedure(projectInput, 'tokens.manage', projectBySlug).query(({ ctx }) =>
    ctx.db.apiToken.findMany({
      where: { projectId: ctx.located.project.id },
      select: {
        id: true,
        name: true,
        role: true,
        createdAt: true,
        expiresAt: true,
        revokedAt: true,
        lastUsedAt: true,
        user: { select: { id: true, email: true } },
      },
      orderBy: { createdAt: 'desc' },
    }),
  ),

  revokeToken: projectProcedure(
    projectInput.extend({ tokenId: uuid }),
    'tokens.manage',
    projectOfToken,
  ).mutation(async ({ ctx }) => {
    const { project, token } = ctx.located;
    const revokedAt = token.revokedAt ?? new Date();
    await ctx.db.$transaction(async (tx) => {
      await tx.apiToken.update({ where: { id: token.id }, data: { revokedAt } });
      await appendAuditEvent(tx, {
        projectId: project.id,
        actor: actorOf(ctx.principal),
        action: 'token.revoke',
        subjectType: 'api_token',
        subjectId: token.id,
        payload: { name: token.name },
      });
    });
    return { id: token.id, revokedAt };
  }),
});
