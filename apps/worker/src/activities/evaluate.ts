// The evaluation activity of the train queue: one evaluation of a completed trial (robustness panel,
// external dataset, subgroups), run by @medsweep/ml's runEvaluation. This file is its Temporal glue: the
// trial's weights and datasets fetched by content hash through the worker's cache, the subgroup
// attribute read from the samples table, the document stored beside the trial's own outputs, heartbeats
// with progress, and permanent failures marked non-retryable. Recording is the control worker's.
import { Context as ActivityContext } from '@temporalio/activity';
import { attributeColumn, storedEvaluationResult } from '@medsweep/core';
import type { JsonObject } from '@medsweep/core';
import type { BackendInfo, EvaluationPlan } from '@medsweep/ml';
import { backendVersions, loadSampleRecords, runEvaluation, trainedModelSettings } from '@medsweep/ml';
import type { ObjectStore } from '@medsweep/storage';
import { ContentCache } from '@medsweep/storage';
import type { EvaluationActivities, EvaluationInput } from '@medsweep/workflows';
import { toActivityFailure } from '../activity-failure.js';
import { codeVersion } from '../code-version.js';
import { datasetBlobSource, fetchDataset } from '../datasets.js';
import { MissingSamplesTableError } from '../errors.js';
import { fetchWeightsFile } from '../weights.js';

export interface EvaluationActivityDeps {
  store: ObjectStore;
  /** Root of this worker's local cache (datasets and weights, as the train activity keeps them). */
  cacheDir: string;
  /** The selected tfjs backend; its name and versions go into the evaluation's provenance. */
  backend: BackendInfo;
}

/** Interval of keep-alive heartbeats while nothing reports (downloads, model loading). */
const KEEPALIVE_MS = 5_000;

/** Builds the evaluation activity of a train queue from its dependencies. */
export function createEvaluationActivities(deps: EvaluationActivityDeps): EvaluationActivities {
  const cache = new ContentCache(deps.cacheDir);
  return {
    async runEvaluation(input) {
      const context = ActivityContext.current();
      let progress = { phase: 'setup', done: 0, total: 0 };
      const beat = () => context.heartbeat(progress);
      const timer = setInterval(beat, KEEPALIVE_MS);
      timer.unref();
      beat();
      try {
        const plan = await planOf(deps, cache, input);
        const dataset = await fetchDataset(deps.store, cache, input.dataset);
        const weightsPath = await fetchWeightsFile(deps.store, cache, input.weights);
        const code = await codeVersion();
        const run = await runEvaluation({
          backend: deps.backend,
          settings: trainedModelSettings(`trial ${input.trialId}`, input.config),
          weightsPath,
          imagenetWeights: input.imagenetWeights,
          dataset,
          datasetName: input.dataset.name,
          plan,
          artifacts: {
            put: (name, bytes, contentType) =>
              deps.store.put(`${input.artifactPrefix}/${name}`, bytes, contentType),
          },
          documentName: `evaluations/${input.request.kind}-${input.paramsHash}.json`,
          signal: context.cancellationSignal,
          onProgress: (done, total) => {
            progress = { phase: 'predict', done, total };
            beat();
          },
        });
        const provenance: JsonObject = {
          codeVersion: code.commit,
          codeDirty: code.dirty,
          backend: deps.backend.name,
          backendVersions: backendVersions(deps.backend),
          model: { parameters: run.model.parameters, input: { ...run.model.input } },
        };
        return {
          artifact: { ...run.artifact, kind: 'evaluation' },
          result: storedEvaluationResult(run.result),
          provenance,
        };
      } catch (error) {
        // Cancellation wins over whatever it interrupted, so Temporal records the evaluation as cancelled.
        throw context.cancellationSignal.aborted
          ? (context.cancellationSignal.reason as unknown)
          : toActivityFailure(error);
      } finally {
        clearInterval(timer);
      }
    },
  };
}

/** The request with its data loaded: the external dataset, or the attribute's test column. */
async function planOf(
  deps: EvaluationActivityDeps,
  cache: ContentCache,
  input: EvaluationInput,
): Promise<EvaluationPlan> {
  const { request } = input;
  switch (request.kind) {
    case 'robustness':
      return {
        kind: 'robustness',
        seed: request.seed,
        ...(request.corruptions ? { corruptions: request.corruptions } : {}),
      };
    case 'external':
      return {
        kind: 'external',
        dataset: await fetchDataset(deps.store, cache, request.dataset),
        name: request.dataset.name,
      };
    case 'subgroups': {
      const dataset = await fetchDataset(deps.store, cache, input.dataset);
      const records = await loadSampleRecords(datasetBlobSource(deps.store, cache, input.dataset), dataset);
      if (records === undefined)
        throw new MissingSamplesTableError(input.dataset.manifestSha256, request.attribute);
      return {
        kind: 'subgroups',
        attribute: request.attribute,
        values: attributeColumn(records, 'test', request.attribute),
      };
    }
    default: {
      const unknown: never = request;
      return unknown;
    }
  }
}
