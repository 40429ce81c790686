// Audit anchors on the real MinIO of the local stack: a bucket made with Object Lock, anchors written under
// governance-mode retention (so the test can clean up with the root user's bypass), and every attempt to
// change one visible in the key's history.
import { randomBytes } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@medsweep/config';
import { AUDIT_ANCHOR_PREFIX, auditAnchorPrefix, AuditAnchorStore } from './audit-anchors.js';
import { AnchorBucketNotLockedError } from './errors.js';
import { ObjectStore } from './object-store.js';

const s3 = loadConfig().s3;
const run = randomBytes(4).toString('hex');
const settings = {
  bucket: `anchors-test-${run}`,
  everyMinutes: 60,
  mode: 'governance' as const,
  retentionDays: 1,
};
const anchors = new AuditAnchorStore(s3, settings, auditAnchorPrefix('medsweep'));
const admin = new ObjectStore({ ...s3, bucket: settings.bucket }).client;
const hash = (c: string) => c.repeat(64);

afterAll(async () => {
  for (const Bucket of [settings.bucket, `unlocked-${run}`]) {
    const page = await admin.send(new ListObjectVersionsCommand({ Bucket })).catch(() => undefined);
    for (const v of [...(page?.Versions ?? []), ...(page?.DeleteMarkers ?? [])]) {
      await admin.send(
        new DeleteObjectCommand({
          Bucket,
          Key: v.Key,
          VersionId: v.VersionId,
          BypassGovernanceRetention: true,
        }),
      );
    }
    await admin.send(new DeleteBucketCommand({ Bucket })).catch(() => undefined);
  }
});

describe('AuditAnchorStore on MinIO', () => {
  it('holds no anchor before its bucket exists', async () => {
    expect(await anchors.latestSeq()).toBeNull();
    expect(await anchors.list()).toEqual({ anchors: [], tampered: [] });
  });

  it('creates its bucket with Object Lock, and refuses a bucket without', async () => {
    expect(await anchors.ensureBucket()).toBe('created');
    expect(await anchors.ensureBucket()).toBe('exists');
    await admin.send(new CreateBucketCommand({ Bucket: `unlocked-${run}` }));
    await expect(
      new AuditAnchorStore(
        s3,
        { ...settings, bucket: `unlocked-${run}` },
        AUDIT_ANCHOR_PREFIX,
      ).ensureBucket(),
    ).rejects.toThrow(AnchorBucketNotLockedError);
  });

  it('writes anchors that read back in seq order and cannot be deleted while retained', async () => {
    const at = new Date();
    const first = await anchors.put({ seq: 12, hash: hash('b') }, at);
    await anchors.put({ seq: 3, hash: hash('a') });
    expect(first).toEqual({
      seq: 12,
      hash: hash('b'),
      anchoredAt: at.toISOString(),
      key: `audit-anchors/medsweep/00000000000000000012-${at.getTime()}.json`,
    });
    const listing = await anchors.list();
    expect(listing.tampered).toEqual([]);
    expect(listing.anchors.map((a) => [a.seq, a.hash])).toEqual([
      [3, hash('a')],
      [12, hash('b')],
    ]);
    const [version] = (
      await admin.send(new ListObjectVersionsCommand({ Bucket: settings.bucket, Prefix: first.key }))
    ).Versions!;
    await expect(
      admin.send(
        new DeleteObjectCommand({ Bucket: settings.bucket, Key: first.key, VersionId: version!.VersionId }),
      ),
    ).rejects.toThrow(/WORM|retention|locked|AccessDenied/i);
  });

  it('reads each key from its first version and reports any later version or delete marker', async () => {
    const anchor = await anchors.put({ seq: 20, hash: hash('c') });
    // Someone with the bucket's credentials overwrites the anchor, then hides another one.
    await admin.send(
      new PutObjectCommand({
        Bucket: settings.bucket,
        Key: anchor.key,
        Body: JSON.stringify({ seq: 20, hash: hash('f'), anchoredAt: anchor.anchoredAt }),
        ChecksumAlgorithm: 'CRC32',
      }),
    );
    const hidden = await anchors.put({ seq: 21, hash: hash('d') });
    await admin.send(new DeleteObjectCommand({ Bucket: settings.bucket, Key: hidden.key }));
    const listing = await anchors.list();
    expect(listing.anchors.find((a) => a.seq === 20)?.hash).toBe(hash('c'));
    expect(listing.anchors.find((a) => a.seq === 21)?.hash).toBe(hash('d'));
    expect(await anchors.latestSeq()).toBe(20); // the hidden seq 21 shows in the listing of versions only
    expect(listing.tampered).toEqual([
      { key: anchor.key, reason: '2 versions (overwritten)' },
      { key: hidden.key, reason: 'deleted (a delete marker hides it)' },
    ]);
  });
});
