// Datasets imported through the API by callers without S3 or database credentials: blobs uploaded through
// presigned URLs and verified by sha256, the samples tables checked against the images, and the duplicate
// and leakage report computed by the API from what is stored, never taken from the uploader.
import { datasetReport, sha256Hex } from '@medsweep/core';
import { draftSampleRows, sampleRecordsOf } from '@medsweep/core/records';
import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { draftBlobs, uploadDataset, worldDataset } from '../test-support/world.js';
import { worldOfThisFile } from '../test-support/file-world.js';

const w = worldOfThisFile();

const seed = () => `upload ${Date.now()} ${Math.random()}`;
const namesOf = async () =>
  (await (await w.as('member', 'token')).api.datasets.list({ project: 'alpha' })).map((d) => d.name);

describe('datasets import through the API', () => {
  it('registers an uploaded dataset with the report it computes itself, and re-import uploads nothing', async () => {
    const { api } = await w.as('member', 'token');
    const draft = worldDataset(seed());
    const { id, blobs } = await draftBlobs(draft);
    const first = await uploadDataset(api, { project: 'alpha', name: 'uploaded', id, blobs });
    expect(first.upload.uploadId).not.toBeNull();
    const registered = await first.register();

    const rows = draftSampleRows(draft)!;
    const expected = datasetReport({
      task: 'binary-class',
      numClasses: 2,
      classNames: draft.classNames,
      samples: sampleRecordsOf(rows, draft.splits, 'binary-class', 2),
      maxListed: 20,
    });
    expect(registered).toMatchObject({
      contentHash: id,
      created: true,
      task: 'binary-class',
      leaky: expected.leakage.leaky,
      leakageReasons: expected.leakage.reasons,
      splitAssignmentHash: expected.splitAssignmentSha256,
    });
    const shown = await api.datasets.get({ datasetId: registered.datasetId });
    expect(shown.report).toMatchObject({ ...expected, image: { height: 4, width: 4, channels: 1 } });
    expect(shown.previews).toBe(12);
    const previews = await api.datasets.previews({ datasetId: registered.datasetId });
    expect(previews[0]).toMatchObject({ classIndex: 0, split: 'train', key: 'train/0' });
    expect(previews[0]!.src).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);

    // Everything is stored now: nothing to upload, and registering again changes nothing.
    const again = await uploadDataset(api, { project: 'alpha', name: 'uploaded', id, blobs });
    expect(again.upload.uploadId).toBeNull();
    expect(again.upload.blobs.every((b) => b.method === 'stored')).toBe(true);
    expect(await again.register()).toMatchObject({ datasetId: registered.datasetId, created: false });
  });

  it('refuses a tampered blob by name, with both hashes, and registers and keeps nothing', async () => {
    const { api } = await w.as('member', 'token');
    const { id, blobs } = await draftBlobs(worldDataset(seed()));
    // The manifest: the shards of worldDataset are the same for every seed, so stored already.
    const shard = [...blobs.keys()].find((n) => n.endsWith('.json'))!;
    const tampered = new Uint8Array(blobs.get(shard)!);
    tampered[0] = (tampered[0]! + 1) % 256;
    const { upload, register } = await uploadDataset(
      api,
      { project: 'alpha', name: 'tampered', id, blobs },
      (name, bytes) => (name === shard ? tampered : bytes),
    );
    const error = await register().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe('BAD_REQUEST');
    expect((error as TRPCError).message).toBe(
      `upload: blob ${shard} has sha256 ${sha256Hex(tampered)}, but ${shard.slice(0, 64)} was declared; nothing of this upload was stored (upload the declared bytes again under a new upload)`,
    );
    expect(await w.store.list(`uploads/${w.alpha.id}/${upload.uploadId}/`)).toEqual([]);
    expect(await w.store.exists(`datasets/${shard}`)).toBe(false);
    expect(await namesOf()).not.toContain('tampered');
  });

  it('refuses a samples table that lies about the images (a hidden duplicate), registering nothing', async () => {
    const { api } = await w.as('member', 'token');
    const draft = worldDataset(seed());
    const rows = draftSampleRows(draft)!;
    // Claims test sample 0 is identical to train sample 0: the images say otherwise.
    rows.test[0] = { ...rows.test[0]!, pixelSha256: rows.train[0]!.pixelSha256 };
    const { id, blobs } = await draftBlobs(draft, rows);
    const { register } = await uploadDataset(api, { project: 'alpha', name: 'lying', id, blobs });
    const error = await register().catch((e: unknown) => e);
    expect((error as TRPCError).code).toBe('BAD_REQUEST');
    expect((error as TRPCError).message).toMatch(
      new RegExp(
        `^dataset ${id}: test sample 0 \\(test/0\\) pixelSha256 is ${rows.train[0]!.pixelSha256} in the uploaded records, but the uploaded images give [0-9a-f]{64}; `,
      ),
    );
    expect(await namesOf()).not.toContain('lying');
  });

  it('refuses blob names that are not their content hash', async () => {
    const { api } = await w.as('member', 'token');
    const error = await api.datasets
      .startUpload({
        project: 'alpha',
        blobs: [{ name: `${'a'.repeat(64)}.bin`, sha256: 'b'.repeat(64), bytes: 1 }],
      })
      .catch((e: unknown) => e);
    expect((error as TRPCError).code).toBe('BAD_REQUEST');
    expect((error as TRPCError).message).toMatch(/each blob must be named by its sha256/);
  });
});
