// The world of a chaos case on synthetic trials: the clients, the case's project, a fleet of control and
// synthetic train workers, and what a finished sweep is checked against (exactly once, and every result
// equal to its fault-free value: a synthetic trial's result is a pure function of its key).
import { TASK_QUEUES } from '@medsweep/workflows';
import type { MedsweepConfig } from '@medsweep/config';
import { exactlyOnce } from './exactly-once.js';
import type { Fleet } from './fleet.js';
import { connectClients, createSyntheticProject, sweepResult, syntheticMismatches } from './sweeps.js';
import type { ChaosClients } from './sweeps.js';

export interface SyntheticFleet {
  /** Names start with it: `<prefix>c1`.. for control workers, `<prefix>t1`.. for train workers. */
  prefix: string;
  queue: string;
  controlWorkers: number;
  trainWorkers: number;
  /** Trials at once per train worker. */
  trainConcurrency: number;
  /** How long a synthetic trial trains. */
  syntheticMs: number;
}

/** Connects, creates the case's project and starts its workers; the clients. */
export async function startSyntheticCase(
  fleet: Fleet,
  config: MedsweepConfig,
  project: string,
  workers: SyntheticFleet,
): Promise<ChaosClients> {
  const clients = await connectClients(config);
  await createSyntheticProject(clients.db, project, 'chaos');
  // One after another: starting several at once on a loaded machine only slows each down.
  for (let i = 1; i <= workers.controlWorkers; i++) {
    await fleet.add(`${workers.prefix}c${i}`, ['--queue', TASK_QUEUES.control, '--concurrency', '20']);
  }
  for (let i = 1; i <= workers.trainWorkers; i++) {
    await fleet.add(`${workers.prefix}t${i}`, [
      ...['--queue', workers.queue, '--concurrency', String(workers.trainConcurrency)],
      ...['--synthetic-ms', String(workers.syntheticMs)],
    ]);
  }
  return clients;
}

/** Stops the case's workers and closes its clients. */
export async function stopChaosCase(fleet: Fleet, clients: ChaosClients | undefined): Promise<void> {
  await fleet.destroy();
  await clients?.close();
}

/** How many of the sweep's trials are recorded as completed. */
export function completedTrials(clients: ChaosClients, sweepId: string): Promise<number> {
  return clients.db.trial.count({ where: { sweepId, status: 'completed' } });
}

/**
 * Waits for the sweep to end; its summary, the exactly-once check of its `trials` trials, and the trials
 * whose result differs from its fault-free value.
 */
export async function syntheticOutcome(clients: ChaosClients, sweepId: string, trials: number) {
  const summary = await sweepResult(clients, sweepId);
  return {
    summary,
    check: await exactlyOnce(clients, { sweepId, trials }),
    mismatches: await syntheticMismatches(clients, sweepId, 1),
  };
}
