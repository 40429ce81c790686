// User accounts: looked up by email or id, listed for administrators, and created with their first
// memberships and an audit event in one transaction. Password hashing is the caller's (packages/api).
import type { User } from '../generated/prisma/client.js';
import type { Role } from '../generated/prisma/enums.js';
import { appendAuditEvent } from './audit.js';
import type { DbClient } from './db-client.js';
import { inTransaction } from './db-client.js';

/** The fields of a user anyone may be shown (never the password hash). */
export const USER_VIEW = { id: true, email: true, displayName: true, createdAt: true } as const;

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
}

/**
 * Creates the user, its memberships and a `user.create` audit event in one transaction. A registered
 * email fails on the unique index (the caller checks first to say so).
 */
export function createUserAccount(db: DbClient, input: CreateUserAccountInput): Promise<User> {
  return inTransaction(db, async (tx) => {
    const user = await tx.user.create({
      data: { email: input.email, passwordHash: input.passwordHash, displayName: input.displayName },
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
      },
    });
    return user;
  });
}
