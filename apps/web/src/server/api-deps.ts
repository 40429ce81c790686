// The API's connections, made once per server process from the validated configuration: the Prisma
// pool, the object store, and a Temporal client opened on first use (only sweep control needs it, so a
// stopped Temporal never blocks reading pages).
import type { ApiDeps } from '@medsweep/api';
import { loadConfig } from '@medsweep/config';
import { createPrismaClient } from '@medsweep/db';
import { ObjectStore } from '@medsweep/storage';
import { Client, Connection } from '@temporalio/client';

let deps: ApiDeps | undefined;

export function apiDeps(): ApiDeps {
  if (deps !== undefined) return deps;
  const config = loadConfig();
  let temporal: Promise<Client> | undefined;
  const connectTemporal = async () => {
    const connection = await Connection.connect({ address: config.temporal.address });
    return new Client({ connection, namespace: config.temporal.namespace });
  };
  deps = {
    db: createPrismaClient(config.databaseUrl),
    temporal: () => {
      // A failed connect is not cached: the next call tries again.
      temporal ??= connectTemporal().catch((e: unknown) => {
        temporal = undefined;
        throw e;
      });
      return temporal;
    },
    objectStore: new ObjectStore(config.s3),
    session: {
      secret: config.auth.sessionSecret,
      ttlSeconds: config.auth.sessionTtlSeconds,
      secure: config.auth.cookieSecure,
    },
  };
  return deps;
}
