// The evaluations and reports routers on the API's test world: what can be asked of a trial, refusals
// before anything starts, requests that start (and later find recorded) an evaluation, recorded
// results read back, and the sweep's report built from all of it.
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  canonicalJson,
  EVALUATION_FORMAT,
  evaluationResult,
  parseEvaluationDocument,
  parsePredictionsDocument,
  storedEvaluationResult,
  testSetMetrics,
} from '@medsweep/core';
import type { EvaluationDocument } from '@medsweep/core';
import { latestArtifact, recordEvaluation, upsertTrial } from '@medsweep/db';
import type { Caller, World } from '../test-support/world.js';
import { createWorld, registerWorldDataset, worldDataset } from '../test-support/world.js';

let w: World;
let lead: Caller['api'];
let trialId: string;
let external: { id: string; name: string };
let other: { id: string };

/** Registers a stored dataset in alpha under `name`. */
const addDataset = (name: string, classNames?: string[]) =>
  registerWorldDataset(w, {
    projectId: w.alpha.id,
    name,
    draft: worldDataset(name, classNames),
    prefix: `api-tests/datasets-${name}`,
  });

/** Records a subgroups evaluation of the trial by `sex`, computed from its stored test predictions. */
async function recordSubgroups() {
  const artifact = (await latestArtifact(w.db, trialId, 'predictions'))!;
  const predictions = parsePredictionsDocument(await w.store.get(w.store.keyOf(artifact.uri)), artifact.uri);
  const { test } = predictions;
  const document: EvaluationDocument = {
    format: EVALUATION_FORMAT,
    kind: 'subgroups',
    task: 'binary-class',
    classNames: ['benign', 'malignant'],
    dataset: {
      name: 'breastmnist',
      manifestSha256: (
        await w.db.dataset.findFirstOrThrow({ where: { name: 'breastmnist', projectId: w.alpha.id } })
      ).contentHash,
    },
    split: 'test',
    count: test.labels.length,
    numColumns: 2,
    labels: Array.from(test.labels),
    clean: Array.from(test.scores.values),
    attribute: { name: 'sex', values: Array.from(test.labels, (_, i) => (i % 4 < 2 ? 'F' : 'M')) },
  };
  const bytes = new TextEncoder().encode(canonicalJson(document));
  const stored = await w.store.put(`api-tests/evaluations/${trialId}-sex.json`, bytes, 'application/json');
  const result = evaluationResult(parseEvaluationDocument(bytes, stored.uri), 'binary-class');
  const dataset = await w.db.dataset.findFirstOrThrow({
    where: { name: 'breastmnist', projectId: w.alpha.id },
  });
  return recordEvaluation(w.db, {
    trialId,
    kind: 'subgroups',
    params: { attribute: 'sex' },
    datasetId: dataset.id,
    result: storedEvaluationResult(result),
    artifact: {
      uri: stored.uri,
      sha256: stored.sha256,
      sizeBytes: stored.sizeBytes,
      contentType: 'application/json',
    },
    provenance: {
      model: {
        parameters: 1234,
        input: { height: 32, width: 32, channels: 1, preprocessing: 'minus-one-one' },
      },
    },
    actor: 'system:test',
    requestedBy: 'user:test',
  });
}

const badRequest = (message: RegExp) => (error: unknown) => {
  expect(error).toBeInstanceOf(TRPCError);
  expect((error as TRPCError).code).toBe('BAD_REQUEST');
  expect((error as TRPCError).message).toMatch(message);
  return true;
};

beforeAll(async () => {
  w = await createWorld();
  lead = (await w.as('lead', 'session')).api;
  trialId = w.results.trialIds[0];
  external = await addDataset('breast-site-b');
  other = await addDataset('pneumonia-like', ['normal', 'pneumonia']);
  await w.db.dataset.create({
    data: {
      projectId: w.alpha.id,
      name: 'no-manifest',
      contentHash: '0'.repeat(64),
      manifestUri: `s3://${w.store.bucket}/api-tests/none.json`,
      splits: {},
      numClasses: 2,
      task: 'binary-class',
      licence: 'n/a',
      source: 'api tests',
    },
  });
}, 120_000);
afterAll(async () => {
  await w?.close();
}, 60_000);

describe('evaluations', () => {
  it("offers the test samples' attributes and says which datasets can validate the trial", async () => {
    const options = await lead.evaluations.options({ trialId });
    expect(options.refused).toBeNull();
    expect(options.attributes).toEqual(['sex']);
    const byName = Object.fromEntries(options.externalDatasets.map((d) => [d.name, d.problem]));
    expect(byName['breast-site-b']).toBeNull();
    expect(byName['pneumonia-like']).toMatch(/its classes are \[normal, pneumonia\]/);
    // A registration without a readable manifest is listed with the reason, not an error for the page.
    expect(byName['no-manifest']).toMatch(/^its manifest cannot be read: /);
  });

  it('refuses what cannot run, with the reason, before anything starts', async () => {
    const events = await w.db.auditEvent.count({ where: { action: 'evaluation.request' } });
    await expect(
      lead.evaluations.run({ trialId, ask: { kind: 'external', datasetId: other.id } }),
    ).rejects.toSatisfy(badRequest(/dataset pneumonia-like cannot validate a model trained on breastmnist/));
    await expect(
      lead.evaluations.run({ trialId, ask: { kind: 'subgroups', attribute: 'age' } }),
    ).rejects.toSatisfy(badRequest(/has no attribute 'age' on its test samples \(available: sex\)/));
    const { trial: pending } = await upsertTrial(w.db, {
      sweepId: w.results.sweepId,
      trialKey: 'pending-for-evaluation',
      index: 50,
      datasetId: external.id,
      architecture: 'vgg16',
      initialisation: 'scratch',
      transferMode: 'full',
      config: { lr: 0.001 },
      seed: 9,
    });
    await expect(
      lead.evaluations.run({ trialId: pending.id, ask: { kind: 'robustness', seed: 0 } }),
    ).rejects.toSatisfy(badRequest(/is pending without recorded output weights/));
    expect(await w.db.auditEvent.count({ where: { action: 'evaluation.request' } })).toBe(events);
  });

  it('starts an evaluation once, reports it running, and audits the request', async () => {
    const ask = { kind: 'external' as const, datasetId: external.id };
    const first = await lead.evaluations.run({ trialId, ask });
    expect(first.evaluationId).toBeNull();
    expect(first.workflowId).toMatch(new RegExp(`^evaluation-${trialId}-external-[0-9a-f]{64}$`));
    const again = await lead.evaluations.run({ trialId, ask });
    expect(again.workflowId).toBe(first.workflowId);
    expect(await lead.evaluations.status({ trialId, ask })).toEqual({ state: 'running' });
    expect(await lead.evaluations.status({ trialId, ask: { kind: 'robustness', seed: 7 } })).toEqual({
      state: 'none',
    });
    const event = await w.db.auditEvent.findFirstOrThrow({
      where: { action: 'evaluation.request', subjectId: trialId },
    });
    expect(event.payload).toMatchObject({ kind: 'external', workflowId: first.workflowId });
  });

  it('lists a recorded evaluation with its metrics, and a request for it is a no-op', async () => {
    const { evaluation } = await recordSubgroups();
    const [listed] = await lead.evaluations.list({ trialId });
    expect(listed).toMatchObject({ id: evaluation.id, kind: 'subgroups', params: { attribute: 'sex' } });
    expect(
      listed?.result.kind === 'subgroups' && listed.result.report.groups.map((g) => [g.value, g.samples]),
    ).toEqual([
      ['F', 20],
      ['M', 20],
    ]);
    // A normal quantile's df came back as Infinity, not the stored null.
    expect(
      listed?.result.kind === 'subgroups' &&
        listed.result.report.groups[0]?.metrics.accuracy.outcome === 'interval' &&
        listed.result.report.groups[0].metrics.accuracy.df,
    ).toBe(Infinity);
    const events = await w.db.auditEvent.count({ where: { action: 'evaluation.request' } });
    const requested = await lead.evaluations.run({ trialId, ask: { kind: 'subgroups', attribute: 'sex' } });
    expect(requested.evaluationId).toBe(evaluation.id);
    expect(await w.db.auditEvent.count({ where: { action: 'evaluation.request' } })).toBe(events);
    expect(await lead.evaluations.status({ trialId, ask: { kind: 'subgroups', attribute: 'sex' } })).toEqual({
      state: 'recorded',
      evaluationId: evaluation.id,
    });
  });
});

describe('reports', () => {
  it('writes the TRIPOD+AI report and the model card of the configuration chosen on validation', async () => {
    const { report, modelCard } = await lead.reports.get({
      sweepId: w.results.sweepId,
      checklist: 'tripod-ai',
    });
    expect(report.filename).toBe(`tripod-ai-${w.results.sweepId}.md`);
    expect(report.contentType).toBe('text/markdown; charset=utf-8');
    expect(report.body).toMatch(/^# TRIPOD\+AI: results/);
    expect(report.body).toContain('To be supplied by the authors');
    // The chosen trial is the best on validation (seed 2: val AUC 0.82); its test metrics are recomputed.
    const chosen = w.results.trialIds[1];
    expect(report.body).toContain(`trial ${chosen}`);
    const artifact = (await latestArtifact(w.db, chosen, 'predictions'))!;
    const { test } = parsePredictionsDocument(await w.store.get(w.store.keyOf(artifact.uri)), artifact.uri);
    const auc = testSetMetrics(test.labels, test.scores, 'binary-class', { threshold: 0.5 }).metrics.auc;
    expect(report.body).toContain(auc.estimate!.toFixed(3));
    expect(modelCard.body).toMatch(/^# Model card/);
    const html = await lead.reports.get({ sweepId: w.results.sweepId, checklist: 'claim', format: 'html' });
    expect(html.report.body).toMatch(/^<!doctype html>/);
    expect(html.report.filename).toBe(`claim-${w.results.sweepId}.html`);
  });
});
