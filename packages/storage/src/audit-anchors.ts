// The audit chain's head, anchored outside the database: one small object per anchor in a bucket under S3
// Object Lock, kept unchangeable for the retention period (in compliance mode not even the bucket's owner
// can delete or overwrite it). Whoever can rewrite the database cannot rewrite these, so verifying the
// chain against them catches a rewrite that re-hashed every event after an edit.
import {
  CreateBucketCommand,
  GetObjectCommand,
  GetObjectLockConfigurationCommand,
  HeadBucketCommand,
  ListObjectVersionsCommand,
  NotFound,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import type { S3ServiceException } from '@aws-sdk/client-s3';
import type { MedsweepConfig } from '@medsweep/config';
import type { AuditAnchor } from '@medsweep/core';
import { canonicalJson } from '@medsweep/core';
import { AnchorBucketNotLockedError } from './errors.js';
import type { S3Settings } from './object-store.js';
import { classify, ObjectStore } from './object-store.js';

export type AnchorSettings = MedsweepConfig['auditAnchors'];

/** Where anchors live in their bucket. */
export const AUDIT_ANCHOR_PREFIX = 'audit-anchors/';

/**
 * Where the anchors of one database's chain live: under its name, so the chains of several databases
 * sharing a bucket (a stack's throwaway test databases, deployments sharing one) are never compared
 * with each other's anchors.
 */
export function auditAnchorPrefix(database: string): string {
  return `${AUDIT_ANCHOR_PREFIX}${database}/`;
}

export interface StoredAnchor extends AuditAnchor {
  /** When it was written (ISO 8601). */
  anchoredAt: string;
  key: string;
}

export interface AnchorListing {
  /** Each key's first version, in seq order. */
  anchors: StoredAnchor[];
  /**
   * Keys whose history shows an attempt to change them (a second version, a delete marker) or whose first
   * version is not an anchor: evidence of tampering with the anchors themselves.
   */
  tampered: { key: string; reason: string }[];
}

const DAY_MS = 86_400_000;

/** The anchors of one bucket under Object Lock. */
export class AuditAnchorStore {
  private readonly store: ObjectStore;

  constructor(
    s3: S3Settings,
    readonly settings: AnchorSettings,
    /** The chain's own folder in the bucket (auditAnchorPrefix); ends with `/`. */
    readonly prefix: string,
  ) {
    this.store = new ObjectStore({ ...s3, bucket: settings.bucket });
  }

  get bucket(): string {
    return this.store.bucket;
  }

  /**
   * Creates the bucket with Object Lock when missing; an existing bucket must have it on
   * (AnchorBucketNotLockedError otherwise: Object Lock cannot be added later).
   */
  async ensureBucket(): Promise<'created' | 'exists'> {
    const { client, bucket } = this.store;
    let created: 'created' | 'exists' = 'exists';
    try {
      await client.send(new HeadBucketCommand({ Bucket: bucket }));
    } catch (e) {
      if (!(e instanceof NotFound) && (e as S3ServiceException).$metadata?.httpStatusCode !== 404)
        throw classify(this.store.settings, e);
      try {
        await client.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
        created = 'created';
      } catch (error) {
        if ((error as Error).name !== 'BucketAlreadyOwnedByYou') throw classify(this.store.settings, error);
      }
    }
    const lock = await client
      .send(new GetObjectLockConfigurationCommand({ Bucket: bucket }))
      .catch((e: unknown) => {
        if ((e as Error).name === 'ObjectLockConfigurationNotFoundError') return undefined;
        throw classify(this.store.settings, e);
      });
    if (lock?.ObjectLockConfiguration?.ObjectLockEnabled !== 'Enabled')
      throw new AnchorBucketNotLockedError(bucket);
    return created;
  }

  /** Writes one anchor under a new key, locked in the configured mode for the retention period. */
  async put(anchor: AuditAnchor, now: Date = new Date()): Promise<StoredAnchor> {
    const key = `${this.prefix}${String(anchor.seq).padStart(20, '0')}-${now.getTime()}.json`;
    const anchoredAt = now.toISOString();
    try {
      await this.store.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: canonicalJson({ seq: anchor.seq, hash: anchor.hash, anchoredAt }),
          ContentType: 'application/json',
          ObjectLockMode: this.settings.mode === 'compliance' ? 'COMPLIANCE' : 'GOVERNANCE',
          ObjectLockRetainUntilDate: new Date(now.getTime() + this.settings.retentionDays * DAY_MS),
          // Object Lock requires an integrity checksum on every write.
          ChecksumAlgorithm: 'CRC32',
        }),
      );
    } catch (e) {
      throw classify(this.store.settings, e);
    }
    return { seq: anchor.seq, hash: anchor.hash, anchoredAt, key };
  }

  /** The highest anchored seq, from the keys alone (nothing is read); null before the first anchor. */
  async latestSeq(): Promise<number | null> {
    const keys = await this.listKeys();
    const last = keys.at(-1);
    return last === undefined ? null : Number(last.slice(this.prefix.length).split('-')[0]);
  }

  /** The anchor keys in key order (so in seq order); none while the bucket does not exist yet. */
  private async listKeys(): Promise<string[]> {
    try {
      return await this.store.list(this.prefix);
    } catch (e) {
      if ((e as Error).name === 'NoSuchBucket') return [];
      throw e;
    }
  }

  /**
   * Every anchor, read from the first version of its key (what was written under the lock), and every key
   * whose history shows a later version or a delete marker. A bucket not made yet holds no anchor.
   */
  async list(): Promise<AnchorListing> {
    const versions = new Map<string, { versionId: string; at: number }[]>();
    const deleted = new Set<string>();
    let keyMarker: string | undefined;
    let versionMarker: string | undefined;
    try {
      do {
        const page = await this.store.client.send(
          new ListObjectVersionsCommand({
            Bucket: this.bucket,
            Prefix: this.prefix,
            KeyMarker: keyMarker,
            VersionIdMarker: versionMarker,
          }),
        );
        for (const v of page.Versions ?? []) {
          if (v.Key === undefined || v.VersionId === undefined) continue;
          const list = versions.get(v.Key) ?? [];
          list.push({ versionId: v.VersionId, at: v.LastModified?.getTime() ?? 0 });
          versions.set(v.Key, list);
        }
        for (const marker of page.DeleteMarkers ?? []) if (marker.Key) deleted.add(marker.Key);
        keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
        versionMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
      } while (keyMarker !== undefined);
    } catch (e) {
      if ((e as Error).name === 'NoSuchBucket') return { anchors: [], tampered: [] };
      throw classify(this.store.settings, e);
    }
    const listing: AnchorListing = { anchors: [], tampered: [] };
    for (const key of deleted)
      if (!versions.has(key)) listing.tampered.push({ key, reason: 'only a delete marker left' });
    for (const [key, history] of versions) {
      if (history.length > 1)
        listing.tampered.push({ key, reason: `${history.length} versions (overwritten)` });
      if (deleted.has(key)) listing.tampered.push({ key, reason: 'deleted (a delete marker hides it)' });
      const first = history.reduce((a, b) => (b.at < a.at ? b : a));
      const anchor = await this.read(key, first.versionId);
      if (anchor === undefined) listing.tampered.push({ key, reason: 'not an anchor' });
      else listing.anchors.push(anchor);
    }
    listing.anchors.sort((a, b) => a.seq - b.seq || a.anchoredAt.localeCompare(b.anchoredAt));
    listing.tampered.sort((a, b) => a.key.localeCompare(b.key));
    return listing;
  }

  /** One version of an anchor object; undefined when its content is not an anchor for its key. */
  private async read(key: string, versionId: string): Promise<StoredAnchor | undefined> {
    let text: string;
    try {
      const res = await this.store.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key, VersionId: versionId }),
      );
      text = (await res.Body?.transformToString('utf8')) ?? '';
    } catch (e) {
      throw classify(this.store.settings, e);
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return undefined;
    }
    const { seq, hash, anchoredAt } = (value ?? {}) as Partial<StoredAnchor>;
    const named = Number(key.slice(this.prefix.length).split('-')[0]);
    if (
      !Number.isSafeInteger(seq) ||
      seq !== named ||
      typeof hash !== 'string' ||
      !/^[0-9a-f]{64}$/.test(hash)
    )
      return undefined;
    if (typeof anchoredAt !== 'string') return undefined;
    return { seq, hash, anchoredAt, key };
  }
}
