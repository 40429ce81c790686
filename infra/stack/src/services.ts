import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  appendFileSync,
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { MedsweepConfig, StackService } from '@medsweep/config';
import { MissingBinaryError } from './errors.js';
import { hostPortOf, isListening } from './net.js';
import type { ManagedProcess } from './processes.js';
import { runningPid } from './processes.js';
import {
  clusterBinaries,
  clusterHttpPort,
  clusterPorts,
  ensureClusterSchemas,
  frontendServing,
  provisionClusterNamespace,
  TEMPORAL_CLUSTER_ROLES,
  writeClusterConfig,
} from './temporal-cluster.js';
import type { TemporalClusterRole } from './temporal-cluster.js';

const run = promisify(execFile);

/** What the stack knows about one service: where it listens, how to start it, how to tell it is healthy. */
export interface ServiceSpec {
  name: StackService;
  /** Human label for status output. */
  label: string;
  /** The environment variable that moves this service, named in port-conflict errors. */
  setting: string;
  host: string;
  ports: { name: string; port: number }[];
  /** Started by `stack up` (else only health-checked as an external service). */
  managed: boolean;
  /** The folder of each process it runs (its pid and log): one for most services, four for Temporal's cluster. */
  dirs: string[];
  /** Services that must be healthy before this one starts (the Temporal cluster keeps its state in Postgres). */
  dependsOn: StackService[];
  /** Prepares data dirs and returns the processes to spawn, one per entry of `dirs`. */
  prepare(): Promise<ManagedProcess[]>;
  /** Resolves true when the service answers correctly, else a reason. */
  health(): Promise<true | string>;
  /** One-time set-up after it is healthy (bucket, namespace, migrations). */
  provision?(): Promise<void>;
}

export function serviceDir(config: MedsweepConfig, name: StackService): string {
  return join(config.stackDir, name);
}

function requireBinary(service: string, path: string): string {
  if (!existsSync(path)) throw new MissingBinaryError(service, path);
  return path;
}

/** Debian installs server binaries per major version; take the newest. */
export function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions[0] === undefined) throw new MissingBinaryError('postgres', `${root}/<version>/bin/postgres`);
  return join(root, versions[0], 'bin');
}

/**
 * Where Postgres keeps its cluster. Normally `.stack/postgres/data`; but when we run it as `nobody` and
 * some folder above the stack dir is closed to others (a home directory, a mkdtemp folder), nobody could
 * not reach it, so the cluster lives under /var/tmp instead and `.stack/postgres/data` links to it.
 */
function postgresDataDir(dir: string, runsAsNobody: boolean): string {
  const inStack = join(dir, 'data');
  // An existing cluster stays where it is (following the link when it lives outside).
  if (!runsAsNobody || existsSync(join(inStack, 'PG_VERSION')))
    return existsSync(inStack) ? realpathSync(inStack) : inStack;
  const reachable = (p: string): boolean => {
    for (let d = p; ; d = dirname(d)) {
      if ((statSync(d).mode & 0o001) === 0) return false;
      if (dirname(d) === d) return true;
    }
  };
  if (reachable(dir)) return inStack;
  const outside = join(
    '/var/tmp',
    `medsweep-postgres-${createHash('sha256').update(dir).digest('hex').slice(0, 12)}`,
    'data',
  );
  mkdirSync(dirname(outside), { recursive: true });
  rmSync(inStack, { force: true });
  symlinkSync(outside, inStack);
  return outside;
}

/**
 * Postgres refuses to run as root. As root we run it as `nobody`, dropping privileges with setpriv
 * (which execs, so the recorded pid is the postmaster's own).
 */
function asPostgresUser(command: string, args: string[]): { command: string; args: string[]; uid?: number } {
  if (process.getuid?.() !== 0) return { command, args };
  return {
    command: 'setpriv',
    args: ['--reuid=nobody', '--regid=nogroup', '--clear-groups', '--', command, ...args],
    uid: 65534,
  };
}

export function temporalService(config: MedsweepConfig): ServiceSpec {
  return config.temporal.server === 'cluster' ? temporalClusterService(config) : temporalDevService(config);
}

/** `temporal server start-dev`: one process, SQLite, the Web UI. */
function temporalDevService(config: MedsweepConfig): ServiceSpec {
  const dir = serviceDir(config, 'temporal');
  const bin = join(config.cacheDir, 'venv', 'bin', 'temporal');
  const { host, port, namespace, uiPort } = config.temporal;
  return {
    name: 'temporal',
    label: 'Temporal server',
    setting: 'TEMPORAL_ADDRESS',
    host,
    ports: [
      { name: 'grpc', port },
      { name: 'ui', port: uiPort },
    ],
    managed: config.stackServices.includes('temporal'),
    dirs: [dir],
    dependsOn: [],
    async prepare() {
      mkdirSync(dir, { recursive: true });
      return [
        {
          dir,
          command: requireBinary('temporal', bin),
          args: [
            'server',
            'start-dev',
            '--ip',
            host,
            '--port',
            String(port),
            '--ui-port',
            String(uiPort),
            // Pinned beside the gRPC port so two stacks on one machine never collide on defaults.
            '--http-port',
            String(port + 10),
            '--metrics-port',
            String(port + 11),
            '--db-filename',
            join(dir, 'temporal.db'),
            // Write-ahead log with normal sync: every commit still survives a crash or kill of the server
            // process (the restart fault test does that); only an OS crash could lose the last commits. The
            // default rollback journal with full sync costs several fsyncs per workflow task.
            '--sqlite-pragma',
            'journal_mode=wal',
            '--sqlite-pragma',
            'synchronous=normal',
            // One node serves every task queue, so one partition per queue: with the default four, a task
            // written to a partition whose pollers are elsewhere waits to be forwarded.
            '--dynamic-config-value',
            'matching.numTaskqueueReadPartitions=1',
            '--dynamic-config-value',
            'matching.numTaskqueueWritePartitions=1',
            // Tasks (a trial's workflow tasks, its activities, child starts) reach matching through the
            // history transfer queue, which is read at most 20 times a second by default: about 45 ms of
            // waiting before each of a trial's workflow tasks. Reads happen when tasks are written.
            '--dynamic-config-value',
            'history.transferProcessorMaxPollRPS=1000',
            // start-dev turns this on so that search attributes added at run time are seen at once; it makes
            // every workflow start, upsert and visibility write re-read the cluster metadata from SQLite
            // (a dozen reads per trial). Ours are all registered before the first workflow starts.
            '--dynamic-config-value',
            'system.forceSearchAttributesCacheRefreshOnRead=false',
            '--namespace',
            namespace,
            '--ui-disable-news-fetch',
            '--log-level',
            'warn',
          ],
        },
      ];
    },
    async health() {
      const bin_ = existsSync(bin) ? bin : 'temporal';
      try {
        await run(
          bin_,
          [
            'operator',
            'namespace',
            'describe',
            '--address',
            config.temporal.address,
            '--namespace',
            namespace,
            '-o',
            'json',
          ],
          { timeout: 5000 },
        );
      } catch (e) {
        const stderr = (e as { stderr?: string }).stderr ?? String(e);
        return `namespace ${namespace} not reachable at ${config.temporal.address}: ${stderr.trim().split('\n').pop()}`;
      }
      if (this.managed) {
        const ui = await fetch(`http://${host}:${uiPort}/`).catch(() => undefined);
        if (!ui?.ok) return `web UI not answering on ${host}:${uiPort}`;
      }
      return true;
    },
  };
}

/**
 * The Temporal server on the stack's Postgres, one process per service (temporal-cluster.ts). No Web UI:
 * that is a server of its own (temporalio/ui-server), which this stack does not run.
 */
function temporalClusterService(config: MedsweepConfig): ServiceSpec {
  const root = serviceDir(config, 'temporal');
  const binaries = clusterBinaries(config);
  const cliBin = join(config.cacheDir, 'venv', 'bin', 'temporal');
  const { host, port } = config.temporal;
  const ports = clusterPorts(port);
  const roleDir = (role: TemporalClusterRole) => join(root, role);
  return {
    name: 'temporal',
    label: 'Temporal cluster',
    setting: 'TEMPORAL_ADDRESS',
    host,
    ports: [
      ...TEMPORAL_CLUSTER_ROLES.flatMap((role) => [
        { name: `${role} grpc`, port: ports[role].grpc },
        { name: `${role} membership`, port: ports[role].membership },
      ]),
      { name: 'frontend http', port: clusterHttpPort(port) },
    ],
    managed: config.stackServices.includes('temporal'),
    dirs: TEMPORAL_CLUSTER_ROLES.map(roleDir),
    dependsOn: ['postgres'],
    async prepare() {
      const server = requireBinary('temporal-server', binaries.server);
      await ensureClusterSchemas(config, requireBinary('temporal-sql-tool', binaries.sqlTool));
      mkdirSync(root, { recursive: true });
      const file = writeClusterConfig(config, root);
      // History first, alone: the first service to start writes the cluster's metadata (the others
      // racing it fail on a version conflict); it serves gRPC only once that is done.
      const order: TemporalClusterRole[] = ['history', 'frontend', 'matching', 'worker'];
      return order.map((role) => ({
        dir: roleDir(role),
        command: server,
        args: ['--config-file', file, '--allow-no-auth', 'start', '--service', role],
        ...(role === 'history'
          ? {
              ready: async () =>
                (await isListening(host, ports.history.grpc)) ||
                `history not serving on ${host}:${ports.history.grpc}`,
            }
          : {}),
      }));
    },
    async health() {
      const serving = await frontendServing(config, requireBinary('temporal', cliBin));
      if (serving !== true || !this.managed) return serving;
      const down = TEMPORAL_CLUSTER_ROLES.filter((role) => runningPid(roleDir(role)) === undefined);
      return down.length === 0 ? true : `${down.join(', ')} not running`;
    },
    async provision() {
      await provisionClusterNamespace(config, requireBinary('temporal', cliBin));
    },
  };
}

export function minioService(config: MedsweepConfig): ServiceSpec {
  const dir = serviceDir(config, 'minio');
  const { host, port } = hostPortOf(config.s3.endpoint);
  return {
    name: 'minio',
    label: 'MinIO (S3 API)',
    setting: 'S3_ENDPOINT',
    host,
    ports: [
      { name: 's3', port },
      { name: 'console', port: config.s3.consolePort },
    ],
    managed: config.stackServices.includes('minio'),
    dirs: [dir],
    dependsOn: [],
    async prepare() {
      mkdirSync(join(dir, 'data'), { recursive: true });
      return [
        {
          dir,
          command: requireBinary('minio', join(config.cacheDir, 'bin', 'minio')),
          args: [
            'server',
            join(dir, 'data'),
            '--address',
            `${host}:${port}`,
            '--console-address',
            `${host}:${config.s3.consolePort}`,
            '--quiet',
          ],
          env: {
            MINIO_ROOT_USER: config.s3.accessKeyId,
            MINIO_ROOT_PASSWORD: config.s3.secretAccessKey,
            MINIO_BROWSER_REDIRECT: 'off',
            MINIO_UPDATE: 'off',
          },
        },
      ];
    },
    async health() {
      const res = await fetch(`${config.s3.endpoint}/minio/health/live`).catch((e: unknown) => e as Error);
      if (res instanceof Error) return `no answer from ${config.s3.endpoint} (${res.message})`;
      return res.ok || !this.managed ? true : `health endpoint answered ${res.status}`;
    },
  };
}

export function postgresService(config: MedsweepConfig): ServiceSpec {
  const dir = serviceDir(config, 'postgres');
  // The cluster's superuser is the migrator (it owns the schema); the application role is made by provision.
  const url = new URL(config.migrationDatabaseUrl);
  const { host, port } = hostPortOf(config.migrationDatabaseUrl);
  return {
    name: 'postgres',
    label: 'PostgreSQL',
    setting: 'DATABASE_URL',
    host,
    ports: [{ name: 'sql', port }],
    managed: config.stackServices.includes('postgres'),
    dirs: [dir],
    dependsOn: [],
    async prepare() {
      const bin = postgresBinDir();
      mkdirSync(dir, { recursive: true });
      const probe = asPostgresUser('true', []);
      const dataDir = postgresDataDir(dir, probe.uid !== undefined);
      if (probe.uid !== undefined) chownSync(dirname(dataDir), probe.uid, 65534);
      if (!existsSync(join(dataDir, 'PG_VERSION'))) {
        const pwfile = join(dirname(dataDir), 'pwfile');
        writeFileSync(pwfile, `${decodeURIComponent(url.password) || 'medsweep'}\n`, { mode: 0o600 });
        if (probe.uid !== undefined) chownSync(pwfile, probe.uid, 65534);
        const initdb = asPostgresUser(join(bin, 'initdb'), [
          '-D',
          dataDir,
          '-U',
          decodeURIComponent(url.username) || 'medsweep',
          '--pwfile',
          pwfile,
          '--auth-host=scram-sha-256',
          '--auth-local=trust',
          '--encoding=UTF8',
          '--locale=C',
        ]);
        await run(initdb.command, initdb.args, { timeout: 60_000 });
        // initdb lets TCP clients in from the loopback addresses only; a stack bound to another address
        // (the chaos suite's bridge) serves the hosts of that address's network, with a password.
        appendFileSync(
          join(dataDir, 'pg_hba.conf'),
          '\n# medsweep stack: clients on the networks of listen_addresses\nhost all all samenet scram-sha-256\n',
        );
      }
      const server = asPostgresUser(join(bin, 'postgres'), [
        '-D',
        dataDir,
        '-c',
        `listen_addresses=${host}`,
        '-p',
        String(port),
        '-c',
        `unix_socket_directories=${dataDir}`,
        // Tests and benchmarks open many short connections; results ingest is write-heavy.
        '-c',
        'max_connections=200',
        '-c',
        'shared_buffers=256MB',
      ]);
      return [{ dir, command: server.command, args: server.args, stopSignal: 'SIGINT' }];
    },
    async health() {
      const { default: pg } = await import('pg');
      // The maintenance database always exists; the app database may not be created yet.
      const maintenance = new URL(config.migrationDatabaseUrl);
      maintenance.pathname = '/postgres';
      const client = new pg.Client({
        connectionString: maintenance.toString(),
        connectionTimeoutMillis: 2000,
      });
      try {
        await client.connect();
        await client.query('select 1');
        return true;
      } catch (e) {
        return (e as Error).message;
      } finally {
        await client.end().catch(() => undefined);
      }
    },
  };
}

export function allServices(config: MedsweepConfig): ServiceSpec[] {
  return [temporalService(config), minioService(config), postgresService(config)];
}
