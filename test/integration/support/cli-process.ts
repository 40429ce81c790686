// The `medsweep` CLI run as a child process the way a user without stack access runs it: its environment
// holds no database, S3 or Temporal settings, only a config home (XDG_CONFIG_HOME) with the profiles that
// `medsweep login` stored there.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import type { ApiDeps } from '@medsweep/api';
import { createWorld } from '@medsweep/api/test-support';
import type { Who, World } from '@medsweep/api/test-support';
import { repoRoot } from '@medsweep/config';
import type { ApiServer } from '../../bench/support/api-server.js';
import { serveApi } from '../../bench/support/api-server.js';

const run = promisify(execFile);

/** What the CLI's environment must not hold: every setting that reaches the stack directly. */
const STACK_SETTINGS =
  /^(DATABASE_URL|S3_|TEMPORAL_|MINIO_|MEDSWEEP_STACK_DIR$|MEDSWEEP_(SERVER|TOKEN|PROFILE)$)/;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliProcess {
  /** Runs the CLI with `input` on its stdin (default: none, stdin closed). */
  cli(args: string[], extraEnv?: Record<string, string>, input?: string): Promise<CliResult>;
  /** Runs the CLI and expects success; returns stdout. */
  ok(args: string[], extraEnv?: Record<string, string>): Promise<string>;
}

/** A CLI whose config lives under `configHome()` (a function: the directory is made in a beforeAll). */
export function cliProcess(configHome: () => string): CliProcess {
  const cli: CliProcess['cli'] = (args, extraEnv = {}, input = '') => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !STACK_SETTINGS.test(k)));
    const child = run(
      process.execPath,
      ['--conditions=@medsweep/source', '--import', 'tsx', 'apps/cli/src/main.ts', ...args],
      { cwd: repoRoot(), env: { ...env, XDG_CONFIG_HOME: configHome(), ...extraEnv }, timeout: 120_000 },
    );
    child.child.stdin?.end(input);
    return child.then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({
        code: e.code,
        stdout: e.stdout,
        stderr: e.stderr,
      }),
    );
  };
  const ok: CliProcess['ok'] = async (args, extraEnv = {}) => {
    const r = await cli(args, extraEnv);
    expect(r.code, `medsweep ${args.join(' ')}: ${r.stderr}`).toBe(0);
    return r.stdout;
  };
  return { cli, ok };
}

/** The API's test world served over HTTP, and a config home for the CLI with a profile per role. */
export interface CliWorld {
  w: World;
  api: ApiServer;
  home: string;
}

/**
 * Makes a world, serves its API (with `deps` changed, e.g. the sweeps' task queue) and a fresh config
 * home (`homePrefix`), where `medsweep login` stores a profile named after each role in `profiles`,
 * holding that role's token.
 */
export async function startCliWorld(args: {
  homePrefix: string;
  profiles?: readonly Who[];
  deps?: (w: World) => Promise<Partial<ApiDeps>>;
}): Promise<CliWorld> {
  const w = await createWorld();
  const api = await serveApi({ ...w.deps, ...(await args.deps?.(w)) });
  const home = mkdtempSync(join(tmpdir(), args.homePrefix));
  const { ok } = cliProcess(() => home);
  for (const who of args.profiles ?? []) {
    await ok(['login', '--server', api.url, '--token', w.tokens[who], '--profile', who]);
  }
  return { w, api, home };
}

/** Stops what startCliWorld started (any part of it, when it failed half-way). */
export async function stopCliWorld(world: Partial<CliWorld> | undefined): Promise<void> {
  await world?.api?.stop();
  await world?.w?.close();
  if (world?.home) rmSync(world.home, { recursive: true, force: true });
}

/** A loopback port nothing listens on (it was free a moment ago): a server that is down. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
