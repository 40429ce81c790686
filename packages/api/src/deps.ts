// The API's dependencies for a long-running host (the Next.js server): made once per process from the
// configuration. Temporal is connected on first use, so pages that never start or signal a sweep work
// while Temporal is down.
import { Client, Connection } from '@temporalio/client';
import type { MedsweepConfig } from '@medsweep/config';
import { loadConfig } from '@medsweep/config';
import { createPrismaClient } from '@medsweep/db';
import { ObjectStore } from '@medsweep/storage';
import type { ApiDeps } from './trpc.js';

export interface HostedApiDeps extends ApiDeps {
  /** Closes the database pool and the Temporal connection. */
  close(): Promise<void>;
}

export function apiDepsFromConfig(config: MedsweepConfig = loadConfig()): HostedApiDeps {
  const db = createPrismaClient(config.databaseUrl);
  let connection: Promise<Connection> | undefined;
  const connect = () => {
    connection ??= Connection.connect({ address: config.temporal.address }).catch((e: unknown) => {
      connection = undefined; // try again on the next call rather than failing forever
      throw e;
    });
    return connection;
  };
  return {
    db,
    temporal: async () => new Client({ connection: await connect(), namespace: config.temporal.namespace }),
    objectStore: new ObjectStore(config.s3),
    session: {
      secret: config.auth.sessionSecret,
      ttlSeconds: config.auth.sessionTtlSeconds,
      secure: config.auth.cookieSecure,
    },
    async close() {
      await Promise.allSettled([db.$disconnect(), connection?.then((c) => c.close())]);
    },
  };
}
