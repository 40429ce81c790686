import { basename } from 'node:path';
import type { MedsweepConfig, StackService } from '@medsweep/config';
import { PortInUseError, ServiceUnhealthyError } from './errors.js';
import { isListening, waitFor } from './net.js';
import { logFile, runningPid, startProcess, stopProcess, tailLog } from './processes.js';
import { allServices } from './services.js';
import type { ServiceSpec } from './services.js';
import { stopLocalWeb } from './web.js';
import { stopLocalWorkers } from './workers.js';

export interface ServiceStatus {
  name: string;
  label: string;
  managed: boolean;
  pid?: number;
  endpoints: string[];
  healthy: boolean;
  detail: string;
}

type Log = (line: string) => void;

/** Seconds each server may take to answer after spawn (Temporal's first start migrates its SQLite file). */
const START_TIMEOUT_MS: Record<string, number> = { temporal: 60_000, minio: 30_000, postgres: 30_000 };

async function startOne(config: MedsweepConfig, svc: ServiceSpec, log: Log): Promise<void> {
  if (!svc.managed) {
    const ok = await svc.health();
    if (ok !== true)
      throw new ServiceUnhealthyError(
        svc.label,
        `external service not usable: ${ok} (set ${svc.setting} or add ${svc.name} to MEDSWEEP_STACK_SERVICES)`,
      );
    log(`${svc.label}: external, healthy`);
    return;
  }
  const stopped = svc.dirs.filter((dir) => runningPid(dir) === undefined);
  if (stopped.length === svc.dirs.length) {
    for (const { port } of svc.ports) {
      if (await isListening(svc.host, port))
        throw new PortInUseError(svc.label, `${svc.host}:${port}`, svc.setting);
    }
  }
  // A service of several processes may have lost some (a killed Temporal history service): start those.
  if (stopped.length > 0) {
    log(`${svc.label}: starting (log ${stopped.map(logFile).join(', ')})`);
    for (const proc of (await svc.prepare()).filter((p) => stopped.includes(p.dir))) {
      startProcess(proc);
      const ready = proc.ready && (await waitFor(proc.ready, START_TIMEOUT_MS[svc.name] ?? 30_000));
      if (ready !== undefined && ready !== true) {
        const tail = tailLog(proc.dir);
        throw new ServiceUnhealthyError(svc.label, `${ready}${tail ? `\n${tail}` : ''}`, logFile(proc.dir));
      }
    }
  }
  const ok = await waitFor(() => svc.health(), START_TIMEOUT_MS[svc.name] ?? 30_000);
  if (ok !== true) {
    const tail = svc.dirs
      .map((dir) => tailLog(dir))
      .filter(Boolean)
      .join('\n');
    throw new ServiceUnhealthyError(
      svc.label,
      `not healthy: ${ok}${tail ? `\n${tail}` : ''}`,
      logFile(svc.dirs[0] as string),
    );
  }
  await svc.provision?.();
  if (stopped.length === 0)
    log(`${svc.label}: already running (pid ${runningPid(svc.dirs[0] as string)}), healthy`);
  else log(`${svc.label}: healthy`);
}

/**
 * Starts the given services, each once those it depends on are healthy (all others concurrently);
 * rejects with every failure.
 */
async function startAll(config: MedsweepConfig, services: ServiceSpec[], log: Log): Promise<void> {
  const started = new Map<StackService, Promise<void>>();
  const start = (svc: ServiceSpec): Promise<void> => {
    let promise = started.get(svc.name);
    if (promise === undefined) {
      const deps = services.filter((d) => svc.dependsOn.includes(d.name));
      promise = Promise.all(deps.map(start)).then(() => startOne(config, svc, log));
      started.set(svc.name, promise);
    }
    return promise;
  };
  const results = await Promise.allSettled(services.map(start));
  // A service whose dependency failed reports that failure again; name each one once.
  const failures = [...new Set(results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : [])))];
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) throw new AggregateError(failures, failures.map((f) => f.message).join('\n'));
}

/** Starts every managed service, waits until all are healthy, then provisions them. */
export async function stackUp(config: MedsweepConfig, log: Log = console.log): Promise<void> {
  await startAll(config, allServices(config), log);
  await provision(config, log);
}

/**
 * Idempotent set-up that every consumer relies on: the bucket exists (staged uploads nobody registered
 * expire there), the application's database role
 * exists, and the schema is current (migrated by its owner, the application role granted).
 */
async function provision(config: MedsweepConfig, log: Log): Promise<void> {
  const { ObjectStore } = await import('@medsweep/storage');
  const store = new ObjectStore(config.s3);
  log(`S3 bucket ${config.s3.bucket}: ${await store.ensureBucket()}`);
  await store.expireStagedUploads();
  const { ensureApplicationRole, migrateConfiguredDatabase } = await import('@medsweep/db');
  // Only a Postgres this stack runs is ours to add roles to; an external one brings its own (SECURITY.md).
  if (
    config.stackServices.includes('postgres') &&
    (await ensureApplicationRole(config.migrationDatabaseUrl, config.databaseUrl))
  ) {
    log(`database role ${new URL(config.databaseUrl).username}: created (the application's; owns nothing)`);
  }
  const { applied } = await migrateConfiguredDatabase(config);
  log(`database migrations: ${applied.length === 0 ? 'up to date' : `applied ${applied.join(', ')}`}`);
}

/** Stops one managed service, all its processes (Postgres on SIGINT: it would otherwise wait for its clients). */
async function stopOne(svc: ServiceSpec, log: Log): Promise<void> {
  const pid = runningPid(svc.dirs[0] as string);
  const stopped = await Promise.all(
    svc.dirs.map((dir) => stopProcess(dir, svc.name === 'postgres' ? 'SIGINT' : 'SIGTERM')),
  );
  log(`${svc.label}: ${stopped.some(Boolean) ? `stopped (pid ${pid ?? 'gone'})` : 'not running'}`);
}

/** Stops the dashboard and workers first (workers need the servers to hand their trials back), then the servers. */
export async function stackDown(config: MedsweepConfig, log: Log = console.log): Promise<void> {
  const [web, workers] = await Promise.all([stopLocalWeb(config), stopLocalWorkers(config)]);
  if (web) log('dashboard: stopped');
  if (workers.length > 0) log(`workers: stopped ${workers.join(', ')}`);
  await Promise.all(
    allServices(config)
      .filter((svc) => svc.managed)
      .map((svc) => stopOne(svc, log)),
  );
}

/**
 * Stops the named managed services and starts them again on their kept data, leaving workers and clients
 * running: an outage of those servers, as clients see it. Resolves once all are healthy again; external
 * (unmanaged) services are not touched.
 */
export async function restartServices(
  config: MedsweepConfig,
  names: readonly StackService[],
  log: Log = console.log,
): Promise<void> {
  const services = allServices(config).filter((svc) => svc.managed && names.includes(svc.name));
  await Promise.all(services.map((svc) => stopOne(svc, log)));
  await startAll(config, services, log);
}

/**
 * Kills a managed service with SIGKILL, as a crash would (no shutdown, no cleanup): all its processes,
 * or only the one in folder `<service>/<part>` (a Temporal cluster service: `history`). Resolves with the
 * killed pids once they are gone; `stackUp` starts what is missing again.
 */
export async function killService(
  config: MedsweepConfig,
  name: StackService,
  part?: string,
): Promise<number[]> {
  const svc = allServices(config).find((s) => s.name === name && s.managed);
  if (svc === undefined) throw new Error(`${name} is not a service this stack manages`);
  const dirs = part === undefined ? svc.dirs : svc.dirs.filter((d) => basename(d) === part);
  if (dirs.length === 0)
    throw new Error(
      `${svc.label} has no process ${part}; it runs ${svc.dirs.map((d) => basename(d)).join(', ')}`,
    );
  const pids = dirs.flatMap((dir) => runningPid(dir) ?? []);
  await Promise.all(dirs.map((dir) => stopProcess(dir, 'SIGKILL', 0)));
  return pids;
}

export async function stackStatus(config: MedsweepConfig): Promise<ServiceStatus[]> {
  return Promise.all(
    allServices(config).map(async (svc) => {
      const pid = svc.managed ? runningPid(svc.dirs[0] as string) : undefined;
      const health = svc.managed && pid === undefined ? 'not running' : await svc.health();
      return {
        name: svc.name,
        label: svc.label,
        managed: svc.managed,
        ...(pid !== undefined ? { pid } : {}),
        endpoints: svc.ports.map((p) => `${p.name} ${svc.host}:${p.port}`),
        healthy: health === true,
        detail: health === true ? 'healthy' : health,
      };
    }),
  );
}
