// `medsweep data import` and `weights register` as an API client on the real stack: the CLI runs as a
// child process with no database, S3 or Temporal settings, reads the source itself, uploads its blobs
// straight to the object store through the URLs the API signs (multipart for large files), and the API
// verifies them and registers the dataset with the duplicate and leakage report it computes itself.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@medsweep/config';
import type { World } from '@medsweep/api/test-support';
import { cliProcess, startCliWorld, stopCliWorld } from './support/cli-process.js';
import type { CliWorld } from './support/cli-process.js';

let w: World;
let home: string;

const { cli, ok } = cliProcess(() => home);
const breastmnist = () => join(loadConfig().dataDir, 'medmnist', 'breastmnist.npz');

let world: CliWorld | undefined;
beforeAll(async () => {
  world = await startCliWorld({ homePrefix: 'medsweep-cli-data-', profiles: ['member', 'viewer'] });
  ({ w, home } = world);
}, 240_000);

afterAll(() => stopCliWorld(world), 60_000);

describe('medsweep data import', () => {
  it("imports BreastMNIST with a member's token, reporting its known cross-split duplicates", async () => {
    const args = ['data', 'import', breastmnist(), '--name', 'breastmnist-cli', '--profile', 'member'];
    const imported = JSON.parse((await ok([...args, '--json'])).trim().split('\n').at(-1)!) as {
      datasetId: string;
      contentHash: string;
      created: boolean;
      task: string;
      leaky: boolean;
      leakageReasons: string[];
      leakage: { crossSplitExactDuplicates: number; crossSplitNearDuplicates: number };
    };
    expect(imported).toMatchObject({
      created: true,
      task: 'binary-class',
      leaky: true,
      leakage: { crossSplitExactDuplicates: 1, crossSplitNearDuplicates: 87 },
    });
    expect(imported.leakageReasons.length).toBeGreaterThan(0);

    // What the API stored: the report it computed, the split assignment, the sample images.
    const { api: member } = await w.as('member', 'token');
    const shown = await member.datasets.get({ datasetId: imported.datasetId });
    expect(shown.dataset).toMatchObject({
      name: 'breastmnist-cli',
      contentHash: imported.contentHash,
      leaky: true,
    });
    expect(shown.report).toMatchObject({
      task: 'binary-class',
      splits: { train: { count: 546 }, val: { count: 78 }, test: { count: 156 } },
      duplicates: { exact: { crossSplit: 1 }, near: { crossSplit: 87 } },
      image: { height: 28, width: 28, channels: 1 },
    });
    expect(shown.dataset.splitAssignmentHash).toBe(shown.report!.splitAssignmentSha256);
    expect(shown.previews).toBe(12);

    // Again: everything is stored, nothing is uploaded, nothing changes.
    const again = await ok(args);
    expect(again).toContain(
      `dataset breastmnist-cli (sha256:${imported.contentHash}) already registered as ${imported.datasetId}`,
    );
    expect(again).toContain('LEAKY: ');
  });

  it('makes the dataset usable by a sweep, which must say why it may train on its duplicates', async () => {
    const specFile = join(home, 'spec.yaml');
    const spec = (dataset: string) =>
      writeFileSync(specFile, w.specText('on the imported dataset').replace('dataset: breastmnist', dataset));
    spec('dataset: breastmnist-cli');
    const refused = await cli(['sweep', 'submit', specFile, '--profile', 'member']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('1 identical and 87 near-duplicate image pair(s) cross splits');
    spec('dataset: { name: breastmnist-cli, allowLeakage: "known MedMNIST duplicates, checked" }');
    const { sweepId } = JSON.parse(
      await ok(['sweep', 'submit', specFile, '--json', '--profile', 'member']),
    ) as {
      sweepId: string;
    };
    const sweep = await w.db.sweep.findUniqueOrThrow({ where: { id: sweepId } });
    expect(JSON.stringify(sweep.spec)).toContain('"breastmnist-cli"');
    expect(await ok(['sweep', 'cancel', sweepId, '--profile', 'member'])).toContain('cancel requested');
  });

  it("refuses a viewer's token, naming the role", async () => {
    const r = await cli(['data', 'import', breastmnist(), '--name', 'by-viewer', '--profile', 'viewer']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(
      "forbidden: role 'viewer' in project 'alpha' does not allow sweep.submit (needs role member, lead or admin",
    );
    const { api: member } = await w.as('member', 'token');
    expect((await member.datasets.list({ project: 'alpha' })).map((d) => d.name)).not.toContain('by-viewer');
  });
});

describe('medsweep weights register of a large file', () => {
  it('uploads it in parts, read from disk, with a progress line, and the API verifies it whole', async () => {
    const file = join(home, 'big.h5');
    // 70 MiB: over the 64 MiB part size, so two parts.
    const bytes = Buffer.alloc(70 * 1024 * 1024, `large weights ${Date.now()} `);
    writeFileSync(file, bytes);
    const r = await cli([
      'weights',
      'register',
      file,
      '--name',
      'big/vgg16',
      '--json',
      '--profile',
      'member',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('uploading big.h5: part 1/2, 64.0 of 70.0 MiB');
    expect(r.stderr).toContain('uploading big.h5: part 2/2, 70.0 of 70.0 MiB');
    const registered = JSON.parse(r.stdout.trim()) as { sha256: string; created: boolean };
    expect(registered.created).toBe(true);
    const source = await w.db.weightsSource.findFirstOrThrow({ where: { name: 'big/vgg16' } });
    expect(source.sha256).toBe(registered.sha256);
    expect((await w.store.sha256Of(w.store.keyOf(source.uri))).sha256).toBe(registered.sha256);
  }, 120_000);
});
