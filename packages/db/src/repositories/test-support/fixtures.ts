// Test fixtures for the repositories: a project with a dataset and sweeps, and trials completed through
// the real write path (upsertTrial, recordFinalResult) with consistent lineage. Test-only.
import {
  canonicalHash,
  finalMetricsHash,
  sha256Hex,
  type FinalMetricValue,
  type JsonObject,
  type LineageRecord,
} from '@medsweep/core';
import type { Db } from '../../client.js';
import type { Trial } from '../../generated/prisma/client.js';
import type { DbClient } from '../db-client.js';
import { recordFinalResult, type RecordedFinalResult } from '../final-result.js';
import { upsertTrial } from '../trials.js';

export interface SweepContext {
  projectId: string;
  datasetId: string;
  sweepId: string;
  specHash: string;
  manifestHash: string;
  /** The dataset's split assignment hash, which every trial's lineage records. */
  splitAssignmentHash: string;
}

/** A project (created once per slug), a dataset in it (once per name) and a new sweep on that dataset. */
export async function createSweep(
  db: Db,
  { project = 'derma', dataset = 'dermamnist', sweep = 'sweep', task = 'binary-class' } = {},
): Promise<SweepContext> {
  const { id: projectId } = await db.project.upsert({
    where: { slug: project },
    create: { slug: project, name: project },
    update: {},
  });
  const manifestHash = sha256Hex(`manifest of ${dataset}`);
  const splitAssignmentHash = sha256Hex(`split assignment of ${dataset}`);
  const { id: datasetId } = await db.dataset.upsert({
    where: { projectId_contentHash: { projectId, contentHash: manifestHash } },
    create: {
      projectId,
      name: dataset,
      contentHash: manifestHash,
      manifestUri: `s3://medsweep/datasets/${dataset}/manifest.json`,
      splits: { train: 100, val: 20, test: 40 },
      numClasses: 2,
      task,
      licence: 'CC BY 4.0',
      source: 'test',
      splitAssignmentHash,
    },
    update: {},
  });
  const spec = { name: sweep, dataset, seeds: [1, 2, 3] };
  const specHash = canonicalHash(spec);
  const { id: sweepId } = await db.sweep.create({
    data: {
      projectId,
      name: sweep,
      spec,
      specHash,
      primaryMetric: 'val_auc',
      primaryMetricGoal: 'maximize',
      workflowId: `sweep-${sweep}-${sha256Hex(String(Math.random())).slice(0, 8)}`,
    },
  });
  return { projectId, datasetId, sweepId, specHash, manifestHash, splitAssignmentHash };
}

export interface TrialSpec {
  key: string;
  index: number;
  architecture?: string;
  initialisation?: string;
  config?: JsonObject;
  seed: number;
}

export async function createTrial(db: DbClient, ctx: SweepContext, spec: TrialSpec): Promise<Trial> {
  const { trial } = await upsertTrial(db, {
    sweepId: ctx.sweepId,
    trialKey: spec.key,
    index: spec.index,
    datasetId: ctx.datasetId,
    architecture: spec.architecture ?? 'resnet50',
    initialisation: spec.initialisation ?? 'scratch',
    transferMode: 'full',
    config: spec.config ?? { lr: 0.001 },
    seed: spec.seed,
  });
  return trial;
}

/** Stand-ins for the bytes of a trial's artifacts (hashed like the real files would be). */
export function artifactBytes(trialId: string) {
  return { weights: `weights of ${trialId}`, predictions: `predictions of ${trialId}` };
}

export function lineageOf(
  ctx: SweepContext,
  trial: Trial,
  metrics: readonly FinalMetricValue[],
): LineageRecord {
  const bytes = artifactBytes(trial.id);
  return {
    datasetManifestHash: ctx.manifestHash,
    splitAssignmentHash: ctx.splitAssignmentHash,
    specHash: ctx.specHash,
    leakageAcknowledgement: null,
    configHash: trial.configHash,
    codeVersion: '0123456789abcdef0123456789abcdef01234567',
    codeDirty: false,
    lockHash: sha256Hex('package-lock.json'),
    backend: 'tensorflow',
    backendVersions: { tfjs: '4.22.0', tensorflow: '2.21.0' },
    weightsInHash: null,
    weightsOutHash: sha256Hex(bytes.weights),
    predictionsHash: sha256Hex(bytes.predictions),
    metricsHash: finalMetricsHash(metrics),
  };
}

/** Records a completed result with weights and predictions artifacts and matching lineage. */
export function completeTrial(
  db: DbClient,
  ctx: SweepContext,
  trial: Trial,
  metrics: readonly FinalMetricValue[],
): Promise<RecordedFinalResult> {
  const bytes = artifactBytes(trial.id);
  return recordFinalResult(db, {
    trialId: trial.id,
    status: 'completed',
    finalMetrics: metrics,
    artifacts: [
      {
        kind: 'weights',
        uri: `s3://medsweep/trials/${trial.id}/weights.bin`,
        sha256: sha256Hex(bytes.weights),
        sizeBytes: bytes.weights.length,
      },
      {
        kind: 'predictions',
        uri: `s3://medsweep/trials/${trial.id}/predictions.json`,
        sha256: sha256Hex(bytes.predictions),
        sizeBytes: bytes.predictions.length,
        contentType: 'application/json',
      },
    ],
    lineage: lineageOf(ctx, trial, metrics),
    bestEpoch: 3,
    primaryMetricValue: metrics.find((m) => m.split === 'val')?.value ?? null,
    actor: 'system:test',
  });
}
