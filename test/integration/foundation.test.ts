import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@medsweep/config';
import { createPrismaClient } from '@medsweep/db';
import { ObjectStore } from '@medsweep/storage';
import { createWorker } from '@medsweep/worker';
import type { RunningWorker } from '@medsweep/worker';
import { doctorWorkflowId, TASK_QUEUES } from '@medsweep/workflows';
import type { doctorWorkflow } from '@medsweep/workflows';

const config = loadConfig();

describe('foundation: a real workflow on the real stack', () => {
  let running: RunningWorker;
  let connection: Connection;
  let client: Client;

  beforeAll(async () => {
    running = await createWorker({ config, queue: TASK_QUEUES.control, concurrency: 2 });
    connection = await Connection.connect({ address: config.temporal.address });
    client = new Client({ connection, namespace: config.temporal.namespace });
  });

  afterAll(async () => {
    await connection?.close();
    await running?.close();
  });

  it('runs doctorWorkflow on Temporal; its activity writes MinIO and Postgres, and both hold the data', async () => {
    const probeId = randomUUID();
    const report = await running.worker.runUntil(
      client.workflow.execute<typeof doctorWorkflow>('doctorWorkflow', {
        taskQueue: TASK_QUEUES.control,
        workflowId: doctorWorkflowId(TASK_QUEUES.control, probeId),
        args: [{ probeId, queue: TASK_QUEUES.control }],
      }),
    );

    expect(report.worker.queue).toBe(TASK_QUEUES.control);
    expect(report.s3.uri).toBe(`s3://${config.s3.bucket}/doctor/${probeId}.json`);

    // Read back independently of the activity: the object is in MinIO with the reported digest...
    const store = new ObjectStore(config.s3);
    const bytes = await store.get(`doctor/${probeId}.json`, report.s3.sha256);
    expect(JSON.parse(new TextDecoder().decode(bytes))).toMatchObject({
      probeId,
      worker: { queue: 'control' },
    });

    // ...and the worker row is in Postgres.
    const db = createPrismaClient(config.databaseUrl);
    try {
      const row = await db.worker.findUniqueOrThrow({ where: { identity: report.worker.identity } });
      expect(String(row.id)).toBe(report.db.workerRowId);
      expect(row.queue).toBe('control');
      expect(report.db.serverVersion).toMatch(/^\d+/);
    } finally {
      await db.$disconnect();
    }

    // The workflow's history on the server shows the activity completed there.
    const history = await client.workflow
      .getHandle(doctorWorkflowId(TASK_QUEUES.control, probeId))
      .fetchHistory();
    expect(history.events?.some((e) => e.activityTaskCompletedEventAttributes)).toBe(true);
  });
});
