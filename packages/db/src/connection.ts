// Database URLs: parsing, redaction, deriving sibling databases, and turning connection failures into
// the errors of ./errors.ts. No connection is opened here.
import {
  DatabaseAuthError,
  DatabaseUnreachableError,
  InvalidDatabaseUrlError,
  type DbError,
} from './errors.js';

/** The parts of a postgres URL this package reports on; `password` is never printed. */
export interface DatabaseTarget {
  /** The URL as given, password included: pass it to pg, never print it. */
  url: string;
  host: string;
  port: number;
  user: string;
  database: string;
  /** `user@host:port/database`, for messages. */
  label: string;
  /** `user@host:port`, for messages about the server rather than one database. */
  server: string;
}

/** The URL with its password (if any) replaced by `***`; unparseable input is replaced entirely. */
export function redactDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

/** Parses a postgres URL; throws InvalidDatabaseUrlError saying what is wrong. */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch (cause) {
    throw new InvalidDatabaseUrlError(redactDatabaseUrl(url), 'not a URL', { cause });
  }
  if (u.protocol !== 'postgresql:' && u.protocol !== 'postgres:') {
    throw new InvalidDatabaseUrlError(
      redactDatabaseUrl(url),
      `scheme is ${u.protocol} but must be postgresql:`,
    );
  }
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!database || database.includes('/')) {
    throw new InvalidDatabaseUrlError(redactDatabaseUrl(url), 'the path must name exactly one database');
  }
  const host = u.hostname || 'localhost';
  const port = u.port ? Number(u.port) : 5432;
  const user = decodeURIComponent(u.username) || 'postgres';
  const server = `${user}@${host}:${port}`;
  return { url, host, port, user, database, server, label: `${server}/${database}` };
}

/** The URL of another database on the same server, with the same credentials and parameters. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

/** A double-quoted SQL identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
]);

/** SQLSTATE (pg `DatabaseError.code`) or network code of an error from pg, if it has one. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, errors } = error as { code?: unknown; errors?: unknown };
  if (typeof code === 'string') return code;
  // Node's happy-eyeballs connect rejects with an AggregateError of the per-address failures.
  if (Array.isArray(errors)) return errors.map(errorCode).find((c) => c !== undefined);
  return undefined;
}

/**
 * The DbError for a failure to connect (unreachable server, rejected credentials), or undefined when
 * the failure is something else and should be handled by the caller.
 */
export function connectionFailure(error: unknown, target: DatabaseTarget): DbError | undefined {
  const code = errorCode(error);
  if (code !== undefined && NETWORK_CODES.has(code)) {
    return new DatabaseUnreachableError(target.host, target.port, code, { cause: error });
  }
  if (error instanceof Error && /timeout/i.test(error.message) && code === undefined) {
    return new DatabaseUnreachableError(target.host, target.port, 'ETIMEDOUT', { cause: error });
  }
  if (code === '28P01' || code === '28000') {
    return new DatabaseAuthError(target.user, target.host, target.port, target.database, code, {
      cause: error,
    });
  }
  return undefined;
}
