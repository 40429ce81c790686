// What the repositories run against: the application's client or an open interactive transaction, so a
// caller can compose several repository writes into one transaction.
import type { Db } from '../client.js';
import type { Prisma } from '../generated/prisma/client.js';

/** A Prisma client, or the transaction client `db.$transaction(async (tx) => ...)` passes in. */
export type DbClient = Db | Prisma.TransactionClient;

/**
 * Limits of the transactions repositories open: waiting up to 10 s for a pooled connection, 30 s to
 * finish (Prisma's defaults, 2 s and 5 s, are too short for writers queued on the audit chain's lock).
 */
const TRANSACTION_LIMITS = { maxWait: 10_000, timeout: 30_000 };

/** Runs `fn` in a new transaction, or in the caller's when `db` is already a transaction client. */
export function inTransaction<T>(db: DbClient, fn: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
  return '$transaction' in db ? db.$transaction(fn, TRANSACTION_LIMITS) : fn(db);
}

/** The Postgres SQLSTATE of an error from a raw query through the driver adapter, if it carries one. */
export function sqlStateOf(error: unknown): string | undefined {
  const cause = (
    error as { meta?: { driverAdapterError?: { cause?: { originalCode?: unknown; code?: unknown } } } }
  )?.meta?.driverAdapterError?.cause;
  const code = cause?.originalCode ?? cause?.code;
  return typeof code === 'string' ? code : undefined;
}
