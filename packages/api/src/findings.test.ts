// The findings of issue 18's probe of the dashboard, each reproduced against the real stack (Postgres as
// the application role, MinIO, Temporal) and shown fixed: the sign-in throttle under concurrency and
// from several addresses, batching, cross-origin POSTs, body limits and hostile YAML over HTTP, the
// instance audit view and whole-chain verification against anchors, audit events that record outcomes,
// audited artifact links, scoped administration, and the session rules.
import { describe, expect, it } from 'vitest';
import { auditEventHash } from '@medsweep/core';
import { withClient } from '@medsweep/db/test-support';
import { createApiToken } from './auth/api-tokens.js';
import { LOGIN_FAILURE_LIMIT } from './auth/login-attempts.js';
import { handleTrpcRequest, MAX_BODY_BYTES } from './http.js';
import { MAX_BATCH_ITEMS } from './http-limits.js';
import { anchorAuditHead } from './services/audit-anchors.js';
import { submitSweep } from './services/sweeps.js';
import { parseSweepSpecText } from '@medsweep/core';
import { PASSWORD, sessionCookieOf } from './test-support/world.js';
import { failure, worldOfThisFile } from './test-support/file-world.js';

const w = worldOfThisFile();

const ORIGIN = 'http://medsweep.test';

/** A POST of one call (or a batch, `path` a,b with `batch`) over HTTP, from `address`. */
function post(
  path: string,
  input: unknown,
  init: { headers?: Record<string, string>; address?: string; batch?: unknown[] } = {},
) {
  const url = new URL(`${ORIGIN}/api/trpc/${path}`);
  if (init.batch) url.searchParams.set('batch', '1');
  const body = init.batch
    ? JSON.stringify(Object.fromEntries(init.batch.map((b, i) => [i, { json: b }])))
    : JSON.stringify({ json: input });
  return handleTrpcRequest(
    new Request(url, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        ...(init.address ? { 'x-forwarded-for': init.address } : {}),
        ...init.headers,
      },
    }),
    w.deps,
  );
}

const eventsOf = (where: { action?: string; subjectId?: string }) =>
  w.db.auditEvent.findMany({ where, orderBy: { seq: 'asc' } });

async function newUser(email: string) {
  const { api } = await w.as('admin', 'session');
  return api.admin.createUser({ email, password: PASSWORD });
}

describe('findings 1-2: the sign-in throttle', () => {
  it('counts 20 concurrent wrong sign-ins for one email one after another: the free ones 401, the rest 429', async () => {
    const email = 'race@example.test';
    await newUser(email);
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        post('auth.login', { email, password: `wrong ${i}` }, { address: '198.51.100.20' }),
      ),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 401)).toHaveLength(LOGIN_FAILURE_LIMIT);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20 - LOGIN_FAILURE_LIMIT);
    const refused = responses.find((r) => r.status === 429)!;
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // One audit event per password actually checked.
    expect(await eventsOf({ action: 'auth.login_failed', subjectId: email })).toHaveLength(
      LOGIN_FAILURE_LIMIT,
    );
  });

  it('does not lock the owner out from another address, the default admin email included', async () => {
    const email = 'admin@medsweep.local';
    await newUser(email);
    const attacker = '203.0.113.66';
    for (let i = 0; i <= LOGIN_FAILURE_LIMIT; i++)
      await post('auth.login', { email, password: 'guess' }, { address: attacker });
    expect((await post('auth.login', { email, password: PASSWORD }, { address: attacker })).status).toBe(429);
    expect((await post('auth.login', { email, password: PASSWORD }, { address: '192.0.2.10' })).status).toBe(
      200,
    );
    // An instance admin's unlock ends the wait at the attacker's address too.
    const { api } = await w.as('admin', 'session');
    expect(await api.admin.unlockSignIn({ email: email.toUpperCase() })).toEqual({ email, addresses: 1 });
    expect((await post('auth.login', { email, password: PASSWORD }, { address: attacker })).status).toBe(200);
    expect((await eventsOf({ action: 'auth.unlock', subjectId: email })).map((e) => e.actor)).toEqual([
      `user:${w.users.admin.id}`,
    ]);
  });

  it('refuses a batched sign-in unchecked, and batches over the limit', async () => {
    const email = 'batched@example.test';
    await newUser(email);
    const guesses = Array.from({ length: 15 }, (_, i) => ({ email, password: `guess ${i}` }));
    const batched = await post(Array(15).fill('auth.login').join(','), undefined, { batch: guesses });
    expect(batched.status).toBe(400);
    expect(await batched.text()).toMatch(/auth\.login is never batched/);
    const single = await post('auth.login', undefined, { batch: [{ email, password: 'guess' }] });
    expect(single.status).toBe(400);
    expect(await eventsOf({ action: 'auth.login_failed', subjectId: email })).toHaveLength(0);
    const many = Array(MAX_BATCH_ITEMS + 1)
      .fill('projects.list')
      .join(',');
    const tooMany = await handleTrpcRequest(
      new Request(`${ORIGIN}/api/trpc/${many}?batch=1&input={}`, { headers: { cookie: w.cookies.viewer } }),
      w.deps,
    );
    expect(tooMany.status).toBe(400);
    expect(await tooMany.text()).toMatch(/21 calls, at most 20/);
  });
});

describe('finding 4: the instance audit view', () => {
  it('shows events of no project to instance auditors, and verifies the whole chain', async () => {
    const { api } = await w.as('auditor', 'session');
    const page = await api.audit.listInstance({ limit: 500 });
    const actions = new Set(page.events.map((e) => e.action));
    for (const action of ['auth.login', 'auth.login_failed', 'user.create'])
      expect(actions).toContain(action);
    expect(page.events.every((e) => e.projectId === null)).toBe(true);
    const all = await api.audit.listInstance({ limit: 5, scope: 'all' });
    expect(all.events).toHaveLength(5);
    const total = await w.db.auditEvent.count();
    const verified = await api.audit.verifyInstanceChain();
    expect(verified).toMatchObject({ ok: true, chain: { ok: true, events: total } });
    // A project auditor without the instance role sees none of it.
    const outsider = await w.as('outsider', 'session');
    expect((await failure(outsider.api.audit.listInstance({}))).code).toBe('FORBIDDEN');
  });
});

describe('finding 5: audit events record outcomes', () => {
  it('answers 409 for a finished sweep and logs nothing', async () => {
    const { api } = await w.as('lead', 'session');
    for (const call of [api.sweeps.pause, api.sweeps.resume, api.sweeps.cancel]) {
      const error = await failure(call({ sweepId: w.results.sweepId }));
      expect(error.code).toBe('CONFLICT');
      expect(error.message).toMatch(/is completed: there is nothing left to (pause|resume|cancel)/);
    }
    // A sweep recorded as running whose workflow has ended (terminated here): Temporal says NotFound.
    const temporal = await w.deps.temporal();
    const { sweepId, workflowId } = await submitSweep(
      { db: w.db, temporal, taskQueue: w.deps.sweepTaskQueue! },
      parseSweepSpecText(w.specText('ends early')),
      `user:${w.users.lead.id}`,
      w.users.lead.id,
    );
    await temporal.workflow.getHandle(workflowId).terminate('finding 5');
    for (const call of [api.sweeps.pause, api.sweeps.cancel]) {
      const error = await failure(call({ sweepId }));
      expect([error.code, error.message]).toEqual([
        'CONFLICT',
        expect.stringMatching(/is terminated: there is nothing left to (pause|cancel)/),
      ]);
    }
    const logged = await eventsOf({ subjectId: w.results.sweepId });
    expect(logged.filter((e) => e.action.startsWith('sweep.'))).toEqual([]);
    expect((await eventsOf({ subjectId: sweepId })).map((e) => e.action)).toEqual(['sweep.submit']);
  });
});

describe('finding 6: the role split and the anchors', () => {
  it('the API connects as a role that may not drop the trigger or change an event', async () => {
    await expect(
      w.db.$executeRawUnsafe('DROP TRIGGER audit_events_refuse_update_delete ON audit_events'),
    ).rejects.toThrow(/must be owner of/);
    await expect(w.db.$executeRawUnsafe(`UPDATE audit_events SET actor = 'x' WHERE seq = 1`)).rejects.toThrow(
      /permission denied/,
    );
  });

  it("finds the migrator's direct edit of an old event, re-hashed to link up again, at an anchor", async () => {
    const anchor = await anchorAuditHead(w.db, w.deps.auditAnchors);
    expect(anchor).not.toBeNull();
    expect(await anchorAuditHead(w.db, w.deps.auditAnchors)).toBeNull(); // nothing new to anchor
    // The schema owner disables the triggers, edits event 3 and re-hashes everything after it.
    await withClient(w.ownerUrl, async (c) => {
      const rows = (await c.query('SELECT * FROM audit_events WHERE seq >= 3 ORDER BY seq')).rows as {
        seq: string;
        project_id: string | null;
        actor: string;
        action: string;
        subject_type: string;
        subject_id: string;
        payload: never;
        prev_hash: string;
        created_at: Date;
      }[];
      await c.query('ALTER TABLE audit_events DISABLE TRIGGER USER');
      await c.query(`UPDATE audit_events SET hash = 'x' || hash WHERE seq >= 3`);
      let prevHash = rows[0]!.prev_hash;
      for (const row of rows) {
        const actor = Number(row.seq) === 3 ? 'user:mallory' : row.actor;
        const hash = auditEventHash(prevHash, {
          seq: Number(row.seq),
          projectId: row.project_id,
          actor,
          action: row.action,
          subjectType: row.subject_type,
          subjectId: row.subject_id,
          payload: row.payload,
          createdAt: row.created_at.toISOString(),
        });
        await c.query('UPDATE audit_events SET actor = $1, prev_hash = $2, hash = $3 WHERE seq = $4', [
          actor,
          prevHash,
          hash,
          row.seq,
        ]);
        prevHash = hash;
      }
      await c.query('ALTER TABLE audit_events ENABLE TRIGGER USER');
    });
    const { api } = await w.as('admin', 'session');
    const verified = await api.audit.verifyInstanceChain();
    expect(verified.ok).toBe(false);
    expect(verified.chain).toMatchObject({
      ok: false,
      reason: 'anchor-mismatch',
      brokenAt: anchor!.seq,
      expected: anchor!.hash,
    });
  });
});

describe('finding 7: artifact links are audited', () => {
  it('records who got a link to which artifact', async () => {
    const { api } = await w.as('viewer', 'token');
    const artifactId = w.results.artifactIds[0]!;
    const link = await api.artifacts.link({ artifactId });
    const [event] = await eventsOf({ action: 'artifact.link', subjectId: artifactId });
    expect(event).toMatchObject({ projectId: w.alpha.id, subjectType: 'artifact' });
    expect(event!.actor).toMatch(/^token:/);
    expect(event!.payload).toMatchObject({ expiresAt: link.expiresAt.toISOString() });
  });
});

describe('finding 9: cross-origin POSTs', () => {
  const logout = (headers: Record<string, string>) => post('auth.logout', undefined, { headers });

  it('refuses a state-changing POST from another site and accepts same-origin and token ones', async () => {
    const cookie = await w.login('member');
    const foreigners: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site', origin: 'http://sub.medsweep.test' },
    ];
    for (const foreign of foreigners) {
      const refused = await logout({ cookie, ...foreign });
      expect(refused.status, JSON.stringify(foreign)).toBe(403);
      expect(await refused.text()).toMatch(/cross-origin request refused/);
    }
    expect((await (await w.caller({ cookie })).api.auth.me()).via).toBe('session'); // still signed in
    // A token of its own: signing out with a token revokes it, and the world's member token stays usable.
    const { secret } = await createApiToken(w.db, {
      userId: w.users.member.id,
      projectId: w.alpha.id,
      projectSlug: 'alpha',
      role: 'member',
      name: 'signs out cross-origin',
      expiresAt: null,
      actor: 'system:test',
    });
    const token = { authorization: `Bearer ${secret}`, origin: 'https://evil.example' };
    expect((await logout(token)).status).toBe(200);
    expect((await logout({ cookie, origin: ORIGIN, 'sec-fetch-site': 'same-origin' })).status).toBe(200);
  });
});

describe('finding 10: scoped administration', () => {
  it('user administration needs the instance admin, and tokens act only as their creator', async () => {
    const outsider = await w.as('outsider', 'session');
    expect((await failure(outsider.api.admin.listUsers())).code).toBe('FORBIDDEN');
    expect(
      (await failure(outsider.api.admin.createUser({ email: 'x@example.test', password: PASSWORD }))).code,
    ).toBe('FORBIDDEN');
    // The outsider still manages beta's tokens, and only as themselves.
    const { api } = await w.as('admin', 'session');
    const forOther = {
      project: 'alpha',
      name: 'as viewer',
      role: 'viewer' as const,
      userId: w.users.viewer.id,
    };
    expect((await failure(api.admin.createToken(forOther as never))).code).toBe('BAD_REQUEST');
    const own = await outsider.api.admin.createToken({ project: 'beta', name: 'mine', role: 'viewer' });
    const [row] = await w.db.apiToken.findMany({ where: { id: own.id } });
    expect(row!.userId).toBe(w.users.outsider.id);
    // The instance admin's viewer token does not carry the instance role.
    const viewerToken = await api.admin.createToken({ project: 'alpha', name: 'narrow', role: 'viewer' });
    const narrow = await w.caller({ authorization: `Bearer ${viewerToken.secret}` });
    expect((await failure(narrow.api.admin.listUsers())).message).toMatch(/through this API token/);
  });
});

describe('finding 12: body limits and hostile YAML over HTTP', () => {
  it('refuses an 8 MB body with 413, declared or streamed', async () => {
    const huge = JSON.stringify({ json: { email: 'a@example.test', password: 'x'.repeat(8 * 1024 * 1024) } });
    const declared = await handleTrpcRequest(
      new Request(`${ORIGIN}/api/trpc/auth.login`, {
        method: 'POST',
        body: huge,
        headers: { 'content-type': 'application/json', 'content-length': String(huge.length) },
      }),
      w.deps,
    );
    expect(declared.status).toBe(413);
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 64 * 1024;
        if (pulled > 8 * 1024 * 1024) controller.close();
        else controller.enqueue(new Uint8Array(64 * 1024).fill(32));
      },
    });
    const streamed = await handleTrpcRequest(
      new Request(`${ORIGIN}/api/trpc/auth.login`, {
        method: 'POST',
        body: stream,
        duplex: 'half',
      } as RequestInit),
      w.deps,
    );
    expect(streamed.status).toBe(413);
    expect(pulled).toBeLessThan(MAX_BODY_BYTES + 256 * 1024); // stopped reading soon after the limit
  });

  it('answers 400 for a YAML alias bomb in a spec', async () => {
    const laughs = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i < 9; i++) {
      const [name, previous] = [String.fromCharCode(97 + i), String.fromCharCode(96 + i)];
      laughs.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(', ')}]`);
    }
    const response = await post(
      'sweeps.create',
      { specText: laughs.join('\n') },
      { headers: { cookie: w.cookies.member } },
    );
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/too many aliases/);
  });
});

describe('finding 13: sessions', () => {
  it('ends a session idle for longer than the idle timeout', async () => {
    const cookie = await w.login('viewer');
    const { api } = await w.caller({ cookie });
    await api.auth.me();
    const idle = new Date(Date.now() - (w.deps.session.idleSeconds + 60) * 1000);
    await w.db.session.updateMany({
      where: { userId: w.users.viewer.id, revokedAt: null, lastSeenAt: { not: null } },
      data: { lastSeenAt: idle },
    });
    expect((await failure((await w.caller({ cookie })).api.auth.me())).code).toBe('UNAUTHORIZED');
    w.cookies.viewer = await w.login('viewer');
  });

  it('a new sign-in from the same browser replaces its session', async () => {
    const old = await w.login('lead');
    const { api, resHeaders } = await w.caller({ cookie: old });
    await api.auth.login({ email: w.users.lead.email, password: PASSWORD });
    const fresh = sessionCookieOf(resHeaders);
    expect((await failure((await w.caller({ cookie: old })).api.auth.me())).code).toBe('UNAUTHORIZED');
    expect((await (await w.caller({ cookie: fresh })).api.auth.me()).via).toBe('session');
  });

  it('a password change ends the other sessions; sign-out everywhere ends all', async () => {
    const email = 'sessions@example.test';
    const user = await newUser(email);
    const signIn = async (password = PASSWORD) => {
      const { api, resHeaders } = await w.caller();
      await api.auth.login({ email, password });
      return sessionCookieOf(resHeaders);
    };
    const [laptop, phone] = [await signIn(), await signIn()];
    const { api } = await w.caller({ cookie: laptop });
    expect(
      (
        await failure(
          api.auth.changePassword({ currentPassword: 'not it', newPassword: 'a new long password' }),
        )
      ).code,
    ).toBe('BAD_REQUEST');
    expect(
      await api.auth.changePassword({ currentPassword: PASSWORD, newPassword: 'a new long password' }),
    ).toEqual({
      otherSessionsEnded: 1,
    });
    expect((await failure((await w.caller({ cookie: phone })).api.auth.me())).code).toBe('UNAUTHORIZED');
    expect((await api.auth.me()).user.id).toBe(user.id);
    expect((await failure(signIn())).code).toBe('UNAUTHORIZED');
    const tablet = await signIn('a new long password');
    expect(await api.auth.logoutEverywhere()).toEqual({ sessionsEnded: 2 });
    for (const cookie of [laptop, tablet]) {
      expect((await failure((await w.caller({ cookie })).api.auth.me())).code).toBe('UNAUTHORIZED');
    }
    const token = await w.caller({ authorization: `Bearer ${w.tokens.viewer}` });
    expect((await failure(token.api.auth.logoutEverywhere())).message).toMatch(/needs a browser session/);
  });

  it('a disabled user cannot sign in or use a session or token', async () => {
    const email = 'disabled@example.test';
    const user = await newUser(email);
    const { api: admin } = await w.as('admin', 'session');
    await admin.admin.setMembership({ project: 'alpha', userId: user.id, role: 'admin' });
    const { api, resHeaders } = await w.caller();
    await api.auth.login({ email, password: PASSWORD });
    const cookie = sessionCookieOf(resHeaders);
    const token = await (
      await w.caller({ cookie })
    ).api.admin.createToken({ project: 'alpha', name: 'd', role: 'viewer' });
    await admin.admin.setUserDisabled({ userId: user.id, disabled: true });
    expect((await failure(api.auth.login({ email, password: PASSWORD }))).message).toMatch(
      /account is disabled/,
    );
    const credentials: Record<string, string>[] = [{ cookie }, { authorization: `Bearer ${token.secret}` }];
    for (const headers of credentials) {
      const error = await failure((await w.caller(headers)).api.auth.me());
      expect(error.code).toBe('UNAUTHORIZED');
    }
    const tokenError = await failure(
      (await w.caller({ authorization: `Bearer ${token.secret}` })).api.auth.me(),
    );
    expect(tokenError.message).toMatch(/the account is disabled/);
    await admin.admin.setUserDisabled({ userId: user.id, disabled: false });
    expect((await (await w.caller({ authorization: `Bearer ${token.secret}` })).api.auth.me()).user.id).toBe(
      user.id,
    );
  });
});
