// A trial's output files: the selected model's weights (Keras HDF5, loadable as a weights source), its
// val/test predictions (what an auditor re-evaluates), the learning curves, ROC points and confusion
// matrices, and for a CNN the Grad-CAM PNGs of the first test images (gradcam/test-<index>.png; their
// labels and scores are predictions.json's rows of that index). Names are fixed and every file is a
// deterministic encoding, so a retried evaluation rewrites the same bytes under the same names.
import { readFile } from 'node:fs/promises';
import type { RocCurve } from '@medsweep/core';
import { canonicalJson, predictionsDocument } from '@medsweep/core';
import type { GradCamImage } from '../saliency/export-grad-cams.js';
import type { EpochRecord } from '../training/checkpoint.js';
import type { SplitPredictions } from '../training/predict.js';
import type { EvaluatedSplit, EvaluationReport } from '../evaluation/evaluate-predictions.js';

/** What a stored file is, as the results store records artifacts. */
export type TrialArtifactKind = 'weights' | 'predictions' | 'curves' | 'roc' | 'confusion' | 'gradcam';

/** Where a stored file is and what it hashes to. */
export interface StoredArtifact {
  uri: string;
  sha256: string;
  sizeBytes: number;
}

/**
 * Port: where a trial's output files go, each under its name (e.g. `weights.h5`, `gradcam/test-0.png`)
 * in the trial's own place; the train worker puts them in S3 under trials/<sweepId>/<trialIndex>/.
 * Putting a name again replaces its file.
 */
export interface ArtifactSink {
  put(name: string, bytes: Uint8Array, contentType: string): Promise<StoredArtifact>;
}

/** One stored output file of a trial. */
export interface TrialArtifact extends StoredArtifact {
  kind: TrialArtifactKind;
  contentType: string;
}

export interface TrialOutputs {
  /** Local path of the selected model's weights, written by saveKerasWeights. */
  weightsPath: string;
  predictions: Record<EvaluatedSplit, SplitPredictions>;
  task: string;
  classNames: readonly string[];
  history: readonly EpochRecord[];
  /** Name of the metric in history's validationMetric, e.g. `val_auc`. */
  historyMetric: string;
  /** 0-based, as history counts. */
  bestEpoch: number;
  report: EvaluationReport;
  /** Grad-CAM PNGs of the first test images; none for a classical model. */
  gradCams: readonly GradCamImage[];
}

export interface StoredOutputs {
  artifacts: TrialArtifact[];
  weightsOutHash: string;
  predictionsHash: string;
}

/** Encodes the trial's outputs and stores each file through `sink`; the artifacts and the hashes lineage records. */
export async function storeTrialOutputs(sink: ArtifactSink, outputs: TrialOutputs): Promise<StoredOutputs> {
  const json = (value: unknown) => new TextEncoder().encode(canonicalJson(value));
  const files: { kind: TrialArtifactKind; name: string; contentType: string; bytes: Uint8Array }[] = [
    {
      kind: 'weights',
      name: 'weights.h5',
      contentType: 'application/x-hdf5',
      bytes: new Uint8Array(await readFile(outputs.weightsPath)),
    },
    {
      kind: 'predictions',
      name: 'predictions.json',
      contentType: 'application/json',
      bytes: json(predictionsDocument(outputs.predictions, outputs.task, outputs.classNames)),
    },
    {
      kind: 'curves',
      name: 'curves.json',
      contentType: 'application/json',
      bytes: json({
        format: 'medsweep.curves/1',
        validationMetric: outputs.historyMetric,
        bestEpoch: outputs.bestEpoch,
        // 0-based epochs, as the epoch_metrics table counts them.
        epochs: outputs.history,
      }),
    },
    {
      kind: 'roc',
      name: 'roc.json',
      contentType: 'application/json',
      bytes: json({
        format: 'medsweep.roc/1',
        splits: { val: outputs.report.roc.val.map(rocPoints), test: outputs.report.roc.test.map(rocPoints) },
      }),
    },
    // Multi-label samples have no single class: no confusion matrix (their labels' AUCs are in roc.json).
    ...(outputs.report.confusion === null
      ? []
      : [
          {
            kind: 'confusion' as const,
            name: 'confusion.json',
            contentType: 'application/json',
            bytes: json({
              format: 'medsweep.confusion/1',
              rule: outputs.task === 'binary-class' ? 'positive-class score > 0.5' : 'argmax',
              classNames: outputs.classNames,
              // matrix[true class][predicted class]
              splits: outputs.report.confusion,
            }),
          },
        ]),
    ...outputs.gradCams.map((g) => ({
      kind: 'gradcam' as const,
      name: `gradcam/${g.name}`,
      contentType: 'image/png',
      bytes: g.pngBytes,
    })),
  ];
  const artifacts = await Promise.all(
    files.map(async (f): Promise<TrialArtifact> => {
      const stored = await sink.put(f.name, f.bytes, f.contentType);
      return {
        kind: f.kind,
        uri: stored.uri,
        sha256: stored.sha256,
        sizeBytes: stored.sizeBytes,
        contentType: f.contentType,
      };
    }),
  );
  const hashOf = (kind: TrialArtifactKind) => artifacts.find((a) => a.kind === kind)?.sha256 as string;
  return { artifacts, weightsOutHash: hashOf('weights'), predictionsHash: hashOf('predictions') };
}

/** A ROC curve as JSON: thresholds[0], +Infinity (nothing predicted positive), is written as null. */
function rocPoints(curve: RocCurve) {
  return { ...curve, thresholds: curve.thresholds.map((t) => (Number.isFinite(t) ? t : null)) };
}
