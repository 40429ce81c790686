// A stand-in for the train activity, for measuring orchestration only (`medsweep-worker --synthetic-ms`):
// each segment sleeps a fixed time, heartbeating and cancellable like the real one, and reports a
// deterministic pseudo-metric derived from (trialKey, epoch). No TensorFlow, no S3, no artifacts: its
// evaluation's hashes are of its synthetic outputs. Never used for real results.
import { Context } from '@temporalio/activity';
import {
  canonicalHash,
  datasetOfSpec,
  finalMetricsHash,
  primaryMetricOf,
  trialConfigHash,
} from '@medsweep/core';
import type { FinalMetricValue } from '@medsweep/core';
import type { Db } from '@medsweep/db';
import { ingestEpochMetrics } from '@medsweep/db';
import type { SegmentTrainer, TrialEvaluation, TrialInput } from '@medsweep/workflows';
import { codeVersion } from '../code-version.js';
import { TrialHandedBackError } from '../errors.js';
import type { WorkerShutdown } from '../shutdown.js';

export interface SyntheticTrainDeps {
  /** How long each segment "trains". */
  durationMs: number;
  /** When given, each segment's synthetic learning curve is written like a real one. */
  db?: Db;
  /** The worker's stop request: a stopping worker hands its segments back, like the real trainer. */
  stopping?: { shutdown: WorkerShutdown; identity: string };
  /**
   * The validation AUC a trial reaches after `epoch` (0-based), for tests that need chosen values (e.g.
   * one lucky seed); default syntheticAuc of its trial key. Must be a pure function, like the default.
   */
  auc?: (trial: TrialInput, epoch: number) => number;
}

/** Longest sleep between two heartbeats. */
const HEARTBEAT_EVERY_MS = 1_000;

/**
 * The pseudo validation AUC of a trial after `epoch` (0-based): a per-trial ceiling in [0.6, 0.95),
 * approached as epochs pass, with a little per-epoch noise. A pure function, so replays and retries
 * report the same values.
 */
export function syntheticAuc(trialKey: string, epoch: number): number {
  const ceiling = 0.6 + 0.35 * unitHash(trialKey);
  const noise = (unitHash(`${trialKey}:${epoch}`) - 0.5) * 0.02;
  return Math.min(0.999, 0.5 + (ceiling - 0.5) * (1 - Math.exp(-(epoch + 1) / 3)) + noise);
}

export function createSyntheticTrainActivities({
  durationMs,
  db,
  stopping,
  auc = (trial, epoch) => syntheticAuc(trial.trialKey, epoch),
}: SyntheticTrainDeps): SegmentTrainer {
  if (!(Number.isFinite(durationMs) && durationMs >= 0)) {
    throw new RangeError(`--synthetic-ms must be a number of milliseconds >= 0, got ${durationMs}`);
  }
  return {
    async trainSegment({ trial, trialId, untilEpoch, evaluate }) {
      const context = Context.current();
      for (let slept = 0; slept < durationMs; slept += HEARTBEAT_EVERY_MS) {
        // No checkpoints: a stopping worker hands the segment back to be redone from its start.
        if (stopping?.shutdown.requested)
          throw new TrialHandedBackError(trial.trialKey, 0, stopping.identity);
        context.heartbeat({ phase: 'train', epoch: untilEpoch - 1, synthetic: true });
        // Rejects with the cancellation as soon as the segment is cancelled.
        await context.sleep(Math.min(HEARTBEAT_EVERY_MS, durationMs - slept));
      }
      const metric = primaryMetricOf(trial.spec);
      const valueAt = (epoch: number) => {
        const value = auc(trial, epoch);
        return metric === 'val_loss' ? 1 - value : value;
      };
      if (db) {
        const epochs = Array.from({ length: untilEpoch }, (_, epoch) => epoch);
        await ingestEpochMetrics(
          db,
          epochs.flatMap((epoch) => [
            {
              trialId,
              epoch,
              split: 'val' as const,
              name: 'auc',
              value: auc(trial, epoch),
            },
            {
              trialId,
              epoch,
              split: 'train' as const,
              name: 'loss',
              value: 1 - auc(trial, epoch),
            },
          ]),
        );
      }
      const segment = {
        epochsCompleted: untilEpoch,
        rungValue: valueAt(untilEpoch - 1),
        stoppedEarly: false,
        checkpointUri: `synthetic://checkpoints/${trial.sweepId}/${trial.plan.index}/epoch-${untilEpoch}`,
      };
      return evaluate
        ? { ...segment, evaluation: await syntheticEvaluation(trial, untilEpoch, auc) }
        : segment;
    },
  };
}

async function syntheticEvaluation(
  trial: TrialInput,
  epochs: number,
  auc: (trial: TrialInput, epoch: number) => number,
): Promise<TrialEvaluation> {
  const values = Array.from({ length: epochs }, (_, epoch) => auc(trial, epoch));
  const bestEpoch = values.indexOf(Math.max(...values));
  const valAuc = values[bestEpoch] as number;
  const finalMetrics: FinalMetricValue[] = [
    { split: 'test', name: 'auc', value: syntheticAuc(`${trial.trialKey}:test`, bestEpoch) },
    { split: 'val', name: 'auc', value: valAuc },
  ];
  const code = await codeVersion();
  return {
    bestEpoch,
    primaryMetricValue: primaryMetricOf(trial.spec) === 'val_loss' ? 1 - valAuc : valAuc,
    finalMetrics,
    artifacts: [],
    lineage: {
      datasetManifestHash: trial.dataset.manifestSha256,
      // A synthetic dataset has no samples, so no split assignment.
      splitAssignmentHash: null,
      leakageAcknowledgement: datasetOfSpec(trial.spec).allowLeakage ?? null,
      configHash: trialConfigHash(trial),
      codeVersion: code.commit,
      codeDirty: code.dirty,
      lockHash: code.lockHash,
      backend: 'synthetic',
      backendVersions: { node: process.versions.node },
      weightsInHash: trial.plan.arm === 'scratch' ? null : (trial.weights?.sha256 ?? null),
      weightsOutHash: canonicalHash({ synthetic: 'weights', trialKey: trial.trialKey, bestEpoch }),
      predictionsHash: canonicalHash({ synthetic: 'predictions', trialKey: trial.trialKey, bestEpoch }),
      metricsHash: finalMetricsHash(finalMetrics),
    },
  };
}

/** A number in [0, 1) fixed by `text`. */
function unitHash(text: string): number {
  return parseInt(canonicalHash(text).slice(0, 12), 16) / 2 ** 48;
}
