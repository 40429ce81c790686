// The one place that turns configuration into connections for the API's hosts: apps/web (through
// apiDepsFromConfig, once per server process) and the CLI (connectionsFromConfig, once per command).
// Temporal is connected on first use, so pages and commands that never start or signal a sweep work
// while Temporal is down.
import { Client, Connection } from '@temporalio/client';
import type { MedsweepConfig } from '@medsweep/config';
import { loadConfig } from '@medsweep/config';
import { createPrismaClient, parseDatabaseUrl } from '@medsweep/db';
import { auditAnchorPrefix, AuditAnchorStore, ObjectStore } from '@medsweep/storage';
import type { ApiDeps } from './trpc.js';

/** The connections the API shares with the CLI. */
export interface Connections extends Pick<ApiDeps, 'db' | 'temporal' | 'objectStore'> {
  /** Closes the database pool and the Temporal connection (if one was opened). */
  close(): Promise<void>;
}

export interface HostedApiDeps extends ApiDeps, Connections {}

export function connectionsFromConfig(config: MedsweepConfig): Connections {
  const db = createPrismaClient(config.databaseUrl);
  let temporal: Promise<Client> | undefined;
  const connect = async () => {
    const connection = Connection.lazy({ address: config.temporal.address });
    try {
      await connection.ensureConnected();
    } catch (e) {
      await connection.close(); // leave no channel retrying in the background
      throw e;
    }
    return new Client({ connection, namespace: config.temporal.namespace });
  };
  return {
    db,
    temporal: () =>
      (temporal ??= connect().catch((e: unknown) => {
        temporal = undefined; // try again on the next call rather than failing forever
        throw e;
      })),
    objectStore: new ObjectStore(config.s3),
    async close() {
      await Promise.allSettled([db.$disconnect(), temporal?.then((c) => c.connection.close())]);
    },
  };
}

export function apiDepsFromConfig(config: MedsweepConfig = loadConfig()): HostedApiDeps {
  return {
    ...connectionsFromConfig(config),
    session: {
      secret: config.auth.sessionSecret,
      ttlSeconds: config.auth.sessionTtlSeconds,
      idleSeconds: config.auth.sessionIdleSeconds,
      secure: config.auth.cookieSecure,
    },
    auditAnchors: new AuditAnchorStore(
      config.s3,
      config.auditAnchors,
      auditAnchorPrefix(parseDatabaseUrl(config.databaseUrl).database),
    ),
    trustedProxyHops: config.auth.trustedProxyHops,
  };
}
