import type { MedsweepConfig, StackService } from '@medsweep/config';
import { PortInUseError, ServiceUnhealthyError } from './errors.js';
import { isListening, waitFor } from './net.js';
import { logFile, runningPid, startProcess, stopProcess, tailLog } from './processes.js';
import { allServices, serviceDir } from './services.js';
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
  const dir = serviceDir(config, svc.name);
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
  const pid = runningPid(dir);
  if (pid === undefined) {
    for (const { port } of svc.ports) {
      if (await isListening(svc.host, port))
        throw new PortInUseError(svc.label, `${svc.host}:${port}`, svc.setting);
    }
    const proc = await svc.prepare();
    startProcess(proc);
    log(`${svc.label}: starting (log ${logFile(dir)})`);
  }
  const ok = await waitFor(() => svc.health(), START_TIMEOUT_MS[svc.name] ?? 30_000);
  if (ok !== true) {
    const tail = tailLog(dir);
    throw new ServiceUnhealthyError(svc.label, `not healthy: ${ok}${tail ? `\n${tail}` : ''}`, logFile(dir));
  }
  if (pid !== undefined) log(`${svc.label}: already running (pid ${pid}), healthy`);
  else log(`${svc.label}: healthy`);
}

/** Starts every managed service (concurrently), waits until all are healthy, then provisions them. */
export async function stackUp(config: MedsweepConfig, log: Log = console.log): Promise<void> {
  const services = allServices(config);
  const results = await Promise.allSettled(services.map((svc) => startOne(config, svc, log)));
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
  if (failures.length > 0) {
    if (failures.length === 1) throw failures[0];
    throw new AggregateError(failures, failures.map((f) => f.message).join('\n'));
  }
  await provision(config, log);
}

/**
 * Idempotent set-up that every consumer relies on: the bucket exists, the application's database role
 * exists, and the schema is current (migrated by its owner, the application role granted).
 */
async function provision(config: MedsweepConfig, log: Log): Promise<void> {
  const { ObjectStore } = await import('@medsweep/storage');
  const bucket = await new ObjectStore(config.s3).ensureBucket();
  log(`S3 bucket ${config.s3.bucket}: ${bucket}`);
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

/** Stops one managed service (Postgres on SIGINT: it would otherwise wait for its clients). */
async function stopOne(config: MedsweepConfig, svc: ServiceSpec, log: Log): Promise<void> {
  const dir = serviceDir(config, svc.name);
  const pid = runningPid(dir);
  const stopped = await stopProcess(dir, svc.name === 'postgres' ? 'SIGINT' : 'SIGTERM');
  log(`${svc.label}: ${stopped ? `stopped (pid ${pid})` : 'not running'}`);
}

/** Stops the dashboard and workers first (workers need the servers to hand their trials back), then the servers. */
export async function stackDown(config: MedsweepConfig, log: Log = console.log): Promise<void> {
  const [web, workers] = await Promise.all([stopLocalWeb(config), stopLocalWorkers(config)]);
  if (web) log('dashboard: stopped');
  if (workers.length > 0) log(`workers: stopped ${workers.join(', ')}`);
  await Promise.all(
    allServices(config)
      .filter((svc) => svc.managed)
      .map((svc) => stopOne(config, svc, log)),
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
  await Promise.all(services.map((svc) => stopOne(config, svc, log)));
  await Promise.all(services.map((svc) => startOne(config, svc, log)));
}

export async function stackStatus(config: MedsweepConfig): Promise<ServiceStatus[]> {
  return Promise.all(
    allServices(config).map(async (svc) => {
      const pid = svc.managed ? runningPid(serviceDir(config, svc.name)) : undefined;
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
