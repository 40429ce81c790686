// The hash-chained audit log against a real Postgres: concurrent writers keep the chain intact and
// gap-free, and tampering that bypasses the database's refusal is found, at the exact event.
import { auditEventHash } from '@medsweep/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type Db } from '../client.js';
import { applyMigrations } from '../migrate.js';
import { throwawayDatabases, withClient } from '../test-support/databases.js';
import { appendAuditEvent, auditChainHead, verifyAuditChain } from './audit.js';

const dbs = throwawayDatabases();
const open: Db[] = [];

/** A fresh database with migrations applied, and its client. */
async function freshDatabase(): Promise<{ url: string; db: Db }> {
  const url = dbs.next();
  await applyMigrations(url);
  const db = createPrismaClient(url, { maxConnections: 12 });
  open.push(db);
  return { url, db };
}

afterAll(async () => {
  await Promise.all(open.map((db) => db.$disconnect()));
  await dbs.dropAll();
});

const PROJECT_A = '01900000-0000-7000-8000-00000000000a';
const PROJECT_B = '01900000-0000-7000-8000-00000000000b';

function event(writer: number, i: number) {
  return {
    projectId: writer % 2 === 0 ? PROJECT_A : PROJECT_B,
    actor: `user:writer-${writer}`,
    action: 'sweep.create',
    subjectType: 'sweep',
    subjectId: `sweep-${writer}-${i}`,
    payload: { writer, i, note: 'ünïcode ✓', nested: { lr: 0.001, tags: ['a', 'b'] } },
  };
}

/** Runs a statement on the audit table with its append-only triggers off (as the superuser tests run as). */
async function tamper(url: string, sql: string): Promise<void> {
  await withClient(url, async (c) => {
    await c.query('ALTER TABLE audit_events DISABLE TRIGGER USER');
    try {
      await c.query(sql);
    } finally {
      await c.query('ALTER TABLE audit_events ENABLE TRIGGER USER');
    }
  });
}

describe('appendAuditEvent under concurrency', () => {
  let url: string;
  let db: Db;

  beforeAll(async () => {
    ({ url, db } = await freshDatabase());
    // 8 writers x 50 events, all at once.
    await Promise.all(
      Array.from({ length: 8 }, async (_, writer) => {
        for (let i = 0; i < 50; i++) await appendAuditEvent(db, event(writer, i));
      }),
    );
  });

  it('keeps the chain intact: seqs 1..400 without gaps, every link verified', async () => {
    const seqs = (await db.auditEvent.findMany({ select: { seq: true }, orderBy: { seq: 'asc' } })).map((e) =>
      Number(e.seq),
    );
    expect(seqs).toEqual(Array.from({ length: 400 }, (_, i) => i + 1));
    const head = await db.auditEvent.findUniqueOrThrow({ where: { seq: 400n } });
    expect(await verifyAuditChain(db, { pageSize: 64 })).toEqual({
      ok: true,
      events: 400,
      head: { seq: 400, hash: head.hash },
    });
    // Each writer's own events stayed in its order.
    const writer3 = await db.auditEvent.findMany({
      where: { actor: 'user:writer-3' },
      orderBy: { seq: 'asc' },
    });
    expect(writer3.map((e) => (e.payload as { i: number }).i)).toEqual(
      Array.from({ length: 50 }, (_, i) => i),
    );
  });

  it('verifies one project against the global chain', async () => {
    expect(await verifyAuditChain(db, { projectId: PROJECT_A, pageSize: 50 })).toMatchObject({
      ok: true,
      events: 200,
    });
  });

  it('joins the caller transaction: a rollback leaves no event and no gap', async () => {
    await expect(
      db.$transaction(async (tx) => {
        await appendAuditEvent(tx, event(0, 999));
        throw new Error('caller fails after appending');
      }),
    ).rejects.toThrow('caller fails after appending');
    const next = await appendAuditEvent(db, event(1, 1000));
    expect(next.seq).toBe(401);
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  it('stores doubles that need 17 significant digits exactly, so their events still verify', async () => {
    const metrics = { ece: 0.35429578484260627, auc: 0.028876047485913985, tiny: 1.0000000000000002 };
    await appendAuditEvent(db, { ...event(0, 1001), payload: metrics });
    const stored = await db.auditEvent.findFirstOrThrow({ orderBy: { seq: 'desc' } });
    expect(stored.payload).toEqual(metrics);
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  it('the database still refuses UPDATE and DELETE of chained events', async () => {
    await withClient(url, async (c) => {
      await expect(c.query(`UPDATE audit_events SET payload = '{}' WHERE seq = 7`)).rejects.toThrow(
        'audit_events is append-only: UPDATE of audit event seq 7 refused',
      );
      await expect(c.query(`DELETE FROM audit_events WHERE seq = 8`)).rejects.toThrow(
        'audit_events is append-only: DELETE of audit event seq 8 refused',
      );
    });
  });

  it('refuses payloads that could not be hashed the same after storage', async () => {
    await expect(
      appendAuditEvent(db, { ...event(0, 0), payload: { at: new Date() } as never }),
    ).rejects.toThrow('canonicalJson: value at $.at is a Date');
    await expect(appendAuditEvent(db, { ...event(0, 0), actor: '' })).rejects.toThrow(
      'appendAuditEvent: actor is ""; expected a non-empty string',
    );
  });
});

/** A fresh database with `count` events appended. */
async function chainOf(count: number): Promise<{ url: string; db: Db }> {
  const fresh = await freshDatabase();
  for (let i = 0; i < count; i++) await appendAuditEvent(fresh.db, event(i % 2, i));
  return fresh;
}

describe('verifyAuditChain finds tampering at the exact event', () => {
  it('an edited payload: hash-mismatch at its seq', async () => {
    const { url, db } = await chainOf(300);
    const original = await db.auditEvent.findUniqueOrThrow({ where: { seq: 137n } });
    await tamper(url, `UPDATE audit_events SET payload = jsonb_set(payload, '{i}', '9999') WHERE seq = 137`);
    const result = await verifyAuditChain(db, { pageSize: 100 });
    expect(result).toMatchObject({
      ok: false,
      events: 136,
      brokenAt: 137,
      reason: 'hash-mismatch',
      found: original.hash,
    });
    // The project-scoped walk finds it too (seq 137 is writer 0's, project A).
    expect(await verifyAuditChain(db, { projectId: PROJECT_A })).toMatchObject({ ok: false, brokenAt: 137 });
    expect(await verifyAuditChain(db, { projectId: PROJECT_B })).toMatchObject({ ok: true, events: 150 });
  });

  it('an edited row re-hashed to look valid: prev-hash-mismatch at the next seq', async () => {
    const { url, db } = await chainOf(20);
    // Change the actor and recompute the row's own hash as a forger would; the successor still names the old hash.
    const row = await db.auditEvent.findUniqueOrThrow({ where: { seq: 12n } });
    const forged = auditEventHash(row.prevHash, {
      seq: 12,
      projectId: row.projectId,
      actor: 'user:mallory',
      action: row.action,
      subjectType: row.subjectType,
      subjectId: row.subjectId,
      payload: row.payload as never,
      createdAt: row.createdAt.toISOString(),
    });
    await tamper(url, `UPDATE audit_events SET actor = 'user:mallory', hash = '${forged}' WHERE seq = 12`);
    expect(await verifyAuditChain(db)).toMatchObject({
      ok: false,
      brokenAt: 13,
      reason: 'prev-hash-mismatch',
      expected: forged,
      found: row.hash,
    });
  });

  it('a deleted event: seq-gap where it was, in both walks', async () => {
    const { url, db } = await chainOf(20);
    await tamper(url, 'DELETE FROM audit_events WHERE seq = 9');
    expect(await verifyAuditChain(db)).toEqual({
      ok: false,
      events: 8,
      brokenAt: 10,
      reason: 'seq-gap',
      expected: '9',
      found: '10',
    });
    // Seq 10 is writer 1's (project B): its predecessor is gone.
    expect(await verifyAuditChain(db, { projectId: PROJECT_B })).toMatchObject({
      ok: false,
      brokenAt: 10,
      reason: 'seq-gap',
    });
  });

  it('a changed timestamp is part of the hash too', async () => {
    const { url, db } = await chainOf(5);
    await tamper(url, `UPDATE audit_events SET created_at = created_at - interval '1 day' WHERE seq = 4`);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, brokenAt: 4, reason: 'hash-mismatch' });
  });

  it('an empty log verifies, with no head', async () => {
    const { db } = await freshDatabase();
    expect(await verifyAuditChain(db)).toEqual({ ok: true, events: 0, head: null });
  });
});

describe('anchors recorded outside the database', () => {
  /** What a schema owner can do: edit an old event and re-hash every event after it, so the chain links up. */
  async function rewriteFrom(url: string, db: Db, seq: number, actor: string): Promise<void> {
    const rows = await db.auditEvent.findMany({
      where: { seq: { gte: BigInt(seq) } },
      orderBy: { seq: 'asc' },
    });
    let prevHash = rows[0]!.prevHash;
    const updates: string[] = [];
    for (const row of rows) {
      const content = {
        seq: Number(row.seq),
        projectId: row.projectId,
        actor: Number(row.seq) === seq ? actor : row.actor,
        action: row.action,
        subjectType: row.subjectType,
        subjectId: row.subjectId,
        payload: row.payload as never,
        createdAt: row.createdAt.toISOString(),
      };
      const hash = auditEventHash(prevHash, content);
      updates.push(
        `UPDATE audit_events SET actor = '${content.actor}', prev_hash = '${prevHash}', hash = '${hash}' WHERE seq = ${row.seq}`,
      );
      prevHash = hash;
    }
    // Unique hashes: move the rewritten rows out of the way first.
    await tamper(
      url,
      `UPDATE audit_events SET hash = 'x' || hash WHERE seq >= ${seq}; ${updates.join('; ')}`,
    );
  }

  it('a rewritten chain links up again, and only the anchors tell', async () => {
    const { url, db } = await chainOf(30);
    const anchor = (await auditChainHead(db))!;
    expect(anchor.seq).toBe(30);
    await rewriteFrom(url, db, 7, 'user:mallory');
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, events: 30 });
    expect(await verifyAuditChain(db, { anchors: [{ seq: 30, hash: anchor.hash }] })).toEqual({
      ok: false,
      events: 29,
      anchorsChecked: 0,
      brokenAt: 30,
      reason: 'anchor-mismatch',
      expected: anchor.hash,
      found: (await auditChainHead(db))!.hash,
    });
  });

  it('an anchor past the last event tells that the tail was removed', async () => {
    const { url, db } = await chainOf(12);
    const anchors = [8, 12].map(async (seq) => ({
      seq,
      hash: (await db.auditEvent.findUniqueOrThrow({ where: { seq: BigInt(seq) } })).hash,
    }));
    const recorded = await Promise.all(anchors);
    expect(await verifyAuditChain(db, { anchors: recorded })).toMatchObject({ ok: true, anchorsChecked: 2 });
    await tamper(url, 'DELETE FROM audit_events WHERE seq > 10');
    expect(await verifyAuditChain(db, { anchors: recorded })).toEqual({
      ok: false,
      events: 10,
      anchorsChecked: 1,
      brokenAt: 12,
      reason: 'anchor-beyond-head',
      expected: '12',
      found: '10',
    });
  });
});
