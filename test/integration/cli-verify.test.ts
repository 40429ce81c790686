// `medsweep verify` and `medsweep evaluate` as API clients on the real stack: the API served over HTTP (the
// world of the API's own tests), a worker process of the fleet (control and a train queue of its own,
// TensorFlow loaded there and never in the API), a tiny trial trained through a sweep the member submits,
// and the CLI run as a child process with no database, S3 or Temporal settings — only its profiles.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { World } from '@medsweep/api/test-support';
import { TASK_QUEUES } from '@medsweep/workflows';
import { cliProcess, startCliWorld, stopCliWorld } from './support/cli-process.js';
import type { CliWorld } from './support/cli-process.js';
import type { WorkerProcess } from './support/worker-process.js';
import { startWorkerProcess } from './support/worker-process.js';

/** Its own train queue: no other train worker on the stack trains, evaluates or verifies these trials. */
const TRAIN_QUEUE = 'train-cli-verify';
/** Exit code of a check that ran and found a problem (EXIT.checkFailed). */
const CHECK_FAILED = 1;

let world: CliWorld | undefined;
let w: World;
let worker: WorkerProcess;
let home: string;
let trialId: string;

const { cli, ok } = cliProcess(() => home);

/** One trial of one epoch on the world's small dataset, on this file's train queue. */
const spec = (w: World) =>
  w
    .specText('verified from the CLI')
    .replace('values: [0.001, 0.01]', 'values: [0.001]')
    .replace('seeds: [1, 2]', 'seeds: [1]')
    .replace('budget: { maxTrials: 4, maxEpochs: 2 }', 'budget: { maxTrials: 1, maxEpochs: 1 }')
    .concat(`resources: { queue: ${TRAIN_QUEUE} }\n`);

beforeAll(async () => {
  world = await startCliWorld({
    homePrefix: 'medsweep-cli-verify-',
    profiles: ['member', 'auditor'],
    deps: async (made) => {
      // The worker as deployed (apps/worker's main): it reaches the world's database as its schema owner.
      worker = await startWorkerProcess({ DATABASE_URL: made.ownerUrl }, [
        '--queue',
        TASK_QUEUES.control,
        '--queue',
        TRAIN_QUEUE,
      ]);
      return { sweepTaskQueue: TASK_QUEUES.control };
    },
  });
  ({ w, home } = world);
  const specFile = join(home, 'spec.yaml');
  writeFileSync(specFile, spec(w));
  const { sweepId } = JSON.parse(
    await ok(['sweep', 'submit', specFile, '--json', '--profile', 'member']),
  ) as { sweepId: string };
  const deadline = Date.now() + 240_000;
  for (;;) {
    const trial = await w.db.trial.findFirst({ where: { sweepId } });
    if (trial?.status === 'completed') {
      trialId = trial.id;
      break;
    }
    if (trial?.status === 'failed' || Date.now() > deadline) {
      throw new Error(`trial ${trial?.status ?? 'not started'}: ${trial?.error ?? ''}\n${worker.output()}`);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}, 420_000);

afterAll(async () => {
  await worker?.stop();
  await stopCliWorld(world);
}, 120_000);

describe('medsweep verify', () => {
  it("verifies a completed trial with an auditor's token, recorded as the auditor's event", async () => {
    const r = await cli(['verify', trialId, '--profile', 'auditor']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^reevaluation +OK +stored weights re-evaluated on /m);
    expect(r.stdout).toMatch(/^verified: every checked link holds \(audit event \d+\)$/m);
    const seq = Number(/audit event (\d+)/.exec(r.stdout)?.[1]);
    const event = await w.db.auditEvent.findFirstOrThrow({ where: { seq } });
    expect(event).toMatchObject({ action: 'trial.verify', subjectId: trialId });
    expect(event.actor).toMatch(/^token:/);
    expect(event.payload).toMatchObject({ ok: true, broken: [] });
  }, 180_000);

  it('is refused to a member, naming the roles that may verify', async () => {
    const r = await cli(['verify', trialId, '--profile', 'member']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('needs role auditor or admin in the project');
    expect(await w.db.auditEvent.count({ where: { action: 'trial.verify', subjectId: trialId } })).toBe(1);
  });

  it('names the broken link and exits checkFailed when the weights object is overwritten', async () => {
    const weights = await w.db.artifact.findFirstOrThrow({ where: { trialId, kind: 'weights' } });
    const key = w.store.keyOf(weights.uri);
    const original = await w.store.get(key);
    await w.store.put(key, new TextEncoder().encode('not the trained weights'));
    try {
      const r = await cli(['verify', trialId, '--json', '--profile', 'auditor']);
      expect(r.code, r.stderr).toBe(CHECK_FAILED);
      const report = JSON.parse(r.stdout) as { ok: boolean; links: { link: string; status: string }[] };
      expect(report.ok).toBe(false);
      expect(report.links.filter((l) => l.status === 'broken').map((l) => l.link)).toEqual([
        'weightsOutHash',
        'reevaluation',
      ]);
      const text = await cli(['verify', trialId, '--profile', 'auditor']);
      expect(text.code).toBe(CHECK_FAILED);
      expect(text.stdout).toMatch(/^NOT verified: weightsOutHash, reevaluation broken \(audit event \d+\)$/m);
    } finally {
      await w.store.put(key, original);
    }
  }, 240_000);
});

describe('medsweep evaluate', () => {
  it("evaluates the trial's subgroups on a worker and prints their metrics", async () => {
    const out = await ok(['evaluate', trialId, '--subgroups', 'sex', '--wait', '--profile', 'member']);
    expect(out).toContain('subgroups by sex:');
    expect(out).toMatch(/^ {2}F: 20 images, AUC (\d\.\d{3}|n\/a), ACC \d\.\d{3}$/m);
    expect(out).toMatch(/^ {2}M: 20 images, AUC (\d\.\d{3}|n\/a), ACC \d\.\d{3}$/m);
  }, 180_000);
});
