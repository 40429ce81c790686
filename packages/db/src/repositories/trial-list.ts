// One sweep's trials as a table: filtered by status, architecture and initialisation arm, sorted by when
// they were created, their index, the sweep's primary metric or any final metric, and paged by keyset
// cursor (stable while trials are being written, unlike offsets). Each row carries its final metrics, so
// a trials table and a parallel-coordinates plot need no second query.
import { InvalidRecordError } from '../errors.js';
import type { FinalSplit, TrialStatus } from '../generated/prisma/enums.js';
import type { DbClient } from './db-client.js';
import type { MetricRef } from './leaderboard.js';

export type TrialSortKey =
  | { by: 'createdAt' }
  | { by: 'index' }
  /** The sweep's primary metric at the best epoch (trials.primary_metric_value). */
  | { by: 'primaryMetric' }
  | { by: 'metric'; metric: MetricRef };

export interface TrialListQuery {
  sweepId: string;
  statuses?: readonly TrialStatus[];
  architectures?: readonly string[];
  /** Initialisation arms, e.g. `scratch`, `imagenet`. */
  initialisations?: readonly string[];
  /** Default createdAt. */
  sort?: TrialSortKey;
  /** Default `desc`. Trials without a value of the sort key come last either way. */
  direction?: 'asc' | 'desc';
  /** Rows per page; default 100, at most 500. */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string | null;
}

export interface TrialListRow {
  id: string;
  index: number;
  status: TrialStatus;
  architecture: string;
  initialisation: string;
  transferMode: string;
  seed: number;
  config: unknown;
  groupKey: string;
  bestEpoch: number | null;
  primaryMetricValue: number | null;
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** Sorted by split, then name. */
  finalMetrics: { split: FinalSplit; name: string; value: number }[];
}

export interface TrialListPage {
  rows: TrialListRow[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
  /** Trials matching the filters (all pages). */
  total: number;
}

interface Cursor {
  /** The last row's sort value (null: it had none). */
  k: number | null;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function decodeCursor(cursor: string): Cursor {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  const c = value as Partial<Cursor> | undefined;
  if (
    typeof c !== 'object' ||
    c === null ||
    typeof c.id !== 'string' ||
    !UUID.test(c.id) ||
    !(c.k === null || (typeof c.k === 'number' && Number.isFinite(c.k)))
  ) {
    throw new InvalidRecordError('listTrials', 'cursor', cursor, 'the nextCursor of a previous page');
  }
  return { k: c.k, id: c.id };
}

const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');

/** The sort key as a float8 SQL expression over `t` (and `f`, the joined metric, for a metric sort). */
function sortExpression(sort: TrialSortKey): string {
  switch (sort.by) {
    case 'createdAt':
      return `(extract(epoch FROM t.created_at) * 1000)::float8`;
    case 'index':
      return `t.trial_index::float8`;
    case 'primaryMetric':
      return `t.primary_metric_value`;
    case 'metric':
      return `f.value`;
    default: {
      const never: never = sort;
      throw new InvalidRecordError(
        'listTrials',
        'sort.by',
        never,
        'createdAt, index, primaryMetric or metric',
      );
    }
  }
}

interface Row extends Omit<TrialListRow, 'finalMetrics'> {
  k: number | null;
  final_metrics: TrialListRow['finalMetrics'];
}

/** One page of a sweep's trials. Throws InvalidRecordError for a bad limit or cursor. */
export async function listTrials(db: DbClient, query: TrialListQuery): Promise<TrialListPage> {
  const { sweepId, sort = { by: 'createdAt' }, direction = 'desc', limit = 100 } = query;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > 500) {
    throw new InvalidRecordError('listTrials', 'limit', limit, 'an integer in [1, 500]');
  }
  const params: unknown[] = [sweepId];
  const bind = (value: unknown, cast: string) => {
    params.push(value);
    return `$${params.length}::${cast}`;
  };
  const where = [`t.sweep_id = $1::uuid`];
  if (query.statuses?.length) where.push(`t.status = ANY(${bind(query.statuses, 'trial_status[]')})`);
  if (query.architectures?.length) where.push(`t.architecture = ANY(${bind(query.architectures, 'text[]')})`);
  if (query.initialisations?.length) {
    where.push(`t.initialisation = ANY(${bind(query.initialisations, 'text[]')})`);
  }
  // The count shares the filters' parameters only: the join's come after them.
  const filters = where.join(' AND ');
  const countParams = [...params];
  const join =
    sort.by === 'metric'
      ? `LEFT JOIN final_metrics f ON f.trial_id = t.id AND f.split = ${bind(sort.metric.split, 'final_split')} AND f.name = ${bind(sort.metric.name, 'text')}`
      : '';
  const k = sortExpression(sort);
  const [cmp, dir] = direction === 'desc' ? ['<', 'DESC'] : ['>', 'ASC'];
  const keyset = [...where];
  if (query.cursor) {
    const cursor = decodeCursor(query.cursor);
    const id = bind(cursor.id, 'uuid');
    keyset.push(
      cursor.k === null
        ? `(${k} IS NULL AND t.id ${cmp} ${id})`
        : `(${k} ${cmp} ${bind(cursor.k, 'float8')} OR (${k} = $${params.length}::float8 AND t.id ${cmp} ${id}) OR ${k} IS NULL)`,
    );
  }
  const rows = await db.$queryRawUnsafe<Row[]>(
    `SELECT t.id, t.trial_index AS "index", t.status, t.architecture, t.initialisation,
       t.transfer_mode AS "transferMode", t.seed, t.config, t.group_key AS "groupKey",
       t.best_epoch AS "bestEpoch", t.primary_metric_value AS "primaryMetricValue", t.error,
       t.created_at AS "createdAt", t.started_at AS "startedAt", t.finished_at AS "finishedAt",
       ${k} AS k,
       (SELECT coalesce(json_agg(json_build_object('split', m.split, 'name', m.name, 'value', m.value)
          ORDER BY m.split, m.name), '[]') FROM final_metrics m WHERE m.trial_id = t.id) AS final_metrics
     FROM trials t ${join}
     WHERE ${keyset.join(' AND ')}
     ORDER BY ${k} ${dir} NULLS LAST, t.id ${dir}
     LIMIT ${bind(limit + 1, 'int')}`,
    ...params,
  );
  const [{ total }] = await db.$queryRawUnsafe<[{ total: bigint }]>(
    `SELECT count(*) AS total FROM trials t WHERE ${filters}`,
    ...countParams,
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    rows: page.map(({ k: _k, final_metrics, ...row }) => ({ ...row, finalMetrics: final_metrics })),
    nextCursor: rows.length > limit && last ? encodeCursor({ k: last.k, id: last.id }) : null,
    total: Number(total),
  };
}
