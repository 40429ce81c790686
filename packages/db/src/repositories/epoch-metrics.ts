// Bulk, idempotent ingest of learning curves: one statement per chunk of rows, each row keyed by
// (trial, epoch, split, name), rows already stored skipped. The write path every worker uses, and fast:
// `npm run bench:db` measures it loading ten million rows.
//
// How: rows travel as five parallel arrays (trial, split and name as 1-based indexes into short lists of
// distinct values, cheaper to send and parse than repeating them) and are expanded by unnest() into a
// plain INSERT. New rows, the normal case, pay nothing for idempotency. A chunk that repeats stored keys
// (a retried epoch, a concurrent duplicate writer, a key twice in the input) fails on the primary key and
// is retried with ON CONFLICT DO NOTHING, so the first value written wins (inside a caller's transaction,
// where a failed statement would abort it, every chunk uses ON CONFLICT directly). Measured alternatives: ON
// CONFLICT on every chunk doubles the insert cost (speculative insertion per row); an anti-join against
// the chunk's stored keys degrades as the table outgrows its statistics (the planner switches to a
// sequential scan: 315k rows/s fell to 73k over ten million rows, against a steady 336k for this).
// Trial existence is checked once per statement by the triggers of migration 20251126000000_results_store.
import { InvalidRecordError, TrialNotFoundError } from '../errors.js';
import type { EpochSplit } from '../generated/prisma/enums.js';
import type { DbClient } from './db-client.js';
import { sqlStateOf } from './db-client.js';

export interface EpochMetricRow {
  trialId: string;
  /** 0-based. */
  epoch: number;
  split: EpochSplit;
  /** e.g. `loss`, `auc`. */
  name: string;
  /** NaN and infinities are stored as such (a diverged run's loss is a fact of its curve). */
  value: number;
}

export interface IngestResult {
  /** Rows received. */
  rows: number;
  /** Rows written by this call. */
  inserted: number;
  /** Rows skipped because their key was already stored (or repeated in the input). */
  skipped: number;
}

/** Rows per statement: large enough to amortise a round trip, small enough to pipeline (measured). */
export const INGEST_CHUNK_ROWS = 25_000;
/** Statements in flight at once, so encoding the next chunk overlaps the database inserting this one. */
const IN_FLIGHT = 2;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SPLIT_INDEX: Record<EpochSplit, number> = { train: 1, val: 2 };
const SPLITS_ARRAY = '{train,val}';

const EXPAND = `SELECT ($1::uuid[])[u.t], u.e, ($2::epoch_split[])[u.s], ($3::text[])[u.n], u.v
  FROM unnest($4::int[], $5::int[], $6::int[], $7::int[], $8::float8[]) AS u(t, e, s, n, v)`;

const INSERT = `INSERT INTO epoch_metrics (trial_id, epoch, split, name, value)
  ${EXPAND}`;

const INSERT_SKIPPING_CONFLICTS = `INSERT INTO epoch_metrics (trial_id, epoch, split, name, value)
  ${EXPAND}
  ON CONFLICT DO NOTHING`;

interface EncodedChunk {
  trialIds: string[];
  params: string[];
}

/** A Postgres text[] literal with every element quoted. */
function textArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`;
}

/** Validates rows [from, to) and encodes them as the eight parameters of the insert statements. */
function encode(rows: readonly EpochMetricRow[], from: number, to: number): EncodedChunk {
  const operation = 'ingestEpochMetrics';
  const trials = new Map<string, number>();
  const names = new Map<string, number>();
  const count = to - from;
  const t = new Array<number>(count);
  const e = new Array<number>(count);
  const s = new Array<number>(count);
  const n = new Array<number>(count);
  const v = new Array<string>(count);
  for (let i = from; i < to; i++) {
    const row = rows[i]!;
    let trial = trials.get(row.trialId);
    if (trial === undefined) {
      if (typeof row.trialId !== 'string' || !UUID.test(row.trialId)) {
        throw new InvalidRecordError(operation, `rows[${i}].trialId`, row.trialId, 'a trial id (UUID)');
      }
      trial = trials.size + 1;
      trials.set(row.trialId, trial);
    }
    let name = names.get(row.name);
    if (name === undefined) {
      if (typeof row.name !== 'string' || row.name === '') {
        throw new InvalidRecordError(operation, `rows[${i}].name`, row.name, 'a non-empty metric name');
      }
      name = names.size + 1;
      names.set(row.name, name);
    }
    const split = SPLIT_INDEX[row.split];
    if (split === undefined) {
      throw new InvalidRecordError(operation, `rows[${i}].split`, row.split, "'train' or 'val'");
    }
    if (!Number.isInteger(row.epoch) || row.epoch < 0 || row.epoch >= 2 ** 31) {
      throw new InvalidRecordError(operation, `rows[${i}].epoch`, row.epoch, 'a non-negative 32-bit integer');
    }
    if (typeof row.value !== 'number') {
      throw new InvalidRecordError(operation, `rows[${i}].value`, row.value, 'a number');
    }
    const k = i - from;
    t[k] = trial;
    e[k] = row.epoch;
    s[k] = split;
    n[k] = name;
    v[k] = String(row.value); // NaN, Infinity, -Infinity are valid float8 input
  }
  const trialIds = [...trials.keys()];
  return {
    trialIds,
    params: [
      `{${trialIds.join(',')}}`,
      SPLITS_ARRAY,
      textArray([...names.keys()]),
      `{${t.join(',')}}`,
      `{${e.join(',')}}`,
      `{${s.join(',')}}`,
      `{${n.join(',')}}`,
      `{${v.join(',')}}`,
    ],
  };
}

/** Throws TrialNotFoundError naming the trials of `trialIds` that do not exist. */
async function requireTrials(db: DbClient, trialIds: readonly string[]): Promise<void> {
  const found = await db.trial.findMany({ where: { id: { in: [...trialIds] } }, select: { id: true } });
  const known = new Set(found.map((f) => f.id));
  const missing = trialIds.filter((id) => !known.has(id.toLowerCase()));
  if (missing.length > 0) throw new TrialNotFoundError('ingestEpochMetrics', missing);
}

async function insertChunk(db: DbClient, chunk: EncodedChunk): Promise<number> {
  if (!('$transaction' in db)) {
    // In the caller's transaction a failed statement would abort it, so nothing may fail and be retried:
    // check the trials first and skip conflicts in the statement itself.
    await requireTrials(db, chunk.trialIds);
    return db.$executeRawUnsafe(INSERT_SKIPPING_CONFLICTS, ...chunk.params);
  }
  try {
    return await db.$executeRawUnsafe(INSERT, ...chunk.params);
  } catch (error) {
    const state = sqlStateOf(error);
    if (state === '23505') return db.$executeRawUnsafe(INSERT_SKIPPING_CONFLICTS, ...chunk.params);
    if (state === '23503') await requireTrials(db, chunk.trialIds);
    throw error;
  }
}

/**
 * Writes epoch metrics, skipping rows whose (trialId, epoch, split, name) is already stored: re-sending
 * an epoch after a retry is a no-op, and the first value written is kept. Each chunk of INGEST_CHUNK_ROWS
 * rows is one statement: a failure leaves the chunks already written in place, and retrying the whole
 * call completes the rest. Throws InvalidRecordError for a malformed row (its chunk is not written) and
 * TrialNotFoundError for a chunk naming an unknown trial (that chunk is not written).
 */
export async function ingestEpochMetrics(
  db: DbClient,
  rows: readonly EpochMetricRow[],
): Promise<IngestResult> {
  const chunks = Math.ceil(rows.length / INGEST_CHUNK_ROWS);
  let next = 0;
  let inserted = 0;
  // In a transaction the statements share one connection and run one at a time anyway.
  const lanes = '$transaction' in db ? IN_FLIGHT : 1;
  await Promise.all(
    Array.from({ length: Math.min(lanes, chunks) }, async () => {
      while (next < chunks) {
        const from = next++ * INGEST_CHUNK_ROWS;
        const written = await insertChunk(
          db,
          encode(rows, from, Math.min(from + INGEST_CHUNK_ROWS, rows.length)),
        );
        inserted += written;
      }
    }),
  );
  return { rows: rows.length, inserted, skipped: rows.length - inserted };
}
