// sweepSpecHash against a real Postgres: the hash a sweep was stored with, or a SweepNotFoundError.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../client.js';
import { SweepNotFoundError } from '../errors.js';
import { throwawayDatabases } from '../test-support/databases.js';
import { sweepSpecHash } from './sweep-spec-hash.js';
import { createSweep } from './test-support/fixtures.js';

const dbs = throwawayDatabases();
let db: Db;

beforeAll(async () => {
  db = await dbs.client();
});

afterAll(() => dbs.dropAll());

describe('sweepSpecHash', () => {
  it('reads the spec hash stored at submission, and names a sweep that does not exist', async () => {
    const { sweepId, specHash } = await createSweep(db);
    expect(await sweepSpecHash(db, sweepId)).toBe(specHash);
    const missing = randomUUID();
    const error = await sweepSpecHash(db, missing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SweepNotFoundError);
    expect((error as Error).message).toBe(
      `sweepSpecHash: no sweep ${missing}; a sweep exists once it has been submitted`,
    );
  });
});
