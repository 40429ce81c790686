// apiDepsFromConfig: a host's dependencies from configuration, serving a request end to end over HTTP,
// and reaching Temporal only when asked (pages serve while it is down; a failed connect is retried).
import type { Socket } from 'node:net';
import { connect, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { configFromEnv, loadConfig } from '@medsweep/config';
import { applyMigrations } from '@medsweep/db';
import { throwawayDatabases } from '@medsweep/db/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { apiDepsFromConfig } from './deps.js';
import { handleTrpcRequest } from './http.js';

const dbs = throwawayDatabases();
afterAll(() => dbs.dropAll());

/** A port nothing listens on (for now). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Forwards TCP connections on `port` to `target` (host:port) until closed: Temporal "coming back". */
async function forward(port: number, target: string) {
  const [host, targetPort] = target.split(':') as [string, string];
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(targetPort), host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => void s.destroy());
      s.on('close', () => void sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return () => {
    for (const s of sockets) s.destroy();
    server.close();
  };
}

describe('apiDepsFromConfig', () => {
  it('wires the database, Temporal, the object store and the session settings from config', async () => {
    const url = dbs.next();
    await applyMigrations(url);
    const config = configFromEnv({ ...process.env, DATABASE_URL: url, MEDSWEEP_SESSION_TTL_HOURS: '2' });
    const deps = apiDepsFromConfig(config);
    try {
      expect(deps.session).toEqual({
        secret: config.auth.sessionSecret,
        ttlSeconds: 7200,
        idleSeconds: 3600,
        secure: false,
      });
      expect(deps.auditAnchors.bucket).toBe(config.auditAnchors.bucket);
      // Each database's chain is anchored apart: throwaway databases share the stack's bucket.
      expect(deps.auditAnchors.prefix).toBe(`audit-anchors/${new URL(url).pathname.slice(1)}/`);
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

  it('serves while Temporal is down, and connects on the first call after it is back', async () => {
    const url = dbs.next();
    await applyMigrations(url);
    const port = await freePort();
    const config = configFromEnv({
      ...process.env,
      DATABASE_URL: url,
      TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
    });
    const deps = apiDepsFromConfig(config);
    let stopForwarding = () => {};
    try {
      expect(await deps.db.project.count()).toBe(0);
      await expect(deps.temporal()).rejects.toThrow(/connect/i);
      stopForwarding = await forward(port, loadConfig().temporal.address);
      const temporal = await deps.temporal();
      expect(await deps.temporal()).toBe(temporal); // connected once, then kept
      await expect(temporal.workflowService.getSystemInfo({})).resolves.toBeDefined();
    } finally {
      await deps.close();
      stopForwarding();
    }
  });
});
