import { createHash } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutBucketLifecycleConfigurationCommand,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { MedsweepConfig } from '@medsweep/config';
import { sha256Hex } from '@medsweep/core';
import {
  ForeignObjectUriError,
  LinkLifetimeError,
  MultipartUploadRefusedError,
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

/** One uploaded part of a multipart upload: its number (1-based) and the ETag S3 answered its PUT with. */
export interface UploadedPart {
  partNumber: number;
  etag: string;
}

/** S3's smallest part of a multipart upload (every part but the last): 5 MiB. */
export const MIN_PART_BYTES = 5 * 1024 * 1024;
/** S3's most parts in one multipart upload. */
export const MAX_PARTS = 10_000;

/** Refuses a link lifetime S3 would not sign. */
function checkLifetime(key: string, expiresInSeconds: number): void {
  if (!Number.isInteger(expiresInSeconds) || expiresInSeconds < 1 || expiresInSeconds > MAX_LINK_SECONDS) {
    throw new LinkLifetimeError(key, expiresInSeconds, MAX_LINK_SECONDS);
  }
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
/** Where uploads wait, under keys of the API's choosing, until the API has verified them by hash. */
export const STAGED_UPLOADS_PREFIX = 'uploads/';

/** Days after which the bucket's lifecycle rule removes a staged upload that nobody registered. */
export const STAGED_UPLOAD_DAYS = 1;

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

  /**
   * Sets the bucket's lifecycle rule that removes staged uploads STAGED_UPLOAD_DAYS after they were
   * written: the API deletes those it verified or refused, this catches the ones a client started and
   * never registered. It replaces the bucket's lifecycle configuration, in which this is the only rule.
   */
  async expireStagedUploads(): Promise<void> {
    try {
      await this.client.send(
        new PutBucketLifecycleConfigurationCommand({
          Bucket: this.bucket,
          LifecycleConfiguration: {
            Rules: [
              {
                ID: 'medsweep-staged-uploads',
                Status: 'Enabled',
                Filter: { Prefix: STAGED_UPLOADS_PREFIX },
                Expiration: { Days: STAGED_UPLOAD_DAYS },
              },
            ],
          },
        }),
      );
    } catch (e) {
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
    checkLifetime(key, expiresInSeconds);
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
    checkLifetime(key, expiresInSeconds);
    return getSignedUrl(this.client, new PutObjectCommand({ Bucket: this.bucket, Key: key }), {
      expiresIn: expiresInSeconds,
    });
  }

  /**
   * Starts a multipart upload to `key` and returns its id: for objects too large for one PUT (over 5 GB)
   * or too large to send in one request reliably. Parts are then uploaded through presignUploadPart's
   * URLs and joined by completeMultipartUpload (or dropped by abortMultipartUpload).
   */
  async createMultipartUpload(key: string, contentType = 'application/octet-stream'): Promise<string> {
    try {
      const res = await this.client.send(
        new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key, ContentType: contentType }),
      );
      if (!res.UploadId) throw new Error(`S3 answered no upload id for ${key}`);
      return res.UploadId;
    } catch (e) {
      throw classify(this.settings, e);
    }
  }

  /**
   * A presigned URL that uploads part `partNumber` (1 to MAX_PARTS) of a multipart upload with one PUT;
   * S3 answers it with the part's ETag, which completeMultipartUpload needs. Parts but the last must be
   * at least MIN_PART_BYTES. Like presignPut: hand it out for staging keys only.
   */
  async presignUploadPart(
    key: string,
    multipartId: string,
    partNumber: number,
    { expiresInSeconds }: { expiresInSeconds: number },
  ): Promise<string> {
    checkLifetime(key, expiresInSeconds);
    return getSignedUrl(
      this.client,
      new UploadPartCommand({ Bucket: this.bucket, Key: key, UploadId: multipartId, PartNumber: partNumber }),
      { expiresIn: expiresInSeconds },
    );
  }

  /**
   * Joins the uploaded parts, in part-number order, into the object at `key`. Throws
   * MultipartUploadRefusedError when S3 refuses them (a part missing or with another ETag, a part but the
   * last under 5 MiB, an unknown or finished upload id).
   */
  async completeMultipartUpload(
    key: string,
    multipartId: string,
    parts: readonly UploadedPart[],
  ): Promise<void> {
    const ordered = [...parts].sort((a, b) => a.partNumber - b.partNumber);
    try {
      await this.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.bucket,
          Key: key,
          UploadId: multipartId,
          MultipartUpload: { Parts: ordered.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) },
        }),
      );
    } catch (e) {
      const status = (e as S3ServiceException).$metadata?.httpStatusCode;
      if (e instanceof S3ServiceException && (status === 400 || status === 404)) {
        throw new MultipartUploadRefusedError(key, e.name, e.message, { cause: e });
      }
      throw classify(this.settings, e);
    }
  }

  /** Drops a multipart upload and its parts; dropping one that is gone already is not an error. */
  async abortMultipartUpload(key: string, multipartId: string): Promise<void> {
    try {
      await this.client.send(
        new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: multipartId }),
      );
    } catch (e) {
      if ((e as S3ServiceException).$metadata?.httpStatusCode === 404) return;
      throw classify(this.settings, e);
    }
  }

  /**
   * The sha256 and size of a stored object, read as a stream (memory stays flat however large it is).
   * Throws ObjectNotFoundError when there is no such object.
   */
  async sha256Of(key: string): Promise<{ sha256: string; sizeBytes: number }> {
    const hash = createHash('sha256');
    let sizeBytes = 0;
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!res.Body) throw new Error(`object ${key} has no body`);
      for await (const chunk of res.Body as AsyncIterable<Uint8Array>) {
        hash.update(chunk);
        sizeBytes += chunk.byteLength;
      }
    } catch (e) {
      if (e instanceof NoSuchKey) throw new ObjectNotFoundError(this.bucket, key, { cause: e });
      throw classify(this.settings, e);
    }
    return { sha256: hash.digest('hex'), sizeBytes };
  }

  /**
   * Copies an object inside the bucket on the server (no bytes through this process), recording
   * `sha256` as the copy's metadata as put() does: for moving a verified staged upload to its content
   * address. One CopyObject, so up to S3's 5 GB copy limit. Throws ObjectNotFoundError for a missing source.
   */
  async copy(fromKey: string, toKey: string, sha256: string, contentType = 'application/octet-stream') {
    try {
      await this.client.send(
        new CopyObjectCommand({
          Bucket: this.bucket,
          Key: toKey,
          CopySource: `${this.bucket}/${fromKey.split('/').map(encodeURIComponent).join('/')}`,
          MetadataDirective: 'REPLACE',
          Metadata: { sha256 },
          ContentType: contentType,
        }),
      );
    } catch (e) {
      if (e instanceof NoSuchKey || (e as S3ServiceException).$metadata?.httpStatusCode === 404) {
        throw new ObjectNotFoundError(this.bucket, fromKey, { cause: e });
      }
      throw classify(this.settings, e);
    }
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
