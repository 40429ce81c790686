// Memberships: a user's role in a project. Changing one is audited; a project never loses its last admin.
import { LastAdminError } from '../errors.js';
import type { Membership, Project } from '../generated/prisma/client.js';
import type { Role } from '../generated/prisma/enums.js';
import { appendAuditEvent } from './audit.js';
import type { DbClient } from './db-client.js';
import { inTransaction } from './db-client.js';
import { USER_VIEW, type UserView } from './users.js';

/** A membership with its project. */
export type MembershipWithProject = Membership & { project: Project };

/** A project member as administrators see them. */
export interface ProjectMember {
  role: Role;
  createdAt: Date;
  user: UserView;
}

/** The user's role in the project; null when not a member. */
export async function membershipRole(db: DbClient, userId: string, projectId: string): Promise<Role | null> {
  const membership = await db.membership.findUnique({
    where: { userId_projectId: { userId, projectId } },
    select: { role: true },
  });
  return membership?.role ?? null;
}

/**
 * The user's memberships with their projects, by project slug; only the one in `onlyProjectId` when given
 * (an API token acts in its own project alone).
 */
export function membershipsOfUser(
  db: DbClient,
  userId: string,
  onlyProjectId?: string,
): Promise<MembershipWithProject[]> {
  return db.membership.findMany({
    where: { userId, ...(onlyProjectId === undefined ? {} : { projectId: onlyProjectId }) },
    include: { project: true },
    orderBy: { project: { slug: 'asc' } },
  });
}

/** The project's members (shown fields only) with their roles, by email. */
export function projectMembers(db: DbClient, projectId: string): Promise<ProjectMember[]> {
  return db.membership.findMany({
    where: { projectId },
    select: { role: true, createdAt: true, user: { select: USER_VIEW } },
    orderBy: { user: { email: 'asc' } },
  });
}

export interface SetMembershipInput {
  projectId: string;
  /** The project's slug, for messages. */
  projectSlug: string;
  userId: string;
  /** The new role; null removes the user from the project. */
  role: Role | null;
  /** Who changes it, for the audit log. */
  actor: string;
}

/**
 * Gives the user `role` in the project, changes it, or (null) removes them, with a `membership.set`
 * audit event, in one transaction. Throws LastAdminError when it would leave the project without an admin.
 */
export function setMembership(db: DbClient, input: SetMembershipInput): Promise<void> {
  const { projectId, userId, role } = input;
  const where = { userId_projectId: { userId, projectId } };
  return inTransaction(db, async (tx) => {
    const current = await tx.membership.findUnique({ where });
    if (current?.role === 'admin' && role !== 'admin') {
      const admins = await tx.membership.count({ where: { projectId, role: 'admin' } });
      if (admins === 1) throw new LastAdminError(input.projectSlug, userId);
    }
    if (role === null) await tx.membership.deleteMany({ where: { userId, projectId } });
    else await tx.membership.upsert({ where, update: { role }, create: { userId, projectId, role } });
    await appendAuditEvent(tx, {
      projectId,
      actor: input.actor,
      action: 'membership.set',
      subjectType: 'user',
      subjectId: userId,
      payload: { role },
    });
  });
}

/**
 * Makes the user a member of the project with `role` unless they already are one (whatever their role
 * there): the local stack's sign-ins (`medsweep web start`). It appends no audit event; admins change
 * roles through setMembership, which does.
 */
export async function ensureMembership(
  db: DbClient,
  input: { userId: string; projectId: string; role: Role },
): Promise<void> {
  const { userId, projectId, role } = input;
  await db.membership.upsert({
    where: { userId_projectId: { userId, projectId } },
    update: {},
    create: { userId, projectId, role },
  });
}
