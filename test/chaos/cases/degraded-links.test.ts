// Every worker link degraded at once — 200 ms added to each packet a worker sends and 5% of packets lost
// each way — against the same sweep on clean links: nothing lost or repeated, and the figure is the
// throughput (trials/s) of the degraded run against the clean one.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { chaosConfig } from '../support/chaos-stack.js';
import { expectExactlyOnce, FaultClock, report } from '../support/exactly-once.js';
import { Fleet } from '../support/fleet.js';
import { startSyntheticCase, stopChaosCase, syntheticOutcome } from '../support/synthetic-case.js';
import { submit, sweepResult, syntheticSweepSpec } from '../support/sweeps.js';
import type { ChaosClients } from '../support/sweeps.js';

const env = inject('chaosEnv');
const config = chaosConfig(env);
const PROJECT = 'chaos-links';
const QUEUE = 'train-chaos-links';
const TRIALS = 100;
const PARALLEL = 16;
const DEGRADATION = { delayMs: 200, lossPercent: 5 };
const fleet = new Fleet(env);
let clients: ChaosClients;

/** One sweep of TRIALS synthetic 500 ms trials; its rate and checks. */
async function sweep(name: string) {
  const started = Date.now();
  const sweepId = await submit(
    clients,
    syntheticSweepSpec({ name, project: PROJECT, queue: QUEUE, trials: TRIALS, parallel: PARALLEL }),
  );
  const summary = await sweepResult(clients, sweepId);
  const seconds = (Date.now() - started) / 1000;
  return {
    sweepId,
    seconds,
    trialsPerSecond: Number((summary.counts.completed / seconds).toFixed(2)),
    ...(await syntheticOutcome(clients, sweepId, TRIALS)),
  };
}

beforeAll(async () => {
  clients = await startSyntheticCase(fleet, config, PROJECT, {
    prefix: 'l',
    queue: QUEUE,
    controlWorkers: 1,
    trainWorkers: 2,
    trainConcurrency: 8,
    syntheticMs: 500,
  });
});

afterAll(() => stopChaosCase(fleet, clients));

describe('degraded worker links', () => {
  it('loses and repeats nothing with 200 ms latency and 5% loss on every worker link', async () => {
    const clean = await sweep('clean links');

    const clock = new FaultClock(
      `every worker link: +${DEGRADATION.delayMs} ms on each packet sent, ${DEGRADATION.lossPercent}% loss each way`,
    );
    await Promise.all(fleet.workers.map((w) => w.host.degrade(DEGRADATION)));
    clock.inject();
    let degraded: Awaited<ReturnType<typeof sweep>>;
    let dropped: number;
    try {
      degraded = await sweep('degraded links');
      dropped = (await Promise.all(fleet.workers.map((w) => w.host.dropped()))).reduce((a, b) => a + b, 0);
    } finally {
      await Promise.all(fleet.workers.map((w) => w.host.heal()));
      clock.heal();
    }
    report('degraded-links', clock.window, degraded.check, {
      droppedPackets: dropped,
      trialsPerSecond: degraded.trialsPerSecond,
      cleanTrialsPerSecond: clean.trialsPerSecond,
      ratio: Number((degraded.trialsPerSecond / clean.trialsPerSecond).toFixed(2)),
      sameAsFaultFree: degraded.mismatches.length === 0,
    });
    expectExactlyOnce(clean.check);
    expectExactlyOnce(degraded.check);
    expect(dropped).toBeGreaterThan(0);
    expect(clean.mismatches).toEqual([]);
    expect(degraded.mismatches).toEqual([]);
    expect(degraded.summary.counts).toMatchObject({ completed: TRIALS, failed: 0 });
  });
});
