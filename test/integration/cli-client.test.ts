// The `medsweep` CLI as an API client on the real stack: the API served over HTTP (the world of the API's
// own tests: projects, one user per role, their API tokens, completed trials with real artifacts), and the
// CLI run as a child process whose environment holds no database, S3 or Temporal settings — only its
// config file with the server and token. What it may do is what the token's role allows.
import { chmodSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD } from '@medsweep/api/test-support';
import type { World } from '@medsweep/api/test-support';
import type { ApiServer } from '../bench/support/api-server.js';
import { cliProcess, closedPort, startCliWorld, stopCliWorld } from './support/cli-process.js';
import type { CliWorld } from './support/cli-process.js';

let w: World;
let api: ApiServer;
let home: string;
let specFile: string;

const { cli, ok } = cliProcess(() => home);

const configFile = () => join(home, 'medsweep', 'config.json');

let world: CliWorld | undefined;
beforeAll(async () => {
  world = await startCliWorld({ homePrefix: 'medsweep-cli-', profiles: ['member', 'viewer', 'lead'] });
  ({ w, api, home } = world);
  specFile = join(home, 'spec.yaml');
  writeFileSync(specFile, w.specText('submitted from the CLI'));
}, 240_000);

afterAll(() => stopCliWorld(world), 60_000);

describe('medsweep login', () => {
  it('stores the profiles in a config file only its owner can read', () => {
    expect(statSync(configFile()).mode & 0o777).toBe(0o600);
  });

  it('refuses a config file that others can read, saying how to fix it', async () => {
    chmodSync(configFile(), 0o644);
    try {
      const r = await cli(['sweep', 'list', '--profile', 'member']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('readable by group or others (mode 644)');
      expect(r.stderr).toContain(`chmod 600 ${configFile()}`);
    } finally {
      chmodSync(configFile(), 0o600);
    }
  });

  it("creates an admin's token from email and password", async () => {
    const login = ['login', '--server', api.url, '--email', w.users.admin.email, '--password-stdin'];
    const r = await cli([...login, '--profile', 'admin'], {}, `${PASSWORD}\n`);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`as ${w.users.admin.email} (admin in alpha)`);
    expect(await ok(['sweep', 'list', '--profile', 'admin', '--json'])).toContain(w.results.sweepId);
  });

  it('tells the user to log in again when the server refuses the token', async () => {
    const r = await cli(['sweep', 'list'], { MEDSWEEP_SERVER: api.url, MEDSWEEP_TOKEN: 'mst_not-a-token' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('run `medsweep login`');
  });

  it('uses MEDSWEEP_SERVER and MEDSWEEP_TOKEN without a config file, and says when the server is down', async () => {
    const env = {
      MEDSWEEP_SERVER: api.url,
      MEDSWEEP_TOKEN: w.tokens.viewer,
      XDG_CONFIG_HOME: join(home, 'none'),
    };
    expect(await ok(['sweep', 'list'], env)).toContain(w.results.sweepId);
    // A port that was free a moment ago: nothing listens there.
    const port = await closedPort();
    const down = await cli(['sweep', 'list'], { ...env, MEDSWEEP_SERVER: `http://127.0.0.1:${port}` });
    expect(down.code).toBe(3);
    expect(down.stderr).toContain(
      `cannot reach the MedSweep API at http://127.0.0.1:${port}: connect ECONNREFUSED`,
    );
  });
});

describe("a member's token", () => {
  it('submits a sweep, recorded as the member, and cancels it', async () => {
    const { sweepId } = JSON.parse(
      await ok(['sweep', 'submit', specFile, '--json', '--profile', 'member']),
    ) as {
      sweepId: string;
    };
    const sweep = await w.db.sweep.findUniqueOrThrow({ where: { id: sweepId } });
    expect(sweep.createdById).toBe(w.users.member.id);
    expect(await ok(['sweep', 'cancel', sweepId, '--profile', 'member'])).toContain('cancel requested');
    const events = await w.db.auditEvent.findMany({
      where: { subjectId: sweepId },
      orderBy: { seq: 'asc' },
    });
    // Both acts are the token's, recorded by the API: not a local `cli:<user>` acting in-process.
    expect(events.map((e) => [e.action, e.actor.split(':')[0]])).toEqual([
      ['sweep.submit', 'token'],
      ['sweep.cancel', 'token'],
    ]);
  });

  it('is told each problem of a bad spec with its path and line', async () => {
    const bad = join(home, 'bad.yaml');
    writeFileSync(bad, w.specText('bad').replace('seeds: [1, 2]', 'seeds: []'));
    const r = await cli(['sweep', 'submit', bad, '--profile', 'member']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/rejected by the API \(sweeps\.create\):\n {2}seeds \(line \d+\): /);
  });

  it("is refused cancelling another user's sweep", async () => {
    const { sweepId } = JSON.parse(
      await ok(['sweep', 'submit', specFile, '--json', '--profile', 'lead']),
    ) as {
      sweepId: string;
    };
    const r = await cli(['sweep', 'cancel', sweepId, '--profile', 'member']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`forbidden: sweep ${sweepId} was submitted by someone else`);
    expect(await ok(['sweep', 'cancel', sweepId, '--profile', 'lead'])).toContain('cancel requested');
  });
});

describe("a viewer's token", () => {
  it('is refused submitting, told which roles may', async () => {
    const r = await cli(['sweep', 'submit', specFile, '--profile', 'viewer']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("forbidden: role 'viewer' in project 'alpha' does not allow sweep.submit");
    expect(r.stderr).toContain('needs role member, lead or admin');
  });

  it('reads sweeps, their status and progress, and every leaderboard table', async () => {
    const id = w.results.sweepId;
    const viewer = ['--profile', 'viewer'];
    expect(await ok(['sweep', 'list', ...viewer])).toContain(id);
    expect(await ok(['sweep', 'status', id, ...viewer])).toContain('status    completed');
    // The results sweep was recorded without a workflow: watch says so instead of waiting.
    expect((await cli(['sweep', 'watch', id, ...viewer])).stderr).toContain('has no workflow to watch');
    const tables = JSON.parse(await ok(['leaderboard', id, '--json', ...viewer])) as {
      leaderboard: { entries: unknown[] };
    };
    expect(tables.leaderboard.entries.length).toBeGreaterThan(0);
    expect(await ok(['leaderboard', id, '--format', 'csv', ...viewer])).toContain('# Leaderboard');
    expect(await ok(['report', id, '--table', 'paper', '--format', 'latex', ...viewer])).toContain(
      '\\begin{table}',
    );
  });
});

describe('medsweep weights', () => {
  it("uploads a member's weights file through the signed URL and registers it, verified", async () => {
    const file = join(home, 'squeezenet.h5');
    writeFileSync(file, `not really HDF5 ${Date.now()}`);
    const args = ['weights', 'register', file, '--name', 'cli/squeezenet1_1', '--json'];
    const first = JSON.parse(await ok([...args, '--profile', 'member'])) as {
      sha256: string;
      created: boolean;
    };
    expect(first.created).toBe(true);
    const sources = await w.db.weightsSource.findMany({ where: { name: 'cli/squeezenet1_1' } });
    expect(sources.map((s) => s.sha256)).toEqual([first.sha256]);
    expect(JSON.parse(await ok([...args, '--profile', 'member']))).toMatchObject({ created: false });
    writeFileSync(file, 'other weights');
    const taken = await cli([...args, '--profile', 'member']);
    expect(taken.stderr).toContain(
      "conflict: weights source 'cli/squeezenet1_1' already exists in project 'alpha'",
    );
    const viewer = await cli(['weights', 'register', file, '--name', 'cli/vgg16', '--profile', 'viewer']);
    expect(viewer.stderr).toContain('does not allow sweep.submit (needs role member, lead or admin');
  });

  it("registers a completed trial's weights", async () => {
    const trialId = w.results.trialIds[0];
    const args = ['weights', 'from-trial', trialId, '--name', 'cli-trial/vgg16', '--profile', 'member'];
    expect(await ok(args)).toContain(`weights cli-trial/vgg16 registered from trial ${trialId}`);
  });
});

describe('medsweep logout', () => {
  it('forgets the profile', async () => {
    await ok(['logout', '--profile', 'viewer']);
    const r = await cli(['sweep', 'list', '--profile', 'viewer']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("not logged in (profile 'viewer'");
  });
});
