// One class per way the database layer fails. Messages say what went wrong, where (the database as
// user@host:port/name, never the password) and what to do or what is accepted; fields carry the same facts
// for code that reacts to them.
import type { PermanenceMark } from '@medsweep/core';

/**
 * Base class of every error this package throws on purpose, so callers can catch them as one family.
 * Retryable unless a class says otherwise: connecting and migrating depend on the network, the server and
 * this process's settings, which a later attempt (or another worker) may not share. Repository errors
 * whose call contradicts what is stored, or is malformed, are permanent: the same write meets the same
 * record on every retry.
 */
export abstract class DbError extends Error implements PermanenceMark {
  readonly permanent: boolean = false;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Thrown when a database URL cannot be parsed or is not a postgres URL (the password is not repeated). */
export class InvalidDatabaseUrlError extends DbError {
  constructor(
    /** The URL with any password replaced by `***`. */
    readonly redactedUrl: string,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(
      `invalid database URL ${redactedUrl}: ${problem}; expected postgresql://user:password@host:port/database (set DATABASE_URL)`,
      options,
    );
  }
}

/** Thrown when nothing answers at the URL's host and port (refused, unknown host, timeout). */
export class DatabaseUnreachableError extends DbError {
  constructor(
    readonly host: string,
    readonly port: number,
    /** The network error code, e.g. ECONNREFUSED, ENOTFOUND, ETIMEDOUT. */
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(
      `cannot reach Postgres at ${host}:${port} (${code}): start it with npm run stack:up or set DATABASE_URL`,
      options,
    );
  }
}

/** Thrown when Postgres answers but rejects the URL's user or password (SQLSTATE 28P01 / 28000). */
export class DatabaseAuthError extends DbError {
  constructor(
    readonly user: string,
    readonly host: string,
    readonly port: number,
    readonly database: string,
    readonly sqlState: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Postgres at ${host}:${port} rejected user "${user}" for database "${database}" (SQLSTATE ${sqlState}): check the user and password in DATABASE_URL`,
      options,
    );
  }
}

/**
 * Thrown when the application's database role cannot be created (the admin connection lacks CREATEROLE,
 * or the server refused): create it by hand as SECURITY.md shows, or use a role with CREATEROLE.
 */
export class ApplicationRoleError extends DbError {
  constructor(
    readonly role: string,
    /** user@host:port of the admin connection. */
    readonly server: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      `cannot create the application role "${role}" as ${server}: ${reason}; create it (LOGIN, no other attribute) as a role with CREATEROLE, or set DATABASE_URL to an existing one`,
      options,
    );
  }
}

/**
 * Thrown by applyMigrations when the target database is missing and cannot be created (no CREATEDB
 * privilege, or the maintenance database `postgres` is not reachable), or is missing while
 * `createDatabase: false`.
 */
export class DatabaseCreateError extends DbError {
  constructor(
    readonly database: string,
    /** user@host:port of the server. */
    readonly server: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      `database "${database}" does not exist on ${server} and was not created: ${reason}; create it (createdb ${database}) or grant the user CREATEDB`,
      options,
    );
  }
}

/** Thrown when the migrations folder is missing, unreadable or not in Prisma's layout. */
export class MigrationsFolderError extends DbError {
  constructor(
    readonly path: string,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(
      `migrations folder ${path}: ${problem}; expected Prisma's layout: migration_lock.toml (provider = "postgresql") and one <timestamp>_<name>/migration.sql per migration`,
      options,
    );
  }
}

/** Thrown when another process held the migration advisory lock for longer than the wait allowed. */
export class MigrationLockTimeoutError extends DbError {
  constructor(
    readonly database: string,
    readonly lockKey: number,
    readonly waitedMs: number,
    options?: { cause?: unknown },
  ) {
    super(
      `gave up after ${waitedMs} ms waiting for the migration lock (pg_advisory_lock(${lockKey})) on ${database}: another migrator is running; wait for it or raise lockTimeoutMs`,
      options,
    );
  }
}

/**
 * Thrown when a migration recorded as applied in `_prisma_migrations` no longer matches its
 * migration.sql (sha256 differs): applied migrations must never be edited; add a new one instead.
 */
export class MigrationChecksumMismatchError extends DbError {
  constructor(
    readonly migrationName: string,
    readonly database: string,
    /** Checksum stored in `_prisma_migrations` when it was applied. */
    readonly appliedChecksum: string,
    /** sha256 of the migration.sql file now. */
    readonly fileChecksum: string,
  ) {
    super(
      `migration ${migrationName} was applied to ${database} with checksum ${appliedChecksum} but its migration.sql now hashes to ${fileChecksum}: restore the applied file (git checkout) and put the change in a new migration`,
    );
  }
}

/**
 * Thrown when `_prisma_migrations` records a migration that started but never finished and was not
 * marked rolled back — by this runner or by `prisma migrate deploy`. Nothing more is applied until a
 * person has looked at it (Prisma's rule, error P3009).
 */
export class FailedMigrationError extends DbError {
  constructor(
    readonly migrationName: string,
    readonly database: string,
    readonly startedAt: Date,
    /** What was logged when it failed. */
    readonly logs: string | null,
  ) {
    super(
      `migration ${migrationName} failed on ${database} at ${startedAt.toISOString()}${logs ? ` (${firstLine(logs)})` : ''}; ` +
        `fix it, then mark it rolled back (npx prisma migrate resolve --rolled-back ${migrationName} in packages/db, ` +
        `or set rolled_back_at = now() on its _prisma_migrations row) and migrate again`,
    );
  }
}

/**
 * Thrown when a migration's SQL fails while being applied now. Its transaction was rolled back, and a
 * failed row was recorded in `_prisma_migrations` (so later runs stop with FailedMigrationError).
 */
export class MigrationApplyError extends DbError {
  constructor(
    readonly migrationName: string,
    readonly database: string,
    /** Postgres SQLSTATE, when the server reported one. */
    readonly sqlState: string | undefined,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      `migration ${migrationName} failed on ${database}${sqlState ? ` (SQLSTATE ${sqlState})` : ''}: ${detail}; its transaction was rolled back and the failure recorded in _prisma_migrations`,
      options,
    );
  }
}

/**
 * Thrown when the database has migrations applied that this code does not have: the code is older than
 * the database and must not run against it.
 */
export class UnknownAppliedMigrationError extends DbError {
  constructor(
    readonly migrationNames: readonly string[],
    readonly database: string,
    readonly migrationsPath: string,
  ) {
    super(
      `${database} has migration(s) applied that are not in ${migrationsPath}: ${migrationNames.join(', ')}; run code that includes them (git pull) instead of migrating with an older checkout`,
    );
  }
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

// ─── Repositories (src/repositories) ────────────────────────────────────────────────────────────────

/**
 * Thrown by a repository write when a record it was given is malformed (a non-finite final metric, an
 * epoch that is not a non-negative integer, a sha256 that is not 64 hex digits, ...), before anything is
 * written.
 * Permanent: the same record is malformed on every retry.
 */
export class InvalidRecordError extends DbError {
  override readonly permanent = true;

  constructor(
    /** The repository function, e.g. `ingestEpochMetrics`. */
    readonly operation: string,
    /** Where in the input, e.g. `rows[12].epoch`, `artifacts[0].sha256`. */
    readonly field: string,
    readonly received: unknown,
    readonly expected: string,
  ) {
    super(`${operation}: ${field} is ${describe(received)}; expected ${expected}`);
  }
}

/**
 * Thrown when a write or read names trials that do not exist (never created, or deleted).
 * Permanent: retrying does not create the trials.
 */
export class TrialNotFoundError extends DbError {
  override readonly permanent = true;

  constructor(
    readonly operation: string,
    readonly trialIds: readonly string[],
  ) {
    super(
      `${operation}: no trial ${trialIds.slice(0, 5).join(', ')}${trialIds.length > 5 ? ` (and ${trialIds.length - 5} more)` : ''}; create trials with upsertTrial first`,
    );
  }
}

/**
 * Thrown when a read names a sweep that does not exist (never submitted, or deleted). Permanent: a sweep's
 * row is written before its workflow starts, so one that is missing now stays missing.
 */
export class SweepNotFoundError extends DbError {
  override readonly permanent = true;

  constructor(
    readonly operation: string,
    readonly sweepId: string,
  ) {
    super(`${operation}: no sweep ${sweepId}; a sweep exists once it has been submitted`);
  }
}

/**
 * Thrown by upsertTrial when the sweep already has a trial with this key (or this index) that was
 * created with a different definition: one idempotency key must always describe the same trial.
 * Permanent: the stored trial does not change on a retry.
 */
export class TrialConflictError extends DbError {
  override readonly permanent = true;

  constructor(
    readonly sweepId: string,
    readonly trialKey: string,
    /** The first field that differs, e.g. `configHash`; `index <n>` when another key holds the index. */
    readonly field: string,
    readonly stored: unknown,
    readonly received: unknown,
  ) {
    super(
      `upsertTrial: sweep ${sweepId}: trial ${trialKey} conflicts with the stored trial on ${field}: stored ${describe(stored)}, received ${describe(received)}; a trial key (and a trial index) must always name the same trial`,
    );
  }
}

/**
 * Thrown when an attempt of a trial is written again with different facts (another worker for the same
 * attempt number, another outcome for a finished attempt): attempts are recorded once.
 * Permanent: the recorded attempt does not change on a retry.
 */
export class AttemptConflictError extends DbError {
  override readonly permanent = true;

  constructor(
    readonly trialId: string,
    readonly attempt: number,
    readonly field: string,
    readonly stored: unknown,
    readonly received: unknown,
  ) {
    super(
      `attempt ${attempt} of trial ${trialId} is recorded with ${field} ${describe(stored)}, not ${describe(received)}; an attempt is written once (retrying the same write is a no-op)`,
    );
  }
}

/**
 * Thrown by recordFinalResult when the trial's result is already recorded and the new one differs:
 * results are immutable. Repeating the identical write is a no-op instead.
 * Permanent: a retry meets the same recorded result.
 */
export class ResultAlreadyRecordedError extends DbError {
  override readonly permanent = true;

  constructor(
    readonly trialId: string,
    readonly storedResultHash: string,
    readonly receivedResultHash: string,
  ) {
    super(
      `recordFinalResult: trial ${trialId} already has a recorded result (result hash ${storedResultHash}); the new one hashes to ${receivedResultHash}. Results are immutable: run a new trial instead of rewriting this one`,
    );
  }
}

/**
 * Thrown by recordFinalResult when a lineage link contradicts what the store already knows about the
 * trial (its config hash, its sweep's spec hash, its dataset's manifest hash, its metrics or artifacts).
 * Permanent: what the store knows does not change on a retry.
 */
export class LineageMismatchError extends DbError {
  override readonly permanent = true;

  constructor(
    readonly trialId: string,
    /** The lineage field, e.g. `configHash`. */
    readonly link: string,
    /** What the store implies, e.g. the trial's config_hash. */
    readonly expected: unknown,
    readonly received: unknown,
    /** Where the expected value comes from, e.g. `trials.config_hash`. */
    readonly source: string,
  ) {
    super(
      `recordFinalResult: trial ${trialId}: lineage ${link} is ${describe(received)} but ${source} says ${describe(expected)}`,
    );
  }
}

/**
 * Thrown by recordEvaluation when the trial already has an evaluation of this kind and parameters with a
 * different result: evaluations are immutable, and the same evaluation recomputes the same result.
 * Permanent: the recorded evaluation does not change on a retry.
 */
export class EvaluationConflictError extends DbError {
  override readonly permanent = true;

  constructor(
    readonly trialId: string,
    readonly kind: string,
    readonly paramsHash: string,
    readonly storedResultHash: string,
    readonly receivedResultHash: string,
  ) {
    super(
      `recordEvaluation: trial ${trialId} already has a ${kind} evaluation with params ${paramsHash} (result hash ${storedResultHash}); the new one hashes to ${receivedResultHash}. Evaluations are immutable: the same weights, data and parameters must give the same result, so check the worker's backend`,
    );
  }
}

/**
 * Thrown when an artifact URI is already recorded for another trial or with another sha256.
 * Permanent: the recorded artifact does not change on a retry.
 */
export class ArtifactConflictError extends DbError {
  override readonly permanent = true;

  constructor(
    readonly uri: string,
    readonly field: string,
    readonly stored: unknown,
    readonly received: unknown,
  ) {
    super(
      `artifact ${uri} is already recorded with ${field} ${describe(stored)}, not ${describe(received)}; artifacts are content-addressed: write new content under a new URI`,
    );
  }
}

/**
 * Thrown by finishAttempt for an attempt that recordAttempt never recorded.
 * Permanent: retrying finishAttempt does not record the attempt.
 */
export class AttemptNotFoundError extends DbError {
  override readonly permanent = true;

  constructor(
    readonly trialId: string,
    readonly attempt: number,
  ) {
    super(
      `finishAttempt: attempt ${attempt} of trial ${trialId} was never recorded; call recordAttempt when it starts`,
    );
  }
}

/**
 * Thrown by verifyTrialLineage for a trial without a lineage record (no completed result recorded).
 * Retryable: the trial may record its result later.
 */
export class LineageNotRecordedError extends DbError {
  constructor(
    readonly trialId: string,
    readonly status: string,
  ) {
    super(
      `verifyTrialLineage: trial ${trialId} (status ${status}) has no lineage record; only results recorded by recordFinalResult carry one`,
    );
  }
}

/**
 * Thrown by compareEntries when the two trials were evaluated on different datasets.
 * Permanent: a trial's dataset never changes.
 */
export class DifferentDatasetsError extends DbError {
  override readonly permanent = true;

  constructor(
    readonly trialIdA: string,
    readonly datasetIdA: string,
    readonly trialIdB: string,
    readonly datasetIdB: string,
  ) {
    super(
      `compareEntries: trial ${trialIdA} ran on dataset ${datasetIdA} but trial ${trialIdB} on ${datasetIdB}; paired tests need the same test images`,
    );
  }
}

/**
 * Thrown by compareEntries when a trial has no recorded predictions artifact (not completed, or none kept).
 * Retryable: the trial may complete later.
 */
export class MissingPredictionsError extends DbError {
  constructor(
    readonly trialId: string,
    readonly status: string,
  ) {
    super(
      `compareEntries: trial ${trialId} (status ${status}) has no predictions artifact; only completed trials with recorded test predictions can be compared`,
    );
  }
}

/**
 * Thrown by setMembership when a change would leave a project without any admin (nobody could manage it).
 * Permanent: the project's admins do not change on a retry.
 */
export class LastAdminError extends DbError {
  override readonly permanent = true;

  constructor(
    readonly project: string,
    readonly userId: string,
  ) {
    super(`role: user ${userId} is the last admin of project '${project}'; make someone else admin first`);
  }
}

/**
 * Thrown by setInstanceRole or setUserDisabled when a change would leave the instance without an enabled
 * instance admin (nobody could create or unlock accounts). Permanent: the admins do not change on a retry.
 */
export class LastInstanceAdminError extends DbError {
  override readonly permanent = true;

  constructor(readonly userId: string) {
    super(
      `user ${userId} is the last enabled instance admin; make someone else instance admin first (admin.setInstanceRole)`,
    );
  }
}

/**
 * Thrown by registerWeightsFileSource when the project already has a weights source of that name with
 * other content: a name always means the same weights. Permanent: the stored source does not change.
 */
export class WeightsSourceConflictError extends DbError {
  override readonly permanent = true;

  constructor(
    readonly project: string,
    readonly weightsSourceName: string,
    readonly storedSha256: string,
    readonly receivedSha256: string,
  ) {
    super(
      `weights source '${weightsSourceName}' already exists in project '${project}' with other content (sha256 ${storedSha256}); choose another --name`,
    );
  }
}

/**
 * Thrown by registerTrialWeightsSource for a trial that has no output weights (not completed, or none
 * stored). Permanent: retrying the registration does not finish the trial.
 */
export class TrialWeightsUnavailableError extends DbError {
  override readonly permanent = true;

  constructor(
    readonly trialId: string,
    readonly status: string,
  ) {
    super(
      `trial ${trialId} has no output weights (status ${status}); only completed trials can be a weights source`,
    );
  }
}

/** A value for a message: strings quoted, everything else as JSON (bigints, NaN and infinities as such). */
function describe(value: unknown): string {
  if (typeof value === 'bigint' || typeof value === 'number') return String(value);
  return JSON.stringify(value) ?? String(value);
}
