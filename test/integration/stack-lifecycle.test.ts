import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { configFromEnv, loadConfig, repoRoot } from '@medsweep/config';
import { PortInUseError, stackDown, stackStatus, stackUp } from '@medsweep/stack';

const run = promisify(execFile);

// A second, private stack on other ports, so this test never disturbs the suite's shared stack.
const stackDir = mkdtempSync(join(tmpdir(), 'medsweep-stack-'));
const env = {
  MEDSWEEP_STACK_DIR: stackDir,
  TEMPORAL_ADDRESS: '127.0.0.1:17233',
  TEMPORAL_UI_PORT: '18233',
  S3_ENDPOINT: 'http://127.0.0.1:19000',
  MINIO_CONSOLE_PORT: '19001',
  DATABASE_URL: 'postgresql://medsweep:medsweep@127.0.0.1:55433/medsweep',
};
const quiet = () => undefined;
/** The suite's shared stack (started by npm test), for the CLI checks that need live services. */
const shared = loadConfig();

/** The given processes and all their descendants, as `pid args` lines. */
async function processTrees(roots: number[]): Promise<string[]> {
  const { stdout } = await run('ps', ['-eo', 'pid=,ppid=,args=']);
  const rows = stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [pid = '', ppid = '', ...args] = l.trim().split(/\s+/);
      return { pid: Number(pid), ppid: Number(ppid), line: `${pid} ${args.join(' ')}` };
    });
  const inTree = new Set(roots);
  for (let grew = true; grew;) {
    grew = false;
    for (const r of rows)
      if (inTree.has(r.ppid) && !inTree.has(r.pid)) grew = inTree.add(r.pid) !== undefined;
  }
  return rows.filter((r) => inTree.has(r.pid)).map((r) => r.line);
}

describe('local stack lifecycle', () => {
  afterAll(async () => {
    await stackDown(configFromEnv(env), quiet);
    // As root the cluster may live outside the (private) temp dir; remove it wherever it is.
    const data = join(stackDir, 'postgres', 'data');
    // (its folder there also holds the password file initdb read)
    if (existsSync(data)) rmSync(dirname(realpathSync(data)), { recursive: true, force: true });
    rmSync(stackDir, { recursive: true, force: true });
  });

  it('starts all three services healthy, is idempotent, and stops leaving no process behind', async () => {
    const config = configFromEnv(env);
    await stackUp(config, quiet);
    const status = await stackStatus(config);
    expect(status.map((s) => [s.name, s.healthy])).toEqual([
      ['temporal', true],
      ['minio', true],
      ['postgres', true],
    ]);
    expect(status.find((s) => s.name === 'temporal')?.endpoints).toEqual([
      'grpc 127.0.0.1:17233',
      'ui 127.0.0.1:18233',
    ]);

    const lines: string[] = [];
    await stackUp(config, (l) => lines.push(l));
    expect(lines.filter((l) => l.includes('already running'))).toHaveLength(3);
    const roots = status.map((s) => s.pid ?? -1);
    const tree = await processTrees(roots);
    // Postgres alone runs a postmaster plus its background processes.
    expect(tree.length).toBeGreaterThan(3);

    await stackDown(config, quiet);
    const treePids = tree.map((l) => Number(l.split(' ')[0]));
    const { stdout } = await run('ps', ['-eo', 'pid=']);
    const alive = new Set(stdout.split('\n').map((l) => Number(l.trim())));
    expect(tree.filter((_, i) => alive.has(treePids[i] ?? -1))).toEqual([]);
    expect((await stackStatus(config)).every((s) => !s.healthy && s.detail === 'not running')).toBe(true);
  }, 180_000);

  it('refuses a port that another process holds, naming the setting to change', async () => {
    const squatter: Server = createServer();
    await new Promise<void>((resolve, reject) => {
      squatter.once('error', reject);
      squatter.listen(19000, '127.0.0.1', resolve);
    });
    try {
      const config = configFromEnv(env);
      const error = await stackUp(config, quiet).catch((e: unknown) => e);
      expect(error, String((error as Error).message)).toBeInstanceOf(PortInUseError);
      expect((error as Error).message).toBe(
        'MinIO (S3 API): 127.0.0.1:19000 is already in use by another process (not started by this stack); stop that process or set S3_ENDPOINT to a free port',
      );
    } finally {
      squatter.close();
    }
  });
});

describe('medsweep CLI on bad configuration', () => {
  const cli = (args: string[], extraEnv: Record<string, string>) =>
    run(
      process.execPath,
      ['--conditions=@medsweep/source', '--import', 'tsx', 'apps/cli/src/main.ts', ...args],
      {
        cwd: repoRoot(),
        env: { ...process.env, ...extraEnv },
      },
    ).then(
      (r) => ({ code: 0, stderr: r.stderr }),
      (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
    );

  it('prints one line naming the setting, exit code 2, for a malformed value', async () => {
    const { code, stderr } = await cli(['stack', 'status'], { TEMPORAL_ADDRESS: 'localhost' });
    expect(code).toBe(2);
    expect(stderr.trim()).toBe(
      'medsweep: TEMPORAL_ADDRESS="localhost": must be host:port, e.g. 127.0.0.1:7233',
    );
  });

  it('prints one line for an unreachable external DATABASE_URL, exit code 3', async () => {
    const { code, stderr } = await cli(['stack', 'up'], {
      ...env,
      MEDSWEEP_STACK_SERVICES: '',
      TEMPORAL_ADDRESS: shared.temporal.address,
      S3_ENDPOINT: shared.s3.endpoint,
      DATABASE_URL: 'postgresql://someone:secret@127.0.0.1:1/medsweep',
    });
    expect(code).toBe(3);
    const lines = stderr.trim().split('\n');
    expect(lines).toEqual([
      'medsweep: PostgreSQL: external service not usable: connect ECONNREFUSED 127.0.0.1:1 (set DATABASE_URL or add postgres to MEDSWEEP_STACK_SERVICES)',
    ]);
    expect(stderr).not.toContain('secret');
  });

  it('prints one line for wrong S3 credentials, exit code 3', async () => {
    const { code, stderr } = await cli(['stack', 'up'], {
      ...env,
      MEDSWEEP_STACK_SERVICES: '',
      TEMPORAL_ADDRESS: shared.temporal.address,
      S3_ENDPOINT: shared.s3.endpoint,
      DATABASE_URL: shared.databaseUrl,
      S3_SECRET_ACCESS_KEY: 'definitely-wrong',
    });
    expect(code).toBe(3);
    expect(stderr.trim()).toBe(
      `medsweep: S3 at ${shared.s3.endpoint} refused access key ${shared.s3.accessKeyId} for bucket ${shared.s3.bucket}: check S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY`,
    );
  });
});
