// trials.verify and trials.verification on the API's test world (workflows go to a queue nobody polls):
// a trial without a lineage record is refused before anything starts, a request starts its workflow once
// and records nothing until its verdict is known, and a request never made is reported as such.
import { randomUUID } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertTrial } from '@medsweep/db';
import { verificationWorkflowId } from '@medsweep/workflows';
import type { Caller, World } from '../test-support/world.js';
import { createWorld } from '../test-support/world.js';

let w: World;
let auditor: Caller['api'];

beforeAll(async () => {
  w = await createWorld();
  auditor = (await w.as('auditor', 'token')).api;
}, 120_000);

afterAll(async () => {
  await w?.close();
}, 60_000);

const verifyEvents = () => w.db.auditEvent.count({ where: { action: 'trial.verify' } });

describe('trials.verify', () => {
  it('refuses a trial without a lineage record, starting nothing', async () => {
    const { trial: pending } = await upsertTrial(w.db, {
      sweepId: w.results.sweepId,
      trialKey: 'pending-for-verification',
      index: 60,
      datasetId: w.datasetId,
      architecture: 'vgg16',
      initialisation: 'scratch',
      transferMode: 'full',
      config: { lr: 0.001 },
      seed: 9,
    });
    const requestId = randomUUID();
    const refusal = await auditor.trials.verify({ trialId: pending.id, requestId }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(TRPCError);
    expect((refusal as TRPCError).code).toBe('BAD_REQUEST');
    expect((refusal as TRPCError).message).toMatch(/\(status pending\) has no lineage record/);
    expect(await auditor.trials.verification({ trialId: pending.id, requestId })).toEqual({ state: 'none' });
  });

  it('starts one workflow per request, however often it is asked, and records nothing before its verdict', async () => {
    const trialId = w.results.trialIds[0];
    const requestId = randomUUID();
    const before = await verifyEvents();
    const first = await auditor.trials.verify({ trialId, requestId });
    const again = await auditor.trials.verify({ trialId, requestId });
    expect(first.workflowId).toBe(verificationWorkflowId(trialId, requestId));
    expect(again).toEqual(first);
    expect(await auditor.trials.verification({ trialId, requestId })).toEqual({ state: 'running' });
    const handle = (await w.deps.temporal()).workflow.getHandle(first.workflowId);
    expect((await handle.describe()).taskQueue).toBe(w.deps.sweepTaskQueue);
    expect(await verifyEvents()).toBe(before);
    // Another request is another verification.
    const other = await auditor.trials.verify({ trialId, requestId: randomUUID() });
    expect(other.workflowId).not.toBe(first.workflowId);
  });

  it('reports a request never made as none', async () => {
    const state = await auditor.trials.verification({
      trialId: w.results.trialIds[1],
      requestId: randomUUID(),
    });
    expect(state).toEqual({ state: 'none' });
  });
});
