// Accounts against a real Postgres: users with their memberships, role changes that keep a project's last
// admin, sessions and API tokens, and failed sign-ins; every change audited in the same transaction.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../client.js';
import { LastAdminError, LastInstanceAdminError } from '../errors.js';
import { throwawayDatabases } from '../test-support/databases.js';
import { registerApiToken, revokeApiToken } from './api-tokens.js';
import {
  chargeLoginAttempt,
  clearLoginThrottle,
  loginThrottleState,
  recordFailedLogin,
  unlockLogin,
  type LoginThrottlePolicy,
} from './login-attempts.js';
import { ensureMembership, membershipRole, setMembership } from './memberships.js';
import { ensureProject } from './projects.js';
import { createLoginSession, revokeSession, revokeUserSessions } from './sessions.js';
import { changePasswordHash, createUserAccount, setInstanceRole, setUserDisabled } from './users.js';

const dbs = throwawayDatabases();
let db: Db;

beforeAll(async () => {
  db = await dbs.client();
});

afterAll(() => dbs.dropAll());

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
  it('are audited with whether the email is known and where they came from', async () => {
    await recordFailedLogin(db, 'tried@example.test', null);
    await recordFailedLogin(db, 'tried@example.test', 'some-user', '203.0.113.9');
    expect((await eventsOn('tried@example.test')).map((e) => [e.action, e.actor, e.payload])).toEqual([
      ['auth.login_failed', 'anonymous', { knownUser: false }],
      ['auth.login_failed', 'anonymous', { knownUser: true, userId: 'some-user', address: '203.0.113.9' }],
    ]);
  });
});

describe('the sign-in throttle', () => {
  const policy: LoginThrottlePolicy = {
    freeAttempts: 3,
    baseDelayMs: 60_000,
    maxDelayMs: 240_000,
    quietMs: 900_000,
  };
  const key = (address: string) => ({ email: 'throttled@example.test', address });
  const at = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 12, minutes));

  it('lets the free attempts through, then doubles the wait up to its cap, refusing in between', async () => {
    const charge = (minutes: number) => chargeLoginAttempt(db, key('a'), policy, at(minutes));
    expect(await charge(0)).toEqual({ allowed: true, attempts: 1 });
    expect(await charge(0)).toEqual({ allowed: true, attempts: 2 });
    // The last free attempt starts the first wait (1 minute); attempts during it change nothing.
    expect(await charge(0)).toEqual({ allowed: true, attempts: 3 });
    expect(await charge(0)).toEqual({ allowed: false, attempts: 3, retryAt: at(1) });
    expect(await charge(1)).toEqual({ allowed: true, attempts: 4 });
    expect(await charge(2)).toEqual({ allowed: false, attempts: 4, retryAt: at(3) });
    expect(await charge(3)).toEqual({ allowed: true, attempts: 5 });
    expect(await loginThrottleState(db, key('a'))).toEqual({ attempts: 5, retryAt: at(7) });
    expect(await charge(7)).toEqual({ allowed: true, attempts: 6 });
    expect(await loginThrottleState(db, key('a'))).toEqual({ attempts: 6, retryAt: at(11) }); // capped at 4 min
    // Another address is counted on its own; a quiet spell starts the count over.
    expect(await chargeLoginAttempt(db, key('b'), policy, at(7))).toEqual({ allowed: true, attempts: 1 });
    expect(await charge(30)).toEqual({ allowed: true, attempts: 1 });
    await clearLoginThrottle(db, key('a'));
    expect(await loginThrottleState(db, key('a'))).toBeNull();
  });

  it('counts concurrent attempts one after another: exactly the free ones get through', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, () => chargeLoginAttempt(db, key('concurrent'), policy, at(0))),
    );
    expect(results.filter((r) => r.allowed)).toHaveLength(policy.freeAttempts);
    expect(await loginThrottleState(db, key('concurrent'))).toEqual({ attempts: 3, retryAt: at(1) });
  });

  it('is unlocked for every address by an instance admin, audited', async () => {
    for (const address of ['x', 'y']) await chargeLoginAttempt(db, key(address), policy, at(0));
    expect(
      await unlockLogin(db, { email: 'throttled@example.test', actor: 'user:root' }),
    ).toBeGreaterThanOrEqual(2);
    expect(await loginThrottleState(db, key('x'))).toBeNull();
    expect((await eventsOn('throttled@example.test')).at(-1)).toMatchObject({
      action: 'auth.unlock',
      actor: 'user:root',
      projectId: null,
    });
  });
});

describe('sessions, passwords and disabled accounts', () => {
  const session = (userId: string, secretHash: string, replacesSessionId?: string) =>
    createLoginSession(db, {
      secretHash,
      userId,
      expiresAt: new Date(Date.now() + 3_600_000),
      ...(replacesSessionId ? { replacesSessionId } : {}),
    });
  const live = async (userId: string) =>
    (await db.session.findMany({ where: { userId, revokedAt: null }, orderBy: { createdAt: 'asc' } })).map(
      (s) => s.secretHash,
    );

  it("a login replacing the browser's session revokes it; a password change ends all the others", async () => {
    const user = await newUser('sessions@example.test');
    const first = await session(user.id, 'first');
    await session(user.id, 'second', first.id);
    const laptop = await session(user.id, 'laptop');
    await session(user.id, 'phone');
    expect(await live(user.id)).toEqual(['second', 'laptop', 'phone']);
    expect(
      await changePasswordHash(db, {
        userId: user.id,
        passwordHash: 'new',
        keepSessionId: laptop.id,
        actor: 'user:me',
      }),
    ).toBe(2);
    expect(await live(user.id)).toEqual(['laptop']);
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash).toBe('new');
    expect(await revokeUserSessions(db, { userId: user.id, actor: 'user:me' })).toBe(1);
    expect(await live(user.id)).toEqual([]);
    expect((await eventsOn(user.id)).map((e) => [e.action, e.payload])).toEqual([
      ['user.create', expect.anything()],
      ['user.password_change', { sessionsEnded: 2 }],
      ['auth.logout_everywhere', { sessionsEnded: 1 }],
    ]);
    expect(
      (await eventsOn((await db.session.findFirstOrThrow({ where: { secretHash: 'second' } })).id))[0]
        ?.payload,
    ).toMatchObject({
      replacedSessionId: first.id,
    });
  });

  it('disabling a user ends their sessions; the last enabled instance admin stays', async () => {
    const root = await newUser('root@example.test');
    await setInstanceRole(db, { userId: root.id, role: 'admin', actor: 'system:test' });
    await expect(setUserDisabled(db, { userId: root.id, disabled: true, actor: 'user:x' })).rejects.toThrow(
      new LastInstanceAdminError(root.id),
    );
    await expect(setInstanceRole(db, { userId: root.id, role: 'auditor', actor: 'user:x' })).rejects.toThrow(
      LastInstanceAdminError,
    );
    const user = await newUser('disabled@example.test');
    await session(user.id, 'to-end');
    await setUserDisabled(db, { userId: user.id, disabled: true, actor: `user:${root.id}` });
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).disabledAt).toBeInstanceOf(Date);
    expect(await live(user.id)).toEqual([]);
    await setUserDisabled(db, { userId: user.id, disabled: false, actor: `user:${root.id}` });
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).disabledAt).toBeNull();
    expect((await eventsOn(user.id)).map((e) => [e.action, e.payload])).toEqual([
      ['user.create', expect.anything()],
      ['user.disable', { sessionsEnded: 1 }],
      ['user.enable', {}],
    ]);
  });
});
