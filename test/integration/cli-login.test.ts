// `medsweep login` with email and password and `medsweep logout`, the CLI run as a child process with no
// database, S3 or Temporal settings against the API served over HTTP (the world of the API's own tests).
// Any member signs in with a password and gets a token of their own role, expiring; logging out revokes
// the token on the server, and when the server cannot be reached says plainly that it did not.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD } from '@medsweep/api/test-support';
import type { Who, World } from '@medsweep/api/test-support';
import type { ApiServer } from '../bench/support/api-server.js';
import { cliProcess, closedPort, startCliWorld, stopCliWorld } from './support/cli-process.js';
import type { CliWorld } from './support/cli-process.js';

let w: World;
let api: ApiServer;
let home: string;
let specFile: string;

const { cli, ok } = cliProcess(() => home);

const configFile = () => join(home, 'medsweep', 'config.json');

/** The profiles as `medsweep login` stored them. */
const profiles = () =>
  (
    JSON.parse(readFileSync(configFile(), 'utf8')) as {
      profiles: Record<string, { server: string; token: string }>;
    }
  ).profiles;

/** `medsweep login --email` as `who`, the password on stdin, into profile `profile`. */
const passwordLogin = (who: Who, profile: string, extra: string[] = []) =>
  cli(
    [
      'login',
      '--server',
      api.url,
      '--email',
      w.users[who].email,
      '--password-stdin',
      '--profile',
      profile,
      ...extra,
    ],
    {},
    `${PASSWORD}\n`,
  );

/** The HTTP status the API answers `auth.me` with for this bearer token. */
const meStatus = async (token: string) =>
  (await fetch(`${api.url}/api/trpc/auth.me`, { headers: { authorization: `Bearer ${token}` } })).status;

let world: CliWorld | undefined;
beforeAll(async () => {
  world = await startCliWorld({ homePrefix: 'medsweep-cli-login-' });
  ({ w, api, home } = world);
  specFile = join(home, 'spec.yaml');
  writeFileSync(specFile, w.specText('submitted after a password login'));
}, 240_000);

afterAll(() => stopCliWorld(world), 60_000);

describe('medsweep login --email', () => {
  it('gives a member a token of their own role, expiring in 90 days, that submits and cancels', async () => {
    const r = await passwordLogin('member', 'member');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`as ${w.users.member.email} (member in alpha)`);
    const token = await w.db.apiToken.findFirstOrThrow({
      where: { userId: w.users.member.id, name: { startsWith: 'medsweep-cli@' } },
    });
    expect(token.role).toBe('member');
    const days = (token.expiresAt!.getTime() - token.createdAt.getTime()) / 86_400_000;
    expect(days).toBeCloseTo(90, 2);
    const { sweepId } = JSON.parse(
      await ok(['sweep', 'submit', specFile, '--json', '--profile', 'member']),
    ) as {
      sweepId: string;
    };
    const sweep = await w.db.sweep.findUniqueOrThrow({ where: { id: sweepId } });
    expect(sweep.createdById).toBe(w.users.member.id);
    expect(await ok(['sweep', 'cancel', sweepId, '--profile', 'member'])).toContain('cancel requested');
    // The sign-in session that minted the token ended at once.
    const logins = await w.db.session.findMany({ where: { userId: w.users.member.id, revokedAt: null } });
    expect(logins.every((s) => s.createdAt < token.createdAt)).toBe(true);
  });

  it('gives a viewer a viewer token, which is refused submitting', async () => {
    const r = await passwordLogin('viewer', 'viewer', ['--expires-in-days', '7', '--token-name', 'ci']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`as ${w.users.viewer.email} (viewer in alpha)`);
    const token = await w.db.apiToken.findFirstOrThrow({ where: { userId: w.users.viewer.id, name: 'ci' } });
    expect((token.expiresAt!.getTime() - token.createdAt.getTime()) / 86_400_000).toBeCloseTo(7, 2);
    const refused = await cli(['sweep', 'submit', specFile, '--profile', 'viewer']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(
      "forbidden: role 'viewer' in project 'alpha' does not allow sweep.submit",
    );
  });

  it('refuses a project the user is not in, and a lifetime over a year', async () => {
    const outsider = await passwordLogin('outsider', 'outsider', ['--project', 'alpha']);
    expect(outsider.code).not.toBe(0);
    expect(outsider.stderr).toContain('--project alpha: not a member there; your projects: beta');
    const long = await passwordLogin('member', 'long', ['--expires-in-days', '366']);
    expect(long.code).toBe(2);
    expect(long.stderr).toContain('must be a whole number of days from 1 to 365');
  });
});

describe('medsweep logout', () => {
  it('revokes the token on the server: the same token is refused afterwards (401)', async () => {
    expect((await passwordLogin('member', 'to-revoke')).code).toBe(0);
    const { token } = profiles()['to-revoke']!;
    expect(await meStatus(token)).toBe(200);
    expect(await ok(['logout', '--profile', 'to-revoke'])).toContain(
      `token revoked on ${api.url}; profile 'to-revoke' removed`,
    );
    expect(profiles()).not.toHaveProperty('to-revoke');
    expect(await meStatus(token)).toBe(401);
    const reused = await cli(['sweep', 'list'], { MEDSWEEP_SERVER: api.url, MEDSWEEP_TOKEN: token });
    expect(reused.code).toBe(1);
    expect(reused.stderr).toContain('API token revoked');
    const [event] = await w.db.auditEvent.findMany({
      where: { action: 'token.revoke', actor: { startsWith: 'token:' } },
    });
    expect(event).toBeDefined();
    // Logging out again: nothing is left to forget.
    expect(await ok(['logout', '--profile', 'to-revoke'])).toContain("profile 'to-revoke' was not logged in");
  });

  it('forgets a token the server no longer accepts, saying so', async () => {
    expect((await passwordLogin('viewer', 'revoked-elsewhere')).code).toBe(0);
    const { token } = profiles()['revoked-elsewhere']!;
    // Revoked by someone else meanwhile (an admin, the dashboard).
    await w.db.apiToken.update({
      where: { tokenHash: createHash('sha256').update(token).digest('hex') },
      data: { revokedAt: new Date() },
    });
    expect(await meStatus(token)).toBe(401);
    expect(await ok(['logout', '--profile', 'revoked-elsewhere'])).toContain(
      `${api.url} no longer accepts the token`,
    );
    expect(profiles()).not.toHaveProperty('revoked-elsewhere');
  });

  it('still forgets the profile when the server is unreachable, saying the token was NOT revoked', async () => {
    expect((await passwordLogin('member', 'offline')).code).toBe(0);
    const stored = profiles().offline!;
    const down = `http://127.0.0.1:${await closedPort()}`;
    const file = JSON.parse(readFileSync(configFile(), 'utf8')) as {
      profiles: Record<string, { server: string }>;
    };
    file.profiles.offline!.server = down;
    writeFileSync(configFile(), JSON.stringify(file));
    const r = await cli(['logout', '--profile', 'offline']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("profile 'offline' removed, but its token was NOT revoked");
    expect(r.stderr).toContain(`cannot reach the MedSweep API at ${down}`);
    expect(r.stderr).toContain(`revoke it under API tokens on ${down}/account`);
    expect(r.stderr).toContain('ask a project admin');
    expect(profiles()).not.toHaveProperty('offline');
    // And indeed: the token still works on the real server.
    expect(await meStatus(stored.token)).toBe(200);
  });
});
