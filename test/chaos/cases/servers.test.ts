// Servers crash mid-sweep: Postgres killed (SIGKILL) while a trial's result is being written, and the
// Temporal cluster's history service killed while trials run. Each is started again by `stack up`, as an
// operator or a supervisor would. Synthetic trials: their results are a pure function of the trial key,
// so every recorded result is compared with its fault-free value.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { killService, stackUp } from '@medsweep/stack';
import { chaosConfig } from '../support/chaos-stack.js';
import { expectExactlyOnce, FaultClock, report } from '../support/exactly-once.js';
import { Fleet } from '../support/fleet.js';
import {
  completedTrials,
  startSyntheticCase,
  stopChaosCase,
  syntheticOutcome,
} from '../support/synthetic-case.js';
import { submit, syntheticSweepSpec } from '../support/sweeps.js';
import type { ChaosClients } from '../support/sweeps.js';

const env = inject('chaosEnv');
const config = chaosConfig(env);
const PROJECT = 'chaos-servers';
const QUEUE = 'train-chaos-servers';
const TRIALS = 60;
const fleet = new Fleet(env);
let clients: ChaosClients;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function whenCompleted(sweepId: string, n: number): Promise<void> {
  for (
    const deadline = Date.now() + 300_000;
    (await completedTrials(clients, sweepId)) < n;
    await sleep(200)
  ) {
    if (Date.now() > deadline)
      throw new Error(`sweep ${sweepId}: fewer than ${n} trials completed within 300 s`);
  }
}

beforeAll(async () => {
  clients = await startSyntheticCase(fleet, config, PROJECT, {
    prefix: 's',
    queue: QUEUE,
    controlWorkers: 2,
    trainWorkers: 2,
    trainConcurrency: 6,
    syntheticMs: 1000,
  });
});

afterAll(() => stopChaosCase(fleet, clients));

describe('server crashes mid-sweep', () => {
  it('completes a sweep through Postgres killed during a result write', async () => {
    const clock = new FaultClock('Postgres killed (SIGKILL) during a result write, started again after 10 s');
    const sweepId = await submit(
      clients,
      syntheticSweepSpec({
        name: 'postgres killed',
        project: PROJECT,
        queue: QUEUE,
        trials: TRIALS,
        parallel: 12,
      }),
    );
    await whenCompleted(sweepId, 10);
    // Watch the server itself for a backend in the middle of writing a trial's final result.
    let caught: string | undefined;
    for (const deadline = Date.now() + 60_000; caught === undefined && Date.now() < deadline;) {
      const rows = await clients.db.$queryRaw<{ query: string }[]>`
        select query from pg_stat_activity
         where pid <> pg_backend_pid() and state in ('active', 'idle in transaction')
           and (query ilike '%final_metrics%' or query ilike '%"lineage"%')`;
      caught = rows[0]?.query;
    }
    expect(caught, 'a result write in flight within 60 s').toBeDefined();
    const killed = await killService(config, 'postgres');
    clock.inject();
    await sleep(10_000);
    await stackUp(config, () => undefined);
    clock.heal();
    const { summary, check, mismatches } = await syntheticOutcome(clients, sweepId, TRIALS);
    report('postgres-killed-during-result-write', clock.window, check, {
      killedPids: killed.length,
      caughtWriting: caught?.replace(/\s+/g, ' ').slice(0, 80),
      completed: summary.counts.completed,
      sameAsFaultFree: mismatches.length === 0,
    });
    expectExactlyOnce(check);
    expect(summary.counts).toMatchObject({ completed: TRIALS, failed: 0 });
    expect(mismatches).toEqual([]);
  });

  it('completes a sweep through the Temporal history service killed mid-sweep', async () => {
    const clock = new FaultClock(
      'Temporal history service killed (SIGKILL) mid-sweep, started again after 10 s',
    );
    const sweepId = await submit(
      clients,
      syntheticSweepSpec({
        name: 'history killed',
        project: PROJECT,
        queue: QUEUE,
        trials: TRIALS,
        parallel: 12,
      }),
    );
    await whenCompleted(sweepId, 10);
    const killed = await killService(config, 'temporal', 'history');
    clock.inject();
    const completedAtKill = await completedTrials(clients, sweepId);
    await sleep(10_000);
    await stackUp(config, () => undefined);
    clock.heal();
    const { summary, check, mismatches } = await syntheticOutcome(clients, sweepId, TRIALS);
    report('temporal-history-killed', clock.window, check, {
      killedPids: killed,
      completedAtKill,
      completed: summary.counts.completed,
      sameAsFaultFree: mismatches.length === 0,
    });
    expectExactlyOnce(check);
    expect(completedAtKill).toBeLessThan(TRIALS);
    expect(summary.counts).toMatchObject({ completed: TRIALS, failed: 0 });
    expect(mismatches).toEqual([]);
  });
});
