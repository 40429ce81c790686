// One trial of a sweep spec, trained and evaluated in-process with the engine the train worker runs:
// the trial's settings and model as @medsweep/ml's trial module makes them for the worker (seeded
// initial weights, ImageNet base weights and transfer mode), train() with those settings, model
// selection on validation, then the evaluation the worker records.
import { performance } from 'node:perf_hooks';
import type { FinalMetricValue } from '@medsweep/core';
import type { SweepSpec, TrialPlan } from '@medsweep/core/sweep';
import { modelFor } from '@medsweep/core/sweep';
import type {
  Dataset,
  EpochRecord,
  ModelInputSpec,
  Tf,
  TrainProgress,
  TransferSummary,
  TrialTrainingSettings,
} from '../src/index.js';
import { buildTrialModel, evaluateModel, train, trialTrainingSettings } from '../src/index.js';

export interface SpecTrialArgs {
  tf: Tf;
  spec: SweepSpec;
  plan: TrialPlan;
  dataset: Dataset;
  /** ImageNet `_notop` weights of the pretrained arm; undefined for scratch. */
  imagenetWeightsPath?: string;
  /** Called after every epoch. */
  onEpoch?: (progress: TrainProgress) => void;
}

export interface SpecTrialResult {
  plan: TrialPlan;
  settings: TrialTrainingSettings;
  input: ModelInputSpec;
  model: { inputSize: number; widthMultiplier: number };
  transfer: Pick<TransferSummary, 'trainableParams' | 'nonTrainableParams' | 'frozenBlocks'>;
  epochsCompleted: number;
  stoppedEarly: boolean;
  /** 0-based epoch whose weights were evaluated: the best validation AUC (the MedMNIST protocol). */
  bestEpoch: number;
  history: EpochRecord[];
  /** Every final metric the worker records, by split and name. */
  metrics: Record<FinalMetricValue['split'], Record<string, number>>;
  /** Test confusion matrix [true][predicted] at the benchmark rule (0.5); null for multi-label. */
  testConfusion: number[][] | null;
  seconds: { train: number; evaluate: number };
}

/** Trains and evaluates one trial; the model is disposed before it returns. */
export async function runSpecTrial(args: SpecTrialArgs): Promise<SpecTrialResult> {
  const { tf, spec, plan, dataset } = args;
  const settings = trialTrainingSettings({ trialKey: `${spec.name}:${plan.index}`, spec, plan });
  const { model, input, transfer } = await buildTrialModel({
    tf,
    trial: { spec, plan },
    dataset,
    ...(args.imagenetWeightsPath === undefined ? {} : { weightsPath: args.imagenetWeightsPath }),
  });
  try {
    // The runner trains CNNs only (run-spec-trials.ts refuses classical models), so there is a summary.
    const { trainableParams, nonTrainableParams, frozenBlocks } = transfer as TransferSummary;
    const started = performance.now();
    const result = await train({
      tf,
      model,
      train: dataset.splits.train,
      validation: dataset.splits.val,
      numClasses: dataset.manifest.numClasses,
      task: dataset.manifest.task,
      input,
      ...settings,
      seed: plan.seed,
      onProgress: (progress) => {
        if (progress.phase === 'epoch') args.onEpoch?.(progress);
      },
    });
    const trained = performance.now();
    const { report } = await evaluateModel({
      tf,
      model,
      dataset,
      input,
      batchSize: settings.batchSize,
      evaluation: spec.evaluation,
    });
    const metrics: SpecTrialResult['metrics'] = { val: {}, test: {} };
    for (const m of report.finalMetrics) metrics[m.split][m.name] = m.value;
    return {
      plan,
      settings,
      input,
      model: modelFor(spec, plan.architecture),
      transfer: { trainableParams, nonTrainableParams, frozenBlocks },
      epochsCompleted: result.epochsCompleted,
      stoppedEarly: result.stoppedEarly,
      // Every epoch is validated, so there is a best one.
      bestEpoch: (result.best as { epoch: number }).epoch,
      history: result.history,
      metrics,
      testConfusion: report.confusion?.test ?? null,
      seconds: { train: (trained - started) / 1000, evaluate: (performance.now() - trained) / 1000 },
    };
  } finally {
    model.dispose();
  }
}
