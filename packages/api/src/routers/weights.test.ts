// Weights uploaded without S3 credentials: through presigned URLs to a staging key (one PUT, or a
// multipart upload in parts), verified by sha256 before anything is stored under the content address
// or registered.
import { sha256Hex } from '@medsweep/core';
import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { bytesBody, MIN_PART_BYTES, sendPlannedBlob } from '@medsweep/storage';
import { weightsKey } from '../services/weights-registration.js';
import { worldOfThisFile } from '../test-support/file-world.js';

const w = worldOfThisFile();

const bytesOf = (text: string) => new TextEncoder().encode(text);

/** The one PUT URL of a started weights upload. */
function putUrl(started: { blobs: { method: string; url?: string }[] }): string {
  expect(started.blobs).toHaveLength(1);
  expect(started.blobs[0]!.method).toBe('put');
  return started.blobs[0]!.url!;
}

async function upload(url: string, bytes: Uint8Array) {
  const response = await fetch(url, { method: 'PUT', body: bytes });
  expect(response.status).toBe(200);
}

describe('weights upload', () => {
  it('registers an uploaded file under its content address, once', async () => {
    const { api } = await w.as('member', 'token');
    const bytes = bytesOf(`member weights ${Date.now()}`);
    const sha256 = sha256Hex(bytes);
    const started = await api.weights.startUpload({ project: 'alpha', sha256, bytes: bytes.length });
    expect(started.uploadId).not.toBeNull();
    await upload(putUrl(started), bytes);
    const registered = await api.weights.register({
      project: 'alpha',
      name: 'uploaded/vgg16',
      sha256,
      fileName: '/home/me/vgg16.h5',
      uploadId: started.uploadId,
    });
    expect(registered).toMatchObject({ name: 'uploaded/vgg16', sha256, created: true });
    expect(sha256Hex(await w.store.get(weightsKey(sha256)))).toBe(sha256);
    // The same content again: nothing to upload, and registering it changes nothing.
    const again = await api.weights.startUpload({ project: 'alpha', sha256, bytes: bytes.length });
    expect(again).toMatchObject({ uploadId: null, blobs: [{ method: 'stored' }] });
    expect(
      await api.weights.register({
        project: 'alpha',
        name: 'uploaded/vgg16',
        sha256,
        fileName: 'x.h5',
        uploadId: null,
      }),
    ).toMatchObject({ created: false });
  });

  it('refuses bytes that do not hash to the declared sha256, storing and registering nothing', async () => {
    const { api } = await w.as('member', 'token');
    const declared = sha256Hex(bytesOf(`declared ${Date.now()}`));
    const started = await api.weights.startUpload({ project: 'alpha', sha256: declared, bytes: 14 });
    await upload(putUrl(started), bytesOf('something else'));
    const error = await api.weights
      .register({
        project: 'alpha',
        name: 'tampered/vgg16',
        sha256: declared,
        fileName: 'a.h5',
        uploadId: started.uploadId,
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe('BAD_REQUEST');
    expect((error as TRPCError).message).toBe(
      `upload: blob weights.h5 has sha256 ${sha256Hex(bytesOf('something else'))}, but ${declared} was declared; nothing of this upload was stored (upload the declared bytes again under a new upload)`,
    );
    expect(await w.store.exists(weightsKey(declared))).toBe(false);
    expect(await w.store.list(`uploads/${w.alpha.id}/${started.uploadId}/`)).toEqual([]);
    expect((await api.weights.list({ project: 'alpha' })).map((s) => s.name)).not.toContain('tampered/vgg16');
  });

  it('answers 409 when the name already means other weights', async () => {
    const { api } = await w.as('member', 'token');
    const bytes = bytesOf(`other content ${Date.now()}`);
    const sha256 = sha256Hex(bytes);
    const started = await api.weights.startUpload({ project: 'alpha', sha256, bytes: bytes.length });
    await upload(putUrl(started), bytes);
    const error = await api.weights
      .register({
        project: 'alpha',
        name: 'uploaded/vgg16',
        sha256,
        fileName: 'b.h5',
        uploadId: started.uploadId,
      })
      .catch((e: unknown) => e);
    expect((error as TRPCError).code).toBe('CONFLICT');
  });

  it('takes a file over the part size as a multipart upload in parts, verified as a whole', async () => {
    const { api } = await w.as('member', 'token');
    const bytes = Uint8Array.from(
      { length: 2 * MIN_PART_BYTES + 4096 },
      (_, i) => (i * 7 + Date.now()) % 256,
    );
    const sha256 = sha256Hex(bytes);
    const started = await api.weights.startUpload({
      project: 'alpha',
      sha256,
      bytes: bytes.length,
      partBytes: MIN_PART_BYTES,
    });
    const [plan] = started.blobs;
    expect(plan).toMatchObject({ method: 'multipart', partBytes: MIN_PART_BYTES });
    expect(plan?.method === 'multipart' ? plan.parts.map((p) => p.partNumber) : []).toEqual([1, 2, 3]);
    const sent: number[] = [];
    const { multipart } = await sendPlannedBlob(plan!, bytesBody(bytes), (p) => sent.push(p.sentBytes));
    expect(sent).toEqual([MIN_PART_BYTES, 2 * MIN_PART_BYTES, bytes.length]);
    const registered = await api.weights.register({
      project: 'alpha',
      name: 'multipart/vgg16',
      sha256,
      fileName: 'big.h5',
      uploadId: started.uploadId,
      ...(multipart ? { multipart } : {}),
    });
    expect(registered).toMatchObject({ sha256, created: true });
    expect((await w.store.sha256Of(weightsKey(sha256))).sha256).toBe(sha256);
    expect(await w.store.list(`uploads/${w.alpha.id}/${started.uploadId}/`)).toEqual([]);
  });

  it('refuses a part size under S3 minimum', async () => {
    const { api } = await w.as('member', 'token');
    const error = await api.weights
      .startUpload({ project: 'alpha', sha256: sha256Hex('x'), bytes: 10, partBytes: 1024 })
      .catch((e: unknown) => e);
    expect((error as TRPCError).code).toBe('BAD_REQUEST');
  });
});
