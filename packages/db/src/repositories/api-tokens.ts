// API tokens: stored as the sha256 of their secret, bound to one project and a role. Creating and revoking
// one is audited with the row's write.
import type { ApiToken, Project, User } from '../generated/prisma/client.js';
import type { Role } from '../generated/prisma/enums.js';
import { appendAuditEvent } from './audit.js';
import type { DbClient } from './db-client.js';
import { inTransaction } from './db-client.js';

export interface RegisterApiTokenInput {
  /** sha256 hex of the secret; the secret itself is never stored. */
  tokenHash: string;
  name: string;
  userId: string;
  projectId: string;
  role: Role;
  /** Null: no expiry. */
  expiresAt: Date | null;
  /** Who creates it, for the audit log. */
  actor: string;
}

/** Stores a token and its `token.create` audit event, in one transaction. */
export function registerApiToken(db: DbClient, input: RegisterApiTokenInput): Promise<ApiToken> {
  const { actor, ...data } = input;
  return inTransaction(db, async (tx) => {
    const token = await tx.apiToken.create({ data });
    await appendAuditEvent(tx, {
      projectId: token.projectId,
      actor,
      action: 'token.create',
      subjectType: 'api_token',
      subjectId: token.id,
      payload: {
        name: token.name,
        userId: token.userId,
        role: token.role,
        expiresAt: token.expiresAt?.toISOString() ?? null,
      },
    });
    return token;
  });
}

/** The token whose secret hashes to `tokenHash`, with its user; null when unknown. */
export function findApiTokenByHash(
  db: DbClient,
  tokenHash: string,
): Promise<(ApiToken & { user: User }) | null> {
  return db.apiToken.findUnique({ where: { tokenHash }, include: { user: true } });
}

/** Records that the token was used at `at`. */
export async function touchApiToken(db: DbClient, tokenId: string, at: Date): Promise<void> {
  await db.apiToken.update({ where: { id: tokenId }, data: { lastUsedAt: at } });
}

/** The token with this id in this project; null when it does not exist there. */
export function findProjectApiToken(
  db: DbClient,
  projectId: string,
  tokenId: string,
): Promise<ApiToken | null> {
  return db.apiToken.findFirst({ where: { id: tokenId, projectId } });
}

/** What a token listing shows of each token: never its hash. */
const LISTED_TOKEN_FIELDS = {
  id: true,
  name: true,
  role: true,
  createdAt: true,
  expiresAt: true,
  revokedAt: true,
  lastUsedAt: true,
} as const;
type ListedTokenFields = Pick<ApiToken, keyof typeof LISTED_TOKEN_FIELDS>;

/** A token as administrators list it, with its user. */
export type ListedApiToken = ListedTokenFields & { user: Pick<User, 'id' | 'email'> };

/** The project's tokens, newest first, with their users. */
export function listProjectApiTokens(db: DbClient, projectId: string): Promise<ListedApiToken[]> {
  return db.apiToken.findMany({
    where: { projectId },
    select: { ...LISTED_TOKEN_FIELDS, user: { select: { id: true, email: true } } },
    orderBy: { createdAt: 'desc' },
  });
}

/** A token as its own user lists it, with the project it is bound to. */
export type OwnApiToken = ListedTokenFields & { project: Pick<Project, 'slug' | 'name'> };

/** The user's own tokens in every project, newest first. */
export function listUserApiTokens(db: DbClient, userId: string): Promise<OwnApiToken[]> {
  return db.apiToken.findMany({
    where: { userId },
    select: { ...LISTED_TOKEN_FIELDS, project: { select: { slug: true, name: true } } },
    orderBy: { createdAt: 'desc' },
  });
}

/** The token with this id when it belongs to this user; null otherwise. */
export function findUserApiToken(db: DbClient, userId: string, tokenId: string): Promise<ApiToken | null> {
  return db.apiToken.findFirst({ where: { id: tokenId, userId } });
}

/** Sets the token's revocation time and appends its `token.revoke` audit event, in one transaction. */
export function revokeApiToken(
  db: DbClient,
  input: { tokenId: string; revokedAt: Date; actor: string },
): Promise<ApiToken> {
  return inTransaction(db, async (tx) => {
    const token = await tx.apiToken.update({
      where: { id: input.tokenId },
      data: { revokedAt: input.revokedAt },
    });
    await appendAuditEvent(tx, {
      projectId: token.projectId,
      actor: input.actor,
      action: 'token.revoke',
      subjectType: 'api_token',
      subjectId: token.id,
      payload: { name: token.name },
    });
    return token;
  });
}
