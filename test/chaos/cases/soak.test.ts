// The soak: 5,000 synthetic trials while, every 20 s, a random worker of the fleet (control or train) is
// killed with SIGKILL and a fresh one started on its host. Prints
// {"trials":5000,"lost":0,"duplicates":0,...} with the time it took.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { chaosConfig } from '../support/chaos-stack.js';
import { exactlyOnce, expectExactlyOnce } from '../support/exactly-once.js';
import { Fleet } from '../support/fleet.js';
import { completedTrials, startSyntheticCase, stopChaosCase } from '../support/synthetic-case.js';
import type { FleetWorker } from '../support/fleet.js';
import { submit, sweepResult, syntheticMismatches, syntheticSweepSpec } from '../support/sweeps.js';
import type { ChaosClients } from '../support/sweeps.js';

const env = inject('chaosEnv');
const config = chaosConfig(env);
const PROJECT = 'chaos-soak';
const QUEUE = 'train-chaos-soak';
/** `SOAK_TRIALS=500 npm run test:chaos -- soak` for a short run. */
const TRIALS = Number(process.env.SOAK_TRIALS ?? 5000);
const KILL_EVERY_MS = 20_000;
/**
 * The soak's own time limit: 1.5 s a trial (the suite's 15 minutes are too few for 5,000: a loaded 2-core
 * machine recorded 1.46 trials/s with 500).
 */
const SOAK_TIMEOUT_MS = Math.max(900_000, TRIALS * 1_500);
const fleet = new Fleet(env);
let clients: ChaosClients;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  clients = await startSyntheticCase(fleet, config, PROJECT, {
    prefix: 'k',
    queue: QUEUE,
    controlWorkers: 3,
    trainWorkers: 3,
    trainConcurrency: 16,
    syntheticMs: 200,
  });
});

afterAll(() => stopChaosCase(fleet, clients));

describe('soak', () => {
  it(
    `records ${TRIALS} trials exactly once while a random worker is killed every 20 s`,
    async () => {
      const started = Date.now();
      const sweepId = await submit(
        clients,
        syntheticSweepSpec({ name: 'soak', project: PROJECT, queue: QUEUE, trials: TRIALS, parallel: 32 }),
      );
      const result = sweepResult(clients, sweepId);
      let finished = false;
      void result.finally(() => (finished = true));
      const kills: string[] = [];
      const restarts: Promise<FleetWorker>[] = [];
      const restarting = new Set<string>();
      // Seeded choice, so a failing run can be repeated kill for kill.
      let seed = 19;
      const nextRandom = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      while (!finished) {
        await Promise.race([sleep(KILL_EVERY_MS), result.catch(() => undefined)]);
        if (finished) break;
        // Only workers that are up (one still restarting is skipped until it polls again).
        const up = fleet.workers.filter((w) => !restarting.has(w.name));
        const victim = up[Math.floor(nextRandom() * up.length)] as FleetWorker;
        await victim.process.stop('SIGKILL');
        const elapsedS = ((Date.now() - started) / 1000).toFixed(0);
        kills.push(`${victim.name}@${elapsedS}s`);
        const recorded = await completedTrials(clients, sweepId);
        console.log(
          `chaos soak: ${recorded}/${TRIALS} trials recorded after ${elapsedS} s; killed ${victim.name}`,
        );
        restarting.add(victim.name);
        restarts.push(fleet.restart(victim).finally(() => restarting.delete(victim.name)));
      }
      const summary = await result;
      const seconds = (Date.now() - started) / 1000;
      await Promise.allSettled(restarts);
      const check = await exactlyOnce(clients, { sweepId, trials: TRIALS });
      const mismatches = await syntheticMismatches(clients, sweepId, 1);
      const line = {
        trials: TRIALS,
        lost: check.lost,
        duplicates: check.duplicates,
        completed: summary.counts.completed,
        running: check.running,
        openAttempts: check.openAttempts,
        auditChain: check.auditChain,
        sameAsFaultFree: mismatches.length === 0,
        workersKilled: kills.length,
        seconds: Number(seconds.toFixed(0)),
        trialsPerSecond: Number((TRIALS / seconds).toFixed(2)),
      };
      console.log(`chaos soak kills: ${kills.join(' ')}`);
      console.log(JSON.stringify(line));
      expectExactlyOnce(check);
      expect(summary.counts).toMatchObject({ completed: TRIALS, failed: 0 });
      expect(mismatches).toEqual([]);
      expect(kills.length).toBeGreaterThan(0);
    },
    SOAK_TIMEOUT_MS,
  );
});
