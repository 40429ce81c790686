/** Thrown when the S3 endpoint cannot be reached at all (nothing listening, DNS, TLS). */
export class S3UnreachableError extends Error {
  constructor(
    readonly endpoint: string,
    options: { cause: unknown },
  ) {
    super(
      `cannot reach S3 at ${endpoint} (${(options.cause as Error).message ?? String(options.cause)}): start it with npm run stack:up or set S3_ENDPOINT`,
      options,
    );
    this.name = 'S3UnreachableError';
  }
}

/** Thrown when S3 rejects the configured credentials or they lack rights on the bucket. */
export class S3AccessDeniedError extends Error {
  constructor(
    readonly endpoint: string,
    readonly accessKeyId: string,
    readonly bucket: string,
    options: { cause: unknown },
  ) {
    super(
      `S3 at ${endpoint} refused access key ${accessKeyId} for bucket ${bucket}: check S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY`,
      options,
    );
    this.name = 'S3AccessDeniedError';
  }
}

/** Thrown when an object read back does not hash to the digest it is stored under. */
export class ObjectIntegrityError extends Error {
  constructor(
    readonly key: string,
    readonly expectedSha256: string,
    readonly actualSha256: string,
  ) {
    super(`object ${key}: sha256 is ${actualSha256}, expected ${expectedSha256} (corrupt or tampered)`);
    this.name = 'ObjectIntegrityError';
  }
}

/** Thrown by ObjectStore.get() when no object has the key (a reference to something never stored, or deleted). */
export class ObjectNotFoundError extends Error {
  constructor(
    readonly bucket: string,
    readonly key: string,
    options: { cause: unknown },
  ) {
    super(`object ${key} does not exist in bucket ${bucket}`, options);
    this.name = 'ObjectNotFoundError';
  }
}

/** Thrown by ObjectStore.keyOf() for a URI that names no object of the store's bucket. */
export class ForeignObjectUriError extends Error {
  constructor(
    readonly uri: string,
    readonly bucket: string,
  ) {
    super(`URI ${uri} is not an object of bucket ${bucket}; expected s3://${bucket}/<key>`);
    this.name = 'ForeignObjectUriError';
  }
}
