// What the routers answer, on the test world's real data: sweeps with progress, the trials table, a trial
// in full with its verified lineage and evaluation plots, leaderboards and their exports, the paired
// comparison, the audit log and its verifiers, and bootstrapping the first admin.
import { configFromEnv } from '@medsweep/config';
import { sha256Hex } from '@medsweep/core';
import { describe, expect, it } from 'vitest';
import { ensureBootstrapAdmin } from '../auth/users.js';
import { PASSWORD } from '../test-support/world.js';
import { worldOfThisFile } from '../test-support/file-world.js';

const w = worldOfThisFile();

describe('sweeps', () => {
  it('creates a sweep owned by its submitter and lists it with status and progress', async () => {
    const { api } = await w.as('member', 'session');
    const { sweepId, workflowId } = await api.sweeps.create({ specText: w.specText('listed sweep') });
    expect(workflowId).toBe(`sweep-${sweepId}`);
    const { sweeps, nextCursor } = await api.sweeps.list({ project: 'alpha' });
    expect(nextCursor).toBeNull();
    expect(sweeps.map((s) => s.name)).toEqual(['listed sweep', 'results']);
    expect(sweeps[0]).toMatchObject({
      status: 'queued',
      createdById: w.users.member.id,
      plannedTrials: 4,
      progress: 0,
      canControl: true,
    });
    expect(sweeps[1]).toMatchObject({ trialCounts: { completed: 2 }, plannedTrials: 2, progress: 1 });
    expect(sweeps[1]!.bestPrimaryMetricValue).toBeCloseTo(0.82, 12);
    const page = await api.sweeps.list({ project: 'alpha', limit: 1 });
    expect(
      (await api.sweeps.list({ project: 'alpha', cursor: page.nextCursor })).sweeps.map((s) => s.name),
    ).toEqual(['results']);
  });
});

describe('datasets', () => {
  /** A dataset of alpha whose import found one patient in two splits and one near-duplicate pair across them. */
  async function leakyDataset(name: string) {
    const report = {
      task: 'binary-class',
      numClasses: 2,
      classNames: ['benign', 'malignant'],
      image: { height: 28, width: 28, channels: 1 },
      splits: {
        train: { count: 3, perClass: [2, 1], patients: 2 },
        val: { count: 1, perClass: [0, 1], patients: 1 },
        test: { count: 2, perClass: [1, 1], patients: 2 },
      },
      duplicates: {
        maxDistance: 4,
        exact: { crossSplit: 0, withinSplit: 0, listed: [] },
        near: { crossSplit: 1, withinSplit: 0, listed: [] },
      },
      leakage: {
        patientsInSeveralSplits: 1,
        studiesInSeveralSplits: 0,
        samplesWithPatientId: 6,
        crossSplitExactDuplicates: 0,
        crossSplitNearDuplicates: 1,
        leaky: true,
        reasons: ['1 patient(s) in more than one split'],
        patients: [
          {
            id: 'p1',
            samples: { train: 1, val: 0, test: 1 },
            examples: { train: ['a.png'], test: ['b.png'] },
          },
        ],
        studies: [],
      },
      splitAssignmentSha256: 'a'.repeat(64),
      splitAssignment: { method: 'given', sha256: 'a'.repeat(64) },
    };
    return w.db.dataset.create({
      data: {
        projectId: w.alpha.id,
        name,
        contentHash: sha256Hex(`manifest of ${name}`),
        manifestUri: `s3://bucket/datasets/${name}.json`,
        splits: { train: 3, val: 1, test: 2 },
        numClasses: 2,
        task: 'binary-class',
        licence: 'test',
        source: 'api tests',
        splitAssignmentHash: 'a'.repeat(64),
        leaky: true,
        report,
      },
    });
  }

  it('refuses a sweep on a leaky dataset, naming the counts and the spec field, unless the spec says why', async () => {
    await leakyDataset('leaky');
    const { api } = await w.as('member', 'session');
    const named = w.specText('on a leaky dataset').replace('dataset: breastmnist', 'dataset: leaky');
    const refusal = await api.sweeps.create({ specText: named }).catch((e: unknown) => e);
    expect(refusal).toMatchObject({ code: 'BAD_REQUEST' });
    expect((refusal as Error).message).toMatch(
      /^dataset: 'leaky' in project 'alpha' is leaky: 1 patient\(s\)/,
    );
    expect((refusal as Error).message).toContain(
      '0 identical and 1 near-duplicate image pair(s) cross splits',
    );
    expect((refusal as Error).message).toContain('dataset: { name: leaky, allowLeakage: "<reason>" }');
    const check = await api.sweeps.validateSpec({ specText: named });
    expect(check).toMatchObject({ ok: false, issues: [{ path: 'dataset', line: 3 }] });

    const acknowledged = named.replace(
      'dataset: leaky',
      'dataset: { name: leaky, allowLeakage: "pilot: the shared patient is a phantom scan" }',
    );
    const { sweepId } = await api.sweeps.create({ specText: acknowledged });
    const event = await w.db.auditEvent.findFirstOrThrow({
      where: { subjectId: sweepId, action: 'sweep.submit' },
    });
    expect(event.payload).toMatchObject({
      leakageAcknowledgement: {
        reason: 'pilot: the shared patient is a phantom scan',
        counts: { patientsInSeveralSplits: 1, crossSplitNearDuplicates: 1 },
      },
    });
    expect((await api.sweeps.get({ sweepId })).dataset).toMatchObject({ name: 'leaky', leaky: true });
  });

  it('shows a dataset with its report, sample images and the sweeps that trained on it', async () => {
    const { api } = await w.as('viewer', 'session');
    const detail = await api.datasets.get({ datasetId: w.datasetId });
    expect(detail).toMatchObject({
      project: 'alpha',
      dataset: { name: 'breastmnist', leaky: false },
      report: null,
    });
    expect(detail.sweeps.map((s) => [s.name, s.trials])).toEqual([['results', 2]]);
    const previews = await api.datasets.previews({ datasetId: w.datasetId });
    expect(previews).toEqual([
      { classIndex: 1, split: 'train', key: 'train/0', src: `data:image/png;base64,${btoa('png')}` },
    ]);
  });
});

describe('trials', () => {
  it('lists the sweep trials sorted by a metric, with their final metrics', async () => {
    const { api } = await w.as('viewer', 'token');
    const page = await api.trials.list({
      sweepId: w.results.sweepId,
      sort: { by: 'metric', metric: { split: 'test', name: 'auc' } },
      direction: 'desc',
      limit: 1,
    });
    expect(page.total).toBe(2);
    expect(page.rows[0]).toMatchObject({ id: w.results.trialIds[1], seed: 2 });
    expect(page.rows[0]!.finalMetrics).toContainEqual({ split: 'test', name: 'auc', value: 0.77 });
    const rest = await api.trials.list({
      sweepId: w.results.sweepId,
      limit: 1,
      cursor: page.nextCursor,
      sort: { by: 'metric', metric: { split: 'test', name: 'auc' } },
    });
    expect(rest.rows.map((r) => r.id)).toEqual([w.results.trialIds[0]]);
    expect(rest.nextCursor).toBeNull();
  });

  it('reads one trial in full with its lineage verified against the store', async () => {
    const { api } = await w.as('viewer', 'session');
    const trial = await api.trials.get({ trialId: w.results.trialIds[0] });
    expect(trial.project).toBe('alpha');
    expect(trial.artifacts.map((a) => a.kind)).toEqual(['weights', 'predictions']);
    expect(trial.verification).toMatchObject({ ok: true });
    expect(trial.verification?.ok && trial.verification.checked).toContain('metricsHash');
  });

  it('plots ROC, confusion and calibration from the stored predictions', async () => {
    const { api } = await w.as('viewer', 'session');
    const evaluation = await api.trials.evaluation({ trialId: w.results.trialIds[0] });
    expect(evaluation?.task).toBe('binary-class');
    // Confusion matrix rows and columns are labelled with the dataset's class names.
    expect(evaluation?.classNames).toEqual(['benign', 'malignant']);
    // Its config names no positive class: MedMNIST's convention, label 1.
    expect(evaluation?.positiveClass).toBe('malignant (label 1, MedMNIST convention)');
    const test = evaluation!.splits.test;
    expect(test.confusion!.flat().reduce((a, b) => a + b, 0)).toBe(40);
    expect(test.aucPerLabel).toBeNull();
    expect(test.roc[0]!.fpr.at(-1)).toBe(1);
    expect(test.calibration.reduce((n, b) => n + b.count, 0)).toBe(40);
    expect(test.expectedCalibrationError).toBeGreaterThanOrEqual(0);
  });
});

describe('leaderboards', () => {
  it('ranks configurations with intervals and exports them', async () => {
    const { api } = await w.as('auditor', 'session');
    const board = await api.leaderboard.get({ scope: { sweepId: w.results.sweepId } });
    // The two seeds of one configuration: one entry, two runs.
    expect(board.totalConfigurations).toBe(1);
    expect(board.entries[0]).toMatchObject({ rank: 1, n: 2 });
    expect(board.entries[0]!.mean).toBeCloseTo(0.765, 12);
    // Two seeds: no interval over seeds and none for new patients, only the reason; the estimate from the
    // stored predictions of both runs.
    expect(board.entries[0]!.overSeeds).toMatchObject({
      outcome: 'refused',
      method: 'student-t',
      n: 2,
      reason: 'n too small: 2 seeds; at least 3 are needed for an interval',
    });
    expect(board.entries[0]!.newPatients).toMatchObject({ outcome: 'refused', method: 'two-level', n: 2 });
    // The manifest's classes, MedMNIST's convention (label 1).
    expect(board.positiveClass).toBe('malignant (label 1, MedMNIST convention)');
    const csv = await api.leaderboard.export({
      scope: { sweepId: w.results.sweepId },
      table: 'leaderboard',
      format: 'csv',
    });
    expect(csv).toMatchObject({
      filename: 'leaderboard-test-auc.csv',
      contentType: 'text/csv; charset=utf-8',
    });
    expect(csv.body.split('\r\n')).toHaveLength(3); // header, the entry, and the final CRLF
    expect(csv.body).toContain(
      ',student-t,,,0.95,2,,n too small: 2 seeds; at least 3 are needed for an interval,',
    );
    const latex = await api.leaderboard.export({
      scope: { datasetId: w.datasetId },
      table: 'scratchVsTransfer',
      format: 'latex',
    });
    expect(latex.filename).toBe('scratchVsTransfer-test-auc.tex');
    const onVal = await api.leaderboard.get({
      scope: { sweepId: w.results.sweepId },
      metric: { split: 'val', name: 'auc' },
    });
    expect(onVal.entries[0]!.newPatients).toEqual({
      outcome: 'unavailable',
      reason: 'two-level intervals exist for test auc and test acc, not val auc',
    });
  });

  it("exports the paper's table: the paper's columns, metrics the runs did not record left empty", async () => {
    const { api } = await w.as('viewer', 'token');
    const paper = await api.leaderboard.export({
      scope: { sweepId: w.results.sweepId },
      table: 'paper',
      format: 'markdown',
    });
    expect(paper).toMatchObject({
      filename: 'paper-selected-on-val-auc.md',
      contentType: 'text/markdown; charset=utf-8',
    });
    // The two seeds recorded test ACC 0.7 and test AUC 0.76 / 0.77, but no precision, recall or F1.
    expect(paper.body).toBe(
      '| Model | Initialisation | n | ACC | Precision | Recall | F1 | AUC |\n' +
        '| :--- | :--- | ---: | ---: | ---: | ---: | ---: | ---: |\n' +
        '| vgg16 | scratch | 2 | 0.700 ± 0.000 | — | — | — | 0.765 ± 0.007 |\n' +
        '\n' +
        'Positive class: malignant (label 1, MedMNIST convention).\n',
    );
  });

  it('compares two runs on their shared test images: a family of one', async () => {
    const { api } = await w.as('viewer', 'session');
    const result = await api.leaderboard.compare({
      trialIdA: w.results.trialIds[0],
      trialIdB: w.results.trialIds[1],
    });
    expect(result.comparison.numImages).toBe(40);
    expect(result.comparison.auc.delong).not.toBeNull();
    expect(result.familySize).toBe(1);
    expect(result.holm.mcnemar).toBe(result.comparison.accuracy.mcnemar.pValue);
  });

  it('tests the leader against the next entries with Holm-adjusted p-values, and exports them', async () => {
    const { api } = await w.as('viewer', 'session');
    const scope = { sweepId: w.results.sweepId };
    // One configuration: nothing to compare.
    expect(await api.leaderboard.pairwise({ scope })).toBeNull();
    // Two more configurations of the results sweep, one seed each.
    for (const [i, lr] of [0.01, 0.1].entries()) {
      await w.addCompletedTrial(w.results.sweepId, {
        key: `pair-${i}`,
        index: 10 + i,
        config: { lr, seed: i + 1 },
        seed: i + 1,
      });
    }
    const table = await api.leaderboard.pairwise({ scope });
    expect(table).toMatchObject({ method: 'holm', size: 2 });
    expect(table!.description).toBe(
      'the best run of the leader against the best run of each of the next 2 configurations by mean test auc',
    );
    const members = table!.members;
    expect(members.map((m) => m.member.a.rank)).toEqual([1, 1]);
    expect(members.map((m) => m.member.b.rank)).toEqual([2, 3]);
    // The labels name what varies between the configurations.
    expect(members[0]!.member.a.label).toMatch(/^vgg16 · scratch · lr=/);
    const raw = members.map((m) => m.comparison.accuracy.mcnemar.pValue);
    const smaller = Math.min(...raw);
    expect(Math.min(...members.map((m) => m.holm.mcnemar))).toBe(Math.min(1, 2 * smaller));
    const markdown = await api.leaderboard.export({ scope, table: 'pairwise', format: 'markdown' });
    expect(markdown.filename).toBe('pairwise-test-auc.md');
    expect(markdown.body).toContain('| McNemar p | McNemar p (Holm) |');
    expect(markdown.body).toContain(
      'Family: the best run of the leader against the best run of each of the next 2',
    );
  });
});

describe('audit', () => {
  it('lists events newest first and verifies the chain and a lineage, recording each verification', async () => {
    const { api } = await w.as('auditor', 'token');
    const chain = await api.audit.verifyChain({ project: 'alpha' });
    expect(chain.ok).toBe(true);
    const lineage = await api.audit.verifyLineage({ trialId: w.results.trialIds[1], rehashArtifacts: true });
    expect(lineage).toMatchObject({ ok: true });
    expect(lineage.checked).toEqual(expect.arrayContaining(['weightsOutHash', 'predictionsHash']));
    const { events } = await api.audit.list({ project: 'alpha', limit: 2 });
    expect(events.map((e) => e.action)).toEqual(['lineage.verify', 'audit.verify_chain']);
    expect(events[0]!.seq).toBeGreaterThan(events[1]!.seq);
    const older = await api.audit.list({ project: 'alpha', cursor: events[1]!.seq });
    expect(older.events.every((e) => e.seq < events[1]!.seq)).toBe(true);
  });

  it('finds a tampered artifact when re-hashing', async () => {
    const { api } = await w.as('admin', 'session');
    const artifact = await w.db.artifact.findFirstOrThrow({
      where: { trialId: w.results.trialIds[0], kind: 'weights' },
    });
    await w.store.put(w.store.keyOf(artifact.uri), new TextEncoder().encode('tampered'));
    const result = await api.audit.verifyLineage({ trialId: w.results.trialIds[0], rehashArtifacts: true });
    expect(result).toMatchObject({ ok: false, link: 'weightsOutHash' });
  });
});

describe('ensureBootstrapAdmin', () => {
  it('does nothing once users exist', async () => {
    const auth = configFromEnv({ MEDSWEEP_DEFAULT_PROJECT: 'alpha' }).auth;
    expect(await ensureBootstrapAdmin(w.db, auth)).toMatchObject({ created: false, generatedPassword: null });
  });

  it('creates the default project and its admin on an empty database, who can then log in', async () => {
    await w.db.$transaction([
      w.db.apiToken.deleteMany(),
      w.db.session.deleteMany(),
      w.db.membership.deleteMany(),
      w.db.sweep.updateMany({ data: { createdById: null } }),
      w.db.user.deleteMany(),
    ]);
    const auth = configFromEnv({
      MEDSWEEP_DEFAULT_PROJECT: 'lab',
      MEDSWEEP_ADMIN_EMAIL: 'Root@Example.test',
    }).auth;
    const result = await ensureBootstrapAdmin(w.db, auth);
    expect(result).toMatchObject({ created: true, email: 'root@example.test', project: { slug: 'lab' } });
    expect(result.generatedPassword).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const { api } = await w.anonymous();
    await api.auth.login({ email: 'root@example.test', password: result.generatedPassword! });
    const again = await ensureBootstrapAdmin(w.db, {
      ...auth,
      bootstrapAdmin: { email: 'x@example.test', password: PASSWORD },
    });
    expect(again.created).toBe(false);
  });
});
