import { userInfo } from 'node:os';
import { Client, Connection } from '@temporalio/client';
import type { MedsweepConfig } from '@medsweep/config';
import { loadConfig } from '@medsweep/config';
import { createPrismaClient } from '@medsweep/db';
import type { Db } from '@medsweep/db';

/** Connections a command needs, opened once and closed when it ends. */
export interface CliContext {
  config: MedsweepConfig;
  db: Db;
  temporal: Client;
  /** Who the CLI acts as in the audit log. */
  actor: string;
}

/** Who the CLI acts as in the audit log: the local user. */
export const cliActor = (): string => `cli:${userInfo().username}`;

export async function withContext<T>(fn: (ctx: CliContext) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = createPrismaClient(config.databaseUrl);
  const connection = await Connection.connect({ address: config.temporal.address });
  try {
    return await fn({
      config,
      db,
      temporal: new Client({ connection, namespace: config.temporal.namespace }),
      actor: cliActor(),
    });
  } finally {
    await Promise.allSettled([db.$disconnect(), connection.close()]);
  }
}
