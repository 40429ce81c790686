// Activity contracts only: workflow code imports these as types; apps/worker implements them.
import type { JsonObject, LineageRecord } from '@medsweep/core';
import type { SweepSpec, TrialPlan } from '@medsweep/core/sweep';

/** What a worker reports about itself; recorded so results can name the process that produced them. */
export interface WorkerIdentity {
  identity: string;
  host: string;
  pid: number;
  queue: string;
  /** tfjs backend name and versions, e.g. `tensorflow (libtensorflow 2.21.0)`; absent on control workers. */
  backend?: string;
  /** What it trains on; control workers train nothing and say cpu. */
  accelerator: 'cpu' | 'gpu';
  /** Activities it runs at once: trial slots on a train queue. */
  slots: number;
  /** The GPU it trains on, as nvidia-smi names it; absent on CPU workers. */
  gpu?: { model: string; driver: string; memoryMiB: number; uuid: string };
}

export interface DoctorReport {
  worker: WorkerIdentity;
  s3: { uri: string; sha256: string; roundTripMs: number };
  db: { workerRowId: string; serverVersion: string; roundTripMs: number };
}

export interface DoctorActivities {
  /** Proves this worker can reach object storage and the database: writes, reads back and verifies both. */
  probeWorker(input: { probeId: string }): Promise<DoctorReport>;
}

/** A dataset as trials load it: content-addressed, verified on every read. */
export interface DatasetRef {
  id: string;
  /** s3:// URI of the manifest; its sha256 is the dataset's identity. */
  manifestUri: string;
  manifestSha256: string;
  numClasses: number;
  task: string;
}

/** Initial weights of a pretrained arm for one architecture. */
export interface WeightsRef {
  weightsSourceId: string;
  uri: string;
  sha256: string;
  format: string;
}

/** Everything a sweep needs, resolved at submission: workers never look names up. */
export interface SweepInput {
  sweepId: string;
  spec: SweepSpec;
  /**
   * canonicalHash of the spec, as stored with the sweep at submission; its trials' lineage names it.
   * Absent in sweeps submitted before it travelled here (their trials' hash is read from the database).
   */
  specHash?: string;
  dataset: DatasetRef;
  /** arm (`pretrained:<ref>`) → architecture → weights. */
  weights: Record<string, Record<string, WeightsRef>>;
}

/** One trial as the trial workflow and its activities see it. */
export interface TrialInput {
  sweepId: string;
  /** The parent sweep's workflow id, for rung and completion signals. */
  sweepWorkflowId: string;
  /** Idempotency key: `<sweepId>:<index>`. */
  trialKey: string;
  plan: TrialPlan;
  spec: SweepSpec;
  /** The sweep's spec hash (SweepInput.specHash); absent where the sweep's input has none. */
  specHash?: string;
  dataset: DatasetRef;
  weights?: WeightsRef;
  /** Epochs at which the trial reports to ASHA (empty without early stopping). */
  rungs: number[];
  /**
   * The sweep run that starts the trial reads its end from the child's result and stays open until it
   * has: no signal needed. Absent: the trial signals its end (to whichever run is current by then).
   */
  reportsByResult?: boolean;
}

/** Where a segment of training stopped and what it measured there. */
export interface SegmentResult {
  epochsCompleted: number;
  /** The sweep's rung metric at the last completed epoch (e.g. val_auc). */
  rungValue: number;
  /** The trainer stopped by its own early stopping (patience). */
  stoppedEarly: boolean;
  checkpointUri: string;
  /**
   * The trial's row, registered by its first segment. Absent in results recorded before segments
   * registered trials (the trial workflow registered it then).
   */
  trialId?: string;
}

export interface ArtifactRef {
  kind:
    | 'weights'
    | 'checkpoint'
    | 'predictions'
    | 'curves'
    | 'confusion'
    | 'roc'
    | 'gradcam'
    | 'evaluation'
    | 'other';
  uri: string;
  sha256: string;
  sizeBytes: number;
  contentType: string;
}

/** The outcome of a trial's last segment: model selection on validation, reported on test. */
export interface TrialEvaluation {
  bestEpoch: number;
  /** Value of the sweep's primary metric at bestEpoch (the leaderboard's sort key). */
  primaryMetricValue: number;
  finalMetrics: { split: 'val' | 'test'; name: string; value: number }[];
  artifacts: ArtifactRef[];
  /** Everything but the spec hash, which the control side adds (FinishTrialInput.specHash). */
  lineage: Omit<LineageRecord, 'specHash'>;
}

export interface TrainSegmentInput {
  trial: TrialInput;
  /** The trial's row; absent on a trial's first segment, which registers the trial (idempotently) first. */
  trialId?: string;
  /** Train until this many epochs are complete (a rung), then return. */
  untilEpoch: number;
  /** When true, evaluate the selected epoch on test and store weights and predictions. */
  evaluate: boolean;
}

/** A segment of a registered trial: what a train worker's trainer receives. */
export type RegisteredSegmentInput = TrainSegmentInput & { trialId: string };

export type SegmentOutcome = SegmentResult & { evaluation?: TrialEvaluation };

export interface TrainActivities {
  /**
   * Trains one segment of a trial, resuming from the last checkpoint (from its own heartbeat on a retry,
   * else from the checkpoint store), heartbeating progress and the checkpoint URI. Registers the trial
   * first when it has no row yet, and returns the row's id.
   */
  trainSegment(input: TrainSegmentInput): Promise<SegmentOutcome & { trialId: string }>;
}

/** What trains on a train worker (tfjs, or the synthetic trainer); the worker registers trials before it. */
export interface SegmentTrainer {
  trainSegment(input: RegisteredSegmentInput): Promise<SegmentOutcome>;
}

export type TrialOutcome = 'completed' | 'failed' | 'cancelled' | 'pruned';

/**
 * What a finished trial tells its sweep: the payload of the trialFinished signal, which
 * finishTrialAndReport sends. Defined with the activity contracts (signals.ts imports it), so the
 * contracts import nothing from workflow code.
 */
export interface TrialFinished {
  trialKey: string;
  index: number;
  outcome: TrialOutcome;
  /** The primary metric (higher is better) when completed; null otherwise. */
  value: number | null;
}

export interface FinishTrialInput {
  trialId: string;
  sweepId: string;
  /** The sweep's spec hash, for the lineage; absent for sweeps whose input has none (read from the database). */
  specHash?: string;
  outcome: TrialOutcome;
  epochsCompleted: number;
  evaluation?: TrialEvaluation;
  error?: string;
}

/** What an evaluation applies to a completed trial's stored weights (core's evaluation kinds). */
export type EvaluationRequest =
  | {
      kind: 'robustness';
      /** Seed of the random corruptions' draws. */
      seed: number;
      /** The corruptions to run, by name; absent: every one the dataset's list has (the real panel). */
      corruptions?: string[];
    }
  | { kind: 'external'; dataset: DatasetRef & { name: string } }
  | { kind: 'subgroups'; attribute: string };

/** One evaluation of a completed trial, resolved when it is requested: workers look nothing up. */
export interface EvaluationInput {
  trialId: string;
  request: EvaluationRequest;
  /** The evaluation's key besides the trial and kind: its parameters, and their canonical hash. */
  params: JsonObject;
  paramsHash: string;
  /** The trial's stored resolved config (what it trained with; the model is rebuilt from it). */
  config: JsonObject;
  /** The trial's output weights. */
  weights: { uri: string; sha256: string };
  /** The trial started from an imported ImageNet file (EfficientNet is built differently for those). */
  imagenetWeights: boolean;
  /** The trial's own dataset. */
  dataset: DatasetRef & { name: string };
  /** Key prefix of the trial's objects (`trials/<sweepId>/<index>`); the document goes under it. */
  artifactPrefix: string;
  /** The train queue that runs it: the trial's own. */
  queue: string;
  /** Who asked for it, for the audit log. */
  actor: string;
}

/** What an evaluation computed: its predictions document, the stored result, and who computed it. */
export interface EvaluationOutcome {
  artifact: ArtifactRef;
  /** core's storedEvaluationResult of the document. */
  result: JsonObject;
  /** Code version, backend and its versions, the model's input and parameter count. */
  provenance: JsonObject;
}

export interface EvaluationActivities {
  /**
   * Loads the trial's weights and dataset, predicts the evaluated split (under each corruption, or of
   * the external dataset), stores the document and computes its metrics; heartbeats its progress.
   */
  runEvaluation(input: EvaluationInput): Promise<EvaluationOutcome>;
}

/** One verification of a completed trial's lineage, resolved when it is asked for. */
export interface VerificationInput {
  trialId: string;
  /** The trial's project: the audit event's. */
  projectId: string;
  /** The train queue that runs it: the trial's own (the weights are re-evaluated with TensorFlow). */
  queue: string;
  /** Who asked for it, for the audit log. */
  actor: string;
}

export type LinkStatus = 'ok' | 'broken' | 'unchecked';

/** One row of a verification: a lineage link, an artifact, or the re-evaluation. */
export interface VerifiedLink {
  /** A lineage link, `recordHash`, `artifact:<kind>`, `reevaluation` or `reevaluatedMetrics`. */
  link: string;
  status: LinkStatus;
  /** What the record says (lineage value, recorded hash). */
  expected: string | null;
  /** What was recomputed now; null when nothing could be. */
  found: string | null;
  /** Where `found` comes from, or why the link breaks or could not be checked. */
  detail: string;
}

/** What re-checking a trial's lineage found, before it is recorded. */
export interface TrialVerification {
  trialId: string;
  /** Every checked link holds. */
  ok: boolean;
  links: VerifiedLink[];
  /** Largest |stored − re-evaluated| score over val and test; null when the re-evaluation failed. */
  maxScoreDifference: number | null;
  /** The lineage record's own hash, as stored. */
  recordHash: string;
  /** The tfjs backend the re-evaluation ran on. */
  backend: string;
}

/** A recorded verification: what `medsweep verify` prints. */
export interface TrialVerificationReport {
  trialId: string;
  ok: boolean;
  links: VerifiedLink[];
  maxScoreDifference: number | null;
  /** seq of the `trial.verify` audit event. */
  auditSeq: number;
}

export interface VerificationActivities {
  /**
   * Re-hashes the trial's artifacts, re-evaluates its stored weights on its stored dataset and checks
   * every lineage link against what is stored now; heartbeats while it works. Records nothing.
   */
  verifyTrial(input: VerificationInput): Promise<TrialVerification>;
}

export interface ControlActivities {
  /** Creates the trial row (or returns the existing one): a retried or replayed call never makes a second. */
  registerTrial(input: { trial: TrialInput }): Promise<{ trialId: string }>;
  /** Writes the trial's final state once; a repeat with the same outcome is a no-op. */
  finishTrial(input: FinishTrialInput): Promise<void>;
  /**
   * finishTrial, then tells the sweep's current run by signal (one workflow task less for the trial than
   * signalling from the workflow). A retry signals again; the sweep counts each trial once.
   */
  finishTrialAndReport(
    input: FinishTrialInput & { sweepWorkflowId: string; finished: TrialFinished },
  ): Promise<void>;
  /** Records an evaluation with its audit event; recording the same one again is a no-op. */
  recordEvaluation(input: {
    evaluation: EvaluationInput;
    outcome: EvaluationOutcome;
  }): Promise<{ evaluationId: string }>;
  /**
   * Records a verification's verdict as a `trial.verify` audit event by the one who asked; recording the
   * same workflow's verification again returns the first event.
   */
  recordVerification(input: {
    verification: VerificationInput;
    workflowId: string;
    outcome: TrialVerification;
  }): Promise<{ auditSeq: number }>;
  /** Moves the sweep's status (and writes the audit event); idempotent. */
  setSweepStatus(input: {
    sweepId: string;
    status: 'running' | 'paused' | 'cancelling' | 'cancelled' | 'completed' | 'failed';
  }): Promise<void>;
}
