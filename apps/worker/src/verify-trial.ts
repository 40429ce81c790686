// The verification behind `medsweep verify`, run by the verification workflow's activity on a train worker:
// checks every link of a trial's lineage against what is stored now. Each artifact is downloaded and
// hashed; the database re-derives what it can (dataset, spec, config, weights source, final metrics); the
// stored output weights are loaded into a fresh model of the trial's architecture and re-evaluated on the
// stored dataset, and their scores and metrics compared with the recorded ones. The outcome is one row
// per link; the control worker records it as a `trial.verify` audit event (recordVerification).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LineageLink, LineageRecord, LineageVerification } from '@medsweep/core';
import {
  canonicalHash,
  finalMetricsHash,
  LINEAGE_LINKS,
  parsePredictionsDocument,
  sha256Hex,
  splitAssignmentHash,
} from '@medsweep/core';
import type { ReadPredictions } from '@medsweep/core';
import type { Db } from '@medsweep/db';
import {
  LineageNotRecordedError,
  TrialNotFoundError,
  trialForVerification,
  verifyTrialLineage,
} from '@medsweep/db';
import type { BackendInfo, EvaluatedSplit, SplitPredictions, TrainedModelSettings } from '@medsweep/ml';
import {
  evaluatePredictions,
  evaluationRules,
  loadDataset,
  loadSampleRecords,
  loadTrainedModel,
  manifestBlobName,
  predictEvaluatedSplits,
  trainedModelSettings,
} from '@medsweep/ml';
import type { ObjectStore } from '@medsweep/storage';
import { ObjectBlobStore, ObjectNotFoundError } from '@medsweep/storage';
import type { TrialVerification, VerifiedLink } from '@medsweep/workflows';

/** Largest difference between a stored and a re-evaluated score that still reproduces, on one backend. */
export const SCORE_TOLERANCE = 1e-5;

export interface VerifyTrialDeps {
  db: Db;
  store: ObjectStore;
  /** The selected tfjs backend the re-evaluation runs on. */
  backend: BackendInfo;
}

const EVALUATED_SPLITS = ['val', 'test'] as const;

/** A stored artifact as downloaded now. */
interface FetchedArtifact {
  kind: string;
  uri: string;
  recorded: string;
  /** null when the object is gone. */
  bytes: Uint8Array | null;
  sha256: string | null;
}

/** Verifies trial `trialId`; throws only when the trial or its lineage does not exist. */
export async function verifyTrial(deps: VerifyTrialDeps, trialId: string): Promise<TrialVerification> {
  const { db, store } = deps;
  const trial = await trialForVerification(db, trialId);
  if (trial === null) throw new TrialNotFoundError('verifyTrial', [trialId]);
  if (trial.lineage === null) throw new LineageNotRecordedError(trialId, trial.status);
  const { lineage } = trial;

  const artifacts = await Promise.all(trial.artifacts.map((a) => fetchArtifact(store, a)));
  const links: VerifiedLink[] = artifacts
    .filter((a) => a.kind !== 'weights' && a.kind !== 'predictions')
    .map(artifactLink);
  const weights = outputOf(artifacts, 'weights', lineage.weightsOutHash);
  const predictions = outputOf(artifacts, 'predictions', lineage.predictionsHash);

  const reevaluation = await reevaluate(deps, {
    config: trainedModelSettings(`trial ${trialId}`, trial.config),
    dataset: trial.dataset,
    // Only ImageNet files imported as they are lack a recorded input; other trials' outputs have one.
    imagenetWeights: trial.weightsSource !== null && trial.weightsSource.kind !== 'trial',
    weights,
    predictions,
  });
  const fromArtifacts: Partial<LineageRecord> = {
    ...(reevaluation.splitAssignmentHash === undefined
      ? {}
      : { splitAssignmentHash: reevaluation.splitAssignmentHash }),
    specHash: canonicalHash(trial.sweep.spec),
    ...(weights?.sha256 ? { weightsOutHash: weights.sha256 } : {}),
    ...(predictions?.sha256 ? { predictionsHash: predictions.sha256 } : {}),
  };
  const verdicts = await lineageVerdicts(db, trialId, fromArtifacts);
  // Where each recomputed value comes from, phrased to be followed by the value.
  const source: Partial<Record<LineageLink, string>> = {
    datasetManifestHash: 'datasets.content_hash is',
    splitAssignmentHash: "the dataset's samples tables hash to",
    specHash: "the sweep's stored spec hashes to",
    leakageAcknowledgement: "the sweep's stored spec gives dataset.allowLeakage",
    configHash: "the trial's stored config hashes to",
    weightsInHash: 'weights_sources.sha256 is',
    weightsOutHash: weights?.sha256
      ? `artifact ${weights.uri} hashes to`
      : 'the weights artifact row records',
    predictionsHash: predictions?.sha256
      ? `artifact ${predictions.uri} hashes to`
      : 'the predictions artifact row records',
    metricsHash: 'the final_metrics rows hash to',
  };
  for (const link of LINEAGE_LINKS) {
    const expected = lineage[link] as unknown;
    const broken = verdicts.breaks.find((b) => b.link === link);
    const checked = verdicts.checked.includes(link);
    links.push({
      link,
      status: broken ? 'broken' : checked ? 'ok' : 'unchecked',
      expected: show(expected),
      found: broken ? show(broken.recomputed) : checked ? show(expected) : null,
      detail: broken
        ? `${source[link]} ${show(broken.recomputed)}, lineage says ${show(expected)}`
        : checked
          ? `${source[link]} the recorded value`
          : link === 'weightsInHash' && expected === null
            ? 'scratch arm: no initial weights'
            : link === 'splitAssignmentHash' && expected == null
              ? 'not recorded: the record predates split assignment hashes (format 1), or the dataset has no per-sample records'
              : 'not recomputable from stored data: recorded as is',
    });
  }
  links.push(...reevaluation.links(lineage.metricsHash, lineage.backend));
  const recordBreak = verdicts.breaks.find((b) => b.link === 'recordHash');
  links.push({
    link: 'recordHash',
    status: recordBreak ? 'broken' : 'ok',
    expected: lineage.recordHash,
    found: recordBreak ? show(recordBreak.recomputed) : lineage.recordHash,
    detail: recordBreak
      ? `the stored links hash to ${show(recordBreak.recomputed)}, the record says ${lineage.recordHash}`
      : 'hash of the stored links',
  });

  return {
    trialId,
    ok: links.every((l) => l.status !== 'broken'),
    links,
    maxScoreDifference: reevaluation.maxScoreDifference,
    recordHash: lineage.recordHash,
    backend: deps.backend.name,
  };
}

function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

async function fetchArtifact(
  store: ObjectStore,
  artifact: { kind: string; uri: string; sha256: string },
): Promise<FetchedArtifact> {
  const base = { kind: artifact.kind, uri: artifact.uri, recorded: artifact.sha256 };
  try {
    const bytes = await store.get(store.keyOf(artifact.uri));
    return { ...base, bytes, sha256: sha256Hex(bytes) };
  } catch (error) {
    if (error instanceof ObjectNotFoundError) return { ...base, bytes: null, sha256: null };
    throw error;
  }
}

function artifactLink(a: FetchedArtifact): VerifiedLink {
  const status = a.sha256 === a.recorded ? 'ok' : 'broken';
  return {
    link: `artifact:${a.kind}`,
    status,
    expected: a.recorded,
    found: a.sha256,
    detail:
      a.sha256 === null
        ? `artifact ${a.uri} is missing from the bucket`
        : status === 'ok'
          ? a.uri
          : `artifact ${a.uri} hashes to ${a.sha256}, its record says ${a.recorded}`,
  };
}

/** The artifact of `kind` the lineage names (by recorded hash), else the first of that kind. */
function outputOf(artifacts: readonly FetchedArtifact[], kind: string, named: string) {
  const ofKind = artifacts.filter((a) => a.kind === kind);
  return ofKind.find((a) => a.recorded === named) ?? ofKind[0];
}

type LinkBreak = Extract<LineageVerification, { ok: false }>;

/**
 * Every link of the stored lineage that breaks. verifyTrialLineage names the first break only; each
 * break found is taken as given (its stored value passed as recomputed) and the check repeated, so the
 * table shows all of them. A recordHash break is checked last and ends the walk.
 */
async function lineageVerdicts(db: Db, trialId: string, fromArtifacts: Partial<LineageRecord>) {
  const accepted: Partial<LineageRecord> = { ...fromArtifacts };
  const breaks: LinkBreak[] = [];
  for (;;) {
    const verdict = await verifyTrialLineage(db, trialId, accepted);
    if (verdict.ok) return { breaks, checked: verdict.checked };
    breaks.push(verdict);
    if (verdict.link === 'recordHash') return { breaks, checked: verdict.checked };
    Object.assign(accepted, { [verdict.link]: verdict.stored });
  }
}

interface ReevaluationInput {
  config: TrainedModelSettings;
  dataset: { contentHash: string; manifestUri: string };
  imagenetWeights: boolean;
  weights: FetchedArtifact | undefined;
  predictions: FetchedArtifact | undefined;
}

interface Reevaluation {
  maxScoreDifference: number | null;
  /**
   * The split assignment hash of the stored dataset's samples tables; null for a dataset without them,
   * undefined when the dataset could not be loaded.
   */
  splitAssignmentHash?: string | null;
  /** The `reevaluation` and `reevaluatedMetrics` rows, given the lineage's metricsHash and backend. */
  links(metricsHash: string, backend: string): VerifiedLink[];
}

/** Re-evaluates the stored weights; a failure (missing or damaged object, unloadable file) is a broken row, not a throw. */
async function reevaluate(deps: VerifyTrialDeps, input: ReevaluationInput): Promise<Reevaluation> {
  const failed = (reason: string): Reevaluation => ({
    maxScoreDifference: null,
    links: (metricsHash) => [
      { link: 'reevaluation', status: 'broken', expected: null, found: null, detail: reason },
      {
        link: 'reevaluatedMetrics',
        status: 'unchecked',
        expected: metricsHash,
        found: null,
        detail: 'no re-evaluation to compute metrics from',
      },
    ],
  });
  if (!input.weights?.bytes) return failed('no weights artifact to re-evaluate');
  if (!input.predictions?.bytes) return failed('no predictions artifact to compare with');
  const predictionsUri = input.predictions.uri;
  try {
    const stored = parsePredictionsDocument(input.predictions.bytes, predictionsUri);
    const recomputed = await predictStoredWeights(deps, input, input.weights.bytes);
    const difference = maxScoreDifference(stored, recomputed);
    const report = evaluatePredictions(
      recomputed.predictions,
      recomputed.manifest.task,
      evaluationRules(input.config.evaluation, recomputed.manifest),
    );
    const metricsHash = finalMetricsHash(report.finalMetrics);
    return {
      maxScoreDifference: Number.isFinite(difference.max) ? difference.max : null,
      splitAssignmentHash: recomputed.splitAssignmentHash,
      links: (recordedMetricsHash, backend) => [
        {
          link: 'reevaluation',
          status: difference.problem === null && difference.max <= SCORE_TOLERANCE ? 'ok' : 'broken',
          expected: `max |Δscore| <= ${SCORE_TOLERANCE}`,
          found: difference.problem ?? `max |Δscore| = ${difference.max}`,
          detail:
            `stored weights re-evaluated on ${deps.backend.name} (trained on ${backend}) ` +
            `against ${predictionsUri}` +
            (difference.problem === null ? '' : `: ${difference.problem}`),
        },
        {
          link: 'reevaluatedMetrics',
          status: metricsHash === recordedMetricsHash ? 'ok' : 'broken',
          expected: recordedMetricsHash,
          found: metricsHash,
          detail:
            metricsHash === recordedMetricsHash
              ? 'metrics recomputed from the re-evaluated predictions'
              : `metrics recomputed from the re-evaluated predictions hash to ${metricsHash}, lineage metricsHash says ${recordedMetricsHash}`,
        },
      ],
    };
  } catch (error) {
    return failed(
      `could not re-evaluate ${input.weights.uri}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** The stored weights' predictions on the stored dataset's val and test splits. */
async function predictStoredWeights(deps: VerifyTrialDeps, input: ReevaluationInput, weights: Uint8Array) {
  const { tf } = deps.backend;
  const { contentHash, manifestUri } = input.dataset;
  // Shards sit beside the manifest, as the importer writes them.
  const manifestKey = deps.store.keyOf(manifestUri);
  const prefix = manifestKey.slice(0, -`/${manifestBlobName(contentHash)}`.length);
  const source = new ObjectBlobStore(deps.store, prefix);
  const dataset = await loadDataset(source, contentHash);
  const scratch = await mkdtemp(join(tmpdir(), 'medsweep-verify-'));
  try {
    const weightsPath = join(scratch, 'weights.h5');
    await writeFile(weightsPath, weights);
    const { config } = input;
    const { numClasses } = dataset.manifest;
    const { model, input: modelInput } = await loadTrainedModel({
      architecture: config.architecture,
      inputSize: config.inputSize,
      widthMultiplier: config.widthMultiplier,
      ...(config.dropout === undefined ? {} : { dropout: config.dropout }),
      numClasses,
      task: dataset.manifest.task,
      imagenetWeights: input.imagenetWeights,
      weightsPath,
    });
    try {
      const predictions = await predictEvaluatedSplits({
        tf,
        model,
        dataset,
        input: modelInput,
        batchSize: config.batchSize,
      });
      const records = await loadSampleRecords(source, dataset);
      return {
        predictions,
        manifest: dataset.manifest,
        splitAssignmentHash: records ? splitAssignmentHash(records) : null,
      };
    } finally {
      model.dispose();
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Largest |stored − recomputed| score; a problem when labels or shapes differ (then max is NaN). */
function maxScoreDifference(
  stored: ReadPredictions,
  recomputed: { predictions: Record<EvaluatedSplit, SplitPredictions> },
): { max: number; problem: string | null } {
  let max = 0;
  for (const split of EVALUATED_SPLITS) {
    const a = stored[split];
    const b = recomputed.predictions[split];
    if (a.labels.length !== b.labels.length || a.scores.numColumns !== b.scores.numColumns) {
      return {
        max: Number.NaN,
        problem: `${split}: stored ${a.labels.length}×${a.scores.numColumns} scores, dataset gives ${b.labels.length}×${b.scores.numColumns}`,
      };
    }
    const label = a.labels.findIndex((l, i) => l !== b.labels[i]);
    if (label >= 0) {
      return {
        max: Number.NaN,
        problem: `${split}: stored label of sample ${label} is ${a.labels[label]}, the dataset says ${b.labels[label]}`,
      };
    }
    for (let i = 0; i < a.scores.values.length; i++) {
      max = Math.max(max, Math.abs((a.scores.values[i] as number) - (b.scores.values[i] as number)));
    }
  }
  return { max, problem: null };
}
