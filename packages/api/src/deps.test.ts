// apiDepsFromConfig: a host's dependencies from configuration, serving a request end to end over HTTP.
import { configFromEnv, loadConfig } from '@medsweep/config';
import { applyMigrations } from '@medsweep/db';
import { throwawayDatabases } from '@medsweep/db/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { apiDepsFromConfig } from './deps.js';
import { handleTrpcRequest } from './http.js';

const dbs = throwawayDatabases();
afterAll(() => dbs.dropAll());

describe('apiDepsFromConfig', () => {
  it('wires the database, Temporal, the object store and the session settings from config', async () => {
    const url = dbs.next();
    await applyMigrations(url);
    const config = configFromEnv({ ...process.env, DATABASE_URL: url, MEDSWEEP_SESSION_TTL_HOURS: '2' });
    const deps = apiDepsFromConfig(config);
    try {
      expect(deps.session).toEqual({ secret: config.auth.sessionSecret, ttlSeconds: 7200, secure: false });
      expect(deps.objectStore.bucket).toBe(loadConfig().s3.bucket);
      const temporal = await deps.temporal();
      expect(temporal.options.namespace).toBe(config.temporal.namespace);
      const response = await handleTrpcRequest(
        new Request('http://medsweep.test/api/trpc/projects.list'),
        deps,
      );
      expect(response.status).toBe(401);
    } finally {
      await deps.close();
    }
  });
});
