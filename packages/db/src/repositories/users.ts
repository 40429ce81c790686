// User accounts: looked up by email or id, listed for administrators, and created with their first
// memberships and an audit event in one transaction. Password hashing is the caller's (packages/api).
import { LastInstanceAdminError } from '../errors.js';
import type { User } from '../generated/prisma/client.js';
import type { InstanceRole, Role } from '../generated/prisma/enums.js';
import { appendAuditEvent } from './audit.js';
import type { DbClient } from './db-client.js';
import { inTransaction } from './db-client.js';

/** The fields of a user anyone may be shown (never the password hash). */
export const USER_VIEW = {
  id: true,
  email: true,
  displayName: true,
  instanceRole: true,
  disabledAt: true,
  createdAt: true,
} as const;

export type UserView = Pick<User, keyof typeof USER_VIEW>;

export function findUserByEmail(db: DbClient, email: string): Promise<User | null> {
  return db.user.findUnique({ where: { email } });
}

export function findUserById(db: DbClient, userId: string): Promise<User | null> {
  return db.user.findUnique({ where: { id: userId } });
}

/** The user's shown fields, or null. */
export function findUserView(db: DbClient, userId: string): Promise<UserView | null> {
  return db.user.findUnique({ where: { id: userId }, select: USER_VIEW });
}

/** Whether any account exists (a fresh install has none until its first admin is bootstrapped). */
export async function hasUsers(db: DbClient): Promise<boolean> {
  return (await db.user.count()) > 0;
}

/** A user as administrators list them: shown fields and their role in each project (by slug). */
export type ListedUser = UserView & { memberships: { role: Role; project: { slug: string } }[] };

/** Every user by email, each with its role in each project (by slug). */
export function listUsers(db: DbClient): Promise<ListedUser[]> {
  return db.user.findMany({
    select: { ...USER_VIEW, memberships: { select: { role: true, project: { select: { slug: true } } } } },
    orderBy: { email: 'asc' },
  });
}

export interface CreateUserAccountInput {
  /** Already normalised (trimmed, lower-case). */
  email: string;
  /** argon2id hash of the password. */
  passwordHash: string;
  displayName: string | null;
  /** Who creates it (`user:<id>`, `token:<id>`, `cli:<name>`, `system:bootstrap`). */
  actor: string;
  /** Roles granted right away, by project id. */
  memberships: readonly { projectId: string; role: Role }[];
  /** A role over the whole instance (the first admin of a fresh install is the instance admin). */
  instanceRole?: InstanceRole | null;
}

/**
 * Creates the user, its memberships and a `user.create` audit event in one transaction. A registered
 * email fails on the unique index (the caller checks first to say so).
 */
export function createUserAccount(db: DbClient, input: CreateUserAccountInput): Promise<User> {
  return inTransaction(db, async (tx) => {
    const user = await tx.user.create({
      data: {
        email: input.email,
        passwordHash: input.passwordHash,
        displayName: input.displayName,
        instanceRole: input.instanceRole ?? null,
      },
    });
    for (const m of input.memberships) {
      await tx.membership.create({ data: { userId: user.id, projectId: m.projectId, role: m.role } });
    }
    await appendAuditEvent(tx, {
      projectId: null,
      actor: input.actor,
      action: 'user.create',
      subjectType: 'user',
      subjectId: user.id,
      payload: {
        email: input.email,
        memberships: input.memberships.map((m) => ({ projectId: m.projectId, role: m.role })),
        ...(input.instanceRole ? { instanceRole: input.instanceRole } : {}),
      },
    });
    return user;
  });
}

/** Fails when `userId` is the only enabled instance admin (called inside the changing transaction). */
async function assertNotLastInstanceAdmin(tx: DbClient, userId: string): Promise<void> {
  const others = await tx.user.count({
    where: { instanceRole: 'admin', disabledAt: null, id: { not: userId } },
  });
  const self = await tx.user.findUnique({
    where: { id: userId },
    select: { instanceRole: true, disabledAt: true },
  });
  if (self?.instanceRole === 'admin' && self.disabledAt === null && others === 0) {
    throw new LastInstanceAdminError(userId);
  }
}

/**
 * Gives a user an instance role, or (null) takes it away, with a `user.instance_role` audit event, in one
 * transaction. Throws LastInstanceAdminError when it would leave no enabled instance admin.
 */
export function setInstanceRole(
  db: DbClient,
  input: { userId: string; role: InstanceRole | null; actor: string },
): Promise<void> {
  return inTransaction(db, async (tx) => {
    if (input.role !== 'admin') await assertNotLastInstanceAdmin(tx, input.userId);
    await tx.user.update({ where: { id: input.userId }, data: { instanceRole: input.role } });
    await appendAuditEvent(tx, {
      projectId: null,
      actor: input.actor,
      action: 'user.instance_role',
      subjectType: 'user',
      subjectId: input.userId,
      payload: { role: input.role },
    });
  });
}

/**
 * Disables a user (no sign-in, no session, no API token of theirs is accepted; their sessions are revoked)
 * or enables them again, with a `user.disable` / `user.enable` audit event, in one transaction. Throws
 * LastInstanceAdminError when it would disable the last enabled instance admin.
 */
export function setUserDisabled(
  db: DbClient,
  input: { userId: string; disabled: boolean; actor: string },
): Promise<void> {
  return inTransaction(db, async (tx) => {
    const now = new Date();
    if (input.disabled) await assertNotLastInstanceAdmin(tx, input.userId);
    await tx.user.update({ where: { id: input.userId }, data: { disabledAt: input.disabled ? now : null } });
    const { count } = input.disabled
      ? await tx.session.updateMany({
          where: { userId: input.userId, revokedAt: null },
          data: { revokedAt: now },
        })
      : { count: 0 };
    await appendAuditEvent(tx, {
      projectId: null,
      actor: input.actor,
      action: input.disabled ? 'user.disable' : 'user.enable',
      subjectType: 'user',
      subjectId: input.userId,
      payload: input.disabled ? { sessionsEnded: count } : {},
    });
  });
}

/**
 * Replaces a user's password hash and revokes every session of theirs but `keepSessionId` (the one that
 * changed it), with a `user.password_change` audit event, in one transaction. Returns the sessions ended.
 */
export function changePasswordHash(
  db: DbClient,
  input: { userId: string; passwordHash: string; keepSessionId: string | null; actor: string },
): Promise<number> {
  return inTransaction(db, async (tx) => {
    await tx.user.update({ where: { id: input.userId }, data: { passwordHash: input.passwordHash } });
    const { count } = await tx.session.updateMany({
      where: {
        userId: input.userId,
        revokedAt: null,
        ...(input.keepSessionId === null ? {} : { id: { not: input.keepSessionId } }),
      },
      data: { revokedAt: new Date() },
    });
    await appendAuditEvent(tx, {
      projectId: null,
      actor: input.actor,
      action: 'user.password_change',
      subjectType: 'user',
      subjectId: input.userId,
      payload: { sessionsEnded: count },
    });
    return count;
  });
}
