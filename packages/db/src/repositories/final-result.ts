// A trial's final result (status, final metrics, artifacts, lineage) is written once, in one transaction
// with its audit event, and never changes: writing the identical result again is a no-op that returns the
// same ids, writing a different one is refused. Identity is the result hash, over everything recorded.
import {
  canonicalHash,
  finalMetricsHash,
  sealLineage,
  SHA256_HEX,
  type FinalMetricValue,
  type LineageRecord,
  type SealedLineage,
} from '@medsweep/core';
import {
  ArtifactConflictError,
  InvalidRecordError,
  LineageMismatchError,
  ResultAlreadyRecordedError,
  TrialNotFoundError,
} from '../errors.js';
import { ArtifactKind } from '../generated/prisma/enums.js';
import { appendAuditEvent } from './audit.js';
import type { DbClient } from './db-client.js';
import { inTransaction } from './db-client.js';

/** The statuses a trial ends in. */
export const FINAL_STATUSES = ['completed', 'pruned', 'failed', 'cancelled'] as const;
export type FinalStatus = (typeof FINAL_STATUSES)[number];

export interface ArtifactInput {
  kind: ArtifactKind;
  /** s3://bucket/key: unique, content-addressed. */
  uri: string;
  sha256: string;
  sizeBytes: number | bigint;
  contentType?: string | null;
}

export interface FinalResultInput {
  trialId: string;
  status: FinalStatus;
  finalMetrics: readonly FinalMetricValue[];
  artifacts: readonly ArtifactInput[];
  /** Required when completed. */
  lineage: LineageRecord | null;
  bestEpoch?: number | null;
  /** Value of the sweep's primary metric at bestEpoch (the sweep leaderboard's sort key). */
  primaryMetricValue?: number | null;
  /** Failure message, for failed and cancelled trials. */
  error?: string | null;
  /** Who records it, for the audit log, e.g. `system:worker:<identity>`. */
  actor: string;
}

export interface RecordedFinalResult {
  trialId: string;
  resultHash: string;
  /** Ids of the artifact rows, in the order of `artifacts`. */
  artifactIds: string[];
  lineageRecordHash: string | null;
  /** seq of the `trial.result` audit event. */
  auditSeq: number;
  /** False when this exact result was already recorded (nothing was written). */
  created: boolean;
}

const OPERATION = 'recordFinalResult';
const ARTIFACT_KINDS = new Set<string>(Object.values(ArtifactKind));

function invalid(field: string, received: unknown, expected: string): never {
  throw new InvalidRecordError(OPERATION, field, received, expected);
}

function checkFinalMetrics(metrics: readonly FinalMetricValue[]): void {
  const seen = new Set<string>();
  metrics.forEach(({ split, name, value }, i) => {
    if (split !== 'val' && split !== 'test') invalid(`finalMetrics[${i}].split`, split, "'val' or 'test'");
    if (typeof name !== 'string' || name === '') invalid(`finalMetrics[${i}].name`, name, 'a metric name');
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      invalid(`finalMetrics[${i}].value`, value, 'a finite number');
    }
    const key = `${split}/${name}`;
    if (seen.has(key)) invalid(`finalMetrics[${i}]`, key, 'one value per (split, name)');
    seen.add(key);
  });
}

function readArtifacts(artifacts: readonly ArtifactInput[]) {
  const uris = new Set<string>();
  return artifacts.map(({ kind, uri, sha256, sizeBytes, contentType }, i) => {
    if (!ARTIFACT_KINDS.has(kind)) invalid(`artifacts[${i}].kind`, kind, [...ARTIFACT_KINDS].join(', '));
    if (typeof uri !== 'string' || uri === '' || uris.has(uri)) {
      invalid(`artifacts[${i}].uri`, uri, 'a URI, different from the other artifacts');
    }
    uris.add(uri);
    if (typeof sha256 !== 'string' || !SHA256_HEX.test(sha256)) {
      invalid(`artifacts[${i}].sha256`, sha256, '64 lowercase hex digits');
    }
    const size =
      typeof sizeBytes === 'bigint' ? sizeBytes : Number.isSafeInteger(sizeBytes) ? BigInt(sizeBytes) : -1n;
    if (size < 0n) invalid(`artifacts[${i}].sizeBytes`, sizeBytes, 'a non-negative integer');
    return { kind, uri, sha256, sizeBytes: size, contentType: contentType ?? null };
  });
}

/** Validates the input and returns the canonical forms the result hash and the rows are built from. */
function normalise(input: FinalResultInput) {
  if (!FINAL_STATUSES.includes(input.status)) invalid('status', input.status, FINAL_STATUSES.join(', '));
  if (typeof input.actor !== 'string' || input.actor === '') {
    invalid('actor', input.actor, 'a non-empty string');
  }
  checkFinalMetrics(input.finalMetrics);
  const artifacts = readArtifacts(input.artifacts);
  if (input.status === 'completed' && input.lineage === null) {
    invalid('lineage', null, 'a lineage record for a completed trial');
  }
  const lineage = input.lineage === null ? null : sealLineage(input.lineage);
  const bestEpoch = input.bestEpoch ?? null;
  if (bestEpoch !== null && (!Number.isInteger(bestEpoch) || bestEpoch < 0 || bestEpoch >= 2 ** 31)) {
    invalid('bestEpoch', bestEpoch, 'a non-negative 32-bit integer or null');
  }
  const primaryMetricValue = input.primaryMetricValue ?? null;
  if (primaryMetricValue !== null && !Number.isFinite(primaryMetricValue)) {
    invalid('primaryMetricValue', primaryMetricValue, 'a finite number or null');
  }
  const error = input.error ?? null;
  const resultHash = canonicalHash({
    status: input.status,
    metricsHash: finalMetricsHash(input.finalMetrics),
    artifacts: [...artifacts]
      .sort((a, b) => (a.uri < b.uri ? -1 : 1))
      .map((a) => ({ ...a, sizeBytes: a.sizeBytes.toString() })),
    lineageRecordHash: lineage?.recordHash ?? null,
    bestEpoch,
    primaryMetricValue,
    error,
  });
  return { artifacts, lineage, bestEpoch, primaryMetricValue, error, resultHash };
}

/** What recording a result needs to know about its trial, read with the trial row locked. */
interface LockedTrial {
  id: string;
  status: string;
  result_hash: string | null;
  config_hash: string;
  dataset_id: string;
  project_id: string;
  spec_hash: string;
  manifest_hash: string;
  /** The dataset's split assignment hash; null for a dataset without per-sample records. */
  split_assignment_hash: string | null;
  /** The sweep spec's dataset.allowLeakage; null when it has none. */
  allow_leakage: string | null;
  /** sha256 of the trial's initial weights source, when it has one. */
  weights_in_hash: string | null;
  has_weights_source: boolean;
}

/**
 * Locks the trial row (FOR UPDATE: concurrent writers of one result queue here, and the second sees the
 * first's result hash) and reads its context in the same statement.
 */
async function lockTrial(tx: DbClient, trialId: string): Promise<LockedTrial> {
  const [trial] = await tx.$queryRawUnsafe<LockedTrial[]>(
    `SELECT t.id::text, t.status::text, t.result_hash, t.config_hash, t.dataset_id::text, s.project_id::text, s.spec_hash,
       d.content_hash AS manifest_hash, d.split_assignment_hash,
       s.spec->'dataset'->>'allowLeakage' AS allow_leakage, w.sha256 AS weights_in_hash,
       t.weights_source_id IS NOT NULL AS has_weights_source
     FROM trials t
     JOIN sweeps s ON s.id = t.sweep_id
     JOIN datasets d ON d.id = t.dataset_id
     LEFT JOIN weights_sources w ON w.id = t.weights_source_id
     WHERE t.id = $1::uuid
     FOR UPDATE OF t`,
    trialId,
  );
  if (trial === undefined) throw new TrialNotFoundError(OPERATION, [trialId]);
  return trial;
}

/** The lineage must agree with what the store already knows about the trial and with the result itself. */
function checkLineage(trial: LockedTrial, input: FinalResultInput, lineage: SealedLineage): void {
  const mismatch = (link: keyof LineageRecord, expected: unknown, source: string) => {
    if (lineage[link] !== expected) {
      throw new LineageMismatchError(trial.id, link, expected, lineage[link], source);
    }
  };
  mismatch('datasetManifestHash', trial.manifest_hash, 'datasets.content_hash');
  if (trial.split_assignment_hash !== null) {
    mismatch('splitAssignmentHash', trial.split_assignment_hash, 'datasets.split_assignment_hash');
  }
  mismatch('specHash', trial.spec_hash, 'sweeps.spec_hash');
  mismatch('leakageAcknowledgement', trial.allow_leakage, "the sweep spec's dataset.allowLeakage");
  mismatch('configHash', trial.config_hash, 'trials.config_hash');
  if (trial.has_weights_source) mismatch('weightsInHash', trial.weights_in_hash, 'weights_sources.sha256');
  mismatch('metricsHash', finalMetricsHash(input.finalMetrics), 'the final metrics recorded with it');
  for (const [kind, link] of [
    ['weights', 'weightsOutHash'],
    ['predictions', 'predictionsHash'],
  ] as const) {
    const ofKind = input.artifacts.filter((a) => a.kind === kind);
    if (ofKind.length > 0 && !ofKind.some((a) => a.sha256 === lineage[link])) {
      throw new LineageMismatchError(
        trial.id,
        link,
        ofKind.map((a) => a.sha256).join(' or '),
        lineage[link],
        `the ${kind} artifact`,
      );
    }
  }
}

/** The artifact rows of these URIs; no query for none (failed and cancelled trials often have none). */
async function artifactsAt(tx: DbClient, uris: readonly string[]) {
  return uris.length > 0 ? tx.artifact.findMany({ where: { uri: { in: [...uris] } } }) : [];
}

/** The ids already recorded for a result: artifacts by URI, and the result's audit event. */
async function recordedIds(tx: DbClient, trialId: string, uris: readonly string[]) {
  // One after the other: a transaction's queries share one connection.
  const artifacts = await artifactsAt(tx, uris);
  const event = await tx.auditEvent.findFirstOrThrow({
    where: { subjectType: 'trial', subjectId: trialId, action: 'trial.result' },
    orderBy: { seq: 'asc' },
    select: { seq: true },
  });
  const idByUri = new Map(artifacts.map((a) => [a.uri, a.id]));
  return { artifactIds: uris.map((uri) => idByUri.get(uri)!), auditSeq: Number(event.seq) };
}

/**
 * Records a trial's final result in one transaction: final metrics, artifacts, sealed lineage (checked
 * against the trial's config, sweep, dataset and weights, and against the metrics and artifacts given),
 * the trial's status and result hash, and a `trial.result` audit event. Idempotent: the identical result
 * again returns the same ids with created = false; a different one throws ResultAlreadyRecordedError.
 */
export async function recordFinalResult(db: DbClient, input: FinalResultInput): Promise<RecordedFinalResult> {
  const { artifacts, lineage, bestEpoch, primaryMetricValue, error, resultHash } = normalise(input);
  const uris = artifacts.map((a) => a.uri);
  return inTransaction(db, async (tx) => {
    const trial = await lockTrial(tx, input.trialId);
    const common = { trialId: trial.id, resultHash, lineageRecordHash: lineage?.recordHash ?? null };
    if (trial.result_hash !== null) {
      if (trial.result_hash !== resultHash) {
        throw new ResultAlreadyRecordedError(trial.id, trial.result_hash, resultHash);
      }
      return { ...common, ...(await recordedIds(tx, trial.id, uris)), created: false };
    }
    if (lineage !== null) checkLineage(trial, input, lineage);

    // Values travel as text: the driver adapter rounds float parameters to 16 significant digits, which
    // would store metrics that no longer hash to the lineage's metricsHash.
    const metrics = input.finalMetrics;
    // Failed and cancelled trials often have no metrics or artifacts: no statements for nothing.
    if (metrics.length > 0) {
      await tx.$executeRaw`INSERT INTO final_metrics (trial_id, dataset_id, split, name, value)
        SELECT ${trial.id}::uuid, ${trial.dataset_id}::uuid, m.s::final_split, m.n, m.v::float8
        FROM unnest(${metrics.map((m) => m.split)}::text[], ${metrics.map((m) => m.name)}::text[],
          ${metrics.map((m) => String(m.value))}::text[]) AS m(s, n, v)`;
    }
    if (artifacts.length > 0) {
      await tx.artifact.createMany({
        data: artifacts.map((a) => ({ ...a, trialId: trial.id })),
        skipDuplicates: true,
      });
    }
    const stored = await artifactsAt(tx, uris);
    const byUri = new Map(stored.map((a) => [a.uri, a]));
    for (const a of artifacts) {
      const row = byUri.get(a.uri)!;
      // A URI the trainer registered earlier (e.g. during training) is reused if it is the same object.
      for (const field of ['trialId', 'kind', 'sha256', 'sizeBytes'] as const) {
        const expected = field === 'trialId' ? trial.id : a[field];
        if (row[field] !== expected) throw new ArtifactConflictError(a.uri, field, row[field], expected);
      }
    }
    if (lineage !== null) await tx.lineage.create({ data: { ...lineage, trialId: trial.id } });
    await tx.trial.update({
      where: { id: trial.id },
      data: {
        status: input.status,
        finishedAt: new Date(),
        bestEpoch,
        primaryMetricValue,
        error,
        resultHash,
      },
    });
    const event = await appendAuditEvent(tx, {
      projectId: trial.project_id,
      actor: input.actor,
      action: 'trial.result',
      subjectType: 'trial',
      subjectId: trial.id,
      payload: {
        status: { from: trial.status, to: input.status },
        resultHash,
        lineageRecordHash: lineage?.recordHash ?? null,
        finalMetrics: input.finalMetrics.map(({ split, name, value }) => ({ split, name, value })),
        artifacts: artifacts.map(({ kind, uri, sha256 }) => ({ kind, uri, sha256 })),
        error,
      },
    });
    return {
      ...common,
      artifactIds: uris.map((uri) => byUri.get(uri)!.id),
      auditSeq: event.seq,
      created: true,
    };
  });
}
