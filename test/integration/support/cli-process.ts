// The `medsweep` CLI run as a child process the way a user without stack access runs it: its environment
// holds no database, S3 or Temporal settings, only a config home (XDG_CONFIG_HOME) with the profiles that
// `medsweep login` stored there.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import { repoRoot } from '@medsweep/config';

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
