// Weights uploaded without S3 credentials: through a presigned URL to a staging key, verified by sha256
// before anything is stored under the content address or registered.
import { sha256Hex } from '@medsweep/core';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { weightsKey } from '../services/weights-upload.js';
import type { World } from '../test-support/world.js';
import { createWorld } from '../test-support/world.js';

let w: World;
beforeAll(async () => {
  w = await createWorld();
}, 120_000);
afterAll(async () => {
  await w?.close();
}, 60_000);

const bytesOf = (text: string) => new TextEncoder().encode(text);

async function upload(url: string, bytes: Uint8Array) {
  const response = await fetch(url, { method: 'PUT', body: bytes });
  expect(response.status).toBe(200);
}

describe('weights upload', () => {
  it('registers an uploaded file under its content address, once', async () => {
    const { api } = await w.as('member', 'token');
    const bytes = bytesOf(`member weights ${Date.now()}`);
    const sha256 = sha256Hex(bytes);
    const started = await api.weights.startUpload({ project: 'alpha', sha256 });
    expect(started.alreadyStored).toBe(false);
    await upload(started.url!, bytes);
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
    const again = await api.weights.startUpload({ project: 'alpha', sha256 });
    expect(again).toEqual({ alreadyStored: true, uploadId: null, url: null });
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
    const started = await api.weights.startUpload({ project: 'alpha', sha256: declared });
    await upload(started.url!, bytesOf('something else'));
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
    expect(await w.store.exists(weightsKey(declared))).toBe(false);
    expect((await api.weights.list({ project: 'alpha' })).map((s) => s.name)).not.toContain('tampered/vgg16');
  });

  it('answers 409 when the name already means other weights', async () => {
    const { api } = await w.as('member', 'token');
    const bytes = bytesOf(`other content ${Date.now()}`);
    const sha256 = sha256Hex(bytes);
    const started = await api.weights.startUpload({ project: 'alpha', sha256 });
    await upload(started.url!, bytes);
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
});
