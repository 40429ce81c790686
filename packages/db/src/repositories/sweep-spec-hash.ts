// The spec hash a sweep was stored with at submission: the link from each of its trials' lineage to the
// spec. Sweeps submitted since the hash travels in their workflow input never need this read; those
// already running before then do, when their trials are recorded.
import { SweepNotFoundError } from '../errors.js';
import type { DbClient } from './db-client.js';

/** The sweep's stored spec hash; throws SweepNotFoundError when there is no such sweep. */
export async function sweepSpecHash(db: DbClient, sweepId: string): Promise<string> {
  const sweep = await db.sweep.findUnique({ where: { id: sweepId }, select: { specHash: true } });
  if (sweep === null) throw new SweepNotFoundError('sweepSpecHash', sweepId);
  return sweep.specHash;
}
