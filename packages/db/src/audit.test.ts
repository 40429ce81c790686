import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type Db } from './client.js';
import { applyMigrations } from './migrate.js';
import { throwawayDatabases, withClient } from './test-support/databases.js';

const dbs = throwawayDatabases();
let url: string;
let db: Db;

beforeAll(async () => {
  url = dbs.next();
  await applyMigrations(url);
  db = createPrismaClient(url);
  for (const seq of [1n, 2n]) {
    await db.auditEvent.create({
      data: {
        seq,
        actor: 'system:test',
        action: 'sweep.create',
        subjectType: 'sweep',
        subjectId: `s${seq}`,
        payload: { n: Number(seq) },
        prevHash: seq === 1n ? '0'.repeat(64) : 'a'.repeat(64),
        hash: String(seq).repeat(64),
      },
    });
  }
});

afterAll(async () => {
  await db?.$disconnect();
  await dbs.dropAll();
});

const refused = /audit_events is append-only: (UPDATE|DELETE|TRUNCATE)/;

describe('audit_events is append-only in the database', () => {
  it('refuses UPDATE', async () => {
    await withClient(url, async (c) => {
      await expect(c.query(`UPDATE audit_events SET actor = 'mallory' WHERE seq = 1`)).rejects.toThrow(
        'audit_events is append-only: UPDATE of audit event seq 1 refused',
      );
    });
    await expect(db.auditEvent.update({ where: { seq: 2n }, data: { actor: 'mallory' } })).rejects.toThrow(
      refused,
    );
  });

  it('refuses DELETE, one row or all', async () => {
    await withClient(url, async (c) => {
      await expect(c.query(`DELETE FROM audit_events WHERE seq = 2`)).rejects.toThrow(
        'audit_events is append-only: DELETE of audit event seq 2 refused',
      );
      await expect(c.query(`DELETE FROM audit_events`)).rejects.toThrow(refused);
    });
    await expect(db.auditEvent.deleteMany({})).rejects.toThrow(refused);
  });

  it('refuses TRUNCATE, which bypasses row triggers', async () => {
    await withClient(url, async (c) => {
      await expect(c.query(`TRUNCATE audit_events`)).rejects.toThrow(
        'audit_events is append-only: TRUNCATE refused',
      );
    });
  });

  it('still accepts INSERT, and nothing was changed', async () => {
    await db.auditEvent.create({
      data: {
        seq: 3n,
        actor: 'system:test',
        action: 'sweep.start',
        subjectType: 'sweep',
        subjectId: 's1',
        payload: {},
        prevHash: '2'.repeat(64),
        hash: '3'.repeat(64),
      },
    });
    const events = await db.auditEvent.findMany({ orderBy: { seq: 'asc' } });
    expect(events.map((e) => [e.seq, e.actor])).toEqual([
      [1n, 'system:test'],
      [2n, 'system:test'],
      [3n, 'system:test'],
    ]);
  });
});
