// Accounts against a real Postgres: users with their memberships, role changes that keep a project's last
// admin, sessions and API tokens, and failed sign-ins; every change audited in the same transaction.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type Db } from '../client.js';
import { LastAdminError } from '../errors.js';
import { applyMigrations } from '../migrate.js';
import { throwawayDatabases } from '../test-support/databases.js';
import { registerApiToken, revokeApiToken } from './api-tokens.js';
import { recentFailedLogins, recordFailedLogin } from './login-attempts.js';
import { ensureMembership, membershipRole, setMembership } from './memberships.js';
import { ensureProject } from './projects.js';
import { createLoginSession, revokeSession } from './sessions.js';
import { createUserAccount } from './users.js';

const dbs = throwawayDatabases();
let db: Db;

beforeAll(async () => {
  const url = dbs.next();
  await applyMigrations(url);
  db = createPrismaClient(url);
});

afterAll(async () => {
  await db?.$disconnect();
  await dbs.dropAll();
});

const eventsOn = (subjectId: string) =>
  db.auditEvent.findMany({ where: { subjectId }, orderBy: { seq: 'asc' } });

async function newUser(email: string, memberships: { projectId: string; role: 'admin' | 'viewer' }[] = []) {
  return createUserAccount(db, {
    email,
    passwordHash: 'hash',
    displayName: null,
    actor: 'system:test',
    memberships,
  });
}

describe('createUserAccount', () => {
  it('creates the user with its memberships and one user.create event', async () => {
    const project = await ensureProject(db, 'accounts');
    const user = await newUser('first@example.test', [{ projectId: project.id, role: 'admin' }]);
    expect(await membershipRole(db, user.id, project.id)).toBe('admin');
    const events = await eventsOn(user.id);
    expect(events.map((e) => [e.action, e.actor, e.projectId, e.payload])).toEqual([
      [
        'user.create',
        'system:test',
        null,
        { email: 'first@example.test', memberships: [{ projectId: project.id, role: 'admin' }] },
      ],
    ]);
  });
});

describe('setMembership', () => {
  it('changes roles with an audit event, and refuses to remove the last admin (writing nothing)', async () => {
    const project = await ensureProject(db, 'roles');
    const admin = await newUser('admin@roles.test', [{ projectId: project.id, role: 'admin' }]);
    const other = await newUser('other@roles.test');
    const set = (userId: string, role: 'admin' | 'viewer' | null) =>
      setMembership(db, { projectId: project.id, projectSlug: 'roles', userId, role, actor: 'user:x' });

    await expect(set(admin.id, 'viewer')).rejects.toThrow(new LastAdminError('roles', admin.id));
    expect(await membershipRole(db, admin.id, project.id)).toBe('admin');
    expect((await eventsOn(admin.id)).map((e) => e.action)).toEqual(['user.create']);

    await set(other.id, 'admin');
    await set(admin.id, null);
    expect(await membershipRole(db, admin.id, project.id)).toBeNull();
    expect((await eventsOn(admin.id)).map((e) => [e.action, e.payload])).toEqual([
      ['user.create', expect.anything()],
      ['membership.set', { role: null }],
    ]);
  });

  it('ensureMembership adds a missing member and leaves an existing role as it is', async () => {
    const project = await ensureProject(db, 'local');
    const user = await newUser('local@example.test', [{ projectId: project.id, role: 'viewer' }]);
    await ensureMembership(db, { userId: user.id, projectId: project.id, role: 'admin' });
    expect(await membershipRole(db, user.id, project.id)).toBe('viewer');
    const elsewhere = await ensureProject(db, 'local-2', 'Local two');
    expect(elsewhere.name).toBe('Local two');
    await ensureMembership(db, { userId: user.id, projectId: elsewhere.id, role: 'admin' });
    expect(await membershipRole(db, user.id, elsewhere.id)).toBe('admin');
  });
});

describe('sessions and API tokens', () => {
  it('audits a login with its session, and a logout once the session is revoked', async () => {
    const user = await newUser('session@example.test');
    const expiresAt = new Date(Date.now() + 3_600_000);
    const session = await createLoginSession(db, { secretHash: 'session-hash', userId: user.id, expiresAt });
    await revokeSession(db, { sessionId: session.id, actor: `user:${user.id}` });
    const revoked = await db.session.findUniqueOrThrow({ where: { id: session.id } });
    expect(revoked.revokedAt).toBeInstanceOf(Date);
    expect((await eventsOn(session.id)).map((e) => [e.action, e.actor, e.payload])).toEqual([
      ['auth.login', `user:${user.id}`, { expiresAt: expiresAt.toISOString() }],
      ['auth.logout', `user:${user.id}`, {}],
    ]);
  });

  it('audits creating and revoking a token with the row', async () => {
    const project = await ensureProject(db, 'tokens');
    const user = await newUser('token@example.test', [{ projectId: project.id, role: 'admin' }]);
    const token = await registerApiToken(db, {
      tokenHash: 'token-hash',
      name: 'ci',
      userId: user.id,
      projectId: project.id,
      role: 'viewer',
      expiresAt: null,
      actor: 'user:creator',
    });
    const revokedAt = new Date();
    const revoked = await revokeApiToken(db, { tokenId: token.id, revokedAt, actor: 'user:revoker' });
    expect(revoked.revokedAt).toEqual(revokedAt);
    expect((await eventsOn(token.id)).map((e) => [e.action, e.actor, e.projectId, e.payload])).toEqual([
      [
        'token.create',
        'user:creator',
        project.id,
        { name: 'ci', userId: user.id, role: 'viewer', expiresAt: null },
      ],
      ['token.revoke', 'user:revoker', project.id, { name: 'ci' }],
    ]);
  });
});

describe('failed sign-ins', () => {
  it('are audited and read back newest first, within the window and the limit', async () => {
    const before = new Date(Date.now() - 1000);
    for (let i = 0; i < 3; i++) await recordFailedLogin(db, 'tried@example.test', null);
    await recordFailedLogin(db, 'other@example.test', 'some-user');
    const times = await recentFailedLogins(db, { email: 'tried@example.test', since: before, limit: 2 });
    expect(times).toHaveLength(2);
    expect(times[0]!.getTime()).toBeGreaterThanOrEqual(times[1]!.getTime());
    expect(
      await recentFailedLogins(db, { email: 'tried@example.test', since: new Date(), limit: 5 }),
    ).toEqual([]);
  });
});
