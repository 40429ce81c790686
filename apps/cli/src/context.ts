import { userInfo } from 'node:os';
import { connectionsFromConfig } from '@medsweep/api';
import type { Connections, SweepServiceDeps } from '@medsweep/api';
import type { MedsweepConfig } from '@medsweep/config';
import { loadConfig } from '@medsweep/config';

/**
 * What a command works with: the connections the API's hosts share (made by @medsweep/api's
 * connectionsFromConfig; Temporal is connected on first use, so commands that never touch a workflow run
 * while it is down), closed when the command ends.
 */
export interface CliContext extends Omit<Connections, 'close'> {
  config: MedsweepConfig;
  /** Who the CLI acts as in the audit log. */
  actor: string;
}

/** Who the CLI acts as in the audit log: the local user. */
const cliActor = (): string => `cli:${userInfo().username}`;

export async function withContext<T>(fn: (ctx: CliContext) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const { close, ...connections } = connectionsFromConfig(config);
  try {
    return await fn({ config, ...connections, actor: cliActor() });
  } finally {
    await close();
  }
}

/** What the sweep services (submit, cancel, pause) need: the database and a connected Temporal client. */
export async function sweepServices(ctx: CliContext): Promise<SweepServiceDeps> {
  return { db: ctx.db, temporal: await ctx.temporal() };
}
