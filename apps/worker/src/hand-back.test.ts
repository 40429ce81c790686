import { describe, expect, it } from 'vitest';
import { TrialHandedBackError } from './errors.js';
import { HandBackPolicy } from './hand-back.js';
import { WorkerShutdown } from './shutdown.js';

/** A clock the test moves by hand. */
function manualClock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

/** Runs one epoch of `batches` batches of `batchMs` each, then its tail (validation + checkpoint). */
function epoch(
  policy: HandBackPolicy,
  clock: ReturnType<typeof manualClock>,
  batchMs: number,
  tailMs: number,
) {
  const batches = 10;
  for (let b = 1; b <= batches; b++) {
    clock.advance(batchMs);
    policy.afterBatch(b, batches, 0);
  }
  clock.advance(tailMs);
}

describe('HandBackPolicy', () => {
  it('never stops a worker that is not stopping', () => {
    const clock = manualClock();
    const policy = new HandBackPolicy(new WorkerShutdown(1_000, clock.now), 's:0', 'w', clock.now);
    epoch(policy, clock, 1_000, 5_000);
    policy.afterEpoch(1, false);
    policy.beforeStart(1);
  });

  it('finishes the epoch in progress when it fits in the grace, then hands back at its checkpoint', () => {
    const clock = manualClock();
    const shutdown = new WorkerShutdown(60_000, clock.now);
    const policy = new HandBackPolicy(shutdown, 's:3', 'train@host#1', clock.now);
    epoch(policy, clock, 1_000, 2_000);
    policy.afterEpoch(1, false);
    // Epoch 2: stop requested after batch 3; 7 batches (7 s) + tail (2 s) fit in 60 s.
    for (let b = 1; b <= 10; b++) {
      clock.advance(1_000);
      policy.afterBatch(b, 10, 1);
      if (b === 3) shutdown.request();
    }
    clock.advance(2_000);
    let handedBack: unknown;
    try {
      policy.afterEpoch(2, false);
    } catch (e) {
      handedBack = e;
    }
    expect(handedBack).toBeInstanceOf(TrialHandedBackError);
    expect(handedBack).toMatchObject({ checkpointEpoch: 2, trialKey: 's:3', identity: 'train@host#1' });
  });

  it('hands back at once when the rest of the epoch would outlast the grace', () => {
    const clock = manualClock();
    const shutdown = new WorkerShutdown(5_000, clock.now);
    const policy = new HandBackPolicy(shutdown, 's:4', 'w', clock.now);
    clock.advance(1_000);
    policy.afterBatch(1, 10, 0);
    shutdown.request();
    clock.advance(1_000);
    // 8 batches left at 1 s each (+ tail) cannot end within 5 s: stop now, from epoch 0.
    expect(() => policy.afterBatch(2, 10, 0)).toThrow(TrialHandedBackError);
  });

  it('completes a segment whose last epoch just ended, and starts nothing once stopping', () => {
    const clock = manualClock();
    const shutdown = new WorkerShutdown(60_000, clock.now);
    const policy = new HandBackPolicy(shutdown, 's:5', 'w', clock.now);
    shutdown.request();
    policy.afterEpoch(3, true);
    expect(() => policy.beforeStart(3)).toThrow(
      'worker w is shutting down; handed back with 3 epoch(s) checkpointed',
    );
  });
});

describe('WorkerShutdown', () => {
  it('starts the grace once and signals it', () => {
    const clock = manualClock();
    const shutdown = new WorkerShutdown(10_000, clock.now);
    expect(shutdown.remainingMs()).toBe(Number.POSITIVE_INFINITY);
    clock.advance(500);
    shutdown.request();
    clock.advance(3_000);
    shutdown.request();
    expect(shutdown.signal.aborted).toBe(true);
    expect(shutdown.remainingMs()).toBe(7_000);
  });
});
