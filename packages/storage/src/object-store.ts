import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { MedsweepConfig } from '@medsweep/config';
import { sha256Hex } from '@medsweep/core';
import {
  ForeignObjectUriError,
  LinkLifetimeError,
  ObjectIntegrityError,
  ObjectNotFoundError,
  S3AccessDeniedError,
  S3UnreachableError,
} from './errors.js';

export type S3Settings = MedsweepConfig['s3'];

/** The longest a SigV4 presigned URL may stay valid: seven days. */
export const MAX_LINK_SECONDS = 7 * 24 * 3600;

export interface PresignGetArgs {
  /** How long the link works, in whole seconds (1 to MAX_LINK_SECONDS). */
  expiresInSeconds: number;
  /** File name a browser saves the download as; characters outside [A-Za-z0-9._-] become `_`. */
  downloadName?: string;
}

export interface StoredObject {
  uri: string;
  key: string;
  sha256: string;
  sizeBytes: number;
}

/** Maps SDK failures to the project's errors so callers see which setting to fix. */
export function classify(settings: S3Settings, e: unknown): Error {
  if (e instanceof S3ServiceException) {
    const status = e.$metadata.httpStatusCode;
    if (status === 403 || e.name === 'InvalidAccessKeyId' || e.name === 'SignatureDoesNotMatch') {
      return new S3AccessDeniedError(settings.endpoint, settings.accessKeyId, settings.bucket, { cause: e });
    }
    return e;
  }
  const code = (e as NodeJS.ErrnoException).code ?? (e as { name?: string }).name;
  if (code && /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|TimeoutError/.test(code)) {
    return new S3UnreachableError(settings.endpoint, { cause: e });
  }
  return e as Error;
}

/** One bucket of an S3-compatible store (MinIO locally, AWS S3 in production). */
export class ObjectStore {
  readonly client: S3Client;
  readonly bucket: string;

  constructor(readonly settings: S3Settings) {
    this.bucket = settings.bucket;
    this.client = new S3Client({
      endpoint: settings.endpoint,
      region: settings.region,
      forcePathStyle: settings.forcePathStyle,
      credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
      // Fail fast on a dead endpoint; the SDK's own retries cover blips.
      maxAttempts: 3,
    });
  }

  uriOf(key: string): string {
    return `s3://${this.bucket}/${key}`;
  }

  /** The key `uri` names in this bucket, or undefined for a URI of another bucket or scheme (or no key). */
  keyInBucket(uri: string): string | undefined {
    const prefix = this.uriOf('');
    return uri.startsWith(prefix) && uri.length > prefix.length ? uri.slice(prefix.length) : undefined;
  }

  /** The key `uri` names in this bucket; throws ForeignObjectUriError for any other URI. */
  keyOf(uri: string): string {
    const key = this.keyInBucket(uri);
    if (key === undefined) throw new ForeignObjectUriError(uri, this.bucket);
    return key;
  }

  /** Creates the bucket if missing; proves the credentials work either way. */
  async ensureBucket(): Promise<'created' | 'exists'> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      return 'exists';
    } catch (e) {
      if (!(e instanceof NotFound) && (e as S3ServiceException).$metadata?.httpStatusCode !== 404)
        throw classify(this.settings, e);
    }
    try {
      await this.client.send(new CreateBucketCommand({ Bucket: this.bucket }));
      return 'created';
    } catch (e) {
      if ((e as Error).name === 'BucketAlreadyOwnedByYou') return 'exists';
      throw classify(this.settings, e);
    }
  }

  /** Writes bytes and records their sha256 as object metadata, so readers can verify them. */
  async put(key: string, body: Uint8Array, contentType = 'application/octet-stream'): Promise<StoredObject> {
    const sha256 = sha256Hex(body);
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentType: contentType,
          Metadata: { sha256 },
        }),
      );
    } catch (e) {
      throw classify(this.settings, e);
    }
    return { uri: this.uriOf(key), key, sha256, sizeBytes: body.byteLength };
  }

  /**
   * Reads an object whole; when `expectedSha256` is given, refuses bytes that do not match it
   * (ObjectIntegrityError). Throws ObjectNotFoundError when there is no such object.
   */
  async get(key: string, expectedSha256?: string): Promise<Uint8Array> {
    let bytes: Uint8Array;
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!res.Body) throw new Error(`object ${key} has no body`);
      bytes = await res.Body.transformToByteArray();
    } catch (e) {
      if (e instanceof NoSuchKey) throw new ObjectNotFoundError(this.bucket, key, { cause: e });
      throw classify(this.settings, e);
    }
    if (expectedSha256 !== undefined) {
      const actual = sha256Hex(bytes);
      if (actual !== expectedSha256) throw new ObjectIntegrityError(key, expectedSha256, actual);
    }
    return bytes;
  }

  /** Every key that starts with `prefix`, in key order. */
  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.client.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
        );
        for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    } catch (e) {
      throw classify(this.settings, e);
    }
    return keys;
  }

  /** Removes an object; removing one that is not there is not an error (S3 deletes are idempotent). */
  async delete(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (e) {
      throw classify(this.settings, e);
    }
  }

  /**
   * A presigned GET URL for one object: whoever holds it may download the object, without credentials,
   * until it expires. Signing is local (no request to S3), so it neither checks that the object exists
   * nor fails when S3 is down.
   */
  async presignGet(key: string, { expiresInSeconds, downloadName }: PresignGetArgs): Promise<string> {
    if (!Number.isInteger(expiresInSeconds) || expiresInSeconds < 1 || expiresInSeconds > MAX_LINK_SECONDS) {
      throw new LinkLifetimeError(key, expiresInSeconds, MAX_LINK_SECONDS);
    }
    const disposition =
      downloadName === undefined
        ? {}
        : {
            ResponseContentDisposition: `attachment; filename="${downloadName.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
          };
    return getSignedUrl(
      this.client,
      new GetObjectCommand({ Bucket: this.bucket, Key: key, ...disposition }),
      {
        expiresIn: expiresInSeconds,
      },
    );
  }

  /**
   * A presigned PUT URL for one key: whoever holds it may write that object (one request, up to S3's 5 GB
   * single-upload limit) until it expires. Hand it out for a staging key only and verify what arrived
   * before using it: the bytes are the uploader's.
   */
  async presignPut(key: string, { expiresInSeconds }: { expiresInSeconds: number }): Promise<string> {
    if (!Number.isInteger(expiresInSeconds) || expiresInSeconds < 1 || expiresInSeconds > MAX_LINK_SECONDS) {
      throw new LinkLifetimeError(key, expiresInSeconds, MAX_LINK_SECONDS);
    }
    return getSignedUrl(this.client, new PutObjectCommand({ Bucket: this.bucket, Key: key }), {
      expiresIn: expiresInSeconds,
    });
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (e) {
      if (e instanceof NotFound || (e as S3ServiceException).$metadata?.httpStatusCode === 404) return false;
      throw classify(this.settings, e);
    }
  }
}
