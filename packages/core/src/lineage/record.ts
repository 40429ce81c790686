// The lineage record of a trial result: every input and output that determines it, each as a hash or a
// version, and one record hash over all of them. `medsweep verify` recomputes the links from the stored
// artifacts and data (verify.ts says which link breaks).
import { InvalidLineageError } from '../errors.js';
import { canonicalHash, SHA256_HEX } from './hash.js';

/**
 * The links of a lineage record, in the order a verifier reports them: inputs (data and its split
 * assignment, spec and its leakage acknowledgement, config), then the code and environment that ran,
 * then the outputs (weights, predictions, metrics).
 */
export const LINEAGE_LINKS = [
  'datasetManifestHash',
  'splitAssignmentHash',
  'specHash',
  'leakageAcknowledgement',
  'configHash',
  'codeVersion',
  'codeDirty',
  'lockHash',
  'backend',
  'backendVersions',
  'weightsInHash',
  'weightsOutHash',
  'predictionsHash',
  'metricsHash',
] as const;

export type LineageLink = (typeof LINEAGE_LINKS)[number];

/** Every hash is a sha256 as 64 lowercase hex digits (SHA256_HEX), without a `sha256:` prefix. */
export interface LineageRecord {
  /** sha256 of the dataset's canonical manifest (which hashes every image and label). */
  datasetManifestHash: string;
  /**
   * sha256 of the dataset's split assignment (the canonical sample key -> split pairs, core's
   * splitAssignmentHash; the manifest's splitAssignment.sha256). Null or absent in records written
   * before it was part of lineage (format 1) and for datasets stored without per-sample records.
   */
  splitAssignmentHash?: string | null;
  /** sha256 of the canonical sweep spec. */
  specHash: string;
  /**
   * The reason the spec gave to train on a leaky dataset (`dataset: { name, allowLeakage }`); null or
   * absent when it gave none (format 1 records never have one).
   */
  leakageAcknowledgement?: string | null;
  /** sha256 of the canonical resolved config (configHash()). */
  configHash: string;
  /** Full git commit the worker ran (`git rev-parse HEAD`: 40 hex digits, or 64 in a SHA-256 repository). */
  codeVersion: string;
  /** The worker's checkout had uncommitted changes: codeVersion alone does not reproduce it. */
  codeDirty: boolean;
  /** sha256 of package-lock.json. */
  lockHash: string;
  /** tfjs backend that trained, e.g. `tensorflow`. */
  backend: string;
  /** Component versions, e.g. `{ "tfjs": "4.22.0", "tensorflow": "2.21.0", "node": "20.19.8" }`. */
  backendVersions: Record<string, string>;
  /** sha256 of the initial (pretrained) weights; null for a scratch arm. */
  weightsInHash: string | null;
  /** sha256 of the trained weights artifact. */
  weightsOutHash: string;
  /** sha256 of the test-split predictions artifact. */
  predictionsHash: string;
  /** finalMetricsHash() of the final metrics. */
  metricsHash: string;
}

/** A lineage record with its record hash, as stored. */
export interface SealedLineage extends LineageRecord {
  recordHash: string;
}

/**
 * Links added after the first record format. A record in which all of them are null is a format 1
 * record and hashes exactly as records did before they existed, so records stored then still verify;
 * any of them set makes it a format 2 record, hashed over every link.
 */
export const FORMAT_2_LINKS = ['splitAssignmentHash', 'leakageAcknowledgement'] as const;

const HASH_FIELDS = [
  'datasetManifestHash',
  'specHash',
  'configHash',
  'lockHash',
  'weightsOutHash',
  'predictionsHash',
  'metricsHash',
] as const;

const GIT_COMMIT = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const SHA256_TEXT = '64 lowercase hex digits (a sha256 without prefix)';

/** Checks the form of every field; throws InvalidLineageError naming the first bad one. */
export function validateLineage(record: LineageRecord): LineageRecord {
  for (const field of HASH_FIELDS) {
    if (typeof record[field] !== 'string' || !SHA256_HEX.test(record[field])) {
      throw new InvalidLineageError(field, record[field], SHA256_TEXT);
    }
  }
  const { weightsInHash, codeVersion, codeDirty, backend, backendVersions } = record;
  if (weightsInHash !== null && (typeof weightsInHash !== 'string' || !SHA256_HEX.test(weightsInHash))) {
    throw new InvalidLineageError('weightsInHash', weightsInHash, `${SHA256_TEXT}, or null for scratch`);
  }
  if (typeof codeVersion !== 'string' || !GIT_COMMIT.test(codeVersion)) {
    throw new InvalidLineageError('codeVersion', codeVersion, 'a full git commit hash (40 or 64 hex digits)');
  }
  const { splitAssignmentHash, leakageAcknowledgement } = record;
  if (
    splitAssignmentHash != null &&
    (typeof splitAssignmentHash !== 'string' || !SHA256_HEX.test(splitAssignmentHash))
  ) {
    throw new InvalidLineageError(
      'splitAssignmentHash',
      splitAssignmentHash,
      `${SHA256_TEXT}, or null for a dataset without per-sample records`,
    );
  }
  if (
    leakageAcknowledgement != null &&
    (typeof leakageAcknowledgement !== 'string' || leakageAcknowledgement.trim() === '')
  ) {
    throw new InvalidLineageError(
      'leakageAcknowledgement',
      leakageAcknowledgement,
      'the non-empty reason of dataset.allowLeakage, or null',
    );
  }
  if (typeof codeDirty !== 'boolean') throw new InvalidLineageError('codeDirty', codeDirty, 'true or false');
  if (typeof backend !== 'string' || backend === '') {
    throw new InvalidLineageError('backend', backend, 'a backend name, e.g. tensorflow');
  }
  const versionsOk =
    typeof backendVersions === 'object' &&
    backendVersions !== null &&
    !Array.isArray(backendVersions) &&
    Object.keys(backendVersions).length > 0 &&
    Object.values(backendVersions).every((v) => typeof v === 'string' && v !== '');
  if (!versionsOk) {
    throw new InvalidLineageError(
      'backendVersions',
      backendVersions,
      'an object of component → version strings',
    );
  }
  return record;
}

/**
 * Exactly the links of a record (a stored row may carry more, e.g. its trial id and timestamps), the
 * format 2 links null where the record lacks them.
 */
export function lineageLinks(record: LineageRecord): LineageRecord {
  return Object.fromEntries(
    LINEAGE_LINKS.map((link) => [link, record[link] ?? null]),
  ) as unknown as LineageRecord;
}

/**
 * sha256 over the canonical form of all links, tagged with the record's format version: format 1 (the
 * links without FORMAT_2_LINKS) when those are all null, format 2 (every link) otherwise.
 */
export function recordHash(record: LineageRecord): string {
  const links: Record<string, unknown> = { ...lineageLinks(record) };
  if (FORMAT_2_LINKS.every((link) => links[link] === null)) {
    for (const link of FORMAT_2_LINKS) delete links[link];
    return canonicalHash({ format: 'medsweep-lineage/1', ...links });
  }
  return canonicalHash({ format: 'medsweep-lineage/2', ...links });
}

/** Validates a record and adds its record hash. */
export function sealLineage(record: LineageRecord): SealedLineage {
  const links = lineageLinks(validateLineage(record));
  return { ...links, recordHash: recordHash(links) };
}
