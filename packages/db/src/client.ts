// The one place that opens database connections for application code: a Prisma client over the pg driver
// adapter (Prisma's wasm query compiler, no native query engine).
import { PrismaPg } from '@prisma/adapter-pg';
import { parseDatabaseUrl } from './connection.js';
import { PrismaClient } from './generated/prisma/client.js';

export interface CreatePrismaClientArgs {
  /** Most connections the pool opens; default 10 (pg's default). */
  maxConnections?: number;
  /** Fail a connection attempt after this long; default 10 s. */
  connectionTimeoutMs?: number;
  /** Log each SQL statement Prisma sends (debugging); default false. */
  logQueries?: boolean;
}

/** The client type createPrismaClient returns. */
export type Db = PrismaClient;

/**
 * A Prisma client for the database at `databaseUrl` (usually `loadConfig().databaseUrl`). It connects
 * lazily, on the first query; call `$disconnect()` when done. Throws InvalidDatabaseUrlError for a URL
 * that is not postgresql://.
 */
export function createPrismaClient(databaseUrl: string, args: CreatePrismaClientArgs = {}): Db {
  parseDatabaseUrl(databaseUrl);
  const adapter = new PrismaPg({
    connectionString: databaseUrl,
    max: args.maxConnections ?? 10,
    connectionTimeoutMillis: args.connectionTimeoutMs ?? 10_000,
  });
  return new PrismaClient({ adapter, ...(args.logQueries ? { log: ['query' as const] } : {}) });
}
