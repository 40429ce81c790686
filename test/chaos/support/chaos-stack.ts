// The chaos suite's stack: a private one (own ports and data, removed afterwards) in the production shape —
// Temporal as a cluster on Postgres, one process per service — with every server bound to the chaos
// bridge's address, so the worker namespaces reach it and nothing else does. Started once for the whole
// suite by global-setup.ts; test files rebuild its config from the environment it provides.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configFromEnv } from '@medsweep/config';
import type { MedsweepConfig } from '@medsweep/config';
import { privateStack } from '../../integration/support/private-stack.js';
import type { PrivateStack } from '../../integration/support/private-stack.js';
import { CHAOS_NET } from './netns.js';

/**
 * Clear of the shared stack (7233, 9000, 55432) and of every other suite's private stack; Temporal's below
 * 32760, since the cluster's membership ports (frontend + 4..7) must fit a smallint.
 */
export const CHAOS_PORTS = {
  temporal: 26233,
  temporalUi: 48233,
  s3: 49000,
  s3Console: 49001,
  postgres: 55438,
};

/** A fixed folder, so test/chaos/cleanup.ts can stop what a crashed run left running. */
export const CHAOS_STACK_DIR = join(tmpdir(), 'medsweep-chaos-stack');

export function chaosStack(): PrivateStack {
  return privateStack(CHAOS_PORTS, {
    host: CHAOS_NET.hostIp,
    temporal: 'cluster',
    stackDir: CHAOS_STACK_DIR,
  });
}

/** The stack's settings in a test file, from the environment global-setup provided. */
export function chaosConfig(env: Record<string, string>): MedsweepConfig {
  return configFromEnv(env);
}

/** The TCP ports a worker uses to reach each service of the stack. */
export function servicePorts(config: MedsweepConfig): { temporal: number; s3: number; postgres: number } {
  return {
    temporal: config.temporal.port,
    s3: Number(new URL(config.s3.endpoint).port),
    postgres: Number(new URL(config.databaseUrl).port),
  };
}
