import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import type { RegisteredSegmentInput, SegmentTrainer } from '@medsweep/workflows';
import type { TrainHeartbeat } from '../train-heartbeat.js';

/**
 * Runs one segment of `activities` in a mock activity context (attempt, heartbeat details, a retry
 * policy of 10 attempts) and collects its heartbeats; `onHeartbeat` may act on each (e.g. cancel).
 */
export function runSegment(
  activities: SegmentTrainer,
  input: RegisteredSegmentInput,
  info: { attempt?: number; heartbeatDetails?: unknown } = {},
  onHeartbeat?: (details: TrainHeartbeat, env: MockActivityEnvironment) => void,
) {
  // Failures are what some tests expect; the SDK's warning for each would only be noise.
  const env = new MockActivityEnvironment(
    { ...info, retryPolicy: { maximumAttempts: 10 } },
    { logger: new DefaultLogger('ERROR') },
  );
  const heartbeats: TrainHeartbeat[] = [];
  env.on('heartbeat', (details: TrainHeartbeat) => {
    heartbeats.push(details);
    onHeartbeat?.(details, env);
  });
  // run() cannot infer the result type from the function: name it.
  const run = env.run(activities.trainSegment, input) as ReturnType<SegmentTrainer['trainSegment']>;
  return { run, heartbeats };
}
