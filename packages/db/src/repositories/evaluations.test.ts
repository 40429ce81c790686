// Evaluations against a real Postgres: recorded once per (trial, kind, params) with their audit event and
// artifact, a repeat is a no-op, a different result is refused, and the evaluation subject is what the
// evaluation service needs.
import { sha256Hex } from '@medsweep/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../client.js';
import { EvaluationConflictError, TrialNotFoundError } from '../errors.js';
import { throwawayDatabases } from '../test-support/databases.js';
import type { RecordEvaluationInput } from './evaluations.js';
import {
  evaluationParamsHash,
  evaluationSubject,
  findEvaluation,
  recordEvaluation,
  sweepRobustnessEvaluations,
  trialEvaluations,
} from './evaluations.js';
import { completeTrial, createSweep, createTrial, type SweepContext } from './test-support/fixtures.js';

const dbs = throwawayDatabases();
let db: Db;
let ctx: SweepContext;
let trialId: string;

beforeAll(async () => {
  db = await dbs.client();
  ctx = await createSweep(db);
  const trial = await createTrial(db, ctx, { key: 'e-0', index: 0, seed: 1 });
  await completeTrial(db, ctx, trial, [{ split: 'val', name: 'auc', value: 0.8 }]);
  trialId = trial.id;
});

afterAll(() => dbs.dropAll());

const input = (over: Partial<RecordEvaluationInput> = {}): RecordEvaluationInput => ({
  trialId,
  kind: 'robustness',
  params: { seed: 0, corruptions: 'all' },
  datasetId: ctx.datasetId,
  result: { kind: 'robustness', rows: [], seed: 0 },
  artifact: {
    uri: `s3://medsweep/trials/${trialId}/evaluations/robustness.json`,
    sha256: sha256Hex('document'),
    sizeBytes: 8,
    contentType: 'application/json',
  },
  provenance: { backend: 'tensorflow' },
  actor: 'system:evaluation-workflow',
  requestedBy: 'user:lead',
  ...over,
});

describe('recordEvaluation', () => {
  it('records the row, its artifact and its audit event once; a repeat changes nothing', async () => {
    const first = await recordEvaluation(db, input());
    expect(first.recorded).toBe(true);
    expect(first.evaluation).toMatchObject({
      trialId,
      kind: 'robustness',
      paramsHash: evaluationParamsHash({ seed: 0, corruptions: 'all' }),
    });
    const events = await db.auditEvent.findMany({
      where: { action: 'evaluation.record', subjectId: trialId },
    });
    expect(events).toHaveLength(1);
    expect(events[0]?.payload).toMatchObject({ evaluationId: first.evaluation.id, requestedBy: 'user:lead' });
    const again = await recordEvaluation(db, input());
    expect(again).toEqual({ evaluation: first.evaluation, recorded: false });
    expect(await db.auditEvent.count({ where: { action: 'evaluation.record' } })).toBe(1);
    expect(await db.artifact.count({ where: { trialId, kind: 'evaluation' } })).toBe(1);
  });

  it('refuses a different result for the same evaluation: results are immutable', async () => {
    await expect(recordEvaluation(db, input({ result: { kind: 'robustness', rows: [1] } }))).rejects.toThrow(
      EvaluationConflictError,
    );
  });

  it('keys by parameters: another seed is another evaluation', async () => {
    const other = await recordEvaluation(
      db,
      input({
        params: { seed: 1, corruptions: 'all' },
        artifact: {
          ...input().artifact,
          uri: `s3://medsweep/trials/${trialId}/evaluations/robustness-1.json`,
        },
      }),
    );
    expect(other.recorded).toBe(true);
    const listed = await trialEvaluations(db, trialId);
    expect(listed.map((e) => e.params)).toEqual([
      { seed: 0, corruptions: 'all' },
      { seed: 1, corruptions: 'all' },
    ]);
    expect(listed[0]?.artifact.kind).toBe('evaluation');
    expect(listed[0]?.dataset.name).toBe('dermamnist');
    const key = {
      trialId,
      kind: 'robustness' as const,
      paramsHash: evaluationParamsHash({ seed: 1, corruptions: 'all' }),
    };
    expect((await findEvaluation(db, key))?.id).toBe(other.evaluation.id);
    const sweep = await sweepRobustnessEvaluations(db, ctx.sweepId);
    expect(sweep.map((e) => [e.trial.seed, e.id])).toEqual(listed.map((e) => [1, e.id]));
  });

  it('refuses an unknown trial', async () => {
    await expect(
      recordEvaluation(db, input({ trialId: '00000000-0000-7000-8000-000000000000' })),
    ).rejects.toThrow(TrialNotFoundError);
  });
});

describe('evaluationSubject', () => {
  it("gives the trial, its sweep's spec, dataset and output weights", async () => {
    const subject = await evaluationSubject(db, trialId);
    expect(subject.trial).toMatchObject({ id: trialId, status: 'completed', seed: 1 });
    expect(subject.sweep.id).toBe(ctx.sweepId);
    expect(subject.dataset.id).toBe(ctx.datasetId);
    expect(subject.weights?.uri).toBe(`s3://medsweep/trials/${trialId}/weights.bin`);
    expect(subject.weightsSourceKind).toBeNull();
  });
});
