// Security properties of the API against the real stack (Postgres, MinIO): credentials (cookies, tokens,
// passwords) and their flags, expiry and revocation; project isolation; hostile text in every text field
// refused with the field named or stored inertly and read back byte for byte; artifact links that expire.
import { createHash } from 'node:crypto';
import type { TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import { describe, expect, it, vi } from 'vitest';
import { loadConfig } from '@medsweep/config';
import { ObjectStore } from '@medsweep/storage';
import { createApiToken } from './auth/api-tokens.js';
import { UNKNOWN_CLIENT_ADDRESS } from './auth/client-address.js';
import { assertLoginAllowed, LOGIN_FAILURE_LIMIT, LOGIN_FAILURE_WINDOW_MS } from './auth/login-attempts.js';
import { SESSION_COOKIE } from './auth/session.js';
import { handleTrpcRequest } from './http.js';
import { INTERNAL_ERROR_MESSAGE } from './trpc.js';
import type { Caller } from './test-support/world.js';
import { PASSWORD, sessionCookieOf } from './test-support/world.js';
import { failure, worldOfThisFile } from './test-support/file-world.js';

const w = worldOfThisFile();

/** The fields a refused input names (`email`, `architectures.0`, ...). */
function fieldsOf(error: TRPCError): string[] {
  expect(error.code).toBe('BAD_REQUEST');
  expect(error.cause).toBeInstanceOf(ZodError);
  return (error.cause as ZodError).issues.map((i) => i.path.join('.'));
}

const http = (path: string, init: RequestInit & { input?: unknown } = {}, deps = w.deps) => {
  const { input, ...rest } = init;
  const url = new URL(`http://medsweep.test/api/trpc/${path}`);
  if (input !== undefined && (rest.method ?? 'GET') === 'GET')
    url.searchParams.set('input', JSON.stringify({ json: input }));
  return handleTrpcRequest(
    new Request(url, {
      ...rest,
      ...(input !== undefined && rest.method === 'POST' ? { body: JSON.stringify({ json: input }) } : {}),
      headers: { 'content-type': 'application/json', ...(rest.headers as Record<string, string>) },
    }),
    deps,
  );
};

describe('browser sessions over HTTP', () => {
  it('logs in with an httpOnly, SameSite=Lax session cookie that authenticates later calls', async () => {
    const login = await http('auth.login', {
      method: 'POST',
      input: { email: w.users.viewer.email, password: PASSWORD },
    });
    expect(login.status).toBe(200);
    const [cookie] = login.headers.getSetCookie();
    expect(cookie).toMatch(new RegExp(`^${SESSION_COOKIE}=Fe26\\.2\\*`));
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; SameSite=Lax/i);
    expect(cookie).toMatch(/; Path=\//i);
    expect(cookie).toMatch(/; Max-Age=3540/i);
    expect(cookie).not.toMatch(/; Secure/i);
    const me = await http('auth.me', { headers: { cookie: cookie!.split(';')[0]! } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({
      result: { data: { json: { user: { email: w.users.viewer.email }, via: 'session' } } },
    });
  });

  it('marks the cookie Secure when configured', async () => {
    const deps = { ...w.deps, session: { ...w.deps.session, secure: true } };
    const login = await http(
      'auth.login',
      { method: 'POST', input: { email: w.users.viewer.email, password: PASSWORD } },
      deps,
    );
    expect(login.headers.getSetCookie()[0]).toMatch(/; Secure/i);
  });

  it('refuses calls without credentials with 401 and says why', async () => {
    const response = await http('sweeps.list', { input: { project: 'alpha' } });
    expect(response.status).toBe(401);
    const body = (await response.json()) as { error: { json: { message: string } } };
    expect(body.error.json.message).toMatch(/not signed in: no valid session cookie/);
  });

  it('logout revokes the session: its cookie is cleared and no longer accepted', async () => {
    const cookie = await w.login('member');
    const { api, resHeaders } = await w.caller({ cookie });
    expect(await api.auth.logout()).toEqual({ sessionEnded: true, tokenRevoked: false });
    expect(resHeaders.getSetCookie()[0]).toMatch(/Max-Age=0/);
    const after = await w.caller({ cookie });
    expect((await failure(after.api.auth.me())).code).toBe('UNAUTHORIZED');
  });

  it('refuses tampered cookies, cookies sealed with another secret, and expired sessions', async () => {
    const cookie = await w.login('lead');
    const [name, seal] = cookie.split('=') as [string, string];
    const flipped = `${name}=${seal.slice(0, 40)}${seal[40] === 'A' ? 'B' : 'A'}${seal.slice(41)}`;
    expect((await failure((await w.caller({ cookie: flipped })).api.auth.me())).code).toBe('UNAUTHORIZED');
    const other = await w.caller(
      {},
      { session: { ...w.deps.session, secret: 'another-secret-of-at-least-32-characters!!' } },
    );
    await other.api.auth.login({ email: w.users.lead.email, password: PASSWORD });
    const foreign = sessionCookieOf(other.resHeaders);
    expect((await failure((await w.caller({ cookie: foreign })).api.auth.me())).code).toBe('UNAUTHORIZED');
    await w.db.session.updateMany({
      where: { userId: w.users.lead.id, revokedAt: null },
      data: { expiresAt: new Date(0) },
    });
    expect((await failure((await w.caller({ cookie })).api.auth.me())).code).toBe('UNAUTHORIZED');
    w.cookies.lead = await w.login('lead');
  });

  it('answers a wrong password and an unknown email alike', async () => {
    const { api } = await w.anonymous();
    const wrong = await failure(api.auth.login({ email: w.users.admin.email, password: 'not the password' }));
    const unknown = await failure(api.auth.login({ email: 'nobody@example.test', password: PASSWORD }));
    expect([wrong.code, wrong.message]).toEqual(['UNAUTHORIZED', 'email or password is wrong']);
    expect([unknown.code, unknown.message]).toEqual([wrong.code, wrong.message]);
  });

  it('audits failed sign-ins and, after too many for an email, refuses it unchecked (HTTP 429)', async () => {
    const email = 'locked-out@example.test';
    await (await w.as('admin', 'session')).api.admin.createUser({ email, password: PASSWORD });
    const { api } = await w.anonymous();
    for (let i = 0; i < LOGIN_FAILURE_LIMIT; i++) {
      expect((await failure(api.auth.login({ email, password: `wrong ${i}` }))).code).toBe('UNAUTHORIZED');
    }
    // Now even the right password is refused, whatever the email's case, until the window has passed.
    const refused = await failure(api.auth.login({ email: email.toUpperCase(), password: PASSWORD }));
    expect(refused.code).toBe('TOO_MANY_REQUESTS');
    expect(refused.message).toMatch(
      /^too many failed sign-ins for this email \(10 in 15 minutes\): try again after \d{4}-\d\d-\d\dT/,
    );
    const overHttp = await http('auth.login', { method: 'POST', input: { email, password: PASSWORD } });
    expect(overHttp.status).toBe(429);
    // Each failure is audited once; refused attempts are not (no flooding the chain).
    const audited = await w.db.auditEvent.findMany({
      where: { action: 'auth.login_failed', subjectId: email },
    });
    expect(audited).toHaveLength(LOGIN_FAILURE_LIMIT);
    expect(audited.every((e) => e.actor === 'anonymous' && e.subjectType === 'login')).toBe(true);
    expect(audited[0]?.payload).toMatchObject({ knownUser: true });
    await expect(
      assertLoginAllowed(
        w.db,
        { email, address: UNKNOWN_CLIENT_ADDRESS },
        new Date(Date.now() + LOGIN_FAILURE_WINDOW_MS + 1000),
      ),
    ).resolves.toBeUndefined();
    // Unknown emails are audited and counted alike; other accounts are unaffected.
    await failure(api.auth.login({ email: 'nobody-here@example.test', password: PASSWORD }));
    const unknown = await w.db.auditEvent.findFirstOrThrow({
      where: { subjectId: 'nobody-here@example.test' },
    });
    expect(unknown.payload).toEqual({ knownUser: false });
    await expect(api.auth.login({ email: w.users.viewer.email, password: PASSWORD })).resolves.toBeTruthy();
  });

  it('stores only an argon2id hash of passwords and sha256 hashes of session and token secrets', async () => {
    const user = await w.db.user.findUniqueOrThrow({ where: { id: w.users.admin.id } });
    expect(user.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const secret = decodeURIComponent(w.cookies.admin.split('=')[1]!);
    const sessions = await w.db.session.findMany({ where: { userId: w.users.admin.id } });
    expect(sessions.every((s) => /^[0-9a-f]{64}$/.test(s.secretHash) && !secret.includes(s.secretHash))).toBe(
      true,
    );
    const token = await w.db.apiToken.findFirstOrThrow({ where: { userId: w.users.admin.id } });
    expect(token.tokenHash).toBe(createHash('sha256').update(w.tokens.admin).digest('hex'));
  });
});

describe('API tokens', () => {
  const mint = (expiresAt: Date | null, role: 'viewer' | 'admin' = 'viewer', user = w.users.admin) =>
    createApiToken(w.db, {
      userId: user.id,
      projectId: w.alpha.id,
      projectSlug: 'alpha',
      role,
      name: 'probe',
      expiresAt,
      actor: 'system:test',
    });
  const bearer = (secret: string) => w.caller({ authorization: `Bearer ${secret}` });

  it('records when a token was last used', async () => {
    const { secret, token } = await mint(null);
    expect(token.lastUsedAt).toBeNull();
    await (await bearer(secret)).api.sweeps.list({ project: 'alpha' });
    const used = await w.db.apiToken.findUniqueOrThrow({ where: { id: token.id } });
    expect(used.lastUsedAt).toBeInstanceOf(Date);
  });

  it('refuses expired, revoked, unknown and malformed tokens, saying which', async () => {
    const expired = await mint(new Date(Date.now() - 1000));
    const revoked = await mint(null);
    const { api } = await w.as('admin', 'session');
    await api.admin.revokeToken({ project: 'alpha', tokenId: revoked.token.id });
    const cases: [Record<string, string>, RegExp][] = [
      [{ authorization: `Bearer ${expired.secret}` }, /API token expired/],
      [{ authorization: `Bearer ${revoked.secret}` }, /API token revoked/],
      [{ authorization: `Bearer mst_${'A'.repeat(43)}` }, /unknown API token/],
      [{ authorization: `Basic ${btoa('admin:pw')}` }, /not "Bearer <token>"/],
    ];
    for (const [headers, message] of cases) {
      const error = await failure((await w.caller(headers)).api.sweeps.list({ project: 'alpha' }));
      expect(error.code).toBe('UNAUTHORIZED');
      expect(error.message).toMatch(message);
    }
  });

  it('is judged by the Authorization header alone: a bad token is not rescued by a good cookie', async () => {
    const expired = await mint(new Date(Date.now() - 1000));
    const { api } = await w.caller({ authorization: `Bearer ${expired.secret}`, cookie: w.cookies.admin });
    expect((await failure(api.auth.me())).code).toBe('UNAUTHORIZED');
  });

  it("acts with no more than its user's current role", async () => {
    const { api } = await w.as('member', 'session');
    const tooBig = await failure(api.admin.createToken({ project: 'alpha', name: 'x', role: 'admin' }));
    expect(tooBig.code).toBe('FORBIDDEN'); // members may not manage tokens at all
    const { api: admin } = await w.as('admin', 'session');
    // A token acts as its creator: an admin can no longer mint one for the viewer (finding 10), so the
    // role check is met where tokens are minted for a user directly.
    const overReach = await mint(null, 'admin', w.users.viewer).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(overReach?.message).toMatch(/role: a 'admin' token would grant what the user's role 'viewer'/);
    // A lead's lead token loses the lead's rights when the lead is demoted.
    const demoted = await w.db.user.create({ data: { email: 'demoted@example.test', passwordHash: 'x' } });
    await w.db.membership.create({ data: { userId: demoted.id, projectId: w.alpha.id, role: 'admin' } });
    const { secret } = await mint(null, 'admin', { id: demoted.id, email: demoted.email });
    expect(await (await bearer(secret)).api.admin.listTokens({ project: 'alpha' })).toBeInstanceOf(Array);
    await admin.admin.setMembership({ project: 'alpha', userId: demoted.id, role: 'viewer' });
    expect((await failure((await bearer(secret)).api.admin.listTokens({ project: 'alpha' }))).code).toBe(
      'FORBIDDEN',
    );
    await admin.admin.setMembership({ project: 'alpha', userId: demoted.id, role: null });
    expect((await failure((await bearer(secret)).api.sweeps.list({ project: 'alpha' }))).code).toBe(
      'FORBIDDEN',
    );
  });
});

describe('project isolation', () => {
  it("a token of project alpha cannot read project beta, even an admin's", async () => {
    for (const caller of [await w.as('admin', 'token'), await w.as('admin', 'session')]) {
      for (const call of [
        () => caller.api.sweeps.list({ project: 'beta' }),
        () => caller.api.sweeps.get({ sweepId: w.betaSweepId }),
        () => caller.api.trials.list({ sweepId: w.betaSweepId }),
        () => caller.api.datasets.list({ project: 'beta' }),
        () => caller.api.audit.list({ project: 'beta' }),
        () => caller.api.admin.listTokens({ project: 'beta' }),
      ]) {
        const error = await failure(call());
        expect(error.code).toBe('FORBIDDEN');
        expect(error.message).toMatch(/no access to project 'beta': not a member/);
      }
    }
  });

  it("beta's admin token lists only beta among its projects", async () => {
    const { api } = await w.as('outsider', 'token');
    expect((await api.projects.list()).map((p) => p.slug)).toEqual(['beta']);
  });

  it('a comparison across projects finds no second trial', async () => {
    const betaTrial = await w.db.trial.create({
      data: {
        sweepId: w.betaSweepId,
        trialKey: 'b0',
        index: 0,
        datasetId: w.datasetId,
        architecture: 'vgg16',
        initialisation: 'scratch',
        transferMode: 'full',
        config: {},
        configHash: 'x',
        groupKey: 'g',
        seed: 1,
      },
    });
    const { api } = await w.as('admin', 'session');
    const error = await failure(
      api.leaderboard.compare({ trialIdA: w.results.trialIds[0], trialIdB: betaTrial.id }),
    );
    expect(error.code).toBe('NOT_FOUND');
  });
});

describe('memberships', () => {
  it("refuse to remove a project's last admin", async () => {
    const { api } = await w.as('admin', 'session');
    const error = await failure(
      api.admin.setMembership({ project: 'alpha', userId: w.users.admin.id, role: 'lead' }),
    );
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toMatch(/last admin of project 'alpha'/);
    expect(
      (await api.admin.listMemberships({ project: 'alpha' })).find((m) => m.user.id === w.users.admin.id)
        ?.role,
    ).toBe('admin');
  });
});

describe('members control only their own sweeps', () => {
  it("refuses a member cancelling a lead's sweep, and lets the lead", async () => {
    const { api: lead } = await w.as('lead', 'session');
    const { sweepId } = await lead.sweeps.create({ specText: w.specText('lead sweep') });
    const { api: member } = await w.as('member', 'token');
    const error = await failure(member.sweeps.cancel({ sweepId }));
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toMatch(/was submitted by someone else/);
    expect((await member.sweeps.get({ sweepId })).canControl).toBe(false);
    expect((await lead.sweeps.get({ sweepId })).canControl).toBe(true);
    await lead.sweeps.cancel({ sweepId });
    const events = await w.db.auditEvent.findMany({ where: { subjectId: sweepId }, orderBy: { seq: 'asc' } });
    expect(events.map((e) => [e.action, e.actor])).toEqual([
      ['sweep.submit', `user:${w.users.lead.id}`],
      ['sweep.cancel', `user:${w.users.lead.id}`],
    ]);
  });
});

const HOSTILE = [
  `'; DROP TABLE users; --`,
  `1' OR '1'='1`,
  `<script>alert(document.cookie)</script>`,
  `"><img src=x onerror=alert(1)>`,
  `Robert'); DELETE FROM audit_events;-- 🚀 ☃ \\ " \``,
];
/** Longer than every limit (the largest, spec text, is 256 KiB). */
const OVERSIZED = 'x'.repeat(300_000);

describe('hostile text in every text field', () => {
  /** A field and how to send a value in it; `readBack` (when values are stored) returns what was stored. */
  interface TextField {
    field: string;
    send: (api: Caller['api'], value: string) => Promise<unknown>;
    /** Values of this shape are refused; others stored and read back. */
    refuses: (value: string) => boolean;
    readBack?: (api: Caller['api'], value: string, sent: unknown) => Promise<string | undefined>;
  }
  let n = 0;
  const always = () => true;
  const onlyOversized = (v: string) => v.length > 10_000;
  const FIELDS: TextField[] = [
    { field: 'email', send: (api, v) => api.auth.login({ email: v, password: PASSWORD }), refuses: always },
    {
      field: 'password',
      send: (api, v) => api.auth.login({ email: w.users.viewer.email, password: v }),
      refuses: onlyOversized,
    },
    {
      field: 'displayName',
      send: (api, v) =>
        api.admin.createUser({ email: `hostile-${n++}@example.test`, password: PASSWORD, displayName: v }),
      refuses: (v) => v.length > 200,
      readBack: async (api, _v, sent) =>
        (await api.admin.listUsers()).find((u) => u.id === (sent as { id: string }).id)?.displayName ??
        undefined,
    },
    {
      field: 'email',
      send: (api, v) => api.admin.createUser({ email: v, password: PASSWORD }),
      refuses: always,
    },
    {
      field: 'password',
      send: (api, v) => api.admin.createUser({ email: `p-${n++}@example.test`, password: v }),
      refuses: onlyOversized,
    },
    {
      field: 'name',
      send: (api, v) => api.admin.createToken({ project: 'alpha', name: v, role: 'viewer' }),
      refuses: (v) => v.length > 100,
      readBack: async (api, _v, sent) =>
        (await api.admin.listTokens({ project: 'alpha' })).find((t) => t.id === (sent as { id: string }).id)
          ?.name,
    },
    {
      field: 'specText',
      send: (api, v) => api.sweeps.create({ specText: v.length > 10_000 ? v : w.specText(v) }),
      refuses: onlyOversized,
      readBack: async (api, _v, sent) =>
        (await api.sweeps.get({ sweepId: (sent as { sweepId: string }).sweepId })).name,
    },
    {
      field: 'name',
      send: (api, v) => api.auth.createToken({ project: 'alpha', name: v }),
      refuses: (v) => v.length > 100,
      readBack: async (api, _v, sent) =>
        (await api.auth.listTokens()).find((t) => t.id === (sent as { id: string }).id)?.name,
    },
    { field: 'specText', send: (api, v) => api.sweeps.validateSpec({ specText: v }), refuses: onlyOversized },
    { field: 'project', send: (api, v) => api.sweeps.list({ project: v }), refuses: always },
    { field: 'project', send: (api, v) => api.admin.listTokens({ project: v }), refuses: always },
    { field: 'sweepId', send: (api, v) => api.sweeps.get({ sweepId: v }), refuses: always },
    { field: 'trialId', send: (api, v) => api.trials.get({ trialId: v }), refuses: always },
    { field: 'artifactId', send: (api, v) => api.artifacts.link({ artifactId: v }), refuses: always },
    {
      field: 'architectures.0',
      send: (api, v) => api.trials.list({ sweepId: w.results.sweepId, architectures: [v] }),
      refuses: (v) => v.length > 64,
    },
    {
      field: 'arms.0',
      send: (api, v) => api.trials.list({ sweepId: w.results.sweepId, arms: [v] }),
      refuses: (v) => v.length > 64,
    },
    {
      field: 'cursor',
      send: (api, v) => api.trials.list({ sweepId: w.results.sweepId, cursor: v }),
      refuses: onlyOversized,
    },
    {
      field: 'metric.name',
      send: (api, v) =>
        api.leaderboard.get({ scope: { sweepId: w.results.sweepId }, metric: { split: 'test', name: v } }),
      refuses: always,
    },
    {
      field: 'action',
      send: (api, v) => api.audit.list({ project: 'alpha', action: v }),
      refuses: (v) => v.length > 64,
    },
    {
      field: 'subjectId',
      send: (api, v) => api.audit.list({ project: 'alpha', subjectId: v }),
      refuses: (v) => v.length > 128,
    },
  ];

  it.each(FIELDS.map((f, i) => [`${i}: ${f.field}`, f] as const))('%s', async (_name, f) => {
    const { api } = await w.as('admin', 'session');
    const usersBefore = await w.db.user.count();
    for (const value of [...HOSTILE, OVERSIZED]) {
      const outcome = await f.send(api, value).then(
        (sent) => ({ ok: true as const, sent }),
        (error: unknown) => ({ ok: false as const, error }),
      );
      if (f.refuses(value)) {
        expect(outcome.ok, `${f.field} accepted ${value.slice(0, 40)}`).toBe(false);
        expect(fieldsOf((outcome as { error: TRPCError }).error)).toContain(f.field);
      } else if (outcome.ok) {
        if (f.readBack) expect(await f.readBack(api, value, outcome.sent)).toBe(value);
      } else {
        // Accepted as input, then refused by what it means (a password that does not match, a spec whose
        // YAML the text breaks, a cursor this API never made): never a server error.
        const error = outcome.error as TRPCError;
        expect(['UNAUTHORIZED', 'BAD_REQUEST']).toContain(error.code);
      }
    }
    expect(await w.db.user.count()).toBeGreaterThanOrEqual(usersBefore);
  });
});

describe('input errors name their field', () => {
  it('over HTTP: the error data lists each bad field with its message', async () => {
    const response = await http('sweeps.list', {
      input: { project: 'Not A Slug', limit: 1000 },
      headers: { cookie: w.cookies.viewer },
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as {
      error: { json: { message: string; data: { fieldIssues: { path: string; message: string }[] } } };
    };
    expect(body.error.json.data.fieldIssues.map((i) => i.path).sort()).toEqual(['limit', 'project']);
    expect(body.error.json.message).toMatch(/project: must be a project slug/);
  });

  it('spec problems come back with path and line for inline display', async () => {
    const { api } = await w.as('member', 'session');
    const invalid = await api.sweeps.validateSpec({
      specText: w
        .specText()
        .replace('architectures: [vgg16]', 'architectures: [vgg17]')
        .replace('dataset: breastmnist', 'dataset: nosuchset'),
    });
    expect(invalid).toMatchObject({ ok: false, issues: [{ path: 'architectures[0]', line: 4 }] });
    const unknownDataset = await api.sweeps.validateSpec({
      specText: w.specText().replace('dataset: breastmnist', 'dataset: nosuchset'),
    });
    expect(unknownDataset).toMatchObject({ ok: false, issues: [{ path: 'dataset', line: 3 }] });
    const created = await http('sweeps.create', {
      method: 'POST',
      input: { specText: w.specText().replace('seeds: [1, 2]', 'seeds: []') },
      headers: { cookie: w.cookies.member },
    });
    expect(created.status).toBe(400);
    const body = (await created.json()) as { error: { json: { data: { fieldIssues: unknown[] } } } };
    expect(body.error.json.data.fieldIssues).toEqual([
      expect.objectContaining({ path: 'seeds', line: 11, code: 'invalid_spec' }),
    ]);
    const unknownProject = await api.sweeps.validateSpec({
      specText: w.specText().replace('project: alpha', 'project: nosuch'),
    });
    expect(unknownProject).toMatchObject({ ok: false, issues: [{ path: 'project', line: 2 }] });
    expect(await api.sweeps.validateSpec({ specText: w.specText() })).toMatchObject({
      ok: true,
      summary: { project: 'alpha', plannedTrials: 4 },
    });
  });
});

describe('unexpected failures', () => {
  it('tell the client nothing about the server beyond a fixed message', async () => {
    const deadStore = new ObjectStore({ ...loadConfig().s3, endpoint: 'http://127.0.0.1:9' });
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const response = await http(
        'trials.evaluation',
        { input: { trialId: w.results.trialIds[0] }, headers: { cookie: w.cookies.viewer } },
        { ...w.deps, objectStore: deadStore },
      );
      expect(response.status).toBe(500);
      const text = await response.text();
      expect(text).toContain(INTERNAL_ERROR_MESSAGE);
      expect(text).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|stack/);
      expect(errors).toHaveBeenCalledWith('tRPC trials.evaluation failed:', expect.any(Error));
    } finally {
      errors.mockRestore();
    }
  });
});

describe('artifact links', () => {
  it('carry an expiry and stop working after it', async () => {
    // Three seconds, not one: on a loaded machine the first download alone can take a second.
    const { api } = await w.caller({ cookie: w.cookies.viewer }, { artifactLinkSeconds: 3 });
    const artifact = await w.db.artifact.findUniqueOrThrow({ where: { id: w.results.artifactIds[0]! } });
    const link = await api.artifacts.link({ artifactId: artifact.id });
    expect(new URL(link.url).searchParams.get('X-Amz-Expires')).toBe('3');
    const fresh = await fetch(link.url);
    expect(fresh.status).toBe(200);
    expect(
      createHash('sha256')
        .update(new Uint8Array(await fresh.arrayBuffer()))
        .digest('hex'),
    ).toBe(artifact.sha256);
    await new Promise((resolve) => setTimeout(resolve, 4_500));
    const stale = await fetch(link.url);
    expect(stale.status).toBe(403);
    expect(await stale.text()).toMatch(/expired/i);
  });
});
