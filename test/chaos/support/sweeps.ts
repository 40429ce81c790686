// Sweeps for the chaos cases: the clients a case needs, synthetic and real sweep specs, submission, and
// what a fault-free run of each gives (to compare the faulty runs' results with).
import { Client, Connection, isGrpcServiceError, ServiceError } from '@temporalio/client';
import { submitSweep } from '@medsweep/api';
import type { MedsweepConfig } from '@medsweep/config';
import { parseSweepSpec } from '@medsweep/core';
import type { SweepSpecInput } from '@medsweep/core';
import { createPrismaClient } from '@medsweep/db';
import type { Db } from '@medsweep/db';
import { ObjectStore } from '@medsweep/storage';
import { syntheticAuc } from '@medsweep/worker';
import { sweepWorkflowId } from '@medsweep/workflows';
import type { SweepSummary } from '@medsweep/workflows';
import { TINY_SPEC } from '@medsweep/worker/test-support';

export interface ChaosClients {
  db: Db;
  temporal: Client;
  store: ObjectStore;
  close(): Promise<void>;
}

export async function connectClients(config: MedsweepConfig): Promise<ChaosClients> {
  const db = createPrismaClient(config.databaseUrl);
  const connection = await Connection.connect({ address: config.temporal.address });
  const temporal = new Client({ connection, namespace: config.temporal.namespace });
  return {
    db,
    temporal,
    store: new ObjectStore(config.s3),
    async close() {
      await Promise.allSettled([connection.close(), db.$disconnect()]);
    },
  };
}

/** Submits the sweep; resolves with its id. */
export async function submit(clients: ChaosClients, spec: SweepSpecInput): Promise<string> {
  return (await submitSweep(clients, parseSweepSpec(spec), 'chaos-test')).sweepId;
}

/** gRPC codes Temporal answers with while its own database is away or just back: worth asking again. */
const TRANSIENT_GRPC_CODES = new Set([4 /* DEADLINE_EXCEEDED */, 13 /* INTERNAL */, 14 /* UNAVAILABLE */]);
const RESULT_RETRY_MS = 120_000;

/**
 * The sweep's result, asked again (for up to 2 minutes, each time logged) while the Temporal server
 * answers with a transient error, as it does for a moment after its Postgres has been restarted.
 */
export async function sweepResult(clients: ChaosClients, sweepId: string): Promise<SweepSummary> {
  const deadline = Date.now() + RESULT_RETRY_MS;
  for (;;) {
    try {
      return await clients.temporal.workflow.getHandle(sweepWorkflowId(sweepId)).result();
    } catch (e) {
      const cause = e instanceof ServiceError ? e.cause : e;
      if (!isGrpcServiceError(cause) || !TRANSIENT_GRPC_CODES.has(cause.code) || Date.now() > deadline)
        throw e;
      console.warn(
        `sweep ${sweepId}: Temporal answered ${cause.message} to the result request; asking again`,
      );
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
}

/**
 * The final metrics a synthetic trial of `epochs` epochs records when nothing goes wrong, as
 * `split/name=value` lines: the synthetic trainer is a pure function of the trial key, so this is what
 * its fault-free run gives.
 */
export function faultFreeSyntheticMetrics(trialKey: string, epochs: number): string[] {
  const values = Array.from({ length: epochs }, (_, epoch) => syntheticAuc(trialKey, epoch));
  const bestEpoch = values.indexOf(Math.max(...values));
  return [
    `test/auc=${syntheticAuc(`${trialKey}:test`, bestEpoch)}`,
    `val/auc=${values[bestEpoch] as number}`,
  ].sort();
}

/** Trials whose recorded final metrics differ from their fault-free values (their indices). */
export async function syntheticMismatches(
  clients: ChaosClients,
  sweepId: string,
  epochs: number,
): Promise<number[]> {
  const trials = await clients.db.trial.findMany({
    where: { sweepId },
    select: {
      index: true,
      trialKey: true,
      finalMetrics: { select: { split: true, name: true, value: true } },
    },
  });
  return trials
    .filter((t) => {
      const recorded = t.finalMetrics.map((m) => `${m.split}/${m.name}=${m.value}`).sort();
      return JSON.stringify(recorded) !== JSON.stringify(faultFreeSyntheticMetrics(t.trialKey, epochs));
    })
    .map((t) => t.index);
}

/** A project with a dataset `synthetic` that the synthetic trainer never reads. */
export { createSyntheticProject } from '../../integration/support/synthetic-project.js';
export { syntheticSweepSpec } from '../../bench/support/synthetic-sweep.js';
export { registerBreastmnist } from '../../integration/support/breastmnist.js';

/**
 * The real tiny trial of the worker tests (VGG16 at 1/8 width, 32 px BreastMNIST, seeded, deterministic),
 * `epochs` epochs on `queue`: one trial, so a case can follow it from worker to worker.
 */
export function realSpec(args: {
  name: string;
  project: string;
  queue: string;
  epochs: number;
}): SweepSpecInput {
  return {
    ...TINY_SPEC,
    name: args.name,
    project: args.project,
    budget: { maxTrials: 1, maxParallel: 1, maxEpochs: args.epochs },
    resources: { queue: args.queue, gpus: 0 },
  };
}

/** What must match between a fault-free and a faulty run of the same real trial. */
export async function realOutcome(clients: ChaosClients, sweepId: string) {
  const trial = await clients.db.trial.findFirstOrThrow({
    where: { sweepId },
    include: { finalMetrics: true, lineage: true },
  });
  return {
    status: trial.status,
    configHash: trial.configHash,
    seed: trial.seed,
    primaryMetricValue: trial.primaryMetricValue,
    weightsOutHash: trial.lineage?.weightsOutHash,
    predictionsHash: trial.lineage?.predictionsHash,
    metricsHash: trial.lineage?.metricsHash,
    finalMetrics: trial.finalMetrics.map((m) => `${m.split}/${m.name}=${m.value}`).sort(),
  };
}
