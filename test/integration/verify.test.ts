// `medsweep verify`'s verifier (the verification workflow's activity and record, called directly): a real
// trial (tiny VGG16 on BreastMNIST through the real train activity, recorded with recordFinalResult) in
// MinIO and a throwaway Postgres database, verified as stored, then with its predictions, its weights and
// one final metric tampered with: each time the verifier must name the link that breaks.
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderVerification } from '@medsweep/cli';
import { canonicalHash, canonicalJson } from '@medsweep/core';
import type { JsonObject } from '@medsweep/core';
import { recordFinalResult } from '@medsweep/db';
import type { BackendInfo } from '@medsweep/ml';
import { loadTrainedModel, saveKerasWeights, selectBackend } from '@medsweep/ml';
import { createTrainActivities, recordVerification, SCORE_TOLERANCE, verifyTrial } from '@medsweep/worker';
import type { TrainFixture } from '@medsweep/worker/test-support';
import { registerTrial, TINY_SPEC, trainFixture } from '@medsweep/worker/test-support';
import type { TrialEvaluation, TrialVerificationReport } from '@medsweep/workflows';

let fixture: TrainFixture;
let backend: BackendInfo;
let scratch: string;
let trialId: string;
let evaluation: TrialEvaluation;

/** One verification as its workflow runs it: checked on a train worker, recorded as the asker's event. */
async function verify(
  workflowId = `verification-${trialId}-${randomUUID()}`,
): Promise<TrialVerificationReport> {
  const outcome = await verifyTrial({ db: fixture.db, store: fixture.store, backend }, trialId);
  const { auditSeq } = await recordVerification(fixture.db, {
    verification: { trialId, projectId: fixture.projectId, queue: 'train', actor: 'test:verify' },
    workflowId,
    outcome,
  });
  return { ...outcome, auditSeq };
}
const keyOf = (kind: string) =>
  fixture.store.keyOf(evaluation.artifacts.find((a) => a.kind === kind)?.uri as string);
const statusOf = (report: TrialVerificationReport, link: string) =>
  report.links.find((l) => l.link === link)?.status;
const brokenLinks = (report: TrialVerificationReport) =>
  report.links.filter((l) => l.status === 'broken').map((l) => l.link);

/** Replaces an object for the duration of `check`, then puts the original bytes back. */
async function withTampered(key: string, bytes: Uint8Array, check: () => Promise<void>): Promise<void> {
  const original = await fixture.store.get(key);
  await fixture.store.put(key, bytes);
  try {
    await check();
  } finally {
    await fixture.store.put(key, original);
  }
}

beforeAll(async () => {
  backend = await selectBackend();
  fixture = await trainFixture();
  scratch = await mkdtemp(join(tmpdir(), 'medsweep-verify-test-'));
  const activities = createTrainActivities({
    ...fixture,
    cacheDir: join(scratch, 'cache'),
    backend,
    identity: {
      identity: 'verify-test',
      host: 'localhost',
      pid: process.pid,
      queue: 'train',
      accelerator: 'cpu',
      slots: 1,
    },
  });
  const { trial, trialId: id } = await registerTrial(fixture, {
    index: 0,
    spec: { ...TINY_SPEC, budget: { maxTrials: 1, maxEpochs: 2 } },
  });
  trialId = id;
  const env = new MockActivityEnvironment({ retryPolicy: { maximumAttempts: 1 } });
  const segment = await (env.run(activities.trainSegment, {
    trial,
    trialId,
    untilEpoch: 2,
    evaluate: true,
  }) as ReturnType<typeof activities.trainSegment>);
  evaluation = segment.evaluation as TrialEvaluation;
  // The sweep row as submission writes it: the spec and its hash, which the lineage links to.
  const specHash = canonicalHash(trial.spec as unknown as JsonObject);
  await fixture.db.sweep.update({
    where: { id: fixture.sweepId },
    data: { spec: trial.spec as unknown as JsonObject, specHash },
  });
  await recordFinalResult(fixture.db, {
    trialId,
    status: 'completed',
    finalMetrics: evaluation.finalMetrics,
    artifacts: evaluation.artifacts,
    lineage: { ...evaluation.lineage, specHash },
    bestEpoch: evaluation.bestEpoch,
    primaryMetricValue: evaluation.primaryMetricValue,
    actor: 'test:verify',
  });
});

afterAll(async () => {
  await fixture?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('medsweep verify', () => {
  it('confirms every link of an untouched trial and re-evaluates its weights to the stored scores', async () => {
    const tensors = backend.tf.memory().numTensors;
    const report = await verify();
    expect(backend.tf.memory().numTensors, 'tensors left behind').toBe(tensors);
    expect(brokenLinks(report)).toEqual([]);
    expect(report.ok).toBe(true);
    for (const link of [
      'datasetManifestHash',
      'specHash',
      'configHash',
      'weightsOutHash',
      'predictionsHash',
      'metricsHash',
      'reevaluation',
      'reevaluatedMetrics',
      'recordHash',
      'artifact:curves',
      'artifact:roc',
      'artifact:confusion',
    ]) {
      expect(statusOf(report, link), link).toBe('ok');
    }
    // What no stored data can recompute is reported as such, never as passing.
    for (const link of ['codeVersion', 'codeDirty', 'lockHash', 'backend', 'backendVersions']) {
      expect(statusOf(report, link), link).toBe('unchecked');
    }
    expect(report.maxScoreDifference).toBeLessThanOrEqual(SCORE_TOLERANCE);
    expect(renderVerification(report)).toMatch(/verified: every checked link holds/);

    const event = await fixture.db.auditEvent.findFirstOrThrow({ where: { seq: report.auditSeq } });
    expect(event).toMatchObject({ action: 'trial.verify', subjectId: trialId, actor: 'test:verify' });
    expect(event.payload).toMatchObject({ ok: true, broken: [] });
  });

  it('records one audit event per verification workflow, however often its record is retried', async () => {
    const workflowId = `verification-${trialId}-${randomUUID()}`;
    const first = await verify(workflowId);
    const retried = await verify(workflowId);
    expect(retried.auditSeq).toBe(first.auditSeq);
    const events = await fixture.db.auditEvent.findMany({
      where: { action: 'trial.verify', subjectId: trialId },
    });
    expect(
      events.filter((e) => (e.payload as { workflowId?: string }).workflowId === workflowId),
    ).toHaveLength(1);
  });

  it('names predictionsHash when the predictions object is changed', async () => {
    const key = keyOf('predictions');
    const document = JSON.parse(new TextDecoder().decode(await fixture.store.get(key))) as {
      splits: { test: { scores: number[] } };
    };
    const scores = document.splits.test.scores;
    scores[0] = 1 - (scores[0] as number);
    scores[1] = 1 - (scores[1] as number);
    const tampered = new TextEncoder().encode(canonicalJson(document));
    await withTampered(key, tampered, async () => {
      const report = await verify();
      expect(report.ok).toBe(false);
      expect(brokenLinks(report)).toEqual(['predictionsHash', 'reevaluation']);
      const link = report.links.find((l) => l.link === 'predictionsHash');
      expect(link?.detail).toContain(`artifact ${fixture.store.uriOf(key)} hashes to`);
      expect(link?.expected).toBe(evaluation.lineage.predictionsHash);
      expect(report.maxScoreDifference).toBeGreaterThan(SCORE_TOLERANCE);
      const event = await fixture.db.auditEvent.findFirstOrThrow({ where: { seq: report.auditSeq } });
      expect(event.payload).toMatchObject({ ok: false });
    });
  });

  it('names weightsOutHash and the re-evaluation when the weights object is changed', async () => {
    const key = keyOf('weights');
    const original = join(scratch, 'original.h5');
    await writeFile(original, await fixture.store.get(key));
    // Plausible tampering: a valid weights file of the same model, with the classifier's bias moved.
    const { model, input } = await loadTrainedModel({
      architecture: 'vgg16',
      inputSize: 32,
      widthMultiplier: 0.125,
      numClasses: 2,
      imagenetWeights: false,
      weightsPath: original,
    });
    const tamperedPath = join(scratch, 'tampered.h5');
    try {
      const head = model.layers[model.layers.length - 1]!;
      const [kernel, bias] = head.getWeights();
      const shifted = backend.tf.tidy(() => bias!.add(backend.tf.tensor1d([2, -2])));
      head.setWeights([kernel!, shifted]);
      shifted.dispose();
      await saveKerasWeights(model, tamperedPath, { input });
    } finally {
      model.dispose();
    }
    await withTampered(key, new Uint8Array(await readFile(tamperedPath)), async () => {
      const report = await verify();
      expect(report.ok).toBe(false);
      expect(brokenLinks(report)).toEqual(['weightsOutHash', 'reevaluation', 'reevaluatedMetrics']);
      expect(report.links.find((l) => l.link === 'weightsOutHash')?.detail).toMatch(
        new RegExp(
          `^artifact ${fixture.store.uriOf(key)} hashes to [0-9a-f]{64}, lineage says ${evaluation.lineage.weightsOutHash}$`,
        ),
      );
      expect(report.maxScoreDifference).toBeGreaterThan(SCORE_TOLERANCE);
    });
  });

  it('names metricsHash when a recorded final metric is edited in the database', async () => {
    await fixture.db.$executeRaw`UPDATE final_metrics SET value = value + 0.01
      WHERE trial_id = ${trialId}::uuid AND split = 'test' AND name = 'auc'`;
    const report = await verify();
    expect(report.ok).toBe(false);
    // The stored weights still reproduce the recorded metrics: only the edited rows disagree.
    expect(brokenLinks(report)).toEqual(['metricsHash']);
    expect(statusOf(report, 'reevaluatedMetrics')).toBe('ok');
    expect(report.links.find((l) => l.link === 'metricsHash')?.expected).toBe(evaluation.lineage.metricsHash);
  });
});
