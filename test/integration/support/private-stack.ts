// A private stack (its own Temporal, MinIO and Postgres on other ports, in a temp folder) for tests that
// stop servers or kill workers: they must never disturb the shared stack other suites and workers use.
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { configFromEnv } from '@medsweep/config';
import type { MedsweepConfig, TemporalServerMode } from '@medsweep/config';
import { stackDown, stackUp } from '@medsweep/stack';

export interface PrivateStackPorts {
  temporal: number;
  temporalUi: number;
  s3: number;
  s3Console: number;
  postgres: number;
}

export interface PrivateStackOptions {
  /** The address every server binds (default 127.0.0.1); the chaos suite's is on a bridge its worker namespaces reach. */
  host?: string;
  /** The Temporal server to run (MEDSWEEP_TEMPORAL; default the dev server). */
  temporal?: TemporalServerMode;
  /** A fixed folder for its state (created; default a fresh temp folder), so a wrapper script can stop it. */
  stackDir?: string;
}

export interface PrivateStack {
  /** The settings that point a process (a worker, a script) at this stack. */
  env: Record<string, string>;
  config: MedsweepConfig;
  up(): Promise<void>;
  /** Stops every server and removes all of its data, including a Postgres cluster kept outside the folder. */
  destroy(): Promise<void>;
}

const quiet = () => undefined;

export function privateStack(ports: PrivateStackPorts, options: PrivateStackOptions = {}): PrivateStack {
  const stackDir = options.stackDir ?? mkdtempSync(join(tmpdir(), 'medsweep-stack-'));
  mkdirSync(stackDir, { recursive: true });
  const host = options.host ?? '127.0.0.1';
  const env = {
    MEDSWEEP_STACK_DIR: stackDir,
    MEDSWEEP_TEMPORAL: options.temporal ?? 'dev',
    TEMPORAL_ADDRESS: `${host}:${ports.temporal}`,
    TEMPORAL_UI_PORT: String(ports.temporalUi),
    S3_ENDPOINT: `http://${host}:${ports.s3}`,
    MINIO_CONSOLE_PORT: String(ports.s3Console),
    DATABASE_URL: `postgresql://medsweep:medsweep@${host}:${ports.postgres}/medsweep`,
  };
  const config = configFromEnv(env);
  return {
    env,
    config,
    up: () => stackUp(config, quiet),
    async destroy() {
      await stackDown(config, quiet);
      // As root the cluster may live outside the (private) temp dir, in a folder of its own beside its
      // password file; remove that folder wherever it is.
      const data = join(stackDir, 'postgres', 'data');
      if (existsSync(data)) rmSync(dirname(realpathSync(data)), { recursive: true, force: true });
      rmSync(stackDir, { recursive: true, force: true });
    },
  };
}
