// The evaluation runner: a completed trial's stored weights, predicting the test split of its dataset
// under each corruption of the dataset's MedMNIST-C list at five severities (robustness), the test split
// of another dataset with the same classes (external), or its own test split with one attribute's value
// per sample (subgroups). It writes everything into one evaluation document (@medsweep/core's format),
// stores it through the ArtifactSink, and computes the metrics from the stored bytes with core, so they
// are exactly what anyone recomputes from the document. Ports as the trial runner's: the sink, a signal
// and a progress callback; the worker binds them to S3 and heartbeats.
import type { EvaluationDocument, EvaluationResult } from '@medsweep/core';
import {
  canonicalJson,
  evaluationResult,
  EVALUATION_FORMAT,
  parseEvaluationDocument,
  requireSameClasses,
} from '@medsweep/core';
import type { BackendInfo } from '../backend.js';
import type { Dataset, ImageSplit } from '@medsweep/core/records';
import type { ModelInputSpec } from '../data/preprocess.js';
import { EvaluationPlanError } from '../errors.js';
import { predictSplit } from '../training/predict.js';
import type { ArtifactSink, TrialArtifact } from '../trial/trial-outputs.js';
import { atSeverity, corruptionsFor, SEVERITIES } from './corruption-registry.js';
import { corruptSplit } from './corruptions.js';
import type { TrainedModelSettings } from './trained-model.js';
import { loadTrainedModel } from './trained-model.js';

/** Where a robustness panel's corruptions come from, as its document and report name it. */
export const CORRUPTION_SOURCE = 'MedMNIST-C (medmnistc 0.1.0)';

/** What to evaluate (the request, with its data loaded). */
export type EvaluationPlan =
  | {
      kind: 'robustness';
      /** Seed of the random corruptions' draws. */
      seed: number;
      /** Corruption names to run; absent: all of the dataset's list. */
      corruptions?: readonly string[];
    }
  | { kind: 'external'; dataset: Dataset; name: string }
  | {
      kind: 'subgroups';
      attribute: string;
      /** The attribute's value per test sample, in split order; null where a sample has none. */
      values: readonly (string | null)[];
    };

export interface EvaluationRunArgs {
  backend: BackendInfo;
  /** The trial's model settings (trainedModelSettings of its stored config). */
  settings: TrainedModelSettings;
  /** Local path of the trial's output weights. */
  weightsPath: string;
  /** The trial started from an imported ImageNet file. */
  imagenetWeights: boolean;
  /** The trial's dataset, and its registered name (which picks the corruption list). */
  dataset: Dataset;
  datasetName: string;
  plan: EvaluationPlan;
  /** Where the document is stored, under `documentName`. */
  artifacts: ArtifactSink;
  documentName: string;
  /** Stops the run between predictions. */
  signal: AbortSignal;
  /** After every prediction of a split: `done` of `total`. */
  onProgress?: (done: number, total: number) => void;
}

export interface EvaluationRun {
  artifact: TrialArtifact;
  result: EvaluationResult;
  /** The model as loaded: its input and trainable parameter count. */
  model: { parameters: number; input: ModelInputSpec };
}

/** The corruptions of a robustness plan, each at the five severities. */
function robustnessConditions(
  plan: Extract<EvaluationPlan, { kind: 'robustness' }>,
  args: EvaluationRunArgs,
) {
  const listed = corruptionsFor(args.datasetName, args.dataset.manifest.image.channels);
  const names = listed.map((c) => c.name);
  const unknown = plan.corruptions?.filter((n) => !names.includes(n)) ?? [];
  if (unknown.length > 0 || plan.corruptions?.length === 0) {
    throw new EvaluationPlanError(
      'corruptions',
      plan.corruptions,
      `a non-empty subset of ${names.join(', ')}`,
    );
  }
  const chosen = plan.corruptions ? listed.filter((c) => plan.corruptions?.includes(c.name)) : listed;
  return chosen.flatMap((c) => SEVERITIES.map((severity) => ({ corruption: c, severity })));
}

/** Runs one evaluation (see the file comment); the model is disposed before it returns. */
export async function runEvaluation(args: EvaluationRunArgs): Promise<EvaluationRun> {
  const { backend, settings, dataset, plan, signal } = args;
  const { tf } = backend;
  const { task, classNames, numClasses } = dataset.manifest;
  if (task === 'multi-label, binary-class') {
    throw new EvaluationPlanError('task', task, 'binary-class, multi-class or ordinal-regression');
  }
  const test = dataset.splits.test;
  const conditions = plan.kind === 'robustness' ? robustnessConditions(plan, args) : [];
  if (plan.kind === 'external') {
    requireSameClasses(
      { name: args.datasetName, task, classNames },
      { name: plan.name, task: plan.dataset.manifest.task, classNames: plan.dataset.manifest.classNames },
    );
  }
  if (plan.kind === 'subgroups' && plan.values.length !== test.count) {
    throw new EvaluationPlanError('attribute', plan.attribute, `one value per test sample (${test.count})`);
  }
  const { model, input } = await loadTrainedModel({
    architecture: settings.architecture,
    inputSize: settings.inputSize,
    widthMultiplier: settings.widthMultiplier,
    ...(settings.dropout === undefined ? {} : { dropout: settings.dropout }),
    numClasses,
    imagenetWeights: args.imagenetWeights,
    weightsPath: args.weightsPath,
  });
  try {
    const total = 1 + conditions.length;
    let done = 0;
    const predict = async (split: ImageSplit) => {
      signal.throwIfAborted();
      const { scores } = await predictSplit(tf, model, split, input, numClasses, settings.batchSize);
      args.onProgress?.(++done, total);
      return scores;
    };
    const evaluated = plan.kind === 'external' ? plan.dataset : dataset;
    const clean = await predict(evaluated.splits.test);
    const document: EvaluationDocument = {
      format: EVALUATION_FORMAT,
      kind: plan.kind,
      task,
      classNames,
      dataset:
        plan.kind === 'external'
          ? { name: plan.name, manifestSha256: plan.dataset.id }
          : { name: args.datasetName, manifestSha256: dataset.id },
      split: 'test',
      count: evaluated.splits.test.count,
      numColumns: clean.numColumns,
      labels: Array.from(evaluated.splits.test.labels),
      clean: Array.from(clean.values),
    };
    if (plan.kind === 'robustness') {
      document.corruptions = { source: `${CORRUPTION_SOURCE} list for ${args.datasetName}`, seed: plan.seed };
      document.corrupted = [];
      for (const { corruption, severity } of conditions) {
        const corrupted = await corruptSplit(tf, test, atSeverity(corruption, severity), plan.seed);
        const scores = await predict(corrupted);
        document.corrupted.push({ corruption: corruption.name, severity, scores: Array.from(scores.values) });
      }
    }
    if (plan.kind === 'subgroups') document.attribute = { name: plan.attribute, values: [...plan.values] };
    const bytes = new TextEncoder().encode(canonicalJson(document));
    const contentType = 'application/json';
    const stored = await args.artifacts.put(args.documentName, bytes, contentType);
    // The metrics come from the bytes as stored, the way anyone rereading the document computes them.
    const result = evaluationResult(parseEvaluationDocument(bytes, stored.uri), task);
    return {
      artifact: { kind: 'evaluation', contentType, ...stored },
      result,
      model: { parameters: model.countParams(), input },
    };
  } finally {
    model.dispose();
  }
}
