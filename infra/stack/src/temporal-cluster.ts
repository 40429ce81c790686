// Temporal as production runs it (MEDSWEEP_TEMPORAL=cluster): the Temporal server built from its Go
// module (infra/setup.sh), its state and visibility in databases of their own on the stack's Postgres,
// and its four services — frontend, history, matching and the internal worker — each a process of its own,
// so that one can be killed while the others run. Ports are pinned from the frontend's gRPC port P: the
// other services' gRPC on P+1..P+3, membership (ringpop) on P+4..P+7, the frontend's HTTP API on P+10.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { MedsweepConfig } from '@medsweep/config';
import { childEnv } from './child-env.js';
import { ServiceUnhealthyError, TemporalClusterPortError } from './errors.js';
import { hostPortOf, waitFor } from './net.js';

const run = promisify(execFile);

export const TEMPORAL_CLUSTER_ROLES = ['frontend', 'history', 'matching', 'worker'] as const;
export type TemporalClusterRole = (typeof TEMPORAL_CLUSTER_ROLES)[number];

/** The databases the cluster keeps in the stack's Postgres, and the embedded schema each one gets. */
export const TEMPORAL_DATABASES = [
  { name: 'temporal', schema: 'postgresql/v12/temporal' },
  { name: 'temporal_visibility', schema: 'postgresql/v12/visibility' },
] as const;

/** Temporal keeps membership ports in a smallint column. */
const MAX_MEMBERSHIP_PORT = 32767;

/** gRPC and membership port of each service, from the frontend's gRPC port. */
export function clusterPorts(
  frontendPort: number,
): Record<TemporalClusterRole, { grpc: number; membership: number }> {
  return {
    frontend: { grpc: frontendPort, membership: frontendPort + 4 },
    history: { grpc: frontendPort + 1, membership: frontendPort + 5 },
    matching: { grpc: frontendPort + 2, membership: frontendPort + 6 },
    worker: { grpc: frontendPort + 3, membership: frontendPort + 7 },
  };
}

export const clusterHttpPort = (frontendPort: number) => frontendPort + 10;

/** The server and schema tool infra/setup.sh builds into the cache. */
export function clusterBinaries(config: MedsweepConfig): { server: string; sqlTool: string } {
  const bin = join(config.cacheDir, 'bin');
  return { server: join(bin, 'temporal-server'), sqlTool: join(bin, 'temporal-sql-tool') };
}

/** Where the cluster reaches Postgres: the stack's server, with the application's credentials. */
function postgresOf(config: MedsweepConfig) {
  const url = new URL(config.databaseUrl);
  const { host, port } = hostPortOf(config.databaseUrl);
  return {
    host,
    port,
    user: decodeURIComponent(url.username) || 'medsweep',
    password: decodeURIComponent(url.password),
  };
}

/**
 * The server's static configuration (JSON, which its YAML loader reads). Every service binds the host of
 * TEMPORAL_ADDRESS; each process reads the whole file and runs the service its --service flag names.
 */
export function clusterConfig(config: MedsweepConfig, dynamicConfigFile: string): object {
  const { host, port } = config.temporal;
  const pg = postgresOf(config);
  const ports = clusterPorts(port);
  const highest = Math.max(...TEMPORAL_CLUSTER_ROLES.map((role) => ports[role].membership));
  if (highest > MAX_MEMBERSHIP_PORT) throw new TemporalClusterPortError(config.temporal.address, highest);
  const store = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `${pg.host}:${pg.port}`,
      connectProtocol: 'tcp',
      user: pg.user,
      password: pg.password,
      // Four processes share the stack's Postgres (max_connections 200) with the application.
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const service = (role: TemporalClusterRole) => ({
    rpc: {
      grpcPort: ports[role].grpc,
      membershipPort: ports[role].membership,
      bindOnIP: host,
      ...(role === 'frontend' ? { httpPort: clusterHttpPort(port) } : {}),
    },
  });
  return {
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'default',
      visibilityStore: 'visibility',
      // Fixed for the life of the database: shards are history's unit of ownership and parallelism.
      numHistoryShards: 4,
      datastores: {
        default: store(TEMPORAL_DATABASES[0].name, 12),
        visibility: store(TEMPORAL_DATABASES[1].name, 4),
      },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: host } },
    services: Object.fromEntries(TEMPORAL_CLUSTER_ROLES.map((role) => [role, service(role)])),
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: {
          enabled: true,
          initialFailoverVersion: 1,
          rpcName: 'frontend',
          rpcAddress: `${host}:${port}`,
        },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    dynamicConfigClient: { filepath: dynamicConfigFile, pollInterval: '10s' },
  };
}

/**
 * Dynamic configuration: the dev server's tunings (see services.ts: one task-queue partition, the
 * transfer queue read as tasks arrive), plus a short namespace-cache refresh, so a namespace created by
 * `stack up` is served by every service within seconds rather than the default ten.
 */
export const CLUSTER_DYNAMIC_CONFIG: Record<string, { value: unknown }[]> = {
  'matching.numTaskqueueReadPartitions': [{ value: 1 }],
  'matching.numTaskqueueWritePartitions': [{ value: 1 }],
  'history.transferProcessorMaxPollRPS': [{ value: 1000 }],
  'system.namespaceCacheRefreshInterval': [{ value: '2s' }],
};

/** Writes the static and dynamic configuration into `dir`; returns the static file's path. */
export function writeClusterConfig(config: MedsweepConfig, dir: string): string {
  const dynamicFile = join(dir, 'dynamic-config.yaml');
  const file = join(dir, 'cluster.yaml');
  writeFileSync(dynamicFile, `${JSON.stringify(CLUSTER_DYNAMIC_CONFIG, null, 2)}\n`);
  writeFileSync(file, `${JSON.stringify(clusterConfig(config, dynamicFile), null, 2)}\n`, { mode: 0o600 });
  return file;
}

/**
 * Creates the cluster's databases and brings their schemas to the newest version the server carries
 * (temporal-sql-tool, with the schemas embedded in it). Idempotent: an existing database is kept, an
 * up-to-date schema is left as it is.
 */
export async function ensureClusterSchemas(config: MedsweepConfig, sqlTool: string): Promise<void> {
  const pg = postgresOf(config);
  const { default: pgClient } = await import('pg');
  const maintenance = new URL(config.databaseUrl);
  maintenance.pathname = '/postgres';
  const admin = new pgClient.Client({ connectionString: maintenance.toString() });
  await admin.connect();
  try {
    for (const { name, schema } of TEMPORAL_DATABASES) {
      // The password travels in the environment, not on the command line (visible to ps).
      const env = childEnv({
        SQL_PLUGIN: 'postgres12',
        SQL_HOST: pg.host,
        SQL_PORT: String(pg.port),
        SQL_USER: pg.user,
        SQL_PASSWORD: pg.password,
        SQL_DATABASE: name,
      });
      const tool = async (...args: string[]) => {
        try {
          await run(sqlTool, args, { env, timeout: 120_000 });
        } catch (e) {
          const stderr = (e as { stderr?: string }).stderr ?? String(e);
          throw new ServiceUnhealthyError(
            'Temporal cluster',
            `temporal-sql-tool ${args.join(' ')} on database ${name} failed: ${stderr.trim().split('\n').slice(-3).join(' ')}`,
          );
        }
      };
      const exists = await admin.query('select 1 from pg_database where datname = $1', [name]);
      if (exists.rowCount === 0) await tool('create-database');
      const versioned = await versionTableExists(config, name);
      if (!versioned) await tool('setup-schema', '-v', '0.0');
      await tool('update-schema', '--schema-name', schema);
    }
  } finally {
    await admin.end();
  }
}

async function versionTableExists(config: MedsweepConfig, database: string): Promise<boolean> {
  const { default: pgClient } = await import('pg');
  const url = new URL(config.databaseUrl);
  url.pathname = `/${database}`;
  const client = new pgClient.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const { rows } = await client.query<{ table: string | null }>(
      `select to_regclass('schema_version')::text as table`,
    );
    return rows[0]?.table != null;
  } finally {
    await client.end();
  }
}

/** The `temporal` CLI (the dev server's binary) against the cluster's frontend. */
async function cli(config: MedsweepConfig, cliBin: string, args: string[], timeout = 10_000) {
  return run(cliBin, [...args, '--address', config.temporal.address], { timeout });
}

/** True when the frontend answers its gRPC health check as SERVING, else the reason. */
export async function frontendServing(config: MedsweepConfig, cliBin: string): Promise<true | string> {
  try {
    const { stdout } = await cli(config, cliBin, ['operator', 'cluster', 'health'], 5_000);
    return stdout.includes('SERVING') ? true : `frontend health: ${stdout.trim()}`;
  } catch (e) {
    const stderr = (e as { stderr?: string }).stderr ?? String(e);
    return `frontend not answering at ${config.temporal.address}: ${stderr.trim().split('\n').pop()}`;
  }
}

/**
 * Registers the stack's namespace (3 days' retention) unless it exists, then waits until history and
 * matching serve it: a probe workflow is started (history accepts it) and its task queue described
 * (matching answers), then terminated.
 */
export async function provisionClusterNamespace(config: MedsweepConfig, cliBin: string): Promise<void> {
  const { namespace } = config.temporal;
  const described = await cli(config, cliBin, [
    'operator',
    'namespace',
    'describe',
    '--namespace',
    namespace,
  ]).then(
    () => true,
    () => false,
  );
  if (!described) {
    await cli(config, cliBin, [
      'operator',
      'namespace',
      'create',
      '--namespace',
      namespace,
      '--retention',
      '72h',
    ]);
  }
  const probeId = `stack-probe-${process.pid}-${Date.now()}`;
  let started = false;
  const ready = await waitFor(
    async () => {
      try {
        if (!started) {
          await cli(config, cliBin, [
            'workflow',
            'start',
            '--namespace',
            namespace,
            '--type',
            'stack-probe',
            '--task-queue',
            'stack-probe',
            '--workflow-id',
            probeId,
            '--execution-timeout',
            '1m',
          ]);
          started = true;
        }
        await cli(config, cliBin, [
          'task-queue',
          'describe',
          '--namespace',
          namespace,
          '--task-queue',
          'stack-probe',
        ]);
        return true;
      } catch (e) {
        const stderr = (e as { stderr?: string }).stderr ?? String(e);
        return stderr.trim().split('\n').pop() ?? 'probe failed';
      }
    },
    60_000,
    500,
  );
  if (ready !== true) {
    throw new ServiceUnhealthyError(
      'Temporal cluster',
      `namespace ${namespace} not served by history and matching: ${ready}`,
    );
  }
  await cli(config, cliBin, [
    'workflow',
    'terminate',
    '--namespace',
    namespace,
    '--workflow-id',
    probeId,
  ]).catch(() => undefined);
}
