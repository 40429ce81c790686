// The evaluation of a trial's selected model (train() leaves the best validation epoch's weights in it):
// val and test predictions and their metrics, Grad-CAM PNGs of the first test images (CNNs), the output
// files stored through the ArtifactSink, and the lineage record that ties them to what produced them.
// A spec with evaluation.calibration: temperature also fits temperature scaling on val; the calibrated
// probabilities go into the predictions document beside the network's own. The final metrics stay
// those of the network as trained: AUC and ACC are the same after temperature scaling (it keeps every
// ranking and decision), and ECE before and after is read from the document.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import { datasetOfSpec, finalMetricsHash, temperatureCalibration, trialConfigHash } from '@medsweep/core';
import type { FinalMetricValue, LineageRecord } from '@medsweep/core';
import type { PrimaryMetric } from '@medsweep/core/sweep';
import type { BackendInfo } from '../backend.js';
import { backendVersions } from '../backend.js';
import type { Dataset } from '@medsweep/core/records';
import type { ModelInputSpec } from '../data/preprocess.js';
import { evaluateModel } from '../evaluation/evaluate-model.js';
import { exportGradCams } from '../saliency/export-grad-cams.js';
import type { TrainResult } from '../training/trainer.js';
import { saveKerasWeights } from '../weights/save-keras-weights.js';
import type { SweepTrial } from './sweep-trial.js';
import type { ArtifactSink, TrialArtifact } from './trial-outputs.js';
import { storeTrialOutputs } from './trial-outputs.js';

/** Test images a CNN trial exports Grad-CAM PNGs of, from the first of the split. */
export const GRADCAM_TEST_IMAGES = 4;

/** What lineage records of a trial besides what its evaluation computes. */
export interface TrialProvenance {
  /** The code that ran it: full commit, whether the checkout differed from it, sha256 of the lockfile. */
  code: { commit: string; dirty: boolean; lockHash: string };
  /** sha256 of the pretrained arm's initial weights; null for scratch. */
  weightsInHash: string | null;
}

/** How a trial's last segment evaluates and where its outputs go. */
export interface TrialEvaluationArgs {
  artifacts: ArtifactSink;
  provenance: TrialProvenance;
}

/** A trial's result: model selection on validation, reported on test, with its lineage. */
export interface TrialEvaluationRecord {
  /** 0-based, as the trainer's history counts. */
  bestEpoch: number;
  /** The sweep's primary metric on val at bestEpoch (the leaderboard's sort key). */
  primaryMetricValue: number;
  finalMetrics: FinalMetricValue[];
  artifacts: TrialArtifact[];
  /** Everything but the spec hash, which the control side adds from the stored sweep. */
  lineage: Omit<LineageRecord, 'specHash'>;
}

/** A trial's model once train() has returned, with what its evaluation needs to know of the run. */
export interface TrainedTrial {
  trial: SweepTrial;
  backend: BackendInfo;
  model: tfjs.LayersModel;
  input: ModelInputSpec;
  /** The layer Grad-CAM explains; undefined for a classical model, which gets no Grad-CAM. */
  gradCamLayer?: string;
  dataset: Dataset;
  result: TrainResult;
  batchSize: number;
  metric: PrimaryMetric;
  /** Name of the validation metric in the run's history, e.g. `auc`. */
  historyMetric: string;
}

/** Evaluates the trained model on val and test, stores its outputs and returns the trial's record. */
export async function evaluateTrial(
  trained: TrainedTrial,
  { artifacts, provenance }: TrialEvaluationArgs,
): Promise<TrialEvaluationRecord> {
  const { trial, backend, model, input, dataset, result } = trained;
  const { tf } = backend;
  const { task, classNames } = dataset.manifest;
  const { predictions, report } = await evaluateModel({
    tf,
    model,
    dataset,
    input,
    batchSize: trained.batchSize,
    evaluation: trial.spec.evaluation,
  });
  const gradCams = trained.gradCamLayer
    ? await exportGradCams({
        tf,
        model,
        layerName: trained.gradCamLayer,
        split: dataset.splits.test,
        input,
        count: GRADCAM_TEST_IMAGES,
        namePrefix: 'test',
      })
    : [];

  const scratch = await mkdtemp(join(tmpdir(), 'medsweep-trial-'));
  try {
    const weightsPath = join(scratch, 'weights.h5');
    await saveKerasWeights(model, weightsPath, { input });
    // Every epoch is validated (the dataset always has a val split), so there is a best one.
    const best = result.best as { epoch: number; value: number };
    const stored = await storeTrialOutputs(artifacts, {
      weightsPath,
      predictions,
      task,
      classNames,
      ...(trial.spec.evaluation.calibration === 'temperature'
        ? { calibration: temperatureCalibration(predictions, task) }
        : {}),
      history: result.history,
      historyMetric: `val_${trained.historyMetric}`,
      bestEpoch: best.epoch,
      report,
      gradCams,
    });
    const primaryName = trained.metric.slice('val_'.length);
    const primary = report.finalMetrics.find((m) => m.split === 'val' && m.name === primaryName);
    return {
      bestEpoch: best.epoch,
      primaryMetricValue: primary?.value ?? Number.NaN,
      finalMetrics: report.finalMetrics,
      artifacts: stored.artifacts,
      lineage: {
        datasetManifestHash: dataset.id,
        splitAssignmentHash: dataset.manifest.splitAssignment?.sha256 ?? null,
        leakageAcknowledgement: datasetOfSpec(trial.spec).allowLeakage ?? null,
        configHash: trialConfigHash(trial),
        codeVersion: provenance.code.commit,
        codeDirty: provenance.code.dirty,
        lockHash: provenance.code.lockHash,
        backend: backend.name,
        backendVersions: backendVersions(backend),
        weightsInHash: provenance.weightsInHash,
        weightsOutHash: stored.weightsOutHash,
        predictionsHash: stored.predictionsHash,
        metricsHash: finalMetricsHash(report.finalMetrics),
      },
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
