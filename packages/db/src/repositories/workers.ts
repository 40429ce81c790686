// The fleet roster: one Worker row per process (keyed by its identity), refreshed whenever it reports;
// and the database round trip a worker's doctor probe measures.
import type { DbClient } from './db-client.js';

export interface WorkerRowInput {
  /** `<queue>@<host>#<pid>`, unique per process. */
  identity: string;
  host: string;
  queue: string;
  /** tfjs backend; null on control workers. */
  backend: string | null;
  pid: number;
  accelerator: string;
  slots: number;
  gpuModel: string | null;
  gpuDriver: string | null;
}

/** Creates or refreshes the worker's row (lastSeenAt: now); returns its id. */
export async function upsertWorker(db: DbClient, input: WorkerRowInput): Promise<string> {
  const { identity, ...rest } = input;
  const fields = { ...rest, lastSeenAt: new Date() };
  const row = await db.worker.upsert({
    where: { identity },
    create: { identity, ...fields },
    update: fields,
    select: { id: true },
  });
  return row.id;
}

/** The Postgres server's version string (a round trip that proves the connection works). */
export async function databaseServerVersion(db: DbClient): Promise<string> {
  const [version] = await db.$queryRaw<{ server_version: string }[]>`show server_version`;
  return version?.server_version ?? 'unknown';
}
