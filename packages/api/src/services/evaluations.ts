// Evaluations of a completed trial beyond its own run, shared by the evaluations router and the CLI: what
// can be asked of a trial (its attributes, the project's datasets that can validate it externally), asking
// for one (resolved here, so the workflow and worker look nothing up; refused with the reason before
// anything starts), how a request stands, the recorded ones with their results, and each configuration's
// robustness summary for the leaderboard.
import type { Client } from '@temporalio/client';
import {
  attributeColumn,
  externalDatasetProblem,
  parseSweepSpec,
  readEvaluationResult,
  requireSameClasses,
  robustnessSummary,
  subgroupAttributes,
} from '@medsweep/core';
import type { EvaluationResult, JsonObject, RobustnessSummary } from '@medsweep/core';
import {
  appendAuditEvent,
  evaluationParamsHash,
  evaluationSubject,
  findDataset,
  findEvaluation,
  listDatasets,
  sweepRobustnessEvaluations,
  trialEvaluations,
} from '@medsweep/db';
import type { Db, EvaluationSubject } from '@medsweep/db';
import type { Dataset } from '@medsweep/db/types';
import type { ObjectStore } from '@medsweep/storage';
import { evaluationWorkflowId, TASK_QUEUES, trialObjectPrefix } from '@medsweep/workflows';
import type { DatasetRef, EvaluationInput, EvaluationRequest, evaluationWorkflow } from '@medsweep/workflows';
import { DatasetNotFoundError, TrialNotEvaluableError, UnknownAttributeError } from '../errors.js';
import { readManifest, readSampleRecords } from './dataset-records.js';
import { startWorkflowOnce, workflowStanding } from './workflow-jobs.js';

export interface EvaluationServiceDeps {
  db: Db;
  objectStore: ObjectStore;
  temporal: () => Promise<Client>;
  /** Task queue evaluation workflows start on; default TASK_QUEUES.control. */
  taskQueue?: string;
}

/** What can be asked of a trial. */
export type EvaluationAsk =
  | { kind: 'robustness'; seed: number; corruptions?: readonly string[] }
  | { kind: 'external'; datasetId: string }
  | { kind: 'subgroups'; attribute: string };

/** The key of an evaluation: its kind's parameters, as stored and hashed. */
function paramsOf(ask: EvaluationAsk, external: Dataset | null): JsonObject {
  switch (ask.kind) {
    case 'robustness':
      return { seed: ask.seed, corruptions: ask.corruptions ? [...ask.corruptions].sort() : 'all' };
    case 'external':
      return { datasetHash: (external as Dataset).contentHash };
    case 'subgroups':
      return { attribute: ask.attribute };
    default: {
      const unknown: never = ask;
      return unknown;
    }
  }
}

const datasetRef = (dataset: Dataset): DatasetRef & { name: string } => ({
  id: dataset.id,
  name: dataset.name,
  manifestUri: dataset.manifestUri,
  manifestSha256: dataset.contentHash,
  numClasses: dataset.numClasses,
  task: dataset.task,
});

/** The trial, refused unless it completed with output weights. */
async function evaluableSubject(
  db: Db,
  trialId: string,
): Promise<EvaluationSubject & { weights: NonNullable<EvaluationSubject['weights']> }> {
  const subject = await evaluationSubject(db, trialId);
  if (subject.trial.status !== 'completed' || subject.weights === null) {
    throw new TrialNotEvaluableError(trialId, subject.trial.status);
  }
  return subject as EvaluationSubject & { weights: NonNullable<EvaluationSubject['weights']> };
}

/** A dataset of the trial's project by id (another project's is as unknown as a missing one). */
async function projectDataset(db: Db, projectId: string, datasetId: string): Promise<Dataset> {
  const dataset = await findDataset(db, datasetId);
  if (dataset === null || dataset.projectId !== projectId) throw new DatasetNotFoundError(datasetId);
  return dataset;
}

/** Resolves a request into the workflow's input; refuses what cannot run with the reason. */
async function resolveRequest(
  deps: EvaluationServiceDeps,
  subject: EvaluationSubject & { weights: NonNullable<EvaluationSubject['weights']> },
  ask: EvaluationAsk,
  actor: string,
): Promise<EvaluationInput> {
  const { trial, sweep, dataset } = subject;
  let request: EvaluationRequest;
  let external: Dataset | null = null;
  switch (ask.kind) {
    case 'robustness':
      request = {
        kind: 'robustness',
        seed: ask.seed,
        ...(ask.corruptions ? { corruptions: [...ask.corruptions] } : {}),
      };
      break;
    case 'external': {
      external = await projectDataset(deps.db, sweep.projectId, ask.datasetId);
      const [own, other] = await Promise.all([
        readManifest(deps.objectStore, dataset),
        readManifest(deps.objectStore, external),
      ]);
      requireSameClasses(
        { name: dataset.name, task: own.task, classNames: own.classNames },
        { name: external.name, task: other.task, classNames: other.classNames },
      );
      request = { kind: 'external', dataset: datasetRef(external) };
      break;
    }
    case 'subgroups': {
      const attributes = await datasetAttributes(deps.objectStore, dataset);
      if (!attributes.includes(ask.attribute)) {
        throw new UnknownAttributeError(dataset.name, ask.attribute, attributes);
      }
      request = { kind: 'subgroups', attribute: ask.attribute };
      break;
    }
    default: {
      const unknown: never = ask;
      return unknown;
    }
  }
  const params = paramsOf(ask, external);
  return {
    trialId: trial.id,
    request,
    params,
    paramsHash: evaluationParamsHash(params),
    config: trial.config as JsonObject,
    weights: { uri: subject.weights.uri, sha256: subject.weights.sha256 },
    // Only ImageNet files imported as they are lack a recorded input; other trials' outputs have one.
    imagenetWeights: subject.weightsSourceKind === 'file',
    dataset: datasetRef(dataset),
    artifactPrefix: trialObjectPrefix(sweep.id, trial.index),
    queue: parseSweepSpec(sweep.spec).resources.queue,
    actor,
  };
}

/** The attributes the dataset's test samples can be grouped by (none without samples tables). */
async function datasetAttributes(store: ObjectStore, dataset: Dataset): Promise<string[]> {
  const manifest = await readManifest(store, dataset);
  const records = await readSampleRecords(store, dataset, manifest);
  if (records === undefined) return [];
  // Only attributes some test sample has: the evaluation groups the test split.
  return subgroupAttributes(records).filter((name) =>
    attributeColumn(records, 'test', name).some((value) => value !== null),
  );
}

export interface EvaluationRequested {
  workflowId: string;
  /** Already recorded: nothing was started. */
  evaluationId: string | null;
}

/**
 * Asks for an evaluation of a completed trial: recorded already, nothing happens; otherwise an
 * `evaluation.request` audit event and its workflow, started once whatever the number of asks.
 */
export async function requestEvaluation(
  deps: EvaluationServiceDeps,
  trialId: string,
  ask: EvaluationAsk,
  actor: string,
): Promise<EvaluationRequested> {
  const subject = await evaluableSubject(deps.db, trialId);
  const input = await resolveRequest(deps, subject, ask, actor);
  const workflowId = evaluationWorkflowId(trialId, ask.kind, input.paramsHash);
  const recorded = await findEvaluation(deps.db, { trialId, kind: ask.kind, paramsHash: input.paramsHash });
  if (recorded !== null) return { workflowId, evaluationId: recorded.id };
  await appendAuditEvent(deps.db, {
    projectId: subject.sweep.projectId,
    actor,
    action: 'evaluation.request',
    subjectType: 'trial',
    subjectId: trialId,
    payload: { kind: ask.kind, params: input.params, workflowId },
  });
  await startWorkflowOnce<typeof evaluationWorkflow>(await deps.temporal(), 'evaluationWorkflow', {
    workflowId,
    taskQueue: deps.taskQueue ?? TASK_QUEUES.control,
    args: [input],
  });
  return { workflowId, evaluationId: null };
}

/** Where an evaluation stands: recorded, running, failed (with the reason), or never asked for. */
export type EvaluationState =
  | { state: 'recorded'; evaluationId: string }
  | { state: 'running' }
  | { state: 'failed'; error: string }
  | { state: 'none' };

export async function evaluationState(
  deps: EvaluationServiceDeps,
  trialId: string,
  ask: EvaluationAsk,
): Promise<EvaluationState> {
  const subject = await evaluableSubject(deps.db, trialId);
  const external =
    ask.kind === 'external' ? await projectDataset(deps.db, subject.sweep.projectId, ask.datasetId) : null;
  const paramsHash = evaluationParamsHash(paramsOf(ask, external));
  const recorded = await findEvaluation(deps.db, { trialId, kind: ask.kind, paramsHash });
  if (recorded !== null) return { state: 'recorded', evaluationId: recorded.id };
  const standing = await workflowStanding(
    await deps.temporal(),
    evaluationWorkflowId(trialId, ask.kind, paramsHash),
  );
  // Done but not found recorded above: it was recorded since; the next look finds it.
  return standing.state === 'done' ? { state: 'running' } : standing;
}

/** One recorded evaluation with its result read back. */
export interface EvaluationView {
  id: string;
  kind: EvaluationResult['kind'];
  params: JsonObject;
  createdAt: Date;
  dataset: { id: string; name: string; contentHash: string };
  /** The predictions document, for a download link (artifacts.link). */
  artifactId: string;
  provenance: JsonObject;
  result: EvaluationResult;
}

/** The trial's recorded evaluations, oldest first. */
export async function trialEvaluationViews(db: Db, trialId: string): Promise<EvaluationView[]> {
  return (await trialEvaluations(db, trialId)).map((e) => ({
    id: e.id,
    kind: e.kind,
    params: e.params as JsonObject,
    createdAt: e.createdAt,
    dataset: e.dataset,
    artifactId: e.artifactId,
    provenance: e.provenance as JsonObject,
    result: readEvaluationResult(e.result, `evaluation ${e.id}`),
  }));
}

export interface EvaluationOptions {
  /** Why the trial cannot be evaluated (not completed, no weights); null when it can. */
  refused: string | null;
  /** Attributes its test samples carry: subgroups to ask for. */
  attributes: string[];
  /** The project's other datasets, each with why it cannot validate the trial externally (null: it can). */
  externalDatasets: { id: string; name: string; contentHash: string; problem: string | null }[];
}

/** What can be asked of a trial (see EvaluationOptions). */
export async function evaluationOptions(
  deps: EvaluationServiceDeps,
  trialId: string,
): Promise<EvaluationOptions> {
  const subject = await evaluationSubject(deps.db, trialId);
  if (subject.trial.status !== 'completed' || subject.weights === null) {
    const refused = new TrialNotEvaluableError(trialId, subject.trial.status).message;
    return { refused, attributes: [], externalDatasets: [] };
  }
  const { dataset } = subject;
  const own = await readManifest(deps.objectStore, dataset);
  const others = (await listDatasets(deps.db, subject.sweep.projectId)).filter(
    (d) => d.contentHash !== dataset.contentHash,
  );
  const externalDatasets = await Promise.all(
    others.map(async (d) => {
      const full = await projectDataset(deps.db, subject.sweep.projectId, d.id);
      // A registration whose manifest cannot be read (moved, or none stored) is listed with the reason.
      const manifest = await readManifest(deps.objectStore, full).catch((error: unknown) =>
        error instanceof Error ? error : new Error(String(error)),
      );
      if (manifest instanceof Error) {
        return {
          id: d.id,
          name: d.name,
          contentHash: d.contentHash,
          problem: `its manifest cannot be read: ${manifest.message}`,
        };
      }
      const problem = externalDatasetProblem(
        { name: dataset.name, task: own.task, classNames: own.classNames },
        { name: d.name, task: manifest.task, classNames: manifest.classNames },
      );
      return { id: d.id, name: d.name, contentHash: d.contentHash, problem };
    }),
  );
  return { refused: null, attributes: await datasetAttributes(deps.objectStore, dataset), externalDatasets };
}

/** A configuration's robustness panels: one summary per trial that has one. */
export interface ConfigurationRobustness {
  groupKey: string;
  trials: { trialId: string; seed: number; evaluationId: string; summary: RobustnessSummary }[];
}

/** The robustness summaries of a sweep's trials, by configuration (group key). */
export async function sweepRobustness(db: Db, sweepId: string): Promise<ConfigurationRobustness[]> {
  const byGroup = new Map<string, ConfigurationRobustness>();
  for (const e of await sweepRobustnessEvaluations(db, sweepId)) {
    const result = readEvaluationResult(e.result, `evaluation ${e.id}`);
    if (result.kind !== 'robustness') continue;
    const group = byGroup.get(e.trial.groupKey) ?? { groupKey: e.trial.groupKey, trials: [] };
    group.trials.push({
      trialId: e.trialId,
      seed: e.trial.seed,
      evaluationId: e.id,
      summary: robustnessSummary(result),
    });
    byGroup.set(e.trial.groupKey, group);
  }
  return [...byGroup.values()];
}
