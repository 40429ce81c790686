// Sweeps against a real Postgres: created with their audit event, moved through statuses without ever
// reopening a finished one (each change audited once), and listed newest first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { Db } from '../client.js';
import { throwawayDatabases } from '../test-support/databases.js';
import { ensureProject } from './projects.js';
import { createSweep, listSweeps, setSweepStatus } from './sweeps.js';

const dbs = throwawayDatabases();
let db: Db;

beforeAll(async () => {
  db = await dbs.client();
});

afterAll(() => dbs.dropAll());

async function newSweep(project = 'chest', name = 'sweep') {
  const { id: projectId } = await ensureProject(db, project);
  const id = randomUUID();
  return createSweep(db, {
    id,
    projectId,
    name,
    spec: { name },
    specHash: 'a'.repeat(64),
    primaryMetric: 'val_auc',
    primaryMetricGoal: 'maximize',
    workflowId: `sweep-${id}`,
    createdById: null,
    actor: 'system:test',
  });
}

const eventsOf = (sweepId: string) =>
  db.auditEvent.findMany({ where: { subjectId: sweepId }, orderBy: { seq: 'asc' } });

describe('createSweep', () => {
  it('stores a queued sweep and its sweep.submit event', async () => {
    const sweep = await newSweep();
    expect(sweep.status).toBe('queued');
    const events = await eventsOf(sweep.id);
    expect(events.map((e) => [e.action, e.actor, e.projectId])).toEqual([
      ['sweep.submit', 'system:test', sweep.projectId],
    ]);
    expect(events[0]?.payload).toEqual({ name: 'sweep', specHash: 'a'.repeat(64) });
  });
});

describe('setSweepStatus', () => {
  it('audits each change once, stamps start and end, and never reopens a finished sweep', async () => {
    const { id: sweepId } = await newSweep();
    const set = (status: 'running' | 'paused' | 'completed') =>
      setSweepStatus(db, { sweepId, status, actor: 'system:sweep-workflow' });

    expect(await set('running')).toBe(true);
    const running = await db.sweep.findUniqueOrThrow({ where: { id: sweepId } });
    expect(running).toMatchObject({ status: 'running', finishedAt: null });
    expect(running.startedAt).toBeInstanceOf(Date);
    expect(await set('running')).toBe(false);
    expect(await set('paused')).toBe(true);
    expect(await set('running')).toBe(true);
    // A resumed sweep keeps the time it first started.
    expect((await db.sweep.findUniqueOrThrow({ where: { id: sweepId } })).startedAt).toEqual(
      running.startedAt,
    );
    expect(await set('completed')).toBe(true);
    const finished = await db.sweep.findUniqueOrThrow({ where: { id: sweepId } });
    expect(finished.finishedAt).toBeInstanceOf(Date);
    expect(await set('running')).toBe(false);
    expect(await db.sweep.findUniqueOrThrow({ where: { id: sweepId } })).toEqual(finished);

    const events = await eventsOf(sweepId);
    expect(events.map((e) => e.action)).toEqual([
      'sweep.submit',
      'sweep.running',
      'sweep.paused',
      'sweep.running',
      'sweep.completed',
    ]);
    expect(events.slice(1).every((e) => e.actor === 'system:sweep-workflow')).toBe(true);
    expect(events[4]?.payload).toEqual({ status: 'completed' });
  });
});

describe('listSweeps', () => {
  it('lists sweeps newest first, of one project when asked, with their trial counts', async () => {
    const older = await newSweep('listed', 'older');
    const newer = await newSweep('listed', 'newer');
    await newSweep('elsewhere', 'other');
    const rows = await listSweeps(db, { projectSlug: 'listed', limit: 10 });
    expect(rows.map((r) => r.id)).toEqual([newer.id, older.id]);
    expect(rows[0]).toEqual({
      id: newer.id,
      name: 'newer',
      status: 'queued',
      createdAt: newer.createdAt,
      _count: { trials: 0 },
    });
    expect(await listSweeps(db, { limit: 1 })).toHaveLength(1);
  });
});
