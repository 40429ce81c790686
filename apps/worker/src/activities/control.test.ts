import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@medsweep/config';
import type { Db } from '@medsweep/db';
import type { FinishTrialInput, TrialFinished } from '@medsweep/workflows';
import { createControlActivities } from './control.js';
import { reportToSweepRun } from './report-to-sweep.js';

const finished: TrialFinished = { trialKey: 's:3', index: 3, outcome: 'failed', value: null };
const outcome: FinishTrialInput = {
  trialId: 't',
  sweepId: 's',
  outcome: 'failed',
  epochsCompleted: 1,
  error: 'bad data',
};

describe('finishTrialAndReport', () => {
  it('records the outcome first, then reports it to the sweep; nothing is reported when recording fails', async () => {
    const calls: unknown[] = [];
    const activities = (fail: boolean) =>
      createControlActivities({
        db: {} as Db, // not touched by this activity
        recordOutcome: async (input) => {
          calls.push(['record', input]);
          if (fail) throw new Error('database down');
        },
        reportToSweep: async (...args) => void calls.push(['report', ...args]),
      });
    await activities(false).finishTrialAndReport({ ...outcome, sweepWorkflowId: 'sweep-s', finished });
    expect(calls).toEqual([
      ['record', outcome],
      ['report', 'sweep-s', finished],
    ]);
    calls.length = 0;
    await expect(
      activities(true).finishTrialAndReport({ ...outcome, sweepWorkflowId: 'sweep-s', finished }),
    ).rejects.toThrow('database down');
    expect(calls).toEqual([['record', outcome]]);
  });
});

describe('reportToSweepRun', () => {
  const config = loadConfig();
  let connection: Connection;
  let client: Client;
  beforeAll(async () => {
    connection = await Connection.connect({ address: config.temporal.address });
    client = new Client({ connection, namespace: config.temporal.namespace });
  });
  afterAll(async () => {
    await connection?.close();
  });

  it("signals the sweep's open run, and treats a sweep that has closed as nobody left to tell", async () => {
    // No worker polls this queue: the execution stays open and only collects signals.
    const sweep = await client.workflow.start('sweepWorkflow', {
      taskQueue: `no-worker-${randomUUID()}`,
      workflowId: `report-test-${randomUUID()}`,
      args: [],
    });
    const env = new MockActivityEnvironment(undefined, { client });
    await env.run(reportToSweepRun, sweep.workflowId, finished);
    const history = await sweep.fetchHistory();
    const signals = (history.events ?? []).flatMap((e) =>
      e.workflowExecutionSignaledEventAttributes ? [e.workflowExecutionSignaledEventAttributes] : [],
    );
    expect(signals.map((s) => s.signalName)).toEqual(['trialFinished']);

    await sweep.terminate('test over');
    await expect(env.run(reportToSweepRun, sweep.workflowId, finished)).resolves.toBeUndefined();
  });
});
