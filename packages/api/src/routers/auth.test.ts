// One's own API tokens and signing out with one: a signed-in user makes a token in a project they are a
// member of, with at most their role there and a bounded lifetime; a token cannot make tokens; signing
// out with a token revokes it. And who the caller is over the whole instance (auth.me's instance role).
import { describe, expect, it } from 'vitest';
import { OWN_TOKEN_DAYS } from '../auth/permissions.js';
import { failure, worldOfThisFile } from '../test-support/file-world.js';

const w = worldOfThisFile();

const bearer = (secret: string) => w.caller({ authorization: `Bearer ${secret}` });
const DAY_MS = 86_400_000;

describe('own API tokens', () => {
  it("makes a member's token with their role and a 90-day expiry, audited, that acts as the member", async () => {
    const { api } = await w.as('member', 'session');
    const before = Date.now();
    const made = await api.auth.createToken({ project: 'alpha', name: 'laptop' });
    expect(made).toMatchObject({ name: 'laptop', role: 'member', project: 'alpha' });
    expect(made.secret).toMatch(/^mst_/);
    const days = (made.expiresAt!.getTime() - before) / DAY_MS;
    expect(days).toBeGreaterThanOrEqual(OWN_TOKEN_DAYS.default - 0.01);
    expect(days).toBeLessThan(OWN_TOKEN_DAYS.default + 0.01);
    const [event] = await w.db.auditEvent.findMany({ where: { action: 'token.create', subjectId: made.id } });
    expect(event).toMatchObject({ actor: `user:${w.users.member.id}`, projectId: w.alpha.id });
    expect(event!.payload).toMatchObject({ userId: w.users.member.id, role: 'member', name: 'laptop' });
    const me = await (await bearer(made.secret)).api.auth.me();
    expect(me).toMatchObject({ via: 'token', tokenRole: 'member', user: { email: w.users.member.email } });
  });

  it("caps the role at the user's own in the project, and the lifetime at a year", async () => {
    const { api } = await w.as('member', 'session');
    for (const role of ['lead', 'auditor', 'admin'] as const) {
      const refused = await failure(api.auth.createToken({ project: 'alpha', name: 'too big', role }));
      expect(refused.code).toBe('BAD_REQUEST');
      expect(refused.message).toMatch(`a '${role}' token would grant what the user's role 'member'`);
    }
    const viewer = await api.auth.createToken({ project: 'alpha', name: 'read only', role: 'viewer' });
    expect(viewer.role).toBe('viewer');
    const refusedSubmit = await failure(
      (await bearer(viewer.secret)).api.sweeps.validateSpec({ specText: w.specText() }),
    );
    expect(refusedSubmit.code).toBe('FORBIDDEN');
    const tooLong = await failure(
      api.auth.createToken({ project: 'alpha', name: 'forever', expiresInDays: OWN_TOKEN_DAYS.max + 1 }),
    );
    expect(tooLong.code).toBe('BAD_REQUEST');
    expect(tooLong.message).toMatch(`must be at most ${OWN_TOKEN_DAYS.max} days`);
    const year = await api.auth.createToken({
      project: 'alpha',
      name: 'a year',
      expiresInDays: OWN_TOKEN_DAYS.max,
    });
    expect(year.expiresAt!.getTime()).toBeGreaterThan(Date.now() + (OWN_TOKEN_DAYS.max - 1) * DAY_MS);
  });

  it('refuses a project the user is not a member of, the instance admin included', async () => {
    const { api: outsider } = await w.as('outsider', 'session');
    const refused = await failure(outsider.auth.createToken({ project: 'alpha', name: 'not mine' }));
    expect(refused.code).toBe('FORBIDDEN');
    expect(refused.message).toMatch(/no access to project 'alpha': not a member/);
    const { api: admin } = await w.as('admin', 'session');
    expect((await failure(admin.auth.createToken({ project: 'beta', name: 'not mine' }))).code).toBe(
      'FORBIDDEN',
    );
    expect((await failure(admin.auth.createToken({ project: 'nowhere', name: 'x' }))).code).toBe('NOT_FOUND');
  });

  it('cannot be minted by a token, not even an admin token', async () => {
    const tokensBefore = await w.db.apiToken.count();
    for (const who of ['viewer', 'member', 'admin'] as const) {
      const { api } = await w.as(who, 'token');
      const refused = await failure(api.auth.createToken({ project: 'alpha', name: 'successor' }));
      expect(refused.code).toBe('FORBIDDEN');
      expect(refused.message).toMatch(/auth.createToken needs a browser session/);
      expect((await failure(api.auth.listTokens())).code).toBe('FORBIDDEN');
    }
    const { api: adminToken } = await w.as('admin', 'token');
    const refused = await failure(
      adminToken.admin.createToken({ project: 'alpha', name: 'successor', role: 'admin' }),
    );
    expect(refused.message).toMatch(/admin.createToken needs a browser session/);
    expect(await w.db.apiToken.count()).toBe(tokensBefore);
  });

  it("lists and revokes the user's own tokens only", async () => {
    const { api: viewer } = await w.as('viewer', 'session');
    const made = await viewer.auth.createToken({ project: 'alpha', name: 'to revoke' });
    const listed = await viewer.auth.listTokens();
    expect(listed.find((t) => t.id === made.id)).toMatchObject({
      name: 'to revoke',
      role: 'viewer',
      revokedAt: null,
      project: { slug: 'alpha', name: 'Alpha' },
    });
    // Only the viewer's own: the world's viewer token is listed, the member's is not.
    const viewerTokens = await w.db.apiToken.findMany({ where: { userId: w.users.viewer.id } });
    expect(listed.map((t) => t.id).sort()).toEqual(viewerTokens.map((t) => t.id).sort());
    expect(listed[0]).not.toHaveProperty('tokenHash');
    const { api: member } = await w.as('member', 'session');
    const notTheirs = await failure(member.auth.revokeToken({ tokenId: made.id }));
    expect(notTheirs.code).toBe('NOT_FOUND');
    expect(notTheirs.message).toBe(`API token ${made.id} is not one of your tokens`);
    const revoked = await viewer.auth.revokeToken({ tokenId: made.id });
    expect(revoked.id).toBe(made.id);
    const [event] = await w.db.auditEvent.findMany({ where: { action: 'token.revoke', subjectId: made.id } });
    expect(event!.actor).toBe(`user:${w.users.viewer.id}`);
    const refused = await failure((await bearer(made.secret)).api.auth.me());
    expect(refused.code).toBe('UNAUTHORIZED');
    expect(refused.message).toMatch(/API token revoked/);
  });
});

describe('auth.logout with an API token', () => {
  it('revokes the token, audited as the token itself; the same secret is refused afterwards', async () => {
    const { api: session } = await w.as('member', 'session');
    const made = await session.auth.createToken({ project: 'alpha', name: 'cli' });
    const { api } = await bearer(made.secret);
    expect(await api.auth.logout()).toEqual({ sessionEnded: false, tokenRevoked: true });
    const [event] = await w.db.auditEvent.findMany({ where: { action: 'token.revoke', subjectId: made.id } });
    expect(event).toMatchObject({ actor: `token:${made.id}`, projectId: w.alpha.id });
    expect((await failure((await bearer(made.secret)).api.sweeps.list({ project: 'alpha' }))).code).toBe(
      'UNAUTHORIZED',
    );
    // The member's session and other tokens are untouched.
    expect((await session.auth.me()).via).toBe('session');
    expect((await (await w.as('member', 'token')).api.auth.me()).via).toBe('token');
  });
});

describe('auth.me', () => {
  it('names the instance role and what it allows through this sign-in', async () => {
    const me = async (who: 'admin' | 'auditor' | 'member', via: 'session' | 'token') =>
      (await (await w.as(who, via)).api.auth.me()) as { instanceRole: unknown; instanceActions: unknown };
    expect(await me('admin', 'session')).toMatchObject({
      instanceRole: 'admin',
      instanceActions: ['instance.audit', 'instance.users'],
    });
    expect(await me('auditor', 'session')).toMatchObject({
      instanceRole: 'auditor',
      instanceActions: ['instance.audit'],
    });
    expect(await me('member', 'session')).toMatchObject({ instanceRole: null, instanceActions: [] });
    // The auditor's auditor token carries the audit role; a viewer token of the admin carries nothing.
    expect(await me('auditor', 'token')).toMatchObject({ instanceActions: ['instance.audit'] });
    const { api: admin } = await w.as('admin', 'session');
    const narrow = await admin.auth.createToken({ project: 'alpha', name: 'narrow', role: 'viewer' });
    expect(await (await bearer(narrow.secret)).api.auth.me()).toMatchObject({
      instanceRole: 'admin',
      instanceActions: [],
    });
  });
});
