// API tokens for the CLI and automation: 32 random bytes shown once, stored as their sha256, bound to one
// project and a role no larger than their user's role there. Expiry and revocation are checked at every
// use, and so is the user's current role (see tokenPermissions).
import type { Db } from '@medsweep/db';
import {
  findApiTokenByHash,
  membershipRole,
  registerApiToken,
  revokeApiToken,
  touchApiToken,
} from '@medsweep/db';
import type { ApiToken, Project, Role, User } from '@medsweep/db/types';
import { TokenRoleNotAllowedError } from '../errors.js';
import { roleWithin } from './permissions.js';
import { newSecret, secretHash } from './secrets.js';

/** Prefix of every API token, so a leaked one is recognisable (and secret scanners can match it). */
export const API_TOKEN_PREFIX = 'mst_';

/** lastUsedAt is refreshed at most this often, not on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;

export interface CreateApiTokenInput {
  userId: string;
  projectId: string;
  /** The project's slug, for messages. */
  projectSlug: string;
  role: Role;
  /** Human label, e.g. `ci-runner`. */
  name: string;
  /** Null: no expiry. */
  expiresAt: Date | null;
  /** Who creates it, for the audit log (`user:<id>`, `token:<id>`, `cli:<name>`, `system:<component>`). */
  actor: string;
}

/**
 * Creates a token (with its audit event). Returns the secret (the only time it exists outside the caller)
 * and the stored row. Throws TokenRoleNotAllowedError when the role would grant more than the user's role
 * in the project.
 */
export async function createApiToken(
  db: Db,
  input: CreateApiTokenInput,
): Promise<{ secret: string; token: ApiToken }> {
  const memberRole = await membershipRole(db, input.userId, input.projectId);
  if (!roleWithin(input.role, memberRole)) {
    throw new TokenRoleNotAllowedError(input.projectSlug, input.role, memberRole);
  }
  const secret = newSecret(API_TOKEN_PREFIX);
  const token = await registerApiToken(db, {
    tokenHash: secretHash(secret),
    name: input.name,
    userId: input.userId,
    projectId: input.projectId,
    role: input.role,
    expiresAt: input.expiresAt,
    actor: input.actor,
  });
  return { secret, token };
}

/** A new token as its creator is told of it: the only answer that holds its secret. */
export interface IssuedApiToken {
  id: string;
  name: string;
  role: Role;
  /** The project's slug. */
  project: string;
  expiresAt: Date | null;
  secret: string;
}

/**
 * Creates a token of `userId` in `project` (createApiToken: audited, role at most the user's there) that
 * expires `expiresInDays` from now, or never when that is undefined.
 */
export async function issueApiToken(
  db: Db,
  input: {
    userId: string;
    project: Project;
    role: Role;
    name: string;
    expiresInDays: number | undefined;
    actor: string;
  },
): Promise<IssuedApiToken> {
  const { project, expiresInDays } = input;
  const { secret, token } = await createApiToken(db, {
    userId: input.userId,
    projectId: project.id,
    projectSlug: project.slug,
    role: input.role,
    name: input.name,
    expiresAt: expiresInDays === undefined ? null : new Date(Date.now() + expiresInDays * 86_400_000),
    actor: input.actor,
  });
  const { id, name, role, expiresAt } = token;
  return { id, name, role, project: project.slug, expiresAt, secret };
}

/**
 * Revokes a token, audited. Revoking it again is recorded again but keeps the first revocation time,
 * which is the one that took effect.
 */
export async function revokeToken(
  db: Db,
  token: Pick<ApiToken, 'id' | 'revokedAt'>,
  actor: string,
): Promise<{ id: string; revokedAt: Date }> {
  const revokedAt = token.revokedAt ?? new Date();
  await revokeApiToken(db, { tokenId: token.id, revokedAt, actor });
  return { id: token.id, revokedAt };
}

export type TokenCheck =
  | { ok: true; token: ApiToken; user: User }
  | { ok: false; reason: 'unknown API token' | 'API token revoked' | 'API token expired' };

/** Looks a presented token up by its hash and checks revocation and expiry; records its use. */
export async function checkApiToken(db: Db, secret: string): Promise<TokenCheck> {
  const row = await findApiTokenByHash(db, secretHash(secret));
  if (row === null) return { ok: false, reason: 'unknown API token' };
  const now = new Date();
  if (row.revokedAt !== null) return { ok: false, reason: 'API token revoked' };
  if (row.expiresAt !== null && row.expiresAt <= now) return { ok: false, reason: 'API token expired' };
  if (row.lastUsedAt === null || now.getTime() - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await touchApiToken(db, row.id, now);
  }
  const { user, ...token } = row;
  return { ok: true, token, user };
}
